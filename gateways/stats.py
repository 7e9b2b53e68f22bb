"""The daemons' own statistics, gathered with each heartbeat: pure parsers of their real output, and collectors.

Every collector returns a `Reading`: gauges (a value now) and counters (totals since the daemon started, which the
console turns into rates). Keys follow the node series of the monitoring contract (`kea:subnet:<cidr>:total`,
`nft:<counter>:bytes`, `if:<name>:in-bytes` ...). A collector that fails costs its own keys only.
"""

from __future__ import annotations

import csv
import ipaddress
import json
import shlex
import socket
import subprocess
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gateways.agentconfig import StatsSettings


@dataclass
class Reading:
    gauges: dict[str, float] = field(default_factory=dict)
    counters: dict[str, float] = field(default_factory=dict)


GRACE_SECONDS = 2


class CollectorError(RuntimeError):
    """A daemon that did not answer or answered something unexpected; the message says which and why."""


# --- parsers: text or JSON as the daemons print it, in; keys and numbers out ---


def kea_subnets(answer: dict, subnets: dict[int, str]) -> Reading:
    """Kea's `statistic-get-all` answer: addresses assigned and in the pools of each subnet the intent names."""
    if answer.get("result") != 0:
        raise CollectorError(f"Kea answered result {answer.get('result')}: {answer.get('text', '')}")
    statistics = answer.get("arguments", {})
    reading = Reading()
    for subnet_id, cidr in subnets.items():
        for kea_name, ours in (("assigned-addresses", "assigned"), ("total-addresses", "total")):
            samples = statistics.get(f"subnet[{subnet_id}].{kea_name}")
            if samples:  # newest first: [[value, "timestamp"], ...]
                reading.gauges[f"kea:subnet:{cidr}:{ours}"] = float(samples[0][0])
    return reading


def tayga_pool_use(dynamic_map: str, pool: str) -> Reading:
    """TAYGA's dynamic.map (one `IPv4 IPv6 last-use` line per dynamic mapping) against its dynamic pool's size.

    TAYGA hands out every address of the pool but the network and broadcast ones."""
    network = ipaddress.IPv4Network(pool)
    used = sum(1 for line in dynamic_map.splitlines() if line.split()[:1] and _is_ipv4(line.split()[0], network))
    size = max(network.num_addresses - 2, 1)
    return Reading(gauges={f"nat64:pool:{pool}:used": float(used), f"nat64:pool:{pool}:size": float(size)})


def _is_ipv4(text: str, network: ipaddress.IPv4Network) -> bool:
    try:
        return ipaddress.IPv4Address(text) in network
    except ValueError:
        return False


def nft_counters(listing: str) -> Reading:
    """`nft -j list counters`: bytes and packets of every named counter."""
    reading = Reading()
    for entry in json.loads(listing).get("nftables", []):
        counter = entry.get("counter")
        if counter:
            for unit in ("bytes", "packets"):
                reading.counters[f"nft:{counter['name']}:{unit}"] = float(counter[unit])
    return reading


def jool_sessions(listings: list[str]) -> Reading:
    """`jool session display --numeric --csv --no-headers`, once per protocol: one line per session."""
    count = sum(1 for listing in listings for line in listing.splitlines() if line.strip())
    return Reading(gauges={"nat64:sessions": float(count)})


