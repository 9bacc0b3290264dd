"""Reminder pages: each action's reminders, the patient's devices, snoozing from a
notification, and delivery problems for practice admins."""

from __future__ import annotations

import hashlib
import uuid

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)

from webapp.access import (
    ADMINS,
    PATIENT,
    allow,
    current_patient,
    patient_object_or_404,
    public,
    scoped_to_patients,
    signed_in_user,
)
from webapp.accounts.forms import ConfirmForm
from webapp.extensions import csrf, db
from webapp.home.sections import Section, patient_section, staff_section
from webapp.models import Action, Patient, PushSubscription, Role, User, utcnow
from webapp.presenters import device_name
from webapp.reminders import data_rights as _data_rights  # noqa: F401 - registers export
from webapp.reminders import demo as _demo  # noqa: F401 - registers the demo seeder
from webapp.reminders import notifications, service, subscriptions
from webapp.reminders.delivery import Outcome, send_one
from webapp.reminders.dispatch import vapid_for
from webapp.reminders.forms import DeviceNameForm, ScheduleForm
from webapp.tracking.service import active_actions

bp = Blueprint("reminders", __name__, url_prefix="/reminders", template_folder="templates")


def endpoint_fingerprint(endpoint: str) -> str:
    """What the page matches its own subscription against, without the secret address."""
    return hashlib.sha256(endpoint.encode("utf-8")).hexdigest()


@bp.app_context_processor
def _push_key() -> dict:
    return {"push_public_key": lambda: vapid_for(current_app).public_key}


# --- Each action's reminders ---------------------------------------------------------------


@bp.route("")
@allow(PATIENT)
def index():
    patient = current_patient()
    return render_template(
        "reminders/index.html", actions=active_actions(patient),
        reminders=service.reminders_by_action(patient), describe=service.describe,
        device_count=len(subscriptions.devices_of(patient)))


@bp.route("/actions/<int:action_id>", methods=["GET", "POST"])
@allow(PATIENT)
def edit(action_id: int):
    action = patient_object_or_404(Action, action_id)
    if action.retired_at is not None:
        abort(404)
    patient = current_patient()
    reminder = service.reminder_for(action)
    form = ScheduleForm()
    if request.method == "GET":
        if reminder is not None:
            form.fill_from(service.choice_of(reminder))
        else:
            form.days.data = [str(day) for day in range(7)]
            form.time_zone.data = patient.time_zone
    elif form.validate_on_submit():
        saved = service.save_reminder(action, form.choice())
        db.session.commit()
        flash(f"Reminders saved: {service.describe(saved)}.", "success")
        return redirect(url_for("reminders.index"), 303)
    return render_template("reminders/edit.html", action=action, reminder=reminder, form=form,
                           confirm=ConfirmForm()), 400 if form.errors else 200


