"""Uplink rates from the SNMP series: the newest in/out rates, their saturation and the last hour for a chart."""
from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext

from opsconsole.monitoring.models import Sample, Series

from .models import Uplink
from .saturation import level, rate_label, saturation_percent

CHART_SPAN = timedelta(hours=1)


@dataclass(frozen=True)
class UplinkReading:
    uplink: Uplink
    up: bool | None
    in_bps: float | None
    out_bps: float | None
    capacity_mbps: float | None
    percent: float | None
    chart: dict  # for dashboard/_chart.html: epoch seconds and the in and out rates, oldest first

    @property
    def level(self) -> str:
        return level(self.percent)

    @property
    def in_label(self) -> str:
        return rate_label(self.in_bps)

    @property
    def out_label(self) -> str:
        return rate_label(self.out_bps)


def _series_of(uplink: Uplink) -> dict[str, int]:
    names = {kind: f"if:{uplink.interface}:{kind}" for kind in ("in-bps", "out-bps", "speed-mbps", "up")}
    found = dict(Series.objects.filter(device_id=uplink.device_id, key__in=names.values()).values_list("key", "id"))
    return {kind: found[key] for kind, key in names.items() if key in found}


def _newest(series_id: int | None) -> float | None:
    if series_id is None:
        return None
    return Sample.objects.filter(series_id=series_id).order_by("-at").values_list("value", flat=True).first()


def _chart(series: dict[str, int], since) -> dict:
    points: dict[float, dict[str, float]] = {}
    for kind in ("in-bps", "out-bps"):
        if kind in series:
            for at, value in Sample.objects.filter(series_id=series[kind], at__gte=since).values_list("at", "value"):
                points.setdefault(at.timestamp(), {})[kind] = value
    xs = sorted(points)
    return {"unit": "bps", "x": xs, "series": [
        {"label": gettext("in"), "values": [points[x].get("in-bps") for x in xs]},
        {"label": gettext("out"), "values": [points[x].get("out-bps") for x in xs]}]}


def uplink_readings() -> list[UplinkReading]:
    since = timezone.now() - CHART_SPAN
    readings = []
    for uplink in Uplink.objects.select_related("device"):
        series = _series_of(uplink)
        in_bps, out_bps = _newest(series.get("in-bps")), _newest(series.get("out-bps"))
        up = _newest(series.get("up"))
        capacity = uplink.capacity_mbps or _newest(series.get("speed-mbps"))
        readings.append(UplinkReading(uplink, None if up is None else up >= 1, in_bps, out_bps, capacity,
                                      saturation_percent(in_bps, out_bps, capacity), _chart(series, since)))
    return readings
