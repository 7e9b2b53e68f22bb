"""A node page in Chromium follows its node over the WebSocket: state and running-vs-desired diff, without a reload."""
import httpx
import pytest

from gateways.intent import content_hash, validate_intent
from opsconsole.accounts.models import Role
from opsconsole.nodes.models import GatewayNode
from opsconsole.nodes.revisions import new_revision
from tests.conftest import PASSWORD, make_user

from .conftest import sign_in

pytestmark = pytest.mark.browser


def dns64_revision(node, prefix: str):
    intent = validate_intent({"schema": 1, "node": node.name, "roles": {
        "dns64": {"implementation": "unbound", "prefix": prefix}}})
    return new_revision(node, intent, content_hash(intent), "test", prefix)


def test_a_heartbeat_reporting_the_desired_hash_clears_the_diff_live(asgi_server, page):
    make_user("noc-browser", Role.NOC)
    node = GatewayNode(name="dns64-live", agent_url="http://127.0.0.1:9")
    _secret, token = node.issue_credentials()
    node.save()
    old = dns64_revision(node, "2001:db8:64::/96")
    new = dns64_revision(node, "2001:db8:65::/96")
    GatewayNode.objects.filter(pk=node.pk).update(applied_revision=new)

    def beat(revision):
        response = httpx.post(f"{asgi_server}/api/nodes/{node.name}/heartbeat/",
                              headers={"Authorization": f"Bearer {token}"},
                              json={"revision": revision.number, "hash": revision.content_hash})
        assert response.status_code == 200

    beat(old)
    sign_in(page, asgi_server, "noc-browser", PASSWORD)
    page.goto(f"{asgi_server}/nodes/{node.name}/")
    assert page.locator("[data-state]").get_attribute("data-state") == "drifted"
    assert "+    dns64-prefix: 2001:db8:65::/96" in page.locator("pre.diff").inner_text()
    page.wait_for_function("() => document.querySelector('[ws-connect]') && "
                           "document.querySelector('[ws-connect]')['htmx-internal-data']?.webSocket?.socket?.readyState === 1")

    beat(new)

    page.wait_for_selector('[data-state="in-sync"]')
    assert page.locator("pre.diff").count() == 0
    assert new.content_hash in page.locator("#node-live").inner_text()
