"""The participants' survey: the NOC's questions (each a single choice, in Japanese and English) and the answers,
one set per participant."""
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from opsconsole.audit.trail import audited


def choice_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


@audited()
class Question(models.Model):
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    text_en = models.CharField(_("question (English)"), max_length=300)
    text_ja = models.CharField(_("question (Japanese)"), max_length=300, blank=True)
    choices_en = models.TextField(_("choices (English)"), help_text=_("One a line, at least two."))
    choices_ja = models.TextField(_("choices (Japanese)"), blank=True,
                                  help_text=_("One a line, in the same order as the English ones; empty: English."))
    active = models.BooleanField(_("asked"), default=True)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("survey question")

    def __str__(self) -> str:
        return self.text_en

    def clean(self) -> None:
        english, japanese = choice_lines(self.choices_en), choice_lines(self.choices_ja)
        if len(english) < 2:
            raise ValidationError({"choices_en": _("Give at least two choices, one a line.")})
        if japanese and len(japanese) != len(english):
            raise ValidationError({"choices_ja": _("Give as many Japanese choices as English ones (%(count)s), in the "
                                                   "same order.") % {"count": len(english)}})
        # Answers store a choice's position: taking choices away would move answers onto other choices.
        answered = self.answers.aggregate(highest=models.Max("choice"))["highest"] if self.pk else None
        if answered is not None and answered >= len(english):
            raise ValidationError({"choices_en": _("Participants have chosen choice %(number)s already: keep at "
                                                   "least that many choices.") % {"number": answered + 1}})

    @property
    def text(self) -> str:
        return self.text_ja if get_language() == "ja" and self.text_ja else self.text_en

    @property
    def choices(self) -> list[str]:
        japanese = choice_lines(self.choices_ja)
        return japanese if get_language() == "ja" and japanese else choice_lines(self.choices_en)


@audited()
class Response(models.Model):
    participant = models.ForeignKey("registration.Participant", verbose_name=_("participant"),
                                    on_delete=models.CASCADE, related_name="+")
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)

    class Meta:
        ordering = ["submitted_at"]
        verbose_name = _("survey response")
        constraints = [models.UniqueConstraint(fields=["participant"], name="survey_one_response_per_participant")]

    def __str__(self) -> str:
        return f"survey response {self.pk}"


@audited()
class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    choice = models.PositiveSmallIntegerField(_("choice"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["response", "question"], name="survey_one_answer_per_question")]

    def __str__(self) -> str:
        return f"answer to question {self.question_id}"


def submit_answers(participant, chosen: list[tuple[Question, int]]) -> Response | None:
    """Store a participant's one set of answers; None when they have answered already (another tab got there first)."""
    try:
        with transaction.atomic():
            response = Response.objects.create(participant=participant)
            Answer.objects.bulk_create(Answer(response=response, question=question, choice=choice)
                                       for question, choice in chosen)
    except IntegrityError:
        return None
    return response


def tallies() -> list[dict]:
    """Per question, how many chose each choice, as rows for the bar chart."""
    counts = {(row["question"], row["choice"]): row["n"]
              for row in Answer.objects.values("question", "choice").annotate(n=Count("pk"))}
    result = []
    for question in Question.objects.all():
        answered = sum(n for (pk, _choice), n in counts.items() if pk == question.pk)
        rows = [{"label": label, "count": counts.get((question.pk, index), 0),
                 "percent": round(100 * counts.get((question.pk, index), 0) / answered) if answered else 0}
                for index, label in enumerate(question.choices)]
        result.append({"question": question, "answered": answered, "rows": rows})
    return result
