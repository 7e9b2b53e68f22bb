"""An IPv6-mostly VLAN: Kea serves it openly and sends option 108 with the plan's V6ONLY_WAIT; `kea-dhcp4 -t` agrees."""
import json
from pathlib import Path

import pytest

from gateways.render import render_intent
from gateways.render.check import check_rendered
from opsconsole.nodes.intents import build_intent
from opsconsole.plan.choices import Allocation, Family, Transition

from .test_kea_intent import dhcp_node, dhcp_role  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def mostly_vlan(nowep_vlan):
    row = nowep_vlan.families.get(family=Family.IPV4)
    row.allocation, row.transition, row.v6only_wait = Allocation.DHCPV4_IPV6_MOSTLY, Transition.NONE, 900
    row.full_clean()
    row.save()
    return nowep_vlan


def test_the_intent_carries_the_wait_and_an_open_pool(dhcp_node, mostly_vlan):  # noqa: F811
    subnet = dhcp_role(dhcp_node)["subnets4"][0]

    assert (subnet["v6only_wait"], subnet["known_only"], subnet["reservations"]) == (900, False, [])


def test_kea_gets_option_108_without_always_send_and_its_checker_passes(dhcp_node, mostly_vlan, tmp_path: Path):  # noqa: F811
    files = render_intent(build_intent(dhcp_node))
    for file in files:
        (tmp_path / file.path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / file.path).write_text(file.content)

    results = check_rendered(files, tmp_path)

    assert [(r.service, r.ok) for r in results if r.service == "kea"] == [("kea", True)]
    subnet = json.loads(files[0].content)["Dhcp4"]["subnet4"][0]
    assert subnet["option-data"] == [{"name": "routers", "data": "192.0.2.1"}, {"name": "v6-only-preferred", "data": "900"}]
    assert "client-class" not in subnet["pools"][0]
