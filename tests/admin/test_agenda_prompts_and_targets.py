"""Practice admins edit the agenda prompts their patients get and the practice's targets."""

from sqlalchemy import select

from tests.support.factories import make_result, make_shared_review, prompt_of, result_types
from webapp.extensions import db
from webapp.models import AgendaPrompt, PracticeTarget, PromptSection
from webapp.preparation.prompts import DEFAULT_PROMPTS, prompts_of


def test_a_practice_starts_with_the_year_of_care_prompts(app, client, world):
    client.sign_in_quickly(world.admin)
    page = client.get("/admin/agenda-prompts").get_data(as_text=True)
    assert "What has gone well since your last review?" in page
    assert "Sex and relationships" in page and "Flagged at triage" in page
    assert len(prompts_of(world.practice.id)) == len(DEFAULT_PROMPTS)
    assert prompts_of(world.other_practice.id) == []


def test_an_admin_adds_a_topic_and_patients_see_it(app, client, world):
    make_shared_review(world.patient)
    client.sign_in_quickly(world.admin)
    response = client.submit("/admin/agenda-prompts/new", {
        "section": "topics", "text": "Hearing", "invites_words": "y"})
    assert response.status_code == 303
    added = db.session.scalar(select(AgendaPrompt).where(AgendaPrompt.text == "Hearing"))
    assert added.section is PromptSection.TOPICS and added.invites_words
    client.sign_in_quickly(world.patient.user)
    assert ">Hearing</option>" in client.get("/agenda").get_data(as_text=True)


def test_an_admin_rewords_moves_and_hides_prompts(app, client, world):
    client.sign_in_quickly(world.admin)
    feet, eyes = prompt_of(world.practice, "feet"), prompt_of(world.practice, "eyes")
    client.submit(f"/admin/agenda-prompts/{eyes.id}", {"section": "topics",
                                                       "text": "Eyes and sight"})
    client.submit(f"/admin/agenda-prompts/{eyes.id}/change", {"action": "up"})
    client.submit(f"/admin/agenda-prompts/{feet.id}/change", {"action": "hide"})
    topics = [p.text for p in prompts_of(world.practice.id) if p.section.is_topics]
    assert topics[:2] == ["Medicines", "Eyes and sight"] and "Feet" not in topics
    page = client.get("/admin/agenda-prompts").get_data(as_text=True)
    assert "Hidden from patients" in page
    client.submit(f"/admin/agenda-prompts/{feet.id}/change", {"action": "show"})
    assert "Feet" in [p.text for p in prompts_of(world.practice.id)]


def test_a_prompt_without_words_is_explained(app, client, world):
    client.sign_in_quickly(world.admin)
    response = client.submit("/admin/agenda-prompts/new", {"section": "topics", "text": " "})
    assert response.status_code == 400
    assert "Enter the words patients see" in response.get_data(as_text=True)


def test_another_practices_prompts_are_not_found(app, client, world):
    theirs = prompt_of(world.other_practice)
    client.sign_in_quickly(world.admin)
    assert client.get(f"/admin/agenda-prompts/{theirs.id}").status_code == 404
    assert client.submit(f"/admin/agenda-prompts/{theirs.id}/change",
                         {"action": "hide"}).status_code == 404
    assert theirs.hidden_at is None


def test_an_admin_changes_the_practice_target_and_patients_read_against_it(
        app, client, world):
    result_types()
    make_shared_review(world.patient, results={"hba1c": "51"})
    client.sign_in_quickly(world.admin)
    page = client.get("/admin/targets").get_data(as_text=True)
    assert "NICE NG28" in page
    response = client.submit("/admin/targets/hba1c", {"action": "save", "kind": "at-most",
                                                      "high": "53"})
    assert response.status_code == 303
    assert "Practice target:</strong> 53 mmol/mol or lower" in \
        client.get("/admin/targets").get_data(as_text=True)
    client.sign_in_quickly(world.patient.user)
    page = client.get("/results").get_data(as_text=True)
    assert "This is the target your practice uses" in page and "In your target range" in page
    client.sign_in_quickly(world.admin)
    client.submit("/admin/targets/hba1c", {"action": "remove"})
    assert db.session.scalar(select(PracticeTarget)) is None


def test_a_practice_target_that_cannot_be_read_is_explained(app, client, world):
    client.sign_in_quickly(world.admin)
    response = client.submit("/admin/targets/foot-risk", {"action": "save"})
    assert response.status_code == 400
    assert "Select at least one result that meets the target" in \
        response.get_data(as_text=True)
    assert client.get("/admin/targets/not-a-result").status_code == 404


def test_one_practices_target_never_reaches_another(app, client, world):
    make_result(world.other_patient, "hba1c", "51", shared=True)
    make_shared_review(world.other_patient)
    client.sign_in_quickly(world.admin)
    client.submit("/admin/targets/hba1c", {"action": "save", "kind": "at-most", "high": "53"})
    client.sign_in_quickly(world.other_patient.user)
    assert "48 mmol/mol or lower" in client.get("/results").get_data(as_text=True)
