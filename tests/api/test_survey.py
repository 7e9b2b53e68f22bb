"""The survey over the API, as on its pages: a participant answers the camp's questions once; the NOC writes the
questions (the model's rules) and reads the results without names."""
from opsconsole.audit.models import AuditEntry
from opsconsole.survey.models import Answer, Question

RESPONSES = "/api/v1/survey-responses/"


def every_answer(choice: int) -> dict:
    return {"answers": {str(pk): choice for pk in Question.objects.filter(active=True).values_list("pk", flat=True)}}


def test_a_participant_answers_once_and_the_noc_reads_the_tally(participant_api, noc_api, participant):
    response = participant_api("post", RESPONSES, every_answer(1))

    assert response.status_code == 201 and len(response.json()["answers"]) == 9
    assert Answer.objects.filter(response__participant=participant, choice=1).count() == 9
    again = participant_api("post", RESPONSES, every_answer(0))
    assert again.status_code == 409 and again.json() == {"detail": "You have answered the survey. Thank you!"}
    assert [row["id"] for row in participant_api.get(RESPONSES).json()["results"]] == [response.json()["id"]]
    listed = noc_api.get(RESPONSES).json()["results"]
    assert listed == [response.json()] and "participant" not in listed[0]
    tally = noc_api.get("/api/v1/survey-questions/results/").json()
    first = tally["questions"][0]
    assert tally["responses"] == 1 and first["text"] == "This camp offered mainly IPv6 only. How was it?"
    assert [(row["count"], row["percent"]) for row in first["choices"]][:2] == [(0, 0), (1, 100)]


def test_every_question_asked_needs_one_of_its_choices(participant_api, participant):
    asked = list(Question.objects.filter(active=True).values_list("pk", flat=True))
    answers = every_answer(0)["answers"]
    answers[str(asked[0])] = 7
    del answers[str(asked[1])]

    response = participant_api("post", RESPONSES, {"answers": answers})

    assert response.status_code == 400
    assert response.json() == {"answers": {
        str(asked[0]): ["Select a valid choice. 7 is not one of the available choices."],
        str(asked[1]): ["This field is required."]}}
    assert not Answer.objects.exists()


def test_a_participant_sees_only_the_questions_asked(participant_api, participant):
    Question.objects.filter(pk=Question.objects.first().pk).update(active=False)

    assert participant_api.get("/api/v1/survey-questions/").json()["count"] == 8


def test_the_noc_writes_a_question_under_the_models_rules(noc_api, noc_user, db):
    refused = noc_api("post", "/api/v1/survey-questions/", {"text_en": "Did the portal work?", "choices_en": "yes"})
    made = noc_api("post", "/api/v1/survey-questions/", {"text_en": "Did the portal work?", "choices_en": "yes\nno",
                                                          "choices_ja": "はい\nいいえ"}, REMOTE_ADDR="2001:db8::5")

    assert refused.json() == {"choices_en": ["Give at least two choices, one a line."]}
    assert made.status_code == 201 and made.json()["active"] is True
    entry = AuditEntry.objects.get(object_type="survey.Question", action=AuditEntry.Action.CREATE, via="api")
    assert (entry.actor_id, entry.remote_addr) == (noc_user.pk, "2001:db8::5")
