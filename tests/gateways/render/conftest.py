"""Intents of the WIDE camp 2011 and ShowNet 2013 plans, and a helper that writes and checks rendered files."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, settings, strategies as st

from gateways.intent import IntentError
from gateways.render import RenderedFile, render_intent
from gateways.render.check import CheckResult, check_rendered

# Documentation prefixes stand in where the real one upsets a checker (TAYGA refuses
# 64:ff9b::/96 with private IPv4, and a TUN route needs no real global address).
WIDE_NAT64_PREFIX = "2001:200:0:ff99::/96"
WIDE_POOL4 = "203.178.159.24/30"


def intent(roles: dict, node: str = "nat64-1", description: str = "WIDE camp 2011 autumn") -> dict:
    return {"schema": 1, "node": node, "description": description, "roles": roles}


def wide_bind_dns64() -> dict:
    return {"implementation": "bind", "prefix": WIDE_NAT64_PREFIX, "clients": ["any"], "mapped": ["any"],
            "suffix": "::", "recursive_only": True, "listen": ["2001:200:0:ff80::5"]}


def wide_tayga_nat64() -> dict:
    return {"implementation": "tayga", "mode": "stateful", "pool6": WIDE_NAT64_PREFIX,
            "pool4": [{"prefix": WIDE_POOL4}], "member": {"index": 1, "count": 3},
            "tayga": {"ipv4_addr": "192.0.2.1", "dynamic_pool": "192.0.2.0/24"}}


def write(files: list[RenderedFile], directory: Path) -> None:
    for rendered in files:
        target = directory / rendered.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(rendered.content)
        target.chmod(rendered.mode)


def render_and_check(document: dict) -> tuple[list[RenderedFile], list[CheckResult]]:
    files = render_intent(document)
    with tempfile.TemporaryDirectory(prefix="render-") as directory:
        write(files, Path(directory))
        return files, check_rendered(files, Path(directory))


def check_text(service: str, path: str, content: str) -> CheckResult:
    return render_files_check([RenderedFile(service, path, content, 0o755)])[0]


def render_files_check(files: list[RenderedFile]) -> list[CheckResult]:
    with tempfile.TemporaryDirectory(prefix="render-") as directory:
        write(files, Path(directory))
        return check_rendered(files, Path(directory))


def by_path(files: list[RenderedFile]) -> dict[str, str]:
    return {f.path: f.content for f in files}


# What an attacker would type into a free-text field: structure characters and non-ASCII.
NASTY_TEXT = st.text(alphabet=st.sampled_from(list("\"'{};\n\r#\\/*! \t\x00\x0b\u2028é中a1-.@$`")), max_size=30)
INJECTION_SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _structure(files: list[RenderedFile]) -> list[list[str]]:
    return [[line for line in f.content.splitlines() if not line.lstrip().startswith(("#", "!"))] for f in files]


def assert_contained(document: dict, plain: dict) -> list[RenderedFile]:
    """Either validation refuses DOCUMENT's free text, or every file passes its checker and
    everything outside comments is what PLAIN (the same intent with harmless text) renders."""
    try:
        files, results = render_and_check(document)
    except IntentError:
        return []
    assert all(r.ok for r in results), results
    assert _structure(files) == _structure(render_intent(plain))
    return files


SHOWNET_MAP_PORTS = [[k * 4096 + 128, k * 4096 + 191] for k in range(1, 16)]


def shownet_map_ce() -> dict:
    return {"variant": "map-e", "role": "ce", "br_address": "2001:3e8:0:2900::1", "br_anycast": True, "wan": "wan0",
            "bmr": {"ipv6": "2001:3e8:6000::/56", "ipv4": "130.129.255.92/30", "ea_len": 8, "psid_offset": 4, "psid_len": 6},
            "ce": {"ipv4": "130.129.255.93", "psid": 2, "ports": SHOWNET_MAP_PORTS, "ipv6": "2001:3e8:6000:42::1"}}


def shownet_dslite_b4() -> dict:
    return {"role": "b4", "aftr_address": "2001:db8:a10:a10::99", "b4_address": "2001:db8:192:168::1", "wan": "wan0"}


def shownet_dslite_aftr() -> dict:
    return {"role": "aftr", "aftr_address": "2001:db8:a10:a10::99", "pool4": "203.0.113.8/29", "wan": "wan0",
            "uplink": "up0", "b4s": [{"address": "2001:db8:192:168::1", "networks": ["192.168.1.0/24"]}]}


def shownet_clat() -> dict:
    return {"role": "clat", "plat_prefix": "2001:10:10:10:10:10::/96", "clat_prefix": "2001:db8::/64",
            "clat_ipv4": "192.0.0.1", "clat_ipv6": "2001:db8::c0a8:101", "wan": "wan0",
            "tayga": {"tun_device": "clat", "ipv4_addr": "192.0.0.2"}}


def wide_sa46t() -> dict:
    return {"prefix": "2001:db8:46::/64", "plane_id": 0, "local": "2001:db8:46::c000:201", "uplink": "eth0",
            "networks": ["192.0.2.0/24"],
            "peers": [{"address": "2001:db8:46::c633:6401", "networks": ["198.51.100.0/24"]},
                      {"address": "2001:db8:46::cb00:7101", "networks": ["203.0.113.0/25"]}]}
