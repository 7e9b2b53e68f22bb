"""Participants and their devices over the API: the helpdesk's desk, and a participant's own devices as in the portal."""
from django.core.exceptions import ValidationError as ModelValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import APIException
from rest_framework.response import Response

from opsconsole.accounts.models import Role, User
from opsconsole.core.client_address import client_address
from opsconsole.registration.forms import ExtendForm
from opsconsole.registration.importer import COLUMNS, MAX_BYTES, TOO_LARGE, import_csv
from opsconsole.registration.mac import is_locally_administered, search_digits
from opsconsole.registration.models import Device, Participant, PortalRegistration, RegistrationSettings, SignInCode
from opsconsole.registration.models import Source, lock_participants, registered_already, registrable_vlans
from opsconsole.registration.signals import mark_dhcp_nodes_after_commit
from opsconsole.registration.portal import rate_limited

from .base import EVERYONE, NOC, STAFF, ModelCleanSerializer, ModelViewSet, filter_set, own_participant, role_of

NO_PARTICIPANT = _("Your account belongs to no participant; ask the helpdesk.")
MAC_TAKEN_FOR_PARTICIPANTS = _("This MAC address is already registered. If it is yours, ask the helpdesk.")


class TooManyRegistrations(APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_detail = _("Too many registrations in the last hour from you or from this address; try again later or "
                       "ask the helpdesk.")
    default_code = "too_many_registrations"


class ParticipantSerializer(ModelCleanSerializer):
    user = serializers.SlugRelatedField(slug_field="username", queryset=User.objects.filter(role=Role.PARTICIPANT),
                                        allow_null=True, required=False)

    class Meta:
        model = Participant
        fields = ["id", "name", "affiliation", "email", "user", "active_from", "active_until"]


class ParticipantFilter(filter_set(Participant, "email", "affiliation")):
    search = filters.CharFilter(method="search_text", label=_("name, e-mail, affiliation or any part of a MAC"))

    def search_text(self, queryset, name, value):
        matches = Q(search_text__contains=value.strip().lower())
        if digits := search_digits(value):
            matches |= Q(search_text__contains=digits)
        return queryset.filter(matches)


class ParticipantCsv(serializers.Serializer):
    csv = serializers.CharField(
        trim_whitespace=False, allow_blank=True, max_length=MAX_BYTES, error_messages={"max_length": TOO_LARGE},
        help_text=_("The CSV text, with a header naming the columns %(columns)s: one row per device; rows with the "
                    "same e-mail are one participant.") % {"columns": ", ".join(COLUMNS)})
    apply = serializers.BooleanField(
        default=False, help_text=_("false: a preview, as the page's \"Preview\"; true: import every row."))


class ParticipantsImported(serializers.Serializer):
    applied = serializers.BooleanField()
    participants = serializers.IntegerField(help_text=_("New participants, made or to be made."))
    devices = serializers.IntegerField(help_text=_("New devices, registered or to be registered."))
    rows = inline_serializer("CsvRow", many=True, fields={
        "number": serializers.IntegerField(help_text=_("The row's number as a spreadsheet counts it (the header is 1).")),
        **{column: serializers.CharField() for column in COLUMNS}})


class ParticipantViewSet(ModelViewSet):
    queryset = Participant.objects.defer("search_text")
    serializer_class = ParticipantSerializer
    filterset_class = ParticipantFilter
    read_roles, write_roles = EVERYONE, STAFF
    # As on the pages, no deleting: only the admin does.
    http_method_names = ["get", "post", "put", "patch", "head"]

    def owned_by(self, queryset, participant):
        return queryset.filter(pk=participant.pk)

    @extend_schema(request=ParticipantCsv, responses=ParticipantsImported)
    @action(detail=False, methods=["post"], url_path="import")
    def import_csv(self, request):
        """Preview or import participants and their devices from CSV, as on the helpdesk's import page: every row is
        checked by the models, and nothing is written if any row is bad; then every problem is refused under "csv",
        each naming its row and column."""
        asked = ParticipantCsv(data=request.data)
        asked.is_valid(raise_exception=True)
        applied = asked.validated_data["apply"]
        result = import_csv(asked.validated_data["csv"], request.user, commit=applied)
        if result.errors:
            raise serializers.ValidationError({"csv": result.errors})
        return Response({"applied": applied, "participants": result.participants, "devices": result.devices,
                         "rows": result.rows})


class DeviceSerializer(ModelCleanSerializer):
    vlans = serializers.SlugRelatedField(slug_field="vid", many=True, queryset=registrable_vlans(), required=False,
                                         help_text=_("Empty: every VLAN whose SSIDs need a registration."))
    registered_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    state = serializers.CharField(read_only=True)
    randomised = serializers.SerializerMethodField(help_text=_("A locally administered (private) address."))

    class Meta:
        model = Device
        fields = ["id", "participant", "mac", "label", "os", "vlans", "source", "registered_by", "registered_at",
                  "expires_at", "state", "randomised"]
        read_only_fields = ["source", "registered_at"]
        # Wider than the stored form, so a pasted address with spaces reaches the model's plain message.
        extra_kwargs = {"mac": {"max_length": 40}}

    # A new registration refused only because the participant has this MAC already: a retry, answered with it.
    registered_already: Device | None = None

    def get_randomised(self, device: Device) -> bool:
        return is_locally_administered(device.mac)

    @property
    def for_participant(self) -> bool:
        return role_of(self.context["request"].user) == Role.PARTICIPANT

    def get_fields(self):
        fields = super().get_fields()
        if "request" in self.context and self.for_participant:
            # As in the portal: one's own devices only, and the registration lasts as the helpdesk set it.
            for name in ("participant", "expires_at"):
                fields[name].read_only = True
        return fields

    def prepare(self, instance: Device, extra: dict) -> None:
        request = self.context["request"]
        self._candidate = instance
        if instance.pk is None:
            if self.for_participant:
                instance.participant = own_participant(request)
                if instance.participant is None:
                    raise serializers.ValidationError({"participant": [NO_PARTICIPANT]})
            instance.source = Source.SELF_SERVICE if self.for_participant else Source.HELPDESK
            instance.registered_by = request.user
        if instance.participant_id is not None:
            # Parallel registrations of one participant take turns, so none passes the device limit.
            lock_participants({instance.participant_id, Device.objects.filter(pk=instance.pk).values_list(
                "participant_id", flat=True).first()})
        # As on the pages: no VLAN ticked means every VLAN that needs a registration.
        if not self._many.get("vlans", instance.pk is not None):
            self._many["vlans"] = list(registrable_vlans())

    def refine(self, error: ModelValidationError) -> ModelValidationError:
        self.registered_already = registered_already(self._candidate, error)
        if not self.for_participant or not hasattr(error, "error_dict"):
            return error
        mac = error.error_dict.get("mac", [])
        if any(item.code == "mac_taken" for item in mac):
            error.error_dict["mac"] = [ModelValidationError(MAC_TAKEN_FOR_PARTICIPANTS, code="mac_taken")]
        return error


class Extension(serializers.Serializer):
    hours = serializers.IntegerField(min_value=ExtendForm.base_fields["hours"].min_value,
                                     max_value=ExtendForm.base_fields["hours"].max_value,
                                     help_text=_("Hours more from the registration's end, or from now once it ended."))


class DeviceViewSet(ModelViewSet):
    queryset = Device.objects.select_related("participant", "registered_by").prefetch_related("vlans")
    serializer_class = DeviceSerializer
    filterset_class = filter_set(Device, "participant", "os", "source", mac="mac")
    read_roles = write_roles = EVERYONE
    action_roles = {"extend": STAFF}
    rate_limited_actions = ("create",)

    @extend_schema(request=Extension, responses=DeviceSerializer)
    @action(detail=True, methods=["post"])
    def extend(self, request, pk: str):
        """Extend a registration, as the helpdesk's "extend" button does."""
        return self.act_on_locked(pk, Extension, lambda device, asked: device.extend(asked["hours"], timezone.now()))

    def owned_by(self, queryset, participant):
        return queryset.filter(participant=participant)

    @transaction.atomic
    def create(self, request, *args, **kwargs):
        """As on the pages, sending a registration again answers with the device the first one stored (200), and its
        DHCP nodes are asked again to include it: the first request may have failed after its commit."""
        serializer = self.get_serializer(data=request.data)
        if not serializer.is_valid() and serializer.registered_already is not None:
            mark_dhcp_nodes_after_commit()
            return Response(self.get_serializer(serializer.registered_already).data)
        serializer.is_valid(raise_exception=True)
        self.perform_create(serializer)
        return Response(serializer.data, status=status.HTTP_201_CREATED, headers=self.get_success_headers(serializer.data))

    def perform_create(self, serializer) -> None:
        if role_of(self.request.user) != Role.PARTICIPANT:
            serializer.save()
            return
        # The portal's limits apply to self-service through the API as well.
        participant, address = own_participant(self.request), client_address(self.request)
        if rate_limited(participant, address):
            raise TooManyRegistrations()
        serializer.save()
        PortalRegistration.objects.create(participant=participant, source_address=address or "::")


class SignInCodeSerializer(ModelCleanSerializer):
    code = serializers.SerializerMethodField(
        help_text=_("The one-time code, in the answer that makes it only (null afterwards): the participant enters "
                    "it at sign_in_url. A new code replaces the participant's unused one."))
    sign_in_url = serializers.SerializerMethodField()

    class Meta:
        model = SignInCode
        fields = ["id", "participant", "code", "sign_in_url", "expires_at", "used_at"]
        read_only_fields = ["expires_at", "used_at"]

    def prepare(self, instance: SignInCode, extra: dict) -> None:
        instance.expires_at = SignInCode.expiry()

    def create(self, validated_data: dict) -> SignInCode:
        made = super().create(validated_data)
        self.made = made
        return made

    def get_code(self, sign_in_code: SignInCode) -> str | None:
        return sign_in_code.code if sign_in_code is getattr(self, "made", None) else None

    def get_sign_in_url(self, sign_in_code: SignInCode) -> str:
        return self.context["request"].build_absolute_uri(reverse("portal:sign-in"))


class SignInCodeViewSet(ModelViewSet):
    """One-time portal sign-in codes the helpdesk hands to a participant, as on the participant's page."""

    queryset = SignInCode.objects.order_by("-expires_at", "-pk")
    serializer_class = SignInCodeSerializer
    filterset_class = filter_set(SignInCode, "participant")
    write_roles = STAFF
    http_method_names = ["get", "post", "head"]


class RegistrationSettingsSerializer(ModelCleanSerializer):
    class Meta:
        model = RegistrationSettings
        fields = ["id", "device_limit", "portal_registrations_per_hour"]


class RegistrationSettingsViewSet(ModelViewSet):
    """The NOC's registration limits: one row, id 1, as on the registration settings page."""

    queryset = RegistrationSettings.objects.all()
    serializer_class = RegistrationSettingsSerializer
    read_roles = write_roles = NOC
    http_method_names = ["get", "put", "patch", "head"]

    def get_queryset(self):
        RegistrationSettings.load()  # the row is made with the defaults on first use, as the page does
        return super().get_queryset()
