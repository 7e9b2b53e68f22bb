"""RADIUS over the API: the NAS inventory (NOC; shared secrets write-only), accounting sessions, certificates and
Wi-Fi passwords. A certificate's private key and a Wi-Fi password leave once, in the answer that makes them."""
import base64

from django.core.exceptions import ValidationError as ModelValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.settings import api_settings

from opsconsole.accounts.models import Role
from opsconsole.certificates.forms import CertificateRequestForm
from opsconsole.certificates.issuing import issue_for_device, new_wifi_password, wifi_password_ssids
from opsconsole.certificates.models import IssuedCertificate, Kind, RevocationReason, WifiPassword
from opsconsole.radius.models import NAS_SECRET_NEEDED, Nas, RadAcct, validate_shared_secret
from opsconsole.registration.models import Device

from .base import ApiSerializer, EVERYONE, NOC, Conflict, ModelCleanSerializer, ModelViewSet, ReadOnlyViewSet
from .base import filter_set, own_participant, role_of
from .registration import NO_PARTICIPANT

# A download holds a private key or a password: no cache may keep it.
NOT_STORED = {"Cache-Control": "no-store"}


class NasSerializer(ModelCleanSerializer):
    secret = serializers.CharField(
        write_only=True, required=False, trim_whitespace=False, validators=[validate_shared_secret],
        help_text=_("The shared secret: required for a new NAS, optional later (empty keeps it). Never returned."))

    class Meta:
        model = Nas
        fields = ["id", "name", "address", "coa_port", "ssids", "secret"]

    def prepare(self, instance: Nas, extra: dict) -> None:
        if extra.get("secret"):
            instance.set_secret(extra["secret"])
        elif not instance.secret_encrypted:
            raise serializers.ValidationError({"secret": [NAS_SECRET_NEEDED]})


class NasViewSet(ModelViewSet):
    queryset = Nas.objects.prefetch_related("ssids")
    serializer_class = NasSerializer
    filterset_class = filter_set(Nas, "name", "address")
    read_roles = write_roles = NOC  # the NAS inventory lives in the admin, which is the NOC's


class SessionSerializer(ApiSerializer):
    id = serializers.IntegerField(source="radacctid", read_only=True)
    nas_address = serializers.CharField(source="nasipaddress", read_only=True)
    mac = serializers.CharField(source="callingstationid", read_only=True)
    ssid = serializers.CharField(read_only=True)
    address = serializers.CharField(read_only=True, help_text=_("The device's IPv6 address, else its IPv4 address."))
    open = serializers.SerializerMethodField()

    class Meta:
        model = RadAcct
        fields = ["id", "username", "mac", "nas_address", "ssid", "address", "open", "acctstarttime",
                  "acctupdatetime", "acctstoptime", "acctsessiontime", "acctinputoctets", "acctoutputoctets",
                  "acctterminatecause"]
        extra_kwargs = {name: {"allow_null": True} for name in ("username", "acctterminatecause")}

    def get_open(self, session: RadAcct) -> bool:
        return session.acctstoptime is None


class SessionFilter(filters.FilterSet):
    mac = filters.CharFilter(field_name="callingstationid")
    open = filters.BooleanFilter(field_name="acctstoptime", lookup_expr="isnull")

    class Meta:
        model = RadAcct
        fields = ["mac", "open"]


class SessionViewSet(ReadOnlyViewSet):
    """RADIUS accounting sessions; a participant sees those of their own devices."""

    queryset = RadAcct.objects.all()
    serializer_class = SessionSerializer
    filterset_class = SessionFilter
    read_roles = EVERYONE

    def owned_by(self, queryset, participant):
        return queryset.filter(callingstationid__in=participant.devices.values("mac"))


class CertificateSerializer(ApiSerializer):
    class Meta:
        model = IssuedCertificate
        fields = ["id", "kind", "serial", "subject", "participant", "device", "device_mac", "certificate",
                  "not_before", "not_after", "revoked_at", "revocation_reason"]


PAGE_REQUEST = CertificateRequestForm.base_fields


