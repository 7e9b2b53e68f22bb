"""The DNS and path MTU diagnostics over the API, as on the diagnostics pages: staff run the checks and read every
stored result, attach one to an open trouble report or the timeline; the NOC applies an AAAA result's workaround and
keeps the event's domains that the lame-delegation check watches."""
from django.core.exceptions import ValidationError as ModelValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.settings import api_settings

from opsconsole.diagnostics import runs
from opsconsole.diagnostics.attaching import AlreadyAttached, attach_result
from opsconsole.diagnostics.forms import NameForm, OverrideForm
from opsconsole.diagnostics.models import AttachedResult, DiagnosticResult, EventDomain
from opsconsole.diagnostics.reverse import reverse_zone_files
from opsconsole.nodes.models import GatewayNode
from opsconsole.support.models import Status, TroubleReport

from .base import NOC, STAFF, ApiSerializer, ConsoleAccess, Conflict, ModelCleanSerializer, ModelViewSet, ReadOnlyViewSet
from .base import filter_set
from .nodes import ROLE_RESOURCES

Dns64OverrideSerializer = ROLE_RESOURCES["dns64-override"].serializer_class


class AttachedSerializer(ApiSerializer):
    class Meta:
        model = AttachedResult
        fields = ["id", "report", "by", "at"]
        extra_kwargs = {"report": {"help_text": _("The trouble report, or null: the timeline.")}}


class DiagnosticResultSerializer(ApiSerializer):
    verdict_label = serializers.CharField(read_only=True, help_text=_("What the verdict means, in the reader's words."))
    run_by = serializers.CharField(source="actor_label", read_only=True)
    attached_to = AttachedSerializer(many=True, read_only=True)
    workaround = serializers.SerializerMethodField(
        help_text=_("An AAAA result whose workaround the NOC can apply to the DNS64 nodes (see override)."))

    class Meta:
        model = DiagnosticResult
        fields = ["id", "kind", "subject", "verdict", "verdict_label", "ok", "details", "run_by", "at", "attached_to",
                  "workaround"]

    def get_workaround(self, result: DiagnosticResult) -> bool:
        return has_workaround(result)


def has_workaround(result: DiagnosticResult) -> bool:
    return result.kind == DiagnosticResult.Kind.AAAA and bool(result.details.get("workaround"))


class NameCheck(serializers.Serializer):
    name = serializers.CharField(max_length=NameForm.base_fields["name"].max_length,
                                 help_text=_("The DNS name to check, e.g. www.example.com."))

    def validate_name(self, typed: str) -> str:
        form = NameForm({"name": typed})
        if not form.is_valid():
            raise serializers.ValidationError(form.errors["name"])
        return form.cleaned_data["name"]


class LameCheck(serializers.Serializer):
    domain = serializers.PrimaryKeyRelatedField(
        queryset=EventDomain.objects.all(), allow_null=True, default=None,
        help_text=_("One of the event's domains; none: every one of them, each a result of its own."))


class PmtuCheck(serializers.Serializer):
    node = serializers.SlugRelatedField(slug_field="name", queryset=GatewayNode.objects.all(),
                                        help_text=_("The node whose tunnels are probed through."))
    destination = serializers.IPAddressField(help_text=_("The address the probes go to, e.g. 192.0.2.10."))


class Override(serializers.Serializer):
    roles = serializers.PrimaryKeyRelatedField(
        many=True, allow_empty=False, queryset=OverrideForm.base_fields["roles"].queryset,
        help_text=_("The DNS64 roles (ids) that should synthesise this name from its A records."))

    def get_fields(self):
        fields = super().get_fields()
        if "name" in self.context:
            # As on the page: the DNS64 roles that do not have this name's override yet.
            fields["roles"].child_relation.queryset = OverrideForm(name=self.context["name"]).fields["roles"].queryset
        return fields


class Attach(serializers.Serializer):
    report = serializers.PrimaryKeyRelatedField(
        queryset=TroubleReport.objects.filter(status=Status.OPEN), allow_null=True, default=None,
        help_text=_("An open trouble report; null or left out: the timeline."))


