"""A heartbeat reaches an open node list in Chromium over the WebSocket, without a reload."""
import httpx
import pytest

from gateways.intent import content_hash, validate_intent
from opsconsole.accounts.models import Role
from opsconsole.nodes.models import GatewayNode
from opsconsole.nodes.revisions import new_revision
from tests.conftest import PASSWORD, make_user

from .conftest import sign_in

pytestmark = pytest.mark.browser


def test_heartbeat_turns_the_row_in_sync_live(asgi_server, page):
    make_user("noc-browser", Role.NOC)
    node = GatewayNode(name="nat64-live", agent_url="http://127.0.0.1:9")
    _secret, token = node.issue_credentials()
    node.save()
    intent = validate_intent({"schema": 1, "node": node.name, "roles": {
        "dns64": {"implementation": "unbound", "prefix": "2001:db8:64::/96"}}})
    revision = new_revision(node, intent, content_hash(intent), "test", "initial")
    GatewayNode.objects.filter(pk=node.pk).update(applied_revision=revision)

    sign_in(page, asgi_server, "noc-browser", PASSWORD)
    page.goto(f"{asgi_server}/nodes/")
    row = f"#node-row-{node.pk}"
    assert page.locator(f"{row} [data-state]").get_attribute("data-state") == "unreachable"
    page.wait_for_function("() => document.querySelector('[ws-connect]') && "
                           "document.querySelector('[ws-connect]')['htmx-internal-data']?.webSocket?.socket?.readyState === 1")

    response = httpx.post(f"{asgi_server}/api/nodes/{node.name}/heartbeat/", headers={"Authorization": f"Bearer {token}"},
                          json={"revision": 1, "hash": revision.content_hash, "services": {}, "counters": {}})
    assert response.status_code == 200

    page.wait_for_selector(f'{row} [data-state="in-sync"]')
    assert "in sync" in page.locator(row).inner_text()
