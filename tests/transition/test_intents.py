"""roles_for turns role rows into intent documents that validate, with computed values, and marks changed nodes."""
import pytest
from django.db import transaction

from gateways.intent import validate_intent
from opsconsole.nodes.intents import build_intent
from opsconsole.transition.intents import roles_for
from opsconsole.transition.models import DsliteRole, Nat64Mapping, Nat64Role, Xlat464Role

from .conftest import render_and_check

pytestmark = pytest.mark.django_db


def saved(instance):
    instance.full_clean()
    instance.save()
    return instance


def test_siit_mappings_reach_the_intent_and_tayga_accepts_them(node):
    role = saved(Nat64Role(node=node, implementation="tayga", mode="siit", pool6="2001:db8:64::/96",
                           tayga_ipv4_addr="192.0.2.1"))
    saved(Nat64Mapping(role=role, ipv4="192.0.2.16/28", ipv6="2001:db8:1::10/124"))
    nat64 = validate_intent(build_intent(node))["roles"]["nat64"]
    assert nat64["mode"] == "siit" and nat64["mappings"] == [{"ipv4": "192.0.2.16/28", "ipv6": "2001:db8:1::10/124"}]
    _, results = render_and_check(build_intent(node))
    assert all(r.ok for r in results), results


def test_clat_gets_its_ipv6_address_computed(node):
    saved(Xlat464Role(node=node, side="clat", plat_prefix="64:ff9b::/96", clat_prefix="2001:db8:c1a7::/64",
                      tayga_ipv4_addr="192.0.0.2", wan="eth0"))
    xlat = validate_intent(build_intent(node))["roles"]["xlat464"]
    assert xlat["clat_ipv6"] == "2001:db8:c1a7:0:c0:0:100:0"
    _, results = render_and_check(build_intent(node))
    assert all(r.ok for r in results), results


def test_dslite_b4(node):
    saved(DsliteRole(node=node, side="b4", aftr_address="2001:db8:a10:a10::99", b4_address="2001:db8:192:168::1",
                     wan="eth0"))
    assert validate_intent(build_intent(node))["roles"]["dslite"]["b4_address"] == "2001:db8:192:168::1"


def test_node_without_roles_has_none(node):
    assert roles_for(node) == {}


def test_a_pool4_change_marks_its_node_and_the_routers_pointing_at_it(wide_camp):
    role = Nat64Role.objects.get(node__name="wide-nat64-2")
    # Start a fresh batch: loading the plan already marked every demo node in this (never committed) test transaction.
    transaction.get_connection()._opsconsole_dirty_nodes = None
    with transaction.atomic():
        saved(role.pool4s.get())
        pending = transaction.get_connection()._opsconsole_dirty_nodes
        names = {n.name for n in type(role.node).objects.filter(pk__in=pending["ids"])}
        assert names == {"wide-nat64-2", "wide-backbone-router"}
        assert pending["reasons"] == ["NAT64 pool4 changed (203.178.159.28/30 ports 1-65535)"]
