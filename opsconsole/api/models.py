"""Personal API tokens: each acts as the person who made it, with that person's role, until revoked."""
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opsconsole.audit.trail import audited
from opsconsole.nodes.credentials import hash_token, new_secret

TOKEN_PREFIX = "oc_"
# Noting every use would write a row per API call; a minute is fine enough to see whether a token is still in use.
LAST_USED_GRANULARITY = timedelta(minutes=1)


@audited(secret_fields=("token_hash",), quiet_fields=("last_used_at",))
class ApiToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.CASCADE,
                             related_name="api_tokens")
    name = models.CharField(_("name"), max_length=80, help_text=_("What the token is for, e.g. “ansible on noc-laptop”."))
    # Only the SHA-256 of the token is kept: the token itself (256 random bits) is shown once, when it is made.
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    shown_start = models.CharField(_("starts with"), max_length=12, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("API token")

    def __str__(self) -> str:
        return f"{self.name} ({self.shown_start}…)"

    @classmethod
    def issue(cls, user, name: str) -> tuple["ApiToken", str]:
        """A new token for USER; returns the row and the token in clear, which is never stored."""
        token = TOKEN_PREFIX + new_secret()
        row = cls.objects.create(user=user, name=name, token_hash=hash_token(token), shown_start=token[:8])
        return row, token

    @classmethod
    def holder(cls, token: str) -> "ApiToken | None":
        """The token's row, found by its hash: a lookup that reveals nothing about stored tokens through timing."""
        return cls.objects.select_related("user").filter(token_hash=hash_token(token)).first()

    def note_use(self, now=None) -> None:
        now = now or timezone.now()
        if self.last_used_at is None or now - self.last_used_at >= LAST_USED_GRANULARITY:
            ApiToken.objects.filter(pk=self.pk).update(last_used_at=now)
            self.last_used_at = now
