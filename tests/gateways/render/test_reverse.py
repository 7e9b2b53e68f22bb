"""Reverse zones of roles.reverse_dns: zone files checked by named-checkzone, named.conf by named-checkconf."""

from __future__ import annotations

import pytest

from gateways.intent import IntentError
from gateways.render import render_intent
from tests.gateways.render.conftest import by_path, intent, render_and_check, wide_bind_dns64

V4_ZONE, V6_ZONE = "2.0.192.in-addr.arpa", "0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa"


def reverse_dns(**changes: object) -> dict:
    role = {"nameserver": "ns.camp.example", "hostmaster": "noc.camp.example", "listen": ["127.0.0.1"], "port": 5353,
            "zones": [
                {"name": V4_ZONE, "serial": 7, "ptr": [{"address": "192.0.2.1", "name": "gw.camp.example"}],
                 "generate": [{"first": 2, "last": 254, "name": "v4-192-0-2-$.camp.example"}]},
                {"name": V6_ZONE, "serial": 7, "ptr": [{"address": "2001:db8::1", "name": "gw.camp.example"}]},
            ]}
    return {**role, **changes}


def test_zones_pass_named_checkzone_and_the_server_named_checkconf() -> None:
    files, results = render_and_check(intent({"reverse_dns": reverse_dns()}, node="dns-1"))
    assert [r.path for r in results] == [f"bind/opsconsole-reverse/{V4_ZONE}.zone",
                                         f"bind/opsconsole-reverse/{V6_ZONE}.zone", "bind/named.conf"]
    assert all(r.ok for r in results), results
    v4 = by_path(files)[f"bind/opsconsole-reverse/{V4_ZONE}.zone"]
    assert "1.2.0.192.in-addr.arpa. IN PTR gw.camp.example.\n$GENERATE 2-254 $ PTR v4-192-0-2-$.camp.example.\n" in v4
    assert "@ IN SOA ns.camp.example. noc.camp.example. ( 7 " in v4
    conf = by_path(files)["bind/named.conf"]
    assert "recursion no;" in conf and "listen-on port 5353 { 127.0.0.1; };" in conf
    assert f'zone "{V6_ZONE}" {{ type primary; file "/etc/bind/opsconsole-reverse/{V6_ZONE}.zone";' in conf


def test_a_dns64_bind_on_the_same_node_serves_the_zones_in_its_own_named_conf() -> None:
    files, results = render_and_check(intent({"dns64": wide_bind_dns64(), "reverse_dns": reverse_dns()}))
    conf = by_path(files)["bind/named.conf"]
    assert "dns64 2001:200:0:ff99::/96" in conf and f'zone "{V4_ZONE}"' in conf
    assert [f.path for f in files].count("bind/named.conf") == 1
    assert all(r.ok for r in results), results


def test_named_checkzone_catches_a_broken_zone_file(tmp_path) -> None:
    from gateways.render.check import check_bind

    broken = tmp_path / f"{V4_ZONE}.zone"
    broken.write_text("$TTL 60\n@ IN SOA ns. host. ( 1 2 3 4 5 )\n1 IN PTR x.\n")  # no NS record
    ok, message = check_bind(broken)
    assert not ok and "NS" in message


@pytest.mark.parametrize(("change", "message"), [
    ({"zones": [{"name": V4_ZONE, "serial": 1, "ptr": [{"address": "198.51.100.1", "name": "x.example"}]}]},
     "not inside"),
    ({"zones": [{"name": V6_ZONE, "serial": 1, "generate": [{"first": 1, "last": 2, "name": "x-$.example"}]}]},
     "GENERATE"),
    ({"zones": [{"name": "example.com", "serial": 1}]}, "in-addr.arpa or ip6.arpa"),
    ({"zones": [{"name": V4_ZONE, "serial": 1, "ptr": [{"address": "192.0.2.9", "name": 'x.example. "\n}; zone "'}]}]},
     "DNS name"),
    ({"zones": [{"name": V4_ZONE, "serial": 1, "generate": [{"first": 1, "last": 2, "name": "x-$.example\n@ NS evil."}]}]},
     "one \\$"),
])
def test_records_that_do_not_fit_are_refused(change, message) -> None:
    with pytest.raises(IntentError, match=message):
        render_intent(intent({"reverse_dns": reverse_dns(**change)}))
