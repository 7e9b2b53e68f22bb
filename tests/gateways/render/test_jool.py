"""Jool 4.1 atomic configuration: WIDE camp NAT64 pool and an SIIT EAMT, checked by the Jool JSON grammar."""

from __future__ import annotations

import json

from tests.gateways.render.conftest import WIDE_NAT64_PREFIX, WIDE_POOL4, check_text, intent, render_and_check


def test_wide_camp_stateful_nat64_member_one_of_three() -> None:
    role = {"implementation": "jool", "pool6": WIDE_NAT64_PREFIX, "member": {"index": 1, "count": 3},
            "pool4": [{"prefix": WIDE_POOL4, "protocols": ["tcp", "udp"], "ports": [1024, 65535]}]}
    files, results = render_and_check(intent({"nat64": role}))
    assert [(r.path, r.ok) for r in results] == [("jool/jool.json", True)]
    document = json.loads(files[0].content)
    assert document["global"] == {"pool6": WIDE_NAT64_PREFIX} and document["framework"] == "netfilter"
    assert document["pool4"] == [
        {"protocol": "TCP", "prefix": WIDE_POOL4, "port range": "1024-65535"},
        {"protocol": "UDP", "prefix": WIDE_POOL4, "port range": "1024-65535"}]
    assert "load sharing: member 1 of 3" in document["comment"]


def test_siit_renders_an_eamt() -> None:
    role = {"implementation": "jool", "mode": "siit", "pool6": "2001:db8:64::/96", "instance": "siit-1",
            "mappings": [{"ipv4": "198.51.100.0/28", "ipv6": "2001:db8:1::/124"}]}
    files, results = render_and_check(intent({"nat64": role}, description='a "quoted"\nnote'))
    assert files[0].path == "jool/jool_siit.json" and results[0].ok
    assert json.loads(files[0].content)["eamt"] == [{"ipv6 prefix": "2001:db8:1::/124", "ipv4 prefix": "198.51.100.0/28"}]


def test_a_broken_jool_file_is_refused_with_every_reason() -> None:
    broken = {"instance": "default", "framework": "nftables", "global": {"pool6": "2001:db8::/100"},
              "pool4": [{"protocol": "SCTP", "prefix": "192.0.2.0/24", "port range": "9-1"}], "extra": 1}
    result = check_text("jool", "jool/jool.json", json.dumps(broken))
    assert not result.ok
    for reason in ("unknown tag 'extra'", "framework", "RFC 6052", "pool4[0].protocol", "pool4[0].port range"):
        assert reason in result.message