class DiagnosticResultViewSet(ReadOnlyViewSet):
    """Every check run, newest first. Running one stores its result, healthy or not, and answers with it (201)."""

    queryset = DiagnosticResult.objects.prefetch_related("attached_to")
    serializer_class = DiagnosticResultSerializer
    filterset_class = filter_set(DiagnosticResult, "kind", "subject", "verdict", "ok")
    write_roles = STAFF
    action_roles = {"override": NOC}

    def checked(self, body: type[serializers.Serializer]) -> dict:
        asked = body(data=self.request.data)
        asked.is_valid(raise_exception=True)
        return asked.validated_data

    def stored(self, result: DiagnosticResult) -> Response:
        return Response(self.get_serializer(result).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=NameCheck, responses={201: DiagnosticResultSerializer})
    @action(detail=False, methods=["post"])
    def aaaa(self, request):
        """Ask a name's authoritative servers for AAAA and A (RFC 4074), and what each DNS64 node makes of it."""
        return self.stored(runs.run_aaaa_check(self.checked(NameCheck)["name"], request.user))

    @extend_schema(request=NameCheck, responses={201: DiagnosticResultSerializer})
    @action(detail=False, methods=["post"])
    def dns64(self, request):
        """Ask each DNS64 node for a name's AAAA and compare it with what RFC 6052 synthesis gives."""
        return self.stored(runs.run_dns64_check(self.checked(NameCheck)["name"], request.user))

    @extend_schema(request=PmtuCheck, responses={201: DiagnosticResultSerializer})
    @action(detail=False, methods=["post"])
    def pmtu(self, request):
        """Have a node's agent probe the path MTU to an address, against each of its tunnels' MTU."""
        asked = self.checked(PmtuCheck)
        return self.stored(runs.run_pmtu_check(asked["node"], asked["destination"], request.user))

    @extend_schema(request=LameCheck, responses={201: DiagnosticResultSerializer(many=True)})
    @action(detail=False, methods=["post"], pagination_class=None)
    def lame(self, request):
        """Check the delegation of one event domain, or of each: every nameserver the parent lists must answer with
        authority."""
        chosen = self.checked(LameCheck)["domain"]
        domains = [chosen] if chosen is not None else EventDomain.objects.all()
        results = [runs.run_lame_check(domain, request.user) for domain in domains]
        return Response(self.get_serializer(results, many=True).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=Override, responses={201: Dns64OverrideSerializer(many=True)})
    @action(detail=True, methods=["post"])
    def override(self, request, pk: str):
        """Apply an AAAA result's workaround: the chosen DNS64 nodes synthesise the name from its A records (audited;
        the nodes' new configuration is pushed)."""
        found = self.get_object()
        if not has_workaround(found):
            raise Conflict(_("This result offers no workaround: only an AAAA check whose name's servers misbehave "
                             "while it has A records does."))
        asked = Override(data=request.data, context={"name": found.subject})
        asked.is_valid(raise_exception=True)
        try:
            added = runs.add_overrides(found, list(asked.validated_data["roles"]))
        except ModelValidationError as error:
            raise serializers.ValidationError({api_settings.NON_FIELD_ERRORS_KEY: error.messages}) from None
        return Response(Dns64OverrideSerializer(added, many=True).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=Attach, responses={201: AttachedSerializer})
    @action(detail=True, methods=["post"])
    def attach(self, request, pk: str):
        """Keep the result with an open trouble report or on the timeline, with its summary and a link to its page;
        once per place."""
        found = self.get_object()
        report = self.checked(Attach)["report"]
        try:
            placed = attach_result(found, report, request.user, request.build_absolute_uri(found.get_absolute_url()))
        except AlreadyAttached:
            raise Conflict(_("This result is already attached there.")) from None
        return Response(AttachedSerializer(placed).data, status=status.HTTP_201_CREATED)


class EventDomainSerializer(ModelCleanSerializer):
    class Meta:
        model = EventDomain
        fields = ["id", "name", "note"]


class EventDomainViewSet(ModelViewSet):
    """The event's own zones, forward or reverse, that the lame-delegation check watches: staff read, the NOC adds
    and removes them, as on the domains page."""

    queryset = EventDomain.objects.all()
    serializer_class = EventDomainSerializer
    filterset_class = filter_set(EventDomain, "name")
    http_method_names = ["get", "post", "delete", "head"]


class ZoneFile(serializers.Serializer):
    path = serializers.CharField()
    content = serializers.CharField()


class ReverseZonesSerializer(serializers.Serializer):
    node = serializers.CharField(source="service.node.name")
    files = ZoneFile(many=True)
    problem = serializers.CharField(help_text=_("Why the node's zones cannot be rendered; empty when they can."))


class ReverseZonesViewSet(ConsoleAccess, viewsets.GenericViewSet):
    """Each reverse DNS node's zone files, exactly as the node renders them, as on the reverse zones page."""

    serializer_class = ReverseZonesSerializer
    filter_backends: list = []

    def list(self, request):
        nodes = self.paginate_queryset(reverse_zone_files())
        return self.get_paginated_response(self.get_serializer(nodes, many=True).data)
