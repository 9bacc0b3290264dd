"""A patient downloads their information or asks to close their account; the practice
admin completes closures."""

from __future__ import annotations

import json

import click
from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask.cli import with_appcontext

from webapp.access import (
    ADMINS,
    PATIENT,
    allow,
    current_patient,
    practice_object_or_404,
    signed_in_user,
)
from webapp.accounts.forms import ConfirmForm
from webapp.audit.service import record
from webapp.data_rights import (
    foundation,  # noqa: F401  (registers the foundation's sections)
    service,
)
from webapp.extensions import db
from webapp.home.sections import Section, staff_section
from webapp.models import AccountClosure, Role, User, utcnow

bp = Blueprint("data_rights", __name__, template_folder="templates")


@bp.route("/account/download")
@allow(PATIENT)
def download():
    patient = current_patient()
    data = service.export(patient, service_name=current_app.config["SERVICE_NAME"])
    record("downloaded", "all their information", patient=patient)
    db.session.commit()
    response = current_app.response_class(
        json.dumps(data, indent=2, ensure_ascii=False), mimetype="application/json")
    filename = f"my-care-plan-information-{utcnow():%Y-%m-%d}.json"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/account/close", methods=["GET", "POST"])
@allow(PATIENT)
def close_account():
    patient = current_patient()
    form = ConfirmForm()
    if form.validate_on_submit():
        service.request_closure(patient)
        db.session.commit()
        flash("We have told your practice you want to close your account. They will contact "
              "you if they need to, then close it.", "success")
        return redirect(url_for("accounts.account"), 303)
    return render_template("data_rights/close_account.html", form=form,
                           pending=service.pending_closure(patient),
                           years=patient.practice.closure_retention_years)


@bp.route("/admin/account-closures")
@allow(ADMINS)
def closures():
    admin = signed_in_user()
    return render_template("data_rights/closures.html",
                           closures=service.pending_closures(admin.practice_id),
                           years=admin.practice.closure_retention_years)


@bp.route("/admin/account-closures/<int:closure_id>", methods=["GET", "POST"])
@allow(ADMINS)
def complete_closure(closure_id: int):
    closure = practice_object_or_404(AccountClosure, closure_id)
    if not closure.is_pending:
        flash("This account has already been closed.")
        return redirect(url_for("data_rights.closures"), 303)
    admin = signed_in_user()
    form = ConfirmForm()
    if form.validate_on_submit():
        name = closure.patient.full_name
        service.complete_closure(closure, admin)
        db.session.commit()
        flash(f"{name}'s account has been closed.", "success")
        return redirect(url_for("data_rights.closures"), 303)
    return render_template("data_rights/complete_closure.html", closure=closure, form=form,
                           years=admin.practice.closure_retention_years)


@staff_section
def closures_waiting(user: User) -> Section | None:
    """Tell a practice admin, on their home page, that patients are waiting."""
    if user.role is not Role.PRACTICE_ADMIN:
        return None
    waiting = len(service.pending_closures(user.practice_id))
    return Section("data_rights/home_section.html", {"waiting": waiting}) if waiting else None


@click.group("data-rights", help="Patients' data rights.")
def data_rights_cli() -> None:
    pass


@data_rights_cli.command("remove-expired",
                         help="Remove clinical records of closed accounts whose retention "
                              "period has ended. Run it daily.")
@with_appcontext
def remove_expired_command() -> None:
    count = service.remove_expired_records()
    db.session.commit()
    click.echo(f"Removed {count} clinical record{'s' if count != 1 else ''}.")
