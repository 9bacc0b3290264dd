"""Patients, for practice staff: find one, see their record, register a new one."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, current_app, render_template, request

from webapp.access import ADMINS, STAFF, allow, patient_or_404, signed_in_user
from webapp.accounts import service
from webapp.accounts.forms import ConfirmForm
from webapp.audit.service import record
from webapp.careplans.service import current_plan
from webapp.extensions import db
from webapp.patients import queries
from webapp.patients.forms import PatientForm, PatientSearchForm

bp = Blueprint("patients", __name__, url_prefix="/patients", template_folder="templates")


def _code_lifetime() -> timedelta:
    return timedelta(days=current_app.config["ACTIVATION_CODE_DAYS"])


@bp.route("")
@allow(STAFF)
def index():
    form = PatientSearchForm(request.args)
    query = form.q.data if form.validate() else None
    page = request.args.get("page", 1, type=int) or 1
    patients, total = queries.search_patients(query, page)
    return render_template("patients/index.html", form=form, patients=patients, total=total,
                           page=page, page_size=queries.PAGE_SIZE, query=query)


@bp.route("/new", methods=["GET", "POST"])
@allow(ADMINS)
def new():
    form = PatientForm()
    if form.validate_on_submit():
        admin = signed_in_user()
        details = service.PatientDetails(
            given_name=form.given_name.data, family_name=form.family_name.data,
            date_of_birth=form.date_of_birth.data, nhs_number=form.nhs_number.data,
            email=form.email.data)
        try:
            patient, invitation = service.register_patient(
                practice_id=admin.practice_id, details=details, registered_by=admin,
                valid_for=_code_lifetime())
        except service.AccountError as problem:
            db.session.rollback()
            getattr(form, problem.field).errors.append(str(problem))
        else:
            record("created", "patient record", patient=patient)
            db.session.commit()
            return render_template("patients/invitation.html", patient=patient,
                                   invitation=invitation, first_time=True)
    return render_template("patients/new.html", form=form), 200 if not form.errors else 400


@bp.route("/<int:patient_id>")
@allow(STAFF)
def show(patient_id: int):
    patient = patient_or_404(patient_id)
    record("viewed", "patient record", patient=patient)
    db.session.commit()
    return render_template("patients/show.html", patient=patient, form=ConfirmForm(),
                           plan=current_plan(patient.id))


@bp.route("/<int:patient_id>/activation-code", methods=["POST"])
@allow(ADMINS)
def new_activation_code(patient_id: int):
    patient = patient_or_404(patient_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    if patient.user is None:
        abort(404)
    invitation = service.issue_activation_code(patient.user, issued_by=signed_in_user(),
                                               valid_for=_code_lifetime())
    record("changed", "activation code", patient=patient)
    db.session.commit()
    return render_template("patients/invitation.html", patient=patient,
                           invitation=invitation, first_time=False)
