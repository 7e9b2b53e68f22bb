"""IPv6-mostly end to end with the real Kea 2.2: a client asking for option 108 gets it in the offer with the plan's
V6ONLY_WAIT (and Kea's own log shows the option going out); a client that does not ask gets an ordinary lease."""
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from gateways.render import render_intent
from opsconsole.nodes.intents import build_intent
from opsconsole.nodes.models import GatewayNode
from opsconsole.plan.choices import Allocation, Family, Transition
from opsconsole.registration.models import DhcpService
from tests.e2e.netns import in_namespace, ip, namespaces, veth
from tests.e2e.stack import Process
from tests.registration.conftest import nowep_vlan  # noqa: F401  (VLAN 40, 192.0.2.0/24)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db]

CLIENT = Path(__file__).with_name("dhcp4_client.py")
CAPABLE_MAC, LEGACY_MAC = "02:00:00:00:01:08", "02:00:00:00:00:04"
WAIT = 900


def dhcp4(client_ns: str, mac: str, *flags: str) -> dict:
    ip("-n", client_ns, "link", "set", "cl0", "address", mac)
    done = in_namespace(client_ns, sys.executable, str(CLIENT), "cl0", mac, *flags)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def statistics(socket_path: Path) -> dict[str, int]:
    """Kea's own counters (statistic-get-all over its control socket), each by its latest value."""
    done = subprocess.run(["socat", "-", f"UNIX-CONNECT:{socket_path}"], input='{"command": "statistic-get-all"}',
                          capture_output=True, text=True, timeout=10)
    return {name: samples[0][0] for name, samples in json.loads(done.stdout)["arguments"].items()}


def test_option_108_only_for_clients_that_ask(nowep_vlan):  # noqa: F811
    row = nowep_vlan.families.get(family=Family.IPV4)
    row.allocation, row.transition, row.v6only_wait = Allocation.DHCPV4_IPV6_MOSTLY, Transition.NONE, WAIT
    row.full_clean()
    row.save()
    node = GatewayNode.objects.create(name="dhcp-mostly", agent_url="http://127.0.0.1:9")
    directory = Path(tempfile.mkdtemp(prefix="kea-mostly-"))  # short: unix socket paths are limited to 107 bytes
    DhcpService.objects.create(node=node, interfaces={"40": "srv0"}, control_socket4=str(directory / "kea4.sock"),
                               lease_directory=str(directory), serve_dhcp6=False)
    config = directory / "kea-dhcp4.conf"
    config.write_text(next(f.content for f in render_intent(build_intent(node)) if f.path.endswith("kea-dhcp4.conf")))
    kea = Process("kea", [], directory / "kea.log")
    try:
        with namespaces("mostlys", "mostlyc") as (server_ns, client_ns):
            veth(server_ns, "srv0", client_ns, "cl0")
            ip("-n", server_ns, "addr", "add", "192.0.2.1/24", "dev", "srv0")
            kea.argv = ["ip", "netns", "exec", server_ns, "env", f"KEA_PIDFILE_DIR={directory}", f"KEA_LOCKFILE_DIR={directory}",
                        "kea-dhcp4", "-c", str(config)]
            kea.start(r"DHCP4_STARTED")

            capable = dhcp4(client_ns, CAPABLE_MAC, "--ipv6-only-capable")
            legacy = dhcp4(client_ns, LEGACY_MAC)

            # Kea 2.2 still offers a real address with option 108; the 0.0.0.0 offer of RFC 8925 came in Kea 2.7.1.
            assert capable == {"offer": capable["offer"], "ipv6_only_preferred": WAIT, "lease": None}
            assert capable["offer"].startswith("192.0.2.")
            assert legacy["ipv6_only_preferred"] is None
            assert legacy["lease"] == legacy["offer"] and legacy["lease"].startswith("192.0.2."), legacy
            # Kea's counters: two offers, one lease. Kea 2.2 counts packets for the whole server only; per subnet it
            # counts addresses, which is why the adoption figure comes from the neighbour tables instead.
            stats = statistics(directory / "kea4.sock")
            assert (stats["pkt4-offer-sent"], stats["pkt4-ack-sent"], stats["subnet[40].assigned-addresses"]) == (2, 1, 1)
            log = kea.log()
            assert f"DHCP4_LEASE_ADVERT [hwtype=1 {CAPABLE_MAC}]" in log and f"DHCP4_LEASE_ALLOC [hwtype=1 {CAPABLE_MAC}]" not in log
            assert f"DHCP4_LEASE_ALLOC [hwtype=1 {LEGACY_MAC}]" in log
    finally:
        kea.stop()
        shutil.rmtree(directory, ignore_errors=True)
