"""Path MTU through a node's tunnels: what each tunnel's configured MTU promises, the MSS clamp its rendered
ruleset puts in force, and whether the largest probe that passed with DF set falls short of it (a black hole)."""
from gateways.probes import TUNNEL_ROLES
from gateways.render.common import RenderedFile

IPV4_AND_TCP_HEADERS = 40
CLAMP_TO_ROUTE_MTU = "tcp option maxseg size set rt mtu"


def tunnels(intent: dict, rendered: list[RenderedFile]) -> list[dict]:
    """Each tunnel role of the intent: its name, configured MTU and the MSS its clamp sets (None: no clamp)."""
    rulesets = {f.path: f.content for f in rendered}
    found = []
    for role in TUNNEL_ROLES:
        if role in intent["roles"]:
            settings = intent["roles"][role]
            clamped = CLAMP_TO_ROUTE_MTU in rulesets.get(f"nftables/{role}.nft", "")
            found.append({"role": role, "tunnel": settings["tunnel"], "mtu": settings["mtu"],
                          "mss": settings["mtu"] - IPV4_AND_TCP_HEADERS if clamped else None})
    return found


def tunnel_verdict(largest: int | None, mtu: int) -> str:
    if largest is None:
        return "unreachable"
    return "fits" if largest >= mtu else "black-hole"


def verdict(largest: int | None, found: list[dict]) -> str:
    """The whole check's verdict: the worst of its tunnels'."""
    verdicts = {tunnel_verdict(largest, tunnel["mtu"]) for tunnel in found}
    return next((v for v in ("unreachable", "black-hole") if v in verdicts), "fits")


def vanished_silently(largest: int | None, high: int, learned: int | None) -> bool:
    """Larger probes than the largest that passed got lost, and no ICMP "too big" error told the node why."""
    return largest is not None and largest < high and learned is None
