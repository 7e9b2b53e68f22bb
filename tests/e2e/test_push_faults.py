"""Faults on the push path, each against the real console, Celery worker and beat: the system converges or refuses."""
import json
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from gateways.signing import sign_request
from opsconsole.nodes.models import NodeState, Push
from opsconsole.nodes.revisions import mark_nodes_dirty
from opsconsole.nodes.tasks import PUSH_CLAIM
from opsconsole.transition.models import Nat64Role
from tests.e2e.conftest import FIRST_PREFIX, LabGateway, dns64_form, new_node
from tests.e2e.stack import Console, NodeAgent, Noc, converged, wait_until
from tests.e2e.test_nat64_dns64 import synthesised

pytestmark = pytest.mark.e2e
CONVERGE_SECONDS = 30


@pytest.fixture
def sandbox_gateway(console: Console, tmp_path: Path) -> Iterator[Callable[..., NodeAgent]]:
    """Makes a node and its (not yet started) agent on loopback; stops every agent it made."""
    made: list[NodeAgent] = []

    def make(mode: str = "sandbox", services: dict | None = None) -> NodeAgent:
        node = new_node(f"fault-gw-{len(made) + 1}")
        directory = tmp_path / node.name
        directory.mkdir()
        made.append(NodeAgent(node, directory, console.url, mode, services))
        return made[-1]

    yield make
    for agent in made:
        agent.stop()


def add_dns64(noc: Noc, agent: NodeAgent, prefix: str = FIRST_PREFIX) -> None:
    noc.submit(f"/transition/nodes/{agent.node.name}/dns64/add/", dns64_form(prefix))


def wait_converged(agent: NodeAgent) -> None:
    wait_until(lambda: converged(agent.node, agent), CONVERGE_SECONDS,
               f"{agent.node.name} runs its desired revision\n{agent.process.log()[-2000:]}", pause=0.3)


def test_a_change_made_while_the_agent_is_down_is_delivered_when_it_returns(console, noc, sandbox_gateway):
    agent = sandbox_gateway()
    add_dns64(noc, agent)
    wait_until(lambda: Push.objects.filter(node=agent.node, status=Push.Status.UNREACHABLE).exists(), 15,
               "a push that found the agent down")

    agent.start()
    wait_converged(agent)
    assert agent.node.state() == NodeState.IN_SYNC


def test_a_worker_killed_mid_push_is_replaced_and_the_next_worker_converges(console, noc, sandbox_gateway, tmp_path):
    reloading = tmp_path / "reloading"
    agent = sandbox_gateway("production", {"unbound": {
        "directory": str(tmp_path / "unbound.conf.d"), "reload": f"touch {reloading}; sleep 3", "health": ""}})
    agent.start()
    add_dns64(noc, agent)
    wait_until(reloading.exists, 15, "the agent reloading Unbound for the push")
    console.worker.kill()

    in_flight = Push.objects.get(node=agent.node)
    assert in_flight.status == Push.Status.SENDING
    agent.node.refresh_from_db()
    assert agent.node.applied_revision_id is None
    console.start_worker()
    # The dead worker's claim on the node runs out first; then its push is "no answer" and retried on its row.
    wait_until(lambda: converged(agent.node, agent), PUSH_CLAIM.total_seconds() + CONVERGE_SECONDS,
               f"{agent.node.name} runs its desired revision\n{agent.process.log()[-2000:]}", pause=0.3)
    assert agent.node.state() == NodeState.IN_SYNC
    in_flight.refresh_from_db()
    # The agent finished applying while no worker listened, so the retry finds the revision already running.
    assert (in_flight.status, in_flight.attempts) == (Push.Status.UNCHANGED, 2)


def test_a_flushed_redis_loses_queued_pushes_and_the_database_brings_them_back(console, noc, sandbox_gateway):
    agent = sandbox_gateway()
    agent.start()
    console.worker.stop()
    add_dns64(noc, agent)
    wait_until(lambda: console.redis.client.llen("celery"), 10, "the push queued in Redis")
    console.redis.flush()
    assert console.redis.client.llen("celery") == 0

    console.start_worker()
    wait_converged(agent)


