from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "opsconsole.dashboard"
    label = "dashboard"
    verbose_name = _("NOC dashboard")

    def ready(self) -> None:
        from . import panels

        panels.register_all()
