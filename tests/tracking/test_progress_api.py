"""POST /progress/entries: the device's idempotent way to log progress."""

import uuid
from datetime import timedelta

import pytest

from tests.support.factories import make_care_plan, make_review
from webapp.extensions import db
from webapp.models import ProgressEntry
from webapp.tracking.service import patient_today


def body(world, **fields):
    return {"id": str(uuid.uuid4()), "action_id": world.action.id,
            "local_date": patient_today(world.patient).isoformat(), "status": "done",
            "amount": 12, "note": "Felt good", "reason": None, "source": "offline", **fields}


def test_the_same_id_twice_stores_one_entry_and_answers_200_both_times(client, world):
    client.sign_in_quickly(world.patient.user)
    entry = body(world)
    first = client.post_json("/progress/entries", entry)
    second = client.post_json("/progress/entries", entry)
    assert (first.status_code, second.status_code) == (200, 200)
    assert first.get_json()["created"] is True and second.get_json()["created"] is False
    assert first.get_json()["entry"] == second.get_json()["entry"]
    stored = db.session.query(ProgressEntry).filter_by(client_id=uuid.UUID(entry["id"])).all()
    assert len(stored) == 1 and stored[0].source == "offline" and float(stored[0].amount) == 12


def test_the_same_id_with_a_different_body_is_refused(client, world):
    client.sign_in_quickly(world.patient.user)
    entry = body(world)
    client.post_json("/progress/entries", entry)
    response = client.post_json("/progress/entries", {**entry, "status": "partly"})
    assert response.status_code == 422
    assert response.get_json()["field"] == "id"
    assert db.session.query(ProgressEntry).filter_by(
        client_id=uuid.UUID(entry["id"])).one().status.value == "done"


@pytest.mark.parametrize(("change", "field"), [
    ({"id": "not-a-uuid"}, "id"),
    ({"action_id": "7"}, "action_id"),
    ({"action_id": True}, "action_id"),
    ({"local_date": "29/03/2026"}, "local_date"),
    ({"local_date": "2026-02-30"}, "local_date"),
    ({"status": "finished"}, "status"),
    ({"amount": -1}, "amount"),
    ({"amount": "lots"}, "amount"),
    ({"amount": 1e12}, "amount"),
    ({"note": "x" * 501}, "note"),
    ({"note": 5}, "note"),
    ({"reason": "bored"}, "reason"),
    ({"reason": "unwell"}, "reason"),  # a reason only goes with "not today"
    ({"source": "email"}, "source"),
    ({"colour": "blue"}, "colour"),
])
def test_a_bad_field_is_named_and_nothing_is_stored(client, world, change, field):
    client.sign_in_quickly(world.patient.user)
    before = db.session.query(ProgressEntry).count()
    response = client.post_json("/progress/entries", body(world, **change))
    assert response.status_code == 422, response.get_json()
    assert response.get_json()["field"] == field
    assert response.get_json()["error"]
    assert db.session.query(ProgressEntry).count() == before


def test_a_body_that_is_not_an_object_is_refused(client, world):
    client.sign_in_quickly(world.patient.user)
    response = client.post_json("/progress/entries", ["done"])
    assert response.status_code == 422


def test_dates_in_the_future_or_before_the_plan_are_refused(client, world):
    client.sign_in_quickly(world.patient.user)
    today = patient_today(world.patient)
    ahead = client.post_json("/progress/entries",
                             body(world, local_date=(today + timedelta(days=2)).isoformat()))
    before = client.post_json("/progress/entries",
                              body(world, local_date=(today - timedelta(days=30)).isoformat()))
    assert ahead.get_json()["field"] == before.get_json()["field"] == "local_date"


def test_another_patients_action_is_404(client, world):
    review = make_review(world.patient2, clinician=world.clinician)
    plan = make_care_plan(review, world.clinician)
    db.session.commit()
    client.sign_in_quickly(world.patient.user)
    response = client.post_json("/progress/entries",
                                body(world, action_id=plan.goals[0].actions[0].id))
    assert response.status_code == 404


def test_an_id_used_by_another_patient_is_refused_without_touching_theirs(app, client, world):
    review = make_review(world.patient2, clinician=world.clinician)
    plan = make_care_plan(review, world.clinician)
    db.session.commit()
    client.sign_in_quickly(world.patient2.user)
    theirs = body(world, action_id=plan.goals[0].actions[0].id,
                  local_date=patient_today(world.patient2).isoformat())
    assert client.post_json("/progress/entries", theirs).status_code == 200
    client.sign_out()
    client.sign_in_quickly(world.patient.user)
    response = client.post_json("/progress/entries", {**theirs, "action_id": world.action.id})
    assert response.status_code == 422


def test_signed_out_gets_401_and_nothing_is_stored(client, world):
    before = db.session.query(ProgressEntry).count()
    response = client.post_json("/progress/entries", body(world))
    assert response.status_code == 401
    assert db.session.query(ProgressEntry).count() == before


def test_staff_cannot_log_progress_for_a_patient(client, world):
    client.sign_in_quickly(world.clinician)
    assert client.post_json("/progress/entries", body(world)).status_code == 403


def test_a_deleted_entry_is_not_brought_back_by_a_late_replay(client, world):
    client.sign_in_quickly(world.patient.user)
    entry = body(world)
    client.post_json("/progress/entries", entry)
    client.submit(f"/progress/entries/{entry['id']}/delete")
    replay = client.post_json("/progress/entries", entry)
    assert replay.status_code == 200 and replay.get_json()["entry"]["deleted"] is True
    assert db.session.query(ProgressEntry).filter_by(
        client_id=uuid.UUID(entry["id"])).one().deleted_at is not None
