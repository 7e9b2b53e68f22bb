"""Self-test results the participants' browsers posted back: anonymous unless a participant was signed in."""
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import verdict


class SelfTestResult(models.Model):
    participant = models.ForeignKey("registration.Participant", verbose_name=_("participant"), null=True, blank=True,
                                    on_delete=models.CASCADE, related_name="self_tests")
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    probes = models.JSONField(_("probes"), help_text=_("Each probe's outcome: true, false or null (not tested)."))
    connectivity = models.CharField(_("connectivity"), max_length=24, choices=[(c, c) for c in verdict.CONNECTIVITY])
    ipv4 = models.CharField(_("IPv4 reached"), max_length=8)
    large_packets = models.CharField(_("large packets"), max_length=8)
    browser = models.CharField(_("browser"), max_length=200, blank=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("self-test result")

    def __str__(self) -> str:
        return f"{self.connectivity} at {self.at:%Y-%m-%d %H:%M}"

    @property
    def verdict(self) -> verdict.Verdict:
        return verdict.judge(self.probes)
