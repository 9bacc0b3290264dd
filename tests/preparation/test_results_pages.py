"""The patient's results page (and its JSON): only shared results, only their own, read in
words, and "I want to talk about this" puts a result on their agenda."""

from datetime import timedelta

from sqlalchemy import select

from tests.support.factories import make_result, make_review, make_shared_review
from webapp.extensions import db
from webapp.models import AgendaResult, utcnow


def test_patient_sees_no_results_before_the_practice_shares_them(app, client, world):
    review = make_review(world.patient)
    make_result(world.patient, "hba1c", "88", review=review)
    client.sign_in_quickly(world.patient.user)
    page = client.get("/results").get_data(as_text=True)
    assert "Your practice has not shared any results with you yet" in page
    assert "88" not in page and "HbA1c" not in page
    data = client.get("/results", headers={"Accept": "application/json"}).get_json()
    assert data == {"review": None, "results": []}


def test_patient_sees_shared_results_in_words_with_previous_value_and_target(
        app, client, world):
    make_result(world.patient, "hba1c", "58", taken_on=utcnow().date() - timedelta(days=200),
                shared=True)
    make_shared_review(world.patient, results={"hba1c": "53", "blood-pressure": "138/86",
                                               "foot-risk": "low"})
    client.sign_in_quickly(world.patient.user)
    response = client.get("/results")
    page = response.get_data(as_text=True)
    assert response.headers["X-Offline-Readable"] == "1"
    assert "53 mmol/mol" in page and "48 mmol/mol or lower" in page
    assert "Above your target" in page  # in words, not colour alone
    assert "58 mmol/mol on" in page and "Down 5 since then" in page
    assert "138/86 mmHg" in page and "In your target range" in page
    assert "Meets your target" in page and "Low risk" in page
    assert "HbA1c is a blood test" in page  # what it means
    assert '<svg' in page and 'role="img"' in page  # the trend chart
    assert "I want to talk about this" in page


def test_a_result_added_after_sharing_stays_hidden_until_shared_again(app, client, world):
    review = make_shared_review(world.patient, results={"hba1c": "53"})
    make_result(world.patient, "egfr", "41", review=review)  # not shared
    client.sign_in_quickly(world.patient.user)
    page = client.get("/results").get_data(as_text=True)
    assert "HbA1c" in page and "eGFR" not in page
    data = client.get("/results", headers={"Accept": "application/json"}).get_json()
    assert [r["code"] for r in data["results"]] == ["hba1c"]
    assert data["results"][0]["statusInWords"] == "Above your target"


def test_patients_see_only_their_own_results(app, client, world):
    make_shared_review(world.patient2, results={"hba1c": "77"})
    make_shared_review(world.other_patient, results={"hba1c": "66"})
    client.sign_in_quickly(world.patient.user)
    page = client.get("/results").get_data(as_text=True)
    assert "77" not in page and "66" not in page
    assert client.get("/results", headers={"Accept": "application/json"}).get_json() == {
        "review": None, "results": []}


def test_i_want_to_talk_about_this_puts_the_result_on_the_agenda(app, client, world):
    review = make_shared_review(world.patient, results={"hba1c": "53"})
    client.sign_in_quickly(world.patient.user)
    response = client.submit("/results/hba1c/talk-about", {"wanted": "yes"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/results#result-hba1c")
    page = client.get("/results").get_data(as_text=True)
    assert "HbA1c is on your agenda" in page and "This is on your agenda" in page
    assert "Take this off my agenda" in page
    assert db.session.scalar(select(AgendaResult.result_code)) == "hba1c"
    agenda = client.get("/agenda").get_data(as_text=True)
    assert 'value="hba1c" checked' in agenda
    client.submit("/results/hba1c/talk-about", {"wanted": "no"})
    assert db.session.scalar(select(AgendaResult)) is None
    assert review.agenda_submitted_at is None


def test_talking_about_a_result_that_is_not_shared_is_not_found(app, client, world):
    review = make_shared_review(world.patient, results={"hba1c": "53"})
    make_result(world.patient, "egfr", "41", review=review)
    make_shared_review(world.patient2, results={"potassium": "4.1"})
    client.sign_in_quickly(world.patient.user)
    assert client.submit("/results/egfr/talk-about", {"wanted": "yes"}).status_code == 404
    assert client.submit("/results/potassium/talk-about", {"wanted": "yes"}).status_code == 404
    assert client.submit("/results/nothing/talk-about", {"wanted": "yes"}).status_code == 404
    assert db.session.scalar(select(AgendaResult)) is None


def test_after_the_conversation_starts_results_cannot_be_added_to_the_agenda(
        app, client, world):
    review = make_shared_review(world.patient, results={"hba1c": "53"})
    review.conversation_at = utcnow() - timedelta(minutes=5)
    client.sign_in_quickly(world.patient.user)
    page = client.get("/results").get_data(as_text=True)
    assert "I want to talk about this" not in page
    response = client.submit("/results/hba1c/talk-about", {"wanted": "yes"},
                             follow_redirects=True)
    assert "can no longer be changed" in response.get_data(as_text=True)
    assert db.session.scalar(select(AgendaResult)) is None


def test_staff_cannot_use_the_patients_pages(app, client, world):
    client.sign_in_quickly(world.clinician)
    assert client.get("/results").status_code == 403
    assert client.get("/results", headers={"Accept": "application/json"}).status_code == 403


def test_the_home_page_shows_the_next_review_and_where_preparation_is(app, client, world):
    make_review(world.patient, clinician=world.clinician)
    client.sign_in_quickly(world.patient.user)
    page = client.get("/").get_data(as_text=True)
    assert "Your next review" in page and "with Dr Cleo Clinician" in page
    assert "Your practice will share your test results here" in page
    assert "Read your results" not in page
