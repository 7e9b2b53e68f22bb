"""RADIUS over the API: the NAS inventory (NOC; shared secrets write-only), accounting sessions and certificates."""
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from opsconsole.certificates.models import IssuedCertificate, Kind, RevocationReason
from opsconsole.radius.models import NAS_SECRET_NEEDED, Nas, RadAcct, validate_shared_secret

from .base import ApiSerializer, EVERYONE, NOC, ModelCleanSerializer, ModelViewSet, ReadOnlyViewSet, filter_set


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


class CertificateViewSet(ReadOnlyViewSet):
    """Certificates the console's CA issued (never a private key); a participant sees their own devices'."""

    queryset = IssuedCertificate.objects.all()
    serializer_class = CertificateSerializer
    filterset_class = filter_set(IssuedCertificate, "kind", "participant", "device", "device_mac")
    read_roles = EVERYONE
    action_roles = {"revoke": EVERYONE}

    def owned_by(self, queryset, participant):
        return queryset.filter(participant=participant, kind=Kind.CLIENT)

    @extend_schema(request=None, responses=CertificateSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk: str):
        """Revoke a device's certificate (it stays on the CRL until it expires); revoking it again changes nothing."""
        certificate = get_object_or_404(self.get_queryset(), pk=pk, kind=Kind.CLIENT)
        if certificate.revoked_at is None:
            certificate.revoke(RevocationReason.REQUESTED)
        return Response(CertificateSerializer(certificate).data)
