"""The plan over the API: VLANs, their per-family rows (Table 1), SSIDs and prefixes. NOC and helpdesk read, NOC writes."""
from rest_framework import serializers

from opsconsole.plan.choices import Band
from opsconsole.plan.models import Prefix, Ssid, Vlan, VlanFamily
from opsconsole.plan.validators import BAND_UNKNOWN, BANDS_NEEDED

from .base import ModelCleanSerializer, ModelViewSet, drf_message, filter_set


def vlan_by_vid(**options) -> serializers.SlugRelatedField:
    return serializers.SlugRelatedField(slug_field="vid", queryset=Vlan.objects.all(), **options)


class VlanSerializer(ModelCleanSerializer):
    class Meta:
        model = Vlan
        fields = ["id", "vid", "name", "purpose"]


class VlanViewSet(ModelViewSet):
    queryset = Vlan.objects.all()
    serializer_class = VlanSerializer
    lookup_field = "vid"
    lookup_value_regex = "[0-9]+"
    filterset_class = filter_set(Vlan, "name")


class VlanFamilySerializer(ModelCleanSerializer):
    vlan = vlan_by_vid()

    class Meta:
        model = VlanFamily
        fields = ["id", "vlan", "family", "scope", "allocation", "resolver", "transition", "v6only_wait"]


class VlanFamilyViewSet(ModelViewSet):
    queryset = VlanFamily.objects.select_related("vlan")
    serializer_class = VlanFamilySerializer
    filterset_class = filter_set(VlanFamily, "family", "scope", "allocation", "resolver", "transition", vlan="vlan__vid")


class SsidSerializer(ModelCleanSerializer):
    vlan = vlan_by_vid()
    bands = serializers.ListField(
        child=serializers.ChoiceField(choices=Band.choices(), error_messages={
            "invalid_choice": drf_message(BAND_UNKNOWN)}),
        allow_empty=False, error_messages={"empty": BANDS_NEEDED, "required": BANDS_NEEDED},
    )

    class Meta:
        model = Ssid
        fields = ["id", "essid", "hidden", "bands", "authentication", "vlan"]


class SsidViewSet(ModelViewSet):
    queryset = Ssid.objects.select_related("vlan")
    serializer_class = SsidSerializer
    filterset_class = filter_set(Ssid, "essid", "hidden", "authentication", vlan="vlan__vid")


class PrefixSerializer(ModelCleanSerializer):
    vlan = vlan_by_vid()
    family = serializers.CharField(read_only=True)

    class Meta:
        model = Prefix
        fields = ["id", "network", "family", "purpose", "vlan", "description"]


class PrefixViewSet(ModelViewSet):
    queryset = Prefix.objects.select_related("vlan").order_by("vlan__vid", "network")
    serializer_class = PrefixSerializer
    filterset_class = filter_set(Prefix, "network", "purpose", vlan="vlan__vid")
