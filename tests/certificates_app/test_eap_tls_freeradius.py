"""The real FreeRADIUS accepts a certificate the portal issued over EAP-TLS (eapol_test), and refuses it once it is
revoked and the published CRL reaches FreeRADIUS's CA directory; and PEAP-MSCHAPv2 against the stored NT hash."""
import re
from pathlib import Path

import pytest
from cryptography import x509

from opsconsole.certificates import authority
from opsconsole.certificates.issuing import radius_tls_files
from opsconsole.certificates.models import IssuedCertificate, WifiPassword

from .conftest import PASSWORD, issue_in_portal, open_bundle
from .freeradius import FreeRadius, eapol_test

pytestmark = [pytest.mark.e2e, pytest.mark.django_db]


def write_tls_files(directory: Path) -> dict[str, Path]:
    for name, content in radius_tls_files().items():
        (directory / name).parent.mkdir(parents=True, exist_ok=True)
        (directory / name).write_bytes(content)
    return {"key": directory / "server.key", "certificate": directory / "server.pem", "ca": directory / "ca.pem",
            "ca_path": directory / "ca"}


def test_eap_tls_with_an_issued_certificate_then_refused_after_revocation(client, participant_client, device, eap_ssid,
                                                                          tmp_path):
    tls = write_tls_files(tmp_path / "tls")
    download = issue_in_portal(participant_client, device)
    identity = open_bundle(download).cert.certificate
    (tmp_path / "client.p12").write_bytes(download.content)
    network = "\n".join([
        'key_mgmt=WPA-EAP', 'eap=TLS', f'identity="{device.mac}"', f'ca_cert="{tls["ca"]}"',
        'domain_match="radius.camp.example"',  # what Android 11+ insists on
        f'private_key="{tmp_path / "client.p12"}"', f'private_key_passwd="{PASSWORD}"',
    ])

    with FreeRadius(tmp_path / "raddb", tls) as radius:
        accepted = eapol_test(radius, network, tmp_path / "eapol.conf")
        assert accepted.returncode == 0 and "SUCCESS" in accepted.stdout, accepted.stdout[-3000:]

        certificate = IssuedCertificate.objects.get(serial=f"{identity.serial_number:x}")
        participant_client.post(f"/portal/certificates/{certificate.pk}/revoke/")
        published = client.get("/certificates/crl.pem").content
        crl = x509.load_pem_x509_crl(published)
        assert crl.get_revoked_certificate_by_serial_number(identity.serial_number) is not None
        (tls["ca_path"] / f"{authority.name_hash(crl.issuer)}.r0").write_bytes(published)
        radius.restart()

        refused = eapol_test(radius, network, tmp_path / "eapol.conf")
        assert refused.returncode != 0 and "SUCCESS" not in refused.stdout
        assert "certificate revoked" in radius.log.read_text()


def test_peap_mschapv2_with_the_password_the_portal_made_and_only_its_nt_hash(participant_client, participant,
                                                                            eap_ssid, tmp_path):
    tls = write_tls_files(tmp_path / "tls")
    page = participant_client.post("/portal/certificates/wifi-password/").content.decode()
    username, password = re.findall(r"<dt>(?:Identity \(user name\)|Password)</dt><dd><code>([^<]+)</code>", page)
    stored = WifiPassword.objects.get(participant=participant)
    users = f'{username} NT-Password := 0x{stored.nt_hash}\n'

    def network(secret: str) -> str:
        return "\n".join(['key_mgmt=WPA-EAP', 'eap=PEAP', f'identity="{username}"', 'anonymous_identity="anonymous"',
                          f'password="{secret}"', 'phase2="auth=MSCHAPV2"', f'ca_cert="{tls["ca"]}"',
                          'domain_match="radius.camp.example"'])

    with FreeRadius(tmp_path / "raddb", tls, users=users) as radius:
        accepted = eapol_test(radius, network(password), tmp_path / "eapol.conf")
        assert accepted.returncode == 0 and "SUCCESS" in accepted.stdout, accepted.stdout[-3000:]
        refused = eapol_test(radius, network(password[::-1]), tmp_path / "eapol.conf")
        assert refused.returncode != 0 and "SUCCESS" not in refused.stdout
