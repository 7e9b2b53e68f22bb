"""Accounting against a real FreeRADIUS: Start opens a session in radacct, Interim-Update counts, Stop closes it."""
import pytest

from opsconsole.radius.models import RadAcct

from ..freeradius import radclient
from .test_mac_auth import BSSID, NOWEP, SECRETS, SERVING, plan, radius, register  # noqa: F401  (shared fixtures)

pytestmark = pytest.mark.django_db(transaction=True)


def account(radius, status: str, session: str, mac_as_sent: str, **attributes: str):
    request = {"Acct-Status-Type": status, "Acct-Session-Id": session, "User-Name": mac_as_sent,
               "Calling-Station-Id": mac_as_sent, "Called-Station-Id": f"{BSSID}:{NOWEP}", "NAS-IP-Address": "127.0.0.1",
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
