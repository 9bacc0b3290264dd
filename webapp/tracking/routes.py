"""Logging progress (one tap, a form, or JSON from the device) and seeing how it went."""

from __future__ import annotations

import uuid

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for

from webapp.access import (
    CLINICAL_STAFF,
    CLINICIANS,
    PATIENT,
    allow,
    current_patient,
    patient_object_or_404,
    patient_or_404,
)
from webapp.accounts.forms import ConfirmForm
from webapp.accounts.routes import safe_next
from webapp.audit.service import record
from webapp.careplans.checkins import latest_check_in
from webapp.careplans.service import current_plan
from webapp.charts.svg import progress_chart, progress_text
from webapp.extensions import db
from webapp.home.sections import Section, patient_section
from webapp.models import (
    Action,
    CarePlan,
    CheckIn,
    Patient,
    ProgressStatus,
    SkipReason,
    utcnow,
)
from webapp.shell.offline import offline_readable
from webapp.tracking import service
from webapp.tracking.api import entry_json, parse_entry
from webapp.tracking.forms import EntryForm, LogForm, ReasonForm

bp = Blueprint("tracking", __name__, template_folder="templates")

LOGGED_WORDS = {ProgressStatus.DONE: "Done", ProgressStatus.PARTLY: "Partly done",
                ProgressStatus.NOT_TODAY: "Not today"}


def new_entry_id() -> str:
    return str(uuid.uuid4())


@bp.app_context_processor
def _entry_ids():
    return {"new_entry_id": new_entry_id}


@patient_section
def today_section(patient: Patient) -> Section | None:
    plan = current_plan(patient.id)
    if plan is None:
        return None
    return Section("tracking/_today.html", {"progress": service.plan_progress(plan, patient),
                                            "today": service.patient_today(patient),
                                            "plan": plan})


# Patient: logging ------------------------------------------------------------------------


@bp.route("/progress/log", methods=["POST"])
@allow(PATIENT)
def log():
    patient = current_patient()
    form = LogForm()
    back = safe_next(form.next.data) or url_for("home.index")
    if not form.validate_on_submit():
        flash("That did not work. Try pressing the button again.")
        return redirect(back, 303)
    data = service.EntryData(id=uuid.UUID(form.entry_id.data), action_id=form.action_id.data,
                             local_date=service.patient_today(patient),
                             status=ProgressStatus(form.status.data))
    try:
        entry, _ = service.record_entry(patient, data, source="web")
    except service.EntryRefused as refused:
        db.session.rollback()
        if refused.status == 404:
            abort(404)
        flash(str(refused))
        return redirect(back, 303)
    db.session.commit()
    flash(f"{LOGGED_WORDS[entry.status]}: logged for today.", "success")
    return redirect(back, 303)


@bp.route("/progress/entries", methods=["POST"])
@allow(PATIENT)
def create_entry():
    """The device's way in: the offline queue and notification buttons post here.

    Idempotent: the same entry id with the same body is answered 200 every time and stored
    once; the same id with a different body is refused (422)."""
    patient = current_patient()
    try:
        data, source = parse_entry(request.get_json(silent=True))
        entry, created = service.record_entry(patient, data, source=source)
    except service.EntryRefused as refused:
        db.session.rollback()
        return jsonify(error=str(refused), field=refused.field), refused.status
    db.session.commit()
    # 200 whether new or a replay: the device only needs to know the entry is safe.
    return jsonify(entry=entry_json(entry), created=created), 200


def _own_entry(entry_id: uuid.UUID):
    entry = service.entry_for_patient(current_patient(), entry_id)
    if entry is None:
        abort(404)
    return entry


