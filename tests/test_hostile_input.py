"""Every form and JSON endpoint, driven with random and hostile values.

For each endpoint that accepts a POST, hypothesis sends what an attacker or a confused
browser might: overlong strings, wrong types, unicode, script tags, SQL fragments, huge
numbers, dates far off, unknown fields. Whatever it sends:

- the answer is never a server error;
- a refused request (400, 409, 422...) changes nothing in the database;
- text that was stored comes back escaped on the pages that show it.

HOSTILE lists every POST endpoint (a new one without an entry fails the build), who sends
to it, and which pages show what it stores.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import Client
from tests.support import leak_watch, reminder_factories
from tests.support.factories import World, make_shared_review, prompt_of, with_care_plan
from webapp.data_rights.service import request_closure
from webapp.extensions import db
from webapp.tracking.service import patient_today

SCRIPT = "<script>alert('hostile')</script>"
NASTY_STRINGS = [
    SCRIPT,
    '"><img src=x onerror=alert(1)>',
    "'; DROP TABLE users; --",
    "\" OR 1=1 --",
    "{{ 7 * 7 }}",
    "%00",
    "\x00",
    "\u202egnp.exe",
    "😀" * 40,
    "Zoë Ørsted-Łukasz",
    "",
    " ",
    "-1",
    "0",
    "1e308",
    "99999999999999999999999999",
    "NaN",
    "Infinity",
    "0001-01-01",
    "9999-12-31",
    "31/02/2020",
    "x" * 20_000,
]
hostile_text = st.one_of(
    st.sampled_from(NASTY_STRINGS),
    st.text(max_size=60),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats().map(str),
)

json_value = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70),
              st.floats(), st.sampled_from(NASTY_STRINGS), st.text(max_size=30)),
    lambda children: st.one_of(st.lists(children, max_size=3),
                               st.dictionaries(st.text(max_size=10), children, max_size=3)),
    max_leaves=8,
)

# Tables whose rows change on reads as well as writes (who looked, when a session was last
# seen), so they are left out of the "nothing changed" comparison.
CHANGES_ON_READ = {"audit_events", "user_sessions"}


@pytest.fixture
def world(world):
    """The world with the first patient's care plan, so every URL has an object to name."""
    with_care_plan(world)
    # ...and an upcoming review, shared, so the patient has an agenda to write.
    make_shared_review(world.patient, clinician=world.clinician, results={"hba1c": "61"})
    db.session.commit()
    return world


@dataclass(frozen=True)
class Target:
    who: str
    fields: tuple[str, ...] = ()  # added to any found on the endpoint's own GET page
    json: bool = False
    files: tuple[str, ...] = ()  # file upload fields: sent random and hostile files
    shown_on: tuple[Callable[[World], str], ...] = ()
    extra: dict[str, Callable[[World], str]] = field(default_factory=dict)


def _plan_pages(world):
    return "/plan"


