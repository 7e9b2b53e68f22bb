from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RadiusConfig(AppConfig):
    name = "opsconsole.radius"
    label = "radius"
    verbose_name = _("RADIUS")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate, pre_migrate

        from . import signals  # noqa: F401  (NAS changes rebuild the RADIUS nodes' intents)
        from .views import create_after_migrate, drop_before_migrate

        pre_migrate.connect(drop_before_migrate, sender=self, dispatch_uid="radius-drop-views")
        post_migrate.connect(create_after_migrate, sender=self, dispatch_uid="radius-create-views")
