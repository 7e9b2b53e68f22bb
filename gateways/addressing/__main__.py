"""Operator command line for the address math: JSON on stdout, one plain line on stderr if bad."""
import argparse
import json
import sys
from typing import NoReturn

from .mapping import InterfaceIdFormat, MapRule, ce_for_ipv4_port, ce_mapping, map_rule
from .parse import AddressingError
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
    return parser


def _rule(args: argparse.Namespace) -> MapRule:
    return map_rule(args.rule_ipv6, args.rule_ipv4, args.ea_len, args.psid_offset, args.psid_len)


def _iid(args: argparse.Namespace) -> InterfaceIdFormat:
    return InterfaceIdFormat.DRAFT03 if args.draft03 else InterfaceIdFormat.RFC7597


def run(argv: list[str]) -> dict[str, object]:
    """The JSON answer for one command line."""
    args = _parser().parse_args(argv)
    if args.command == "map":
        return ce_mapping(_rule(args), args.prefix, args.psid, _iid(args)).as_json()
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
