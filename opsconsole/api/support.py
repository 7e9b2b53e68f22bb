"""Trouble reports over the API: a participant reports and reads their own, as in the portal; the helpdesk's queue
answers them and attaches other tools' results, as on the report page."""
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from opsconsole.accounts.models import Role
from opsconsole.registration.models import Device
from opsconsole.support.forms import AnswerForm
from opsconsole.support.models import Attachment, TroubleReport
from opsconsole.support.queue import answer_report, attach, file_report

from .base import EVERYONE, STAFF, ApiSerializer, ModelCleanSerializer, ModelViewSet, filter_set, own_participant
from .base import role_of
from .registration import NO_PARTICIPANT


class AttachmentSerializer(ModelCleanSerializer):
    class Meta:
        model = Attachment
        fields = ["id", "title", "text", "source", "attached_at"]
        read_only_fields = ["attached_at"]


class TroubleReportSerializer(ModelCleanSerializer):
    answered_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    attachments = AttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = TroubleReport
        fields = ["id", "participant", "what_happened", "device", "ssid", "happened_at", "reported_at", "status",
                  "answer", "answered_by", "answered_at", "attachments"]
        read_only_fields = ["participant", "reported_at", "status", "answer", "answered_at"]

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None and role_of(request.user) == Role.PARTICIPANT:
            # As in the portal: one of one's own devices, or none.
            fields["device"].queryset = Device.objects.filter(participant=own_participant(request))
        return fields

    def prepare(self, instance: TroubleReport, extra: dict) -> None:
        instance.participant = own_participant(self.context["request"])
        if instance.participant is None:
            raise serializers.ValidationError({"participant": [NO_PARTICIPANT]})

    def create(self, validated_data: dict) -> TroubleReport:
        return file_report(self._cleaned)


class Answer(ApiSerializer):
    class Meta:
        model = TroubleReport
        fields = ["answer"]
        extra_kwargs = {"answer": {"required": True, "allow_blank": False,
                                   "max_length": AnswerForm.base_fields["answer"].max_length}}


class TroubleReportViewSet(ModelViewSet):
    """Newest first; a participant files and sees only their own."""

    queryset = TroubleReport.objects.select_related("answered_by").prefetch_related("attachments")
    serializer_class = TroubleReportSerializer
    filterset_class = filter_set(TroubleReport, "status", "participant", "device", "ssid")
    read_roles = EVERYONE
    write_roles = (Role.PARTICIPANT,)
    action_roles = {"answer": STAFF, "attach": STAFF}
    http_method_names = ["get", "post", "head"]

    def owned_by(self, queryset, participant):
        return queryset.filter(participant=participant)

    @extend_schema(request=Answer, responses=TroubleReportSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request, pk: str):
        """Answer the participant; the report counts as answered. Answering again replaces the answer."""
        return self.act_on_locked(
            pk, Answer, lambda report, asked: answer_report(report, asked["answer"], request.user))

    @extend_schema(request=AttachmentSerializer, responses={201: AttachmentSerializer})
    @action(detail=True, methods=["post"])
    def attach(self, request, pk: str):
        """Keep another tool's result (a diagnosis, a probe) with the report, as text."""
        report = self.get_object()
        asked = AttachmentSerializer(data=request.data, context=self.get_serializer_context())
        asked.is_valid(raise_exception=True)
        attachment = attach(report, **asked.validated_data)
        return Response(AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)
