"""The patient's agenda: invisible until shared, saved without JavaScript and by autosave,
sent with the ranking rules checked, and editable until the conversation starts."""

import time
from datetime import timedelta

from sqlalchemy import select

from tests.support.factories import make_review, make_shared_review, prompt_of
from webapp.extensions import db
from webapp.models import Agenda, AgendaPriority, utcnow
from webapp.preparation import prompts as prompt_list


def ids(world):
    return {key: prompt_of(world.practice, key).id
            for key in ("gone-well", "matters-most", "feet", "mood", "something-else")}


def now_ms() -> int:
    return int(time.time() * 1000)


def test_there_is_no_agenda_to_write_until_the_review_is_shared(app, client, world):
    make_review(world.patient)
    client.sign_in_quickly(world.patient.user)
    page = client.get("/agenda").get_data(as_text=True)
    assert "Your practice has not shared your agenda yet" in page
    assert "What has gone well" not in page
    assert client.submit("/agenda", {"action": "save"}).status_code == 404
    response = client.post_json("/agenda/draft", {"editedAt": 1, "fields": {}})
    assert response.status_code == 404


def test_prompts_are_grouped_in_the_year_of_care_order(app, client, world):
    make_shared_review(world.patient)
    client.sign_in_quickly(world.patient.user)
    response = client.get("/agenda")
    page = response.get_data(as_text=True)
    assert response.headers["X-Offline-Readable"] == "1"
    headings = ["Since your last review", "Things you might want to talk about",
                "What matters most to you", "Anything you want to change",
                "Your top 3 things to talk about"]
    positions = [page.index(h) for h in headings]
    assert positions == sorted(positions)
    for topic in ("Medicines", "Feet", "Mood and stress", "Sex and relationships",
                  "Something else"):
        assert topic in page
    assert "This is not for urgent problems" in page and "call 999" in page


def test_without_javascript_the_save_button_keeps_everything(app, client, world):
    review = make_shared_review(world.patient, results={"hba1c": "53"})
    p = ids(world)
    client.sign_in_quickly(world.patient.user)
    response = client.submit("/agenda", {
        "action": "save", f"answer-{p['gone-well']}": "I walk to the shops now",
        "topics": [str(p["feet"]), str(p["mood"])],
        f"topic-words-{p['something-else']}": "My hearing",
        "priority-1": f"topic:{p['mood']}", "priority-1-words": "Feeling low",
        "priority-2": "result:hba1c"})
    assert response.status_code == 303
    page = client.get("/agenda").get_data(as_text=True)
    assert "Your answers have been saved" in page
    assert "I walk to the shops now" in page and "Feeling low" in page and "My hearing" in page
    assert f'value="topic:{p["mood"]}" selected' in page
    assert 'value="result:hba1c" selected' in page
    assert review.agenda_submitted_at is None


