"""The clinician's workspace: upcoming reviews and their preparation, scheduling, results
entry, triage, sharing with the patient, and the agenda view for the conversation.

Every review and patient comes through access.py's scoped helpers (another practice's
gets a 404), and every page that shows a patient's results or agenda writes an audit record.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from wtforms import SelectChoice

from webapp.access import (
    CLINICAL_STAFF,
    CLINICIANS,
    STAFF,
    allow,
    patient_object_or_404,
    patient_or_404,
    signed_in_user,
)
from webapp.accounts.forms import ConfirmForm
from webapp.audit.service import record
from webapp.careplans.checkins import change_requests
from webapp.clinic import home, queries, service
from webapp.clinic.forms import (
    ClinicalProfileForm,
    PersonalTargetReasonForm,
    PreparationForm,
    ReviewScheduleForm,
)
from webapp.content import result_catalogue as catalogue
from webapp.extensions import db
from webapp.forms import DateInputField
from webapp.models import Patient, Review, Role, utcnow
from webapp.preparation import targets as target_rules
from webapp.preparation.presenters import card_for
from webapp.preparation.results import (
    profile_of,
    read_results,
    results_of_patient,
    targets_for,
    unshared_for_review,
)
from webapp.results.assessment import EntryError, describe_target

bp = Blueprint("clinic", __name__, url_prefix="/clinic", template_folder="templates")
home.register()


def _review_or_404(review_id: int) -> Review:
    return patient_object_or_404(Review, review_id)


def _clinician_choices(practice_id: int, blank: str) -> list[SelectChoice]:
    return [SelectChoice("", blank),
            *(SelectChoice(str(u.id), u.name) for u in service.clinicians_of(practice_id))]


def _clinician(practice_id: int, value: str | None):
    if not value:
        return None
    return next((u for u in service.clinicians_of(practice_id) if str(u.id) == value), None)


# --- the list and the patient ----------------------------------------------------------------


@bp.route("/reviews")
@allow(STAFF)
def reviews():
    user = signed_in_user()
    mine = request.args.get("show") == "mine" and user.role is Role.CLINICIAN
    rows = queries.upcoming_reviews(user, mine_only=mine)
    clinical = user.role is not Role.PRACTICE_ADMIN
    return render_template("clinic/reviews.html", rows=rows, mine=mine, clinical=clinical,
                           change_requests=change_requests(user.practice_id) if clinical
                           else [], limit=queries.LIST_LIMIT)


@bp.route("/patients/<int:patient_id>")
@allow(CLINICAL_STAFF)
def patient(patient_id: int):
    person = patient_or_404(patient_id)
    history = results_of_patient(person.id, shared_only=False)
    readings = read_results(person, list(reversed(history)), history, profile_of(person),
                            targets_for(person))
    record("viewed", "results", patient=person)
    db.session.commit()
    profile = profile_of(person)
    condition_words = ", ".join(catalogue.CONDITIONS.get(code, code)
                                for code in (profile.conditions if profile else []))
    return render_template("clinic/patient.html", patient=person,
                           reviews=queries.reviews_of_patient(person),
                           cards=[card_for(r) for r in readings], profile=profile,
                           condition_words=condition_words,
                           backgrounds=catalogue.FAMILY_BACKGROUNDS,
                           targets=targets_for(person))


# --- scheduling ------------------------------------------------------------------------------


@bp.route("/patients/<int:patient_id>/reviews/new", methods=["GET", "POST"])
@allow(STAFF)
def new_review(patient_id: int):
    person = patient_or_404(patient_id)
    user = signed_in_user()
    form = ReviewScheduleForm()
    form.clinician.choices = _clinician_choices(user.practice_id, "Not decided yet")
    if form.validate_on_submit() and _in_future(form):
        zone = user.practice.time_zone
        review = service.schedule_review(
            person, gathering_at=service.at(form.gathering_on.data, form.gathering_time.data,
                                            zone),
            conversation_at=service.at(form.conversation_on.data, form.conversation_time.data,
                                       zone),
            clinician=_clinician(user.practice_id, form.clinician.data), by=user)
        record("created", "review", patient=person, subject_id=review.id)
        db.session.commit()
        flash(f"Review scheduled for {person.full_name}.", "success")
        return redirect(url_for("clinic.reviews"), 303)
    return render_template("clinic/schedule.html", form=form, patient=person,
                           review=None), 200 if not form.errors else 400


def _in_future(form: ReviewScheduleForm) -> bool:
    if form.conversation_on.data < utcnow().date():
        form.conversation_on.errors.append("The conversation must be today or in the future")
        form.conversation_on.problem_parts = ("day", "month", "year")
        return False
    return True


@bp.route("/reviews/<int:review_id>/schedule", methods=["GET", "POST"])
@allow(STAFF)
def edit_review(review_id: int):
    review = _review_or_404(review_id)
    user = signed_in_user()
    zone = user.practice.time_zone
    if request.method == "GET":
        gathering_on, gathering_time = service.local_parts(review.gathering_at, zone)
        conversation_on, conversation_time = service.local_parts(review.conversation_at, zone)
        form = ReviewScheduleForm(data={
            "gathering_on": gathering_on, "gathering_time": gathering_time,
            "conversation_on": conversation_on, "conversation_time": conversation_time,
            "clinician": str(review.clinician_id or "")})
    else:
        form = ReviewScheduleForm()
    form.clinician.choices = _clinician_choices(user.practice_id, "Not decided yet")
    if review.conversation_done_at is not None:
        flash("This review is done, so its dates cannot be changed.")
        return redirect(url_for("clinic.reviews"), 303)
    if form.validate_on_submit():
        service.reschedule(
            review, gathering_at=service.at(form.gathering_on.data, form.gathering_time.data,
                                            zone),
            conversation_at=service.at(form.conversation_on.data, form.conversation_time.data,
                                       zone),
            clinician=_clinician(user.practice_id, form.clinician.data))
        record("changed", "review", patient=review.patient, subject_id=review.id)
        db.session.commit()
        flash("The review's dates have been changed.", "success")
        return redirect(url_for("clinic.reviews"), 303)
    return render_template("clinic/schedule.html", form=form, patient=review.patient,
                           review=review), 200 if not form.errors else 400


# --- one review ------------------------------------------------------------------------------


@bp.route("/reviews/<int:review_id>")
@allow(CLINICAL_STAFF)
def review(review_id: int):
    found = _review_or_404(review_id)
    detail = queries.review_detail(found)
    record("viewed", "results", patient=found.patient, subject_id=found.id)
    db.session.commit()
    user = signed_in_user()
    form = PreparationForm(data={"notes": detail.note.text if detail.note else "",
                                 "clinician": str(found.clinician_id or ""),
                                 "triaged": bool(detail.note and detail.note.triaged_at)})
    form.clinician.choices = _clinician_choices(found.practice_id, "Not decided yet")
    return render_template("clinic/review.html", detail=detail, form=form,
                           confirm=ConfirmForm(), is_clinician=user.role is Role.CLINICIAN)


@bp.route("/reviews/<int:review_id>/preparation", methods=["POST"])
@allow(CLINICIANS)
def preparation(review_id: int):
    found = _review_or_404(review_id)
    form = PreparationForm()
    form.clinician.choices = _clinician_choices(found.practice_id, "Not decided yet")
    if not form.validate_on_submit():
        detail = queries.review_detail(found)
        return render_template("clinic/review.html", detail=detail, form=form,
                               confirm=ConfirmForm(), is_clinician=True), 400
    service.save_preparation(found, notes=form.notes.data or "",
                             clinician=_clinician(found.practice_id, form.clinician.data),
                             triaged=form.triaged.data, by=signed_in_user())
    record("changed", "preparation notes", patient=found.patient, subject_id=found.id)
    db.session.commit()
    flash("Preparation notes saved.", "success")
    return redirect(url_for("clinic.review", review_id=found.id), 303)


@bp.route("/reviews/<int:review_id>/results", methods=["GET", "POST"])
@allow(CLINICAL_STAFF)
def enter_results(review_id: int):
    found = _review_or_404(review_id)
    person = found.patient
    existing = service.review_results(found)
    date_form = ResultsDateForm()
    raw: dict[str, str] = {}
    for result in existing.values():
        raw.update(service.raw_values(result))
    problems: list = []
    if request.method == "POST":
        raw = {key: value for key, value in request.form.items() if key != "csrf_token"}
        dated = date_form.validate_on_submit() and _not_in_future(date_form)
        checked = service.read_results_form(request.form, existing)
        problems = [service.EntryProblem(date_form.taken_on.id + "-day", e)
                    for e in date_form.taken_on.errors] if not dated else []
        if isinstance(checked, list):
            problems += checked
        if not problems:
            changed, removed = service.save_results(found, person, checked,
                                                    date_form.taken_on.data, existing,
                                                    signed_in_user())
            if changed or removed:
                record("changed", "results", patient=person, subject_id=found.id)
            db.session.commit()
            flash(_saved_words(changed, removed, found, person), "success")
            return redirect(url_for("clinic.review", review_id=found.id), 303)
    else:
        date_form.taken_on.process(None, _default_day(found, existing))
        record("viewed", "results", patient=person, subject_id=found.id)
        db.session.commit()
    first, rest = service.entry_order(profile_of(person))
    rest_codes = {spec.code for spec in rest}
    rest_open = any(value and name.split(service.SEPARATOR)[0] in rest_codes
                    for name, value in raw.items())
    return render_template(
        "clinic/enter_results.html", review=found, patient=person, date_form=date_form,
        first=first, rest=rest, rest_open=rest_open, raw=raw, existing=existing,
        errors={p.field: p.message for p in reversed(problems)}, problems=problems,
        form_name=service.form_name, category_choices=service.category_choices,
        item_9_choices=service.item_9_choices(),
    ), 200 if not problems else 400


class ResultsDateForm(ConfirmForm):
    taken_on = DateInputField("Date of the tests")


def _not_in_future(form: ResultsDateForm) -> bool:
    if form.taken_on.data > utcnow().date():
        form.taken_on.errors.append("The date of the tests must be today or in the past")
        return False
    return True


def _default_day(review: Review, existing):
    if existing:
        return max(r.taken_on for r in existing.values())
    if review.gathering_at and review.gathering_at <= utcnow():
        return review.gathering_at.date()
    return utcnow().date()


def _saved_words(changed: int, removed: int, review: Review, person: Patient) -> str:
    parts = []
    if changed:
        parts.append(f"{changed} result{'s' if changed != 1 else ''} saved")
    if removed:
        parts.append(f"{removed} removed")
    if not parts:
        return "Nothing was changed."
    shared = "They are not shared with " + person.given_name + " yet." \
        if changed else ""
    return (", ".join(parts) + ". " + shared).strip()


@bp.route("/reviews/<int:review_id>/share", methods=["GET", "POST"])
@allow(CLINICAL_STAFF)
def share(review_id: int):
    found = _review_or_404(review_id)
    form = ConfirmForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        if found.conversation_done_at is not None:
            flash("This review is done, so there is nothing to share.")
            return redirect(url_for("clinic.review", review_id=found.id), 303)
        count = service.share(found, signed_in_user())
        record("shared", "results", patient=found.patient, subject_id=found.id)
        db.session.commit()
        flash(f"Shared with {found.patient.full_name}: {count} result"
              f"{'s' if count != 1 else ''} and the agenda questions.", "success")
        return redirect(url_for("clinic.review", review_id=found.id), 303)
    detail = queries.review_detail(found)
    record("viewed", "results", patient=found.patient, subject_id=found.id)
    db.session.commit()
    return render_template("clinic/share.html", detail=detail, form=form,
                           releasing=unshared_for_review(found))


@bp.route("/reviews/<int:review_id>/agenda")
@allow(CLINICAL_STAFF)
def agenda(review_id: int):
    found = _review_or_404(review_id)
    view = queries.agenda_view(found)
    record("viewed", "agenda", patient=found.patient, subject_id=found.id)
    record("viewed", "results", patient=found.patient, subject_id=found.id)
    db.session.commit()
    return render_template("clinic/agenda.html", view=view, detail=view.detail,
                           confirm=ConfirmForm(),
                           is_clinician=signed_in_user().role is Role.CLINICIAN)


@bp.route("/reviews/<int:review_id>/done", methods=["POST"])
@allow(CLINICIANS)
def conversation_done(review_id: int):
    found = _review_or_404(review_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if found.conversation_done_at is None:
        service.finish_conversation(found)
        record("changed", "review", patient=found.patient, subject_id=found.id)
        db.session.commit()
        flash("The review is marked as done. The patient's agenda is now closed.", "success")
    return redirect(url_for("clinic.reviews"), 303)


# --- the patient's conditions and targets ----------------------------------------------------


@bp.route("/patients/<int:patient_id>/conditions", methods=["GET", "POST"])
@allow(CLINICIANS)
def profile(patient_id: int):
    person = patient_or_404(patient_id)
    held = profile_of(person)
    if request.method == "GET" and held is not None:
        form = ClinicalProfileForm(data={
            "conditions": held.conditions, "type_1_diabetes": held.type_1_diabetes,
            "on_hypo_causing_drug": held.on_hypo_causing_drug,
            "established_cvd": held.established_cvd,
            "family_background": held.family_background or "",
            "non_hdl_baseline": (held.treatment_baselines or {}).get(service.NON_HDL, "")})
    else:
        form = ClinicalProfileForm()
    if form.validate_on_submit():
        service.save_profile(
            person, conditions=form.conditions.data or [],
            type_1_diabetes=form.type_1_diabetes.data,
            on_hypo_causing_drug=form.on_hypo_causing_drug.data,
            established_cvd=form.established_cvd.data,
            family_background=form.family_background.data,
            non_hdl_baseline=form.non_hdl_baseline.data, by=signed_in_user())
        record("changed", "conditions", patient=person)
        db.session.commit()
        flash("Conditions saved. Default targets now follow them.", "success")
        return redirect(url_for("clinic.patient", patient_id=person.id), 303)
    return render_template("clinic/profile.html", form=form, patient=person), \
        200 if not form.errors else 400


@bp.route("/patients/<int:patient_id>/targets/<result_code>", methods=["GET", "POST"])
@allow(CLINICIANS)
def personal_target(patient_id: int, result_code: str):
    person = patient_or_404(patient_id)
    spec = catalogue.BY_CODE.get(result_code)
    if spec is None:
        abort(404)
    held = target_rules.personal_target(person, spec.code)
    reason_form = PersonalTargetReasonForm(data={"reason": held.reason if held else ""})
    raw = target_rules.fields_of(held.to_target("") if held else None)
    errors: list[EntryError] = []
    if request.method == "POST":
        if not reason_form.validate_on_submit():
            errors = [EntryError("reason", e) for e in reason_form.reason.errors]
        raw = {"kind": request.form.get("kind", ""), "low": request.form.get("low", ""),
               "high": request.form.get("high", ""),
               "systolic": request.form.get("systolic", ""),
               "diastolic": request.form.get("diastolic", ""),
               "categories": request.form.getlist("categories")}
        back = url_for("clinic.patient", patient_id=person.id, _anchor="targets")
        if request.form.get("action") == "remove":
            target_rules.set_personal_target(person, spec, None, signed_in_user())
            record("changed", "personal target", patient=person)
            db.session.commit()
            flash(f"{spec.name}: {person.given_name} now has the practice's target.", "success")
            return redirect(back, 303)
        parsed = target_rules.parse_target(spec, raw)
        if isinstance(parsed, list):
            errors += parsed
        elif not errors:
            target_rules.set_personal_target(person, spec, parsed, signed_in_user(),
                                             reason_form.reason.data or "")
            record("changed", "personal target", patient=person)
            db.session.commit()
            flash(f"{spec.name}: {person.given_name}'s own target is now "
                  f"{describe_target(parsed, spec)}.", "success")
            return redirect(back, 303)
    practice = target_rules.practice_target(person.practice_id, spec.code)
    return render_template(
        "clinic/personal_target.html", patient=person, spec=spec, held=held, raw=raw,
        errors={e.field: e.message for e in reversed(errors)}, problems=errors,
        kinds=target_rules.kinds_for(spec), reason_form=reason_form,
        practice_words=describe_target(practice.to_target(""), spec)
        if practice else None,
        defaults=target_rules.default_options(spec),
    ), 200 if not errors else 400



@bp.app_template_filter("result_name")
def result_name(code: str) -> str:
    spec = catalogue.BY_CODE.get(code)
    return spec.name if spec else code


@bp.app_template_filter("target_words")
def target_words(target, code: str) -> str:
    return describe_target(target, catalogue.BY_CODE.get(code))
