"""The node's IPv4/IPv6 neighbour table (IP to MAC), which the agent reports so the portal can tell who is asking."""
import json
import subprocess

NEIGHBOUR_STATES = {"REACHABLE", "STALE", "DELAY", "PROBE", "PERMANENT", "NOARP"}


def parse_ip_neigh_json(output: str) -> list[dict[str, str]]:
    """Entries of `ip -j neigh show` that carry a MAC address, as {"ip", "mac"}."""
    entries = []
    for entry in json.loads(output or "[]"):
        states = set(entry.get("state", []))
        if entry.get("lladdr") and entry.get("dst") and states & NEIGHBOUR_STATES:
            entries.append({"ip": entry["dst"], "mac": entry["lladdr"]})
    return entries


def read_neighbours(netns: str | None = None) -> list[dict[str, str]]:
    command = ["ip", "-j", "neigh", "show"]
    if netns:
        command = ["ip", "netns", "exec", netns, *command]
    result = subprocess.run(command, capture_output=True, text=True, timeout=5)
    return parse_ip_neigh_json(result.stdout) if result.returncode == 0 else []
