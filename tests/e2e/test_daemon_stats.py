"""The collectors against real daemons started from the files the renderers write: Kea in a namespace handing a
lease to a registered client, and BIND on loopback with its statistics channel answering DNS64 queries (and the
DNS64 probe)."""
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from gateways.agentconfig import StatsSettings
from gateways.intent import validate_intent
from gateways.render import render_intent
from gateways.probes import run_probes
from gateways.stats import gather
from tests.e2e.netns import in_namespace, ip, namespaces, veth
from tests.e2e.stack import Process, wait_until
from tests.ports import free_port

pytestmark = pytest.mark.e2e
CLIENT_MAC = "00:1b:63:e2:e2:42"


def intent(roles: dict) -> dict:
    return validate_intent({"schema": 1, "node": "stats-e2e", "description": "", "roles": roles})


def test_kea_pool_use_per_subnet():
    directory = Path(tempfile.mkdtemp(prefix="kea-stats-"))  # short: unix socket paths are limited to 107 bytes
    socket_path = directory / "kea4.sock"
    roles = intent({"dhcp": {"control_socket4": str(socket_path), "lease_directory": str(directory), "subnets4": [
        {"id": 40, "interface": "srv0", "prefix": "192.0.2.0/24", "pool": ["192.0.2.100", "192.0.2.149"],
         "reservations": [CLIENT_MAC]},
        {"id": 41, "interface": "srv0", "prefix": "198.51.100.0/24", "pool": ["198.51.100.10", "198.51.100.19"]},
    ]}})["roles"]
    config = directory / "kea-dhcp4.conf"
    config.write_text(render_intent({"schema": 1, "node": "stats-e2e", "roles": roles})[0].content)
    kea = None
    try:
        with namespaces("keastat", "keacli") as (server_ns, client_ns):
            veth(server_ns, "srv0", client_ns, "cl0")
            ip("-n", server_ns, "addr", "add", "192.0.2.1/24", "dev", "srv0")
            ip("-n", client_ns, "link", "set", "cl0", "address", CLIENT_MAC)
            ip("-n", client_ns, "addr", "add", "192.0.2.250/24", "dev", "cl0")
            kea = Process("kea", ["ip", "netns", "exec", server_ns, "env", f"KEA_PIDFILE_DIR={directory}",
                                  f"KEA_LOCKFILE_DIR={directory}", "kea-dhcp4", "-c", str(config)],
                          directory / "kea.log")
            kea.start(r"DHCP4_STARTED")
            settings = StatsSettings(run_in=("ip", "netns", "exec", server_ns))
            before = gather(settings, roles)
            assert before["errors"] == {}
            assert before["gauges"] == {"kea:subnet:192.0.2.0/24:assigned": 0, "kea:subnet:192.0.2.0/24:total": 50,
                                        "kea:subnet:198.51.100.0/24:assigned": 0,
                                        "kea:subnet:198.51.100.0/24:total": 10}

            done = in_namespace(client_ns, "perfdhcp", "-4", "-l", "cl0", "-b", f"mac={CLIENT_MAC}", "-R", "1",
                                "-r", "1", "-p", "2", "192.0.2.1")
            assert re.search(r"REQUEST-ACK\*+\s+sent packets: \d+\s+received packets: [1-9]", done.stdout), done.stdout
            after = wait_until(lambda: (g := gather(settings, roles)["gauges"])
                               and g["kea:subnet:192.0.2.0/24:assigned"] == 1 and g, 20, "Kea counts the lease")
            assert after["kea:subnet:198.51.100.0/24:assigned"] == 0
            assert after["kea:subnet:192.0.2.0/24:total"] == 50
            assert gather(settings, roles)["counters"]["if:srv0:in-bytes"] > 0  # the DHCP exchange crossed srv0
    finally:
        if kea is not None:
            kea.stop()
        shutil.rmtree(directory, ignore_errors=True)


def test_bind_statistics_channel_counts_dns64_queries(tmp_path: Path):
    port, statistics_port = free_port(), free_port()
    roles = intent({"dns64": {"implementation": "bind", "prefix": "64:ff9b::/96", "dnssec_validation": False,
                              "listen": ["127.0.0.1"], "port": port, "statistics_port": statistics_port}})["roles"]
    named_conf = render_intent({"schema": 1, "node": "stats-e2e", "roles": roles})[0].content
    # The rendered options name Debian's cache directory; this BIND keeps its files under the test's directory.
    named_conf = named_conf.replace('directory "/var/cache/bind";',
                                    f'directory "{tmp_path}"; pid-file "{tmp_path}/named.pid";')
    (tmp_path / "named.conf").write_text(named_conf)
    checked = subprocess.run(["named-checkconf", str(tmp_path / "named.conf")], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    named = Process("named", ["named", "-g", "-u", "root", "-c", str(tmp_path / "named.conf")], tmp_path / "named.log")
    try:
        named.start(r" running\n")  # not "running as: ...", its first line
        settings = StatsSettings()
        # BIND serves ipv4only.arpa itself (RFC 8880): answers without any upstream.
        for name, rdtype in (("ipv4only.arpa", "AAAA"), ("ipv4only.arpa", "A"), ("ipv4only.arpa", "AAAA")):
            answered = subprocess.run(["dig", "@127.0.0.1", "-p", str(port), "+tries=3", "+time=5", "+short", name,
                                       rdtype], capture_output=True, text=True, timeout=30)
            assert answered.stdout.strip(), f"{answered.stdout}{answered.stderr}\n{named.log()[-2000:]}"
        stats = gather(settings, roles)
        assert stats["errors"] == {}
        assert stats["counters"]["dns:queries"] == 3 and stats["counters"]["dns:aaaa-queries"] == 2
        assert stats["counters"]["dns:servfail"] == 0
        # The DNS64 probe against this real BIND: ipv4only.arpa under 64:ff9b::/96, as RFC 7050 expects.
        probes = run_probes(settings, roles)
        assert probes["errors"] == {} and probes["values"]["probe:dns64:correct"] == 1
        assert probes["values"]["probe:dns64:ms"] >= 0
    finally:
        named.stop()
