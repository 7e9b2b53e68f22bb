from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RadiusConfig(AppConfig):
    name = "opsconsole.radius"
    label = "radius"
    verbose_name = _("RADIUS")

    def ready(self) -> None:
        from . import signals  # noqa: F401  (NAS changes rebuild the RADIUS nodes' intents)
