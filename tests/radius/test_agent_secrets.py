"""The real agent applies a radius role: it fetches the node's secrets from a live console and keeps them 0600."""
import json
import stat

import pytest

from gateways.node_secrets import write_tls_files
from opsconsole.nodes.intents import build_intent
from opsconsole.radius.models import RadiusService

from ..gateways.agent.conftest import NODE, agent_factory  # noqa: F401  (the fixture)
from .nodes import make_radius_node

pytestmark = pytest.mark.django_db(transaction=True)

SECRET = 'ap "17" shared secret'


def radius_node(with_service: bool = True):
    return make_radius_node(NODE, "ap-17", "192.0.2.17", SECRET, with_service=with_service, listen=["::1"],
                            auth_port=18112)


def test_the_agent_writes_the_secrets_it_fetched_and_installs_the_configuration(live_server, agent_factory):  # noqa: F811
    node, token, nas = radius_node()
    agent = agent_factory(console_url=live_server.url, console_token=token)

    response = agent.push(1, build_intent(node))

    assert response.status_code == 200 and response.json()["status"] == "applied", response.text
    secrets = agent.sandbox / "etc/freeradius/opsconsole-secrets.conf"
    assert stat.S_IMODE(secrets.stat().st_mode) == 0o600
    assert f"nas{nas.pk} = 'ap \"17\" shared secret'" in secrets.read_text()
    clients = (agent.sandbox / "freeradius/clients.conf").read_text()
    assert f"secret = ${{opsconsole_secrets.nas{nas.pk}}}" in clients and "17\\\"" not in clients
    # The eap module's files: the server's key only there, not world-readable, and never in the intent.
    tls = agent.sandbox / "etc/freeradius/opsconsole-tls"
    key = (tls / "server.key").read_text()
    assert "PRIVATE KEY" in key and stat.S_IMODE((tls / "server.key").stat().st_mode) == 0o640
    assert key.splitlines()[1] not in json.dumps(build_intent(node))  # one line of the key, as JSON would hold it
    assert {path.suffix for path in (tls / "ca").iterdir()} == {".0", ".r0"}


def test_without_the_secrets_nothing_is_applied(live_server, agent_factory):  # noqa: F811
    node, token, _nas = radius_node()
    intent = build_intent(node)
    RadiusService.objects.all().delete()  # the console no longer gives this node RADIUS secrets
    agent = agent_factory(console_url=live_server.url, console_token=token)

    response = agent.push(1, intent)

    assert response.status_code == 502 and "cannot fetch this node's secrets" in response.text
    assert not (agent.sandbox / "freeradius").exists()


def test_tls_files_outside_the_eap_modules_names_are_refused_and_an_old_crl_is_removed(tmp_path):
    with pytest.raises(ValueError, match="not a file of the eap module"):
        write_tls_files(tmp_path, {"../radiusd.conf": "x"})
    write_tls_files(tmp_path, {"ca.pem": "CA", "ca/0123abcd.0": "CA", "ca/0123abcd.r0": "CRL 1"})

    write_tls_files(tmp_path, {"ca.pem": "CA2", "ca/89abcdef.0": "CA2", "ca/89abcdef.r0": "CRL 2"})

    assert sorted(path.name for path in (tmp_path / "ca").iterdir()) == ["89abcdef.0", "89abcdef.r0"]
    assert not (tmp_path.parent / "radiusd.conf").exists()