def test_sending_checks_the_ranking_and_keeps_what_was_typed(app, client, world):
    review = make_shared_review(world.patient)
    p = ids(world)
    client.sign_in_quickly(world.patient.user)
    response = client.submit("/agenda", {
        "action": "send", f"answer-{p['matters-most']}": "Seeing my grandchildren",
        "priority-1": f"topic:{p['feet']}", "priority-2": f"topic:{p['feet']}"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Your agenda has not been sent" in page
    assert ("You chose Feet as your 1st and your 2nd priority. Choose something different "
            "for your 2nd priority, or leave it empty.") in page
    assert 'href="#priority-2"' in page
    assert "Seeing my grandchildren" in page
    assert review.agenda_submitted_at is None
    # What they wrote was kept even though it was not sent.
    again = client.get("/agenda").get_data(as_text=True)
    assert "Seeing my grandchildren" in again


def test_a_gap_in_the_ranking_is_explained(app, client, world):
    make_shared_review(world.patient)
    client.sign_in_quickly(world.patient.user)
    response = client.submit("/agenda", {"action": "send", "priority-2-words": "My knee"})
    assert "You have a 2nd priority but no 1st" in response.get_data(as_text=True)


def test_an_empty_agenda_cannot_be_sent(app, client, world):
    review = make_shared_review(world.patient)
    client.sign_in_quickly(world.patient.user)
    response = client.submit("/agenda", {"action": "send"})
    assert response.status_code == 400
    assert "Choose or write at least one thing" in response.get_data(as_text=True)
    assert review.agenda_submitted_at is None


def test_sending_then_changing_until_the_conversation_starts(app, client, world):
    review = make_shared_review(world.patient)
    p = ids(world)
    client.sign_in_quickly(world.patient.user)
    response = client.submit("/agenda", {"action": "send", "priority-1": f"topic:{p['feet']}"},
                             follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Your agenda has been sent to Home Practice" in page
    assert "You can still change it until your appointment starts" in page
    sent_at = review.agenda_submitted_at
    assert sent_at is not None
    response = client.submit("/agenda", {"action": "send", "priority-1": f"topic:{p['mood']}"},
                             follow_redirects=True)
    assert "Your changes have been saved. Your practice will see them." in \
        response.get_data(as_text=True)
    assert review.agenda_submitted_at == sent_at
    assert db.session.scalar(select(AgendaPriority.prompt_id)) == p["mood"]

    review.conversation_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    page = client.get("/agenda").get_data(as_text=True)
    assert "can no longer be changed" in page and "Mood and stress" in page
    assert "<textarea" not in page
    response = client.submit("/agenda", {"action": "send", "priority-1": f"topic:{p['feet']}"})
    assert response.status_code == 303
    assert db.session.scalar(select(AgendaPriority.prompt_id)) == p["mood"]
    locked = client.post_json("/agenda/draft", {"editedAt": now_ms(), "fields": {}})
    assert locked.status_code == 409 and locked.get_json()["locked"] is True


def test_autosave_stores_a_draft_and_says_so(app, client, world):
    make_shared_review(world.patient)
    p = ids(world)
    client.sign_in_quickly(world.patient.user)
    response = client.post_json("/agenda/draft", {"editedAt": now_ms(), "fields": {
        f"answer-{p['gone-well']}": "Swimming twice a week", "topics": [str(p["feet"])]}})
    assert response.status_code == 200
    body = response.get_json()
    assert body["saved"] is True and body["status"].startswith("Saved at ")
    page = client.get("/agenda").get_data(as_text=True)
    assert "Swimming twice a week" in page


def test_an_older_draft_sent_late_does_not_overwrite_newer_words(app, client, world):
    make_shared_review(world.patient)
    p = ids(world)
    client.sign_in_quickly(world.patient.user)
    newer, older = now_ms(), now_ms() - 60_000
    client.post_json("/agenda/draft", {"editedAt": newer, "fields": {
        f"answer-{p['gone-well']}": "The newer words"}})
    late = client.post_json("/agenda/draft", {"editedAt": older, "fields": {
        f"answer-{p['gone-well']}": "The older words"}})
    assert late.get_json()["saved"] is False and late.get_json()["stale"] is True
    again = client.post_json("/agenda/draft", {"editedAt": newer, "fields": {
        f"answer-{p['gone-well']}": "The newer words"}})
    assert again.get_json()["saved"] is True  # the same draft twice is fine
    assert "The newer words" in client.get("/agenda").get_data(as_text=True)
    assert db.session.scalar(select(Agenda.edited_at_ms)) == newer


def test_a_bad_draft_is_refused_with_the_field_named(app, client, world):
    make_shared_review(world.patient)
    client.sign_in_quickly(world.patient.user)
    response = client.post_json("/agenda/draft", {"editedAt": "now", "fields": {}})
    assert response.status_code == 400
    assert response.get_json()["field"] == "editedAt"
    response = client.post_json("/agenda/draft", {"editedAt": 5, "fields": {"topics": [1]}})
    assert response.get_json()["field"] == "fields.topics"


def test_a_draft_with_words_too_long_is_not_saved_and_says_why(app, client, world):
    make_shared_review(world.patient)
    p = ids(world)
    client.sign_in_quickly(world.patient.user)
    response = client.post_json("/agenda/draft", {"editedAt": now_ms(), "fields": {
        f"answer-{p['gone-well']}": "x" * 3001}})
    assert response.status_code == 422
    assert response.get_json()["field"] == f"answer-{p['gone-well']}"
    assert "3,000 characters or fewer" in response.get_json()["error"]
    assert db.session.scalar(select(Agenda)) is None


def test_a_draft_without_the_csrf_token_is_refused(app, client, world):
    make_shared_review(world.patient)
    client.sign_in_quickly(world.patient.user)
    response = client.post("/agenda/draft", json={"editedAt": 1, "fields": {}})
    assert response.status_code == 400
    assert db.session.scalar(select(Agenda)) is None


def test_a_prompt_the_practice_hides_is_no_longer_asked(app, client, world):
    make_shared_review(world.patient)
    feet = prompt_of(world.practice, "feet")
    prompt_list.set_hidden(feet, True)
    client.sign_in_quickly(world.patient.user)
    page = client.get("/agenda").get_data(as_text=True)
    assert ">Feet</option>" not in page and ">Medicines</option>" in page
    assert f'value="{feet.id}"' not in page


def test_each_patient_writes_only_their_own_agenda(app, client, world):
    mine = make_shared_review(world.patient)
    make_shared_review(world.patient2)
    p = ids(world)
    client.sign_in_quickly(world.patient2.user)
    client.submit("/agenda", {"action": "save", f"answer-{p['gone-well']}": "Patient 2"})
    agendas = db.session.scalars(select(Agenda)).all()
    assert [a.patient_id for a in agendas] == [world.patient2.id]
    assert all(a.review_id != mine.id for a in agendas)
