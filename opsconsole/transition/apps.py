from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TransitionConfig(AppConfig):
    name = "opsconsole.transition"
    label = "transition"
    verbose_name = _("Transition roles")

    def ready(self) -> None:
        from . import signals

        signals.connect()
