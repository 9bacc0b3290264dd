"""Who may see what, decided in one place.

Every view declares its rule where it is defined: `@public`, or `@allow(...)` with the roles
that may use it. A before-request hook enforces the rule for every endpoint, and refuses any
endpoint that has none, so a new route cannot be reachable by accident
(tests/test_access.py walks `app.url_map` and fails on a route without a rule).

Patient data is reached only through the scoped helpers below: staff see their own
practice's patients, a patient sees only themselves, and anything outside that scope is a
404, so another practice cannot even learn that an object exists.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import Flask, abort, current_app, g, jsonify, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import ColumnElement, Select, select

from webapp.extensions import db
from webapp.models import Patient, Role, User

PATIENT = frozenset({Role.PATIENT})
STAFF = frozenset({Role.CLINICIAN, Role.HEALTHCARE_ASSISTANT, Role.PRACTICE_ADMIN})
CLINICAL_STAFF = frozenset({Role.CLINICIAN, Role.HEALTHCARE_ASSISTANT})
CLINICIANS = frozenset({Role.CLINICIAN})
ADMINS = frozenset({Role.PRACTICE_ADMIN})
EVERYONE_SIGNED_IN = PATIENT | STAFF

# Flask's own endpoints that cannot carry a decorator.
BUILTIN_PUBLIC_ENDPOINTS = frozenset({"static"})

F = TypeVar("F", bound=Callable[..., Any])
M = TypeVar("M")


@dataclass(frozen=True)
class Rule:
    roles: frozenset[Role] | None  # None: anyone, signed in or not

    @property
    def is_public(self) -> bool:
        return self.roles is None


def public(view: F) -> F:
    """Mark a view as open to everyone, signed in or not."""
    view.access_rule = Rule(roles=None)  # type: ignore[attr-defined]
    return view


def allow(*groups: Iterable[Role] | Role) -> Callable[[F], F]:
    """Mark a view as open to signed-in users with one of these roles."""
    roles: set[Role] = set()
    for group in groups:
        roles.update([group] if isinstance(group, Role) else group)
    if not roles:
        raise ValueError("allow() needs at least one role")

    def mark(view: F) -> F:
        view.access_rule = Rule(roles=frozenset(roles))  # type: ignore[attr-defined]
        return view

    return mark


def rule_for_endpoint(app: Flask, endpoint: str) -> Rule | None:
    if endpoint in BUILTIN_PUBLIC_ENDPOINTS:
        return Rule(roles=None)
    view = app.view_functions.get(endpoint)
    return getattr(view, "access_rule", None)


def wants_json() -> bool:
    return request.is_json or request.accept_mimetypes.best == "application/json"


def enforce_access_rules() -> Any:
    """Before every request: apply the endpoint's rule, refusing endpoints without one."""
    if request.endpoint is None:  # no route matched: let Flask answer 404/405
        return None
    rule = rule_for_endpoint(current_app, request.endpoint)
    if rule is None:
        current_app.logger.error("endpoint %s has no access rule; refused", request.endpoint)
        abort(403)
    if rule.is_public:
        return None
    if not current_user.is_authenticated:
        if wants_json():
            response = jsonify(error="Sign in to continue.")
            response.status_code = 401
            return response
        next_path = request.full_path.rstrip("?") if request.method == "GET" else None
        timed_out = 1 if g.get("session_ended") else None
        return redirect(url_for("accounts.login", next=next_path, timeout=timed_out), 303)
    if current_user.role not in rule.roles:
        abort(403)
    return None


# Scoped queries -------------------------------------------------------------------------


def signed_in_user() -> User:
    user = current_user._get_current_object()
    if not getattr(user, "is_authenticated", False):
        abort(401)
    return user


def patient_scope() -> ColumnElement[bool]:
    """The condition that limits Patient rows to those the signed-in user may see. A removed
    patient (account closed, information gone) is nobody's to see."""
    user = signed_in_user()
    if user.role is Role.PATIENT:
        return (Patient.id == user.patient_id) & Patient.removed_at.is_(None)
    return (Patient.practice_id == user.practice_id) & Patient.removed_at.is_(None)


def visible_patients() -> Select[tuple[Patient]]:
    return select(Patient).where(patient_scope())


def patient_or_404(patient_id: int) -> Patient:
    patient = db.session.scalar(visible_patients().where(Patient.id == patient_id))
    if patient is None:
        abort(404)
    return patient


def current_patient() -> Patient:
    """The signed-in patient's own record."""
    user = signed_in_user()
    if user.role is not Role.PATIENT or user.patient_id is None:
        abort(403)
    return patient_or_404(user.patient_id)


def scoped_to_patients(stmt: Select, patient_id_column: Any) -> Select:
    """Limit a query over patient data (any table with a patient_id) to the visible patients."""
    return stmt.where(patient_id_column.in_(select(Patient.id).where(patient_scope())))


def patient_object_or_404(model: type[M], object_id: int) -> M:
    """Fetch one row of patient data by id, or 404 if it is outside the user's scope."""
    stmt = scoped_to_patients(select(model).where(model.id == object_id), model.patient_id)
    found = db.session.scalar(stmt)
    if found is None:
        abort(404)
    return found


def practice_object_or_404(model: type[M], object_id: int) -> M:
    """Fetch one row of practice configuration (prompts, services...) in the user's practice."""
    user = signed_in_user()
    found = db.session.scalar(
        select(model).where(model.id == object_id, model.practice_id == user.practice_id)
    )
    if found is None:
        abort(404)
    return found


def staff_user_or_404(user_id: int) -> User:
    """A staff account in the signed-in admin's practice."""
    user = signed_in_user()
    found = db.session.scalar(
        select(User).where(
            User.id == user_id, User.practice_id == user.practice_id, User.role != Role.PATIENT
        )
    )
    if found is None:
        abort(404)
    return found
