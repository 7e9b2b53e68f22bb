"""The neighbour table an agent reports, read from a real `ip neigh` in a throwaway namespace."""
import subprocess
import uuid

from gateways.neighbours import parse_ip_neigh_json, read_neighbours


def test_failed_and_incomplete_entries_are_left_out():
    output = ('[{"dst":"192.0.2.9","dev":"v0","lladdr":"02:00:00:00:00:09","state":["REACHABLE"]},'
              '{"dst":"192.0.2.10","dev":"v0","state":["FAILED"]},'
              '{"dst":"2001:db8::5","dev":"v0","lladdr":"02:00:00:00:00:05","state":["STALE"]}]')
    assert parse_ip_neigh_json(output) == [
        {"ip": "192.0.2.9", "mac": "02:00:00:00:00:09"}, {"ip": "2001:db8::5", "mac": "02:00:00:00:00:05"}]


def test_a_real_neighbour_table_is_read():
    netns = f"neigh-{uuid.uuid4().hex[:8]}"
    run = lambda *args: subprocess.run(["ip", "netns", "exec", netns, *args], check=True)  # noqa: E731
    subprocess.run(["ip", "netns", "add", netns], check=True)
    try:
        run("ip", "link", "add", "v0", "type", "veth", "peer", "name", "v1")
        run("ip", "link", "set", "v0", "up")
        run("ip", "addr", "add", "192.0.2.1/24", "dev", "v0")
        run("ip", "neigh", "add", "192.0.2.9", "lladdr", "02:00:00:00:00:09", "dev", "v0", "nud", "permanent")
        assert {"ip": "192.0.2.9", "mac": "02:00:00:00:00:09"} in read_neighbours(netns)
    finally:
        subprocess.run(["ip", "netns", "delete", netns], check=False)
