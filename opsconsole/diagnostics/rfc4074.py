"""Broken AAAA answers (RFC 4074): how a name's authoritative servers answer AAAA beside A, and what DNS64 makes of it."""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

import dns.name

from gateways.addressing import AddressingError
from gateways.addressing.rfc6052 import embed_ipv4

from .dnswire import Reply, ask, delegation


class Verdict(StrEnum):
    FINE = "fine"  # AAAA records come back
    NO_AAAA = "no-aaaa"  # the name has A records only: DNS64 synthesises
    NAME_ERROR = "name-error"  # RFC 4074 4.2: NXDOMAIN for AAAA while A exists
    ERROR_CODE = "error-code"  # RFC 4074 4.3: SERVFAIL, REFUSED, FORMERR, NOTIMP ... for AAAA
    BROKEN_ANSWER = "broken-answer"  # RFC 4074 4.4: malformed, wrong type or wrong section
    NO_ANSWER = "no-answer"  # RFC 4074 4.1: AAAA queries ignored
    NOT_AUTHORITATIVE = "not-authoritative"  # RFC 4074 4.5: AAAA answered without authority
    NO_SUCH_NAME = "no-such-name"  # NXDOMAIN for A and AAAA alike: the name does not exist
    NO_ADDRESS = "no-address"  # the name exists with neither A nor AAAA
    SERVER_SILENT = "server-silent"  # no answer to A either: the server is down, not misbehaving


MISBEHAVIOURS = (Verdict.NAME_ERROR, Verdict.ERROR_CODE, Verdict.BROKEN_ANSWER, Verdict.NO_ANSWER,
                 Verdict.NOT_AUTHORITATIVE)
# The most telling verdict among a zone's servers comes first.
SEVERITY = (*MISBEHAVIOURS, Verdict.SERVER_SILENT, Verdict.NO_SUCH_NAME, Verdict.NO_ADDRESS, Verdict.NO_AAAA,
            Verdict.FINE)
ADDRESS_TYPES = ("AAAA", "CNAME", "DNAME", "RRSIG")


@dataclass(frozen=True)
class ServerFinding:
    server: str
    verdict: Verdict
    why: str
    aaaa: tuple[str, ...] = ()
    a: tuple[str, ...] = ()


def classify_server(aaaa: Reply, a: Reply) -> ServerFinding:
    """One server's answers to AAAA and A for the same name, in RFC 4074's terms."""
    a_records = tuple(a.records("A")) if not a.problem and a.rcode == "NOERROR" else ()

    def finding(verdict: Verdict, why: str, aaaa_records: tuple[str, ...] = ()) -> ServerFinding:
        return ServerFinding(aaaa.server, verdict, why, aaaa_records, a_records)

    if aaaa.problem in ("timeout", "unreachable"):
        if a.problem:
            return finding(Verdict.SERVER_SILENT, f"no answer to AAAA or A ({aaaa.detail})")
        return finding(Verdict.NO_ANSWER, f"answers A but not AAAA ({aaaa.detail})")
    if aaaa.problem == "malformed":
        return finding(Verdict.BROKEN_ANSWER, f"the AAAA answer cannot be parsed: {aaaa.detail}")
    if not aaaa.authoritative and a.authoritative:
        return finding(Verdict.NOT_AUTHORITATIVE, "answers A with authority but AAAA without (lame for AAAA)")
    if aaaa.rcode == "NXDOMAIN":
        if a_records or a.rcode == "NOERROR":
            return finding(Verdict.NAME_ERROR, "says the name does not exist for AAAA, yet answers A")
        return finding(Verdict.NO_SUCH_NAME, "the name does not exist")
    if aaaa.rcode != "NOERROR":
        return finding(Verdict.ERROR_CODE, f"answers AAAA with {aaaa.rcode}")
    wrong = sorted({kind for _, kind, _ in aaaa.answer if kind not in ADDRESS_TYPES})
    if wrong:
        return finding(Verdict.BROKEN_ANSWER, f"answers AAAA with {', '.join(wrong)} records")
    if aaaa.records("AAAA"):
        return finding(Verdict.FINE, "answers AAAA", tuple(aaaa.records("AAAA")))
    if aaaa.records("AAAA", "authority") or aaaa.records("AAAA", "additional"):
        return finding(Verdict.BROKEN_ANSWER, "puts the AAAA records outside the answer section")
    if a_records:
        return finding(Verdict.NO_AAAA, "has A records and no AAAA")
    return finding(Verdict.NO_ADDRESS, "has neither A nor AAAA records")


