"""The access-control walk: every route in app.url_map, every method, every kind of user.

EXPECTED below is this test's own statement of who may use each endpoint. It must name
every endpoint the app has, so a new route without an entry here fails the build; the view's
declared rule must agree with it; and real requests must get the answer it implies:

- anyone not allowed gets 403 (or is sent to sign in, when not signed in);
- an allowed user who does not own the object in the URL (another patient, or anyone from
  another practice) gets 404, so they cannot even learn it exists;
- an allowed user who owns it is let through.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.support import factories, reminder_factories
from tests.support.factories import World, with_care_plan
from webapp.access import (
    ADMINS,
    CLINICAL_STAFF,
    CLINICIANS,
    EVERYONE_SIGNED_IN,
    PATIENT,
    STAFF,
    rule_for_endpoint,
)
from webapp.data_rights.service import request_closure
from webapp.models import Role

PUBLIC = None

EXPECTED: dict[str, frozenset[Role] | None] = {
    "static": PUBLIC,
    "shell.health": PUBLIC,
    "shell.manifest": PUBLIC,
    "shell.worker": PUBLIC,
    "shell.worker_module": PUBLIC,
    "shell.offline": PUBLIC,
    "shell.accessibility": PUBLIC,
    "shell.privacy": PUBLIC,
    "accounts.login": PUBLIC,
    "accounts.logout": PUBLIC,
    "accounts.signed_out": PUBLIC,
    "accounts.activate": PUBLIC,
    "accounts.session_status": PUBLIC,
    "accounts.sign_in_code": PUBLIC,
    "accounts.set_up_authenticator": PUBLIC,
    "accounts.account": EVERYONE_SIGNED_IN,
    "accounts.change_password": EVERYONE_SIGNED_IN,
    "accounts.sign_out_everywhere": EVERYONE_SIGNED_IN,
    "accounts.two_step_set_up": EVERYONE_SIGNED_IN,
    "accounts.new_recovery_codes": EVERYONE_SIGNED_IN,
    "accounts.turn_off_two_step": PATIENT,
    "audit.who_has_looked": PATIENT,
    "audit.search": ADMINS,
    "data_rights.download": PATIENT,
    "data_rights.close_account": PATIENT,
    "data_rights.closures": ADMINS,
    "data_rights.complete_closure": ADMINS,
    "home.index": EVERYONE_SIGNED_IN,
    "patients.index": STAFF,
    "patients.show": STAFF,
    "patients.new": ADMINS,
    "patients.new_activation_code": ADMINS,
    "admin.staff": ADMINS,
    "admin.invite_staff": ADMINS,
    "admin.staff_activation_code": ADMINS,
    "admin.staff_access": ADMINS,
    "admin.staff_reset_two_step": ADMINS,
    "admin.settings": ADMINS,
    "careplans.edit": CLINICIANS,
    "careplans.history": CLINICAL_STAFF,
    "careplans.my_plan": PATIENT,
    "careplans.print_plan": PATIENT,
    "careplans.check_in": PATIENT,
    "tracking.log": PATIENT,
    "tracking.create_entry": PATIENT,
    "tracking.edit_entry": PATIENT,
    "tracking.entry_reason": PATIENT,
    "tracking.delete_entry": PATIENT,
    "tracking.progress": PATIENT,
    "tracking.action": PATIENT,
    "tracking.patient_progress": CLINICAL_STAFF,
    "tracking.change_request_handled": CLINICIANS,
    "support.index": ADMINS,
    "support.edit": ADMINS,
    "admin.prompts": ADMINS,
    "admin.new_prompt": ADMINS,
    "admin.edit_prompt": ADMINS,
    "admin.change_prompt": ADMINS,
    "admin.targets": ADMINS,
    "admin.edit_target": ADMINS,
    "preparation.results": PATIENT,
    "preparation.talk_about": PATIENT,
    "preparation.agenda": PATIENT,
    "preparation.save_draft": PATIENT,
    "clinic.reviews": STAFF,
    "clinic.patient": CLINICAL_STAFF,
    "clinic.new_review": STAFF,
    "clinic.edit_review": STAFF,
    "clinic.review": CLINICAL_STAFF,
    "clinic.preparation": CLINICIANS,
    "clinic.enter_results": CLINICAL_STAFF,
    "clinic.share": CLINICAL_STAFF,
    "clinic.agenda": CLINICAL_STAFF,
    "clinic.conversation_done": CLINICIANS,
    "clinic.profile": CLINICIANS,
    "clinic.personal_target": CLINICIANS,
    "interop.import_results": CLINICAL_STAFF,
    "reminders.index": PATIENT,
    "reminders.edit": PATIENT,
    "reminders.turn_off": PATIENT,
    "reminders.devices": PATIENT,
    "reminders.subscribe": PATIENT,
    "reminders.rename": PATIENT,
    "reminders.remove": PATIENT,
    "reminders.send_test": PATIENT,
    # The notification's "Snooze" works without a session: the reminder's id is the key.
    "reminders.snooze": PUBLIC,
    "reminders.done": PUBLIC,
    "reminders.problems": ADMINS,
}

# How to fill each URL parameter with an object belonging to the home practice's first
# patient (or, for staff objects, the home practice). A new parameter name must be added.
URL_VALUES: dict[str, Callable[[World], object]] = {
    "closure_id": lambda world: request_closure(world.patient).id,
    "filename": lambda world: "css/app.css",
    "name": lambda world: "pages.js",
    "patient_id": lambda world: world.patient.id,
    "user_id": lambda world: world.clinician.id,
    "review_id": lambda world: world.review.id,
    "action_id": lambda world: world.action.id,
    "entry_id": lambda world: world.entry.client_id,
    "service_id": lambda world: world.support_service.id,
    "check_in_id": lambda world: world.check_in.id,
    "prompt_id": lambda world: factories.prompt_of(world.practice).id,
    "result_code": lambda world: "hba1c",
    "device_id": lambda world: reminder_factories.make_device(world.patient).id,
    "occurrence_id": lambda world: reminder_factories.make_occurrence(world.patient).public_id,
}
# Parameters that name a file or a catalogue entry rather than somebody's data.
NOT_OWNED = {"filename", "name", "result_code"}

# Users whose practice or identity owns the objects named by URL_VALUES.
OWNERS = {"patient", "clinician", "hca", "admin"}
USERS = ["anonymous", "patient", "patient2", "clinician", "hca", "admin",
         "other_patient", "other_clinician", "other_admin"]
ROLE_OF = {"patient": Role.PATIENT, "patient2": Role.PATIENT, "clinician": Role.CLINICIAN,
           "hca": Role.HEALTHCARE_ASSISTANT, "admin": Role.PRACTICE_ADMIN,
           "other_patient": Role.PATIENT, "other_clinician": Role.CLINICIAN,
           "other_admin": Role.PRACTICE_ADMIN}


@pytest.fixture
def world(world):
    """The world with the first patient's care plan, so every URL has an object to name."""
    return with_care_plan(world)


