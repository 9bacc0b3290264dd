"""Results, agendas, targets and conditions in the patient's download, and their removal
when an account is closed (part of the clinical record).

Two things are left out of the self-service download on purpose: results the practice has
not shared yet (they stay invisible to the patient until a clinician has looked at them,
in the download as on every page), and staff's preparation notes. Both are part of a full
subject access request, which the practice handles; the download says so.
"""

from __future__ import annotations

from sqlalchemy import delete

from webapp.data_rights import CLINICAL, eraser, exporter, jsonable, patient_rows
from webapp.extensions import db
from webapp.models import (
    Agenda,
    AgendaEntry,
    AgendaPriority,
    AgendaResult,
    ClinicalProfile,
    Patient,
    PersonalTarget,
    PreparationNote,
    Result,
)

NOT_INCLUDED = ("Results your practice has not shared with you yet, and staff's notes for "
                "preparing your review. Ask your practice for a full copy of your record "
                "(a subject access request) if you want those too.")


@exporter("results")
def export_results(patient: Patient) -> dict:
    return jsonable({
        "not_included": NOT_INCLUDED,
        "results": [{
            "id": r.id, "review_id": r.review_id, "test": r.result_code,
            "taken_on": r.taken_on, "value": r.number, "systolic": r.systolic,
            "diastolic": r.diastolic, "category": r.category, "item_9": r.item_9,
            "shared_with_you_at": r.shared_at,
        } for r in patient_rows(Result, patient) if r.shared_at is not None],
        "personal_targets": [{
            "id": t.id, "test": t.result_code, "kind": t.kind, "low": t.low, "high": t.high,
            "systolic": t.systolic, "diastolic": t.diastolic, "categories": t.categories,
            "reason": t.reason, "set_at": t.set_at,
        } for t in patient_rows(PersonalTarget, patient)],
        "conditions": [{
            "id": p.id, "conditions": p.conditions, "type_1_diabetes": p.type_1_diabetes,
            "on_a_medicine_that_can_cause_hypos": p.on_hypo_causing_drug,
            "heart_attack_or_stroke_before": p.established_cvd,
            "family_background": p.family_background, "updated_at": p.updated_at,
        } for p in patient_rows(ClinicalProfile, patient)],
    })


@exporter("agendas")
def export_agendas(patient: Patient) -> dict:
    return jsonable({
        "agendas": [{"id": a.id, "review_id": a.review_id, "started_at": a.created_at,
                     "changed_at": a.updated_at} for a in patient_rows(Agenda, patient)],
        "answers": [{"id": e.id, "agenda_id": e.agenda_id, "prompt": e.prompt.text,
                     "ticked": e.ticked, "your_words": e.words}
                    for e in patient_rows(AgendaEntry, patient)],
        "priorities": [{"id": p.id, "agenda_id": p.agenda_id, "rank": p.rank,
                        "topic": p.prompt.text if p.prompt else None,
                        "result": p.result_code, "your_words": p.words}
                       for p in patient_rows(AgendaPriority, patient)],
        "results_to_talk_about": [{"id": r.id, "agenda_id": r.agenda_id,
                                   "test": r.result_code, "added_at": r.added_at}
                                  for r in patient_rows(AgendaResult, patient)],
    })


@eraser(CLINICAL)
def erase_preparation(patient: Patient) -> None:
    for model in (AgendaResult, AgendaPriority, AgendaEntry, Agenda, PreparationNote,
                  PersonalTarget, ClinicalProfile, Result):
        db.session.execute(delete(model).where(model.patient_id == patient.id))
    db.session.flush()
