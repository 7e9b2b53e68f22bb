"""Lame delegation: every nameserver the parent lists for a zone must answer for the zone with authority."""
from __future__ import annotations

from dataclasses import dataclass, field

import dns.name

from .dnswire import Reply, ask, delegation


@dataclass(frozen=True)
class NameserverCheck:
    nameserver: str
    address: str
    lame: bool
    why: str


@dataclass
class DelegationReport:
    domain: str
    zone: str  # the zone the domain lives in: the domain itself when it is delegated
    parent_server: str
    verdict: str  # "delegated-well" | "lame" | "not-delegated"
    checks: list[NameserverCheck] = field(default_factory=list)

    @property
    def lame(self) -> list[NameserverCheck]:
        return [check for check in self.checks if check.lame]


def judge(nameserver: str, reply: Reply, zone: dns.name.Name) -> NameserverCheck:
    """Lame unless the server answers the zone's SOA with the AA bit set."""
    def result(lame: bool, why: str) -> NameserverCheck:
        return NameserverCheck(nameserver, reply.server, lame, why)

    if reply.problem:
        return result(True, f"{reply.problem}: {reply.detail}")
    if reply.rcode != "NOERROR":
        return result(True, f"answers {reply.rcode}: it does not serve the zone")
    if not reply.authoritative:
        return result(True, "answers without authority (no AA bit): it does not serve the zone")
    if not any(owner == zone.to_text() for owner, kind, _ in reply.answer if kind == "SOA"):
        return result(True, "answers with authority but without the zone's SOA")
    return result(False, "answers with authority")


def check_delegation(name: dns.name.Name, roots: list[str], port: int, timeout: float) -> DelegationReport:
    """Ask every nameserver the parent lists for NAME; raises DiagnosticError when the parent cannot be reached."""
    found = delegation(name, roots, port, timeout)
    domain = name.to_text()
    if found.zone != domain:
        return DelegationReport(domain, found.zone, found.parent_server, "not-delegated")
    checks = []
    for nameserver in found.nameservers:
        addresses = found.addresses.get(nameserver, [])
        if not addresses:
            checks.append(NameserverCheck(nameserver, "", True, "has no address the check could find"))
        checks += [judge(nameserver, ask(address, name, "SOA", port, timeout), name) for address in addresses]
    verdict = "lame" if any(check.lame for check in checks) else "delegated-well"
    return DelegationReport(domain, found.zone, found.parent_server, verdict, checks)
