"""How full an uplink is: pure arithmetic, no Django."""

# The alert rules call an uplink above half its capacity for five minutes saturated; above this it is critical.
WARN_PERCENT = 50
CRITICAL_PERCENT = 80


def saturation_percent(in_bps: float | None, out_bps: float | None, capacity_mbps: float | None) -> float | None:
    """The busier direction's share of the capacity, in percent; None without a rate or a capacity."""
    rates = [rate for rate in (in_bps, out_bps) if rate is not None]
    if not rates or not capacity_mbps or capacity_mbps <= 0:
        return None
    return 100 * max(rates) / (capacity_mbps * 1_000_000)


def level(percent: float | None) -> str:
    """The badge class of a saturation: ok, warn or bad ("" when unknown)."""
    if percent is None:
        return ""
    if percent >= CRITICAL_PERCENT:
        return "bad"
    return "warn" if percent >= WARN_PERCENT else "ok"


def rate_label(bps: float | None) -> str:
    """Bits per second in the unit a wall screen reads at a glance: 950 kb/s, 12.3 Mb/s, 1.05 Gb/s."""
    if bps is None:
        return "—"
    for unit, scale in (("Gb/s", 1e9), ("Mb/s", 1e6), ("kb/s", 1e3)):
        if bps >= scale:
            value = bps / scale
            return f"{value:.3g} {unit}" if value < 100 else f"{value:.0f} {unit}"
    return f"{bps:.0f} b/s"
