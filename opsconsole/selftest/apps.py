from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SelftestConfig(AppConfig):
    name = "opsconsole.selftest"
    label = "selftest"
    verbose_name = _("Connectivity self-test")
