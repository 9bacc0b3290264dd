"""Care plans, check-ins and progress in the patient's download, and their removal when an
account is closed (they are part of the clinical record)."""

from __future__ import annotations

from sqlalchemy import delete

from webapp.data_rights import CLINICAL, eraser, exporter, jsonable, patient_rows
from webapp.extensions import db
from webapp.models import (
    Action,
    CarePlan,
    CarePlanRevision,
    CarePlanSupport,
    CheckIn,
    CheckInAnswer,
    Goal,
    Patient,
    ProgressEntry,
)


@exporter("care_plans")
def export_care_plans(patient: Patient) -> dict:
    return jsonable({
        "plans": [{"id": p.id, "review_id": p.review_id, "version": p.version,
                   "agreed_on": p.agreed_on, "review_on": p.review_on,
                   "check_in_after_days": p.check_in_after_days, "updated_at": p.updated_at}
                  for p in patient_rows(CarePlan, patient)],
        "goals": [{"id": g.id, "care_plan_id": g.care_plan_id, "goal": g.text,
                   "removed_at": g.retired_at} for g in patient_rows(Goal, patient)],
        "actions": [{"id": a.id, "goal_id": a.goal_id, "what": a.what, "where": a.where,
                     "when": a.when, "times": a.times, "per": a.per,
                     "measure": a.measure_target, "measured_in": a.measure_unit,
                     "confidence": a.confidence, "barriers": a.barriers,
                     "what_will_help": a.helps, "removed_at": a.retired_at}
                    for a in patient_rows(Action, patient)],
        "support": [{"id": s.id, "care_plan_id": s.care_plan_id, "service": s.service.name,
                     "contact": s.service.contact} for s in patient_rows(CarePlanSupport, patient)],
        "revisions": [{"id": r.id, "care_plan_id": r.care_plan_id, "version": r.number,
                       "saved_at": r.saved_at,
                       "saved_by": r.saved_by.name if r.saved_by else None,
                       "plan": r.snapshot} for r in patient_rows(CarePlanRevision, patient)],
    })


@exporter("check_ins")
def export_check_ins(patient: Patient) -> dict:
    return jsonable({
        "check_ins": [{"id": c.id, "care_plan_id": c.care_plan_id, "sent_at": c.submitted_at,
                       "asked_for_a_change": c.wants_change, "change": c.change_request}
                      for c in patient_rows(CheckIn, patient)],
        "answers": [{"id": a.id, "check_in_id": a.check_in_id, "action_id": a.action_id,
                     "how_it_is_going": a.going, "confidence": a.confidence}
                    for a in patient_rows(CheckInAnswer, patient)],
    })


@exporter("progress")
def export_progress(patient: Patient) -> list[dict]:
    return jsonable([{
        "id": e.id, "entry_id": str(e.client_id), "action_id": e.action_id,
        "date": e.local_date, "status": e.status, "amount": e.amount, "note": e.note,
        "reason": e.reason, "logged_from": e.source, "logged_at": e.created_at,
        "changed_at": e.updated_at, "deleted_at": e.deleted_at,
    } for e in patient_rows(ProgressEntry, patient)])


@eraser(CLINICAL)
def erase_care_plans(patient: Patient) -> None:
    # Children before parents: answers and entries point at actions, actions at goals...
    for model in (CheckInAnswer, CheckIn, ProgressEntry, CarePlanSupport, CarePlanRevision,
                  Action, Goal, CarePlan):
        db.session.execute(delete(model).where(model.patient_id == patient.id))
    db.session.flush()
