"""Accounting against a real FreeRADIUS: Start opens a session in radacct, Interim-Update counts, Stop closes it."""
import re
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from opsconsole.radius.models import RadAcct, RadPostAuth
from opsconsole.radius.sessions import STALE_SESSION_CAUSE, session_counts
from opsconsole.radius.tasks import close_silent_sessions, prune_answers

from ..freeradius import radclient
from .test_mac_auth import BSSID, NOWEP, SECRETS, SERVING, plan, radius, register  # noqa: F401  (shared fixtures)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def no_sessions(db):
    """radacct and radpostauth are FreeRADIUS's tables, not models Django flushes between tests."""
    RadAcct.objects.all().delete()
    RadPostAuth.objects.all().delete()


def account(radius, status: str, session: str, mac_as_sent: str, ssid: str = NOWEP, **attributes: str):
    request = {"Acct-Status-Type": status, "Acct-Session-Id": session, "User-Name": mac_as_sent,
               "Calling-Station-Id": mac_as_sent, "Called-Station-Id": f"{BSSID}:{ssid}", "NAS-IP-Address": "127.0.0.1",
               **{name.replace("_", "-"): value for name, value in attributes.items()}}
    return radclient("127.0.0.1", radius.acct_port, SECRETS[SERVING], request, command="acct")


def test_start_opens_a_session_interim_counts_and_stop_closes_it(radius, plan):
    register("00:00:5e:10:1a:01", plan["vlan"])

    answer = account(radius, "Start", "4A3B0001", "00-00-5E-10-1A-01", Framed_IP_Address="192.0.2.50")

    assert answer.code == "Accounting-Response", radius.log[-30:]
    session = RadAcct.objects.get(acctsessionid="4A3B0001")
    assert session.callingstationid == "00:00:5e:10:1a:01"  # canonical, whatever notation the NAS sent
    assert session.ssid == NOWEP and str(session.nasipaddress) == "127.0.0.1"
    assert session.acctstarttime is not None and session.acctstoptime is None
    assert str(session.framedipaddress) == "192.0.2.50"

    account(radius, "Interim-Update", "4A3B0001", "00-00-5E-10-1A-01", Acct_Session_Time="60",
            Acct_Input_Octets="1000", Acct_Input_Gigawords="1", Acct_Output_Octets="2000")
    session.refresh_from_db()
    assert (session.acctinputoctets, session.acctoutputoctets) == (2**32 + 1000, 2000)
    assert session.acctsessiontime == 60 and session.acctstoptime is None

    account(radius, "Stop", "4A3B0001", "00-00-5E-10-1A-01", Acct_Session_Time="90", Acct_Input_Octets="5000",
            Acct_Output_Octets="7000", Acct_Terminate_Cause="User-Request")
    session.refresh_from_db()
    assert session.acctstoptime is not None and session.acctstoptime >= session.acctstarttime
    assert (session.acctsessiontime, session.acctinputoctets, session.acctterminatecause) == (90, 5000, "User-Request")
    assert RadAcct.objects.count() == 1


def test_the_sessions_page_shows_who_is_online_where_and_the_counts(radius, plan, helpdesk_client):
    carol = register("00:00:5e:10:1b:01", plan["vlan"]).participant
    register("00:00:5e:10:1b:02", plan["vlan"])
    account(radius, "Start", "4A3B0101", "00005E101B01", Framed_IP_Address="192.0.2.61")
    account(radius, "Start", "4A3B0102", "00:00:5E:10:1B:02", ssid="camp-guest")
    account(radius, "Start", "4A3B0103", "00-00-5e-10-1b-03")  # not registered (any more)
    account(radius, "Start", "4A3B0104", "00005E101B02")
    account(radius, "Stop", "4A3B0104", "00005E101B02", Acct_Terminate_Cause="Lost-Carrier")

    page = helpdesk_client.get("/radius/sessions/").content.decode()

    rows = re.findall(r"<tr>.*?</tr>", page[page.index('class="radius-sessions"'):], re.DOTALL)[1:]
    assert len(rows) == 3
    carol_row = next(row for row in rows if "00:00:5e:10:1b:01" in row)
    assert carol.name in carol_row and "ap serving" in carol_row and "192.0.2.61" in carol_row
    assert any("not registered" in row and "00:00:5e:10:1b:03" in row for row in rows)
    assert session_counts() == {"ssid": [(NOWEP, 2), ("camp-guest", 1)], "access_point": [("ap serving", 3)]}
    assert "<td>camp-guest</td><td>1</td>" in page


