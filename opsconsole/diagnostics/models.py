"""Every diagnostic run with its verdict, and the event's own DNS domains that the lame-delegation check watches."""
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gateways.intent import IntentError, dns_name
from opsconsole.audit.trail import audited
from opsconsole.transition.validators import ListOf, compressed_words, validate_address, words

from .dnswire import DiagnosticError, parse_name


class DiagnosticResult(models.Model):
    class Kind(models.TextChoices):
        AAAA = "aaaa", _("AAAA answers (RFC 4074)")
        LAME = "lame", _("lame delegation")
        DNS64 = "dns64", _("DNS64 synthesis")
        PMTU = "pmtu", _("path MTU")

    kind = models.CharField(_("check"), max_length=8, choices=Kind.choices)
    subject = models.CharField(_("checked"), max_length=255)
    verdict = models.CharField(_("verdict"), max_length=32)
    ok = models.BooleanField(_("healthy"))
    details = models.JSONField(_("details"), default=dict)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+", verbose_name=_("run by"))
    actor_label = models.CharField(_("run by"), max_length=150)
    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("diagnostic result")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.subject}: {self.verdict}"

    def get_absolute_url(self) -> str:
        return reverse("diagnostics:result", args=[self.pk])

    @property
    def verdict_label(self) -> str:
        from .verdicts import VERDICTS

        return VERDICTS.get(self.verdict, self.verdict)


def validate_domain(value: str) -> None:
    try:
        parse_name(value)
    except DiagnosticError:
        raise ValidationError(_("“%(value)s” is not a DNS name, e.g. camp.example.org."), params={"value": value}) from None


@audited()
class EventDomain(models.Model):
    """A zone the event runs (forward or reverse): its delegation from the parent must reach servers that answer."""

    name = models.CharField(_("domain"), max_length=253, unique=True, validators=[validate_domain],
                            error_messages={"unique": _("This domain is already listed.")},
                            help_text=_("e.g. camp.wide.ad.jp, or a reverse zone such as 0.8.b.d.0.1.0.0.2.ip6.arpa"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("event domain")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        try:
            self.name = parse_name(self.name).to_text(omit_final_dot=True).lower()
        except DiagnosticError:
            pass  # the field's validator says why


@audited()
class ReverseDnsService(models.Model):
    """Makes a gateway node the authoritative server of the reverse zones of every address the plan hands out."""

    node = models.OneToOneField("nodes.GatewayNode", verbose_name=_("node"), on_delete=models.CASCADE,
                                related_name="reverse_dns_service")
    forward_domain = models.CharField(_("domain of the generated names"), max_length=200, validators=[validate_domain],
                                      help_text=_("PTR records point into it, e.g. v4-192-0-2-7.camp.example.org"))
    nameserver = models.CharField(_("nameserver"), max_length=253, validators=[validate_domain],
                                  help_text=_("this node's name, the zones' NS"))
    hostmaster = models.CharField(_("hostmaster mailbox"), max_length=253, validators=[validate_domain],
                                  help_text=_("as a DNS name: noc.camp.example.org for noc@camp.example.org"))
    listen = models.CharField(_("listen addresses"), max_length=500, default=":: 0.0.0.0",
                              validators=[ListOf(validate_address)])
    port = models.PositiveIntegerField(_("port"), default=53, validators=[MinValueValidator(1), MaxValueValidator(65535)])

    class Meta:
        verbose_name = _("reverse DNS service")

    def __str__(self) -> str:
        return f"reverse DNS on {self.node}"

    def clean(self) -> None:
        for field in ("forward_domain", "nameserver", "hostmaster"):
            try:
                setattr(self, field, dns_name(getattr(self, field), field))
            except IntentError:
                pass  # the field's validator says why
        try:
            self.listen = compressed_words(self.listen)
        except ValueError:
            return
        if not words(self.listen):
            raise ValidationError({"listen": _("Give at least one listen address.")})


@audited()
class AttachedResult(models.Model):
    """Where a person attached a result: one trouble report, or the timeline (no report). Each place takes it once."""

    result = models.ForeignKey(DiagnosticResult, on_delete=models.CASCADE, related_name="attached_to",
                               verbose_name=_("result"))
    report = models.ForeignKey("support.TroubleReport", null=True, blank=True, on_delete=models.CASCADE,
                               related_name="+", verbose_name=_("trouble report"))
    by = models.CharField(_("attached by"), max_length=150)
    at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("attached result")
        constraints = [
            models.UniqueConstraint(fields=["result", "report"], name="diagnostics_result_attached_once_per_report"),
            models.UniqueConstraint(fields=["result"], condition=models.Q(report__isnull=True),
                                    name="diagnostics_result_attached_once_to_timeline"),
        ]

    def __str__(self) -> str:
        place = f"trouble report {self.report_id}" if self.report_id else "the timeline"
        return f"diagnostic result {self.result_id} attached to {place}"
