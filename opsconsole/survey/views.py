"""The survey: participants answer once in the portal; the NOC writes the questions and reads the results."""
import csv

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from opsconsole.accounts.access import noc_required
from opsconsole.audit.views import spreadsheet_safe
from opsconsole.registration.models import Participant
from opsconsole.registration.portal import participant_required

from .forms import AnswersForm, QuestionForm
from .models import Answer, Question, Response, submit_answers, tallies


@participant_required
def answer(request, participant: Participant):
    if Response.objects.filter(participant=participant).exists():
        return render(request, "survey/answered.html")
    form = AnswersForm(list(Question.objects.filter(active=True)), request.POST or None)
    if request.method == "POST" and form.fields and form.is_valid():
        if submit_answers(participant, form.chosen()) is None:
            return render(request, "survey/answered.html", status=409)
        messages.success(request, _("Thank you for answering the survey."))
        return redirect("survey-portal:answer")
    return render(request, "survey/answer.html", {"form": form}, status=400 if form.errors else 200)


@noc_required
def results(request):
    return render(request, "survey/results.html", {"tallies": tallies(), "responses": Response.objects.count()})


@noc_required
def question_edit(request, pk: int | None = None):
    question = get_object_or_404(Question, pk=pk) if pk else None
    form = QuestionForm(request.POST or None, instance=question)
    if request.method == "POST" and form.is_valid():
        form.save()
        return redirect("survey:results")
    return render(request, "survey/question.html", {"form": form, "question": question},
                  status=400 if form.errors else 200)


@noc_required
def export(request):
    """One line per response, without names; each answer as its choice's words."""
    questions = list(Question.objects.all())
    chosen: dict[int, dict[int, int]] = {}
    for response_id, question_id, choice in Answer.objects.values_list("response", "question", "choice"):
        chosen.setdefault(response_id, {})[question_id] = choice
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="survey-{timezone.localtime():%Y%m%d-%H%M}.csv"'
    response.write("\ufeff")  # so that Excel, Japanese Excel included, reads the file as UTF-8
    writer = csv.writer(response)
    writer.writerow(map(spreadsheet_safe, [_("Submitted"), *[question.text for question in questions]]))
    for submitted in Response.objects.all():
        answers = chosen.get(submitted.pk, {})
        labels = [question.choices[answers[question.pk]] if question.pk in answers else "" for question in questions]
        writer.writerow(map(spreadsheet_safe, [timezone.localtime(submitted.submitted_at).isoformat(timespec="seconds"),
                                               *labels]))
    return response
