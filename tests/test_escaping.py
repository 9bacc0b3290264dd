"""Text people write is shown escaped everywhere it appears.

Each case stores a script tag through the real form or JSON endpoint, then reads every page
that shows it; the tag must arrive as text, never as markup.
"""

import uuid

import pytest

from tests.careplans.test_editor import editor_fields
from tests.support.factories import with_care_plan
from webapp.extensions import db
from webapp.models import SupportService
from webapp.tracking.service import patient_today

SCRIPT = '<script>alert("x")</script>'
ESCAPED = "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;"


@pytest.fixture
def world(world):
    """The world with the first patient's care plan, so every URL has an object to name."""
    return with_care_plan(world)


def assert_escaped(client, *paths):
    for path in paths:
        page = client.get(path).get_data(as_text=True)
        assert SCRIPT not in page, path
        assert ESCAPED in page, path


def test_care_plan_words_are_escaped_for_patient_and_staff(app, client, world):
    client.sign_in_quickly(world.clinician)
    url = f"/reviews/{world.review.id}/care-plan"
    fields = editor_fields(client.get(url).get_data(as_text=True))
    for name in ("goals-0-text", "goals-0-actions-0-what", "goals-0-actions-0-where",
                 "goals-0-actions-0-when", "goals-0-actions-0-barriers",
                 "goals-0-actions-0-helps", "goals-0-actions-0-measure_unit"):
        fields[name] = SCRIPT[:40] if name.endswith("measure_unit") else SCRIPT
    fields["goals-0-actions-0-measure_unit"] = "<b>x</b>"
    assert client.submit(url, fields).status_code == 303
    assert_escaped(client, url, f"{url}/history", f"/patients/{world.patient.id}/progress")
    client.sign_in_quickly(world.patient.user)
    assert_escaped(client, "/", "/plan", "/plan/print", "/progress",
                   f"/plan/actions/{world.action.id}")


def test_progress_notes_are_escaped(client, world):
    client.sign_in_quickly(world.patient.user)
    entry = {"id": str(uuid.uuid4()), "action_id": world.action.id,
             "local_date": patient_today(world.patient).isoformat(), "status": "done",
             "note": SCRIPT}
    assert client.post_json("/progress/entries", entry).status_code == 200
    assert_escaped(client, "/", f"/plan/actions/{world.action.id}")


def test_support_service_words_are_escaped(client, world):
    client.sign_in_quickly(world.admin)
    client.submit(f"/admin/support-services/{world.support_service.id}",
                  {"name": SCRIPT, "description": SCRIPT, "contact": SCRIPT, "is_active": "y"})
    assert db.session.get(SupportService, world.support_service.id).name == SCRIPT
    assert_escaped(client, "/admin/support-services")
    client.sign_in_quickly(world.patient.user)
    assert_escaped(client, "/plan", "/plan/print")


def test_check_in_change_request_is_escaped_for_the_clinician(client, world):
    db.session.delete(world.check_in)
    db.session.commit()
    client.sign_in_quickly(world.patient.user)
    client.submit("/plan/check-in", {f"going_{world.action.id}": "ok",
                                     f"confidence_{world.action.id}": "7",
                                     "wants_change": "yes", "change_request": SCRIPT})
    client.sign_in_quickly(world.clinician)
    assert_escaped(client, f"/patients/{world.patient.id}/progress")


def test_names_given_by_staff_are_escaped(client, world):
    client.sign_in_quickly(world.admin)
    client.submit("/admin/staff/new", {"name": SCRIPT, "email": "new.person@example.com",
                                       "role": "clinician"})
    assert_escaped(client, "/admin/staff")
