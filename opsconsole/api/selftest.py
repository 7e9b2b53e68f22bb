"""Self-test results over the API: anyone with a token sends one, as the self-test page's script does (a
participant's is theirs); the NOC reads them all, as on the summary, and a participant their own."""
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import APIException
from rest_framework.response import Response

from opsconsole.accounts.models import Role
from opsconsole.core.client_address import client_address
from opsconsole.selftest.models import SelfTestResult
from opsconsole.selftest.verdict import PROBES
from opsconsole.selftest.results import TOO_MANY_RESULTS, checked_probes, keep_result, too_many_results
from opsconsole.selftest.wording import in_words

from .base import EVERYONE, ApiSerializer, ReadOnlyViewSet, filter_set, own_participant


class TooManyResults(APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_detail = TOO_MANY_RESULTS
    default_code = "too_many_results"


class VerdictWords(serializers.Serializer):
    connectivity = serializers.CharField()
    ipv6 = serializers.BooleanField()
    ipv4 = serializers.CharField()
    large_packets = serializers.CharField()
    advice = serializers.ListField(child=serializers.CharField())


class SelfTestResultSerializer(ApiSerializer):
    words = serializers.SerializerMethodField(help_text=_("The verdict in plain words, in the reader's language, as "
                                                          "the page explains it."))

    class Meta:
        model = SelfTestResult
        fields = ["id", "participant", "at", "probes", "connectivity", "ipv4", "large_packets", "browser", "words"]

    @extend_schema_field(VerdictWords)
    def get_words(self, result: SelfTestResult) -> dict:
        return in_words(result.verdict)


class Probes(serializers.Serializer):
    probes = serializers.DictField(
        child=serializers.BooleanField(allow_null=True),
        help_text=_("Each probe tried (%(names)s): true fetched, false failed, null not tested.")
        % {"names": ", ".join(PROBES)})

    def validate_probes(self, probes: dict) -> dict:
        try:
            return checked_probes(probes)
        except ValueError as error:
            raise serializers.ValidationError(str(error)) from None


class SelfTestResultViewSet(ReadOnlyViewSet):
    queryset = SelfTestResult.objects.all()
    serializer_class = SelfTestResultSerializer
    filterset_class = filter_set(SelfTestResult, "participant", "connectivity", "ipv4", "large_packets")
    read_roles = (Role.NOC, Role.PARTICIPANT)
    action_roles = {"create": EVERYONE}
    rate_limited_actions = ("create",)

    def owned_by(self, queryset, participant):
        return queryset.filter(participant=participant)

    @extend_schema(request=Probes, responses={201: SelfTestResultSerializer})
    def create(self, request):
        """Keep a self-test's outcomes and answer with its verdict; from one address, at most 30 an hour."""
        if too_many_results(client_address(request) or "unknown"):
            raise TooManyResults()
        asked = Probes(data=request.data)
        asked.is_valid(raise_exception=True)
        result = keep_result(own_participant(request), asked.validated_data["probes"], request.headers.get("User-Agent", ""))
        return Response(self.get_serializer(result).data, status=status.HTTP_201_CREATED)
