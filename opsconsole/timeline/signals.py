"""Automatic entries from what the console already records: each finished push, and each change to the plan or to a
node's roles as the audit trail wrote it."""
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils.translation import gettext as _

from opsconsole.audit.models import AuditEntry
from opsconsole.nodes.models import Push

from .entries import add_entry
from .models import TimelineEntry

# The audit trail's object types that are the network's plan: what Table 2 calls a configuration change.
PLAN_TYPES = ("plan.", "transition.", "nodes.GatewayNode")


@receiver(post_save, sender=Push, dispatch_uid="timeline-push-finished")
def push_finished(sender, instance: Push, created: bool, update_fields=None, raw: bool = False, **kwargs) -> None:
    if raw or created or update_fields is None or "finished_at" not in update_fields:
        return
    if instance.status == Push.Status.SENDING:
        return
    text = _("revision %(number)s: %(outcome)s") % {"number": instance.revision.number,
                                                      "outcome": instance.get_status_display()}
    if instance.error:
        text = f"{text} ({instance.error[:300]})"
    add_entry(TimelineEntry.Kind.PUSH, text, subject=instance.node.name, at=instance.finished_at)


@receiver(post_save, sender=AuditEntry, dispatch_uid="timeline-plan-changed")
def plan_changed(sender, instance: AuditEntry, created: bool, raw: bool = False, **kwargs) -> None:
    if raw or not created or not instance.object_type.startswith(PLAN_TYPES):
        return
    text = f"{instance.get_action_display()} {instance.kind} {instance.object_repr}"
    changes = instance.changes
    if changes:
        text += ": " + "; ".join(changes[:5])
    add_entry(TimelineEntry.Kind.PLAN, text, subject=instance.object_repr, author=instance.actor_label, at=instance.at)
