"""Upstream static routes toward the NAT64 (WIDE camp figure 7): Cisco IOS lines and a Linux script."""

from __future__ import annotations

from hypothesis import given

from tests.gateways.render.conftest import INJECTION_SETTINGS, NASTY_TEXT, assert_contained, by_path, check_text, intent, render_and_check


def wide_routes(comment: str = "NAT64 box 1 of 3") -> dict:
    return {"routes": [
        {"prefix": "2001:200:0:FF99::/96", "next_hop": "2001:200:0:FF81::37", "comment": comment},
        {"prefix": "203.178.159.24/30", "next_hop": "203.178.158.37", "name": "nat64-pool"},
    ]}


def test_wide_camp_routes_match_the_appendix() -> None:
    files, results = render_and_check(intent({"router": wide_routes()}))
    assert [(r.service, r.ok) for r in results] == [("router-ios", True), ("router-linux", True)], results
    ios, linux = by_path(files)["router/ios.txt"], by_path(files)["router/routes.sh"]
    assert "\nipv6 route 2001:200:0:FF99::/96 2001:200:0:FF81::37\n" in ios
    assert "\nip route 203.178.159.24 255.255.255.252 203.178.158.37 name nat64-pool\n" in ios
    assert "! NAT64 box 1 of 3\n" in ios
    assert "ip -6 route replace 2001:200:0:ff99::/96 via 2001:200:0:ff81::37" in linux
    assert "ip route replace 203.178.159.24/30 via 203.178.158.37" in linux


def test_a_line_outside_the_grammar_is_refused() -> None:
    result = check_text("router-ios", "router/ios.txt", "ip route 203.178.159.24 255.255.255.252 203.178.158.37\nend\n")
    assert not result.ok and "line 2" in result.message
    result = check_text("router-ios", "router/ios.txt", "ip route 203.178.159.25 255.255.255.252 203.178.158.37\n")
    assert not result.ok and "host bits" in result.message


@given(NASTY_TEXT)
@INJECTION_SETTINGS
def test_a_comment_cannot_change_the_routes(comment: str) -> None:
    assert_contained(intent({"router": wide_routes(comment)}, description=comment), intent({"router": wide_routes()}))
