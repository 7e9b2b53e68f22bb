"""Automatic entries from what the console already records: each finished push, and each change to the plan or to a
node's roles as the audit trail wrote it."""
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils.translation import gettext as _

from opsconsole.audit.models import AuditEntry
from opsconsole.nodes.models import Push

from .entries import add_entry
from .models import TimelineEntry

# The audit trail's object types that are the network's plan: what Table 2 calls a configuration change.
PLAN_TYPES = ("plan.", "transition.", "nodes.GatewayNode")
CHANGES_SHOWN = 5
# A new desired revision is the console's own bookkeeping after a change; the change and the push are entries.
BOOKKEEPING = {"desired_revision_id"}


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
    """One entry per committed transaction: an import or a page's save changes many rows and the trail records each,
    the timeline says it once."""
    if raw or not created or not instance.object_type.startswith(PLAN_TYPES):
        return
    if instance.action == AuditEntry.Action.UPDATE and set(instance.changed_fields) <= BOOKKEEPING:
        return
    connection = transaction.get_connection()
    batch = getattr(connection, "_timeline_plan_changes", None)
    if batch is not None and not any(entry[1] is batch["write"] for entry in connection.run_on_commit):
        batch = None  # the transaction that started it rolled back, and its callback with it
    if batch is None:
        batch = connection._timeline_plan_changes = {"entries": []}
        batch["write"] = lambda: _write_plan_entry(connection, batch)
        batch["entries"].append(instance)
        transaction.on_commit(batch["write"])  # last: outside a transaction it runs at once
    else:
        batch["entries"].append(instance)


def _write_plan_entry(connection, batch: dict) -> None:
    if getattr(connection, "_timeline_plan_changes", None) is batch:
        connection._timeline_plan_changes = None
    entries = batch["entries"]
    # An import records itself beside its rows: its one line sums them up.
    main = next((entry for entry in entries if entry.action == AuditEntry.Action.IMPORT), entries[0])
    text = f"{main.get_action_display()} {main.kind} {main.object_repr}"
    if len(entries) == 1 and main.action == AuditEntry.Action.UPDATE:
        text += ": " + "; ".join(line[:200] for line in main.changes[:CHANGES_SHOWN])
    elif main.action != AuditEntry.Action.IMPORT and len(entries) > 1:
        text += " " + _("and %(count)d more changes") % {"count": len(entries) - 1}
    add_entry(TimelineEntry.Kind.PLAN, text, subject=main.object_repr, author=main.actor_label, at=main.at)
