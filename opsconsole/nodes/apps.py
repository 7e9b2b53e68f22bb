from django.apps import AppConfig


class NodesConfig(AppConfig):
    name = "opsconsole.nodes"
    label = "nodes"
    verbose_name = "Gateway nodes"
