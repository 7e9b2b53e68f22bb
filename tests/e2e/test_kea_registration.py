"""DHCPv4 by registration end to end: the helpdesk registers a MAC over HTTP, the real agent installs the Kea
configuration through Kea's control socket, and a client with that MAC gets a lease (and none before or after)."""
import json
import re
import shutil
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from gateways.agentconfig import kea_service
from opsconsole.nodes.local import agent_toml
from opsconsole.registration.models import Device, DhcpService, Participant
from tests.e2e.netns import in_namespace, ip, namespaces, veth
from tests.e2e.stack import Process, wait_until
from tests.ports import free_port
from tests.registration.conftest import nowep_vlan  # noqa: F401  (the registration VLAN 40, 192.0.2.0/24)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CLIENT_MAC = "00:1b:63:e2:e2:01"
SERVER_ADDRESS, CLIENT_ADDRESS = "192.0.2.1/24", "192.0.2.250/24"


def agent_services(etc: Path, socket_path: Path) -> str:
    """[services.kea] for the agent in production mode: the Debian default, with this test's paths and socket."""
    kea = kea_service(etc, str(socket_path))
    return (f"\n[services.kea]\ndirectory = {json.dumps(str(etc))}\nreload = {json.dumps(kea.reload)}\n"
            f"health = {json.dumps(kea.health)}\nteardown = {json.dumps(kea.teardown)}\n")


def lease_for(client_ns: str, mac: str) -> bool:
    """One DORA exchange from the client namespace with MAC (perfdhcp, 1 exchange/s for 2 s); True if acknowledged."""
    done = in_namespace(client_ns, "perfdhcp", "-4", "-l", "cl0", "-b", f"mac={mac}", "-R", "1", "-r", "1", "-p", "2",
                        SERVER_ADDRESS.split("/")[0])
    acks = re.findall(r"Statistics for: REQUEST-ACK\*+\s+sent packets: \d+\s+received packets: (\d+)", done.stdout)
    assert acks, f"perfdhcp said:\n{done.stdout}{done.stderr}"
    return int(acks[0]) > 0


def test_only_registered_macs_get_an_ipv4_lease(nowep_vlan, helpdesk_client):  # noqa: F811
    directory = Path(tempfile.mkdtemp(prefix="kea-e2e-"))  # short: unix socket paths are limited to 107 bytes
    socket_path, etc, run = directory / "kea4.sock", directory / "etc", directory / "run"
    for path in (etc, run, directory / "leases"):
        path.mkdir()
    processes: list[Process] = []
    try:
        with namespaces("keas", "keac") as (server_ns, client_ns):
            veth(server_ns, "srv0", client_ns, "cl0")
            ip("-n", server_ns, "addr", "add", SERVER_ADDRESS, "dev", "srv0")
            ip("-n", client_ns, "link", "set", "cl0", "address", CLIENT_MAC)
            ip("-n", client_ns, "addr", "add", CLIENT_ADDRESS, "dev", "cl0")

            # Kea starts with no subnets; the agent's first push gives it the registration VLAN.
            (etc / "kea-dhcp4.conf").write_text(json.dumps({"Dhcp4": {
                "interfaces-config": {"interfaces": ["srv0"]},
                "control-socket": {"socket-type": "unix", "socket-name": str(socket_path)},
                "lease-database": {"type": "memfile", "persist": False}}}))
            kea = Process("kea", ["ip", "netns", "exec", server_ns, "env", f"KEA_PIDFILE_DIR={run}", f"KEA_LOCKFILE_DIR={run}",
                                  "kea-dhcp4", "-c", str(etc / "kea-dhcp4.conf")], directory / "kea.log")
            processes.append(kea)
            kea.start(r"DHCP4_STARTED")

            from opsconsole.nodes.models import GatewayNode

            node = GatewayNode(name="dhcp-e2e", agent_url=f"http://127.0.0.1:{free_port()}")
            node.issue_credentials()
            node.save()
            (directory / "agent").mkdir()
            toml = agent_toml(node, directory / "agent", console_url="", mode="production") + agent_services(etc, socket_path)
            (directory / "agent" / "agent.toml").write_text(toml)
            agent = Process("agent", [sys.executable, "-m", "gateways.agent", "--config", str(directory / "agent" / "agent.toml")],
                            directory / "agent.log")
            processes.append(agent)
            agent.start(r"listening on")

            participant = Participant.objects.create(name="Forgot Certificate", affiliation="WIDE",
                                                     active_until=timezone.now() + timedelta(days=3))
            DhcpService.objects.create(node=node, interfaces={"40": "srv0"}, control_socket4=str(socket_path),
                                       lease_directory=str(directory / "leases"), serve_dhcp6=False)
            node.refresh_from_db()
            assert node.applied_revision is not None, agent.log()[-2000:]
            assert not lease_for(client_ns, CLIENT_MAC), "an unregistered MAC got a lease"

            response = helpdesk_client.post(f"/registration/participants/{participant.pk}/devices/",
                                            {"mac": CLIENT_MAC.upper().replace(":", "-"), "os": "linux", "vlans": [nowep_vlan.pk]})
            assert response.status_code == 302
            node.refresh_from_db()
            assert node.applied_revision == node.desired_revision, agent.log()[-2000:]
            assert lease_for(client_ns, CLIENT_MAC), f"the registered MAC got no lease:\n{kea.log()[-3000:]}"

            device = Device.objects.get(mac=CLIENT_MAC)
            assert helpdesk_client.post(f"/registration/devices/{device.pk}/remove/").status_code == 302
            wait_until(lambda: "00:1b:63:e2:e2:01" not in (etc / "kea-dhcp4.conf").read_text(), 5, "reservation removed")
            assert not lease_for(client_ns, CLIENT_MAC), "a removed MAC renewed its lease"
    finally:
        for process in reversed(processes):
            process.stop()
        shutil.rmtree(directory, ignore_errors=True)