@bp.route("/actions/<int:action_id>/turn-off", methods=["POST"])
@allow(PATIENT)
def turn_off(action_id: int):
    action = patient_object_or_404(Action, action_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    reminder = service.reminder_for(action)
    if reminder is not None:
        service.remove_reminder(reminder)
        db.session.commit()
    flash("Reminders turned off for this action.", "success")
    return redirect(url_for("reminders.index"), 303)


# --- Devices ---------------------------------------------------------------------------------


@bp.route("/devices")
@allow(PATIENT)
def devices():
    patient = current_patient()
    return render_template("reminders/devices.html", devices=subscriptions.devices_of(patient),
                           fingerprint=endpoint_fingerprint, form=ConfirmForm())


@bp.route("/subscriptions", methods=["POST"])
@allow(PATIENT)
def subscribe():
    """Store this browser's push subscription (``PushSubscription.toJSON()``).

    201 for a new device, 200 when it was already known (the page re-checks on every
    load); 422 naming the field when the subscription is not one we can use.
    """
    data = request.get_json(silent=True)
    rules = subscriptions.endpoint_rules(current_app.config)
    try:
        found = subscriptions.check_subscription(data, rules)
        replaces = subscriptions.check_replaces(data)
    except subscriptions.InvalidSubscription as problem:
        return jsonify(error=f"{problem.field} {problem.message}", field=problem.field), 422
    user = signed_in_user()
    patient = current_patient()
    agent = request.user_agent.string
    try:
        device, created = subscriptions.register_device(
            user, patient, found, agent, default_name=device_name(agent), replaces=replaces)
    except subscriptions.TooManyDevices as problem:
        return jsonify(error=str(problem), field="endpoint"), 422
    db.session.commit()
    return jsonify(id=device.id, name=device.name), 201 if created else 200


def _own_device(device_id: int) -> PushSubscription:
    return patient_object_or_404(PushSubscription, device_id)


@bp.route("/devices/<int:device_id>/name", methods=["GET", "POST"])
@allow(PATIENT)
def rename(device_id: int):
    device = _own_device(device_id)
    form = DeviceNameForm(obj=device)
    if form.validate_on_submit():
        subscriptions.rename_device(device, form.name.data)
        db.session.commit()
        flash(f"Device renamed to {device.name}.", "success")
        return redirect(url_for("reminders.devices"), 303)
    return render_template("reminders/rename.html", device=device, form=form), \
        400 if form.errors else 200


@bp.route("/devices/<int:device_id>/remove", methods=["POST"])
@allow(PATIENT)
def remove(device_id: int):
    device = _own_device(device_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    name = device.name
    subscriptions.remove_devices([device.id])
    db.session.commit()
    flash(f"{name} will no longer get reminders.", "success")
    return redirect(url_for("reminders.devices"), 303)


@bp.route("/devices/test", methods=["POST"])
@allow(PATIENT)
def send_test():
    """Send a test notification to each of the patient's devices, and say what happened."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    patient = current_patient()
    found = subscriptions.devices_of(patient)
    if not found:
        flash("You have no devices set up for reminders yet.")
        return redirect(url_for("reminders.devices"), 303)
    payload = notifications.encode(notifications.sample_payload())
    vapid = vapid_for(current_app)
    timeout = current_app.config["REMINDER_PUSH_TIMEOUT_SECONDS"]
    reached, not_reached = [], []
    for device in found:
        result = send_one(device.as_webpush(), payload, vapid=vapid, ttl=15 * 60,
                          topic="test-notification", timeout=timeout)
        subscriptions.note_result(device, result, utcnow())
        (reached if result.outcome is Outcome.DELIVERED else not_reached).append(device.name)
    db.session.commit()
    if reached:
        flash(f"Test notification sent to {_and(reached)}. It should appear in a few "
              "seconds.", "success")
    if not_reached:
        flash(f"We could not send a test notification to {_and(not_reached)}. "
              "Try turning reminders off and on again on that device.")
    return redirect(url_for("reminders.devices"), 303)


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


# --- From a notification -------------------------------------------------------------------


@bp.route("/occurrences/<uuid:occurrence_id>/snooze", methods=["POST"])
@public
@csrf.exempt
def snooze(occurrence_id: uuid.UUID):
    """"Snooze 1 hour" from a notification.

    Public on purpose: the service worker calls it with the page closed, usually long after
    the 30-minute session has ended. The occurrence's random id is the permission: it is
    only ever sent, encrypted, to the patient's own devices, and all it allows is moving
    that one reminder an hour later. With no session there is nothing for CSRF to forge.
    """
    occurrence = service.occurrence_by_public_id(occurrence_id)
    if occurrence is None:
        return jsonify(error="No such reminder."), 404
    try:
        snoozed, created = service.snooze(occurrence)
    except service.NotificationRefused as problem:
        return jsonify(error=str(problem)), 409
    db.session.commit()
    return jsonify(id=str(snoozed.public_id), due=snoozed.due_at.isoformat()), \
        201 if created else 200


@bp.route("/occurrences/<uuid:occurrence_id>/done", methods=["POST"])
@public
@csrf.exempt
def done(occurrence_id: uuid.UUID):
    """"Done" from a notification: the action logged for the reminder's day.

    Public for the same reasons as ``snooze``: the service worker sends it long after the
    session has ended, and the reminder's random id is the permission. All it allows is
    logging that one action as done on that one day, which the patient can change or delete
    on their care plan.
    """
    occurrence = service.occurrence_by_public_id(occurrence_id)
    if occurrence is None:
        return jsonify(error="No such reminder."), 404
    try:
        entry, created = service.done(occurrence)
    except service.NotificationRefused as problem:
        return jsonify(error=str(problem)), 409
    db.session.commit()
    return jsonify(entry=str(entry.client_id), date=entry.local_date.isoformat()), \
        201 if created else 200


# --- For practice admins -------------------------------------------------------------------


@bp.route("/delivery-problems")
@allow(ADMINS)
def problems():
    """Devices whose push service refused reminders for a reason retrying will not fix."""
    stmt = subscriptions.rejected_devices_query()
    found = db.session.execute(scoped_to_patients(stmt, PushSubscription.patient_id)).all()
    return render_template("reminders/problems.html", problems=found)


# --- Home page sections ----------------------------------------------------------------------


@patient_section
def _patient_home(patient: Patient) -> Section | None:
    return Section("reminders/_home_patient.html", {
        "reminder_count": len(service.reminders_by_action(patient)),
        "device_count": len(subscriptions.devices_of(patient))})


@staff_section
def _admin_home(user: User) -> Section | None:
    if user.role is not Role.PRACTICE_ADMIN:
        return None
    count = subscriptions.rejected_device_count(user.practice_id)
    if not count:
        return None
    return Section("reminders/_home_admin.html", {"problem_count": count})