def jool_stats(listing: str) -> Reading:
    """`jool stats display --csv --no-headers`: `JSTAT_NAME,value` lines; the BIB's size is a gauge."""
    values = {row[0]: float(row[1]) for row in csv.reader(listing.splitlines()) if len(row) >= 2 and _number(row[1])}
    return Reading(gauges={"nat64:bib-entries": values["JSTAT_BIB_ENTRIES"]} if "JSTAT_BIB_ENTRIES" in values else {})


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def unbound_stats(listing: str) -> Reading:
    """`unbound-control stats_noreset`: the resolver's health, DNS64 included (Unbound has no DNS64 counter)."""
    values = {}
    for line in listing.splitlines():
        name, _, value = line.partition("=")
        if _number(value):
            values[name.strip()] = float(value)
    if "total.num.queries" not in values:
        raise CollectorError("unbound-control printed no total.num.queries")
    replies = values.get("total.num.recursivereplies", 0.0)
    counters = {
        "dns:queries": values["total.num.queries"],
        "dns:requestlist-exceeded": values.get("total.requestlist.exceeded", 0.0),
        # The average is over the daemon's life: its total lets the console average each interval on its own.
        "dns:recursion-seconds": values.get("total.recursion.time.avg", 0.0) * replies,
        "dns:recursive-replies": replies,
    }
    # Answers by rcode and queries by type come with extended-statistics only, which lists every rcode but only
    # the query types seen.
    if "num.answer.rcode.SERVFAIL" in values:
        counters |= {
            "dns:aaaa-queries": values.get("num.query.type.AAAA", 0.0),
            "dns:nodata": values.get("num.answer.rcode.nodata", 0.0),
            "dns:servfail": values["num.answer.rcode.SERVFAIL"],
        }
    return Reading(counters=counters)


def bind_stats(document: dict) -> Reading:
    """BIND's statistics channel (/json/v1/server): queries, AAAA queries, NODATA and SERVFAIL answers."""
    nsstats, qtypes = document.get("nsstats", {}), document.get("qtypes", {})
    if "opcodes" not in document:
        raise CollectorError("BIND's statistics have no opcodes")
    counters = {
        "dns:queries": float(document["opcodes"].get("QUERY", 0)),
        "dns:aaaa-queries": float(qtypes.get("AAAA", 0)),
        "dns:nodata": float(nsstats.get("QryNxrrset", 0)),
        "dns:servfail": float(nsstats.get("QrySERVFAIL", 0)),
    }
    return Reading(counters=counters)


def interface_counters(links: list[dict]) -> Reading:
    """`ip -s -j link`: bytes in and out of every interface but loopback."""
    reading = Reading()
    for link in links:
        stats = link.get("stats64")
        if "LOOPBACK" in link.get("flags", ()) or not stats:
            continue
        reading.counters[f"if:{link['ifname']}:in-bytes"] = float(stats["rx"]["bytes"])
        reading.counters[f"if:{link['ifname']}:out-bytes"] = float(stats["tx"]["bytes"])
    return reading


# --- collectors: ask the daemons, bounded in time ---


def run(settings: StatsSettings, command: list[str], inside: bool = True) -> str:
    """A command's output; with `inside`, run where the daemons' network is (settings.run_in)."""
    argv = [*settings.run_in, *command] if inside else command
    # Commands given settings.timeout as their own limit (curl, dig) say what they were waiting for, if let.
    limit = settings.timeout + GRACE_SECONDS
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=limit, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise CollectorError(f"{command[0]} did not answer within {limit:g} s") from None
    except FileNotFoundError:
        raise CollectorError(f"{command[0]} is not installed") from None
    if done.returncode != 0:
        raise CollectorError(f"{shlex.join(command)}: exit {done.returncode}: {(done.stderr or done.stdout).strip()[:300]}")
    return done.stdout


