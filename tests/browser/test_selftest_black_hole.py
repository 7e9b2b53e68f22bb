"""The self-test finds a path MTU black hole: Chromium in a namespace behind a router that silently drops packets
over 1280 bytes on the way from the test names (as a tunnel without "packet too big" does) while the portal page
itself comes by another path; small probes pass, the large fetch stalls."""
import ipaddress
import secrets

import pytest
from playwright.sync_api import sync_playwright

from opsconsole.selftest.models import SelfTestResult
from tests.e2e.netns import addresses_settled, entered, ip, namespaces, veth
from tests.ports import free_port

from .conftest import CHROMIUM, CHROMIUM_FLAGS, daphne

pytestmark = pytest.mark.browser


def test_large_packets_lost_without_packet_too_big(transactional_db, tmp_path):
    net = f"fd42:{secrets.token_hex(2)}"
    # Compressed as the browser writes them in the Host header, which ALLOWED_HOSTS must match.
    console, router_up, router_down, client = (str(ipaddress.IPv6Address(f"{net}:{subnet}::{host}"))
                                               for subnet, host in ((0, 1), (0, 2), (1, 1), (1, 2)))
    with namespaces("portal-router", "portal-client") as (router, browser_ns):
        host_end = f"ptl{secrets.token_hex(3)}"
        ip("link", "add", host_end, "type", "veth", "peer", "name", "up0", "netns", router)
        ip("link", "set", host_end, "up")
        ip("-n", router, "link", "set", "up0", "up")
        try:
            ip("-6", "addr", "add", f"{console}/64", "dev", host_end, "nodad")
            ip("-6", "route", "add", f"{net}:1::/64", "via", router_up)
            ip("-n", router, "-6", "addr", "add", f"{router_up}/64", "dev", "up0", "nodad")
            veth(router, "down0", browser_ns, "c0")
            ip("-n", router, "-6", "addr", "add", f"{router_down}/64", "dev", "down0", "nodad")
            ip("-n", browser_ns, "-6", "addr", "add", f"{client}/64", "dev", "c0", "nodad")
            ip("-n", browser_ns, "-6", "route", "add", "default", "via", router_down)
            ip("netns", "exec", router, "sysctl", "-qw", "net.ipv6.conf.all.forwarding=1")
            port, page_port = free_port(), free_port()
            ip("netns", "exec", router, "nft", "add table inet portal_black_hole; "
               "add chain inet portal_black_hole forward { type filter hook forward priority 0; }; "
               f"add rule inet portal_black_hole forward ip6 saddr {console} tcp sport {port} meta length > 1280 drop")

            origin = f"http://[{console}]:{page_port}"
            names = {"SELFTEST_IPV6_URL": f"http://v6.selftest.test:{port}", "SELFTEST_IPV4_URL": f"http://v4.selftest.test:{port}",
                     "SELFTEST_DUAL_STACK_URL": f"http://ds.selftest.test:{port}",
                     "SELFTEST_DNS64_URL": f"http://dns64.selftest.test:{port}",
                     "SELFTEST_IPV4_LITERAL_URL": f"http://192.0.2.1:{port}", "ALLOWED_HOSTS": f"[{console}]"}
            endpoints = [f"tcp:port={each}:interface=" + console.replace(":", r"\:") for each in (port, page_port)]
            with daphne(tmp_path, endpoints, (console, port), names):
                # DNS64 gives every name the console's IPv6 address; the client has no IPv4 at all.
                rules = ", ".join(f"MAP {name}.selftest.test [{console}]" for name in ("v6", "v4", "ds", "dns64"))
                addresses_settled(browser_ns)
                with entered(browser_ns), sync_playwright() as playwright:
                    chromium = playwright.chromium.launch(executable_path=CHROMIUM,
                                                          args=[*CHROMIUM_FLAGS, f"--host-resolver-rules={rules}"])
                    try:
                        page = chromium.new_page()
                        page.goto(f"{origin}/selftest/")
                        page.wait_for_selector("#selftest-verdict section.verdict", timeout=60_000)
                        shown = page.locator("#selftest-verdict").inner_text()
                    finally:
                        chromium.close()
        finally:
            ip("link", "delete", host_end)
    result = SelfTestResult.objects.get()
    assert result.probes == {"ipv6": True, "ipv4": True, "dual_stack": True, "dns64": True, "ipv4_literal": False,
                             "large": False}
    assert result.large_packets == "blocked" and "Large packets do not get through" in shown
