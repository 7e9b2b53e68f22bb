"""BIND 9.18 DNS64: the WIDE camp appendix's dns64 block, checked by named-checkconf."""

from __future__ import annotations

from hypothesis import given

from tests.gateways.render.conftest import (
    INJECTION_SETTINGS, NASTY_TEXT, assert_contained, by_path, check_text, intent, render_and_check, wide_bind_dns64,
)


def test_wide_camp_dns64_block_passes_named_checkconf() -> None:
    files, results = render_and_check(intent({"dns64": wide_bind_dns64()}, node="dns64-1"))
    conf = by_path(files)["bind/named.conf"]
    assert [(r.path, r.ok) for r in results] == [("bind/named.conf", True)]
    assert ("    dns64 2001:200:0:ff99::/96 {\n"
            '        clients { "dns64-clients"; };\n'
            "        mapped { any; };\n"
            "        suffix ::;\n"
            "        recursive-only yes;\n") in conf
    assert 'acl "dns64-clients" { any; };' in conf
    assert "listen-on-v6 port 53 { 2001:200:0:ff80::5; };" in conf and "listen-on port 53 { none; };" in conf


def test_rfc1918_is_defined_because_bind_has_no_such_built_in_acl() -> None:
    role = {**wide_bind_dns64(), "mapped": ["rfc1918"], "exclude": ["2001:db8::/32"], "listen": ["::", "0.0.0.0"],
            "stub_zones": [{"name": "lab.test", "addresses": ["127.0.0.1"], "port": 5300, "insecure": True}],
            "forward_zones": [{"name": "example.net", "addresses": ["2001:db8::53"]}]}
    files, results = render_and_check(intent({"dns64": role}))
    conf = by_path(files)["bind/named.conf"]
    assert results[0].ok, results[0].message
    assert 'acl "rfc1918" { 10.0.0.0/8; 172.16.0.0/12; 192.168.0.0/16; };' in conf
    assert 'mapped { "rfc1918"; };' in conf and "exclude { 2001:db8::/32; };" in conf
    assert 'zone "lab.test" { type stub; primaries port 5300 { 127.0.0.1; }; };' in conf
    assert 'validate-except { "lab.test"; };' in conf and "listen-on-v6 port 53 { any; };" in conf


def test_an_undefined_acl_is_refused_with_named_checkconfs_message() -> None:
    result = check_text("bind", "bind/named.conf", "options { dns64 64:ff9b::/96 { mapped { rfc1918; }; }; };\n")
    assert not result.ok and "rfc1918" in result.message and "undefined" in result.message


@given(NASTY_TEXT)
@INJECTION_SETTINGS
def test_free_text_cannot_change_the_structure(description: str) -> None:
    assert_contained(intent({"dns64": wide_bind_dns64()}, description=description), intent({"dns64": wide_bind_dns64()}))


def test_fixed_answers_for_a_broken_name_pass_named_checkconf_and_named_checkzone() -> None:
    role = {**wide_bind_dns64(), "local_data": [
        {"name": "www.broken.example", "aaaa": ["2001:200:0:ff99::c000:250"], "a": ["192.0.2.80"]}]}
    files, results = render_and_check(intent({"dns64": role}))
    conf, zone = by_path(files)["bind/named.conf"], by_path(files)["bind/opsconsole-overrides.zone"]
    assert 'response-policy { zone "opsconsole-overrides"; } break-dnssec yes;' in conf
    assert 'zone "opsconsole-overrides" { type primary; file "/etc/bind/opsconsole-overrides.zone";' in conf
    assert "www.broken.example IN AAAA 2001:200:0:ff99::c000:250\nwww.broken.example IN A 192.0.2.80\n" in zone
    assert [r.path for r in results] == ["bind/named.conf", "bind/opsconsole-overrides.zone"]
    assert all(r.ok for r in results), results
