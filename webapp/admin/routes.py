"""Practice administration: staff accounts and the practice's settings."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from sqlalchemy import select

from webapp.access import ADMINS, allow, signed_in_user, staff_user_or_404
from webapp.accounts import service, two_step
from webapp.accounts.forms import ConfirmForm
from webapp.admin.forms import PracticeSettingsForm, StaffInviteForm
from webapp.audit.service import record
from webapp.extensions import db
from webapp.models import Practice, Role, User

bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates")


def _code_lifetime() -> timedelta:
    return timedelta(days=current_app.config["ACTIVATION_CODE_DAYS"])


@bp.route("/staff")
@allow(ADMINS)
def staff():
    admin = signed_in_user()
    people = db.session.scalars(
        select(User).where(User.practice_id == admin.practice_id, User.role != Role.PATIENT)
        .order_by(User.name)
    ).all()
    return render_template("admin/staff.html", people=people, form=ConfirmForm(), admin=admin)


@bp.route("/staff/new", methods=["GET", "POST"])
@allow(ADMINS)
def invite_staff():
    form = StaffInviteForm()
    if form.validate_on_submit():
        admin = signed_in_user()
        try:
            invitation = service.invite_staff(
                practice_id=admin.practice_id, name=form.name.data, email=form.email.data,
                role=Role(form.role.data), invited_by=admin, valid_for=_code_lifetime())
        except service.AccountError as problem:
            db.session.rollback()
            getattr(form, problem.field).errors.append(str(problem))
        else:
            _record_staff_change("created", "staff invitation for", invitation.user)
            db.session.commit()
            return render_template("admin/staff_invitation.html", invitation=invitation)
    return render_template("admin/invite_staff.html", form=form), 200 if not form.errors else 400


@bp.route("/staff/<int:user_id>/activation-code", methods=["POST"])
@allow(ADMINS)
def staff_activation_code(user_id: int):
    person = staff_user_or_404(user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    invitation = service.issue_activation_code(person, issued_by=signed_in_user(),
                                               valid_for=_code_lifetime())
    _record_staff_change("created", "activation code for", person)
    db.session.commit()
    return render_template("admin/staff_invitation.html", invitation=invitation)


@bp.route("/staff/<int:user_id>/access", methods=["POST"])
@allow(ADMINS)
def staff_access(user_id: int):
    """Turn a staff account off (someone has left) or back on."""
    person = staff_user_or_404(user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if person.id == signed_in_user().id:
        flash("You cannot turn off your own account.")
        return redirect(url_for("admin.staff"), 303)
    person.is_disabled = not person.is_disabled
    if person.is_disabled:
        service.end_other_sessions(person, keep_token=None, reason="account disabled")
    _record_staff_change("turned off" if person.is_disabled else "turned on", "account of",
                         person)
    db.session.commit()
    state = "turned off" if person.is_disabled else "turned back on"
    flash(f"{person.name}'s account has been {state}.", "success")
    return redirect(url_for("admin.staff"), 303)


@bp.route("/staff/<int:user_id>/two-step", methods=["POST"])
@allow(ADMINS)
def staff_reset_two_step(user_id: int):
    """Someone lost their phone and their recovery codes: they set the app up again at
    their next sign-in (after their password). Their sessions end now."""
    person = staff_user_or_404(user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if person.id == signed_in_user().id:
        flash("You cannot reset your own two-step sign-in. Ask another practice admin.")
        return redirect(url_for("admin.staff"), 303)
    two_step.turn_off(person)
    service.end_other_sessions(person, keep_token=None, reason="two-step sign-in reset")
    _record_staff_change("reset", "two-step sign-in of", person)
    db.session.commit()
    flash(f"{person.name} will set up their authenticator app again when they next sign in.",
          "success")
    return redirect(url_for("admin.staff"), 303)


@bp.route("/settings", methods=["GET", "POST"])
@allow(ADMINS)
def settings():
    practice = signed_in_user().practice
    form = PracticeSettingsForm(obj=practice)
    if form.validate_on_submit() and _practice_name_free(form, practice):
        practice.name = form.name.data
        practice.time_zone = form.time_zone.data
        practice.closure_retention_years = form.closure_retention_years.data
        record("changed", "practice settings", patient=None)
        db.session.commit()
        flash("Practice settings saved.", "success")
        return redirect(url_for("admin.settings"), 303)
    return render_template("admin/settings.html", form=form), 200 if not form.errors else 400


def _practice_name_free(form: PracticeSettingsForm, practice: Practice) -> bool:
    taken = db.session.scalar(select(Practice.id).where(Practice.name == form.name.data,
                                                        Practice.id != practice.id))
    if taken:
        form.name.errors.append("Another practice already uses this name")
        return False
    return True


def _record_staff_change(action: str, what: str, person: User) -> None:
    """Who turned whose account off, or reset its sign-in, belongs in the audit log beside
    who read which record: an investigation needs both."""
    if person.id is None:
        db.session.flush()
    record(action, f"{what} {person.name}"[:80], patient=None, subject_id=person.id)
