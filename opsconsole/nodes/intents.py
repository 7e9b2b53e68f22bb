"""Builds a node's intent document from every app that contributes roles to it."""
from django.utils.module_loading import import_string

from gateways.intent import SCHEMA_VERSION

from .models import GatewayNode

# Each source is a function (node) -> {role name: role document} following gateways/intent.py.
ROLE_SOURCES = (
    "opsconsole.transition.intents.roles_for", "opsconsole.registration.intents.roles_for",
    "opsconsole.radius.intents.roles_for", "opsconsole.diagnostics.reverse.roles_for",
)


def build_intent(node: GatewayNode) -> dict:
    roles: dict = {}
    for source in ROLE_SOURCES:
        roles.update(import_string(source)(node))
    return {"schema": SCHEMA_VERSION, "node": node.name, "description": node.description, "roles": roles}
