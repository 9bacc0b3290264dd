"""Building a patient's download, and closing accounts (see the package docstring)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from webapp import data_rights
from webapp.audit.service import record
from webapp.extensions import db
from webapp.models import AccountClosure, Patient, User, utcnow

FORMAT_VERSION = 1


def export(patient: Patient, *, service_name: str, now: datetime | None = None) -> dict:
    """Everything the service holds about this patient, section by section."""
    sections = {name: function(patient) for name, function in data_rights.EXPORTERS.items()}
    return {
        "about_this_file": {
            "service": service_name,
            "format_version": FORMAT_VERSION,
            "exported_at": (now or utcnow()).isoformat(),
            "note": "All times are in UTC (ISO 8601).",
        },
        **sections,
    }


def pending_closure(patient: Patient) -> AccountClosure | None:
    return db.session.scalar(select(AccountClosure).where(
        AccountClosure.patient_id == patient.id, AccountClosure.completed_at.is_(None)))


def request_closure(patient: Patient, now: datetime | None = None) -> AccountClosure:
    """The patient asks to close their account; asking twice is the same request."""
    existing = pending_closure(patient)
    if existing is not None:
        return existing
    closure = AccountClosure(practice_id=patient.practice_id, patient_id=patient.id,
                             requested_at=now or utcnow())
    db.session.add(closure)
    db.session.flush()
    return closure


def pending_closures(practice_id: int) -> list[AccountClosure]:
    return list(db.session.scalars(select(AccountClosure).where(
        AccountClosure.practice_id == practice_id, AccountClosure.completed_at.is_(None))
        .order_by(AccountClosure.requested_at)))


def complete_closure(closure: AccountClosure, admin: User, now: datetime | None = None) -> None:
    """Close the account now, and remove the clinical record now or at the end of the
    practice's retention period. The audit trail is kept either way."""
    now = now or utcnow()
    patient = closure.patient
    record("closed", "account", patient=patient, actor=admin)
    for erase in data_rights.erasers(data_rights.ACCOUNT):
        erase(patient)
    closure.completed_at = now
    closure.completed_by_id = admin.id
    years = patient.practice.closure_retention_years
    if years:
        # A year is 365.25 days here: the keep-until date is approximate by at most a day.
        closure.keep_clinical_until = now + timedelta(days=round(365.25 * years))
    else:
        remove_clinical_record(patient, now)
    db.session.flush()


def remove_clinical_record(patient: Patient, now: datetime | None = None) -> None:
    """Delete the clinical record and empty the patient row, which stays as a tombstone so
    audit events keep pointing at it (they can never be changed: see models/audit.py)."""
    for erase in data_rights.erasers(data_rights.CLINICAL):
        erase(patient)
    patient.given_name = "Removed"
    patient.family_name = "patient"
    # Not a valid NHS number (a letter), unique per practice, and says nothing.
    patient.nhs_number = f"X{patient.id:09d}"[-10:]
    patient.date_of_birth = None
    patient.email = ""
    patient.removed_at = now or utcnow()
    if patient.user is not None:
        patient.user.name = "Closed account"
    db.session.flush()


def remove_expired_records(now: datetime | None = None) -> int:
    """Remove clinical records whose retention period has ended. Returns how many."""
    now = now or utcnow()
    due = db.session.scalars(select(AccountClosure).join(Patient).where(
        AccountClosure.keep_clinical_until <= now, Patient.removed_at.is_(None))).all()
    for closure in due:
        remove_clinical_record(closure.patient, now)
    return len(due)
