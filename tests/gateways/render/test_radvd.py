"""Router advertisements from the DHCP node: radvd's own --configtest accepts what is rendered."""
from __future__ import annotations

from gateways.render import render_intent
from tests.gateways.render.conftest import by_path, intent, render_and_check


def dhcp_role(**subnet6: object) -> dict:
    return {"subnets6": [{"id": 101, "interface": "eth0.101", "prefix": "2001:200:0:ff90::/64",
                          "dns_servers": ["2001:200:0:ff80::5"], "router_advertisements": True, **subnet6}]}


def test_a_dhcpv6_vlan_is_announced_with_the_managed_flag_and_the_dns64_resolver() -> None:
    files, results = render_and_check(intent({"dhcp": dhcp_role(pool=["2001:200:0:ff90::1000", "2001:200:0:ff90::ffff"])}))
    assert all(r.ok for r in results), results
    conf = by_path(files)["radvd/radvd.conf"]
    assert "interface eth0.101 {" in conf and "AdvManagedFlag on;" in conf and "AdvAutonomous off;" in conf
    assert "RDNSS 2001:200:0:ff80::5 {" in conf and "prefix 2001:200:0:ff90::/64 {" in conf


def test_an_ra_slaac_vlan_gets_autonomous_addresses() -> None:
    files, results = render_and_check(intent({"dhcp": dhcp_role(slaac=True)}))
    assert all(r.ok for r in results), results
    conf = by_path(files)["radvd/radvd.conf"]
    assert "AdvManagedFlag off;" in conf and "AdvAutonomous on;" in conf


def test_no_radvd_file_where_routers_announce_the_prefix() -> None:
    paths = [f.path for f in render_intent(intent({"dhcp": dhcp_role(router_advertisements=False)}))]
    assert "radvd/radvd.conf" not in paths and "kea/kea-dhcp6.conf" in paths


def test_radvd_refuses_a_broken_file(tmp_path) -> None:
    from gateways.render.check import CHECKERS

    broken = tmp_path / "radvd.conf"
    broken.write_text("interface eth0 {\n    AdvSendAdvert on\n};\n")
    ok, message = CHECKERS["radvd"](broken)
    assert not ok and "syntax error" in message
