"""A reject and a session FreeRADIUS writes itself (not through Django) reach an open dashboard through the real
relay command: the recent rejects and the users per SSID and per technology."""
import pytest
from asgiref.sync import sync_to_async
from django.utils.html import escape

from opsconsole.monitoring import live
from opsconsole.plan.choices import Allocation, Family, Resolver, Scope, Transition
from opsconsole.plan.models import VlanFamily

from ..radius.test_accounting import account
from ..radius.test_mac_auth import NOWEP, ask, plan, radius, register  # noqa: F401  (shared fixtures)
from ..radius.test_participant_page_live import relay  # noqa: F401  (shared fixture)
from .conftest import dashboard_socket, next_update

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


def nat64_on(vlan) -> None:
    VlanFamily.objects.create(vlan=vlan, family=Family.IPV6, scope=Scope.GLOBAL, allocation=Allocation.DHCPV6,
                              resolver=Resolver.DNS64, transition=Transition.NAT64)


async def test_a_reject_and_a_session_reach_the_open_dashboard(radius, plan, relay, noc_cookie):
    await sync_to_async(nat64_on)(plan["vlan"])
    await sync_to_async(register)("00:00:5e:10:2c:01", plan["vlan"])
    dashboard = dashboard_socket(noc_cookie)
    assert (await dashboard.connect(timeout=10))[0]
    await dashboard.send_json_to({"since": await sync_to_async(live.current_seq)()})

    assert (await sync_to_async(ask)(radius, "00005E102C01", "camp-guest")).code == "Access-Reject"
    html, message = await next_update(dashboard)
    assert [(d["topic"], d["kind"], d["data"]) for d in message["deltas"]] == [
        ("radius", "relayed", {"answers": 1, "sessions": 0, "rejects": 1})]
    recent = html[html.index('id="panel-recent"'):]
    assert "<code>00:00:5e:10:2c:01</code>" in recent and "registered, but not for this SSID" in recent

    await sync_to_async(account)(radius, "Start", "4A3B2C01", "00-00-5E-10-2C-01")
    html, message = await next_update(dashboard)
    assert message["deltas"][0]["data"] == {"answers": 0, "sessions": 1, "rejects": 0}
    users = html[html.index('id="panel-users"'):html.index('id="panel-recent"')]
    assert '<span data-figure="online">1</span>' in users
    assert f'<td>{escape(NOWEP)}</td><td class="number">1</td>' in users
    assert "<td>NAT64</td><td class=\"number\">1</td>" in users
    await dashboard.disconnect()
