"""Strict checkers for files whose daemon cannot check them here: Jool JSON (no kernel module) and Cisco IOS routes."""

from __future__ import annotations

import ipaddress
import json
import re
from pathlib import Path
from typing import Any

from gateways.intent import IntentError, rfc6052_prefix

_IOS_ROUTE = re.compile(
    r"ipv6 route (?P<prefix6>[0-9A-F:]+/\d{1,3}) (?P<hop6>[0-9A-F:]+)(?: name [A-Za-z0-9_.-]{1,32})?"
    r"|ip route (?P<net>[\d.]+) (?P<mask>[\d.]+) (?P<hop4>[\d.]+)(?: name [A-Za-z0-9_.-]{1,32})?")
_JOOL_POOL4_KEYS = {"comment", "protocol", "prefix", "port range", "mark", "max-iterations"}


def check_ios(file: Path) -> tuple[bool, str]:
    """The exact grammar router.py emits: `!` comments and `ip route` / `ipv6 route` lines."""
    for number, line in enumerate(file.read_text().splitlines(), 1):
        match = _IOS_ROUTE.fullmatch(line)
        try:
            if line.startswith("!") and line.isascii() and line.isprintable():
                continue
            if match and match["prefix6"]:
                ipaddress.IPv6Network(match["prefix6"]), ipaddress.IPv6Address(match["hop6"])
            elif match:
                ipaddress.IPv4Network(f"{match['net']}/{match['mask']}"), ipaddress.IPv4Address(match["hop4"])
            else:
                return False, f"line {number}: not an IOS static route: {line!r}"
        except ValueError as error:
            return False, f"line {number}: {error}"
    return True, ""


def _jool_errors(document: Any, siit: bool) -> list[str]:
    if not isinstance(document, dict):
        return ["the file is not a JSON object"]
    allowed = {"comment", "instance", "framework", "global", "eamt" if siit else "pool4", "bib", "denylist4"}
    errors = [f"unknown tag {key!r}" for key in document if key not in allowed]
    if not re.fullmatch(r"[!-~]{1,15}", str(document.get("instance", ""))):
        errors.append("instance: missing or not 1-15 printable characters")
    if document.get("framework") not in ("netfilter", "iptables"):
        errors.append("framework: must be netfilter or iptables")
    try:
        rfc6052_prefix(document.get("global", {}).get("pool6"), "global.pool6")
    except (IntentError, AttributeError) as error:
        errors.append(str(error))
    for i, entry in enumerate(document.get("pool4", [])):
        errors += [f"pool4[{i}]: unknown tag {key!r}" for key in entry if key not in _JOOL_POOL4_KEYS]
        if entry.get("protocol") not in ("TCP", "UDP", "ICMP"):
            errors.append(f"pool4[{i}].protocol: must be TCP, UDP or ICMP")
        errors += _try(lambda: ipaddress.IPv4Network(entry["prefix"]), f"pool4[{i}].prefix")
        first, _, last = str(entry.get("port range", "0-65535")).partition("-")
        if not (first.isdigit() and last.isdigit() and int(first) <= int(last) <= 65535):
            errors.append(f"pool4[{i}].port range: {entry.get('port range')!r} is not FIRST-LAST")
    for i, entry in enumerate(document.get("eamt", [])):
        errors += [f"eamt[{i}]: unknown tag {key!r}" for key in entry if key not in {"comment", "ipv6 prefix", "ipv4 prefix"}]
        errors += _try(lambda: ipaddress.IPv6Network(entry["ipv6 prefix"]), f"eamt[{i}].ipv6 prefix")
        errors += _try(lambda: ipaddress.IPv4Network(entry["ipv4 prefix"]), f"eamt[{i}].ipv4 prefix")
    return errors


def _try(parse: Any, where: str) -> list[str]:
    try:
        parse()
    except (KeyError, TypeError, ValueError) as error:
        return [f"{where}: {error!r}"]
    return []


def check_jool(file: Path) -> tuple[bool, str]:
    """Jool's atomic-configuration grammar (docs: config-atomic); jool_siit.json holds an EAMT, jool.json a pool4."""
    try:
        document = json.loads(file.read_text())
    except ValueError as error:
        return False, f"not JSON: {error}"
    errors = _jool_errors(document, siit=file.name == "jool_siit.json")
    return not errors, "; ".join(errors)
