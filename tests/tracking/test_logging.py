"""Logging progress from the patient's pages, and the summaries they and the clinician see."""

import re
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from tests.support.factories import make_entry
from webapp.extensions import db
from webapp.models import AuditEvent, ProgressEntry, ProgressStatus, SkipReason
from webapp.tracking.service import patient_today


def log(client, world, status="done", entry_id=None, next_url="/"):
    return client.submit("/progress/log", {"entry_id": entry_id or str(uuid.uuid4()),
                                           "action_id": world.action.id, "status": status,
                                           "next": next_url})


def test_home_page_offers_one_tap_logging_for_each_action(client, world):
    client.sign_in_quickly(world.patient.user)
    page = client.get("/").get_data(as_text=True)
    assert "Walk to the shop and back" in page
    for word in ("Done", "Partly", "Not today"):
        assert f">{word}<span" in page
    assert "You&#39;ve done this 1 of 3 times this week" in page


def test_one_tap_logs_for_the_patients_own_today(client, world):
    client.sign_in_quickly(world.patient.user)
    response = log(client, world, "partly")
    assert response.status_code == 303 and response.headers["Location"] == "/"
    assert "Partly done: logged for today" in client.get("/").get_data(as_text=True)
    newest = db.session.query(ProgressEntry).order_by(ProgressEntry.id.desc()).first()
    assert newest.status is ProgressStatus.PARTLY
    assert newest.local_date == patient_today(world.patient)


def test_local_date_follows_the_patients_time_zone(world):
    world.patient.time_zone = "Pacific/Auckland"
    late_evening_utc = datetime(2026, 11, 23, 22, 30, tzinfo=UTC)
    # 11:30am on the 24th in Auckland (NZDT, UTC+13)
    assert patient_today(world.patient, late_evening_utc).isoformat() == "2026-11-24"
    world.patient.time_zone = "America/Los_Angeles"
    assert patient_today(world.patient, late_evening_utc).isoformat() == "2026-11-23"


def test_a_double_tap_stores_one_entry(client, world):
    client.sign_in_quickly(world.patient.user)
    entry_id = str(uuid.uuid4())
    before = db.session.query(ProgressEntry).count()
    log(client, world, entry_id=entry_id)
    log(client, world, entry_id=entry_id)
    assert db.session.query(ProgressEntry).count() == before + 1


def test_not_today_with_a_reason_does_not_count_against_me(client, world):
    client.sign_in_quickly(world.patient.user)
    db.session.query(ProgressEntry).delete()
    db.session.commit()
    log(client, world, "not_today")
    page = client.get("/").get_data(as_text=True)
    assert "Want to say why?" in page
    entry = db.session.query(ProgressEntry).one()
    client.submit(f"/progress/entries/{entry.client_id}/reason", {"reason": "unwell",
                                                                  "next": "/"})
    assert db.session.query(ProgressEntry).one().reason is SkipReason.UNWELL
    assert "don&#39;t count against you" in client.get("/").get_data(as_text=True)


def test_editing_my_entry_changes_amount_and_note(client, world):
    client.sign_in_quickly(world.patient.user)
    url = f"/progress/entries/{world.entry.client_id}/edit"
    assert client.get(url).status_code == 200
    response = client.submit(url, {"status": "done", "amount": "25", "note": "Went further",
                                   "reason": ""})
    assert response.status_code == 303
    db.session.refresh(world.entry)
    assert world.entry.amount == Decimal("25.00") and world.entry.note == "Went further"


def test_editing_refuses_a_reason_on_a_done_day_and_keeps_the_note(client, world):
    client.sign_in_quickly(world.patient.user)
    url = f"/progress/entries/{world.entry.client_id}/edit"
    response = client.submit(url, {"status": "done", "note": "Kept", "reason": "away"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "A reason can only be given for “not today”" in page and ">Kept</textarea>" in page


def test_deleting_my_entry_asks_first(client, world):
    client.sign_in_quickly(world.patient.user)
    url = f"/progress/entries/{world.entry.client_id}/delete"
    assert "Delete your entry for" in client.get(url).get_data(as_text=True)
    assert client.submit(url).status_code == 303
    db.session.refresh(world.entry)
    assert world.entry.deleted_at is not None
    assert client.get(url).status_code == 404


def test_another_patient_cannot_touch_my_entry(client, world):
    client.sign_in_quickly(world.patient2.user)
    for url in (f"/progress/entries/{world.entry.client_id}/edit",
                f"/progress/entries/{world.entry.client_id}/delete"):
        assert client.get(url).status_code == 404


def test_action_page_shows_history_chart_with_words_and_recent_entries(client, world):
    make_entry(world.patient, world.action, local_date=patient_today(world.patient)
               - timedelta(days=1), amount=Decimal(15))
    db.session.commit()
    client.sign_in_quickly(world.patient.user)
    page = client.get(f"/plan/actions/{world.action.id}").get_data(as_text=True)
    assert '<svg' in page and 'role="img"' in page
    assert "Chart in words" in page
    assert re.search(r"Done</strong>, 15 minutes", page)


def test_staff_progress_view_shows_logged_against_planned_and_is_audited(client, world):
    client.sign_in_quickly(world.clinician)
    page = client.get(f"/patients/{world.patient.id}/progress").get_data(as_text=True)
    assert "Walk to the shop and back" in page
    assert "planned times logged" in page
    assert db.session.query(AuditEvent).filter_by(subject="progress").count() == 1


def test_progress_pages_may_be_kept_offline_for_the_patient_only(client, world):
    client.sign_in_quickly(world.patient.user)
    for path in ("/", "/plan", "/progress", f"/plan/actions/{world.action.id}"):
        assert client.get(path).headers.get("X-Offline-Readable") == "1", path
    client.sign_in_quickly(world.clinician)
    assert "X-Offline-Readable" not in client.get("/").headers
    assert "X-Offline-Readable" not in client.get(
        f"/patients/{world.patient.id}/progress").headers


def test_clinician_sees_check_in_answers_and_marks_a_change_request_dealt_with(client, world):
    from webapp.careplans.checkins import patients_asking_for_change

    client.sign_in_quickly(world.clinician)
    page = client.get(f"/patients/{world.patient.id}/progress").get_data(as_text=True)
    assert "Going OK" in page and "7/10 (was 8/10)" in page
    assert "Could I do fewer walks?" in page
    assert patients_asking_for_change(world.practice.id) == {world.patient.id}
    client.submit(f"/patients/{world.patient.id}/check-ins/{world.check_in.id}/handled")
    assert patients_asking_for_change(world.practice.id) == set()
    assert "Dealt with on" in client.get(f"/patients/{world.patient.id}/progress").get_data(
        as_text=True)
