"""A push row never stays "sending": an undecryptable secret, a strange reply, an agent that never answers."""
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.test import override_settings

from opsconsole.nodes.models import GatewayNode, Push
from opsconsole.nodes.tasks import push_node_revision, reconcile_nodes

from .conftest import dns64_intent
from .test_push import desire

pytestmark = pytest.mark.django_db


@pytest.fixture
def answering(gateway_node):
    """A real HTTP server in the agent's place, answering every push with the body the test sets."""
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            self.rfile.read(int(self.headers["Content-Length"]))
            payload = server.reply
            self.send_response(200)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.reply = b"{}"
    GatewayNode.objects.filter(pk=gateway_node.pk).update(agent_url=f"http://127.0.0.1:{server.server_port}")
    gateway_node.refresh_from_db()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("reply", [b"[1, 2]", b'"applied"', b"null", b'{"status": "applied", "services": [1]}',
                                   b"not json"])
def test_a_reply_that_is_not_a_push_result_fails_the_push(gateway_node, answering, reply):
    answering.reply = reply
    desire(gateway_node, dns64_intent(gateway_node.name))

    assert push_node_revision(gateway_node.pk) == Push.Status.FAILED

    push = gateway_node.pushes.get()
    assert push.status == Push.Status.FAILED and push.finished_at is not None and push.error


def test_a_secret_the_console_cannot_decrypt_fails_the_push_once(gateway_node, answering):
    desire(gateway_node, dns64_intent(gateway_node.name))
    with override_settings(FIELD_ENCRYPTION_KEY="rotated-" + "x" * 40):
        assert push_node_revision(gateway_node.pk) == Push.Status.FAILED
        assert reconcile_nodes() == 0  # not another stuck push every 5 s

    push = gateway_node.pushes.get()
    assert "cannot decrypt this node's push secret" in push.error
    assert "rotate_node_credentials dns64-test" in push.error


def test_an_agent_that_never_answers_is_no_answer_and_retried(gateway_node, monkeypatch):
    silent = socket.create_server(("127.0.0.1", 0))  # accepts the connection, never reads or answers
    monkeypatch.setattr("opsconsole.nodes.agent_client.ANSWER_SECONDS", 0.5)
    GatewayNode.objects.filter(pk=gateway_node.pk).update(agent_url=f"http://127.0.0.1:{silent.getsockname()[1]}")
    desire(gateway_node, dns64_intent(gateway_node.name))
    try:
        assert push_node_revision(gateway_node.pk) == Push.Status.NO_ANSWER
    finally:
        silent.close()

    push = gateway_node.pushes.get()
    assert push.status == Push.Status.NO_ANSWER and push.retry == 1 and "no answer within" in push.error


def test_a_push_whose_worker_died_is_no_answer_after_its_claim_ran_out(gateway_node):
    revision = desire(gateway_node, dns64_intent(gateway_node.name))
    stuck = Push.objects.create(node=gateway_node, revision=revision)  # "sending", and no worker holds the node

    reconcile_nodes()

    stuck.refresh_from_db()
    assert stuck.status == Push.Status.NO_ANSWER and stuck.retry == 1


def test_a_node_another_worker_is_pushing_to_is_not_pushed_twice(gateway_node):
    from datetime import timedelta

    from django.utils import timezone

    desire(gateway_node, dns64_intent(gateway_node.name))
    GatewayNode.objects.filter(pk=gateway_node.pk).update(push_claimed_until=timezone.now() + timedelta(seconds=40))

    assert push_node_revision(gateway_node.pk) == "already pushing"
    assert reconcile_nodes() == 0
    assert not gateway_node.pushes.exists()
