"""The care plan: written together in the conversation, then the patient's to follow."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select
from wtforms import SelectChoice

from webapp.access import (
    CLINICAL_STAFF,
    CLINICIANS,
    PATIENT,
    allow,
    current_patient,
    patient_object_or_404,
    signed_in_user,
)
from webapp.audit.service import record
from webapp.careplans import checkins, service
from webapp.careplans import data_rights as _register_data_rights  # noqa: F401
from webapp.careplans.forms import MAX_ACTIONS_PER_GOAL, MAX_GOALS, CarePlanForm
from webapp.clinic.queries import agenda_view
from webapp.extensions import db
from webapp.home.sections import Section, patient_section
from webapp.models import CarePlan, CarePlanRevision, Patient, Review
from webapp.shell.offline import offline_readable
from webapp.tracking import service as tracking

bp = Blueprint("careplans", __name__, template_folder="templates")


# Clinician: the editor -------------------------------------------------------------------


@bp.route("/reviews/<int:review_id>/care-plan", methods=["GET", "POST"])
@allow(CLINICIANS)
def edit(review_id: int):
    review = patient_object_or_404(Review, review_id)
    plan = service.plan_for_review(review)
    form = CarePlanForm()
    chosen = [link.service_id for link in plan.support] if plan else []
    form.support.choices = [SelectChoice(s.id, s.name) for s in service.practice_services(
        review.practice_id, include=chosen)]
    conflict = None
    status = 200
    if request.method == "GET":
        form.load(service.draft_from_plan(plan), plan.version if plan else 0)
        record("viewed", "care plan", patient=review.patient,
               subject_id=plan.id if plan else None)
        db.session.commit()
    elif (command := request.form.get("command", "save")) != "save":
        # CSRFProtect has already checked the token for this post, as for every post.
        _change_rows(form, command)
    elif form.validate_on_submit() and not _prompt_low_confidence(form):
        try:
            revision = service.save_plan(review, form.to_draft(),
                                         base_version=int(form.base_version.data or 0),
                                         saved_by=signed_in_user())
        except service.PlanConflict as clash:
            db.session.rollback()
            conflict = clash
            form.base_version.data = str(clash.plan.version if clash.plan else 0)
            status = 409
        else:
            record("changed", "care plan", patient=review.patient,
                   subject_id=revision.care_plan_id)
            db.session.commit()
            flash(f"Care plan saved for {review.patient.full_name}. They can see it now.",
                  "success")
            return redirect(url_for("careplans.history", review_id=review.id), 303)
    else:
        status = 400
    return render_template(
        "careplans/edit.html", form=form, review=review, patient=review.patient, plan=plan,
        conflict=conflict, previous=_previous_progress(review.patient, plan),
        agenda=agenda_view(review), max_goals=MAX_GOALS,
        max_actions=MAX_ACTIONS_PER_GOAL), status


def _change_rows(form: CarePlanForm, command: str) -> None:
    """Add or remove a goal or an action without losing anything typed elsewhere."""
    parts = command.split("-")
    goals = form.goals
    try:
        if command == "add-goal" and len(goals) < MAX_GOALS:
            goals.append_entry()
        elif parts[:2] == ["add", "action"]:
            actions = goals.entries[int(parts[2])].form.actions
            if len(actions) < MAX_ACTIONS_PER_GOAL:
                actions.append_entry()
        elif parts[:2] == ["remove", "goal"] and len(goals) > 1:
            goals.entries.pop(int(parts[2]))
        elif parts[:2] == ["remove", "action"]:
            actions = goals.entries[int(parts[2])].form.actions
            if len(actions) > 1:
                actions.entries.pop(int(parts[3]))
    except (IndexError, ValueError):
        abort(400)


def _prompt_low_confidence(form: CarePlanForm) -> bool:
    """Below 7 on the confidence ruler, ask once whether the action could be smaller."""
    unsure = form.unconfirmed_low_confidence()
    for action in unsure:
        action.confidence.errors = [
            *action.confidence.errors,
            f"Confidence is {action.confidence.data} out of 10. Could this action be made "
            "smaller or easier? Change it, or tick “Keep this action as it is”"]
    return bool(unsure)


def _previous_progress(patient: Patient, plan: CarePlan | None):
    """How the patient's last plan went, to start the conversation from their record."""
    previous = tracking.previous_plan(patient.id, before=plan)
    if previous is None:
        return None
    return {"plan": previous, "items": tracking.plan_progress(previous, patient)}


@bp.route("/reviews/<int:review_id>/care-plan/history")
@allow(CLINICAL_STAFF)
def history(review_id: int):
    review = patient_object_or_404(Review, review_id)
    plan = service.plan_for_review(review)
    if plan is None:
        abort(404)
    revisions = list(db.session.scalars(
        select(CarePlanRevision).where(CarePlanRevision.care_plan_id == plan.id)
        .order_by(CarePlanRevision.number.desc())))
    changes = {}
    for newer, older in zip(revisions, [*revisions[1:], None], strict=True):
        changes[newer.id] = service.describe_changes(
            older.snapshot if older else service.empty_snapshot(), newer.snapshot)
    record("viewed", "care plan", patient=review.patient, subject_id=plan.id)
    db.session.commit()
    return render_template("careplans/history.html", review=review, plan=plan,
                           patient=review.patient, revisions=revisions, changes=changes)


# Patient: my plan ------------------------------------------------------------------------


@bp.route("/plan")
@allow(PATIENT)
@offline_readable
def my_plan():
    patient = current_patient()
    plan = service.current_plan(patient.id)
    return render_template("careplans/my_plan.html", patient=patient, plan=plan,
                           check_in=checkins.due(patient, plan))


@bp.route("/plan/print")
@allow(PATIENT)
def print_plan():
    patient = current_patient()
    plan = service.current_plan(patient.id)
    if plan is None:
        return redirect(url_for("careplans.my_plan"), 303)
    return render_template("careplans/print.html", patient=patient, plan=plan)


@patient_section
def check_in_section(patient: Patient) -> Section | None:
    plan = service.current_plan(patient.id)
    if checkins.due(patient, plan):
        return Section("careplans/_check_in_prompt.html", {"plan": plan})
    return None


@bp.route("/plan/check-in", methods=["GET", "POST"])
@allow(PATIENT)
def check_in():
    patient = current_patient()
    plan = service.current_plan(patient.id)
    if plan is None:
        return redirect(url_for("careplans.my_plan"), 303)
    actions = tracking.actions_of(plan)
    form = checkins.CheckInForm.for_actions(actions)
    if form.validate_on_submit():
        checkins.record_check_in(patient, plan, form)
        db.session.commit()
        flash("Thank you. Your answers have been sent to your practice.", "success")
        return redirect(url_for("careplans.my_plan"), 303)
    return render_template("careplans/check_in.html", form=form, plan=plan,
                           actions=actions), 200 if not form.errors else 400
