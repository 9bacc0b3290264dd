"""Two-step sign-in: required for staff, optional for patients; a half-finished sign-in
signs nobody in; codes work once; secrets are stored encrypted."""

import re
from datetime import timedelta

import pyotp
import pytest

from tests.conftest import Client
from tests.support.factories import authenticator_code, make_authenticator, make_staff
from webapp.accounts import service, two_step
from webapp.accounts.sessions import PENDING_KEY, SESSION_KEY
from webapp.extensions import db
from webapp.models import Authenticator, RecoveryCode, Role, UserSession, utcnow

PASSWORD = "correct horse battery staple"


def password_step(client, user):
    response = client.submit("/login", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 303
    return response.headers["Location"]


def set_up_page(client) -> tuple[str, str, str]:
    """Read the set-up page: the key as text, the form's token, the page."""
    page = client.get("/login/set-up-authenticator").get_data(as_text=True)
    key = re.search(r'id="authenticator-key">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")
    token = re.search(r'name="token" type="hidden" value="([^"]+)"', page).group(1)
    return key, token, page


def test_staff_without_an_authenticator_must_set_one_up_first(client, world):
    newcomer = make_staff(world.practice, Role.HEALTHCARE_ASSISTANT, authenticator=False)
    db.session.commit()
    assert password_step(client, newcomer) == "/login/set-up-authenticator"
    assert client.get("/patients").status_code == 303  # not signed in yet

    key, token, page = set_up_page(client)
    uri = re.search(r'id="authenticator-uri">([^<]+)<', page).group(1).replace("&amp;", "&")
    assert uri.startswith("otpauth://totp/") and f"secret={key}" in uri
    svg = re.search(r"<svg.*?</svg>", page, re.S).group(0)
    assert "style=" not in svg and "<script" not in svg and "<title>" in svg

    wrong = client.submit("/login/set-up-authenticator", {"token": token, "code": "123456"})
    assert wrong.status_code == 400 and "The code is not right" in wrong.get_data(as_text=True)

    done = client.submit("/login/set-up-authenticator",
                         {"token": token, "code": pyotp.TOTP(key).now()})
    assert done.status_code == 200
    codes = re.findall(r'<li class="app-code">([A-Z0-9-]+)</li>', done.get_data(as_text=True))
    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.get("/patients").status_code == 200  # now fully signed in

    stored = db.session.query(RecoveryCode).filter_by(user_id=newcomer.id).all()
    assert len(stored) == 10
    assert not any(code.replace("-", "") in row.code_hash for code in codes for row in stored)
    secret_row = db.session.query(Authenticator).filter_by(user_id=newcomer.id).one()
    assert key not in secret_row.secret_encrypted
    assert two_step.decrypt(secret_row.secret_encrypted) == key


def test_a_set_up_token_made_for_another_secret_cannot_be_swapped_in(client, world):
    newcomer = make_staff(world.practice, authenticator=False)
    db.session.commit()
    password_step(client, newcomer)
    _, token, _ = set_up_page(client)
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    response = client.submit("/login/set-up-authenticator",
                             {"token": forged, "code": "123456"})
    assert response.status_code == 400
    assert "set-up codes expire" in response.get_data(as_text=True)
    assert db.session.query(Authenticator).filter_by(user_id=newcomer.id).count() == 0


def test_staff_sign_in_asks_for_a_code_after_the_password(client, world):
    assert password_step(client, world.clinician) == "/login/code"
    assert client.get("/patients").status_code == 303
    wrong = client.submit("/login/code", {"code": "000000"})
    assert wrong.status_code == 400
    right = client.submit("/login/code", {"code": authenticator_code(world.clinician)})
    assert right.status_code == 303 and right.headers["Location"] == "/"
    assert client.get("/patients").status_code == 200


def test_the_second_step_keeps_where_the_person_was_going(client, world):
    token = client.csrf_token()
    client.post("/login?next=/patients", data={"email": world.clinician.email,
                                               "password": PASSWORD, "csrf_token": token})
    right = client.submit("/login/code", {"code": authenticator_code(world.clinician)})
    assert right.headers["Location"] == "/patients"


def test_a_code_cannot_be_used_twice(app, world):
    first, second = (Client(app, app.response_class) for _ in range(2))
    code = authenticator_code(world.clinician)
    password_step(first, world.clinician)
    assert first.submit("/login/code", {"code": code}).status_code == 303
    password_step(second, world.clinician)
    replay = second.submit("/login/code", {"code": code})
    assert replay.status_code == 400
    assert second.get("/patients").status_code == 303


def test_codes_from_the_previous_and_next_time_steps_are_accepted_for_clock_drift(app, world):
    secret = two_step.secret_for(world.clinician)
    now = utcnow()
    here = two_step.current_step(now)
    for offset in (-1, 1):
        assert two_step.verify(world.clinician, two_step.code_for_step(secret, here + offset + 2),
                               now=now + timedelta(seconds=60))
    assert not two_step.verify(world.clinician, two_step.code_for_step(secret, here + 10), now=now)


def test_a_recovery_code_works_once_instead_of_the_app(app, world):
    codes = two_step.new_recovery_codes(world.clinician)
    db.session.commit()
    client = Client(app, app.response_class)
    password_step(client, world.clinician)
    assert client.submit("/login/code", {"code": codes[3].lower()}).status_code == 303
    client.sign_out()
    password_step(client, world.clinician)
    assert client.submit("/login/code", {"code": codes[3]}).status_code == 400
    assert two_step.recovery_codes_left(world.clinician) == 9


def test_a_half_signed_in_browser_passes_no_access_check(app, client, world):
    password_step(client, world.admin)
    with client.session_transaction() as cookie:
        pending_token = cookie[PENDING_KEY]
        assert SESSION_KEY not in cookie
    refused = [rule.rule for rule in app.url_map.iter_rules()
               if "GET" in rule.methods and not rule.arguments
               and getattr(app.view_functions[rule.endpoint], "access_rule", None)
               and app.view_functions[rule.endpoint].access_rule.roles is not None
               and client.get(rule.rule).status_code not in (303, 401)]
    assert refused == []
    # Even moved to where a signed-in token lives, the pending token signs nobody in.
    with client.session_transaction() as cookie:
        cookie[SESSION_KEY] = pending_token
    assert client.get("/patients").status_code == 303
    assert service.user_for_session(pending_token, _policy(app)) is None


def _policy(app):
    from webapp.accounts import sessions

    with app.test_request_context():
        return sessions.policy()


def test_the_fully_signed_in_session_has_a_new_token(client, world):
    password_step(client, world.clinician)
    with client.session_transaction() as cookie:
        pending_token = cookie[PENDING_KEY]
    client.submit("/login/code", {"code": authenticator_code(world.clinician)})
    with client.session_transaction() as cookie:
        assert cookie[SESSION_KEY] != pending_token and PENDING_KEY not in cookie
    assert service.session_for_token(pending_token) is None


def test_the_second_step_must_follow_within_ten_minutes(client, world):
    password_step(client, world.clinician)
    pending = db.session.query(UserSession).one()
    pending.created_at = utcnow() - timedelta(minutes=10)
    db.session.commit()
    response = client.submit("/login/code", {"code": authenticator_code(world.clinician)})
    assert "finish signing in within 10 minutes" in response.get_data(as_text=True)
    assert client.get("/patients").status_code == 303
    assert db.session.query(UserSession).one().ended_reason == "second step not done"


def test_the_code_page_without_a_password_step_says_sign_in_again(client):
    page = client.get("/login/code").get_data(as_text=True)
    assert "Sign in again" in page


def test_a_patient_can_turn_two_step_sign_in_on_and_off(client, world):
    user = world.patient.user
    client.sign_in_quickly(user)
    account = client.get("/account").get_data(as_text=True)
    assert "Two-step sign-in" in account and "Off" in account
    page = client.get("/account/two-step").get_data(as_text=True)
    key = re.search(r'id="authenticator-key">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")
    token = re.search(r'name="token" type="hidden" value="([^"]+)"', page).group(1)
    done = client.submit("/account/two-step", {"token": token, "code": pyotp.TOTP(key).now()})
    assert done.status_code == 200 and "save your recovery codes" in done.get_data(as_text=True)
    client.sign_out()

    assert password_step(client, user) == "/login/code"
    assert client.submit("/login/code", {"code": authenticator_code(user)}).status_code == 303
    wrong = client.submit("/account/two-step/turn-off", {"password": "wrong"})
    assert wrong.status_code == 400
    off = client.submit("/account/two-step/turn-off", {"password": PASSWORD})
    assert off.status_code == 303
    client.sign_out()
    assert password_step(client, user) == "/"


def test_staff_cannot_turn_two_step_sign_in_off(client, world):
    client.sign_in_quickly(world.clinician)
    assert client.submit("/account/two-step/turn-off", {"password": PASSWORD}).status_code == 403
    assert "Turn off" not in client.get("/account").get_data(as_text=True).split(
        "Two-step sign-in")[1].split("</dl>")[0]


def test_new_recovery_codes_replace_the_old_ones(client, world):
    old = two_step.new_recovery_codes(world.clinician)
    db.session.commit()
    client.sign_in_quickly(world.clinician)
    page = client.submit("/account/two-step/recovery-codes").get_data(as_text=True)
    new = re.findall(r'<li class="app-code">([A-Z0-9-]+)</li>', page)
    assert len(new) == 10 and not set(new) & set(old)
    assert not two_step.use_recovery_code(world.clinician, old[0])


def test_an_invited_member_of_staff_sets_up_the_app_after_activating(client, world):
    invitation = service.invite_staff(
        practice_id=world.practice.id, name="Nia Roberts", email="nia@example.com",
        role=Role.CLINICIAN, invited_by=world.admin, valid_for=timedelta(days=1))
    db.session.commit()
    response = client.submit("/activate", {
        "email": "nia@example.com", "code": invitation.code,
        "password": "a long staff passphrase", "confirm": "a long staff passphrase"})
    assert response.headers["Location"] == "/login/set-up-authenticator"
    assert client.get("/patients").status_code == 303


def test_a_different_secret_key_cannot_read_stored_secrets(app, world):
    stored = db.session.query(Authenticator).filter_by(user_id=world.clinician.id).one()
    assert two_step.decrypt(stored.secret_encrypted) is not None
    app.config["SECRET_KEY"] = "another-secret-key"
    assert two_step.decrypt(stored.secret_encrypted) is None


@pytest.mark.parametrize("typed", ["12345", "1234567", "abcdef", "12 34 5x", ""])
def test_malformed_codes_are_refused_without_error(app, world, typed):
    assert not two_step.verify(world.clinician, typed)


def test_demo_staff_can_use_the_demo_secret(app, runner):
    result = runner.invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output
    from webapp.models import User

    admin = db.session.query(User).filter_by(email="admin@demo.example").one()
    assert two_step.secret_for(admin) == app.config["DEMO_TOTP_SECRET"]
    patient = db.session.query(User).filter_by(email="patient@demo.example").one()
    assert two_step.authenticator_for(patient) is None


def test_make_authenticator_helper_gives_usable_codes(app, world):
    secret = make_authenticator(world.patient.user)
    assert two_step.verify(world.patient.user, pyotp.TOTP(secret).now())
