from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "opsconsole.monitoring"
    label = "monitoring"
    verbose_name = _("Monitoring")

    def ready(self) -> None:
        from opsconsole.nodes.live import heartbeat_received

        from . import node_panels, node_stats

        heartbeat_received.connect(node_stats.store_heartbeat, dispatch_uid="monitoring-node-stats")
        node_panels.register_panels()
