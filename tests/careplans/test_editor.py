"""The care plan editor, through the pages a clinician uses."""

import re

from tests.support.factories import make_review
from webapp.extensions import db
from webapp.models import AuditEvent, CarePlanRevision


def editor_fields(page: str) -> dict[str, str]:
    """The form as the browser would send it: every named input's value."""
    fields = {}
    for tag in re.findall(r"<input[^>]*>", page, re.S):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        kind = re.search(r'type="([^"]+)"', tag)
        if not name:
            continue
        if kind and kind.group(1) in ("radio", "checkbox") and "checked" not in tag:
            continue
        fields[name.group(1)] = value.group(1) if value else ""
    for name, text in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', page,
                                 re.S):
        fields[name] = text.strip()
    return {k: v.replace("&#39;", "'").replace("&amp;", "&") for k, v in fields.items()}


NEW_PLAN = {
    "goals-0-text": "I want to dance at my daughter's wedding",
    "goals-0-actions-0-what": "Dance to two songs in the kitchen",
    "goals-0-actions-0-when": "after breakfast",
    "goals-0-actions-0-times": "4",
    "goals-0-actions-0-per": "week",
    "goals-0-actions-0-measure_target": "10",
    "goals-0-actions-0-measure_unit": "minutes",
    "goals-0-actions-0-confidence": "8",
    "check_in_after_days": "14",
    "review_on-day": "1", "review_on-month": "6", "review_on-year": "2030",
}


def test_clinician_writes_a_new_plan_for_a_review(client, world):
    review = make_review(world.patient, clinician=world.clinician, shared=True)
    db.session.commit()
    client.sign_in_quickly(world.clinician)
    page = client.get(f"/reviews/{review.id}/care-plan").get_data(as_text=True)
    assert "Write the care plan together" in page
    assert "How the last plan went" in page  # the previous plan's progress sits beside
    fields = {**editor_fields(page), **NEW_PLAN, "support": str(world.support_service.id)}
    response = client.submit(f"/reviews/{review.id}/care-plan", fields)
    assert response.status_code == 303, response.get_data(as_text=True)
    history = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Dance to two songs in the kitchen" in history
    assert "4 times a week" in history and "Walking for health" in history
    db.session.refresh(review)
    assert review.conversation_done_at is not None
    assert db.session.query(AuditEvent).filter_by(subject="care plan", action="changed").count()


def test_adding_an_action_keeps_what_was_typed(client, world):
    client.sign_in_quickly(world.clinician)
    page = client.get(f"/reviews/{world.review.id}/care-plan").get_data(as_text=True)
    fields = editor_fields(page)
    fields["goals-0-text"] = "Typed but not saved"
    fields["command"] = "add-action-0"
    again = client.submit(f"/reviews/{world.review.id}/care-plan", fields)
    page = again.get_data(as_text=True)
    assert again.status_code == 200
    assert "Typed but not saved" in page
    assert 'name="goals-0-actions-1-what"' in page
    assert db.session.query(CarePlanRevision).count() == 1  # nothing saved yet


def test_removing_a_goal_needs_at_least_one_left(client, world):
    client.sign_in_quickly(world.clinician)
    fields = editor_fields(client.get(f"/reviews/{world.review.id}/care-plan").get_data(
        as_text=True))
    page = client.submit(f"/reviews/{world.review.id}/care-plan",
                         {**fields, "command": "add-goal"}).get_data(as_text=True)
    assert 'name="goals-1-text"' in page
    fields = editor_fields(page)
    page = client.submit(f"/reviews/{world.review.id}/care-plan",
                         {**fields, "command": "remove-goal-1"}).get_data(as_text=True)
    assert 'name="goals-1-text"' not in page and 'name="goals-0-text"' in page


def test_confidence_below_seven_prompts_to_make_the_action_smaller(client, world):
    client.sign_in_quickly(world.clinician)
    fields = editor_fields(client.get(f"/reviews/{world.review.id}/care-plan").get_data(
        as_text=True))
    fields["goals-0-actions-0-confidence"] = "5"
    response = client.submit(f"/reviews/{world.review.id}/care-plan", fields)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Confidence is 5 out of 10. Could this action be made smaller or easier?" in page
    fields["goals-0-actions-0-keep_confidence"] = "y"
    assert client.submit(f"/reviews/{world.review.id}/care-plan", fields).status_code == 303


def test_the_editor_explains_missing_words(client, world):
    client.sign_in_quickly(world.clinician)
    fields = editor_fields(client.get(f"/reviews/{world.review.id}/care-plan").get_data(
        as_text=True))
    fields.update({"goals-0-text": "", "goals-0-actions-0-what": "",
                   "goals-0-actions-0-times": "0", "goals-0-actions-0-measure_unit": ""})
    page = client.submit(f"/reviews/{world.review.id}/care-plan", fields).get_data(as_text=True)
    assert "Enter the goal in the patient&#39;s own words" in page
    assert "Enter what the action is" in page
    assert "How many times must be between 1 and 20" in page
    assert "Say what the amount is measured in" in page


def test_a_second_clinician_is_shown_the_first_ones_changes_and_keeps_their_own(app, client,
                                                                                world):
    from tests.conftest import Client

    app.test_client_class = Client
    colleague = app.test_client()
    colleague.sign_in_quickly(world.clinician)
    client.sign_in_quickly(world.clinician)
    url = f"/reviews/{world.review.id}/care-plan"
    mine = editor_fields(client.get(url).get_data(as_text=True))
    theirs = editor_fields(colleague.get(url).get_data(as_text=True))
    theirs["goals-0-actions-0-times"] = "5"
    assert colleague.submit(url, theirs).status_code == 303
    mine["goals-0-actions-0-what"] = "Walk to the park and back"
    clash = client.submit(url, mine)
    page = clash.get_data(as_text=True)
    assert clash.status_code == 409
    assert "This plan was changed by someone else" in page
    assert "how often changed from “3 times a week” to “5 times a week”" in page
    assert 'value="Walk to the park and back"' in page  # my typing is still there
    mine_again = editor_fields(page)
    mine_again["goals-0-actions-0-times"] = "5"
    assert client.submit(url, mine_again).status_code == 303
    assert db.session.query(CarePlanRevision).count() == 3


def test_revision_history_lists_each_save_with_its_changes(client, world):
    client.sign_in_quickly(world.clinician)
    fields = editor_fields(client.get(f"/reviews/{world.review.id}/care-plan").get_data(
        as_text=True))
    fields["goals-0-actions-0-when"] = "before dinner"
    client.submit(f"/reviews/{world.review.id}/care-plan", fields)
    page = client.get(f"/reviews/{world.review.id}/care-plan/history").get_data(as_text=True)
    assert "Version 2" in page and "Version 1" in page
    assert "when changed from “nothing” to “before dinner”" in page


def test_the_editor_offers_only_this_practices_active_services(client, world):
    from tests.support.factories import make_support_service

    make_support_service(world.practice, "Old group", active=False)
    make_support_service(world.other_practice, "Their group")
    db.session.commit()
    client.sign_in_quickly(world.clinician)
    page = client.get(f"/reviews/{world.review.id}/care-plan").get_data(as_text=True)
    assert "Walking for health" in page
    assert "Old group" not in page and "Their group" not in page


def test_another_practice_cannot_open_the_editor(client, world):
    client.sign_in_quickly(world.other_clinician)
    assert client.get(f"/reviews/{world.review.id}/care-plan").status_code == 404
