"""The RADIUS node's rendered FreeRADIUS, with the TLS files its agent fetches from the secrets API, against the test
database: EAP-TLS with a certificate the portal issued, refused with its reason once revoked and the node has the new
CRL, or once expired; PEAP-MSCHAPv2 with the portal's Wi-Fi password, checked against the NT hash radcheck gives,
only on an SSID whose plan entry takes the Wi-Fi password."""
import re
from datetime import timedelta
from pathlib import Path

import pytest
from cryptography import x509
from django.test import Client
from django.utils import timezone

from opsconsole.certificates import authority
from opsconsole.certificates.models import CertificateAuthority, IssuedCertificate
from opsconsole.nodes.intents import build_intent
from opsconsole.plan.choices import Authentication
from opsconsole.plan.models import Ssid
from opsconsole.radius.models import RadPostAuth

from ..freeradius import eapol_test, running_freeradius
from ..radius.nodes import make_radius_node
from .conftest import PASSWORD, issue_in_portal, open_bundle

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NAS_ID, SECRET = 9101, "eap-ap-secret"
CALLED_STATION = "02-00-5E-10-00-01:widecamp"
SERVER_NAME = "radius.camp.example"


@pytest.fixture
def radius_node(eap_ssid):
    node, token, nas = make_radius_node("radius-1", "ap eap", "127.0.0.1", SECRET, nas_id=NAS_ID, listen=["127.0.0.1"])
    nas.ssids.set([eap_ssid])
    return node, token


