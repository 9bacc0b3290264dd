"""Brute force: per-account lock-out (in the database) and rate limits (Flask-Limiter)."""

import re
import secrets
from datetime import timedelta

import pytest
import redis

from tests.conftest import Client
from webapp.accounts import service, throttle
from webapp.extensions import db
from webapp.models import SignInThrottle, User, utcnow

RIGHT = "correct horse battery staple"
WRONG = "not the password at all"


def new_client(app) -> Client:
    app.test_client_class = Client
    return app.test_client()


def attempt(client, email, password=WRONG):
    return client.submit("/login", {"email": email, "password": password})


def attempt_from(address: str):
    clients = {}

    def send(app, email, password=WRONG):
        client = clients.setdefault("client", new_client(app))
        return client.submit("/login", {"email": email, "password": password},
                             environ_base={"REMOTE_ADDR": address})

    return send


def move_lock_into_the_past(email: str) -> None:
    """Time passes: the lock (and the last failure) happened 16 minutes ago."""
    row = db.session.query(SignInThrottle).filter_by(
        account_key=throttle.account_key(email)).one()
    row.locked_until = utcnow() - timedelta(minutes=1)
    row.last_failed_at = utcnow() - timedelta(minutes=16)
    db.session.commit()


def test_twenty_wrong_passwords_lock_the_account_until_the_lock_ends(client, world):
    email = world.patient.user.email
    answers = [attempt(client, email) for _ in range(20)]
    assert [a.status_code for a in answers[:4]] == [400] * 4
    assert all(a.status_code == 429 for a in answers[10:])
    last = answers[-1]
    assert "try again in 15 minutes" in last.get_data(as_text=True)
    assert 14 * 60 <= int(last.headers["Retry-After"]) <= 15 * 60

    refused = attempt(client, email, RIGHT)
    assert refused.status_code == 429
    assert "try again in 15 minutes" in refused.get_data(as_text=True)
    assert client.get("/").status_code == 303  # not signed in

    move_lock_into_the_past(email)
    accepted = attempt(client, email, RIGHT)
    assert accepted.status_code == 303 and accepted.headers["Location"] == "/"
    assert client.get("/").status_code == 200
    assert db.session.query(SignInThrottle).count() == 0  # success forgets the failures


def test_after_five_failures_each_attempt_must_wait_longer(app, world):
    email = world.patient.user.email
    start = utcnow()
    for n in range(5):
        assert throttle.refusal(email, start) is None
        throttle.record_failure(email, start + timedelta(seconds=n))
    last_failure = start + timedelta(seconds=4)
    slowed = throttle.refusal(email, last_failure + timedelta(seconds=5))
    assert slowed is not None and not slowed.locked and slowed.retry_after_seconds == 10
    assert "wait 10 seconds" in slowed.message
    # After the wait an attempt is checked again; each further failure doubles the wait.
    assert throttle.refusal(email, last_failure + timedelta(seconds=15)) is None
    throttle.record_failure(email, last_failure + timedelta(seconds=15))
    assert throttle.refusal(email, last_failure + timedelta(seconds=44)) is not None
    assert throttle.refusal(email, last_failure + timedelta(seconds=45)) is None


def test_an_attempt_made_too_soon_counts_and_ten_lock(app, world):
    email = world.patient.user.email
    now = utcnow()
    for _ in range(9):
        throttle.record_failure(email, now)
    assert not throttle.refusal(email, now).locked
    locked = throttle.record_failure(email, now)
    assert locked.locked and locked.retry_after == timedelta(minutes=15)
    # Attempts during the lock do not lengthen it.
    throttle.record_failure(email, now + timedelta(minutes=10))
    assert throttle.refusal(email, now + timedelta(minutes=15)) is None


def test_failures_far_apart_are_forgiven(app, world):
    email = world.patient.user.email
    now = utcnow()
    for n in range(6):
        throttle.record_failure(email, now + timedelta(minutes=16 * n))
    assert throttle.refusal(email, now + timedelta(minutes=16 * 5, seconds=1)) is None


def _comparable(response) -> tuple:
    body = re.sub(r'(name="csrf_token" type="hidden" value|name="csrf-token" content)="[^"]+"',
                  r'\1=""', response.get_data(as_text=True))
    body = re.sub(r'value="[^"]*@example\.com"', 'value=""', body)
    headers = {name: response.headers.get(name) for name in (
        "Content-Type", "Cache-Control", "X-RateLimit-Limit", "X-RateLimit-Remaining",
        "Location", "Set-Cookie")}
    headers["Set-Cookie"] = bool(headers["Set-Cookie"])
    return response.status_code, body, headers


def test_an_unknown_email_gets_exactly_the_same_answers(app, world):
    # Two people at two addresses, so each has their own per-address count.
    known = attempt_from("192.0.2.1")
    unknown = attempt_from("192.0.2.2")
    for n in range(12):
        mine = known(app, world.patient.user.email)
        nobody = unknown(app, "nobody.here@example.com")
        assert _comparable(mine) == _comparable(nobody), f"attempt {n + 1} differs"
        # Seconds left tick on between the two requests: equal to within a couple of seconds.
        assert abs(int(mine.headers.get("Retry-After", 0))
                   - int(nobody.headers.get("Retry-After", 0))) <= 2
    assert _comparable(mine)[0] == 429
    # The lock-out's table says nothing about who has an account: no email, no user.
    rows = db.session.query(SignInThrottle).all()
    assert len(rows) == 2
    assert not any("example.com" in row.account_key for row in rows)
    assert db.session.query(User).filter_by(email="nobody.here@example.com").count() == 0


