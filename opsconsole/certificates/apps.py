from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    name = "opsconsole.certificates"
    verbose_name = _("EAP-TLS certificates")

    def ready(self) -> None:
        from . import signals  # noqa: F401  (revokes a removed device's certificate)
