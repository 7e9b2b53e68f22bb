"""Behind a trusted reverse proxy the client's address comes from X-Forwarded-For; from anyone else the header is ignored."""
import pytest
from django.test import override_settings

from opsconsole.audit.models import AuditEntry
from opsconsole.nodes.models import GatewayNode
from opsconsole.registration.models import DhcpService
from opsconsole.registration.neighbours import record_neighbours
from tests.conftest import PASSWORD
from tests.registration.conftest import make_participant, nowep_vlan  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

PROXY = "2001:db8:ffff::1"
trusted_proxy = override_settings(TRUSTED_PROXIES=["2001:db8:ffff::/64"])


def issue_code(client, **headers) -> AuditEntry:
    participant = make_participant()
    client.post(f"/registration/participants/{participant.pk}/sign-in-code/", **headers)
    return AuditEntry.objects.filter(object_type="registration.SignInCode").latest("id")


@trusted_proxy
def test_a_change_through_a_trusted_proxy_is_audited_with_the_clients_address(helpdesk_client):
    # The leftmost hop is whatever the client claimed; the proxy appended the real peer on the right.
    entry = issue_code(helpdesk_client, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="192.0.2.66, 2001:db8:1::5, 2001:db8:ffff::2")
    assert entry.remote_addr == "2001:db8:1::5"


@trusted_proxy
def test_a_forwarded_header_from_an_untrusted_peer_is_ignored(helpdesk_client):
    entry = issue_code(helpdesk_client, REMOTE_ADDR="2001:db8:2::9", HTTP_X_FORWARDED_FOR="192.0.2.66")
    assert entry.remote_addr == "2001:db8:2::9"


def test_without_trusted_proxies_the_peer_is_the_client(helpdesk_client):
    entry = issue_code(helpdesk_client, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="192.0.2.66")
    assert entry.remote_addr == PROXY


@trusted_proxy
def test_throttling_behind_the_proxy_locks_the_client_not_the_proxy(client, helpdesk_user):
    for n in range(5):
        client.post("/login/", {"username": f"guess-{n}", "password": "wrong"}, REMOTE_ADDR=PROXY,
                    HTTP_X_FORWARDED_FOR="2001:db8:3::66")

    attacker = client.post("/login/", {"username": helpdesk_user.username, "password": PASSWORD}, REMOTE_ADDR=PROXY,
                           HTTP_X_FORWARDED_FOR="2001:db8:3::66")
    neighbour = client.post("/login/", {"username": helpdesk_user.username, "password": PASSWORD}, REMOTE_ADDR=PROXY,
                            HTTP_X_FORWARDED_FOR="2001:db8:3::67")
    assert attacker.status_code == 429 and neighbour.status_code == 302


@trusted_proxy
def test_the_portal_detects_the_mac_of_the_forwarded_client(participant_client, participant_user, nowep_vlan, monkeypatch):
    make_participant(user=participant_user)
    monkeypatch.setattr("opsconsole.nodes.tasks.push_node_revision.delay", lambda node_id: None)  # no agent here
    node = GatewayNode(name="gw-proxy", agent_url="http://127.0.0.1:9")
    node.issue_credentials()
    node.save()
    DhcpService.objects.create(node=node, interfaces={"40": "eth0.40"})
    record_neighbours(node, [{"ip": "2001:db8:40::5", "mac": "00:1b:63:00:00:55"}])

    page = participant_client.get("/portal/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="2001:db8:40::5").content.decode()
    assert "00:1b:63:00:00:55" in page
