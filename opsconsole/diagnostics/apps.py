from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiagnosticsConfig(AppConfig):
    name = "opsconsole.diagnostics"
    label = "diagnostics"
    verbose_name = _("Diagnostics")

    def ready(self) -> None:
        from . import signals

        signals.connect()
