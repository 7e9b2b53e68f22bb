"""Runs a check for a person, stores its result, and offers what a trouble report or the timeline attaches."""
from dataclasses import asdict

from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction

from opsconsole.transition.models import Dns64Override, Dns64Role
from opsconsole.transition.validators import plain_errors, words

from gateways.addressing import AddressingError
from gateways.addressing.rfc6052 import embed_ipv4
from gateways.intent import IntentError
from gateways.render import render_intent
from opsconsole.nodes.agent_client import ProbeFailed, probe_pmtu
from opsconsole.nodes.intents import build_intent
from opsconsole.nodes.models import GatewayNode

from . import pmtu
from .dns64check import ask_node, expected_aaaa, resolver_addresses, unexpected
from .dnswire import DiagnosticError, parse_name
from .lame import check_delegation
from .models import DiagnosticResult, EventDomain
from .rfc4074 import check_aaaa, dns64_outcome
from .verdicts import COULD_NOT_CHECK


def dns_settings() -> tuple[list[str], int, float]:
    return list(settings.DIAGNOSTICS_ROOT_SERVERS), settings.DIAGNOSTICS_DNS_PORT, settings.DIAGNOSTICS_TIMEOUT


def store(kind: str, subject: str, verdict: str, ok: bool, details: dict, user) -> DiagnosticResult:
    return DiagnosticResult.objects.create(kind=kind, subject=subject, verdict=verdict, ok=ok, details=details,
                                           actor=user, actor_label=user.get_username())


def could_not_check(kind: str, subject: str, error: DiagnosticError, user) -> DiagnosticResult:
    return store(kind, subject, COULD_NOT_CHECK, False, {"error": str(error)}, user)


def dns64_roles() -> list[Dns64Role]:
    return list(Dns64Role.objects.select_related("node").order_by("node__name"))


def run_aaaa_check(typed_name: str, user) -> DiagnosticResult:
    """The RFC 4074 check of a name (already validated with parse_name by the form)."""
    name = parse_name(typed_name)
    subject = name.to_text(omit_final_dot=True)
    try:
        report = check_aaaa(name, *dns_settings())
    except DiagnosticError as error:
        return could_not_check(DiagnosticResult.Kind.AAAA, subject, error, user)
    outcomes = [asdict(dns64_outcome(role.node.name, role.prefix, report.verdict, report.aaaa, report.a))
                for role in dns64_roles()]
    details = {"zone": report.zone, "aaaa": report.aaaa, "a": report.a, "dns64": outcomes,
               "findings": [asdict(finding) for finding in report.findings],
               # The report's workaround needs A records to synthesise from.
               "workaround": report.misbehaving and bool(report.a)}
    return store(DiagnosticResult.Kind.AAAA, subject, report.verdict, not report.misbehaving, details, user)


def run_lame_check(domain: EventDomain, user) -> DiagnosticResult:
    try:
        report = check_delegation(parse_name(domain.name), *dns_settings())
    except DiagnosticError as error:
        return could_not_check(DiagnosticResult.Kind.LAME, domain.name, error, user)
    details = {"zone": report.zone, "parent_server": report.parent_server,
               "checks": [asdict(check) for check in report.checks]}
    return store(DiagnosticResult.Kind.LAME, domain.name, report.verdict, report.verdict == "delegated-well", details,
                 user)


def run_dns64_check(typed_name: str, user) -> DiagnosticResult:
    """What each DNS64 node should answer for a name (its A records under the node's prefix), and what it does."""
    name = parse_name(typed_name)
    subject = name.to_text(omit_final_dot=True)
    roles = dns64_roles()
    try:
        if not roles:
            raise DiagnosticError("No node has a DNS64 role: there is nothing to ask.")
        report = check_aaaa(name, *dns_settings())
    except DiagnosticError as error:
        return could_not_check(DiagnosticResult.Kind.DNS64, subject, error, user)
    timeout = settings.DIAGNOSTICS_TIMEOUT
    answers = []
    for role in roles:
        always = role.synthall or role.overrides.filter(name=subject).exists()
        try:
            expected = expected_aaaa(role.prefix, report.aaaa, report.a, always)
        except AddressingError as error:
            answers.append(unexpected(role.node.name, role.prefix, error))
            continue
        resolvers = resolver_addresses(words(role.listen), urlsplit(role.node.agent_url).hostname)
        answers += [ask_node(role.node.name, role.prefix, expected, resolver, name, role.port, timeout)
                    for resolver in resolvers]
        if not resolvers:
            answers.append(unexpected(role.node.name, role.prefix, DiagnosticError(
                "The node listens on every address and its agent URL names no address to ask.")))
    matches = bool(answers) and all(answer.matches for answer in answers)
    details = {"zone": report.zone, "authoritative": report.verdict, "aaaa": report.aaaa, "a": report.a,
               "nodes": [asdict(answer) for answer in answers]}
    return store(DiagnosticResult.Kind.DNS64, subject, "matches" if matches else "mismatch", matches, details, user)


def run_pmtu_check(node: GatewayNode, destination: str, user) -> DiagnosticResult:
    """Asks the node's agent for the largest packet to DESTINATION that passes with DF set, and compares it with
    what each of the node's tunnels is configured to carry."""
    subject = f"{node.name} → {destination}"
    try:
        intent = build_intent(node)
        found = pmtu.tunnels(intent, render_intent(intent))
        if not found:
            raise DiagnosticError("This node has no tunnel (SA46T, MAP or DS-Lite role) to probe through.")
        high = max(tunnel["mtu"] for tunnel in found)
        reply = probe_pmtu(node, destination, high=high)
    except (DiagnosticError, IntentError, ProbeFailed) as error:
        return could_not_check(DiagnosticResult.Kind.PMTU, subject, error, user)
    largest, learned = reply["largest"], reply.get("learned_mtu")
    for tunnel in found:
        tunnel["verdict"] = pmtu.tunnel_verdict(largest, tunnel["mtu"])
    verdict = pmtu.verdict(largest, found)
    details = {"node": node.name, "destination": destination, "largest": largest, "learned_mtu": learned,
               "silent": pmtu.vanished_silently(largest, high, learned), "tunnels": found}
    return store(DiagnosticResult.Kind.PMTU, subject, verdict, verdict == "fits", details, user)


def add_overrides(result: DiagnosticResult, roles: list[Dns64Role]) -> list[Dns64Override]:
    """The workaround for a broken name on each chosen DNS64 node (see Dns64Override): saved like any role row, so
    it is audited and the nodes' new intents are pushed. Raises ValidationError (AddressingError's message) when
    an A record cannot go under a BIND node's prefix."""
    added = []
    with transaction.atomic():
        for role in roles:
            override = Dns64Override(role=role, name=result.subject,
                                     reason=f"RFC 4074: {result.verdict} (diagnostic #{result.pk})")
            if role.implementation == Dns64Role.Implementation.BIND:
                with plain_errors():
                    override.aaaa = " ".join(str(embed_ipv4(role.prefix, a)) for a in result.details["a"])
                override.a = " ".join(result.details["a"])
            override.full_clean()
            override.save()
            added.append(override)
    return added


def attachment(result: DiagnosticResult) -> dict:
    """What a trouble report or a timeline entry keeps of a result: a JSON-safe summary and a link back."""
    return {"id": result.pk, "kind": result.kind, "subject": result.subject, "verdict": result.verdict,
            "ok": result.ok, "at": result.at.isoformat(), "by": result.actor_label,
            "url": result.get_absolute_url()}
