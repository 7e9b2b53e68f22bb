"""The SNMP inventory over the API (NOC only, as in the admin); communities and keys are write-only."""
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from opsconsole.monitoring.models import SnmpDevice

from .base import NOC, ModelCleanSerializer, ModelViewSet, filter_set

SECRETS = ("community", "auth_key", "priv_key")


def write_only_secret(help_text, **options) -> serializers.CharField:
    return serializers.CharField(write_only=True, required=False, allow_blank=True, help_text=help_text, **options)


class SnmpDeviceSerializer(ModelCleanSerializer):
    community = write_only_secret(_("SNMPv2c community; empty keeps the stored one. Never returned."))
    auth_key = write_only_secret(_("SNMPv3 authentication key; empty keeps it. Never returned."), min_length=8)
    priv_key = write_only_secret(_("SNMPv3 privacy key; empty keeps it. Never returned."), min_length=8)

    class Meta:
        model = SnmpDevice
        fields = ["id", "name", "address", "port", "kind", "vendor", "enabled", "version", "community", "v3_user",
                  "auth_protocol", "auth_key", "priv_protocol", "priv_key", "state", "last_polled_at", "last_error"]

    def prepare(self, instance: SnmpDevice, extra: dict) -> None:
        instance.set_secrets(**{name: extra.get(name, "") for name in SECRETS})


class SnmpDeviceViewSet(ModelViewSet):
    queryset = SnmpDevice.objects.all()
    serializer_class = SnmpDeviceSerializer
    filterset_class = filter_set(SnmpDevice, "name", "kind", "vendor", "enabled", "state")
    read_roles = write_roles = NOC
