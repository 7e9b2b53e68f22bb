"""The events timeline, as in Table 2 of the WIDE camp report: what happened when, automatic entries and NOC notes."""
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TimelineEntry(models.Model):
    class Kind(models.TextChoices):
        PUSH = "push", _("push")
        ALERT = "alert", _("alert")
        NODE = "node", _("node up or down")
        PLAN = "plan", _("plan change")
        NOTE = "note", _("NOC note")

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    subject = models.CharField(_("about"), max_length=200, blank=True)
    text = models.TextField(_("what happened"))
    author = models.CharField(_("by"), max_length=150, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline entries")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind} {self.subject}: {self.text[:80]}"
