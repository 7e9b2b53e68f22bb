"""A real Unbound DNS64 node, configured from its role's own rendered file, answers what the check expects; a
broken name fails on it until the NOC's override is rendered into it."""
import subprocess
import tempfile
import time
from pathlib import Path

import dns.message
import dns.query
import pytest

from gateways.render import render_intent
from opsconsole.diagnostics.models import DiagnosticResult
from opsconsole.nodes.intents import build_intent
from opsconsole.transition.models import Dns64Override, Dns64Role, Dns64Zone
from tests.transition.conftest import make_node

from .authority import free_udp_and_tcp_port
from .conftest import misbehaving_zone

PREFIX = "2001:db8:64::/96"
RESOLVER = "127.0.0.1"


class Unbound:
    """Unbound with the node's rendered unbound.conf included, on loopback, restarted after each role change."""

    def __init__(self, role: Dns64Role) -> None:
        self.role = role
        self.directory = tempfile.TemporaryDirectory(prefix="diag-unbound-")
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        root = Path(self.directory.name)
        (rendered,) = [f for f in render_intent(build_intent(self.role.node)) if f.service == "unbound"]
        (root / "dns64.conf").write_text(rendered.content)
        # The test's own main file, as Debian's unbound.conf includes the node's files; test. is a default local zone.
        (root / "main.conf").write_text(
            f'server:\n    directory: "{root}"\n    chroot: ""\n    username: ""\n    pidfile: "{root}/unbound.pid"\n'
            f'    use-syslog: no\n    logfile: "{root}/unbound.log"\n    local-zone: "test." nodefault\n'
            f'include: "{root}/dns64.conf"\nremote-control:\n    control-enable: no\n')
        self.process = subprocess.Popen(["unbound", "-d", "-c", str(root / "main.conf")],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        query = dns.message.make_query("dual.good.test", "AAAA")
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"unbound exited: {self.process.stderr.read()}")
            try:
                dns.query.udp(query, RESOLVER, port=self.role.port, timeout=1)
                return
            except (dns.exception.Timeout, OSError):
                time.sleep(0.2)
        raise RuntimeError("unbound did not answer within 60 s")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)

    def restart(self) -> None:
        self.stop()
        self.start()


@pytest.fixture
def unbound(dns_lab, settings, db):
    dns_lab.settings(settings)
    port = free_udp_and_tcp_port([RESOLVER])
    role = Dns64Role.objects.create(node=make_node("dns64-1"), implementation="unbound", prefix=PREFIX,
                                    listen=RESOLVER, port=port, dnssec_validation=False)
    for zone, address in (("good.test", dns_lab.good_server), (misbehaving_zone("nxdomain"), dns_lab.odd_server),
                          (misbehaving_zone("drop"), dns_lab.odd_server)):
        Dns64Zone.objects.create(role=role, kind="stub", name=zone, addresses=address, port=dns_lab.port)
    server = Unbound(role)
    try:
        server.start()
        yield server
    finally:
        server.stop()
        server.directory.cleanup()


def check(client, name: str) -> DiagnosticResult:
    response = client.post("/diagnostics/dns64/", {"dns64-name": name})
    assert response.status_code == 302
    return DiagnosticResult.objects.get(pk=response["Location"].rstrip("/").split("/")[-1])


def test_the_node_synthesises_what_rfc6052_says(unbound, helpdesk_client):
    result = check(helpdesk_client, "v4only.good.test")
    (node,) = result.details["nodes"]
    assert node["expected"] == node["answered"] == ["2001:db8:64::c000:250"]
    assert (result.verdict, result.ok, node["resolver"]) == ("matches", True, RESOLVER)
    page = helpdesk_client.get(result.get_absolute_url()).content.decode()
    assert "every DNS64 node answers as expected" in page and "2001:db8:64::c000:250" in page


def test_a_real_aaaa_is_passed_on(unbound, helpdesk_client):
    result = check(helpdesk_client, "dual.good.test")
    assert result.ok and result.details["nodes"][0]["answered"] == ["2001:db8:80::80"]


def test_unbound_synthesises_despite_a_name_error_for_aaaa(unbound, helpdesk_client):
    # Unbound 1.17 falls back to A where the camp's resolvers returned the error: the check shows the node's own way.
    result = check(helpdesk_client, "www.nxdomain.test")
    assert result.details["authoritative"] == "name-error"
    assert result.verdict == "matches" and result.details["nodes"][0]["answered"] == ["2001:db8:64::c000:250"]


def test_ignored_aaaa_questions_fail_until_the_override_reaches_the_node(unbound, helpdesk_client):
    before = check(helpdesk_client, "www.drop.test")
    (node,) = before.details["nodes"]
    assert (before.verdict, node["answered"], node["expected"]) == ("mismatch", [], ["2001:db8:64::c000:250"])
    assert node["why"].startswith("timeout") or node["why"] == "answers SERVFAIL"
    Dns64Override.objects.create(role=unbound.role, name="www.drop.test")
    unbound.restart()
    after = check(helpdesk_client, "www.drop.test")
    assert after.verdict == "matches" and after.details["nodes"][0]["answered"] == ["2001:db8:64::c000:250"]


def test_a_node_that_does_not_answer_is_said_plainly(unbound, helpdesk_client):
    unbound.stop()
    result = check(helpdesk_client, "v4only.good.test")
    assert not result.ok and result.details["nodes"][0]["why"].startswith(("timeout", "unreachable"))


def test_without_a_dns64_node_there_is_nothing_to_ask(dns_lab, settings, helpdesk_client):
    dns_lab.settings(settings)
    result = check(helpdesk_client, "v4only.good.test")
    assert result.verdict == "could-not-check" and "No node has a DNS64 role" in result.details["error"]


def test_a_malformed_name_is_refused(helpdesk_client):
    response = helpdesk_client.post("/diagnostics/dns64/", {"dns64-name": "not a name"})
    assert response.status_code == 400 and "is not a DNS name" in response.content.decode()
