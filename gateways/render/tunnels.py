"""IPv4-over-IPv6 tunnels on Linux for SA46T, MAP-E / 4rd CEs and DS-Lite: an iproute2 script and an nftables table."""

from __future__ import annotations

from gateways.addressing import InterfaceIdFormat, ces_of_rule, map_rule
from gateways.intent import IntentError
from gateways.render.common import RenderedFile
from gateways.render.linux import address_range, nft_table, shell_script


def _tunnel(name: str, local: str, remote: str, dev: str, mtu: int) -> list[str]:
    return [
        f"ip link show {name} >/dev/null 2>&1 || ip -6 tunnel add {name} mode ipip6 local {local} remote {remote} dev {dev} encaplimit none",
        f"ip link set {name} mtu {mtu} up",
    ]


def _deletions(tunnels: list[str]) -> list[str]:
    return [f"ip link delete {name}" for name in tunnels]  # their addresses and routes go with them


def _mss_clamp(tunnels: list[str]) -> tuple[str, str, str, list[str]]:
    # MTU black holes behind tunnels were the WIDE camp's most stubborn trouble: clamp every SYN.
    return ("filter", "forward", "mangle", [f"oifname {_oifnames(tunnels)} tcp flags syn tcp option maxseg size set rt mtu"])


def _files(intent: dict, role: str, commands: list[str], interfaces: list[str], chains: dict,
           teardown: list[str], tunnels: list[str]) -> list[RenderedFile]:
    script = shell_script(intent, role, commands, interfaces, teardown)
    table = nft_table(intent, role, f"transition_{role}", chains, counted=(role, _oifnames(tunnels)))
    return [
        RenderedFile("iproute2", f"iproute2/{role}.sh", script, 0o755),
        RenderedFile("nftables", f"nftables/{role}.nft", table),
    ]


def render_sa46t(intent: dict) -> list[RenderedFile]:
    sa46t = intent["roles"]["sa46t"]
    commands = [f"ip -6 addr replace {sa46t['local']}/128 dev {sa46t['uplink']}"]
    tunnels = []
    for i, peer in enumerate(sa46t["peers"]):
        tunnels.append(name := f"{sa46t['tunnel']}{i}")
        commands += _tunnel(name, sa46t["local"], peer["address"], sa46t["uplink"], sa46t["mtu"])
        commands += [f"ip route replace {network} dev {name}" for network in peer["networks"]]
    teardown = [*_deletions(tunnels), f"ip -6 addr del {sa46t['local']}/128 dev {sa46t['uplink']}"]
    return _files(intent, "sa46t", commands, [sa46t["uplink"]], {"forward": _mss_clamp(tunnels)}, teardown, tunnels)


def render_map(intent: dict) -> list[RenderedFile]:
    role = intent["roles"]["map"]
    if role["variant"] == "map-t":
        raise IntentError("roles.map: MAP-T has no Linux renderer (Jool 4.1 lacks MAP-T); use MAP-E")
    return _map_br(intent, role) if role["role"] == "br" else _map_ce(intent, role)


def _port_set(ports: list[list[int]]) -> str:
    return ", ".join(f"{first}-{last}" if first != last else str(first) for first, last in ports)


def _oifnames(tunnels: list[str]) -> str:
    return "{ " + ", ".join(f'"{name}"' for name in tunnels) + " }"


def _fmr_peers(role: dict) -> list[dict]:
    """The other CEs the Forwarding Mapping Rules reach directly (RFC 7597 5.2: mesh)."""
    iid = InterfaceIdFormat.FOURRD if role["variant"] == "4rd" else InterfaceIdFormat.RFC7597
    own = (role["ce"]["ipv4"], role["ce"]["psid"])
    peers = []
    for fmr in role["fmrs"]:
        rule = map_rule(fmr["ipv6"], fmr["ipv4"], fmr["ea_len"], fmr["psid_offset"], fmr["psid_len"])
        peers += [ce.as_intent() for ce in ces_of_rule(rule, iid) if (str(ce.ipv4), ce.psid) != own]
    return peers


def _tunnels_to_ces(local: str, ces: list[dict], base: str, wan: str, mtu: int) -> tuple[list[str], list[str], list[str], list[str]]:
    """One ip6tnl from LOCAL to each CE, chosen by a mark set from the CE's IPv4 address and port set.

    Several CEs share one IPv4 address, so the route toward a CE depends on the destination port: nftables marks
    each packet with its CE's number and one policy-routing table per CE sends it into that CE's tunnel.
    Returns the commands, the tunnel names, the mark rules and the teardown.
    """
    first_table = 1000
    commands, tunnels, marks, rules_down = [], [], [], []
    for i, ce in enumerate(ces):
        tunnels.append(name := f"{base}-{i}")
        table = first_table + i
        commands += _tunnel(name, local, ce["ipv6"], wan, mtu)
        commands += [
            f"ip route replace default dev {name} table {table}",
            f"ip rule del fwmark {table} table {table} 2>/dev/null || true",
            f"ip rule add fwmark {table} table {table}",
        ]
        ports = "" if ce["ports"] == [[0, 65535]] else f"meta l4proto {{ tcp, udp }} th dport {{ {_port_set(ce['ports'])} }} "
        marks.append(f"ip daddr {ce['ipv4']} {ports}meta mark set {table}")
        rules_down.append(f"ip rule del fwmark {table} table {table}")
    return commands, tunnels, marks, [*_deletions(tunnels), *rules_down]


