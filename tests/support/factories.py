"""Test data in one line per object: make_practice(), make_staff(...), make_patient(...).

Each helper adds to the session and flushes; tests commit when a request must see the rows.
"""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import cache

import pyotp

from tests.support import leak_watch
from webapp.accounts import two_step
from webapp.accounts.nhs_number import check_digit
from webapp.accounts.passwords import hash_password
from webapp.careplans.service import (
    ActionDraft,
    GoalDraft,
    PlanDraft,
    plan_for_review,
    save_plan,
)
from webapp.extensions import db
from webapp.models import (
    Action,
    AgendaPrompt,
    Authenticator,
    CarePlan,
    CheckIn,
    CheckInAnswer,
    HowItIsGoing,
    Patient,
    Per,
    Practice,
    ProgressEntry,
    ProgressStatus,
    Result,
    Review,
    Role,
    SkipReason,
    SupportService,
    User,
    utcnow,
)
from webapp.tracking.service import EntryData, patient_today, record_entry

PASSWORD = "correct horse battery staple"

_sequence = itertools.count(1)


@cache
def password_hash() -> str:
    # argon2 is slow on purpose; hashing once per run keeps the suite fast.
    return hash_password(PASSWORD)


def valid_nhs_number(seed: int | None = None) -> str:
    """A valid NHS number from the 999 test range, different on every call."""
    number = seed if seed is not None else next(_sequence)
    while True:
        first_nine = f"999{number:06d}"[-9:]
        digit = check_digit(first_nine)
        if digit is not None:
            leak_watch.remember("NHS number", first_nine + str(digit))
            return first_nine + str(digit)
        number = next(_sequence)


def make_practice(name: str | None = None) -> Practice:
    practice = Practice(name=name or f"Practice {next(_sequence)}")
    db.session.add(practice)
    db.session.flush()
    return practice


def make_staff(practice: Practice, role: Role = Role.CLINICIAN, *, name: str | None = None,
               email: str | None = None, active: bool = True,
               authenticator: bool | None = None) -> User:
    """A member of staff. An active one has an authenticator app set up (staff must) unless
    `authenticator=False`; Client.sign_in makes their codes."""
    n = next(_sequence)
    user = User(practice_id=practice.id, role=role, name=name or f"{role.label} {n}",
                email=email or f"staff{n}@example.com",
                password_hash=password_hash() if active else None,
                activated_at=utcnow() if active else None)
    db.session.add(user)
    db.session.flush()
    if authenticator if authenticator is not None else active:
        make_authenticator(user)
    return user


def make_authenticator(user: User, secret: str | None = None) -> str:
    """Give `user` an authenticator app; returns its secret."""
    secret = secret or pyotp.random_base32()
    leak_watch.remember("authenticator secret", secret)
    db.session.add(Authenticator(user_id=user.id, secret_encrypted=two_step.encrypt(secret)))
    db.session.flush()
    return secret


def authenticator_code(user: User) -> str:
    """A code the user's app would show that has not been used yet: this time step's, or
    the next one's (which the server accepts for clock drift) when this one has been used."""
    found = two_step.authenticator_for(user)
    db.session.refresh(found)
    now = two_step.current_step()
    step = max(now - two_step.DRIFT_STEPS, found.last_used_step + 1)
    assert step <= now + two_step.DRIFT_STEPS, "no unused code left in this 30-second window"
    return two_step.code_for_step(two_step.decrypt(found.secret_encrypted), step)


def make_patient(practice: Practice, *, given_name: str = "Pat", family_name: str | None = None,
                 email: str | None = None, date_of_birth: date = date(1960, 5, 17),
                 active: bool = True, time_zone: str = "Europe/London") -> Patient:
    n = next(_sequence)
    patient = Patient(practice_id=practice.id, nhs_number=valid_nhs_number(),
                      given_name=given_name, family_name=family_name or f"Patient{n}",
                      date_of_birth=date_of_birth, email=email or f"patient{n}@example.com",
                      time_zone=time_zone)
    db.session.add(patient)
    db.session.flush()
    user = User(practice_id=practice.id, role=Role.PATIENT, name=patient.full_name,
                email=patient.email, patient_id=patient.id,
                password_hash=password_hash() if active else None,
                activated_at=utcnow() if active else None)
    db.session.add(user)
    db.session.flush()
    return patient


