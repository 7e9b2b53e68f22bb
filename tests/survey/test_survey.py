"""The survey through HTTP: the camp's nine questions, answered once per participant, charted and exported."""
import csv
import io

import pytest
from django.db import IntegrityError, transaction

from opsconsole.audit.models import AuditEntry
from opsconsole.survey.models import Answer, Question, Response
from tests.registration.conftest import make_participant


@pytest.fixture
def carol(participant_user):
    return make_participant(user=participant_user)


def all_answers(choice: int = 0) -> dict:
    return {f"q{question.pk}": str(choice) for question in Question.objects.filter(active=True)}


def test_the_camps_nine_questions_are_asked(participant_client, carol):
    response = participant_client.get("/portal/survey/")
    assert response.status_code == 200 and Question.objects.count() == 9
    assert "This camp offered mainly IPv6 only. How was it?" in response.text
    assert "How did SSH work over widecamp-4rd?" in response.text
    assert response.text.count('type="radio"') == 2 * 5 + 2 * 2 + 5 * 4


def test_the_questions_come_in_japanese(participant_client, carol):
    response = participant_client.get("/portal/survey/", HTTP_ACCEPT_LANGUAGE="ja")
    assert "今回の合宿では主に IPv6 のみを提供しましたがいかがでしたか?" in response.text and "やや満足" in response.text


def test_a_participant_answers_once(participant_client, carol):
    response = participant_client.post("/portal/survey/", all_answers(1))
    assert response.status_code == 302 and response["Location"] == "/portal/survey/"
    assert Answer.objects.filter(response__participant=carol, choice=1).count() == 9
    assert "You have answered the survey" in participant_client.get("/portal/survey/").text
    again = participant_client.post("/portal/survey/", all_answers(0))
    assert "You have answered the survey" in again.text
    assert Response.objects.count() == 1 and not Answer.objects.filter(choice=0).exists()
    assert AuditEntry.objects.filter(object_type="survey.Response", actor_label="carol").exists()


def test_the_database_keeps_one_response_per_participant(carol):
    Response.objects.create(participant=carol)
    with pytest.raises(IntegrityError), transaction.atomic():
        Response.objects.create(participant=carol)


@pytest.mark.parametrize("change, message", [
    ("drop-one", "This field is required."),
    ("out-of-range", "Select a valid choice."),
    ("not-a-number", "Select a valid choice."),
])
def test_incomplete_or_bad_answers_are_refused_plainly(participant_client, carol, change, message):
    answers = all_answers()
    first = next(iter(answers))
    if change == "drop-one":
        del answers[first]
    else:
        answers[first] = "7" if change == "out-of-range" else "lots"
    response = participant_client.post("/portal/survey/", answers)
    assert response.status_code == 400 and message in response.text
    assert not Response.objects.exists()


def test_anonymous_is_sent_to_the_portal_sign_in(client, db):
    assert client.get("/portal/survey/")["Location"] == "/portal/sign-in/"
    assert client.get("/survey/")["Location"].startswith("/login/")


def answered_by(name: str, choices: dict[int, int]) -> None:
    response = Response.objects.create(participant=make_participant(name, f"{name}@example.org"))
    for question_pk, choice in choices.items():
        Answer.objects.create(response=response, question_id=question_pk, choice=choice)


def test_the_noc_sees_bars_per_question(noc_client):
    first = Question.objects.get(order=10)
    answered_by("erin", {first.pk: 0})
    answered_by("frank", {first.pk: 0})
    answered_by("grace", {first.pk: 4})
    answered_by("heidi", {first.pk: 1})
    response = noc_client.get("/survey/")
    assert response.status_code == 200 and "4 participants answered." in response.text
    section = response.text.split(f'id="question-{first.pk}"')[1].split("</section>")[0]
    assert '<rect width="100" height="14" class="bar"/>' in section  # 2 of 4 chose "Satisfied"
    assert "2 (50%)" in section and "1 (25%)" in section and "0 (0%)" in section


def test_the_csv_export_has_the_words_and_is_safe_in_a_spreadsheet(noc_client):
    sneaky = Question.objects.create(order=200, text_en="=HYPERLINK(\"http://x\")", choices_en="+cmd\n@SUM(1)")
    answered_by("erin", {Question.objects.get(order=10).pk: 1, sneaky.pk: 0})
    response = noc_client.get("/survey/export/")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][1] == "This camp offered mainly IPv6 only. How was it?" and rows[0][-1] == "'=HYPERLINK(\"http://x\")"
    assert rows[1][1] == "Somewhat satisfied" and rows[1][-1] == "'+cmd" and len(rows) == 2
    assert "erin" not in response.content.decode()


def test_the_noc_adds_and_edits_questions_audited(noc_client):
    response = noc_client.post("/survey/questions/new/", {"order": 100, "text_en": "Did option 108 help?",
                                                          "text_ja": "オプション 108 は役に立ちましたか?",
                                                          "choices_en": "Yes\nNo", "choices_ja": "はい\nいいえ",
                                                          "active": "on"})
    assert response.status_code == 302 and response["Location"] == "/survey/"
    question = Question.objects.get(text_en="Did option 108 help?")
    entry = AuditEntry.objects.get(object_type="survey.Question", object_id=str(question.pk))
    assert entry.actor_label == "alice-noc" and entry.action == "create"


@pytest.mark.parametrize("change, message", [
    ({"choices_en": "Only one"}, "Give at least two choices"),
    ({"choices_ja": "はい"}, "Give as many Japanese choices as English ones"),
    ({"text_en": ""}, "This field is required."),
])
def test_bad_questions_are_refused_plainly(noc_client, change, message):
    data = {"order": 1, "text_en": "Q", "choices_en": "Yes\nNo", "choices_ja": "", **change}
    response = noc_client.post("/survey/questions/new/", data)
    assert response.status_code == 400 and message in response.text


def test_choices_that_were_chosen_cannot_be_taken_away(noc_client):
    question = Question.objects.get(order=10)
    answered_by("erin", {question.pk: 4})
    response = noc_client.post(f"/survey/questions/{question.pk}/", {
        "order": 10, "text_en": question.text_en, "choices_en": "Good\nBad", "choices_ja": ""})
    assert response.status_code == 400 and "Participants have chosen choice 5 already" in response.text


@pytest.mark.parametrize("who", ["helpdesk_client", "participant_client"])
def test_only_the_noc_sees_results_and_writes_questions(request, who):
    client = request.getfixturevalue(who)
    for path in ("/survey/", "/survey/export/", "/survey/questions/new/"):
        assert client.get(path).status_code == 403, path


def test_a_survey_without_questions_says_so(participant_client, carol):
    Question.objects.update(active=False)
    assert "There is no survey at the moment." in participant_client.get("/portal/survey/").text
