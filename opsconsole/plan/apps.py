from django.apps import AppConfig


class PlanConfig(AppConfig):
    name = "opsconsole.plan"
    label = "plan"
    verbose_name = "Network plan"