class CertificateRequestSerializer(serializers.Serializer):
    """What the portal's and the helpdesk's "get a certificate" form asks: the device, the file and its password."""

    device = serializers.PrimaryKeyRelatedField(queryset=Device.objects.select_related("participant"))
    file_format = serializers.ChoiceField(choices=PAGE_REQUEST["file_format"].choices,
                                          default=PAGE_REQUEST["file_format"].initial)
    password = serializers.CharField(write_only=True, trim_whitespace=False,
                                     min_length=PAGE_REQUEST["password"].min_length,
                                     max_length=PAGE_REQUEST["password"].max_length,
                                     help_text=PAGE_REQUEST["password"].help_text)

    def get_fields(self):
        fields = super().get_fields()
        request = self.context["request"]
        if role_of(request.user) == Role.PARTICIPANT:
            # As in the portal: one's own devices only; another's is simply not there.
            fields["device"].queryset = fields["device"].queryset.filter(participant=own_participant(request))
        return fields


ISSUED = inline_serializer("IssuedCertificateFile", {
    "certificate": CertificateSerializer(),
    "filename": serializers.CharField(),
    "content_type": serializers.CharField(),
    "content": serializers.CharField(help_text=_("The file, base64: the only copy of its private key. It is not "
                                                 "stored and cannot be fetched again; issue a new one if it is lost.")),
})


class CertificateViewSet(ReadOnlyViewSet):
    """Certificates the console's CA issued (never a private key); a participant sees their own devices'."""

    queryset = IssuedCertificate.objects.all()
    serializer_class = CertificateSerializer
    filterset_class = filter_set(IssuedCertificate, "kind", "participant", "device", "device_mac")
    read_roles = EVERYONE
    action_roles = {"create": EVERYONE, "revoke": EVERYONE}

    def owned_by(self, queryset, participant):
        return queryset.filter(participant=participant, kind=Kind.CLIENT)

    @extend_schema(request=CertificateRequestSerializer, responses={201: ISSUED})
    def create(self, request):
        """Issue a new certificate for a device (its current one revoked as re-issued), as the portal and the
        helpdesk's "re-issue" do. The file comes back once, in this answer."""
        asked = CertificateRequestSerializer(data=request.data, context={"request": request})
        asked.is_valid(raise_exception=True)
        try:
            download = issue_for_device(asked.validated_data["device"], password=asked.validated_data["password"],
                                        file_format=asked.validated_data["file_format"], issued_by=request.user)
        except ModelValidationError as error:
            raise serializers.ValidationError({api_settings.NON_FIELD_ERRORS_KEY: error.messages}) from None
        return Response({"certificate": CertificateSerializer(download.certificate).data,
                         "filename": download.filename, "content_type": download.content_type,
                         "content": base64.b64encode(download.content).decode()},
                        status=status.HTTP_201_CREATED, headers=NOT_STORED)

    @extend_schema(request=None, responses=CertificateSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk: str):
        """Revoke a device's certificate (it stays on the CRL until it expires); revoking it again changes nothing."""
        certificate = get_object_or_404(self.get_queryset(), pk=pk, kind=Kind.CLIENT)
        if certificate.revoked_at is None:
            certificate.revoke(RevocationReason.REQUESTED)
        return Response(CertificateSerializer(certificate).data)


class WifiPasswordSerializer(ApiSerializer):
    password = serializers.SerializerMethodField(
        help_text=_("The new password, in the answer that makes it only (null afterwards); only its NT hash is kept."))
    ssids = serializers.SerializerMethodField(help_text=_("The SSIDs that take it (PEAP with MSCHAPv2)."))

    class Meta:
        model = WifiPassword
        fields = ["id", "username", "password", "ssids", "set_at"]

    def get_password(self, wifi_password: WifiPassword) -> str | None:
        return self.context.get("password")

    def get_ssids(self, wifi_password: WifiPassword) -> list[str]:
        return wifi_password_ssids()


class WifiPasswordViewSet(ReadOnlyViewSet):
    """A participant's own Wi-Fi password for devices that cannot install a certificate, as in the portal."""

    queryset = WifiPassword.objects.all()
    serializer_class = WifiPasswordSerializer
    read_roles = (Role.PARTICIPANT,)
    action_roles = {"create": (Role.PARTICIPANT,)}

    def owned_by(self, queryset, participant):
        return queryset.filter(participant=participant)

    @extend_schema(request=None, responses={201: WifiPasswordSerializer})
    def create(self, request):
        """A new random password, replacing the earlier one: shown in this answer only."""
        participant = own_participant(request)
        if participant is None:
            raise Conflict(NO_PARTICIPANT)
        if not wifi_password_ssids():
            raise Conflict(_("No SSID of the plan takes a Wi-Fi password; use a certificate."))
        _username, password = new_wifi_password(participant)
        made = WifiPassword.objects.get(participant=participant)
        return Response(WifiPasswordSerializer(made, context={"password": password}).data,
                        status=status.HTTP_201_CREATED, headers=NOT_STORED)
