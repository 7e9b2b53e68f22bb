"""Walk the test snmpd's interface table with the console's poller code and with net-snmp's snmpbulkwalk.

    .venv/bin/python bench/snmp.py [--walks 200]

Starts the tests' snmpd (tests/snmpd.py) on a loopback port in a temporary directory, then walks IF-MIB's ifXTable
(.1.3.6.1.2.1.31.1.1) --walks times one after the other: first with the poller's GETBULK walker
(opsconsole.monitoring.poller.walk_columns, one asyncio engine, 25 repetitions), then with
`snmpbulkwalk -v2c -Cr25` (one process per walk, as a shell script or a cron job would run it). Both must return the
same number of values. It also times the poller's whole device poll (sysUpTime and the five columns it reads) for
context. The last line gives both walk rates and their ratio (poller / snmpbulkwalk).
"""
import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPOSITORY))

from pysnmp.hlapi.v3arch.asyncio import UdpTransportTarget  # noqa: E402

from opsconsole.monitoring.poller import Engines, Target, read_device, v2c, walk_columns  # noqa: E402
from tests.snmpd import COMMUNITY, running_snmpd  # noqa: E402

IF_X_TABLE = "1.3.6.1.2.1.31.1.1"


async def poller_walks(port: int, walks: int) -> tuple[float, int, float]:
    """Seconds for WALKS table walks, values per walk, and seconds for WALKS whole device polls."""
    engines = Engines()
    auth = v2c(COMMUNITY)
    try:
        transport = await UdpTransportTarget.create(("127.0.0.1", port), timeout=2, retries=0)
        started = time.perf_counter()
        for _ in range(walks):
            values = await walk_columns(engines(auth), auth, transport, [IF_X_TABLE])
        walked = time.perf_counter() - started
        target = Target(1, "127.0.0.1", port, auth)
        started = time.perf_counter()
        for _ in range(walks):
            await read_device(engines(auth), target, timeout=2)
        return walked, len(values), time.perf_counter() - started
    finally:
        engines.close()


def snmpbulkwalks(port: int, walks: int) -> tuple[float, int]:
    command = ["snmpbulkwalk", "-v2c", "-c", COMMUNITY, "-Cr25", "-On", "-t", "2", "-r", "0",
               f"127.0.0.1:{port}", IF_X_TABLE]
    env = dict(os.environ, MIBS="", MIBDIRS="/nonexistent")
    started = time.perf_counter()
    for _ in range(walks):
        output = subprocess.run(command, capture_output=True, text=True, check=True, env=env).stdout
    return time.perf_counter() - started, len(output.splitlines())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--walks", type=int, default=200)
    walks = parser.parse_args().walks
    with tempfile.TemporaryDirectory(prefix="snmpbench-") as directory, running_snmpd(Path(directory)) as snmpd:
        poller_seconds, poller_values, poll_seconds = asyncio.run(poller_walks(snmpd.port, walks))
        net_snmp_seconds, net_snmp_values = snmpbulkwalks(snmpd.port, walks)
    if poller_values != net_snmp_values:
        sys.exit(f"the walks disagree: poller {poller_values} values, snmpbulkwalk {net_snmp_values}")
    poller_rate, net_snmp_rate = walks / poller_seconds, walks / net_snmp_seconds
    print(f"ifXTable: {poller_values} values per walk; whole device polls (sysUpTime + 5 columns): "
          f"{walks / poll_seconds:.0f}/s")
    print(f"{walks} walks: poller {poller_rate:.0f} walks/s, snmpbulkwalk {net_snmp_rate:.0f} walks/s, "
          f"ratio {poller_rate / net_snmp_rate:.2f}")


if __name__ == "__main__":
    main()
