"""Trouble reports: a participant says what went wrong; the helpdesk answers; results of other tools can be attached."""
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opsconsole.audit.trail import audited

# A clock a little ahead of the console's is no reason to refuse a report.
CLOCK_SLACK = timedelta(minutes=10)


class Status(models.TextChoices):
    OPEN = "open", _("open")
    ANSWERED = "answered", _("answered")


STATUS_BADGE = {Status.OPEN: "warn", Status.ANSWERED: "ok"}


@audited()
class TroubleReport(models.Model):
    participant = models.ForeignKey("registration.Participant", verbose_name=_("participant"),
                                    on_delete=models.CASCADE, related_name="trouble_reports")
    what_happened = models.TextField(_("what happened"), max_length=2000)
    device = models.ForeignKey("registration.Device", verbose_name=_("device"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    ssid = models.ForeignKey("plan.Ssid", verbose_name=_("network (SSID)"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    happened_at = models.DateTimeField(_("when it happened"), default=timezone.now)
    reported_at = models.DateTimeField(_("reported"), default=timezone.now, db_index=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.OPEN, db_index=True)
    answer = models.TextField(_("answer"), max_length=4000, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("answered by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        ordering = ["-reported_at"]
        verbose_name = _("trouble report")

    def __str__(self) -> str:
        return f"trouble report {self.pk} of {self.participant}"

    def clean(self) -> None:
        if self.device_id and self.participant_id and self.device.participant_id != self.participant_id:
            raise ValidationError({"device": _("Choose one of your own devices.")})
        if self.happened_at and self.happened_at > timezone.now() + CLOCK_SLACK:
            raise ValidationError({"happened_at": _("That is in the future; when did it happen?")})

    @property
    def badge(self) -> str:
        return STATUS_BADGE[self.status]


@audited()
class Attachment(models.Model):
    """A result of another tool (a DNS diagnosis, a path MTU probe...) kept with a report as its text."""

    report = models.ForeignKey(TroubleReport, on_delete=models.CASCADE, related_name="attachments")
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("result"), max_length=20000)
    source = models.CharField(_("from"), max_length=40)
    attached_at = models.DateTimeField(_("attached"), default=timezone.now)

    class Meta:
        ordering = ["attached_at"]
        verbose_name = _("attachment")

    def __str__(self) -> str:
        return f"{self.source}: {self.title}"
