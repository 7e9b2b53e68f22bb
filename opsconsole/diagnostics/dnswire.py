"""Asking DNS servers one question at a time, and following a name's delegation down from the root servers.

Plain functions over dnspython, without Django: every query goes without recursion to the servers given, so a test
points the walk at its own servers on loopback and nothing reaches the Internet.
"""
from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field

import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.query
import dns.rcode
import dns.rdatatype

from gateways.intent import IntentError, dns_name

MAX_REFERRALS = 20


class DiagnosticError(ValueError):
    """Input a check cannot start from (a malformed name, no usable server); the message is for the operator."""


@dataclass(frozen=True)
class Reply:
    """What one server said to one question, or why it said nothing usable."""

    server: str
    problem: str = ""  # "timeout" | "unreachable" | "malformed": then the fields below are empty
    detail: str = ""
    rcode: str = ""
    authoritative: bool = False
    answer: tuple[tuple[str, str, str], ...] = ()  # (owner, type, data)
    authority: tuple[tuple[str, str, str], ...] = ()
    additional: tuple[tuple[str, str, str], ...] = ()

    def records(self, rdtype: str, section: str = "answer") -> list[str]:
        return [data for _, kind, data in getattr(self, section) if kind == rdtype]

    def as_dict(self) -> dict:
        return {"server": self.server, "problem": self.problem, "detail": self.detail, "rcode": self.rcode,
                "authoritative": self.authoritative, "answer": [list(r) for r in self.answer]}


@dataclass
class Delegation:
    """Where a name's zone is delegated: its servers as the parent lists them."""

    zone: str
    nameservers: list[str]
    addresses: dict[str, list[str]] = field(default_factory=dict)  # nameserver -> its addresses
    parent_server: str = ""

    def all_addresses(self) -> list[str]:
        return [a for ns in self.nameservers for a in self.addresses.get(ns, [])]


def parse_name(text: str) -> dns.name.Name:
    """An absolute DNS name from what a person typed (the intent's own name grammar), or DiagnosticError."""
    typed = text.strip()
    try:
        name = dns_name(typed, "name")
    except IntentError:
        raise DiagnosticError(f"“{typed}” is not a DNS name (letters, digits, - and _ in dot-separated labels).") from None
    if name == ".":
        raise DiagnosticError("The root is not a name to check: give a DNS name, e.g. www.example.com.")
    return dns.name.from_text(name)


def _rows(section) -> tuple[tuple[str, str, str], ...]:
    return tuple((rrset.name.to_text(), dns.rdatatype.to_text(rdata.rdtype), rdata.to_text())
                 for rrset in section for rdata in rrset)


def ask(server: str, name: dns.name.Name, rdtype: str, port: int, timeout: float, recursive: bool = False) -> Reply:
    """One question over UDP (TCP when the answer is truncated); recursive only for a resolver."""
    query = dns.message.make_query(name, rdtype)
    if not recursive:
        query.flags &= ~dns.flags.RD
    try:
        message, _ = dns.query.udp_with_fallback(query, server, timeout=timeout, port=port)
    except dns.exception.Timeout:
        return Reply(server, problem="timeout", detail=f"no answer within {timeout:g} s")
    except OSError as error:
        return Reply(server, problem="unreachable", detail=error.strerror or str(error))
    except (dns.exception.DNSException, ValueError) as error:  # FormError, a wrong question, ...
        return Reply(server, problem="malformed", detail=str(error) or type(error).__name__)
    return Reply(server, rcode=dns.rcode.to_text(message.rcode()), authoritative=bool(message.flags & dns.flags.AA),
                 answer=_rows(message.answer), authority=_rows(message.authority),
                 additional=_rows(message.additional))


def _addresses_of(nameserver: str, reply: Reply, roots: list[str], port: int, timeout: float, depth: int) -> list[str]:
    glue = [data for owner, kind, data in reply.additional if owner == nameserver and kind in ("A", "AAAA")]
    if glue or depth > 2:
        return glue
    # Out-of-zone nameserver without glue: find its own addresses the same way, from the root.
    found: list[str] = []
    for rdtype in ("A", "AAAA"):
        try:
            found += address_records(dns.name.from_text(nameserver), rdtype, roots, port, timeout, depth + 1)
        except DiagnosticError:
            pass
    return found


def delegation(name: dns.name.Name, roots: list[str], port: int, timeout: float, depth: int = 0) -> Delegation:
    """Follow referrals from the root servers to the servers authoritative for NAME's zone."""
    if not roots:
        raise DiagnosticError("No root servers are configured (DIAGNOSTICS_ROOT_SERVERS).")
    current = Delegation(zone=".", nameservers=["(root)"], addresses={"(root)": list(roots)})
    for _ in range(MAX_REFERRALS):
        replies = [ask(server, name, "NS", port, timeout) for server in current.all_addresses()[:4]]
        usable = [r for r in replies if not r.problem and r.rcode in ("NOERROR", "NXDOMAIN")]
        if not usable:
            said = "; ".join(f"{r.server}: {r.problem or r.rcode} {r.detail}".strip() for r in replies)
            raise DiagnosticError(f"No server for {current.zone} answered: {said}")
        reply = usable[0]
        referral = [(owner, data) for owner, kind, data in reply.authority if kind == "NS"]
        if reply.authoritative or not referral:
            return current
        zone = referral[0][0]
        if not name.is_subdomain(dns.name.from_text(zone)) or len(dns.name.from_text(zone)) <= len(
                dns.name.from_text(current.zone)):
            raise DiagnosticError(f"{reply.server} refers {name} to {zone}, which does not lead down to it.")
        nameservers = sorted({data for owner, data in referral if owner == zone})
        current = Delegation(zone=zone, nameservers=nameservers, parent_server=reply.server, addresses={
            ns: _addresses_of(ns, reply, roots, port, timeout, depth) for ns in nameservers})
        if not current.all_addresses():
            raise DiagnosticError(f"No address found for any nameserver of {zone} ({', '.join(nameservers)}).")
        if dns.name.from_text(zone) == name:
            return current  # nothing is delegated below a zone's own apex
    raise DiagnosticError(f"More than {MAX_REFERRALS} referrals for {name}.")


def address_records(name: dns.name.Name, rdtype: str, roots: list[str], port: int, timeout: float,
                    depth: int = 0) -> list[str]:
    """NAME's A or AAAA records, asked of its own authoritative servers."""
    zone = delegation(name, roots, port, timeout, depth)
    for server in zone.all_addresses():
        reply = ask(server, name, rdtype, port, timeout)
        if not reply.problem and reply.rcode == "NOERROR":
            return [data for owner, kind, data in reply.answer if kind == rdtype]
    return []


def valid_address(text: str) -> str:
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        raise DiagnosticError(f"“{text}” is not an IP address.") from None
