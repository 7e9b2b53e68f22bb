from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TimelineConfig(AppConfig):
    name = "opsconsole.timeline"
    label = "timeline"
    verbose_name = _("Timeline")

    def ready(self) -> None:
        from opsconsole.monitoring.panels import Panel, register

        from . import signals  # noqa: F401  (pushes and plan changes become entries)
        from .entries import recent_entries

        register(Panel(name="timeline-panel", template="timeline/_panel.html", context=recent_entries,
                       topics=("timeline",), order=90))
