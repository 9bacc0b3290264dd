from datetime import timedelta

from tests.conftest import Client
from webapp.accounts import service
from webapp.extensions import db
from webapp.models import UserSession, utcnow


def new_client(app) -> Client:
    app.test_client_class = Client
    return app.test_client()


def test_sign_in_takes_a_patient_home(client, world):
    response = client.sign_in(world.patient.user)
    assert response.headers["Location"] == "/"
    page = client.get("/").get_data(as_text=True)
    assert "Hello, Margaret" in page
    assert "Sign out" in page


def test_sign_in_follows_next_only_within_the_site(client, world):
    token = client.csrf_token()
    response = client.post("/login?next=/account", data={
        "email": world.patient.user.email, "password": "correct horse battery staple",
        "csrf_token": token})
    assert response.headers["Location"] == "/account"
    client.sign_out()
    for hostile in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        token = client.csrf_token()
        response = client.post(f"/login?next={hostile}", data={
            "email": world.patient.user.email, "password": "correct horse battery staple",
            "csrf_token": token})
        assert response.headers["Location"] == "/", hostile
        client.sign_out()


def test_wrong_password_and_unknown_email_get_the_same_answer(client, world):
    wrong = client.submit("/login", {"email": world.patient.user.email, "password": "nope nope"})
    unknown = client.submit("/login", {"email": "nobody@example.com", "password": "nope nope"})
    assert wrong.status_code == unknown.status_code == 400
    message = "Enter a correct email address and password"
    assert message in wrong.get_data(as_text=True)
    assert message in unknown.get_data(as_text=True)


def test_sign_in_form_explains_missing_fields(client):
    page = client.submit("/login", {"email": "", "password": ""}).get_data(as_text=True)
    assert "Enter your email address" in page
    assert "Enter your password" in page
    assert 'href="#email"' in page  # the error summary links to the field


def test_a_form_without_its_csrf_token_is_refused(client, world):
    response = client.post("/login", data={"email": world.patient.user.email,
                                           "password": "correct horse battery staple"})
    assert response.status_code == 400
    assert "The form had expired" in response.get_data(as_text=True)
    assert db.session.query(UserSession).count() == 0


def test_a_json_post_without_its_csrf_header_is_refused(client, world):
    client.sign_in(world.patient.user)
    response = client.post("/account/sign-out-everywhere", json={})
    assert response.status_code == 400


def test_session_cookie_is_httponly_and_samesite_lax(client, world):
    response = client.sign_in(world.patient.user)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Expires" not in cookie and "Max-Age" not in cookie  # no long-lived cookie


def test_on_https_the_cookie_is_secure_and_host_prefixed(app, world):
    app.config.update(SESSION_COOKIE_SECURE=True, SESSION_COOKIE_NAME="__Host-session")
    client = new_client(app)
    response = client.submit("/login", {"email": world.patient.user.email,
                                        "password": "correct horse battery staple"},
                             base_url="https://localhost")
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("__Host-session=") and "Secure" in cookie


def test_the_session_id_changes_at_sign_in(client, world):
    client.get("/login")
    before = client.get_cookie("session")
    client.sign_in(world.patient.user)
    after = client.get_cookie("session")
    assert before is None or before.value != after.value


def test_sign_out_ends_the_session_and_a_replayed_cookie_is_refused(client, world):
    client.sign_in(world.patient.user)
    stolen = client.get_cookie("session").value
    response = client.sign_out()
    assert response.status_code == 303
    assert response.headers["Clear-Site-Data"] == '"cache"'
    assert client.get("/").status_code == 303
    client.set_cookie("session", stolen)
    assert client.get("/").status_code == 303
    assert db.session.query(UserSession).one().ended_reason == "signed out"


def test_staff_session_ends_after_thirty_minutes_idle(client, world):
    client.sign_in(world.clinician)
    record = db.session.query(UserSession).one()
    record.last_seen_at = utcnow() - timedelta(minutes=30, seconds=1)
    db.session.commit()
    response = client.get("/patients")
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/login?next=/patients&timeout=1")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "you were signed out because you had not used the service" in page
    assert db.session.query(UserSession).one().ended_reason == "idle"


def test_activity_keeps_a_session_alive(client, world):
    client.sign_in(world.clinician)
    record = db.session.query(UserSession).one()
    record.last_seen_at = utcnow() - timedelta(minutes=29)
    db.session.commit()
    assert client.get("/patients").status_code == 200
    assert utcnow() - db.session.query(UserSession).one().last_seen_at < timedelta(minutes=1)


def test_asking_how_long_is_left_is_not_activity(client, world):
    client.sign_in(world.clinician)
    record = db.session.query(UserSession).one()
    record.last_seen_at = utcnow() - timedelta(minutes=10)
    db.session.commit()
    status = client.get("/account/session").get_json()
    assert status["signedIn"] and 19 * 60 <= status["secondsLeft"] <= 20 * 60
    seen = db.session.query(UserSession).one().last_seen_at
    assert utcnow() - seen >= timedelta(minutes=10)


def test_idle_limit_is_configurable(app, world):
    app.config["SESSION_IDLE_MINUTES_PATIENT"] = 5
    client = new_client(app)
    client.sign_in(world.patient.user)
    record = db.session.query(UserSession).one()
    record.last_seen_at = utcnow() - timedelta(minutes=5)
    db.session.commit()
    assert client.get("/").status_code == 303


def test_every_session_ends_twelve_hours_after_sign_in(client, world):
    client.sign_in(world.patient.user)
    record = db.session.query(UserSession).one()
    record.created_at = utcnow() - timedelta(hours=12)
    db.session.commit()
    assert client.get("/").status_code == 303
    assert db.session.query(UserSession).one().ended_reason == "expired"


def test_sign_out_everywhere_ends_every_session(app, world):
    phone, laptop = new_client(app), new_client(app)
    phone.sign_in(world.patient.user)
    laptop.sign_in(world.patient.user)
    response = phone.submit("/account/sign-out-everywhere")
    assert response.headers["Location"] == "/signed-out"
    assert phone.get("/").status_code == 303
    assert laptop.get("/").status_code == 303


def test_changing_password_signs_out_other_devices_only(app, world):
    phone, laptop = new_client(app), new_client(app)
    phone.sign_in(world.patient.user)
    laptop.sign_in(world.patient.user)
    response = phone.submit("/account/password", {
        "current": "correct horse battery staple", "password": "a brand new passphrase",
        "confirm": "a brand new passphrase"})
    assert response.status_code == 303
    assert "signed out on your other devices" in phone.get("/account").get_data(as_text=True)
    assert laptop.get("/").status_code == 303
    assert service.authenticate(world.patient.user.email, "a brand new passphrase")


def test_changing_password_needs_the_current_one(client, world):
    client.sign_in(world.patient.user)
    response = client.submit("/account/password", {
        "current": "wrong", "password": "a brand new passphrase",
        "confirm": "a brand new passphrase"})
    assert response.status_code == 400
    assert "Your current password is not right" in response.get_data(as_text=True)


def test_a_turned_off_staff_account_cannot_sign_in(client, world):
    world.hca.is_disabled = True
    db.session.commit()
    response = client.submit("/login", {"email": world.hca.email,
                                        "password": "correct horse battery staple"})
    assert response.status_code == 400


def test_account_page_lists_where_i_am_signed_in(client, world):
    client.sign_in(world.patient.user, )
    page = client.get("/account", headers={"User-Agent": "Mozilla/5.0 (Linux; Android 14) "
                                           "Chrome/130.0 Mobile Safari/537.36"})
    assert "(this device)" in page.get_data(as_text=True)
