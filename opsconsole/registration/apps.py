from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistrationConfig(AppConfig):
    name = "opsconsole.registration"
    verbose_name = _("Device registration")

    def ready(self) -> None:
        from . import signals  # noqa: F401  (audits device VLAN changes)