def make_review(patient: Patient, *, clinician: User | None = None,
                conversation_at: datetime | None = None, shared: bool = False,
                shared_by: User | None = None) -> Review:
    review = Review(practice_id=patient.practice_id, patient_id=patient.id,
                    clinician_id=clinician.id if clinician else None,
                    conversation_at=conversation_at or utcnow() + timedelta(days=14))
    if shared:
        review.shared_at = utcnow()
        review.shared_by_id = (shared_by or clinician).id if (shared_by or clinician) else None
    db.session.add(review)
    db.session.flush()
    return review


def make_support_service(practice: Practice, name: str = "Walking for health",
                         *, active: bool = True) -> SupportService:
    service = SupportService(practice_id=practice.id, name=name,
                             description="Free guided walks, 30 to 90 minutes",
                             contact="Ring 01632 960001", is_active=active)
    db.session.add(service)
    db.session.flush()
    return service


def action_draft(what: str = "Walk to the shop and back", *, times: int = 3,
                 per: Per = Per.WEEK, confidence: int = 8, measure_unit: str | None = "minutes",
                 measure_target: Decimal | None = Decimal(20), **fields) -> ActionDraft:
    return ActionDraft(what=what, times=times, per=per, confidence=confidence,
                       measure_unit=measure_unit, measure_target=measure_target, **fields)


def make_care_plan(review: Review, clinician: User, *, goals: list[GoalDraft] | None = None,
                   support: list[SupportService] = (), agreed_at: datetime | None = None,
                   review_on: date | None = None) -> CarePlan:
    """A saved care plan for the review, written through the editor's own save path."""
    draft = PlanDraft(
        goals=goals or [GoalDraft(text="I want to walk to my granddaughter's school",
                                  actions=[action_draft()])],
        support_ids=[s.id for s in support],
        review_on=review_on or date.today() + timedelta(days=180))
    for goal in draft.goals:
        leak_watch.remember("words from a care plan", goal.text,
                            *(a.what for a in goal.actions), *(a.barriers for a in goal.actions))
    save_plan(review, draft, base_version=0, saved_by=clinician, now=agreed_at)
    db.session.flush()
    return plan_for_review(review)


def make_entry(patient: Patient, action: Action, *, local_date: date | None = None,
               status: ProgressStatus = ProgressStatus.DONE, amount: Decimal | None = None,
               reason: SkipReason | None = None, note: str = "") -> ProgressEntry:
    data = EntryData(id=uuid.uuid4(), action_id=action.id,
                     local_date=local_date or patient_today(patient), status=status,
                     amount=amount, reason=reason, note=note)
    entry, _ = record_entry(patient, data)
    leak_watch.remember("a progress note", note)
    return entry


def make_check_in(plan: CarePlan, *, wants_change: bool = False,
                  going: HowItIsGoing = HowItIsGoing.OK, confidence: int = 7) -> CheckIn:
    check_in = CheckIn(care_plan_id=plan.id, patient_id=plan.patient_id,
                       wants_change=wants_change,
                       change_request="Could I do fewer walks?" if wants_change else "")
    for goal in plan.goals:
        for action in goal.actions:
            check_in.answers.append(CheckInAnswer(patient_id=plan.patient_id,
                                                  action_id=action.id, going=going,
                                                  confidence=confidence))
    leak_watch.remember("a change request", check_in.change_request)
    db.session.add(check_in)
    db.session.flush()
    return check_in


@dataclass
class World:
    """Two practices: 'home' with someone in every role and two patients, and 'other'
    with its own staff and patient, for proving that practices never see each other."""

    practice: Practice
    admin: User
    clinician: User
    hca: User
    patient: Patient
    patient2: Patient
    other_practice: Practice
    other_admin: User
    other_clinician: User
    other_patient: Patient
    # Filled by with_care_plan(): a review whose conversation is done, its plan, one
    # action, one logged entry, the directory service the plan names, a check-in.
    review: Review | None = None
    plan: CarePlan | None = None
    action: Action | None = None
    entry: ProgressEntry | None = None
    support_service: SupportService | None = None
    check_in: CheckIn | None = None

    def users(self) -> dict[str, User]:
        return {
            "patient": self.patient.user,
            "patient2": self.patient2.user,
            "clinician": self.clinician,
            "hca": self.hca,
            "admin": self.admin,
            "other_patient": self.other_patient.user,
            "other_clinician": self.other_clinician,
            "other_admin": self.other_admin,
        }


