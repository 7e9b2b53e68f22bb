"""Operator command line for the address math: JSON on stdout, one plain line on stderr if bad."""
import argparse
import json
import sys
from typing import NoReturn

from .fourrd import FOURRD_PSID_OFFSET, fourrd_ipv4, fourrd_ipv6
from .mapping import (
    CeMapping,
    InterfaceIdFormat,
    MapRule,
    ce_for_ipv4_port,
    ce_mapping,
    ce_of_fourrd_address,
    map_rule,
)
from .parse import AddressingError, ipv4_address, ipv6_address
from .rfc6052 import embed_ipv4, extract_ipv4

BAD_INPUT = 2


class OneLineParser(argparse.ArgumentParser):
    """argparse, but a usage mistake is one line on stderr rather than the usage text."""

    def error(self, message: str) -> NoReturn:
        self.exit(BAD_INPUT, f"{self.prog}: {message}\n")


def _add_rule_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--rule-ipv6", required=True, help="rule IPv6 prefix")
    parser.add_argument("--rule-ipv4", required=True, help="rule IPv4 prefix")
    parser.add_argument("--ea-len", type=int, required=True, help="EA-bits length")
    parser.add_argument("--psid-offset", type=int, default=6, help="PSID offset (default 6)")
    parser.add_argument("--psid-len", type=int, help="PSID length (default: what the EA bits carry)")
    parser.add_argument("--draft03", action="store_true",
                        help="draft-ietf-softwire-map-03 interface identifier (u | IPv4 | PSID | 0)")


def _parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog="python -m gateways.addressing", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    ce = commands.add_parser("map", help="a CE's IPv4 address, port set and IPv6 address")
    _add_rule_flags(ce)
    ce.add_argument("--prefix", required=True, help="the CE's end-user IPv6 prefix")
    ce.add_argument("--psid", type=int, help="PSID provisioned apart from the EA bits")
    reverse = commands.add_parser("map-reverse", help="the CE that owns an IPv4 address and port")
    _add_rule_flags(reverse)
    reverse.add_argument("--ipv4", required=True)
    reverse.add_argument("--port", type=int, required=True)
    nat64 = commands.add_parser("rfc6052", help="embed or extract an IPv4 address (RFC 6052)")
    nat64.add_argument("--prefix", required=True, help="NAT64 prefix, e.g. 64:ff9b::/96")
    direction = nat64.add_mutually_exclusive_group(required=True)
    direction.add_argument("--ipv4", help="IPv4 address to embed")
    direction.add_argument("--ipv6", help="IPv6 address to extract from")
    _add_fourrd(commands)
    return parser


def _add_fourrd(commands: argparse._SubParsersAction) -> None:
    fourrd = commands.add_parser(
        "4rd", help="a 4rd IPv6 address from an IPv4 address and port, a CE prefix, or back (RFC 7600)")
    fourrd.add_argument("--rule-ipv4", required=True, help="Rule IPv4 prefix (0.0.0.0/0 for the BR Mapping rule)")
    fourrd.add_argument("--ea-len", type=int, required=True, help="EA-bits length")
    fourrd.add_argument("--rule-ipv6", required=True, help="Rule IPv6 prefix")
    fourrd.add_argument("--wkps-authorized", action="store_true",
                        help="the rule may give well-known ports: no 4-bit offset before the PSID")
    given = fourrd.add_mutually_exclusive_group(required=True)
    given.add_argument("--ipv4", help="IPv4 address to map (with --port when the rule shares addresses)")
    given.add_argument("--prefix", help="a CE's delegated IPv6 prefix")
    given.add_argument("--ipv6", help="a 4rd IPv6 address to map back")
    fourrd.add_argument("--port", type=int, help="the port (or ICMP identifier) that selects the PSID")


def _fourrd(args: argparse.Namespace) -> dict[str, object]:
    rule = map_rule(args.rule_ipv6, args.rule_ipv4, args.ea_len, 0 if args.wkps_authorized else FOURRD_PSID_OFFSET)
    ce: CeMapping
    if args.ipv4 is not None:
        if args.port is None and rule.psid_len:
            raise AddressingError(f"this rule shares IPv4 addresses with PSID length {rule.psid_len}: give --port")
        ce = ce_for_ipv4_port(rule, args.ipv4, args.port or 0, InterfaceIdFormat.FOURRD)
        ipv6 = fourrd_ipv6(ce.ce_prefix, ipv4_address(args.ipv4))
    elif args.prefix is not None:
        ce = ce_mapping(rule, args.prefix, iid_format=InterfaceIdFormat.FOURRD)
        ipv6 = ce.ce_ipv6
    else:
        ce = ce_of_fourrd_address(rule, args.ipv6)
        ipv6 = ipv6_address(args.ipv6)
    return {"ce_prefix": str(ce.ce_prefix), **ce.as_json(), "ce_ipv6": str(ipv6),
            "embedded_ipv4": str(fourrd_ipv4(ipv6))}


def _rule(args: argparse.Namespace) -> MapRule:
    return map_rule(args.rule_ipv6, args.rule_ipv4, args.ea_len, args.psid_offset, args.psid_len)


def _iid(args: argparse.Namespace) -> InterfaceIdFormat:
    return InterfaceIdFormat.DRAFT03 if args.draft03 else InterfaceIdFormat.RFC7597


def run(argv: list[str]) -> dict[str, object]:
    """The JSON answer for one command line."""
    args = _parser().parse_args(argv)
    if args.command == "map":
        return ce_mapping(_rule(args), args.prefix, args.psid, _iid(args)).as_json()
    if args.command == "4rd":
        return _fourrd(args)
    if args.command == "map-reverse":
        ce = ce_for_ipv4_port(_rule(args), args.ipv4, args.port, _iid(args))
        return {"ce_prefix": str(ce.ce_prefix), **ce.as_json()}
    if args.ipv4 is not None:
        return {"ipv6": str(embed_ipv4(args.prefix, args.ipv4))}
    return {"ipv4": str(extract_ipv4(args.prefix, args.ipv6))}


def main(argv: list[str] | None = None) -> int:
    try:
        answer = run(sys.argv[1:] if argv is None else argv)
    except AddressingError as error:
        print(f"error: {error}", file=sys.stderr)
        return BAD_INPUT
    print(json.dumps(answer))
    return 0


if __name__ == "__main__":
    sys.exit(main())
