"""MAC authentication against a real FreeRADIUS reading the test database: every notation, every reason, on commit."""
import re
import subprocess
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from django.utils.html import escape

from opsconsole.plan.choices import Authentication
from opsconsole.plan.models import Ssid, Vlan
from opsconsole.radius.models import Nas, RadPostAuth
from opsconsole.radius.views import create_views, drop_views
from opsconsole.registration.models import Device

from ..freeradius import radclient, running_freeradius
from ..registration.conftest import make_participant

pytestmark = pytest.mark.django_db(transaction=True)

SERVING, OTHER = 9001, 9002  # NAS ids: one at 127.0.0.1 serving the MAC SSIDs, one at ::1 serving only the EAP SSID
SECRETS = {SERVING: "serving-ap-secret", OTHER: "other-ap-secret"}
# Quote, space and non-ASCII: the policy compares SSIDs in hex, so no SQL escaping can garble them.
NOWEP = "ワイド's nowep"
BSSID = "02-00-5E-10-00-01"


@pytest.fixture(scope="module")
def radius(django_db_setup, django_db_blocker):
    clients = [{"id": SERVING, "name": "ap serving", "address": "127.0.0.1"}, {"id": OTHER, "name": "ap other", "address": "::1"}]
    with running_freeradius(clients, SECRETS) as server:
        yield server


@pytest.fixture
def plan(db):
    nowep = Vlan.objects.create(vid=40, name="nowep")
    guest = Vlan.objects.create(vid=41, name="guest")
    eap = Vlan.objects.create(vid=10, name="camp")
    ssids = {
        "nowep": Ssid.objects.create(essid=NOWEP, bands=["5GHz"], authentication=Authentication.MAC, vlan=nowep),
        "guest": Ssid.objects.create(essid="camp-guest", bands=["5GHz"], authentication=Authentication.MAC, vlan=guest),
        "eap": Ssid.objects.create(essid="widecamp", bands=["5GHz"], authentication=Authentication.EAP_TLS, vlan=eap),
    }
    serving = Nas(pk=SERVING, name="ap serving", address="127.0.0.1")
    other = Nas(pk=OTHER, name="ap other", address="::1")
    for nas in (serving, other):
        nas.set_secret(SECRETS[nas.pk])
        nas.save()
    serving.ssids.set([ssids["nowep"], ssids["guest"], ssids["eap"]])
    other.ssids.set([ssids["eap"]])
    return {"vlan": nowep, **ssids}


def register(mac: str, vlan: Vlan, **fields) -> Device:
    device = Device.objects.create(participant=make_participant(email=f"{mac}@example.org"), mac=mac, **fields)
    device.vlans.set([vlan])
    return device


def ask(radius, user_name: str, ssid: str, password: str | None = None, nas: int = SERVING, secret: str | None = None):
    attributes = {"User-Name": user_name, "Called-Station-Id": f"{BSSID}:{ssid}", "Calling-Station-Id": user_name}
    if password is not None:
        attributes["User-Password"] = password
    return radclient("127.0.0.1" if nas == SERVING else "::1", radius.port, secret or SECRETS[nas], attributes)


def outcome(mac: str) -> RadPostAuth:
    return RadPostAuth.objects.filter(username=mac).order_by("-id").first()


@pytest.mark.parametrize("user_name, password", [
    ("00005e100a01", "00005e100a01"), ("00-00-5E-10-0A-01", ""), ("00:00:5e:10:0a:01", None),
])
def test_a_registered_mac_is_accepted_in_every_notation_with_its_vlan(radius, plan, user_name, password):
    register("00:00:5e:10:0a:01", plan["vlan"])

    answer = ask(radius, user_name, NOWEP, password)

    assert answer.code == "Access-Accept", radius.log[-30:]
    assert answer.attributes["Tunnel-Type"] == "VLAN"
    assert answer.attributes["Tunnel-Medium-Type"] == "IEEE-802"
    assert answer.attributes["Tunnel-Private-Group-Id"] == "40"
    stored = outcome("00:00:5e:10:0a:01")
    assert stored.accepted and stored.reason == "" and stored.ssid == NOWEP


@pytest.mark.parametrize("case, ssid, nas, reason", [
    ("unregistered", NOWEP, SERVING, "MAC not registered"),
    ("expired", NOWEP, SERVING, "registration expired"),
    ("event over", NOWEP, SERVING, "registration expired"),
    ("registered", "camp-guest", SERVING, "registered, but not for this SSID"),
    ("registered", "widecamp", SERVING, "MAC authentication is not offered on this SSID"),
    ("registered", "not-in-the-plan", SERVING, "MAC authentication is not offered on this SSID"),
    ("registered", NOWEP, OTHER, "unknown NAS"),
])
def test_a_reject_is_stored_with_its_plain_reason(radius, plan, case, ssid, nas, reason):
    mac = "00:00:5e:10:0b:02"
    if case == "registered":
        register(mac, plan["vlan"])
    elif case == "expired":
        register(mac, plan["vlan"], expires_at=timezone.now() - timedelta(minutes=1))
    elif case == "event over":
        device = register(mac, plan["vlan"])
        device.participant.active_from = timezone.now() - timedelta(days=2)
        device.participant.active_until = timezone.now() - timedelta(seconds=1)
        device.participant.save()
    before = RadPostAuth.objects.count()

    answer = ask(radius, "00-00-5E-10-0B-02", ssid, nas=nas)

    assert answer.code == "Access-Reject", radius.log[-30:]
    assert "Tunnel-Private-Group-Id" not in answer.attributes
    assert RadPostAuth.objects.count() == before + 1
    stored = outcome(mac)
    assert (stored.reply, stored.reason) == ("Access-Reject", reason)


