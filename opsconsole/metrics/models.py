"""Tokens a Prometheus server scrapes /metrics with; only their hashes are stored."""
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opsconsole.audit.trail import audited
from opsconsole.nodes import credentials


@audited(secret_fields=("token_hash",), quiet_fields=("last_used_at",))
class ScrapeToken(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True, help_text=_("Which Prometheus server uses it."))
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("scrape token")

    def __str__(self) -> str:
        return self.name

    def issue(self) -> str:
        """A new token, returned in clear once, for the Prometheus server's configuration."""
        token = credentials.new_secret()
        self.token_hash = credentials.hash_token(token)
        return token
