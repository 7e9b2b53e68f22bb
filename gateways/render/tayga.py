"""TAYGA 0.9 files: tayga.conf, the iproute2 script that brings its TUN device up, and NAT44 for stateful use."""

from __future__ import annotations

from gateways.render.common import RenderedFile, header, joined
from gateways.render.linux import address_range, nft_table, shell_script


def _tayga_conf(intent: dict, role: str, tayga: dict, nat_prefix: str, maps: list[tuple[str, str]]) -> str:
    lines = header(intent, role) + [
        f"tun-device {tayga['tun_device']}",
        f"ipv4-addr {tayga['ipv4_addr']}",
    ]
    if tayga["ipv6_addr"]:
        lines.append(f"ipv6-addr {tayga['ipv6_addr']}")
    lines.append(f"prefix {nat_prefix}")
    if tayga["dynamic_pool"]:
        lines.append(f"dynamic-pool {tayga['dynamic_pool']}")
    lines.append(f"data-dir {tayga['data_dir']}")
    lines += [f"map {ipv4} {ipv6}" for ipv4, ipv6 in maps]
    return joined(lines)


def _setup_script(intent: dict, role: str, tayga: dict, routes: list[str], extra: list[str],
                  teardown: list[str], interfaces: list[str]) -> str:
    device = tayga["tun_device"]
    commands = [
        # The persistent TUN device `tayga --mktun` would make, without reading TAYGA's file: that is installed
        # in TAYGA's directory, which this script cannot know on a node.
        f"ip link show {device} >/dev/null 2>&1 || ip tuntap add dev {device} mode tun",
        f"ip link set {device} up",
        *(f"ip {'-6 ' if ':' in route else ''}route replace {route} dev {device}" for route in routes),
        *extra,
    ]
    return shell_script(intent, role, commands, interfaces, [*teardown, f"ip link delete {device}"])


def tayga_files(intent: dict, role: str, name: str, tayga: dict, nat_prefix: str,
                maps: list[tuple[str, str]], routes: list[str], extra: list[str] = (), teardown: list[str] = (),
                interfaces: list[str] = ()) -> list[RenderedFile]:
    """tayga/NAME.conf plus iproute2/NAME.sh, which creates the TUN device and routes ROUTES into it
    (EXTRA after that; TEARDOWN undoes EXTRA when the script is run with `down`, before the device goes)."""
    script = _setup_script(intent, role, tayga, routes, list(extra), list(teardown), list(interfaces))
    return [
        RenderedFile("tayga", f"tayga/{name}.conf", _tayga_conf(intent, role, tayga, nat_prefix, maps)),
        RenderedFile("iproute2", f"iproute2/{name}.sh", script, 0o755),
    ]


def render_tayga(intent: dict) -> list[RenderedFile]:
    nat64 = intent["roles"]["nat64"]
    tayga = nat64["tayga"]
    maps = [(m["ipv4"], m["ipv6"]) for m in nat64["mappings"]]
    routes = [nat64["pool6"]] + [p for p in [tayga["dynamic_pool"]] if p] + [ipv4 for ipv4, _ in maps]
    files = tayga_files(intent, "nat64", "tayga", tayga, nat64["pool6"], maps, routes)
    if nat64["pool4"]:
        # TAYGA itself is stateless: stateful NAT64 is TAYGA's dynamic pool NAT44'd to pool4.
        rule = f"ip saddr {tayga['dynamic_pool']} snat ip to {address_range(nat64['pool4'][0]['prefix'])}"
        files.append(RenderedFile("nftables", "nftables/tayga.nft",
                                  nft_table(intent, "nat64", "tayga_nat44", {"postrouting": ("nat", "postrouting", "srcnat", [rule])},
                                            counted=("nat64", f'"{tayga["tun_device"]}"'))))
    return files
