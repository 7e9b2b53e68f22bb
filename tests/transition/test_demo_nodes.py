"""load_demo_nodes builds every node of both demo plans, idempotently, and each renders files the daemons accept."""
import pytest
from django.core.management import call_command

from gateways.intent import validate_intent
from opsconsole.nodes.intents import build_intent
from opsconsole.nodes.models import GatewayNode
from opsconsole.nodes.credentials import decrypt
from opsconsole.transition.demo import PLANS, load_plan

from .conftest import render_and_check

pytestmark = pytest.mark.django_db

DEMO_NODES = [(plan, node.name) for plan, (_, nodes) in PLANS.items() for node in nodes]


def test_command_creates_nodes_with_credentials_and_stable_ports(capsys):
    call_command("load_demo_nodes", "wide-camp-2011")
    first = capsys.readouterr().out
    assert "wide-nat64-1 http://127.0.0.1:9101 created" in first
    node = GatewayNode.objects.get(name="wide-nat64-2")
    assert node.agent_url == "http://127.0.0.1:9102"
    assert decrypt(node.secret_encrypted) and len(node.token_hash) == 64
    secret_before = node.secret_encrypted

    call_command("load_demo_nodes", "wide-camp-2011")
    assert "wide-nat64-1 http://127.0.0.1:9101 up to date" in capsys.readouterr().out
    assert GatewayNode.objects.filter(name__startswith="wide-").count() == len(PLANS["wide-camp-2011"][1])
    node.refresh_from_db()
    assert node.secret_encrypted == secret_before
    assert node.nat64role.pool4s.count() == 1


def test_shownet_ports_follow_the_wide_camp_ones():
    call_command("load_demo_nodes", "interop-shownet-2013")
    ports = sorted(int(url.rsplit(":", 1)[1]) for url in GatewayNode.objects.values_list("agent_url", flat=True))
    assert ports[0] == 9101 + len(PLANS["wide-camp-2011"][1])
    assert ports == list(range(ports[0], ports[0] + len(ports)))


def test_wide_camp_nat64_boxes_share_the_prefix_and_the_router_points_at_each(wide_camp):
    router = validate_intent(build_intent(GatewayNode.objects.get(name="wide-backbone-router")))
    routes = {(r["prefix"], r["next_hop"]) for r in router["roles"]["router"]["routes"]}
    assert ("2001:200:0:ff99::/96", "2001:200:0:ff81::37") in routes
    assert ("203.178.159.24/30", "203.178.158.37") in routes
    assert ("203.178.159.32/30", "203.178.158.39") in routes
    dns64 = validate_intent(build_intent(GatewayNode.objects.get(name="wide-dns64")))["roles"]["dns64"]
    assert dns64 | {"prefix": "2001:200:0:ff99::/96", "mapped": ["any"], "suffix": "::", "recursive_only": True,
                    "listen": ["2001:200:0:ff80::5"]} == dns64


def test_shownet_ce_gets_its_address_and_ports_computed(shownet):
    intent = validate_intent(build_intent(GatewayNode.objects.get(name="shownet-map-ce")))
    ce = intent["roles"]["map"]["ce"]
    assert ce["ipv4"] == "130.129.255.93" and ce["psid"] == 2
    assert ce["ports"][0] == [4224, 4287] and ce["ports"][-1] == [61568, 61631] and len(ce["ports"]) == 15
    assert ce["ipv6"] == "2001:3e8:6000:42:0:8281:ff5d:2"
    plat = validate_intent(build_intent(GatewayNode.objects.get(name="shownet-plat")))["roles"]
    assert plat["xlat464"]["plat_prefix"] == plat["nat64"]["pool6"] == "2001:10:10:10:10:10::/96"


@pytest.mark.parametrize(("plan", "name"), DEMO_NODES)
def test_every_demo_node_renders_files_its_daemons_accept(plan, name):
    load_plan(plan)
    intent = build_intent(GatewayNode.objects.get(name=name))
    assert validate_intent(intent)["roles"]
    files, results = render_and_check(intent)
    assert files
    assert [r for r in results if not r.ok] == []
