"""Demo data for care plans: a plan agreed three weeks ago, with progress since.

Margaret (patient@demo.example) agreed two goals at her last review; she has logged most
days, missed a couple when she was unwell, and her walks are getting longer.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from webapp.careplans.service import (
    ActionDraft,
    GoalDraft,
    PlanDraft,
    current_plan,
    save_plan,
)
from webapp.demo import DEMO_PRACTICE, seeder
from webapp.extensions import db
from webapp.models import (
    Per,
    Practice,
    ProgressStatus,
    Review,
    SkipReason,
    SupportService,
    User,
    utcnow,
)
from webapp.tracking.service import EntryData, actions_of, patient_today, record_entry

DIRECTORY = (
    ("Social prescribing link worker",
     "Someone to talk to about what matters to you and find local groups and help",
     "Ask at reception or ring the practice"),
    ("Walking for health group", "Free, friendly walks of 30 to 90 minutes, every Tuesday",
     "Meet at the library, 10am"),
    ("Diabetes education course",
     "A free course about living well with type 2 diabetes, in person or online",
     "Your practice can refer you"),
    ("NHS Stop Smoking Service", "Free support and medicines to help you stop smoking",
     "Call 0300 123 1044"),
    ("Talking therapies", "Free NHS help for anxiety, low mood and stress",
     "Refer yourself online or ask the practice"),
    ("Pulmonary rehabilitation", "Exercise and education for people with COPD",
     "Your practice can refer you"),
)


def _directory(practice: Practice) -> dict[str, SupportService]:
    existing = {s.name: s for s in db.session.scalars(
        select(SupportService).where(SupportService.practice_id == practice.id))}
    for name, description, contact in DIRECTORY:
        if name not in existing:
            existing[name] = SupportService(practice_id=practice.id, name=name,
                                            description=description, contact=contact)
            db.session.add(existing[name])
    db.session.flush()
    return existing


@seeder
def seed_care_plan(people: dict[str, User]) -> None:
    clinician = people["clinician@demo.example"]
    patient = people["patient@demo.example"].patient
    practice = db.session.scalar(select(Practice).where(Practice.name == DEMO_PRACTICE))
    directory = _directory(practice)
    if current_plan(patient.id) is not None:
        return
    agreed = utcnow() - timedelta(days=24)
    review = Review(practice_id=practice.id, patient_id=patient.id, clinician_id=clinician.id,
                    gathering_at=agreed - timedelta(days=14), conversation_at=agreed,
                    shared_at=agreed - timedelta(days=10), shared_by_id=clinician.id,
                    agenda_submitted_at=agreed - timedelta(days=3))
    db.session.add(review)
    db.session.flush()
    draft = PlanDraft(
        goals=[
            GoalDraft(text="I want to walk my granddaughter to school without stopping",
                      actions=[
                          ActionDraft(what="Walk to the end of the road and back",
                                      when="after lunch", where="from home", times=5,
                                      per=Per.WEEK, measure_target=Decimal(15),
                                      measure_unit="minutes", confidence=8,
                                      barriers="Bad weather, my knee on cold days",
                                      helps="Going with my neighbour Sue on Tuesdays"),
                          ActionDraft(what="Take the stairs at the library", times=2,
                                      per=Per.WEEK, confidence=7),
                      ]),
            GoalDraft(text="I'd like to get my sugar levels down so I can keep driving",
                      actions=[
                          ActionDraft(what="Have fruit instead of biscuits in the afternoon",
                                      when="with my afternoon cup of tea", times=1,
                                      per=Per.DAY, confidence=6,
                                      barriers="The grandchildren bring cake on Sundays",
                                      helps="Keep the fruit bowl on the kitchen table"),
                      ]),
        ],
        support_ids=[directory["Walking for health group"].id,
                     directory["Diabetes education course"].id],
        review_on=(agreed + timedelta(days=180)).date(),
    )
    save_plan(review, draft, base_version=0, saved_by=clinician, now=agreed)
    plan = current_plan(patient.id)
    _progress(patient, actions_of(plan), agreed.date())


def _progress(patient, actions, start) -> None:
    walk, stairs, fruit = actions
    today = patient_today(patient)
    unwell = {start + timedelta(days=9), start + timedelta(days=10)}
    day = start
    while day <= today - timedelta(days=1):
        offset = (day - start).days
        if day in unwell:
            for action in (walk, fruit):
                _log(patient, action, day, ProgressStatus.NOT_TODAY, reason=SkipReason.UNWELL)
        else:
            if day.weekday() in (0, 1, 2, 3, 5):  # five walks a week, longer as she goes
                _log(patient, walk, day, ProgressStatus.DONE,
                     amount=Decimal(min(10 + offset // 3, 20)))
            if day.weekday() in (1, 4):
                _log(patient, stairs, day, ProgressStatus.DONE)
            if day.weekday() == 6:
                _log(patient, fruit, day, ProgressStatus.PARTLY, note="Had a small slice of cake")
            else:
                _log(patient, fruit, day, ProgressStatus.DONE)
        day += timedelta(days=1)


def _log(patient, action, day, status, *, amount=None, reason=None, note="") -> None:
    record_entry(patient, EntryData(id=uuid.uuid4(), action_id=action.id, local_date=day,
                                    status=status, amount=amount, reason=reason, note=note))
