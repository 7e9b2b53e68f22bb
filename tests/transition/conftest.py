"""Fixtures for transition roles: a fresh gateway node, the demo plans, and writing + checking rendered files."""
import tempfile
from pathlib import Path

import pytest

from gateways.render import RenderedFile, render_intent
from gateways.render.check import CheckResult, check_rendered
from opsconsole.nodes.models import GatewayNode
from opsconsole.transition.demo import load_plan


def make_node(name: str, description: str = "") -> GatewayNode:
    node = GatewayNode(name=name, description=description, agent_url="http://127.0.0.1:9199")
    node.issue_credentials()
    node.save()
    return node


@pytest.fixture
def node(db) -> GatewayNode:
    return make_node("gw-1")


@pytest.fixture
def wide_camp(db) -> list[GatewayNode]:
    return [node for node, _ in load_plan("wide-camp-2011")]


@pytest.fixture
def shownet(db) -> list[GatewayNode]:
    return [node for node, _ in load_plan("interop-shownet-2013")]


def render_and_check(intent: dict) -> tuple[list[RenderedFile], list[CheckResult]]:
    """Render an intent, write its files into a fresh directory and run each daemon's own checker on them."""
    files = render_intent(intent)
    with tempfile.TemporaryDirectory(prefix="transition-") as directory:
        for rendered in files:
            target = Path(directory) / rendered.path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(rendered.content)
            target.chmod(rendered.mode)
        return files, check_rendered(files, Path(directory))