HOSTILE: dict[str, Target] = {
    "accounts.login": Target("anonymous", ("email", "password")),
    "accounts.activate": Target("anonymous", ("email", "code", "password", "confirm")),
    "accounts.logout": Target("patient"),
    "accounts.change_password": Target("patient", ("current", "password", "confirm")),
    "accounts.sign_out_everywhere": Target("patient"),
    "accounts.sign_in_code": Target("anonymous", ("code",)),
    "accounts.set_up_authenticator": Target("anonymous", ("code",)),
    "accounts.two_step_set_up": Target("patient", ("code",)),
    "accounts.new_recovery_codes": Target("clinician"),
    "accounts.turn_off_two_step": Target("patient", ("password",)),
    "admin.staff_reset_two_step": Target("admin"),
    "data_rights.close_account": Target("patient", ("reason",)),
    "data_rights.complete_closure": Target("admin"),
    "admin.invite_staff": Target("admin", ("name", "email", "role"),
                                 shown_on=(lambda w: "/admin/staff",)),
    "admin.settings": Target("admin", ("name", "time_zone"), shown_on=(lambda w: "/",)),
    "admin.staff_access": Target("admin"),
    "admin.staff_activation_code": Target("admin"),
    "patients.new": Target("admin", ("given_name", "family_name", "date_of_birth-day",
                                     "date_of_birth-month", "date_of_birth-year",
                                     "nhs_number", "email"),
                           shown_on=(lambda w: "/patients",)),
    "patients.new_activation_code": Target("admin"),
    "careplans.edit": Target("clinician", ("command",),
                             shown_on=(_plan_pages, lambda w: f"/reviews/{w.review.id}/care-plan",
                                       lambda w: f"/reviews/{w.review.id}/care-plan/history")),
    "careplans.check_in": Target("patient", ("wants_change", "change_request"),
                                 shown_on=(lambda w: f"/patients/{w.patient.id}/progress",)),
    "support.index": Target("admin", ("name", "description", "contact", "is_active"),
                            shown_on=(lambda w: "/admin/support-services",)),
    "support.edit": Target("admin", ("name", "description", "contact", "is_active"),
                           shown_on=(lambda w: "/admin/support-services", _plan_pages)),
    "tracking.log": Target("patient", ("entry_id", "action_id", "status", "next")),
    "tracking.create_entry": Target("patient", json=True,
                                    shown_on=(lambda w: f"/plan/actions/{w.action.id}",)),
    "tracking.edit_entry": Target("patient", ("status", "amount", "note", "reason"),
                                  shown_on=(lambda w: f"/plan/actions/{w.action.id}",
                                            lambda w: "/")),
    "tracking.entry_reason": Target("patient", ("reason", "next")),
    "tracking.delete_entry": Target("patient"),
    "tracking.change_request_handled": Target("clinician"),
    "admin.new_prompt": Target("admin", ("text", "section", "flag")),
    "admin.edit_prompt": Target("admin", ("text", "flag"), shown_on=(lambda w: "/agenda",)),
    "admin.change_prompt": Target("admin", ("change",)),
    "admin.edit_target": Target("admin", ("kind", "low", "high", "systolic", "diastolic")),
    "clinic.new_review": Target("clinician", ("conversation_on-day", "conversation_time",
                                              "gathering_time", "clinician")),
    "clinic.edit_review": Target("clinician"),
    "clinic.enter_results": Target("hca"),
    "clinic.preparation": Target("clinician", ("notes",),
                                 shown_on=(lambda w: f"/clinic/reviews/{w.review.id}",)),
    "clinic.share": Target("clinician"),
    "clinic.conversation_done": Target("clinician"),
    "clinic.profile": Target("clinician"),
    "clinic.personal_target": Target("clinician", ("kind", "low", "high", "reason")),
    "interop.import_results": Target("hca", files=("file",)),
    "preparation.agenda": Target("patient", shown_on=(lambda w: "/agenda",
                                                      lambda w: "/clinic/reviews")),
    "preparation.save_draft": Target("patient", json=True,
                                     shown_on=(lambda w: "/agenda",)),
    "preparation.talk_about": Target("patient", ("wanted", "next")),
    "reminders.edit": Target("patient", ("days", "times", "time_zone", "quiet_start",
                                         "quiet_end", "paused", "show_action_words"),
                             shown_on=(lambda w: f"/reminders/actions/{w.action.id}",)),
    "reminders.turn_off": Target("patient"),
    "reminders.subscribe": Target("patient", json=True,
                                  shown_on=(lambda w: "/reminders/devices",)),
    "reminders.rename": Target("patient", ("name",), shown_on=(lambda w: "/reminders/devices",)),
    "reminders.remove": Target("patient"),
    "reminders.send_test": Target("patient", ("device",)),
    "reminders.snooze": Target("anonymous"),
    "reminders.done": Target("anonymous"),
}

URL_VALUES: dict[str, Callable[[World], object]] = {
    "patient_id": lambda w: w.patient.id,
    "user_id": lambda w: w.hca.id,
    "review_id": lambda w: w.review.id,
    "action_id": lambda w: w.action.id,
    "entry_id": lambda w: w.entry.client_id,
    "service_id": lambda w: w.support_service.id,
    "check_in_id": lambda w: w.check_in.id,
    "closure_id": lambda w: request_closure(w.patient2).id,
    "prompt_id": lambda w: prompt_of(w.practice).id,
    "result_code": lambda w: "hba1c",
    "device_id": lambda w: reminder_factories.make_device(w.patient).id,
    "occurrence_id": lambda w: reminder_factories.make_occurrence(w.patient).public_id,
}


# Whatever the hostile values do, the script tag must never reach a log line.
leak_watch.remember("hostile free text", SCRIPT)


def post_rules(app):
    return sorted((rule for rule in app.url_map.iter_rules() if "POST" in rule.methods),
                  key=lambda rule: rule.endpoint)


def test_every_post_endpoint_is_driven_with_hostile_input(app):
    endpoints = {rule.endpoint for rule in post_rules(app)}
    missing = sorted(endpoints - HOSTILE.keys())
    assert not missing, f"add these endpoints to HOSTILE in tests/test_hostile_input.py: {missing}"
    assert not sorted(HOSTILE.keys() - endpoints)