def new_desired_revision(node, previous_id: int):
    """The node's desired revision once a change has been rebuilt into a new one; None until then."""
    node.refresh_from_db()
    if node.rebuild_requested_at is None and node.desired_revision_id != previous_id:
        return node.desired_revision
    return None


def test_a_config_the_checker_rejects_keeps_the_last_good_one_serving(lab, lab_gateway: LabGateway):
    node, agent = lab_gateway.node, lab_gateway.agent
    good_hash = agent.running_hash()
    # The model now refuses every value TAYGA's checker is known to refuse, so the disagreement between the two that
    # this guards against is made in the database, past the model: a link-local address as TAYGA's own.
    good = node.desired_revision_id
    Nat64Role.objects.filter(node=node).update(tayga_ipv6_addr="fe80::64")
    mark_nodes_dirty([node.pk], reason="a value the model would refuse, written past it")
    rejected = wait_until(lambda: new_desired_revision(node, good), 20, "the change recorded as a new revision")
    failed = wait_until(lambda: Push.objects.filter(revision=rejected, status=Push.Status.FAILED).first(), 20,
                        "the push of the rejected revision failed")

    assert failed.services["tayga"]["stage"] == "check"
    assert "Cannot use reserved address fe80::64 in ipv6-addr directive" in failed.services["tayga"]["message"]
    assert agent.running_hash() == good_hash
    assert lab.lookup() == [synthesised(FIRST_PREFIX)]
    assert lab.fetch() == f"IPv4-only server {lab.server}\n"
    page = lab_gateway.noc.page(f"/nodes/{node.name}/")
    assert "Cannot use reserved address fe80::64 in ipv6-addr directive" in page
    wait_until(lambda: node.state() == NodeState.FAILED, 10, "the node shown as failed")
    assert Push.objects.filter(revision=rejected).count() == 1  # reconcile does not send a rejected revision again


def test_forged_replayed_and_stale_pushes_are_refused_and_the_signed_ones_shown_on_the_node_page(console, noc, sandbox_gateway):
    agent = sandbox_gateway()
    agent.start()
    add_dns64(noc, agent)
    wait_converged(agent)
    first = agent.node.desired_revision
    first_body = json.dumps({"revision": first.number, "intent": first.intent}).encode()
    captured = sign_request(agent.node.push_secret, "POST", "/v1/intent", agent.node.name, first.number,
                            first.content_hash, int(time.time()), first_body)
    noc.submit(f"/transition/nodes/{agent.node.name}/dns64/{agent.node.dns64role.pk}/", dns64_form("2001:db8:46::/96"))
    wait_converged(agent)
    running = agent.node.desired_revision

    forged = agent.signed_post("/v1/intent", first_body, first.number, first.content_hash, secret=b"guessed secret")
    replayed = httpx.post(f"{agent.node.agent_url}/v1/intent", content=first_body, headers=captured, timeout=30)
    stale = agent.signed_post("/v1/intent", first_body, first.number, first.content_hash,
                              timestamp=int(time.time()) - 3600)

    assert (forged.status_code, forged.json()["reason"]) == (401, "signature does not match")
    assert (replayed.status_code, replayed.json()["reason"]) == (
        409, f"revision {first.number} is older than running revision {running.number}")
    # The second may turn between signing and checking: 3600 or 3601 s.
    assert stale.status_code == 401 and re.fullmatch(r"push is 360[01] s old, window is 30 s", stale.json()["reason"])
    assert agent.running_hash() == running.content_hash
    assert agent.process.log().count("refused request from 127.0.0.1") == 3
    # The forged push is only counted: junk must not push the refusals of signed requests out of the list.
    reasons = [f"revision {first.number} is older than running revision", stale.json()["reason"]]
    wait_until(lambda: all(reason in noc.page(f"/nodes/{agent.node.name}/") for reason in reasons), 10,
               "the heartbeat brought the refusals to the node page")
    agent.node.refresh_from_db()
    assert agent.node.last_heartbeat["counters"]["unauthenticated"] == 1
    assert "signature does not match" not in agent.node.last_heartbeat["refused"]
