"""Kea 2.2 DHCPv4 and DHCPv6 configuration for the dhcp role, and its off-node check."""

from __future__ import annotations

import json
import subprocess
import tempfile
from pathlib import Path
from typing import Callable

from gateways.render.common import RenderedFile, comment_text

DHCP4_PATH = "kea/kea-dhcp4.conf"
DHCP6_PATH = "kea/kea-dhcp6.conf"
CHECK_TIMEOUT_SECONDS = 30


def _comment(intent: dict) -> str:
    text = f"dhcp role of node {intent['node']}: rendered from intent schema {intent['schema']}; do not edit"
    return text + (f"; {comment_text(intent['description'])}" if intent["description"] else "")


def _common(intent: dict, role: dict, family: str) -> dict:
    subnets = role["subnets4" if family == "4" else "subnets6"]
    return {
        # Kea's command channel refuses a global "comment" (the file parser takes it); user-context passes both.
        "user-context": {"comment": _comment(intent)},
        "interfaces-config": {"interfaces": sorted({subnet["interface"] for subnet in subnets})},
        "control-socket": {"socket-type": "unix", "socket-name": role[f"control_socket{family}"]},
        "lease-database": {
            "type": "memfile", "persist": True, "lfc-interval": 3600,
            "name": f"{role['lease_directory'].rstrip('/')}/kea-leases{family}.csv",
        },
        "valid-lifetime": role["valid_lifetime"],
    }


def _subnet4(subnet: dict) -> dict:
    pool: dict = {"pool": f"{subnet['pool'][0]} - {subnet['pool'][1]}"}
    if subnet["known_only"]:
        # Only clients with a reservation are KNOWN: an unregistered MAC finds no pool and gets no address.
        pool["client-class"] = "KNOWN"
    rendered = {
        "id": subnet["id"], "subnet": subnet["prefix"], "interface": subnet["interface"], "pools": [pool],
        # Kea 2.2 refuses a reservation with nothing but an identifier ("must include at least one
        # resource"); a client class is a resource that changes nothing else.
        "reservations": [{"hw-address": mac, "client-classes": ["registered"]} for mac in subnet["reservations"]],
    }
    options = [{"name": "routers", "data": subnet["router"]}] if subnet["router"] else []
    if subnet["v6only_wait"] is not None:
        # Without always-send Kea adds option 108 only for clients that list it in their parameter request
        # list, as RFC 8925 section 3.3 requires; Kea 2.2 still offers such a client an address (the 0.0.0.0
        # offer of section 3.4 came in Kea 2.7.1), which the client then leaves unused.
        options.append({"name": "v6-only-preferred", "data": str(subnet["v6only_wait"])})
    if options:
        rendered["option-data"] = options
    return rendered


def _subnet6(subnet: dict) -> dict:
    rendered: dict = {"id": subnet["id"], "subnet": subnet["prefix"], "interface": subnet["interface"], "pools": []}
    if subnet["pool"]:
        rendered["pools"] = [{"pool": f"{subnet['pool'][0]} - {subnet['pool'][1]}"}]
    if subnet["dns_servers"]:
        rendered["option-data"] = [{"name": "dns-servers", "data": ", ".join(subnet["dns_servers"])}]
    return rendered


def _json(document: dict) -> str:
    return json.dumps(document, indent=2) + "\n"


def render_kea(intent: dict) -> list[RenderedFile]:
    role = intent["roles"]["dhcp"]
    files = []
    if role["subnets4"]:
        dhcp4 = {
            **_common(intent, role, "4"),
            "host-reservation-identifiers": ["hw-address"],
            "subnet4": [_subnet4(subnet) for subnet in role["subnets4"]],
        }
        files.append(RenderedFile("kea", DHCP4_PATH, _json({"Dhcp4": dhcp4})))
    if role["subnets6"]:
        dhcp6 = {**_common(intent, role, "6"), "subnet6": [_subnet6(subnet) for subnet in role["subnets6"]]}
        files.append(RenderedFile("kea6", DHCP6_PATH, _json({"Dhcp6": dhcp6})))
    return files


def off_node_copy(content: str) -> str:
    """The configuration with every interface name removed.

    `kea-dhcp4 -t` refuses interface names that do not exist where it runs, and the check runs in the
    agent's staging area (or the console), not on the node's VLAN interfaces; the running Kea tests the
    real names itself when the agent sends config-test over the control socket.
    """
    document = json.loads(content)
    server = next(iter(document.values()))
    server["interfaces-config"]["interfaces"] = []
    for subnet in server.get("subnet4", []) + server.get("subnet6", []):
        subnet.pop("interface", None)
    return json.dumps(document)


def kea_checker(program: str) -> Callable[[Path], tuple[bool, str]]:
    """A checker running `PROGRAM -t` on the off-node copy of a rendered file."""

    def check(file: Path) -> tuple[bool, str]:
        with tempfile.TemporaryDirectory(prefix="kea-check-") as directory:
            copy = Path(directory) / file.name
            copy.write_text(off_node_copy(file.read_text()))
            try:
                done = subprocess.run([program, "-t", str(copy)], capture_output=True, text=True, timeout=CHECK_TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                return False, f"{program} took more than {CHECK_TIMEOUT_SECONDS} s"
        errors = [line for line in (done.stdout + done.stderr).splitlines() if " ERROR " in line or line.startswith("Error")]
        return done.returncode == 0, "\n".join(errors) or "configuration ok"

    return check
