"""Recording audit events. Called at every staff read or change of a patient's data."""

from __future__ import annotations

from flask import has_request_context, request
from flask_login import current_user

from webapp.extensions import db
from webapp.models import AuditEvent, Patient, User


def record(action: str, subject: str, *, patient: Patient | None, subject_id: int | None = None,
           actor: User | None = None) -> AuditEvent:
    """Add an audit event to the current transaction (the caller commits with its change).

    `subject` names what was touched in the domain's words ("patient record", "results",
    "agenda"); never a value, a note or an NHS number.
    """
    actor = actor or current_user._get_current_object()
    event = AuditEvent(
        practice_id=patient.practice_id if patient else actor.practice_id,
        actor_id=actor.id,
        actor_role=actor.role,
        patient_id=patient.id if patient else None,
        action=action,
        subject=subject,
        subject_id=subject_id,
        ip_address=request.remote_addr if has_request_context() else None,
    )
    db.session.add(event)
    return event
