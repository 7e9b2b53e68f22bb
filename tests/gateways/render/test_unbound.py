"""Unbound DNS64 configuration: WIDE camp values, checked by unbound-checkconf."""

from __future__ import annotations

import pytest
from hypothesis import given

from gateways.intent import IntentError
from gateways.render import render_intent
from tests.gateways.render.conftest import (
    INJECTION_SETTINGS, NASTY_TEXT, WIDE_NAT64_PREFIX, assert_contained, by_path, check_text, intent, render_and_check,
    wide_bind_dns64,
)


def unbound_dns64(**changes: object) -> dict:
    role = {"implementation": "unbound", "prefix": WIDE_NAT64_PREFIX, "clients": ["2001:200:0:ff80::/64", "192.0.2.0/24"],
            "listen": ["2001:200:0:ff80::5", "127.0.0.1"], "port": 53,
            "stub_zones": [{"name": "lab.test", "addresses": ["127.0.0.1", "::1"], "port": 5300, "insecure": True}],
            "forward_zones": [{"name": ".", "addresses": ["2001:db8::53"]}]}
    return {**role, **changes}


def test_wide_dns64_renders_and_passes_unbound_checkconf() -> None:
    files, results = render_and_check(intent({"dns64": unbound_dns64()}, node="dns64-1"))
    conf = by_path(files)["unbound/unbound.conf"]
    assert [(r.path, r.ok) for r in results] == [("unbound/unbound.conf", True)]
    for line in ('    module-config: "dns64 validator iterator"', f"    dns64-prefix: {WIDE_NAT64_PREFIX}",
                 '    interface: "2001:200:0:ff80::5@53"', '    access-control: "2001:200:0:ff80::/64" allow',
                 '    domain-insecure: "lab.test"', "    do-not-query-localhost: no", '    local-zone: "lab.test" nodefault',
                 'stub-zone:\n    name: "lab.test"\n    stub-addr: 127.0.0.1@5300\n    stub-addr: ::1@5300',
                 'forward-zone:\n    name: "."\n    forward-addr: 2001:db8::53@53'):
        assert line in conf


def test_without_validation_the_validator_module_is_left_out() -> None:
    files, results = render_and_check(intent({"dns64": unbound_dns64(dnssec_validation=False, synthall=True, clients=["any"])}))
    conf = by_path(files)["unbound/unbound.conf"]
    assert results[0].ok
    assert '"dns64 iterator"' in conf and "dns64-synthall: yes" in conf and "trust-anchor" not in conf
    assert 'access-control: "::/0" allow' in conf


def test_a_broken_file_is_refused_with_unbound_checkconfs_message() -> None:
    result = check_text("unbound", "unbound/unbound.conf", "server:\n    access-control: nowhere allow\n")
    assert not result.ok
    assert "cannot parse" in result.message and "nowhere" in result.message


@given(NASTY_TEXT, NASTY_TEXT)
@INJECTION_SETTINGS
def test_free_text_cannot_change_the_structure(node: str, description: str) -> None:
    assert_contained(intent({"dns64": unbound_dns64()}, node=node, description=description),
                     intent({"dns64": unbound_dns64()}))


def test_names_whose_aaaa_is_ignored_pass_unbound_checkconf_and_stay_names() -> None:
    files, results = render_and_check(intent({"dns64": unbound_dns64(ignore_aaaa=["www.broken.example", "Air.Example."])}))
    conf = by_path(files)["unbound/unbound.conf"]
    assert '    dns64-ignore-aaaa: "www.broken.example"\n    dns64-ignore-aaaa: "air.example"\n' in conf
    assert all(result.ok for result in results), results
    for bad in ('x" \n server:', "a..b", "x y"):
        with pytest.raises(IntentError, match="ignore_aaaa"):
            render_intent(intent({"dns64": unbound_dns64(ignore_aaaa=[bad])}))


def test_bind_refuses_names_whose_aaaa_is_ignored() -> None:
    with pytest.raises(IntentError, match="only Unbound"):
        render_intent(intent({"dns64": {**wide_bind_dns64(), "ignore_aaaa": ["www.broken.example"]}}))
