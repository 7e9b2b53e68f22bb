"""Setup guides per operating system, in Japanese and English, kept by the NOC."""
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from opsconsole.audit.trail import audited
from opsconsole.registration.models import OperatingSystem


class Topic(models.TextChoices):
    IPV4_OFF = "ipv4-off", _("Avoid the long wait for IPv4")
    DNS64 = "dns64", _("Set the DNS64 resolver")
    CERTIFICATE = "certificate", _("Install the certificate")
    APPLICATIONS = "applications", _("Applications on an IPv6-only network")


@audited()
class Guide(models.Model):
    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    os = models.CharField(_("operating system"), max_length=16, choices=OperatingSystem.choices)
    topic = models.CharField(_("topic"), max_length=16, choices=Topic.choices)
    title_en = models.CharField(_("title (English)"), max_length=120)
    title_ja = models.CharField(_("title (Japanese)"), max_length=120, blank=True)
    body_en = models.TextField(_("text (English)"), help_text=_(
        'Plain text: a blank line starts a paragraph; lines starting with "$ " are commands; {dns64_resolver} '
        "becomes the network's DNS64 resolver address."))
    body_ja = models.TextField(_("text (Japanese)"), blank=True, help_text=_("Empty: the English text is shown."))
    order = models.PositiveSmallIntegerField(_("order"), default=100)

    class Meta:
        ordering = ["order", "os", "slug"]
        verbose_name = _("setup guide")

    def __str__(self) -> str:
        return self.slug

    @property
    def title(self) -> str:
        return self.title_ja if get_language() == "ja" and self.title_ja else self.title_en

    @property
    def body(self) -> str:
        return self.body_ja if get_language() == "ja" and self.body_ja else self.body_en
