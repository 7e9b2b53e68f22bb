from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupportConfig(AppConfig):
    name = "opsconsole.support"
    label = "support"
    verbose_name = _("Trouble reports")

    def ready(self) -> None:
        from opsconsole.monitoring.panels import Panel, register

        from .queue import open_reports_panel

        register(Panel(name="open-trouble-reports", template="support/_panel.html", context=open_reports_panel,
                       topics=("support",), order=60, public=False))
