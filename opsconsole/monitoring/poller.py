"""The SNMP poller: one asyncio process polls every device concurrently, each within its own time budget.

Why one long-lived asyncio poller rather than one Celery task per device: a poll is almost all waiting on UDP.
One event loop keeps hundreds of polls in flight at once with one SNMP engine per credential set (its localized USM
keys and the devices' engine ids kept across cycles), and it keeps the previous reading of every device in memory,
which is what a rate needs. A Celery task per device and cycle would pay a broker round trip, a worker slot and a
fresh SNMP engine for a few milliseconds of work, tie up the two worker processes that pushes need, and still need
somewhere to keep the previous counters; a dead device would hold a worker for its whole timeout.

This module knows pysnmp but not Django: the management command `snmp_poller` gives it targets and stores what it
returns.
"""
import asyncio
import time
from dataclasses import dataclass

from pysnmp.hlapi.v3arch.asyncio import (
    CommunityData, ContextData, ObjectIdentity, ObjectType, SnmpEngine, UdpTransportTarget, UsmUserData,
    bulk_cmd, get_cmd, usmAesCfb128Protocol, usmHMAC192SHA256AuthProtocol, usmHMACSHAAuthProtocol,
    usmNoAuthProtocol, usmNoPrivProtocol,
)
from pysnmp.proto.rfc1905 import EndOfMibView, NoSuchInstance, NoSuchObject

from .readings import INTERFACE_COLUMNS, SYS_UPTIME, Reading, VendorTable, interfaces_from_rows, split_columns

MAX_REPETITIONS = 25
AUTH_PROTOCOLS = {"": usmNoAuthProtocol, "sha": usmHMACSHAAuthProtocol, "sha256": usmHMAC192SHA256AuthProtocol}
PRIV_PROTOCOLS = {"": usmNoPrivProtocol, "aes": usmAesCfb128Protocol}


class SnmpError(Exception):
    pass


@dataclass(frozen=True)
class Target:
    device_id: int
    address: str
    port: int
    auth: CommunityData | UsmUserData
    tables: tuple[VendorTable, ...] = ()


@dataclass(frozen=True)
class Outcome:
    device_id: int
    reading: Reading | None
    error: str = ""
    seconds: float = 0.0


def v2c(community: str) -> CommunityData:
    return CommunityData(community, mpModel=1)


def v3(user: str, auth_protocol: str, auth_key: str, priv_protocol: str, priv_key: str) -> UsmUserData:
    return UsmUserData(user, auth_key or None, priv_key or None, authProtocol=AUTH_PROTOCOLS[auth_protocol],
                       privProtocol=PRIV_PROTOCOLS[priv_protocol])


class Engines:
    """SNMP engines by SNMPv3 credentials: every v2c device and every v3 device with the same user and keys share one.

    A pysnmp engine holds one key set per v3 user name and re-keys it whenever a request names other keys, so two
    devices with the same user name and different keys, polled at once, would use each other's keys.
    """

    def __init__(self):
        self._engines: dict[tuple, SnmpEngine] = {}

    def __call__(self, auth: CommunityData | UsmUserData) -> SnmpEngine:
        key = () if isinstance(auth, CommunityData) else (
            auth.userName, auth.authentication_protocol, auth.authentication_key, auth.privacy_protocol,
            auth.privacy_key)
        if key not in self._engines:
            self._engines[key] = SnmpEngine()
        return self._engines[key]

    def close(self) -> None:
        for engine in self._engines.values():
            engine.close_dispatcher()
        self._engines.clear()


def _checked(answer) -> tuple:
    error_indication, error_status, error_index, var_binds = answer
    if error_indication:
        raise SnmpError(str(error_indication))
    if error_status:
        raise SnmpError(error_status.prettyPrint())
    return var_binds


async def walk_columns(engine: SnmpEngine, auth, transport, columns: list[str]) -> list[tuple[str, object]]:
    """Walk several table columns side by side: every GETBULK asks for the next rows of each unfinished column.

    An answer is row-major (repetition by repetition, one value per requested column), so the position of a value
    says which column it continues; a column ends at the first value outside it.
    """
    found: list[tuple[str, object]] = []
    cursors = {column: column for column in columns}
    while cursors:
        asked = list(cursors)
        var_binds = _checked(await bulk_cmd(engine, auth, transport, ContextData(), 0, MAX_REPETITIONS,
                                            *(ObjectType(ObjectIdentity(cursors[c])) for c in asked), lookupMib=False))
        ended: set[str] = set()
        advanced: set[str] = set()
        for position, (name, value) in enumerate(var_binds):
            column = asked[position % len(asked)]
            oid = str(name)
            if column in ended:
                continue
            if isinstance(value, (EndOfMibView, NoSuchObject, NoSuchInstance)) or not oid.startswith(column + "."):
                ended.add(column)
                continue
            found.append((oid, value))
            cursors[column] = oid
            advanced.add(column)
        cursors = {c: cursors[c] for c in asked if c not in ended and c in advanced}
    return found


def whole_number(value) -> int | None:
    """An integer of any SNMP type, or one that a vendor (or net-snmp's `extend`) reports as text; else None."""
    try:
        return int(str(value))
    except ValueError:
        return None


async def read_device(engine: SnmpEngine, target: Target, timeout: float) -> Reading:
    transport = await UdpTransportTarget.create((target.address, target.port), timeout=timeout, retries=0)
    ((_, uptime),) = _checked(await get_cmd(engine, target.auth, transport, ContextData(),
                                            ObjectType(ObjectIdentity(SYS_UPTIME)), lookupMib=False))
    if isinstance(uptime, (NoSuchObject, NoSuchInstance)):
        raise SnmpError("no sysUpTime")
    taken_at = time.monotonic()
    columns = dict(INTERFACE_COLUMNS)
    columns.update({table.series: table.oid for table in target.tables})
    rows = split_columns(await walk_columns(engine, target.auth, transport, list(columns.values())), columns)
    interface_rows = {index: row for index, row in rows.items() if row.keys() & INTERFACE_COLUMNS.keys()}
    tables = {table.series: {index: number for index, row in rows.items()
                             if (number := whole_number(row.get(table.series))) is not None}
              for table in target.tables}
    return Reading(taken_at=taken_at, uptime_ticks=int(uptime), interfaces=interfaces_from_rows(interface_rows),
                   tables=tables)


async def poll(engines: Engines, target: Target, budget: float, slots: asyncio.Semaphore) -> Outcome:
    """Poll one device; whatever goes wrong (no answer, a refusal, the budget spent) becomes the outcome's error."""
    async with slots:
        started = time.monotonic()
        try:
            # Each request may wait half the budget: a device that answers slowly still fits a walk of two rounds.
            reading = await asyncio.wait_for(read_device(engines(target.auth), target, timeout=budget / 2), budget)
        except TimeoutError:
            return Outcome(target.device_id, None, f"no complete answer within {budget:g} s",
                           time.monotonic() - started)
        except Exception as exc:  # noqa: BLE001 (one device's fault must never end the others' polls)
            return Outcome(target.device_id, None, str(exc)[:200] or type(exc).__name__, time.monotonic() - started)
        return Outcome(target.device_id, reading, "", time.monotonic() - started)


async def poll_all(engines: Engines, targets: list[Target], budget: float, concurrency: int) -> list[Outcome]:
    """One task per device, at most `concurrency` in flight; the slowest device costs at most `budget`."""
    slots = asyncio.Semaphore(concurrency)
    return list(await asyncio.gather(*(poll(engines, target, budget, slots) for target in targets)))
