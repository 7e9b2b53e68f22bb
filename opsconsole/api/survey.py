"""The survey over the API, as on its pages: the NOC writes the questions and reads the results (no names); a
participant reads the questions asked and answers them once, as in the portal."""
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from opsconsole.accounts.models import Role
from opsconsole.survey.forms import AnswersForm, QuestionForm
from opsconsole.survey.models import Answer, Question, submit_answers, tallies
from opsconsole.survey.models import Response as SurveyResponse

from .base import NOC, ApiSerializer, Conflict, ModelCleanSerializer, ModelViewSet, ReadOnlyViewSet, filter_set
from .base import own_participant
from .registration import NO_PARTICIPANT

PARTICIPANTS = (Role.PARTICIPANT,)
ANSWERED = _("You have answered the survey. Thank you!")
NOC_AND_PARTICIPANTS = (Role.NOC, Role.PARTICIPANT)


class QuestionSerializer(ModelCleanSerializer):
    class Meta:
        model = Question
        fields = ["id", *QuestionForm._meta.fields]


TALLY = inline_serializer("SurveyResults", {
    "responses": serializers.IntegerField(),
    "questions": inline_serializer("SurveyTally", many=True, fields={
        "question": serializers.IntegerField(),
        "text": serializers.CharField(),
        "answered": serializers.IntegerField(),
        "choices": inline_serializer("SurveyChoiceTally", many=True, fields={
            "label": serializers.CharField(), "count": serializers.IntegerField(),
            "percent": serializers.IntegerField()}),
    }),
})


class QuestionViewSet(ModelViewSet):
    """The NOC's questions; a participant sees those asked now."""

    queryset = Question.objects.all()
    serializer_class = QuestionSerializer
    filterset_class = filter_set(Question, "active")
    read_roles = NOC_AND_PARTICIPANTS
    action_roles = {"results": NOC}
    http_method_names = ["get", "post", "put", "patch", "head"]  # as on the pages, no deleting

    def owned_by(self, queryset, participant):
        return queryset.filter(active=True)

    @extend_schema(responses=TALLY, filters=False)
    @action(detail=False, methods=["get"], pagination_class=None)
    def results(self, request):
        """Per question, how many chose each choice, in the reader's language, as on the results page."""
        return Response({"responses": SurveyResponse.objects.count(), "questions": [
            {"question": tally["question"].pk, "text": tally["question"].text, "answered": tally["answered"],
             "choices": tally["rows"]} for tally in tallies()]})


class AnswerSerializer(ApiSerializer):
    class Meta:
        model = Answer
        fields = ["question", "choice"]


class SurveyResponseSerializer(ApiSerializer):
    answers = AnswerSerializer(many=True, read_only=True)

    class Meta:
        model = SurveyResponse
        fields = ["id", "submitted_at", "answers"]


class Answers(serializers.Serializer):
    answers = serializers.DictField(
        child=serializers.IntegerField(),
        help_text=_("Each question asked (its id) to the chosen choice's position, counted from 0."))


class SurveyResponseViewSet(ReadOnlyViewSet):
    """Responses without names, as in the NOC's export; a participant sees their own and answers once."""

    queryset = SurveyResponse.objects.prefetch_related("answers")
    serializer_class = SurveyResponseSerializer
    read_roles = NOC_AND_PARTICIPANTS
    action_roles = {"create": PARTICIPANTS}

    def owned_by(self, queryset, participant):
        return queryset.filter(participant=participant)

    @extend_schema(request=Answers, responses={201: SurveyResponseSerializer})
    def create(self, request):
        """Answer every question asked, once."""
        participant = own_participant(request)
        if participant is None:
            raise Conflict(NO_PARTICIPANT)
        if SurveyResponse.objects.filter(participant=participant).exists():
            raise Conflict(ANSWERED)
        asked = Answers(data=request.data)
        asked.is_valid(raise_exception=True)
        questions = list(Question.objects.filter(active=True))
        if not questions:
            raise Conflict(_("The survey asks nothing at the moment."))
        form = AnswersForm(questions, {f"q{pk}": choice for pk, choice in asked.validated_data["answers"].items()})
        if not form.is_valid():
            raise serializers.ValidationError({"answers": {name[1:]: errors for name, errors in form.errors.items()}})
        response = submit_answers(participant, form.chosen())
        if response is None:  # their other request got there first
            raise Conflict(ANSWERED)
        return Response(self.get_serializer(response).data, status=status.HTTP_201_CREATED)