def node_tls_files(client, node, token) -> dict[str, str]:
    """What the node's agent fetches: the secrets API, with the node's own token."""
    answer = client.get(f"/api/nodes/{node.name}/secrets/", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200
    return answer.json()["secrets"]["radius"]["tls"]


def running(tls: dict[str, str]):
    return running_freeradius([{"id": NAS_ID, "name": "ap eap", "address": "127.0.0.1"}], {NAS_ID: SECRET}, tls=tls)


def test_eap_tls_with_an_issued_certificate_then_refused_as_revoked_after_the_nodes_new_crl(
        client, participant_client, helpdesk_user, device, radius_node, tmp_path):
    node, token = radius_node
    download = issue_in_portal(participant_client, device)
    identity = open_bundle(download).cert.certificate
    (tmp_path / "client.p12").write_bytes(download.content)
    tls = node_tls_files(client, node, token)
    (tmp_path / "ca.pem").write_text(tls["ca.pem"])
    network = "\n".join([
        'key_mgmt=WPA-EAP', 'eap=TLS', f'identity="{device.mac}"', f'ca_cert="{tmp_path / "ca.pem"}"',
        f'domain_match="{SERVER_NAME}"',  # what Android 11+ insists on
        f'private_key="{tmp_path / "client.p12"}"', f'private_key_passwd="{PASSWORD}"',
    ])

    with running(tls) as radius:
        accepted = eapol_test(radius, SECRET, CALLED_STATION, network, tmp_path / "eapol.conf")
        assert accepted.returncode == 0 and "SUCCESS" in accepted.stdout, accepted.stdout[-3000:]
        assert RadPostAuth.objects.filter(username=device.mac).latest("id").accepted

        version = build_intent(node)["roles"]["radius"]["secrets_version"]
        certificate = IssuedCertificate.objects.get(serial=f"{identity.serial_number:x}")
        assert participant_client.post(f"/portal/certificates/{certificate.pk}/revoke/").status_code == 302
        # The node's next intent differs (so its agent refetches and restarts FreeRADIUS), and its files hold the CRL.
        assert build_intent(node)["roles"]["radius"]["secrets_version"] != version
        renewed = node_tls_files(client, node, token)
        crl = x509.load_pem_x509_crl(next(v for k, v in renewed.items() if k.endswith(".r0")).encode())
        assert crl.get_revoked_certificate_by_serial_number(identity.serial_number) is not None
        radius.install_tls(renewed)

        refused = eapol_test(radius, SECRET, CALLED_STATION, network, tmp_path / "eapol.conf")
        assert refused.returncode != 0 and "SUCCESS" not in refused.stdout
        stored = RadPostAuth.objects.filter(username=device.mac).latest("id")
        assert (stored.reply, stored.reason) == ("Access-Reject", "certificate revoked"), radius.log[-40:]

    helpdesk = Client()  # `client` is the participant's
    helpdesk.force_login(helpdesk_user)
    page = helpdesk.get(f"/registration/participants/{device.participant.pk}/").content.decode()
    newest = re.findall(r"<tr><td>.*?</tr>", page[page.index("RADIUS answers"):], re.DOTALL)[0]
    assert "certificate revoked" in newest and "rejected" in newest


def test_an_expired_certificate_is_refused_with_its_reason(client, participant, device, radius_node, tmp_path):
    node, token = radius_node
    ca = CertificateAuthority.load()
    then = timezone.now() - timedelta(days=10)
    subject = authority.client_subject(ca.organisation, participant.name, device.mac)
    key, certificate = authority.issue_client(ca.key(), ca.x509(), subject, then + timedelta(days=1), then)
    (tmp_path / "client.p12").write_bytes(authority.pkcs12_bundle(key, certificate, ca.x509(), PASSWORD, "expired"))
    tls = node_tls_files(client, node, token)
    (tmp_path / "ca.pem").write_text(tls["ca.pem"])
    network = "\n".join([
        'key_mgmt=WPA-EAP', 'eap=TLS', 'identity="expired"', f'ca_cert="{tmp_path / "ca.pem"}"',
        f'private_key="{tmp_path / "client.p12"}"', f'private_key_passwd="{PASSWORD}"',
    ])

    with running(tls) as radius:
        refused = eapol_test(radius, SECRET, CALLED_STATION, network, tmp_path / "eapol.conf")

    assert refused.returncode != 0 and "SUCCESS" not in refused.stdout
    stored = RadPostAuth.objects.filter(username="expired").latest("id")
    assert (stored.reply, stored.reason) == ("Access-Reject", "certificate expired"), radius.log[-40:]


def portal_password(participant_client) -> tuple[str, str]:
    page = participant_client.post("/portal/certificates/wifi-password/").content.decode()
    username, password = re.findall(r"<dt>(?:Identity \(user name\)|Password)</dt><dd><code>([^<]+)</code>", page)
    return username, password


def peap_network(username: str, password: str, ca: Path) -> str:
    return "\n".join(['key_mgmt=WPA-EAP', 'eap=PEAP', f'identity="{username}"', 'anonymous_identity="anonymous"',
                      f'password="{password}"', 'phase2="auth=MSCHAPV2"', f'ca_cert="{ca}"',
                      f'domain_match="{SERVER_NAME}"'])


def test_peap_mschapv2_with_the_portal_password_accepted_and_refused_when_wrong_or_not_offered(
        client, participant_client, helpdesk_user, participant, eap_ssid, radius_node, tmp_path):
    node, token = radius_node
    eap_ssid.wifi_password = True
    eap_ssid.save()
    username, password = portal_password(participant_client)
    assert username == f"p{participant.pk}"
    tls = node_tls_files(client, node, token)
    (tmp_path / "ca.pem").write_text(tls["ca.pem"])

    def network(secret: str) -> str:
        return peap_network(username, secret, tmp_path / "ca.pem")

    with running(tls) as radius:
        accepted = eapol_test(radius, SECRET, CALLED_STATION, network(password), tmp_path / "eapol.conf")
        assert accepted.returncode == 0 and "SUCCESS" in accepted.stdout, accepted.stdout[-3000:] + "\n".join(radius.log[-60:])
        refused = eapol_test(radius, SECRET, CALLED_STATION, network(password[::-1]), tmp_path / "eapol.conf")
        assert refused.returncode != 0 and "SUCCESS" not in refused.stdout
        # The outer identity is "anonymous": the refusal is stored under the inner one, for the helpdesk to see.
        stored = RadPostAuth.objects.filter(username=username).latest("id")
        assert (stored.reply, stored.reason) == ("Access-Reject", "Wi-Fi password refused"), radius.log[-40:]
        helpdesk = Client()
        helpdesk.force_login(helpdesk_user)
        helpdesk_page = helpdesk.get(f"/registration/participants/{participant.pk}/").content.decode()
        assert "Wi-Fi password refused" in helpdesk_page
        # EAP only on an EAP SSID of the plan, and only from a NAS that serves it.
        Ssid.objects.create(essid="widecamp-a", bands=["5GHz"], authentication=Authentication.EAP_TLS,
                            vlan=eap_ssid.vlan)
        for ssid, reason in (("camp-nowep", "EAP is not offered on this SSID"), ("widecamp-a", "unknown NAS")):
            elsewhere = eapol_test(radius, SECRET, f"02-00-5E-10-00-01:{ssid}", network(password), tmp_path / "eapol.conf")
            assert elsewhere.returncode != 0 and "SUCCESS" not in elsewhere.stdout
            stored = RadPostAuth.objects.filter(username="anonymous").latest("id")
            assert (stored.reply, stored.reason, stored.ssid) == ("Access-Reject", reason, ssid)
        # radcheck gives no NT-Password once the participant's event has ended.
        participant.active_from = timezone.now() - timedelta(days=2)
        participant.active_until = timezone.now() - timedelta(seconds=1)
        participant.save()
        ended = eapol_test(radius, SECRET, CALLED_STATION, network(password), tmp_path / "eapol.conf")
        assert ended.returncode != 0 and "SUCCESS" not in ended.stdout


def test_the_portal_password_is_refused_with_its_reason_on_an_ssid_whose_plan_does_not_take_it(
        client, participant_client, participant, eap_ssid, radius_node, tmp_path):
    node, token = radius_node
    eap_ssid.wifi_password = True
    eap_ssid.save()
    username, password = portal_password(participant_client)
    eap_ssid.wifi_password = False  # after the portal issued it: the plan changes its mind, FreeRADIUS follows
    eap_ssid.save()
    tls = node_tls_files(client, node, token)
    (tmp_path / "ca.pem").write_text(tls["ca.pem"])

    with running(tls) as radius:
        refused = eapol_test(radius, SECRET, CALLED_STATION, peap_network(username, password, tmp_path / "ca.pem"),
                             tmp_path / "eapol.conf")

    assert refused.returncode != 0 and "SUCCESS" not in refused.stdout
    stored = RadPostAuth.objects.filter(username=username).latest("id")
    assert (stored.reply, stored.reason, stored.ssid) == (
        "Access-Reject", "Wi-Fi password is not offered on this SSID", eap_ssid.essid), radius.log[-40:]