def _map_ce(intent: dict, role: dict) -> list[RenderedFile]:
    # 4rd (RFC 7600) maps headers instead of encapsulating and Linux has no such data path:
    # a 4rd CE is rendered as MAP-E encapsulation, which works only toward a BR that accepts it.
    ce, tunnel = role["ce"], role["tunnel"]
    peer_commands, peer_tunnels, marks, peer_teardown = _tunnels_to_ces(
        ce["ipv6"], _fmr_peers(role), tunnel, role["wan"], role["mtu"])
    commands = [
        f"ip -6 addr replace {ce['ipv6']}/128 dev {role['wan']}",
        *_tunnel(tunnel, ce["ipv6"], role["br_address"], role["wan"], role["mtu"]),
        f"ip addr replace {ce['ipv4']}/32 dev {tunnel}",
        f"ip route replace default dev {tunnel}",
        *peer_commands,
    ]
    tunnels = [tunnel, *peer_tunnels]
    ports = [port for first, last in ce["ports"] for port in range(first, last + 1)]
    port_map = ", ".join(f"{i} : {port}" for i, port in enumerate(ports))
    # ICMP queries go through the port map too: NAT treats the echo identifier as the port, and a
    # reply whose identifier lies outside this CE's port set would be routed by the BR to another CE.
    snat = [
        f'oifname {_oifnames(tunnels)} meta l4proto {{ tcp, udp, icmp }} snat ip to {ce["ipv4"]} : numgen inc mod {len(ports)} map {{ {port_map} }}',
        f'oifname {_oifnames(tunnels)} snat ip to {ce["ipv4"]}',
    ]
    chains = {"postrouting": ("nat", "postrouting", "srcnat", snat), "forward": _mss_clamp(tunnels)}
    if marks:
        # Marked before routing: forwarded traffic in prerouting, the CE's own in output (a route chain reroutes).
        chains |= {"prerouting": ("filter", "prerouting", "mangle", marks), "output": ("route", "output", "mangle", marks)}
    teardown = [*_deletions([tunnel]), *peer_teardown, f"ip -6 addr del {ce['ipv6']}/128 dev {role['wan']}"]
    return _files(intent, "map", commands, [role["wan"]], chains, teardown, tunnels)


def _map_br(intent: dict, role: dict) -> list[RenderedFile]:
    """A stateless BR for the CEs the console knows: one ip6tnl per CE (see _tunnels_to_ces).
    Anycast BRs render the same BR address on every node."""
    ce_commands, tunnels, marks, ce_teardown = _tunnels_to_ces(
        role["br_address"], role["ces"], role["tunnel"], role["wan"], role["mtu"])
    commands = [f"ip -6 addr replace {role['br_address']}/128 dev {role['wan']}", *ce_commands]
    tunnels = tunnels or [role["tunnel"]]
    chains = {"prerouting": ("filter", "prerouting", "mangle", marks), "forward": _mss_clamp(tunnels)}
    teardown = [*ce_teardown, f"ip -6 addr del {role['br_address']}/128 dev {role['wan']}"]
    return _files(intent, "map", commands, [role["wan"], role["uplink"]], chains, teardown, tunnels)


def render_dslite(intent: dict) -> list[RenderedFile]:
    role = intent["roles"]["dslite"]
    if role["role"] == "b4":
        tunnel = role["tunnel"] + "0"
        commands = [
            f"ip -6 addr replace {role['b4_address']}/128 dev {role['wan']}",
            *_tunnel(tunnel, role["b4_address"], role["aftr_address"], role["wan"], role["mtu"]),
            f"ip addr replace {role['b4_ipv4']}/29 dev {tunnel}",
            f"ip route replace default dev {tunnel}",
        ]
        teardown = [*_deletions([tunnel]), f"ip -6 addr del {role['b4_address']}/128 dev {role['wan']}"]
        return _files(intent, "dslite", commands, [role["wan"]], {"forward": _mss_clamp([tunnel])}, teardown, [tunnel])
    commands = [f"ip -6 addr replace {role['aftr_address']}/128 dev {role['wan']}"]
    tunnels, networks = [], []
    for i, b4 in enumerate(role["b4s"]):
        tunnels.append(name := f"{role['tunnel']}{i}")
        commands += _tunnel(name, role["aftr_address"], b4["address"], role["wan"], role["mtu"])
        commands.append(f"ip addr replace {role['aftr_ipv4']}/32 dev {name}")
        commands += [f"ip route replace {network} dev {name}" for network in b4["networks"]]
        networks += b4["networks"]
    snat = [f'oifname "{role["uplink"]}" ip saddr {{ {", ".join(networks)} }} snat ip to {address_range(role["pool4"])}']
    chains = {"postrouting": ("nat", "postrouting", "srcnat", snat), "forward": _mss_clamp(tunnels)}
    teardown = [*_deletions(tunnels), f"ip -6 addr del {role['aftr_address']}/128 dev {role['wan']}"]
    return _files(intent, "dslite", commands, [role["wan"], role["uplink"]], chains, teardown, tunnels)
