"""schemathesis against the live schema (/api/schema/): each generated request is sent with each role's token (NOC,
helpdesk, participant), and no answer may be a server error or differ from what the schema documents. Bounded: a
few derandomised examples per operation, so every run sends the same requests."""
from contextlib import contextmanager

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from opsconsole.accounts.models import Role, User
from opsconsole.nodes.models import GatewayNode
from opsconsole.registration.models import Device
from tests.registration.conftest import make_participant

from .conftest import token_for


@contextmanager
def connection_kept():
    """As Django's test client does: the app must not close the connection that holds each test's transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture(autouse=True)
def keep_the_connection():
    with connection_kept():
        yield


# Valid data the models refuse (a VLAN id out of range, an overlapping prefix) is a documented 400, so only the
# answers are checked, not whether each request was accepted; the coverage phase's boundary sweeps would take minutes.
CONFIG = SchemathesisConfig.from_dict({
    "generation": {"mode": "positive", "max-examples": 3, "deterministic": True},
    "phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}},
})
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance, ignored_auth]
with connection_kept():
    schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application(), config=CONFIG)


@pytest.fixture
def role_tokens(nowep_vlan, settings) -> dict[str, str]:
    """A token per role, and a VLAN, a node and a participant with a device for the operations to find. The DNS
    checks ask no server on the Internet: without root servers they answer "could not check" at once."""
    settings.DIAGNOSTICS_ROOT_SERVERS = []
    users = {role: User.objects.create(username=f"{role}-schemathesis", role=role) for role in Role.values}
    node = GatewayNode(name="nat64-a", agent_url="http://127.0.0.1:9")
    node.issue_credentials()
    node.save()
    Device.objects.create(participant=make_participant(user=users[Role.PARTICIPANT]), mac="02:00:00:00:00:01")
    return {role: token_for(user) for role, user in users.items()}


@schema.parametrize()
@settings(max_examples=3, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_answer_is_one_the_schema_documents(case, role_tokens):
    for token in role_tokens.values():
        case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)
