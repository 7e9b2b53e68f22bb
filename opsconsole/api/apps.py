from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "opsconsole.api"
    label = "api"
    verbose_name = "REST API"
