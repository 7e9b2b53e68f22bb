"""One rule of each kind with the thresholds the issue names (Stork's 80 % for DHCP, 75 % for NAT64, an uplink
above 50 % for 5 minutes); the NOC changes them on the alerts page."""
from django.db import migrations

DEFAULTS = [
    # kind, threshold, duration in seconds
    ("node-unreachable", 60, 0),
    ("push-failed", 0, 0),
    ("dhcp-pool", 80, 0),
    ("nat64-pool", 75, 0),
    ("dns64-slow", 500, 0),
    ("dns64-wrong", 0, 0),
    ("uplink-busy", 50, 300),
    ("link-slow", 1000, 0),
    ("snmp-down", 0, 0),
    ("radius-rejects", 20, 300),
    ("certificate-expiring", 14, 0),
]


def create_rules(apps, schema_editor):
    AlertRule = apps.get_model("alerts", "AlertRule")
    for kind, threshold, duration in DEFAULTS:
        if not AlertRule.objects.filter(kind=kind).exists():
            AlertRule.objects.create(kind=kind, threshold=threshold, duration_seconds=duration)


class Migration(migrations.Migration):
    dependencies = [("alerts", "0001_rules_alerts_and_notifications")]
    operations = [migrations.RunPython(create_rules, migrations.RunPython.noop)]
