"""The patient's preparation: their shared results, and the agenda they write for the
conversation. Patients only, and only their own: nothing here takes an id from the URL but
a result type's code."""

from __future__ import annotations

from dataclasses import replace

from flask import (
    Blueprint,
    abort,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)

from webapp.access import PATIENT, allow, current_patient, wants_json
from webapp.accounts.forms import ConfirmForm
from webapp.content import result_catalogue as catalogue
from webapp.extensions import db
from webapp.models import utcnow
from webapp.preparation import agendas, demo, home, queries
from webapp.preparation import data_rights as _register_data_rights  # noqa: F401
from webapp.preparation.agenda_rules import (
    check_for_sending,
    read_draft,
    read_fields,
)
from webapp.presenters import uk_time

bp = Blueprint("preparation", __name__, template_folder="templates")
home.register()
demo.register()

OFFLINE_READABLE = {"X-Offline-Readable": "1"}
LOCKED = "Your appointment has started, so your agenda can no longer be changed."


@bp.route("/results")
@allow(PATIENT)
def results():
    page = queries.results_page(current_patient())
    if wants_json():
        return jsonify(queries.results_json(page))
    return make_response(render_template("preparation/results.html", page=page),
                         OFFLINE_READABLE)


@bp.route("/results/<result_code>/talk-about", methods=["POST"])
@allow(PATIENT)
def talk_about(result_code: str):
    """"I want to talk about this" on a result, or taking it off the agenda again."""
    patient = current_patient()
    if not ConfirmForm().validate_on_submit():
        abort(400)
    review = agendas.current_review(patient)
    if review is None or result_code not in agendas.options_for(review).results:
        abort(404)
    back = url_for("preparation.results", _anchor=f"result-{result_code}")
    if not agendas.can_edit(review):
        flash(LOCKED)
        return redirect(back, 303)
    wanted = request.form.get("wanted") != "no"
    agendas.talk_about(review, result_code, wanted)
    db.session.commit()
    name = catalogue.get(result_code).name
    if wanted:
        flash(f"{name} is on your agenda. You can make it one of your top 3 things to talk "
              "about on your agenda.", "success")
    else:
        flash(f"{name} is no longer on your agenda.", "success")
    return redirect(back, 303)


@bp.route("/agenda", methods=["GET", "POST"])
@allow(PATIENT)
def agenda():
    patient = current_patient()
    page = queries.agenda_page(patient)
    if request.method == "GET" or page.review is None:
        if request.method == "POST":
            abort(404)
        return make_response(render_template("preparation/agenda.html", page=page, problems=[]),
                             OFFLINE_READABLE)
    if not page.editable:
        flash(LOCKED)
        return redirect(url_for("preparation.agenda"), 303)
    data, problems = read_fields(request.form.to_dict(flat=False), page.options)
    if problems:
        # Nothing is saved while some words are too long to keep; the page shows them
        # all again, as typed, with the problem.
        return _agenda_again(page, data, problems)
    sending = request.form.get("action") == "send"
    agendas.save_agenda(page.review, data, page.options,
                        edited_at_ms=_edited_at(request.form.get("edited_at")))
    if sending:
        problems = check_for_sending(data, page.options)
        if problems:
            db.session.commit()  # what they wrote is kept, even though it was not sent
            return _agenda_again(page, data, problems, saved=True)
        first_time = agendas.send_agenda(page.review)
        db.session.commit()
        practice = patient.practice.name
        flash(f"Your agenda has been sent to {practice}. You can still change it until "
              "your appointment starts." if first_time else
              "Your changes have been saved. Your practice will see them.", "success")
    else:
        db.session.commit()
        flash("Your answers have been saved. You can come back and carry on at any time.",
              "success")
    return redirect(url_for("preparation.agenda"), 303)


def _agenda_again(page: queries.AgendaPage, data, problems, saved: bool = False):
    page = replace(page, data=data, agenda=agendas.agenda_of(page.review))
    return render_template("preparation/agenda.html", page=page, problems=problems,
                           saved_not_sent=saved), 400


def _edited_at(raw: str | None) -> int | None:
    """The device's edit time the page's script put in the form, if it is a sane one."""
    if raw and raw.isascii() and raw.isdigit() and len(raw) <= 16:
        return int(raw)
    return None


@bp.route("/agenda/draft", methods=["POST"])
@allow(PATIENT)
def save_draft():
    """Autosave: the agenda page's script sends the whole form as JSON as the patient
    types, and again from the device's store after a network drop."""
    patient = current_patient()
    checked = read_draft(request.get_json(silent=True))
    if not isinstance(checked, tuple):
        return jsonify(saved=False, error=checked.message, field=checked.field), 400
    edited_at, fields = checked
    review = agendas.current_review(patient)
    if review is None:
        return jsonify(saved=False, error="Your practice has not shared your agenda yet."), 404
    if not agendas.can_edit(review):
        return jsonify(saved=False, locked=True, error=LOCKED), 409
    options = agendas.options_for(review)
    data, problems = read_fields(fields, options)
    if problems:
        return jsonify(saved=False, error=problems[0].message, field=problems[0].field,
                       problems=[p.__dict__ for p in problems]), 422
    outcome = agendas.save_agenda(review, data, options, edited_at_ms=edited_at, draft=True)
    db.session.commit()
    now = utcnow()
    return jsonify(
        saved=outcome.saved, stale=outcome.stale, editedAt=edited_at,
        status=f"Saved at {uk_time(now)}" if outcome.saved else
        "Your agenda was changed on another device. Reload the page to see the latest "
        "version.",
        problems=[p.__dict__ for p in check_for_sending(data, options)]
        if review.agenda_submitted_at else [],
    )
