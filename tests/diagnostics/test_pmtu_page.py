"""The path-MTU form: staff only, bad input refused plainly, a node without a tunnel answered plainly; and the
verdicts' pure logic. (The probe itself runs against a real agent in tests/e2e/test_diagnostics_pmtu.py.)"""
from opsconsole.diagnostics import pmtu
from opsconsole.diagnostics.models import DiagnosticResult
from opsconsole.nodes.models import GatewayNode


def test_participants_are_refused(participant_client):
    assert participant_client.post("/diagnostics/pmtu/", {"pmtu-destination": "192.0.2.1"}).status_code == 403


def test_a_destination_that_is_no_address_is_refused(helpdesk_client):
    node = GatewayNode.objects.create(name="plain", agent_url="http://127.0.0.1:9")
    response = helpdesk_client.post("/diagnostics/pmtu/", {"pmtu-node": node.pk, "pmtu-destination": "camp.example"})
    assert response.status_code == 400 and "Enter a valid IPv4 or IPv6 address." in response.content.decode()
    assert not DiagnosticResult.objects.exists()


def test_a_node_without_a_tunnel_is_answered_plainly(helpdesk_client):
    node = GatewayNode.objects.create(name="plain", agent_url="http://127.0.0.1:9")
    response = helpdesk_client.post("/diagnostics/pmtu/", {"pmtu-node": node.pk, "pmtu-destination": "192.0.2.1"},
                                    follow=True)
    assert "This node has no tunnel" in response.content.decode()
    assert DiagnosticResult.objects.get().verdict == "could-not-check"


def test_verdicts():
    tunnels = [{"mtu": 1400}, {"mtu": 1460}]
    assert pmtu.verdict(1460, tunnels) == "fits"
    assert pmtu.verdict(1400, tunnels) == "black-hole"
    assert pmtu.verdict(None, tunnels) == "unreachable"
    assert pmtu.tunnel_verdict(1400, 1400) == "fits"


def test_probes_vanish_silently_only_when_no_icmp_error_taught_the_node():
    assert pmtu.vanished_silently(1300, 1400, None)
    assert not pmtu.vanished_silently(1300, 1400, 1300)
    assert not pmtu.vanished_silently(1400, 1400, None)
    assert not pmtu.vanished_silently(None, 1400, None)
