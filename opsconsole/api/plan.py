"""The plan over the API: VLANs, their per-family rows (Table 1), SSIDs and prefixes, and the whole plan as YAML.
NOC and helpdesk read, NOC writes."""
from dataclasses import asdict

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from opsconsole.plan.choices import Band
from opsconsole.plan.models import Prefix, Ssid, Vlan, VlanFamily
from opsconsole.plan.validators import BAND_UNKNOWN, BANDS_NEEDED
from opsconsole.plan.yamlio import PlanErrors, check_plan, dropped_vlan_consequences, export_plan, import_plan

from .base import ConsoleAccess, ModelCleanSerializer, ModelViewSet, drf_message, filter_set


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


class PlanYaml(serializers.Serializer):
    yaml = serializers.CharField(trim_whitespace=False, allow_blank=True,
                                 help_text=_("The whole plan as YAML: the lists vlans, ssids and prefixes."))


class PlanImport(PlanYaml):
    apply = serializers.BooleanField(
        default=False, help_text=_("false: only check the file, as the page's \"Check only\"; true: import it."))


class Counts(serializers.Serializer):
    created = serializers.IntegerField()
    changed = serializers.IntegerField()
    deleted = serializers.IntegerField()


class PlanImported(serializers.Serializer):
    applied = serializers.BooleanField()
    consequences = serializers.ListField(
        child=serializers.CharField(),
        help_text=_("When checking: the registrations that importing would take from devices, one line per VLAN the "
                    "file drops."))
    summary = serializers.CharField(allow_null=True, help_text=_("When imported: what changed, in the page's words."))
    counts = serializers.DictField(child=Counts(), allow_null=True,
                                   help_text=_("When imported: vlans, ssids and prefixes created, changed, deleted."))


class PlanViewSet(ConsoleAccess, viewsets.ViewSet):
    """The plan as one YAML file, as on the plan's export and import pages. An import replaces the whole plan: rows
    missing from the file are deleted, and nothing changes unless the whole file is valid."""

    @extend_schema(responses=PlanYaml)
    @action(detail=False, methods=["get"])
    def export(self, request):
        """The current plan, as the page's download; importing it again changes nothing."""
        return Response({"yaml": export_plan()})

    @extend_schema(request=PlanImport, responses=PlanImported)
    @action(detail=False, methods=["post"], url_path="import")
    def import_yaml(self, request):
        """Check a plan file, or import it (audited, with the plan before and after, and one timeline entry). A bad
        file is refused with every problem under "yaml", each starting with its place such as vlans[2].vid."""
        asked = PlanImport(data=request.data)
        asked.is_valid(raise_exception=True)
        text = asked.validated_data["yaml"]
        try:
            if not asked.validated_data["apply"]:
                consequences = dropped_vlan_consequences(check_plan(text))
                return Response({"applied": False, "consequences": consequences, "summary": None, "counts": None})
            summary = import_plan(text)
        except PlanErrors as errors:
            raise serializers.ValidationError({"yaml": errors.errors}) from None
        return Response({"applied": True, "consequences": [], "summary": str(summary), "counts": asdict(summary)})
