"""Disconnect (RFC 5176): a removed device, a revoked certificate, an ended registration end the session at the NAS
that reported it (a second, real FreeRADIUS listening for CoA/Disconnect); ACK, NAK and no answer are recorded."""
import hashlib
import re
import struct
from datetime import timedelta

import pytest
from django.utils import timezone

from opsconsole.certificates.models import IssuedCertificate, Kind, RevocationReason
from opsconsole.radius.models import DisconnectRequest, Nas, RadAcct
from opsconsole.radius.packets import DISCONNECT_NAK, ERROR_CAUSE, Answer, disconnect_request, read_answer
from opsconsole.radius.tasks import disconnect_expired_devices

from ..e2e.stack import wait_until
from ..freeradius import running_coa_nas
from ..ports import free_port
from .test_accounting import account, no_sessions  # noqa: F401  (shared fixtures)
from .test_mac_auth import SECRETS, SERVING, plan, radius, register  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)
UNKNOWN_TO_THE_NAS = "4A3B2301"


@pytest.fixture(scope="module")
def access_point():
    with running_coa_nas(SECRETS[SERVING], nak_session=UNKNOWN_TO_THE_NAS) as nas:
        yield nas


@pytest.fixture
def nas_listening(plan, access_point, settings):
    settings.RADIUS_DISCONNECT_TIMEOUT_SECONDS = 2
    Nas.objects.filter(pk=SERVING).update(coa_port=access_point.port)
    return access_point


def received(nas, session_id: str) -> list[str]:
    """The Disconnect-Requests the NAS logged for this Acct-Session-Id, each with its answer (debug lines "(n) ...")."""
    requests: dict[str, list[str]] = {}
    for line in nas.log:
        if match := re.match(r"\((\d+)\)\s+(.*)", line):
            requests.setdefault(match[1], []).append(match[2])
    return ["\n".join(lines) for lines in requests.values()
            if lines[0].startswith("Received Disconnect-Request") and f'Acct-Session-Id = "{session_id}"' in lines]


def answered(nas, session_id: str) -> str:
    """The one Disconnect-Request the NAS logged for this Acct-Session-Id, with its answer. The console has its answer
    as soon as the NAS sends it, which can be before the NAS's debug lines about it reach the log."""
    (logged,) = wait_until(lambda: [logged for logged in received(nas, session_id) if "Sent Disconnect-" in logged],
                           5, f"the NAS's log of its answer for {session_id}")
    return logged


def test_removing_a_device_disconnects_its_session_at_its_nas(radius, plan, nas_listening, helpdesk_client):
    device = register("00:00:5e:10:3a:01", plan["vlan"])
    account(radius, "Start", "4A3B2001", "00-00-5E-10-3A-01")
    account(radius, "Start", "4A3B2002", "00-00-5E-10-3A-99")  # another device's, left alone

    assert helpdesk_client.post(f"/registration/devices/{device.pk}/remove/").status_code == 302

    request = DisconnectRequest.objects.get()
    assert (request.result, request.attempts, request.trigger) == ("ack", 1, "device-removed")
    assert request.participant == device.participant and request.mac == "00:00:5e:10:3a:01"
    logged = answered(nas_listening, "4A3B2001")
    assert 'User-Name = "00-00-5E-10-3A-01"' in logged and 'Calling-Station-Id = "00:00:5e:10:3a:01"' in logged
    assert "NAS-IP-Address = 127.0.0.1" in logged and "Sent Disconnect-ACK" in logged
    assert not received(nas_listening, "4A3B2002")


def test_an_expired_registration_and_a_revoked_certificate_disconnect_once(radius, plan, nas_listening, helpdesk_client):
    vlan = plan["vlan"]
    expired = register("00:00:5e:10:3b:01", vlan)
    with_certificate = register("00:00:5e:10:3b:02", vlan)
    account(radius, "Start", "4A3B2101", "00005e103b01")
    account(radius, "Start", "4A3B2102", "00005e103b02")
    expired.expires_at = timezone.now() - timedelta(seconds=1)
    expired.save()

    assert disconnect_expired_devices.delay().get() == 1
    assert disconnect_expired_devices.delay().get() == 0  # asked once per session

    certificate = IssuedCertificate.objects.create(
        kind=Kind.CLIENT, serial="3b02", subject="CN=phone", participant=with_certificate.participant,
        device=with_certificate, device_mac=with_certificate.mac, certificate="-", not_before=timezone.now(),
        not_after=timezone.now() + timedelta(days=1))
    certificate.revoke(RevocationReason.REQUESTED)

    results = dict(DisconnectRequest.objects.values_list("acct_session_id", "trigger"))
    assert results == {"4A3B2101": "expired", "4A3B2102": "certificate-revoked"}
    assert set(DisconnectRequest.objects.values_list("result", flat=True)) == {"ack"}
    page = helpdesk_client.get(f"/registration/participants/{expired.participant.pk}/").content.decode()
    assert "registration expired or event over" in page and 'data-result="ack"' in page


def test_a_nas_that_does_not_answer_is_asked_again_and_recorded(radius, plan, settings, helpdesk_client):
    settings.RADIUS_DISCONNECT_TIMEOUT_SECONDS = 0.2
    settings.RADIUS_DISCONNECT_RETRIES = 2
    Nas.objects.filter(pk=SERVING).update(coa_port=free_port())  # nobody listens there
    device = register("00:00:5e:10:3c:01", plan["vlan"])
    account(radius, "Start", "4A3B2201", "00005e103c01")

    helpdesk_client.post(f"/registration/devices/{device.pk}/remove/")

    request = DisconnectRequest.objects.get()
    assert (request.result, request.attempts, request.answered_at) == ("no-answer", 3, None)
    assert RadAcct.objects.get(acctsessionid="4A3B2201").acctstoptime is None


def test_a_nak_is_recorded_with_its_error_cause(radius, plan, nas_listening, helpdesk_client):
    device = register("00:00:5e:10:3d:01", plan["vlan"])
    account(radius, "Start", UNKNOWN_TO_THE_NAS, "00005e103d01")

    helpdesk_client.post(f"/registration/devices/{device.pk}/remove/")

    request = DisconnectRequest.objects.get()
    assert (request.result, request.error_cause, request.attempts) == ("nak", 503, 1)
    logged = answered(nas_listening, UNKNOWN_TO_THE_NAS)
    assert "Sent Disconnect-NAK" in logged


def test_an_answer_signed_with_another_secret_or_to_another_request_is_ignored():
    secret = b"serving-ap-secret"
    request = disconnect_request(7, secret, "2001:db8::1", "4A3B", "", "00:00:5e:10:3e:01")
    attributes = bytes([ERROR_CAUSE, 6]) + struct.pack("!I", 503)
    header = struct.pack("!BBH", DISCONNECT_NAK, 7, 20 + len(attributes))
    nak = header + hashlib.md5(header + request[4:20] + attributes + secret).digest() + attributes

    assert read_answer(nak, request, secret) == Answer(DISCONNECT_NAK, 503)
    assert read_answer(nak, request, b"another secret") is None
    assert read_answer(nak, disconnect_request(8, secret, "2001:db8::1", "4A3B", "", ""), secret) is None
