"""Test data in one line per object: make_practice(), make_staff(...), make_patient(...).

Each helper adds to the session and flushes; tests commit when a request must see the rows.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache

from webapp.accounts.nhs_number import check_digit
from webapp.accounts.passwords import hash_password
from webapp.extensions import db
from webapp.models import AgendaPrompt, Patient, Practice, Result, Review, Role, User, utcnow

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
            return first_nine + str(digit)
        number = next(_sequence)


def make_practice(name: str | None = None) -> Practice:
    practice = Practice(name=name or f"Practice {next(_sequence)}")
    db.session.add(practice)
    db.session.flush()
    return practice


def make_staff(practice: Practice, role: Role = Role.CLINICIAN, *, name: str | None = None,
               email: str | None = None, active: bool = True) -> User:
    n = next(_sequence)
    user = User(practice_id=practice.id, role=role, name=name or f"{role.label} {n}",
                email=email or f"staff{n}@example.com",
                password_hash=password_hash() if active else None,
                activated_at=utcnow() if active else None)
    db.session.add(user)
    db.session.flush()
    return user


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
