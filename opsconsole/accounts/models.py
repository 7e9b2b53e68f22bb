"""People who use the console and the one role each of them holds."""
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from opsconsole.audit.trail import audited


class Role(models.TextChoices):
    NOC = "noc", _("NOC")
    HELPDESK = "helpdesk", _("Helpdesk")
    PARTICIPANT = "participant", _("Participant")


@audited(secret_fields=("password",), quiet_fields=("last_login",))
class User(AbstractUser):
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.PARTICIPANT)

    def save(self, *args, **kwargs):
        # Only the NOC reaches the Django admin; the flags follow the role so they can never disagree.
        self.is_staff = self.is_superuser = self.role == Role.NOC
        super().save(*args, **kwargs)

    @property
    def is_noc(self) -> bool:
        return self.role == Role.NOC

    @property
    def is_helpdesk(self) -> bool:
        return self.role == Role.HELPDESK

    @property
    def is_participant(self) -> bool:
        return self.role == Role.PARTICIPANT

    @property
    def is_staff_member(self) -> bool:
        """NOC or helpdesk: people who serve participants."""
        return self.role in (Role.NOC, Role.HELPDESK)
