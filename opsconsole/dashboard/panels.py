"""The dashboard's own panels: nodes and their sync state, users per SSID and technology, uplinks, recent events.

Other apps register theirs (DHCP and NAT64 pools, DNS64, alerts) the same way; see monitoring/panels.py."""
from collections import Counter
from datetime import timedelta

from django.db.models import Count
from django.db.models.functions import TruncMinute
from django.utils import timezone
from django.utils.translation import gettext

from opsconsole.monitoring.panels import Panel, register
from opsconsole.nodes.models import STATE_BADGE, Push
from opsconsole.plan.choices import Allocation, Transition
from opsconsole.plan.models import Ssid
from opsconsole.radius.models import RadPostAuth
from opsconsole.radius.outcomes import reason_label
from opsconsole.radius.sessions import session_counts
from opsconsole.registration.ipv6_mostly import ipv6_mostly_adoption
from opsconsole.registration.models import Device

from .uplinks import uplink_readings

RECENT = 8
REJECT_CHART_SPAN = timedelta(hours=1)


def nodes_context() -> dict:
    from opsconsole.nodes.views import node_rows

    rows = node_rows()
    states = Counter(row["state"] for row in rows).most_common()
    return {"rows": rows, "states": [(state.label, STATE_BADGE[state], count) for state, count in states]}


def techniques_by_ssid() -> dict[str, list[str]]:
    """Each SSID's ways to IPv4 and beyond, as the plan gives them for its VLAN (NAT64, SA46T, IPv6-mostly, ...)."""
    found: dict[str, list[str]] = {}
    for ssid in Ssid.objects.prefetch_related("vlan__families"):
        labels = []
        for row in ssid.vlan.families.all():
            if row.transition != Transition.NONE:
                labels.append(str(Transition.label(row.transition)))
            if row.allocation == Allocation.DHCPV4_IPV6_MOSTLY:
                labels.append(str(Allocation.label(row.allocation)))
        found[ssid.essid] = labels
    return found


def users_per_technology(per_ssid: list[tuple[str, int]], techniques: dict[str, list[str]]) -> list[tuple[str, int]]:
    """Sessions per technique, most first: a session counts for every technique of its SSID's VLAN."""
    counts: Counter[str] = Counter()
    for essid, sessions in per_ssid:
        for technique in techniques.get(essid, []):
            counts[technique] += sessions
    return counts.most_common()


def users_context() -> dict:
    per_ssid = session_counts()["ssid"]
    return {
        "per_ssid": per_ssid,
        "online": sum(count for _ssid, count in per_ssid),
        "per_technology": users_per_technology(per_ssid, techniques_by_ssid()),
        "registered": Device.objects.unexpired().count(),
        "registered_per_vlan": (Device.objects.unexpired().values("vlans__vid", "vlans__name")
                                .exclude(vlans=None).annotate(devices=Count("pk")).order_by("vlans__vid")),
        "adoption": ipv6_mostly_adoption(),
    }


def uplinks_context() -> dict:
    return {"readings": uplink_readings()}


def rejects_per_minute(since) -> dict:
    minutes = dict(RadPostAuth.objects.filter(authdate__gte=since).exclude(reply="Access-Accept")
                   .annotate(minute=TruncMinute("authdate")).values("minute").annotate(n=Count("id"))
                   .order_by().values_list("minute", "n"))
    start = since.replace(second=0, microsecond=0)
    xs = [start + timedelta(minutes=i) for i in range(int(REJECT_CHART_SPAN.total_seconds() // 60) + 1)]
    return {"unit": "count", "x": [x.timestamp() for x in xs],
            "series": [{"label": gettext("RADIUS rejects per minute"), "values": [minutes.get(x, 0) for x in xs]}]}


def recent_context() -> dict:
    rejects = list(RadPostAuth.objects.exclude(reply="Access-Accept")[:RECENT])
    for reject in rejects:
        reject.reason_label = reason_label(reject.reason)
    return {
        "registrations": Device.objects.select_related("participant").order_by("-registered_at", "-pk")[:RECENT],
        "pushes": Push.objects.select_related("node", "revision")[:RECENT],
        "rejects": rejects,
        "reject_chart": rejects_per_minute(timezone.now() - REJECT_CHART_SPAN),
    }


def register_all() -> None:
    register(Panel("panel-nodes", "dashboard/_nodes.html", nodes_context, ("nodes",), order=10))
    register(Panel("panel-users", "dashboard/_users.html", users_context, ("radius", "registrations", "dhcp"),
                   order=20, public=True))
    register(Panel("panel-uplinks", "dashboard/_uplinks.html", uplinks_context, ("polls",), order=60, public=True))
    register(Panel("panel-recent", "dashboard/_recent.html", recent_context, ("registrations", "nodes", "radius"),
                   order=90))