def test_the_failed_attempts_notice_appears_once(client, world):
    email = world.patient.user.email
    for _ in range(3):
        attempt(client, email)
    response = client.sign_in(world.patient.user)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "3 failed attempts to sign in since your last visit" in page
    assert "failed attempt" not in client.get("/").get_data(as_text=True)
    client.sign_out()
    client.sign_in(world.patient.user)
    assert "failed attempt" not in client.get("/").get_data(as_text=True)
    assert db.session.get(User, world.patient.user.id).failed_sign_ins_since_last_visit == 0


def test_wrong_codes_at_the_second_step_count_towards_the_lock(client, world):
    assert attempt(client, world.clinician.email, RIGHT).headers["Location"] == "/login/code"
    answers = [client.submit("/login/code", {"code": "000000"}) for _ in range(12)]
    assert answers[0].status_code == 400
    assert "The code is not right" in answers[0].get_data(as_text=True)
    assert answers[-1].status_code == 429 and "Retry-After" in answers[-1].headers
    assert client.get("/patients").status_code == 303
    assert throttle.refusal(world.clinician.email).locked


def test_too_many_sign_ins_from_one_address_get_the_error_page(app, world):
    app.config["SIGN_IN_LIMIT_PER_ADDRESS"] = "3 per minute"
    client = new_client(app)
    for _ in range(3):
        assert attempt(client, f"person{secrets.token_hex(3)}@example.com").status_code == 400
    limited = attempt(client, world.patient.user.email, RIGHT)
    assert limited.status_code == 429
    assert "Too many attempts" in limited.get_data(as_text=True)
    assert 0 < int(limited.headers["Retry-After"]) <= 60
    # Another address is not affected.
    elsewhere = client.submit("/login", {"email": world.patient.user.email, "password": RIGHT},
                              environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert elsewhere.status_code == 303


def test_one_email_address_is_limited_whatever_the_address(app, world):
    client = new_client(app)
    email = "target@example.com"
    for n in range(30):
        response = client.submit("/login", {"email": email, "password": WRONG},
                                 environ_base={"REMOTE_ADDR": f"198.51.100.{n}"})
        assert response.status_code in (400, 429)
    limited = client.submit("/login", {"email": email, "password": WRONG},
                            environ_base={"REMOTE_ADDR": "198.51.100.200"})
    assert limited.status_code == 429 and "Too many attempts" in limited.get_data(as_text=True)


def test_activation_attempts_are_limited(client, world):
    answers = [client.submit("/activate", {
        "email": world.patient.user.email, "code": f"WRONG-CODE-{n:04d}",
        "password": "a long enough password", "confirm": "a long enough password"})
        for n in range(11)]
    assert {a.status_code for a in answers[:10]} == {400}
    assert answers[10].status_code == 429 and "Retry-After" in answers[10].headers


def _redis_running() -> bool:
    try:
        return redis.Redis.from_url("redis://127.0.0.1:6379", socket_timeout=1).ping()
    except redis.RedisError:
        return False


@pytest.mark.skipif(not _redis_running(), reason="Redis is not running on 127.0.0.1:6379")
def test_limits_are_shared_through_redis_when_configured(database_url, tmp_path, world):
    from tests.conftest import app_settings
    from webapp import create_app

    settings = app_settings(database_url, str(tmp_path / "redis-instance"),
                            RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379",
                            SIGN_IN_LIMIT_PER_ADDRESS="2 per minute", PROXY_COUNT=1)
    # Two web processes: two apps sharing one Redis. A fresh address keeps runs apart.
    first, second = create_app(settings), create_app(settings)
    address = f"10.{secrets.randbelow(250)}.{secrets.randbelow(250)}.{secrets.randbelow(250)}"
    headers = {"X-Forwarded-For": address}
    for app in (first, second):
        with app.app_context():
            client = new_client(app)
            response = client.submit("/login", {"email": "a@example.com", "password": WRONG},
                                     headers=headers)
            assert response.status_code == 400
    with second.app_context():
        limited = new_client(second).submit(
            "/login", {"email": "a@example.com", "password": WRONG}, headers=headers)
        assert limited.status_code == 429


def test_password_check_runs_for_an_unknown_email_too(app, monkeypatch):
    """Timing: an unknown email still costs an argon2 verification."""
    from webapp.accounts import passwords

    checked = []
    original = passwords.verify_password
    monkeypatch.setattr(passwords, "verify_password",
                        lambda stored, given: checked.append(stored) or original(stored, given))
    service.attempt_sign_in("nobody@example.com", WRONG)
    assert checked == [None]


def test_sign_in_still_works_when_the_limit_storage_is_down(database_url, tmp_path, world):
    from tests.conftest import app_settings
    from webapp import create_app

    email = world.patient.user.email
    db.session.commit()
    # Nothing listens on port 9: the limiter's storage is unreachable.
    app = create_app(app_settings(database_url, str(tmp_path / "no-redis"),
                                  RATELIMIT_STORAGE_URI="redis://127.0.0.1:9"))
    with app.app_context():
        client = new_client(app)
        assert attempt(client, email).status_code == 400
        assert attempt(client, email, RIGHT).status_code == 303
        db.session.remove()
        db.engine.dispose()
