"""What the NOC sets about its dashboard: which SNMP interfaces are uplinks, and whether the public wall view is on."""
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from opsconsole.audit.trail import audited
from opsconsole.monitoring.models import Series, SnmpDevice


@audited()
class Uplink(models.Model):
    """An interface of an SNMP device that carries the event network's traffic to the outside."""

    device = models.ForeignKey(SnmpDevice, verbose_name=_("SNMP device"), on_delete=models.CASCADE,
                               related_name="uplinks")
    interface = models.CharField(_("interface"), max_length=100, help_text=_("Its ifName, as the device reports it."))
    label = models.CharField(_("label"), max_length=60, blank=True,
                             help_text=_("What the wall screen calls it, e.g. the upstream's name."))
    capacity_mbps = models.PositiveIntegerField(
        _("capacity (Mb/s)"), null=True, blank=True, validators=[MinValueValidator(1)],
        help_text=_("The contracted rate when it is below the link speed; empty: the link speed the device reports."))

    class Meta:
        ordering = ["device__name", "interface"]
        verbose_name = _("uplink")
        verbose_name_plural = _("uplinks")
        constraints = [models.UniqueConstraint(fields=["device", "interface"], name="dashboard_uplink_once")]

    def __str__(self) -> str:
        return self.label or f"{self.device} {self.interface}"

    def clean(self) -> None:
        if self.device_id is None or not self.interface:
            return
        if not Series.objects.filter(device_id=self.device_id, key=f"if:{self.interface}:up").exists():
            raise ValidationError({"interface": _("%(device)s has not reported an interface “%(interface)s”; "
                                                  "choose one its polls have seen.")
                                   % {"device": self.device, "interface": self.interface}})


@audited()
class WallSetting(models.Model):
    """One row (pk 1): whether anyone, signed in or not, may open the wall view."""

    public_wall = models.BooleanField(_("public wall view"), default=False,
                                      help_text=_("Aggregates only, nothing personal, readable without signing in."))

    class Meta:
        verbose_name = _("wall setting")
        verbose_name_plural = _("wall settings")

    def __str__(self) -> str:
        return str(_("wall setting"))

    @classmethod
    def load(cls) -> "WallSetting":
        """The stored setting, or the default unsaved (a reader must not write the row, nor an audit entry)."""
        return cls.objects.filter(pk=1).first() or cls(pk=1)