def kea_command(socket_path: str, command: str, timeout: float) -> dict:
    """One command over Kea's control socket; Kea answers and closes the connection."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
        connection.settimeout(timeout)
        try:
            connection.connect(socket_path)
            connection.sendall(json.dumps({"command": command}).encode())
            chunks = []
            while chunk := connection.recv(65536):
                chunks.append(chunk)
        except OSError as error:
            raise CollectorError(f"Kea control socket {socket_path}: {error}") from None
    return json.loads(b"".join(chunks))


def _kea(settings: StatsSettings, roles: dict) -> Reading:
    dhcp = roles["dhcp"]
    subnets = {subnet["id"]: subnet["prefix"] for subnet in dhcp["subnets4"]}
    return kea_subnets(kea_command(dhcp["control_socket4"], "statistic-get-all", settings.timeout), subnets)


def _tayga(settings: StatsSettings, roles: dict) -> Reading:
    tayga = roles["nat64"]["tayga"]
    path = settings.tayga_dynamic_map or Path(tayga["data_dir"]) / "dynamic.map"
    try:
        text = path.read_text()
    except FileNotFoundError:
        text = ""  # TAYGA writes it with its first dynamic mapping
    return tayga_pool_use(text, tayga["dynamic_pool"])


def _jool(settings: StatsSettings, roles: dict) -> Reading:
    nat64 = roles["nat64"]
    tool = "jool_siit" if nat64["mode"] == "siit" else "jool"
    reading = jool_stats(run(settings, [tool, "-i", nat64["instance"], "stats", "display", "--csv", "--no-headers"]))
    if tool == "jool":  # SIIT keeps no sessions
        # --numeric always: resolving names, Jool hangs when the resolvers fail.
        sessions = [run(settings, [tool, "-i", nat64["instance"], "session", "display", "--numeric", "--csv",
                                   "--no-headers", protocol]) for protocol in ("--tcp", "--udp", "--icmp")]
        reading.gauges.update(jool_sessions(sessions).gauges)
    return reading


def _nft(settings: StatsSettings, roles: dict) -> Reading:
    return nft_counters(run(settings, ["nft", "-j", "list", "counters"]))


def _unbound(settings: StatsSettings, roles: dict) -> Reading:
    return unbound_stats(run(settings, [*settings.unbound_control, "stats_noreset"], inside=False))


def _bind(settings: StatsSettings, roles: dict) -> Reading:
    url = f"http://127.0.0.1:{roles['dns64']['statistics_port']}/json/v1/server"
    body = run(settings, ["curl", "-sSf", "--max-time", f"{settings.timeout:g}", url])
    return bind_stats(json.loads(body))


def _interfaces(settings: StatsSettings, roles: dict) -> Reading:
    return interface_counters(json.loads(run(settings, ["ip", "-s", "-j", "link"])))


Collector = Callable[[StatsSettings, dict], Reading]


def collectors_for(roles: dict) -> dict[str, Collector]:
    """The collectors that the node's roles call for; interface counters always."""
    chosen: dict[str, Collector] = {"interfaces": _interfaces}
    if roles.get("dhcp", {}).get("subnets4"):
        chosen["kea"] = _kea
    nat64 = roles.get("nat64")
    if nat64 and nat64["implementation"] == "jool":
        chosen["jool"] = _jool
    elif nat64 and nat64["tayga"]["dynamic_pool"]:
        chosen["tayga"] = _tayga
    if any(role in roles for role in ("sa46t", "map", "dslite")) or (nat64 and nat64["pool4"]):
        chosen["nftables"] = _nft
    dns64 = roles.get("dns64")
    if dns64:
        chosen["unbound" if dns64["implementation"] == "unbound" else "bind"] = (
            _unbound if dns64["implementation"] == "unbound" else _bind)
    return chosen


def run_bounded(jobs: dict[str, Callable[[], Any]], deadline: float) -> tuple[dict[str, Any], dict[str, str]]:
    """Run the jobs at once; (results, errors by job), a job still running after `deadline` seconds an error."""
    results: dict[str, Any] = {}
    errors: dict[str, str] = {}
    pool = ThreadPoolExecutor(max_workers=max(len(jobs), 1), thread_name_prefix="stats")
    futures = {name: pool.submit(job) for name, job in jobs.items()}
    wait(futures.values(), timeout=deadline)
    for name, future in futures.items():
        if not future.done():
            errors[name] = f"no result within {deadline:g} s"
        elif future.exception() is not None:
            error = future.exception()
            errors[name] = str(error) if isinstance(error, CollectorError) else f"{error.__class__.__name__}: {error}"
        else:
            results[name] = future.result()
    pool.shutdown(wait=False, cancel_futures=True)
    return results, errors


def gather(settings: StatsSettings, roles: dict) -> dict[str, Any]:
    """The heartbeat's `stats`: {"gauges": {...}, "counters": {...}, "errors": {collector: why}}."""
    jobs = {name: (lambda c=collector: c(settings, roles)) for name, collector in collectors_for(roles).items()}
    results, errors = run_bounded(jobs, settings.deadline)
    gauges: dict[str, float] = {}
    counters: dict[str, float] = {}
    for reading in results.values():
        gauges.update(reading.gauges)
        counters.update(reading.counters)
    return {"gauges": gauges, "counters": counters, "errors": errors}
