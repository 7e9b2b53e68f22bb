from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    name = "opsconsole.alerts"
    label = "alerts"
    verbose_name = _("Alerts")

    def ready(self) -> None:
        from opsconsole.monitoring.panels import Panel, register

        from .pages import open_alerts

        register(Panel(name="open-alerts", template="alerts/_panel.html", context=open_alerts, topics=("alerts",),
                       order=10))