def test_the_participant_page_shows_the_devices_sessions_open_and_closed(radius, plan, helpdesk_client):
    device = register("00:00:5e:10:1c:01", plan["vlan"])
    account(radius, "Start", "4A3B0201", "00005E101C01")
    account(radius, "Stop", "4A3B0201", "00005E101C01", Acct_Terminate_Cause="User-Request")
    account(radius, "Start", "4A3B0202", "00005E101C01")
    account(radius, "Start", "4A3B0203", "00005E101C99")  # someone else's

    page = helpdesk_client.get(f"/registration/participants/{device.participant.pk}/").content.decode()

    section = page[page.index('class="radius-sessions"'):]
    rows = re.findall(r"<tr>.*?</tr>", section[:section.index("</table>")], re.DOTALL)[1:]
    assert len(rows) == 2
    assert "online" in rows[0] and "User-Request" in rows[1]


def test_participants_see_no_sessions(participant_client):
    assert participant_client.get("/radius/sessions/").status_code == 403


def test_the_beat_task_closes_sessions_silent_for_too_long(radius, plan, settings):
    register("00:00:5e:10:1d:01", plan["vlan"])
    silent_since = int(time.time()) - settings.RADIUS_STALE_SESSION_SECONDS - 60
    account(radius, "Start", "4A3B0301", "00005E101D01", Event_Timestamp=str(silent_since))
    account(radius, "Start", "4A3B0302", "00005E101D01")
    account(radius, "Start", "4A3B0303", "00005E101D01", Event_Timestamp=str(silent_since))
    account(radius, "Interim-Update", "4A3B0303", "00005E101D01")  # heard from just now

    assert close_silent_sessions.delay().get() == 1

    stale = RadAcct.objects.get(acctsessionid="4A3B0301")
    assert stale.acctterminatecause == STALE_SESSION_CAUSE
    assert stale.acctstoptime == stale.acctupdatetime == stale.acctstarttime  # ended when last heard of
    assert RadAcct.objects.filter(acctstoptime=None).count() == 2


@pytest.mark.parametrize("status", ["Accounting-On", "Accounting-Off"])
def test_a_nas_restarting_closes_the_sessions_it_held_and_only_those(radius, plan, status):
    register("00:00:5e:10:1e:01", plan["vlan"])
    account(radius, "Start", "4A3B0401", "00005E101E01")
    account(radius, "Start", "4A3B0402", "00005E101E02")
    account(radius, "Start", "4A3B0403", "00005E101E03", NAS_IP_Address="192.0.2.7")  # another NAS's, by its address

    answer = radclient("127.0.0.1", radius.acct_port, SECRETS[SERVING],
                       {"Acct-Status-Type": status, "NAS-IP-Address": "127.0.0.1", "Acct-Session-Id": "00000000"},
                       command="acct")

    assert answer.code == "Accounting-Response", radius.log[-30:]
    closed = RadAcct.objects.exclude(acctstoptime=None)
    assert sorted(closed.values_list("acctsessionid", flat=True)) == ["4A3B0401", "4A3B0402"]
    assert {session.acctterminatecause for session in closed} == {""}  # a restart, not the user's doing
    assert list(RadAcct.objects.filter(acctstoptime=None).values_list("acctsessionid", flat=True)) == ["4A3B0403"]


def test_answers_older_than_the_retention_are_pruned(radius, plan, settings):
    register("00:00:5e:10:1f:01", plan["vlan"])
    for user_name in ("00005E101F01", "00005E101F02"):
        assert radclient("127.0.0.1", radius.port, SECRETS[SERVING],
                         {"User-Name": user_name, "Called-Station-Id": f"{BSSID}:{NOWEP}"}).code
    old = RadPostAuth.objects.get(username="00:00:5e:10:1f:02")
    RadPostAuth.objects.filter(pk=old.pk).update(
        authdate=timezone.now() - timedelta(days=settings.RADIUS_ANSWER_RETENTION_DAYS, minutes=1))

    assert prune_answers.delay().get() == 1

    assert list(RadPostAuth.objects.values_list("username", "reply")) == [("00:00:5e:10:1f:01", "Access-Accept")]