def fingerprint() -> str:
    digest = hashlib.sha256()
    with db.engine.connect() as connection:
        for table in db.metadata.sorted_tables:
            if table.name in CHANGES_ON_READ:
                continue
            rows = connection.execute(table.select().order_by(*table.primary_key.columns))
            digest.update(table.name.encode())
            for row in rows:
                digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()


def form_fields(client: Client, path: str) -> set[str]:
    page = client.get(path)
    if page.status_code != 200:
        return set()
    html = page.get_data(as_text=True)
    names = set(re.findall(r'<(?:input|textarea|select)[^>]*\bname="([^"]+)"', html))
    return names - {"csrf_token"}


def client_for(app, world: World, who: str) -> Client:
    app.test_client_class = Client
    client = app.test_client()
    if who != "anonymous":
        client.sign_in_quickly(world.users()[who])
    return client


@pytest.mark.parametrize("endpoint", sorted(HOSTILE))
def test_hostile_input_never_breaks_anything(app, world, endpoint):
    target = HOSTILE[endpoint]
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    path = rule.build({name: URL_VALUES[name](world) for name in rule.arguments})[1]
    setup_client = client_for(app, world, target.who)
    names = sorted(set(target.fields) | form_fields(setup_client, path))

    if target.json and endpoint == "reminders.subscribe":
        payloads = st.one_of(
            json_value,
            st.fixed_dictionaries({
                "endpoint": st.one_of(hostile_text, st.sampled_from([
                    "https://fcm.googleapis.com/fcm/send/" + "x" * 2000,
                    "http://127.0.0.1:9/push", "https://169.254.169.254/latest",
                    "javascript:alert(1)", "https://fcm.googleapis.com/fcm/send/ok"])),
                "expirationTime": json_value,
                "keys": st.one_of(json_value, st.fixed_dictionaries(
                    {"p256dh": hostile_text, "auth": hostile_text}))}),
        )
    elif target.json and endpoint == "preparation.save_draft":
        payloads = st.one_of(
            json_value,
            st.fixed_dictionaries({"editedAt": json_value,
                                   "fields": st.dictionaries(st.sampled_from(names or ["x"]),
                                                             st.lists(hostile_text,
                                                                      max_size=2))}),
        )
    elif target.json:
        payloads = st.one_of(
            st.dictionaries(st.sampled_from(["id", "action_id", "local_date", "status", "amount",
                                             "note", "reason", "source", "extra"]),
                            json_value, max_size=9),
            st.fixed_dictionaries({
                "id": st.uuids().map(str), "action_id": st.just(world.action.id),
                "local_date": st.one_of(st.just(patient_today(world.patient)),
                                        st.dates()).map(lambda d: d.isoformat()),
                "status": st.sampled_from(["done", "partly", "not_today", "maybe"]),
                "note": hostile_text, "amount": json_value}),
            json_value,
        )
    else:
        payloads = st.dictionaries(st.sampled_from(names or ["anything"]), hostile_text,
                                   max_size=len(names) + 1)
    if target.files:
        file_contents = st.one_of(
            st.binary(max_size=2000),
            st.lists(hostile_text, max_size=6).map(lambda lines: "\n".join(
                ["nhs_number,result_code,value,unit,date", *lines]).encode()),
            st.just(b"\xff\xfe" + "nhs_number,result_code".encode("utf-16-le")),
            st.just(b"x" * 2_000_000),
        )
        file_names = st.sampled_from(["results.csv", "results.exe", "results.csv.exe",
                                      "../../etc/passwd", "", "r\u00e9sultats.CSV"])
        payloads = st.tuples(payloads, file_contents, file_names)

    @settings(max_examples=12, deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.function_scoped_fixture,
                                     HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(payload=payloads)
    def send(payload):
        client = client_for(app, world, target.who)
        before = fingerprint()
        if target.files:
            fields, content, filename = payload
            data = {key: value.replace("\x00", "") for key, value in fields.items()}
            data.update({name: (io.BytesIO(content), filename) for name in target.files})
            response = client.submit(path, data, content_type="multipart/form-data")
        elif target.json:
            response = client.post_json(path, payload)
        else:
            data = {key: value.replace("\x00", "") for key, value in payload.items()}
            response = client.submit(path, data)
        assert response.status_code < 500, (payload, response.status_code)
        if response.status_code in (400, 401, 403, 404, 409, 413, 422, 429):
            assert fingerprint() == before, f"refused with {response.status_code} but stored"
        viewer = client_for(app, world, target.who if target.who != "anonymous" else "admin")
        for page in target.shown_on:
            html = viewer.get(page(world)).get_data(as_text=True)
            assert SCRIPT not in html and "<img src=x onerror" not in html, page(world)

    send()