def test_a_database_that_cannot_answer_is_the_reason_not_the_mac(radius, plan):
    # Found: a registered MAC refused because the database gave no answer was stored as "MAC not registered". The
    # fault here is the one every migrate causes (the views and the decision function dropped until it ends).
    register("00:00:5e:10:11:08", plan["vlan"])
    with connection.schema_editor() as editor:
        drop_views(None, editor)
    try:
        answer = ask(radius, "00005e101108", NOWEP)
    finally:
        with connection.schema_editor() as editor:
            create_views(None, editor)

    assert answer.code == "Access-Reject", radius.log[-30:]
    assert outcome("00:00:5e:10:11:08").reason == "RADIUS database unavailable"
    assert ask(radius, "00005e101108", NOWEP).code == "Access-Accept", radius.log[-30:]


def test_a_wrong_shared_secret_gets_no_answer(radius, plan):
    register("00:00:5e:10:0c:03", plan["vlan"])

    assert ask(radius, "00005e100c03", NOWEP, secret="not-the-secret").code == ""
    assert any("invalid Message-Authenticator" in line for line in radius.log)
    assert ask(radius, "00005e100c03", NOWEP).code == "Access-Accept"


def test_a_helpdesk_registration_is_accepted_within_a_second_and_a_removal_rejected(radius, plan, helpdesk_client):
    participant = make_participant()
    mac = "00:00:5e:10:0d:04"
    assert ask(radius, mac, NOWEP).code == "Access-Reject"

    response = helpdesk_client.post(f"/registration/participants/{participant.pk}/devices/",
                                    {"mac": "00005E100D04", "label": "phone", "os": "android", "vlans": [plan["vlan"].pk]})
    committed = time.monotonic()
    answer = ask(radius, mac, NOWEP)
    elapsed = time.monotonic() - committed

    assert response.status_code == 302
    assert answer.code == "Access-Accept" and answer.attributes["Tunnel-Private-Group-Id"] == "40"
    assert elapsed < 1

    device = Device.objects.get(mac=mac)
    assert helpdesk_client.post(f"/registration/devices/{device.pk}/remove/").status_code == 302
    assert ask(radius, mac, NOWEP).code == "Access-Reject"
    assert outcome(mac).reason == "MAC not registered"


def test_the_participant_page_shows_the_devices_radius_answers_with_their_reasons(radius, plan, helpdesk_client):
    device = register("00:00:5e:10:0e:05", plan["vlan"])
    ask(radius, "00005E100E05", NOWEP)
    ask(radius, "00005E100E05", "camp-guest")
    ask(radius, "00005E100E05", NOWEP, nas=OTHER)

    page = helpdesk_client.get(f"/registration/participants/{device.participant.pk}/").content.decode()

    section = page[page.index("RADIUS answers"):]
    rows = re.findall(r"<tr><td>.*?</tr>", section, re.DOTALL)
    assert len(rows) == 3
    assert "unknown NAS" in rows[0] and "rejected" in rows[0]
    assert "registered, but not for this SSID" in rows[1] and "camp-guest" in rows[1]
    assert "accepted" in rows[2] and escape(NOWEP) in rows[2]


@pytest.mark.parametrize("essid", ["%{exec:/bin/false}", "a'; DELETE FROM radpostauth; --", 'say "hi" \\ =3D'])
def test_an_ssid_of_any_text_is_matched_byte_for_byte_and_stored_as_sent(radius, plan, essid):
    vlan = Vlan.objects.create(vid=42, name="odd")
    ssid = Ssid.objects.create(essid=essid, bands=["5GHz"], authentication=Authentication.MAC, vlan=vlan)
    Nas.objects.get(pk=SERVING).ssids.add(ssid)
    register("00:00:5e:10:0f:06", vlan)

    answer = ask(radius, "00005e100f06", essid)

    assert answer.code == "Access-Accept" and answer.attributes["Tunnel-Private-Group-Id"] == "42"
    assert outcome("00:00:5e:10:0f:06").ssid == essid
    assert ask(radius, "00005e100f06", essid + "x").code == "Access-Reject"


def test_every_request_of_a_burst_is_answered_from_the_database(radius, plan, tmp_path):
    # Found by bench/radius.py: with more FreeRADIUS threads than sql connections, requests that found the pool
    # exhausted were rejected as "MAC not registered". 32 in flight, as many as FreeRADIUS's threads.
    register("00:00:5e:10:10:07", plan["vlan"])
    burst = tmp_path / "burst.txt"
    request = f'User-Name = "00005e101007"\nCalled-Station-Id = "{BSSID}:{NOWEP}"\nMessage-Authenticator = 0x00\n'
    burst.write_text("\n".join([request] * 1000))

    done = subprocess.run(["radclient", "-q", "-s", "-p", "32", "-r", "3", "-t", "5", "-f", str(burst),
                           f"127.0.0.1:{radius.port}", "auth", SECRETS[SERVING]],
                          capture_output=True, text=True, timeout=120)

    errors = [line for line in radius.log if "rror" in line]
    counts = {name: int(re.search(rf"{name}\s*:\s*(\d+)", done.stdout).group(1)) for name in ("Accepted", "Rejected")}
    # A request a saturated machine answers too late is lost, not refused: the bug was refusals.
    assert counts["Rejected"] == 0 and counts["Accepted"] >= 950, (counts, errors[:8])