def test_every_route_has_an_expected_rule(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    missing = sorted(endpoints - EXPECTED.keys())
    assert not missing, f"add these endpoints to EXPECTED in tests/test_access.py: {missing}"
    stale = sorted(EXPECTED.keys() - endpoints)
    assert not stale, f"these endpoints no longer exist: {stale}"


def test_every_view_declares_the_expected_rule(app):
    for endpoint, expected in EXPECTED.items():
        rule = rule_for_endpoint(app, endpoint)
        assert rule is not None, f"{endpoint} has no @public or @allow(...)"
        assert rule.roles == expected, f"{endpoint} allows {rule.roles}, expected {expected}"


def test_an_endpoint_without_a_rule_is_refused(app, client):
    @app.route("/forgotten-rule")
    def forgotten_rule():
        return "should never be seen"

    response = client.get("/forgotten-rule")
    assert response.status_code == 403
    assert b"should never be seen" not in response.data


def test_role_groups_are_what_the_walk_assumes():
    assert STAFF == CLINICAL_STAFF | ADMINS
    assert CLINICIANS <= CLINICAL_STAFF
    assert EVERYONE_SIGNED_IN == STAFF | PATIENT


def _requests(app, world):
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        unknown = set(rule.arguments) - URL_VALUES.keys()
        assert not unknown, f"add {unknown} to URL_VALUES in tests/test_access.py"
        values = {name: URL_VALUES[name](world) for name in rule.arguments}
        path = rule.build(values)[1] if values else rule.rule
        owned = bool(set(rule.arguments) - NOT_OWNED)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule.endpoint, method, path, owned


@pytest.mark.parametrize("who", USERS)
def test_access_walk(app, world, who):
    from tests.conftest import Client

    app.test_client_class = Client
    client = app.test_client()
    if who != "anonymous":
        client.sign_in_quickly(world.users()[who])
    failures = []
    for endpoint, method, path, owned in _requests(app, world):
        allowed_roles = EXPECTED[endpoint]
        owner_side = who in OWNERS
        headers = {}
        if method != "GET" and owned and not owner_side:
            # Send a valid token so the request gets past CSRF to the ownership check (which
            # refuses it); everyone else sends none, so the walk never changes anything.
            headers["X-CSRFToken"] = client.csrf_token()
        response = client.open(path, method=method, headers=headers)
        status = response.status_code
        location = response.headers.get("Location", "")

        if allowed_roles is PUBLIC:
            ok = status not in (401, 403) and not location.startswith("/login")
            expected = "not refused"
        elif who == "anonymous":
            ok = status == 401 or (status == 303 and location.startswith("/login"))
            expected = "sent to sign in"
        elif ROLE_OF[who] not in allowed_roles:
            ok = status == 403
            expected = "403"
        elif owned and not owner_side:
            ok = status == 404
            expected = "404"
        else:
            ok = status not in (401, 403, 404, 405, 500) and not location.startswith("/login")
            expected = "let through"
        if not ok:
            failures.append(f"{method} {path} ({endpoint}) as {who}: got {status} "
                            f"{location}, expected {expected}")
    assert not failures, "\n".join(failures)
