"""Make the console's certificate authority now instead of on first use, set the RADIUS server's name, and print
the CA's fingerprint."""
from cryptography.hazmat.primitives import hashes
from django.core.management.base import BaseCommand

from opsconsole.certificates.models import CertificateAuthority


class Command(BaseCommand):
    help = ("Create the EAP-TLS certificate authority (if there is none), set the RADIUS server name, "
            "and print the CA's subject and fingerprint.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("--name", help="the CA's common name")
        parser.add_argument("--organisation")
        parser.add_argument("--server-name", help="the RADIUS server's DNS name clients are told to trust; changing "
                            "it gives the server a new certificate, and clients set up with the old name must be set up again")

    def handle(self, *args, name=None, organisation=None, server_name=None, **options) -> None:
        given = {"name": name, "organisation": organisation, "server_name": server_name}
        existed = CertificateAuthority.objects.filter(pk=1).exists()
        ca = CertificateAuthority.load(**{field: value for field, value in given.items() if value})
        if server_name and ca.server_name != server_name:
            ca.server_name = server_name
            ca.save(update_fields=["server_name"])
        certificate = ca.x509()
        self.stdout.write(f"{'existing' if existed else 'created'}: {certificate.subject.rfc4514_string()}, "
                          f"SHA-256 {certificate.fingerprint(hashes.SHA256()).hex(':')}, RADIUS server {ca.server_name}")
