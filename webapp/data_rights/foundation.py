"""The foundation's part of the download and of closing an account: the patient's record,
their account, where they were signed in, their reviews, and who looked at their information."""

from __future__ import annotations

from sqlalchemy import delete, select

from webapp.accounts import throttle
from webapp.data_rights import ACCOUNT, CLINICAL, eraser, exporter, jsonable
from webapp.extensions import db
from webapp.models import (
    AccountClosure,
    ActivationCode,
    AuditEvent,
    Authenticator,
    Patient,
    RecoveryCode,
    Review,
    UserSession,
)


@exporter("profile")
def export_profile(patient: Patient) -> dict:
    return jsonable({
        "id": patient.id, "nhs_number": patient.nhs_number, "given_name": patient.given_name,
        "family_name": patient.family_name, "date_of_birth": patient.date_of_birth,
        "email": patient.email, "time_zone": patient.time_zone,
        "practice": patient.practice.name, "registered_at": patient.created_at,
    })


@exporter("account")
def export_account(patient: Patient) -> dict | None:
    user = patient.user
    if user is None:
        return None
    authenticator = db.session.scalar(
        select(Authenticator).where(Authenticator.user_id == user.id))
    codes = db.session.scalars(select(ActivationCode).where(ActivationCode.user_id == user.id)
                               .order_by(ActivationCode.id))
    recovery = db.session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == user.id)
                                  .order_by(RecoveryCode.id))
    return jsonable({
        "id": user.id, "email": user.email, "name": user.name, "role": user.role,
        "created_at": user.created_at, "activated_at": user.activated_at,
        "last_signed_in_at": user.last_signed_in_at,
        # The secrets themselves are never exported: only that they exist and when.
        "two_step_sign_in": {"id": authenticator.id, "set_up_at": authenticator.created_at}
        if authenticator else None,
        "recovery_codes": [{"id": c.id, "created_at": c.created_at, "used_at": c.used_at}
                           for c in recovery],
        "activation_codes": [{"id": c.id, "created_at": c.created_at,
                              "expires_at": c.expires_at, "used_at": c.used_at,
                              "replaced_at": c.revoked_at} for c in codes],
    })


@exporter("devices_signed_in")
def export_sessions(patient: Patient) -> list[dict]:
    if patient.user is None:
        return []
    sessions = db.session.scalars(select(UserSession).where(
        UserSession.user_id == patient.user.id).order_by(UserSession.id))
    return jsonable([{"id": s.id, "browser": s.user_agent, "signed_in_at": s.created_at,
                      "last_used_at": s.last_seen_at, "ended_at": s.ended_at,
                      "ended_because": s.ended_reason} for s in sessions])


@exporter("reviews")
def export_reviews(patient: Patient) -> list[dict]:
    reviews = db.session.scalars(select(Review).where(Review.patient_id == patient.id)
                                 .order_by(Review.id))
    return jsonable([{
        "id": r.id, "state": r.state, "clinician": r.clinician.name if r.clinician else None,
        "information_gathering_at": r.gathering_at, "conversation_at": r.conversation_at,
        "shared_with_you_at": r.shared_at, "agenda_submitted_at": r.agenda_submitted_at,
        "conversation_done_at": r.conversation_done_at, "created_at": r.created_at,
    } for r in reviews])


@exporter("access_to_my_information")
def export_audit(patient: Patient) -> list[dict]:
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.patient_id == patient.id)
                                .order_by(AuditEvent.occurred_at, AuditEvent.id))
    return jsonable([{
        "id": e.id, "when": e.occurred_at, "who": e.actor.name if e.actor else None,
        "role": e.actor_role, "action": e.action, "what": e.subject,
    } for e in events])


@exporter("account_closure")
def export_closure(patient: Patient) -> list[dict]:
    closures = db.session.scalars(select(AccountClosure).where(
        AccountClosure.patient_id == patient.id).order_by(AccountClosure.id))
    return jsonable([{"id": c.id, "requested_at": c.requested_at,
                      "completed_at": c.completed_at} for c in closures])


@eraser(ACCOUNT)
def erase_account(patient: Patient) -> None:
    """Everything that let the person sign in, and the contact details that came with it.
    The user row stays, emptied, because the audit trail names it as the actor of what the
    patient did themselves."""
    user = patient.user
    if user is None:
        return
    throttle.record_success(user.email)
    for model in (UserSession, ActivationCode, RecoveryCode, Authenticator):
        db.session.execute(delete(model).where(model.user_id == user.id))
    user.email = f"closed-account-{user.id}@closed.invalid"
    user.name = "Closed account"
    user.password_hash = None
    user.is_disabled = True
    user.failed_sign_ins_since_last_visit = 0
    patient.email = ""
    db.session.flush()


@eraser(CLINICAL, last=True)
def erase_reviews(patient: Patient) -> None:
    db.session.execute(delete(Review).where(Review.patient_id == patient.id))