@bp.route("/progress/entries/<uuid:entry_id>/edit", methods=["GET", "POST"])
@allow(PATIENT)
def edit_entry(entry_id: uuid.UUID):
    entry = _own_entry(entry_id)
    form = EntryForm(obj=entry) if request.method == "GET" else EntryForm()
    if request.method == "GET":
        form.status.data = entry.status.value
        form.reason.data = entry.reason.value if entry.reason else ""
    if form.validate_on_submit():
        try:
            service.change_entry(entry, status=ProgressStatus(form.status.data),
                                 amount=form.amount.data, note=form.note.data or "",
                                 reason=SkipReason(form.reason.data) if form.reason.data
                                 else None)
        except service.EntryRefused as refused:
            form.reason.errors.append(str(refused))
        else:
            db.session.commit()
            flash("Your entry has been changed.", "success")
            return redirect(url_for("tracking.action", action_id=entry.action_id), 303)
    return render_template("tracking/edit_entry.html", form=form, entry=entry), \
        200 if not form.errors else 400


@bp.route("/progress/entries/<uuid:entry_id>/reason", methods=["POST"])
@allow(PATIENT)
def entry_reason(entry_id: uuid.UUID):
    entry = _own_entry(entry_id)
    form = ReasonForm()
    back = safe_next(form.next.data) or url_for("home.index")
    if form.validate_on_submit() and entry.status is ProgressStatus.NOT_TODAY:
        service.change_entry(entry, status=entry.status, amount=entry.amount, note=entry.note,
                             reason=SkipReason(form.reason.data))
        db.session.commit()
        flash("Thanks. Days like this don't count against you.", "success")
    return redirect(back, 303)


@bp.route("/progress/entries/<uuid:entry_id>/delete", methods=["GET", "POST"])
@allow(PATIENT)
def delete_entry(entry_id: uuid.UUID):
    entry = _own_entry(entry_id)
    form = ConfirmForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        service.delete_entry(entry)
        db.session.commit()
        flash("Your entry has been deleted.", "success")
        return redirect(url_for("tracking.action", action_id=entry.action_id), 303)
    return render_template("tracking/delete_entry.html", entry=entry, form=form)


# Patient: seeing progress ----------------------------------------------------------------


@bp.route("/progress")
@allow(PATIENT)
@offline_readable
def progress():
    patient = current_patient()
    plan = current_plan(patient.id)
    items = service.plan_progress(plan, patient) if plan else []
    return render_template("tracking/progress.html", plan=plan, items=items)


@bp.route("/plan/actions/<int:action_id>")
@allow(PATIENT)
@offline_readable
def action(action_id: int):
    patient = current_patient()
    found = patient_object_or_404(Action, action_id)
    plan = current_plan(patient.id)
    [item] = service.progress_for(
        [found], service.patient_today(patient),
        plan_start=service.plan_start(db.session.get(CarePlan, found.care_plan_id)))
    chart_title = f"{found.what}: the last {len(item.history)} days"
    return render_template(
        "tracking/action.html", item=item, plan=plan, is_current=found.retired_at is None,
        chart=progress_chart(chart_title, item.history, id_prefix=f"action-{found.id}",
                             unit=found.measure_unit or ""),
        chart_text=progress_text(chart_title, item.history, unit=found.measure_unit or ""))


# Staff: how it went ----------------------------------------------------------------------


@bp.route("/patients/<int:patient_id>/progress")
@allow(CLINICAL_STAFF)
def patient_progress(patient_id: int):
    patient = patient_or_404(patient_id)
    plan = current_plan(patient.id)
    items = service.plan_progress(plan, patient) if plan else []
    record("viewed", "progress", patient=patient)
    db.session.commit()
    return render_template("tracking/patient_progress.html", patient=patient, plan=plan,
                           items=items, check_in=latest_check_in(plan) if plan else None,
                           form=ConfirmForm())


@bp.route("/patients/<int:patient_id>/check-ins/<int:check_in_id>/handled", methods=["POST"])
@allow(CLINICIANS)
def change_request_handled(patient_id: int, check_in_id: int):
    """The clinician has dealt with the patient's request for a change to their plan."""
    patient = patient_or_404(patient_id)
    check_in = patient_object_or_404(CheckIn, check_in_id)
    if check_in.patient_id != patient.id or not ConfirmForm().validate_on_submit():
        abort(404)
    check_in.change_handled_at = utcnow()
    record("changed", "check-in", patient=patient, subject_id=check_in.id)
    db.session.commit()
    flash("Marked as dealt with.", "success")
    return redirect(url_for("tracking.patient_progress", patient_id=patient.id), 303)
