"""The audit trail: one row per change a person (or the system) made."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .describe import change_lines, is_empty, kind_name


class AuditEntry(models.Model):
    class Action(models.TextChoices):
        CREATE = "create", _("created")
        UPDATE = "update", _("changed")
        DELETE = "delete", _("deleted")
        IMPORT = "import", _("imported")
        ACTION = "action", _("action")

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(_("who"), max_length=150)
    remote_addr = models.GenericIPAddressField(_("from"), null=True, blank=True)
    via = models.CharField(_("through"), max_length=16)
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    object_type = models.CharField(_("object type"), max_length=100, db_index=True)
    object_id = models.CharField(max_length=64, blank=True, db_index=True)
    object_repr = models.CharField(_("object"), max_length=200)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_label} {self.action} {self.object_type} {self.object_repr}"

    @property
    def changed_fields(self) -> list[str]:
        before, after = self.before or {}, self.after or {}
        return sorted(k for k in before.keys() | after.keys()
                      if before.get(k) != after.get(k) and not (is_empty(before.get(k)) and is_empty(after.get(k))))

    @property
    def kind(self) -> str:
        return kind_name(self.object_type)

    @property
    def changes(self) -> list[str]:
        return change_lines(self.object_type, self.before, self.after, self.changed_fields)
