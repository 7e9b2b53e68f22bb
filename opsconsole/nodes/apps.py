from django.apps import AppConfig


class NodesConfig(AppConfig):
    name = "opsconsole.nodes"
    label = "nodes"
    verbose_name = "Gateway nodes"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (a node's description reaches its intent)
