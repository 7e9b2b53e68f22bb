"""The node pages speak plainly: times say how long ago, with the exact local time and zone at hand; "Pushes"."""
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from opsconsole.nodes.models import GatewayNode, Push

from .conftest import dns64_intent
from .test_push import desire

pytestmark = pytest.mark.django_db

TIME = re.compile(r'<time datetime="([^"]+)" title="([^"]+)">([^<]+)</time>')


def times(page: str) -> list[tuple[str, str, str]]:
    return TIME.findall(page)


def test_times_say_ago_with_local_time_and_zone(noc_client, gateway_node):
    revision = desire(gateway_node, dns64_intent(gateway_node.name))
    Push.objects.create(node=gateway_node, revision=revision, started_at=timezone.now() - timedelta(hours=2),
                        status=Push.Status.UNREACHABLE)
    heartbeat = timezone.now() - timedelta(minutes=3, seconds=5)
    GatewayNode.objects.filter(pk=gateway_node.pk).update(last_heartbeat_at=heartbeat)

    page = noc_client.get(f"/nodes/{gateway_node.name}/").content.decode()

    shown = {words: (iso, title) for iso, title, words in times(page)}
    assert "3\xa0minutes ago" in shown and "2\xa0hours ago" in shown
    iso, title = shown["3\xa0minutes ago"]
    local = timezone.localtime(heartbeat)
    assert iso == local.isoformat(timespec="seconds") and iso.endswith("+09:00")
    assert title == local.strftime("%Y-%m-%d %H:%M:%S") + " JST"
    assert any(words.endswith("ago") for _iso, _title, words in times(noc_client.get("/nodes/").content.decode()))


def test_times_are_in_the_readers_language(noc_client, gateway_node):
    GatewayNode.objects.filter(pk=gateway_node.pk).update(last_heartbeat_at=timezone.now() - timedelta(minutes=3))
    noc_client.cookies["django_language"] = "ja"

    page = noc_client.get("/nodes/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()

    assert [words for _iso, _title, words in times(page)] == ["3分前"]


def test_pushes_are_called_pushes(noc_client, gateway_node):
    desire(gateway_node, dns64_intent(gateway_node.name))

    admin = noc_client.get("/admin/").content.decode()
    node_page = noc_client.get(f"/nodes/{gateway_node.name}/").content.decode()

    assert ">Pushes<" in admin
    assert "Pushs" not in admin and "Pushs" not in node_page
    assert "Push history" in node_page