def make_world() -> World:
    home = make_practice("Home Practice")
    other = make_practice("Other Practice")
    world = World(
        practice=home,
        admin=make_staff(home, Role.PRACTICE_ADMIN, name="Ada Admin"),
        clinician=make_staff(home, Role.CLINICIAN, name="Dr Cleo Clinician"),
        hca=make_staff(home, Role.HEALTHCARE_ASSISTANT, name="Hal Assistant"),
        patient=make_patient(home, given_name="Margaret", family_name="Evans"),
        patient2=make_patient(home, given_name="Arjun", family_name="Patel"),
        other_practice=other,
        other_admin=make_staff(other, Role.PRACTICE_ADMIN, name="Otto Admin"),
        other_clinician=make_staff(other, Role.CLINICIAN, name="Dr Olga Other"),
        other_patient=make_patient(other, given_name="Tom", family_name="Hughes"),
    )
    db.session.commit()
    return world


def with_care_plan(world: World) -> World:
    """The world after the first patient's care planning conversation, three days ago."""
    world.support_service = make_support_service(world.practice)
    world.review = make_review(world.patient, clinician=world.clinician, shared=True)
    world.plan = make_care_plan(world.review, world.clinician, support=[world.support_service],
                                agreed_at=utcnow() - timedelta(days=3))
    world.action = world.plan.goals[0].actions[0]
    world.entry = make_entry(world.patient, world.action)
    world.check_in = make_check_in(world.plan, wants_change=True)
    db.session.commit()
    return world


# --- results and agendas (preparation) ------------------------------------------------------


def result_types() -> None:
    """The catalogue's result types as rows, which results and targets refer to."""
    from webapp.preparation.results import sync_result_types

    sync_result_types()


def make_result(patient: Patient, code: str, value, *, taken_on: date | None = None,
                review: Review | None = None, shared: bool = False, item_9: int | None = None,
                by: User | None = None) -> Result:
    """A result from a value as staff would type it: "53", "135/85", "low"..."""
    from webapp.content import result_catalogue
    from webapp.results.assessment import ResultValue, parse_and_check

    result_types()
    spec = result_catalogue.get(code)
    raw = {"value": str(value)}
    leak_watch.remember("result value", str(value))
    if spec.has_item_9:
        raw["item_9"] = str(item_9 if item_9 is not None else 0)
    parsed = parse_and_check(spec, raw)
    assert isinstance(parsed, ResultValue), parsed
    result = Result(practice_id=patient.practice_id, patient_id=patient.id,
                    review_id=review.id if review else None, result_code=code,
                    taken_on=taken_on or utcnow().date(), number=parsed.number,
                    systolic=parsed.systolic, diastolic=parsed.diastolic,
                    category=parsed.category, item_9=parsed.item_9,
                    entered_by_id=by.id if by else None,
                    shared_at=utcnow() if shared else None)
    db.session.add(result)
    db.session.flush()
    return result


def make_shared_review(patient: Patient, *, clinician: User | None = None,
                       results: dict[str, object] | None = None,
                       conversation_at: datetime | None = None) -> Review:
    """A review whose results (code -> value, taken today) are shared with the patient."""
    from webapp.preparation.prompts import ensure_default_prompts

    review = make_review(patient, clinician=clinician, conversation_at=conversation_at,
                         shared=True)
    for code, value in (results or {}).items():
        make_result(patient, code, value, review=review, shared=True)
    ensure_default_prompts(patient.practice_id)
    db.session.flush()
    return review


def prompt_of(practice: Practice, key: str = "feet") -> AgendaPrompt:
    """One of a practice's agenda prompts (the defaults are copied in when needed)."""
    from sqlalchemy import select

    from webapp.preparation.prompts import ensure_default_prompts

    ensure_default_prompts(practice.id)
    return db.session.scalar(select(AgendaPrompt).where(
        AgendaPrompt.practice_id == practice.id, AgendaPrompt.key == key))


def review_of(patient: Patient) -> Review:
    """The patient's first review, made if they have none (one object for a whole test)."""
    from sqlalchemy import select

    found = db.session.scalar(select(Review).where(Review.patient_id == patient.id)
                              .order_by(Review.id).limit(1))
    return found or make_review(patient)
