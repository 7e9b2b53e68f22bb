"""A participant with a device on a plan with an EAP-TLS SSID, and a helper that issues through the portal."""
import plistlib
import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.serialization import pkcs12

from opsconsole.plan.choices import Authentication
from opsconsole.plan.models import Ssid, Vlan
from opsconsole.registration.models import Device
from tests.registration.conftest import make_participant

PASSWORD = "tent-pole-42"


@pytest.fixture
def eap_ssid(db) -> Ssid:
    vlan = Vlan.objects.create(vid=10, name="camp", purpose="EAP-TLS participants")
    return Ssid.objects.create(essid="widecamp", bands=["5GHz"], authentication=Authentication.EAP_TLS, vlan=vlan)


@pytest.fixture
def participant(db, participant_user):
    return make_participant(user=participant_user, days=30)


@pytest.fixture
def other(db, other_participant):
    return make_participant("Dave Other", "dave@example.org", user=other_participant)


@pytest.fixture
def device(participant) -> Device:
    return Device.objects.create(participant=participant, mac="00:1b:63:00:00:42", label="laptop")


def issue_in_portal(client, device, file_format="pkcs12", password=PASSWORD):
    return client.post(f"/portal/certificates/devices/{device.pk}/", {"file_format": file_format, "password": password})


def open_bundle(response, password=PASSWORD):
    return pkcs12.load_pkcs12(response.content, password.encode())


def verify_profile(signed: bytes, ca_pem: str, directory: Path, tool: str = "cms") -> subprocess.CompletedProcess:
    """`openssl TOOL -verify` (cms or smime) of a signed Apple profile against the CA CA_PEM; the content lands in
    DIRECTORY/profile.plist."""
    (directory / "ca.pem").write_text(ca_pem)
    (directory / "signed.mobileconfig").write_bytes(signed)
    (directory / "profile.plist").unlink(missing_ok=True)
    return subprocess.run(["openssl", tool, "-verify", "-inform", "DER", "-in", directory / "signed.mobileconfig",
                           "-CAfile", directory / "ca.pem", "-out", directory / "profile.plist"],
                          capture_output=True, text=True, timeout=30)


def open_profile(response, directory: Path) -> dict:
    """The Apple profile of a download, once `openssl cms -verify` has accepted its signature against the console's CA."""
    from opsconsole.certificates.models import CertificateAuthority

    done = verify_profile(response.content, CertificateAuthority.load().certificate, directory)
    assert done.returncode == 0, done.stderr
    return plistlib.loads((directory / "profile.plist").read_bytes())
