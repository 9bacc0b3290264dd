"""The clinician's workspace: the review list with each review's preparation, triage with
red flags and notes, sharing with the patient, and the agenda view for the conversation.
Every staff view of a patient's results or agenda is audited."""

from datetime import timedelta

from sqlalchemy import event, select

from tests.support.factories import (
    make_patient,
    make_result,
    make_review,
    make_shared_review,
    prompt_of,
    with_care_plan,
)
from webapp.extensions import db
from webapp.models import AuditEvent, PreparationNote, utcnow
from webapp.preparation import agendas
from webapp.preparation.agenda_rules import read_fields


def audit_trail():
    return [(e.actor_id, e.action, e.subject, e.patient_id)
            for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def write_agenda(review, world, *, send=True, **fields):
    keys = {key: prompt_of(world.practice, key).id
            for key in ("mood", "feet", "gone-well", "matters-most")}
    form = {}
    for name, value in fields.items():
        for key, prompt_id in keys.items():
            name = name.replace(f"{{{key}}}", str(prompt_id))
            value = [v.replace(f"{{{key}}}", str(prompt_id)) for v in value] \
                if isinstance(value, list) else value.replace(f"{{{key}}}", str(prompt_id))
        form[name] = value if isinstance(value, list) else [value]
    options = agendas.options_for(review)
    data, problems = read_fields(form, options)
    assert not problems
    agendas.save_agenda(review, data, options, edited_at_ms=None)
    if send:
        agendas.send_agenda(review)
    db.session.commit()


# --- the list --------------------------------------------------------------------------------


def test_the_review_list_shows_each_reviews_preparation(app, client, world):
    third = make_patient(world.practice, given_name="Linda", family_name="Brown")
    gathering = make_review(world.patient2, clinician=world.clinician)
    not_shared = make_review(third, clinician=world.clinician)
    make_result(third, "potassium", "6.2", review=not_shared)
    sent = make_shared_review(world.patient, clinician=world.clinician,
                              results={"hba1c": "53"})
    write_agenda(sent, world, **{"priority-1": "topic:{mood}"})
    done = make_review(make_patient(world.practice, given_name="Gone"))
    done.conversation_done_at = utcnow()
    make_review(world.other_patient)
    client.sign_in_quickly(world.clinician)
    page = client.get("/clinic/reviews").get_data(as_text=True)
    rows = {review.id: page[page.index(f'data-review="{review.id}"'):]
            .split("</tr>")[0] for review in (gathering, not_shared, sent)}
    assert "Being gathered" in rows[gathering.id]
    assert "Not shared" in rows[not_shared.id] and "1 entered" in rows[not_shared.id]
    assert "1 same day" in rows[not_shared.id]
    assert "Shared" in rows[sent.id] and "Sent" in rows[sent.id]
    assert "Agenda: mood and stress" in rows[sent.id]
    assert "Gone" not in page and "Tom Hughes" not in page
    assert audit_trail() == []  # a work list, no results read


def test_a_practice_admin_sees_the_list_without_clinical_detail(app, client, world):
    review = make_review(world.patient)
    make_result(world.patient, "potassium", "6.2", review=review)
    client.sign_in_quickly(world.admin)
    page = client.get("/clinic/reviews").get_data(as_text=True)
    assert "Margaret Evans" in page and "same day" not in page
    assert f"/clinic/reviews/{review.id}/schedule" in page
    assert client.get(f"/clinic/reviews/{review.id}").status_code == 403


def test_the_review_list_takes_the_same_number_of_queries_for_more_reviews(app, client, world):
    def queries_for_list() -> int:
        count = 0

        def counter(*args):
            nonlocal count
            count += 1

        event.listen(db.engine, "before_cursor_execute", counter)
        try:
            assert client.get("/clinic/reviews").status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", counter)
        return count

    client.sign_in_quickly(world.clinician)
    first = make_shared_review(world.patient, results={"hba1c": "53"})
    write_agenda(first, world, **{"topics": ["{feet}"]})
    few = queries_for_list()
    for n in range(5):
        patient = make_patient(world.practice, given_name=f"Extra{n}")
        review = make_shared_review(patient, results={"hba1c": "60", "egfr": "50"})
        write_agenda(review, world, **{"topics": ["{feet}"]})
    assert queries_for_list() == few


# --- one review: triage and sharing ----------------------------------------------------------


def test_the_review_page_shows_results_with_flags_and_reasons(app, client, world):
    review = make_review(world.patient, clinician=world.clinician)
    make_result(world.patient, "hba1c", "60", taken_on=utcnow().date() - timedelta(days=180))
    make_result(world.patient, "hba1c", "72", review=review)
    make_result(world.patient, "blood-pressure", "186/100", review=review)
    client.sign_in_quickly(world.clinician)
    page = client.get(f"/clinic/reviews/{review.id}").get_data(as_text=True)
    assert "Needs a clinician today" in page
    assert "Systolic blood pressure 186 mmHg is 180 or above" in page
    assert "NICE NG136 (1.5): severe hypertension" in page
    assert "HbA1c rose by 12 mmol/mol since" in page
    assert "60 mmol/mol" in page  # the one before
    assert audit_trail() == [(world.clinician.id, "viewed", "results", world.patient.id)]


def test_a_clinician_writes_preparation_notes_and_decides_who_they_see(app, client, world):
    review = make_review(world.patient)
    client.sign_in_quickly(world.clinician)
    response = client.submit(f"/clinic/reviews/{review.id}/preparation", {
        "notes": "Check statin adherence", "clinician": str(world.clinician.id),
        "triaged": "y"})
    assert response.status_code == 303
    note = db.session.scalar(select(PreparationNote))
    assert note.text == "Check statin adherence" and note.triaged_by_id == world.clinician.id
    assert review.clinician_id == world.clinician.id
    page = client.get(f"/clinic/reviews/{review.id}").get_data(as_text=True)
    assert "Check statin adherence" in page and "Looked at by Dr Cleo Clinician" in page


def test_healthcare_assistants_read_but_do_not_write_preparation_notes(app, client, world):
    review = make_review(world.patient)
    client.sign_in_quickly(world.hca)
    assert client.get(f"/clinic/reviews/{review.id}").status_code == 200
    assert client.submit(f"/clinic/reviews/{review.id}/preparation",
                         {"notes": "x"}).status_code == 403


def test_sharing_records_who_and_when_and_the_patient_can_then_read(app, client, world):
    review = make_review(world.patient)
    make_result(world.patient, "hba1c", "53", review=review)
    client.sign_in_quickly(world.clinician)
    page = client.get(f"/clinic/reviews/{review.id}/share").get_data(as_text=True)
    assert "HbA1c on" in page and "Share now" in page
    response = client.submit(f"/clinic/reviews/{review.id}/share")
    assert response.status_code == 303
    assert review.shared_by_id == world.clinician.id and review.shared_at is not None
    assert ("shared" in [a for _, a, _, _ in audit_trail()])
    client.sign_in_quickly(world.patient.user)
    assert "53 mmol/mol" in client.get("/results").get_data(as_text=True)
    assert "What has gone well since your last review?" in \
        client.get("/agenda").get_data(as_text=True)


def test_sharing_with_red_flags_not_looked_at_warns_first(app, client, world):
    review = make_review(world.patient)
    make_result(world.patient, "potassium", "6.3", review=review)
    client.sign_in_quickly(world.hca)
    page = client.get(f"/clinic/reviews/{review.id}/share").get_data(as_text=True)
    assert "Check the flags first" in page and "Potassium 6.3 mmol/L is 6.0 or above" in page


def test_another_practice_gets_not_found_for_every_review_page(app, client, world):
    review = make_shared_review(world.patient, results={"hba1c": "53"})
    client.sign_in_quickly(world.other_clinician)
    for path in ("", "/agenda", "/results", "/share", "/schedule"):
        assert client.get(f"/clinic/reviews/{review.id}{path}").status_code == 404, path
    assert client.submit(f"/clinic/reviews/{review.id}/share").status_code == 404
    assert client.get(f"/clinic/patients/{world.patient.id}").status_code == 404
    assert audit_trail() == []


# --- the agenda view -------------------------------------------------------------------------


def test_the_agenda_view_reads_priorities_then_topics_and_words_then_results(
        app, client, world):
    with_care_plan(world)
    review = make_shared_review(world.patient, clinician=world.clinician,
                                results={"hba1c": "74", "blood-pressure": "184/96"})
    write_agenda(review, world, **{
        "priority-1": "topic:{mood}", "priority-1-words": "I have been low since March",
        "priority-2": "result:hba1c", "priority-2-words": "Why has it gone up?",
        "topics": ["{feet}"], "answer-{gone-well}": "Cut down on sweet drinks",
        "answer-{matters-most}": "Looking after my mum"})
    client.sign_in_quickly(world.clinician)
    page = client.get(f"/clinic/reviews/{review.id}/agenda").get_data(as_text=True)
    order = ["Their priorities", "Mood and stress", "I have been low since March",
             "HbA1c result", "Why has it gone up?", "Topics and their words", "Feet",
             "Cut down on sweet drinks", "Looking after my mum", "Results",
             "Patient wants to talk about this", "74 mmol/mol"]
    positions = [page.index(words) for words in order]
    assert positions == sorted(positions), list(zip(order, positions, strict=True))
    assert "Same-day flags in the results" in page
    assert "Flagged for you:</strong> Mood and stress" in page
    assert f'href="/reviews/{review.id}/care-plan">Write the care plan' in page
    last_plan = page.index("Last plan")  # the world's plan, before this review
    assert last_plan > page.index("74 mmol/mol")
    assert "Walk to the shop and back" in page[last_plan:]
    assert "planned times logged" in page[last_plan:]
    assert audit_trail() == [
        (world.clinician.id, "viewed", "agenda", world.patient.id),
        (world.clinician.id, "viewed", "results", world.patient.id),
    ]


def test_an_agenda_not_sent_is_private_until_the_conversation_starts(app, client, world):
    review = make_shared_review(world.patient)
    write_agenda(review, world, send=False, **{"answer-{gone-well}": "Still drafting"})
    client.sign_in_quickly(world.clinician)
    page = client.get(f"/clinic/reviews/{review.id}/agenda").get_data(as_text=True)
    assert "has not sent their agenda yet" in page and "Still drafting" not in page
    review.conversation_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    page = client.get(f"/clinic/reviews/{review.id}/agenda").get_data(as_text=True)
    assert "did not send this agenda" in page and "Still drafting" in page


def test_the_last_care_plan_shows_after_the_results_with_how_it_went(app, client, world):
    with_care_plan(world)
    review = make_shared_review(world.patient)
    client.sign_in_quickly(world.clinician)
    page = client.get(f"/clinic/reviews/{review.id}/agenda").get_data(as_text=True)
    assert page.index("Results") < page.index("Last plan") < \
        page.index("I want to walk to my granddaughter&#39;s school")
    last_plan = page[page.index("Last plan"):]
    assert "Walk to the shop and back" in last_plan
    assert "1 of" in last_plan and "planned times logged" in last_plan  # the world's entry
    assert "Check-in," in last_plan and "Could I do fewer walks?" in last_plan


def test_marking_the_conversation_done_closes_the_agenda(app, client, world):
    review = make_shared_review(world.patient)
    client.sign_in_quickly(world.clinician)
    assert client.submit(f"/clinic/reviews/{review.id}/done").status_code == 303
    assert review.conversation_done_at is not None
    client.sign_in_quickly(world.patient.user)
    assert "can no longer be changed" in client.get("/agenda").get_data(as_text=True)
