"""The node list and node page: who sees them, what they show, and the NOC's push-now and roll-back buttons."""
import pytest

from opsconsole.audit.models import AuditEntry
from opsconsole.nodes.models import Push

from .conftest import dns64_intent
from .test_push import desire, unbound_conf

pytestmark = pytest.mark.django_db


def test_participants_see_no_node_pages(participant_client, gateway_node):
    assert participant_client.get("/nodes/").status_code == 403
    assert participant_client.get(f"/nodes/{gateway_node.name}/").status_code == 403


def test_helpdesk_reads_but_cannot_push_or_roll_back(helpdesk_client, gateway_node):
    revision = desire(gateway_node, dns64_intent(gateway_node.name))
    page = helpdesk_client.get(f"/nodes/{gateway_node.name}/")
    assert page.status_code == 200 and b"Push now" not in page.content
    assert helpdesk_client.post(f"/nodes/{gateway_node.name}/push/").status_code == 403
    assert helpdesk_client.post(f"/nodes/{gateway_node.name}/rollback/{revision.number}/").status_code == 403


def test_list_shows_each_nodes_state(noc_client, gateway_node):
    desire(gateway_node, dns64_intent(gateway_node.name))
    page = noc_client.get("/nodes/").content.decode()
    assert gateway_node.name in page and 'data-state="unreachable"' in page


def test_node_page_shows_rendered_files_and_the_pending_diff(noc_client, gateway_node, sandbox_agent,
                                                            django_capture_on_commit_callbacks):
    sandbox_agent.start()
    desire(gateway_node, dns64_intent(gateway_node.name, "2001:db8:64::/96"))
    with django_capture_on_commit_callbacks(execute=True):
        noc_client.post(f"/nodes/{gateway_node.name}/push/")
    desire(gateway_node, dns64_intent(gateway_node.name, "2001:db8:77::/96"))

    page = noc_client.get(f"/nodes/{gateway_node.name}/").content.decode()

    assert "unbound/unbound.conf" in page
    assert "-    dns64-prefix: 2001:db8:64::/96" in page and "+    dns64-prefix: 2001:db8:77::/96" in page


def test_push_now_pushes_and_is_audited(noc_client, gateway_node, sandbox_agent, django_capture_on_commit_callbacks):
    sandbox_agent.start()
    desire(gateway_node, dns64_intent(gateway_node.name))

    with django_capture_on_commit_callbacks(execute=True):
        response = noc_client.post(f"/nodes/{gateway_node.name}/push/", REMOTE_ADDR="2001:db8::7")

    assert response.status_code == 302
    assert gateway_node.pushes.get().status == Push.Status.APPLIED
    entry = AuditEntry.objects.filter(object_type="nodes.GatewayNode", action="action").get()
    assert entry.actor_label == "alice-noc" and entry.remote_addr == "2001:db8::7"
    assert entry.after == {"action": "push now", "revision": 1}


def test_roll_back_restores_an_earlier_revision_as_a_new_one(noc_client, gateway_node, sandbox_agent,
                                                            django_capture_on_commit_callbacks):
    sandbox_agent.start()
    first = desire(gateway_node, dns64_intent(gateway_node.name, "2001:db8:64::/96"))
    desire(gateway_node, dns64_intent(gateway_node.name, "2001:db8:78::/96"))

    with django_capture_on_commit_callbacks(execute=True):
        noc_client.post(f"/nodes/{gateway_node.name}/rollback/{first.number}/")

    gateway_node.refresh_from_db()
    assert gateway_node.desired_revision.number == 3
    assert gateway_node.desired_revision.content_hash == first.content_hash
    assert gateway_node.desired_revision.reason == "roll back to revision 1"
    assert gateway_node.applied_revision == gateway_node.desired_revision
    assert "2001:db8:64::/96" in unbound_conf(sandbox_agent)


def test_push_now_without_any_revision_says_so(noc_client, gateway_node):
    response = noc_client.post(f"/nodes/{gateway_node.name}/push/", follow=True)
    assert b"no configuration to push yet" in response.content


def test_the_node_list_costs_the_same_queries_for_one_node_or_many(noc_client, gateway_node,
                                                                     django_assert_max_num_queries):
    from opsconsole.nodes.models import GatewayNode, Push

    for number in range(20):
        node = GatewayNode(name=f"nat64-{number}", agent_url="http://127.0.0.1:9")
        node.issue_credentials()
        node.save()
        revision = desire(node, dns64_intent(node.name))
        Push.objects.create(node=node, revision=revision, status=Push.Status.FAILED, error="tayga refused it")
    noc_client.get("/nodes/")  # warm the session and translations

    with django_assert_max_num_queries(8):
        page = noc_client.get("/nodes/").content.decode()
    assert page.count('data-state="failed"') == 20 and page.count("tayga refused it") == 20


def test_push_now_on_an_in_sync_node_shows_no_diff_and_says_no_change_was_needed(
        noc_client, gateway_node, sandbox_agent, django_capture_on_commit_callbacks):
    sandbox_agent.start()
    desire(gateway_node, dns64_intent(gateway_node.name))
    with django_capture_on_commit_callbacks(execute=True):
        noc_client.post(f"/nodes/{gateway_node.name}/push/")

    with django_capture_on_commit_callbacks(execute=True):
        noc_client.post(f"/nodes/{gateway_node.name}/push/")
    page = noc_client.get(f"/nodes/{gateway_node.name}/").content.decode()

    assert "@@" not in page and "Running → desired" not in page
    assert 'data-state="in-sync"' in page and "<td>r1</td>\n  <td>r1</td>" in page  # desired r1, applied r1
    assert page.count('data-status="unchanged"') == 1 and 'data-status="sending"' not in page
    assert "no change needed — already running this revision" in page


def test_the_diff_starts_from_the_revision_the_agent_reports_running(noc_client, gateway_node):
    first = desire(gateway_node, dns64_intent(gateway_node.name, "2001:db8:64::/96"))
    desire(gateway_node, dns64_intent(gateway_node.name, "2001:db8:65::/96"))
    desire(gateway_node, dns64_intent(gateway_node.name, "2001:db8:66::/96"))
    token = issue_token(gateway_node)
    noc_client.post(f"/api/nodes/{gateway_node.name}/heartbeat/", {"hash": first.content_hash, "revision": 1},
                    content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")

    page = noc_client.get(f"/nodes/{gateway_node.name}/").content.decode()

    assert "-    dns64-prefix: 2001:db8:64::/96" in page and "+    dns64-prefix: 2001:db8:66::/96" in page
    assert "2001:db8:65::/96" not in page


def issue_token(node) -> str:
    _secret, token = node.issue_credentials()
    node.save()
    return token
