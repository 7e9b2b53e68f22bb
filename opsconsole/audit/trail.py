"""Records changes: models opt in with `audited`, and every save or delete through any channel lands in the trail."""
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save

from .context import current_actor
from .describe import RENEWED_SECRET, SECRET
from .models import AuditEntry



def snapshot(instance: models.Model, secret_fields: frozenset[str], renewed: frozenset[str] = frozenset()) -> dict:
    values = {}
    for field in instance._meta.concrete_fields:
        value = getattr(instance, field.attname)
        if field.name in secret_fields and value:
            value = RENEWED_SECRET if field.name in renewed else SECRET
        values[field.attname] = value
    return json.loads(json.dumps(values, cls=DjangoJSONEncoder))


def record(action: str, object_type: str, object_id: str, object_repr: str, before=None, after=None) -> AuditEntry:
    actor = current_actor()
    return AuditEntry.objects.create(
        actor_id=actor.user_id,
        actor_label=actor.label,
        remote_addr=actor.remote_addr,
        via=actor.via,
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr[:200],
        before=before,
        after=after,
    )


def audited(secret_fields: tuple[str, ...] = (), quiet_fields: tuple[str, ...] = ()):
    """Class decorator: audit every save and delete of this model.

    `secret_fields` are recorded as '(secret)'; a save that changes only `quiet_fields` (bookkeeping such as
    last_login) is not recorded.
    """
    secrets = frozenset(secret_fields)
    quiet = frozenset(quiet_fields)

    def register(model: type[models.Model]) -> type[models.Model]:
        label = model._meta.label

        def remember_before(sender, instance, raw=False, **kwargs):
            if raw:
                return
            previous = sender._default_manager.filter(pk=instance.pk).first() if instance.pk else None
            instance._audit_before = snapshot(previous, secrets) if previous else None
            instance._audit_secrets_before = {name: getattr(previous, name) for name in secrets} if previous else {}

        def record_save(sender, instance, created, raw=False, **kwargs):
            if raw:
                return
            before = getattr(instance, "_audit_before", None)
            secrets_before = getattr(instance, "_audit_secrets_before", {})
            renewed = frozenset(name for name, value in secrets_before.items() if getattr(instance, name) != value)
            after = snapshot(instance, secrets, renewed)
            if before is not None and {k for k in after if before.get(k) != after[k]} <= quiet:
                return
            action = AuditEntry.Action.CREATE if created else AuditEntry.Action.UPDATE
            record(action, label, str(instance.pk), str(instance), before, after)

        def remember_deleted(sender, instance, **kwargs):
            # While the row exists: a field the instance was loaded without (defer) cannot be read after the delete.
            instance._audit_deleted = snapshot(instance, secrets)

        def record_delete(sender, instance, **kwargs):
            record(AuditEntry.Action.DELETE, label, str(instance.pk), str(instance), instance._audit_deleted, None)

        pre_save.connect(remember_before, sender=model, weak=False, dispatch_uid=f"audit-pre-{label}")
        post_save.connect(record_save, sender=model, weak=False, dispatch_uid=f"audit-post-{label}")
        pre_delete.connect(remember_deleted, sender=model, weak=False, dispatch_uid=f"audit-pre-del-{label}")
        post_delete.connect(record_delete, sender=model, weak=False, dispatch_uid=f"audit-del-{label}")
        return model

    return register
