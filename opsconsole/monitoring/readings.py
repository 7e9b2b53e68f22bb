"""What one SNMP poll read, and the samples it yields: pure functions, no Django and no network.

The poller (poller.py) fills a `Reading` from GETBULK answers; `samples` turns two successive readings of a device
into (series, value) pairs: interface rates from the 64-bit IF-MIB counters, operational state, link speed, and the
vendor tables that a YAML profile (vendors/*.yaml) names.
"""
import re
from dataclasses import dataclass, field

import yaml

SYS_UPTIME = "1.3.6.1.2.1.1.3.0"
# IF-MIB columns walked on every device: ifXTable's 64-bit counters and speed, and ifTable's operational status.
INTERFACE_COLUMNS = {
    "name": "1.3.6.1.2.1.31.1.1.1.1",  # ifName
    "in_octets": "1.3.6.1.2.1.31.1.1.1.6",  # ifHCInOctets
    "out_octets": "1.3.6.1.2.1.31.1.1.1.10",  # ifHCOutOctets
    "speed_mbps": "1.3.6.1.2.1.31.1.1.1.15",  # ifHighSpeed
    "oper_status": "1.3.6.1.2.1.2.2.1.8",  # ifOperStatus: 1 up, 2 down, ...
}
OPER_UP = 1
OID_PATTERN = re.compile(r"^\d+(\.\d+)+$")
# A counter that went down by more than a link could carry in the interval was reset (a device restart, a cleared
# counter, a line card swapped), not wrapped; this much above the nominal speed is still measurement jitter.
SPEED_SLACK = 1.1


@dataclass(frozen=True)
class Interface:
    name: str
    in_octets: int | None
    out_octets: int | None
    speed_mbps: int | None
    up: bool


@dataclass(frozen=True)
class Reading:
    """One successful poll of one device; `taken_at` is a monotonic clock in seconds."""
    taken_at: float
    uptime_ticks: int
    interfaces: dict[str, Interface]
    tables: dict[str, dict[str, int]] = field(default_factory=dict)


@dataclass(frozen=True)
class VendorTable:
    series: str
    oid: str


class ProfileError(ValueError):
    pass


def load_vendor_tables(text: str) -> list[VendorTable]:
    """The tables of one vendor profile (YAML: `tables: [{series: NAME, oid: DOTTED}, ...]`); refuses a bad one."""
    data = yaml.safe_load(text) or {}
    tables = data.get("tables")
    if not isinstance(tables, list) or not tables:
        raise ProfileError("a vendor profile needs a non-empty list 'tables'")
    result = []
    for entry in tables:
        if not isinstance(entry, dict) or set(entry) != {"series", "oid"}:
            raise ProfileError(f"each table has exactly 'series' and 'oid': {entry!r}")
        oid = str(entry["oid"]).lstrip(".")
        if not OID_PATTERN.match(oid):
            raise ProfileError(f"not a numeric OID: {entry['oid']!r}")
        if not re.fullmatch(r"[a-z0-9-]+", str(entry["series"])):
            raise ProfileError(f"a series name is lower-case letters, digits and dashes: {entry['series']!r}")
        result.append(VendorTable(series=entry["series"], oid=oid))
    return result


def split_columns(varbinds, columns: dict[str, str]) -> dict[str, dict[str, object]]:
    """Group walked (oid, value) pairs into rows: {row index: {column name: value}}.

    The row index is the OID's suffix after its column, so it stays a string ("1", or "0.17.34.5.6.7.1" for a table
    indexed by a MAC address and a slot).
    """
    rows: dict[str, dict[str, object]] = {}
    prefixes = [(name, oid + ".") for name, oid in columns.items()]
    for oid, value in varbinds:
        oid = oid.lstrip(".")
        for name, prefix in prefixes:
            if oid.startswith(prefix):
                rows.setdefault(oid[len(prefix):], {})[name] = value
                break
    return rows


def interfaces_from_rows(rows: dict[str, dict[str, object]]) -> dict[str, Interface]:
    def number(row, name):
        return int(row[name]) if name in row else None

    return {
        index: Interface(
            name=str(row.get("name") or f"if{index}"),
            in_octets=number(row, "in_octets"),
            out_octets=number(row, "out_octets"),
            speed_mbps=number(row, "speed_mbps"),
            up=number(row, "oper_status") == OPER_UP,
        )
        for index, row in rows.items()
    }


def restarted(previous_ticks: int, current_ticks: int) -> bool:
    """sysUpTime went back: the agent restarted, so its counters started again from zero."""
    return current_ticks < previous_ticks


def octet_rate_bps(previous: int | None, current: int | None, seconds: float, speed_mbps: int | None,
                   bits: int = 64) -> float | None:
    """Bits per second between two readings of an octet counter, or None when no honest rate exists.

    A counter that went down wrapped past 2**bits when the wrapped delta fits the link; otherwise it was reset
    and the interval says nothing. A 64-bit counter needs years at 100 Gb/s to wrap, so in practice its decrease
    is a reset; 32-bit counters (bits=32) wrap in 34 s at 1 Gb/s.
    """
    if previous is None or current is None or seconds <= 0:
        return None
    delta = current - previous if current >= previous else current + 2 ** bits - previous
    rate = delta * 8 / seconds
    if speed_mbps and rate > speed_mbps * 1_000_000 * SPEED_SLACK:
        return None
    if current < previous and not speed_mbps:
        return None  # without a nominal speed a wrap cannot be told from a reset
    return rate


def samples(previous: Reading | None, current: Reading) -> list[tuple[str, float]]:
    """The (series, value) pairs of one poll. Rates need the previous reading of an agent that did not restart."""
    values: list[tuple[str, float]] = [("uptime-s", current.uptime_ticks / 100)]
    comparable = previous is not None and not restarted(previous.uptime_ticks, current.uptime_ticks)
    seconds = current.taken_at - previous.taken_at if previous else 0.0
    for index, interface in sorted(current.interfaces.items()):
        values.append((f"if:{interface.name}:up", 1.0 if interface.up else 0.0))
        if interface.speed_mbps is not None:
            values.append((f"if:{interface.name}:speed-mbps", float(interface.speed_mbps)))
        before = previous.interfaces.get(index) if comparable else None
        if before is None:
            continue
        for direction, now_octets, then_octets in (("in", interface.in_octets, before.in_octets),
                                                   ("out", interface.out_octets, before.out_octets)):
            rate = octet_rate_bps(then_octets, now_octets, seconds, interface.speed_mbps)
            if rate is not None:
                values.append((f"if:{interface.name}:{direction}-bps", rate))
    for series, rows in sorted(current.tables.items()):
        values.extend((f"{series}:{index}", float(value)) for index, value in sorted(rows.items()))
    return values
