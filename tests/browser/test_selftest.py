"""The self-test page's script in Chromium: what it stores matches what the simulated network let it reach.

Daphne listens on an IPv4-only socket, an IPv6-only socket and a port on both; Chromium's host resolver rules play
the participant's network: which of the test names resolve, and to which family.
"""
import socket

import pytest
from playwright.sync_api import sync_playwright

from opsconsole.selftest.models import SelfTestResult
from tests.ports import free_port

from opsconsole.accounts.models import Role
from tests.conftest import PASSWORD, make_user
from tests.registration.conftest import make_participant

from .conftest import CHROMIUM, CHROMIUM_FLAGS, daphne, sign_in

pytestmark = pytest.mark.browser


def port_free_on_both_families() -> int:
    while True:
        port = free_port()
        try:
            with socket.socket(socket.AF_INET6) as probe:
                probe.bind(("::1", port))
            return port
        except OSError:
            continue


def run_self_test(tmp_path, page_host: str, literal: str, resolver_rules: list[str], username: str = "") -> SelfTestResult:
    v4, v6, both = free_port(), port_free_on_both_families(), port_free_on_both_families()
    urls = {"SELFTEST_IPV6_URL": f"http://v6.selftest.test:{v6}", "SELFTEST_IPV4_URL": f"http://v4.selftest.test:{v4}",
            "SELFTEST_DUAL_STACK_URL": f"http://ds.selftest.test:{both}",
            "SELFTEST_DNS64_URL": f"http://dns64.selftest.test:{both}", "SELFTEST_IPV4_LITERAL_URL": f"http://{literal}:{v4}"}
    endpoints = [f"tcp:port={v4}:interface=127.0.0.1", rf"tcp:port={v6}:interface=\:\:1",
                 f"tcp:port={both}:interface=127.0.0.1", rf"tcp:port={both}:interface=\:\:1"]
    page_port = {"127.0.0.1": v4, "[::1]": v6}[page_host]
    with daphne(tmp_path, endpoints, ("127.0.0.1", v4), urls), sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=[
            *CHROMIUM_FLAGS, "--host-resolver-rules=" + ", ".join(resolver_rules)])
        try:
            page = browser.new_page()
            violations = []
            page.on("console", lambda message: violations.append(message.text)
                    if "Content Security Policy" in message.text else None)
            if username:
                sign_in(page, f"http://{page_host}:{page_port}", username, PASSWORD)
            page.goto(f"http://{page_host}:{page_port}/selftest/")
            page.wait_for_selector("#selftest-verdict section.verdict", timeout=30_000)
            verdict = page.locator("#selftest-verdict").inner_text()
        finally:
            browser.close()
    assert violations == []
    result = SelfTestResult.objects.get()
    result.shown = verdict
    return result


def test_an_ipv6_only_network_with_nat64(transactional_db, tmp_path):
    # DNS64 synthesises addresses for the IPv4-only names and NAT64 carries them to the console's IPv4 socket;
    # an IPv4 literal goes nowhere (no listener at that address).
    result = run_self_test(tmp_path, "[::1]", "127.0.0.2", [
        "MAP v6.selftest.test [::1]", "MAP v4.selftest.test 127.0.0.1", "MAP ds.selftest.test [::1]",
        "MAP dns64.selftest.test 127.0.0.1"])
    assert result.probes == {"ipv6": True, "ipv4": True, "dual_stack": True, "dns64": True, "ipv4_literal": False,
                             "large": True}
    assert result.connectivity == "ipv6-with-nat64" and result.participant is None
    assert "You have IPv6 only" in result.shown and "turn IPv4 off" in result.shown


def test_an_ipv4_only_network_signed_in(transactional_db, tmp_path):
    participant = make_participant(user=make_user("selftest-carol", Role.PARTICIPANT))
    # No IPv6 at all, and the DNS64-only name's address is routed only from the NAT64 pool: nothing answers there.
    result = run_self_test(tmp_path, "127.0.0.1", "127.0.0.1", [
        "MAP v6.selftest.test ~NOTFOUND", "MAP v4.selftest.test 127.0.0.1", "MAP ds.selftest.test 127.0.0.1",
        "MAP dns64.selftest.test 127.0.0.2"], username="selftest-carol")
    assert result.probes == {"ipv6": False, "ipv4": True, "dual_stack": True, "dns64": False, "ipv4_literal": True,
                             "large": True}
    assert result.connectivity == "ipv4-only" and result.participant == participant
    assert "You have IPv4 only" in result.shown
