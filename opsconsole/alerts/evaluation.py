"""One evaluation cycle: every rule's conditions against its open alerts; raise the new, clear the ended, repeat
the due. Raising is guarded by a unique constraint and clearing and repeating by conditional UPDATEs, so two
evaluators running at once never raise, clear or notify twice."""
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from opsconsole.monitoring.live import publish
from opsconsole.timeline.entries import add_entry
from opsconsole.timeline.models import TimelineEntry

from . import conditions, readings
from .models import Alert, AlertRule, Kind, Notification, NotificationChannel


def conditions_of(rule: AlertRule, now: datetime) -> list[conditions.Condition]:
    limits = conditions.Thresholds(rule.threshold, timedelta(seconds=rule.duration_seconds), rule.interface_names)
    match rule.kind:
        case Kind.NODE_UNREACHABLE:
            return conditions.node_unreachable(readings.heartbeats(), limits, now)
        case Kind.PUSH_FAILED:
            return conditions.push_failed(readings.last_pushes())
        case Kind.DHCP_POOL:
            return conditions.pool_full(readings.dhcp_pools(now), limits)
        case Kind.NAT64_POOL:
            return conditions.pool_full(readings.nat64_pools(now), limits)
        case Kind.DNS64_SLOW:
            return conditions.dns64_slow(readings.probes("probe:dns64:ms", now), limits)
        case Kind.DNS64_WRONG:
            return conditions.dns64_wrong(readings.probes("probe:dns64:correct", now))
        case Kind.UPLINK_BUSY:
            traffic = readings.busy_traffic(now, limits.duration, limits.threshold, limits.interfaces)
            return conditions.uplink_busy(traffic, limits, now)
        case Kind.LINK_SLOW:
            return conditions.link_slow(readings.links(now), limits)
        case Kind.SNMP_DOWN:
            return conditions.devices_down(readings.unreachable_devices())
        case Kind.RADIUS_REJECTS:
            return conditions.rejects_spike(readings.radius_rejects(now, limits.duration), limits)
        case Kind.CERTIFICATE_EXPIRING:
            return conditions.expiring(readings.certificates(now, limits.threshold), limits, now)
    raise ValueError(f"no conditions for rule kind {rule.kind!r}")


@dataclass(frozen=True)
class CycleSummary:
    raised: int
    cleared: int
    repeated: int
    open: int


def evaluate(now: datetime) -> CycleSummary:
    raised = cleared = 0
    for rule in AlertRule.objects.all():
        found = {condition.subject: condition for condition in (conditions_of(rule, now) if rule.enabled else [])}
        still_open = {alert.subject: alert for alert in rule.alerts.filter(cleared_at=None)}
        for subject, condition in found.items():
            alert = still_open.get(subject)
            if alert is None:
                raised += raise_alert(rule, condition, now)
            elif alert.facts != condition.facts:
                Alert.objects.filter(pk=alert.pk, cleared_at=None).update(facts=condition.facts, value=condition.value)
        for subject, alert in still_open.items():
            if subject not in found:
                cleared += clear_alert(alert, now)
    repeated = repeat_due(now)
    return CycleSummary(raised, cleared, repeated, Alert.objects.filter(cleared_at=None).count())


def _announce(alert: Alert, event: str, now: datetime) -> None:
    """Notify every channel, write the timeline and tell open dashboards: the same for a raise and a clear."""
    queue_notifications(alert, event, now)
    if alert.kind == Kind.NODE_UNREACHABLE:
        kind, text = TimelineEntry.Kind.NODE, (_("went down: %(summary)s") if event == Notification.Event.RAISED
                                               else _("came back: %(summary)s"))
    else:
        kind, text = TimelineEntry.Kind.ALERT, (_("alert raised: %(summary)s") if event == Notification.Event.RAISED
                                                else _("alert cleared: %(summary)s"))
    add_entry(kind, text % {"summary": alert.summary}, subject=alert.subject, at=now)
    publish("alerts", event, {"id": alert.pk, "kind": alert.kind, "subject": alert.subject,
                              "summary": alert.summary, "open": alert.is_open})


def raise_alert(rule: AlertRule, condition: conditions.Condition, now: datetime) -> bool:
    """Raise the alert unless it is already open (another evaluator was first); True if this call raised it."""
    try:
        with transaction.atomic():
            alert = Alert.objects.create(rule=rule, kind=rule.kind, subject=condition.subject, facts=condition.facts,
                                         value=condition.value, raised_at=now, notified_at=now)
            _announce(alert, Notification.Event.RAISED, now)
    except IntegrityError:
        return False
    return True


def clear_alert(alert: Alert, now: datetime) -> bool:
    with transaction.atomic():
        if not Alert.objects.filter(pk=alert.pk, cleared_at=None).update(cleared_at=now):
            return False
        alert.cleared_at = now
        _announce(alert, Notification.Event.CLEARED, now)
    return True


def repeat_due(now: datetime) -> int:
    """Notify again about every alert still open one repeat interval after its last notification."""
    repeated = 0
    for alert in Alert.objects.filter(cleared_at=None, rule__repeat_minutes__gt=0).select_related("rule"):
        if alert.notified_at + timedelta(minutes=alert.rule.repeat_minutes) > now:
            continue
        with transaction.atomic():
            if Alert.objects.filter(pk=alert.pk, cleared_at=None, notified_at=alert.notified_at).update(notified_at=now):
                queue_notifications(alert, Notification.Event.REPEAT, now)
                repeated += 1
    return repeated


def queue_notifications(alert: Alert, event: str, now: datetime) -> None:
    Notification.objects.bulk_create([
        Notification(alert=alert, channel=channel, event=event, created_at=now, due_at=now)
        for channel in NotificationChannel.objects.filter(enabled=True)
    ])