def overall(findings: list[ServerFinding]) -> Verdict:
    return min((f.verdict for f in findings), key=SEVERITY.index, default=Verdict.SERVER_SILENT)


@dataclass(frozen=True)
class Dns64Outcome:
    """What a client behind one DNS64 node gets for the name."""

    node: str
    prefix: str
    addresses: tuple[str, ...] = ()
    synthesised: bool = False
    failure: str = ""
    note: str = ""


def dns64_outcome(node: str, prefix: str, verdict: Verdict, aaaa: list[str], a: list[str]) -> Dns64Outcome:
    """RFC 6147's DNS64 applied to the verdict: the real AAAA, a synthesised one, or the failure the client sees."""
    def synthesise(note: str = "") -> Dns64Outcome:
        try:
            return Dns64Outcome(node, prefix, tuple(str(embed_ipv4(prefix, ipv4)) for ipv4 in a), True, note=note)
        except AddressingError as error:
            return Dns64Outcome(node, prefix, failure=str(error))

    if verdict == Verdict.FINE:
        return Dns64Outcome(node, prefix, tuple(aaaa))
    if verdict == Verdict.NO_AAAA:
        return synthesise()
    if verdict == Verdict.ERROR_CODE and a:
        return synthesise("RFC 6147 (5.1.2) treats this error as an empty answer and synthesises; resolvers at the "
                          "WIDE camp returned the error instead: the DNS64 check shows what this node does.")
    failures = {
        Verdict.NAME_ERROR: "NXDOMAIN: RFC 6147 passes a name error on, so the client is told the name does not exist "
                            "(some resolvers, Unbound 1.17 among them, fall back to A: the DNS64 check shows which).",
        Verdict.ERROR_CODE: "The error, or no address at all: the name has no A record to synthesise from.",
        Verdict.BROKEN_ANSWER: "SERVFAIL: the resolver throws the broken answer away.",
        Verdict.NO_ANSWER: "SERVFAIL after the resolver's timeouts: the client waits, then fails.",
        Verdict.NOT_AUTHORITATIVE: "SERVFAIL or a stale answer: the resolver does not trust the AAAA answer.",
        Verdict.NO_SUCH_NAME: "NXDOMAIN: the name does not exist.",
        Verdict.NO_ADDRESS: "No address: the name has neither AAAA nor A records.",
        Verdict.SERVER_SILENT: "SERVFAIL: the name's servers do not answer.",
    }
    return Dns64Outcome(node, prefix, failure=failures[verdict])


@dataclass
class AaaaReport:
    name: str
    zone: str
    verdict: Verdict
    findings: list[ServerFinding] = field(default_factory=list)

    @property
    def aaaa(self) -> list[str]:
        return sorted({r for f in self.findings for r in f.aaaa})

    @property
    def a(self) -> list[str]:
        return sorted({r for f in self.findings for r in f.a})

    @property
    def misbehaving(self) -> bool:
        return self.verdict in MISBEHAVIOURS


def check_aaaa(name: dns.name.Name, roots: list[str], port: int, timeout: float) -> AaaaReport:
    """Ask every authoritative server of NAME's zone for AAAA and A; raises DiagnosticError when none is found."""
    zone = delegation(name, roots, port, timeout)
    findings = [classify_server(ask(server, name, "AAAA", port, timeout), ask(server, name, "A", port, timeout))
                for server in zone.all_addresses()]
    return AaaaReport(name.to_text(), zone.zone, overall(findings), findings)
