"""TAYGA NAT64: tayga.conf parsed by tayga itself, its setup script run in a namespace, its NAT44 by nft."""

from __future__ import annotations

from hypothesis import given

from tests.gateways.render.conftest import (
    INJECTION_SETTINGS, NASTY_TEXT, WIDE_NAT64_PREFIX, assert_contained, by_path, check_text, intent, render_and_check,
    wide_tayga_nat64,
)


def test_wide_stateful_tayga_renders_and_passes_every_checker() -> None:
    files, results = render_and_check(intent({"nat64": wide_tayga_nat64()}))
    assert [(r.path, r.ok) for r in results] == [
        ("tayga/tayga.conf", True), ("iproute2/tayga.sh", True), ("nftables/tayga.nft", True)]
    rendered = by_path(files)
    assert "tun-device nat64\nipv4-addr 192.0.2.1\n" in rendered["tayga/tayga.conf"]
    assert f"prefix {WIDE_NAT64_PREFIX}\ndynamic-pool 192.0.2.0/24\n" in rendered["tayga/tayga.conf"]
    assert f"ip -6 route replace {WIDE_NAT64_PREFIX} dev nat64" in rendered["iproute2/tayga.sh"]
    assert "set -eu" in rendered["iproute2/tayga.sh"] and [f.mode for f in files] == [0o644, 0o755, 0o644]
    assert "ip saddr 192.0.2.0/24 snat ip to 203.178.159.24-203.178.159.27" in rendered["nftables/tayga.nft"]


def test_siit_tayga_maps_addresses_and_routes_them() -> None:
    role = {"implementation": "tayga", "mode": "siit", "pool6": "2001:db8:64::/96",
            "mappings": [{"ipv4": "198.51.100.0/28", "ipv6": "2001:db8:1::/124"}],
            "tayga": {"tun_device": "siit0", "ipv4_addr": "198.51.100.254", "ipv6_addr": "2001:db8:ffff::1"}}
    files, results = render_and_check(intent({"nat64": role}))
    assert all(r.ok for r in results) and len(files) == 2
    assert "map 198.51.100.0/28 2001:db8:1::/124" in by_path(files)["tayga/tayga.conf"]
    assert "ip route replace 198.51.100.0/28 dev siit0" in by_path(files)["iproute2/tayga.sh"]


def test_a_broken_tayga_conf_is_refused_with_taygas_message() -> None:
    result = check_text("tayga", "tayga/tayga.conf", "tun-device nat64\nipv4-addr 192.0.2.1\nprefix 2001:db8::/100\n")
    assert not result.ok
    assert "NAT prefix length must be 32, 40, 48, 56, 64 or 96" in result.message


def test_a_broken_script_is_refused() -> None:
    result = check_text("iproute2", "iproute2/tayga.sh", "#!/bin/bash\nset -eu\nip route replace 192.0.2.0/33 dev lo\n")
    assert not result.ok and "192.0.2.0/33" in result.message


@given(NASTY_TEXT)
@INJECTION_SETTINGS
def test_free_text_cannot_change_the_structure(description: str) -> None:
    assert_contained(intent({"nat64": wide_tayga_nat64()}, description=description), intent({"nat64": wide_tayga_nat64()}))
