"""DNS64 check: the AAAA a DNS64 node should synthesise for a name (RFC 6052), against what the node answers."""
from __future__ import annotations

import ipaddress
from dataclasses import dataclass

import dns.name

from gateways.addressing import AddressingError
from gateways.addressing.rfc6052 import embed_ipv4

from .dnswire import Reply, ask


@dataclass(frozen=True)
class NodeAnswer:
    node: str
    prefix: str
    resolver: str
    expected: tuple[str, ...]
    answered: tuple[str, ...]
    matches: bool
    why: str


def expected_aaaa(prefix: str, aaaa: list[str], a: list[str], synthesise_always: bool) -> tuple[str, ...]:
    """The real AAAA when there is one (unless the node synthesises for this name regardless), else A under PREFIX.

    Raises AddressingError when an A record cannot go under the prefix (a private IPv4 under 64:ff9b::/96)."""
    if aaaa and not synthesise_always:
        return tuple(sorted(aaaa))
    return tuple(sorted(str(embed_ipv4(prefix, ipv4)) for ipv4 in a))


def resolver_addresses(listen: list[str], fallback_host: str | None) -> list[str]:
    """Where to ask a DNS64 node: its listen addresses, or the node's own address when it listens on every one."""
    chosen = [address for address in listen if not ipaddress.ip_address(address).is_unspecified]
    if chosen:
        return chosen
    try:
        return [str(ipaddress.ip_address(fallback_host or ""))]
    except ValueError:
        return []


def compare(node: str, prefix: str, expected: tuple[str, ...], reply: Reply) -> NodeAnswer:
    answered = tuple(sorted(reply.records("AAAA")))

    def answer(matches: bool, why: str) -> NodeAnswer:
        return NodeAnswer(node, prefix, reply.server, expected, answered, matches, why)

    if reply.problem:
        return answer(False, f"{reply.problem}: {reply.detail}")
    if reply.rcode != "NOERROR":
        return answer(False, f"answers {reply.rcode}")
    if answered == expected:
        return answer(True, "answers as expected")
    if not answered:
        return answer(False, "answers no AAAA")
    return answer(False, "answers other addresses")


def ask_node(node: str, prefix: str, expected: tuple[str, ...], resolver: str, name: dns.name.Name, port: int,
             timeout: float) -> NodeAnswer:
    return compare(node, prefix, expected, ask(resolver, name, "AAAA", port, timeout, recursive=True))


def unexpected(node: str, prefix: str, error: AddressingError) -> NodeAnswer:
    return NodeAnswer(node, prefix, "", (), (), False, str(error))
