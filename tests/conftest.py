"""Shared fixtures: an app on its own database for each test run, a client that can sign in,
and a database emptied before every test.

The database is SQLite in a temporary folder, or, when TEST_DATABASE_URL is set, a fresh
PostgreSQL database created on that server for this run and dropped afterwards, so runs never
see each other's rows.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.globals import _cv_app
from flask.testing import FlaskClient
from sqlalchemy import text

from tests.support import factories, leak_watch
from tests.support.databases import fresh_database
from webapp import create_app
from webapp.accounts import service, two_step
from webapp.accounts.sessions import SESSION_KEY
from webapp.extensions import db
from webapp.models.audit import APPEND_ONLY_TRIGGERS

TEST_SECRET = "test-secret-key-not-for-production"


# Everything logged and every secret made over the whole run (see tests/test_logs.py) -------


@pytest.fixture(scope="session", autouse=True)
def _watch_for_leaks() -> Iterator[None]:
    """Capture every log record of the run and collect the secrets it creates."""
    capture = leak_watch.RootCapture()
    root = logging.getLogger()
    root.addHandler(capture)
    patch = pytest.MonkeyPatch()

    def spy(module, name, remember):
        original = getattr(module, name)

        def spied(*args, **kwargs):
            result = original(*args, **kwargs)
            remember(result)
            return result

        patch.setattr(module, name, spied)

    spy(service, "start_session", lambda token: leak_watch.remember("session token", token))
    spy(service, "promote_session", lambda token: leak_watch.remember("session token", token))
    spy(service, "issue_activation_code", lambda invitation: leak_watch.remember(
        "activation code", invitation.code, service.normalise_code(invitation.code)))
    spy(two_step, "new_set_up", lambda set_up: leak_watch.remember(
        "authenticator secret", set_up.secret, set_up.secret_grouped))
    spy(two_step, "new_recovery_codes", lambda codes: leak_watch.remember(
        "recovery code", *codes, *(two_step.normalise_recovery_code(c) for c in codes)))
    try:
        yield
    finally:
        patch.undo()
        root.removeHandler(capture)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The check of everything logged runs last, after the run has logged everything."""
    last = [item for item in items if item.nodeid.endswith("test_no_personal_data_was_logged")]
    for item in last:
        items.remove(item)
        items.append(item)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with fresh_database("careplan_test", tmp_path_factory.mktemp("db")) as url:
        yield url


def app_settings(database_url: str, instance_path: str, **extra) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": TEST_SECRET,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "INSTANCE_PATH": instance_path,
        **extra,
    }


@pytest.fixture(scope="session")
def _schema(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    app = create_app(app_settings(database_url, str(tmp_path_factory.mktemp("instance"))))
    with app.app_context():
        db.create_all()
        db.engine.dispose()


@pytest.fixture
def app(database_url: str, _schema: None, tmp_path) -> Iterator[Flask]:
    app = create_app(app_settings(database_url, str(tmp_path / "instance")))
    leak_watch.watch_app(app)
    with app.app_context():
        empty_database()
        yield app
        db.session.remove()
        db.engine.dispose()


def empty_database() -> None:
    """Delete every row, children first, so each test starts from nothing.

    Audit events refuse DELETE (models/audit.py). PostgreSQL's TRUNCATE does not fire row
    triggers; on SQLite the triggers are dropped for the clean-up and made again.
    """
    tables = list(reversed(db.metadata.sorted_tables))
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            connection.execute(text("DROP TRIGGER IF EXISTS audit_events_refuse_update"))
            connection.execute(text("DROP TRIGGER IF EXISTS audit_events_refuse_delete"))
            for table in tables:
                connection.execute(table.delete())
            for statement in APPEND_ONLY_TRIGGERS["sqlite"]:
                connection.execute(text(statement))


class Client(FlaskClient):
    """A test client that sends the CSRF token with form posts, as the browser does.

    Each request runs in an app context of its own, as in production: the test's own
    database session is committed first (so the request sees the test's rows) and expired
    after (so the test then reads what the request wrote), and nothing the request cached
    on `g`, such as the signed-in user, leaks into the next one.
    """

    def open(self, *args, **kwargs):
        db.session.commit()
        token = _cv_app.set(None)
        try:
            response = super().open(*args, **kwargs)
        finally:
            _cv_app.reset(token)
            db.session.expire_all()
        for cookie in response.headers.getlist("Set-Cookie"):
            leak_watch.remember("cookie", cookie.split(";", 1)[0].partition("=")[2])
        return response

    def csrf_token(self) -> str:
        page = self.get("/offline").get_data(as_text=True)
        return re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)

    def submit(self, url: str, data: dict | None = None, **kwargs):
        data = dict(data or {})
        data.setdefault("csrf_token", self.csrf_token())
        return self.post(url, data=data, **kwargs)

    def post_json(self, url: str, payload, **kwargs):
        headers = {"X-CSRFToken": self.csrf_token(), **kwargs.pop("headers", {})}
        return self.post(url, json=payload, headers=headers, **kwargs)

    def sign_in(self, user, password: str = factories.PASSWORD):
        """Sign in through the real form (argon2 and all), and for anyone with two-step
        sign-in (all staff) through the code step too, with a code from their secret."""
        response = self.submit("/login", {"email": user.email, "password": password})
        assert response.status_code == 303, response.get_data(as_text=True)[:2000]
        if response.headers["Location"] == "/login/code":
            response = self.submit("/login/code", {"code": factories.authenticator_code(user)})
            assert response.status_code == 303, response.get_data(as_text=True)[:2000]
        return response

    def sign_in_quickly(self, user) -> None:
        """Start a session without the password check or the second step, for tests about
        something else: argon2 is deliberately slow and most tests sign in several people."""
        token = service.start_session(user, user_agent="test client")
        db.session.commit()
        with self.session_transaction() as cookie_session:
            cookie_session.clear()
            cookie_session[SESSION_KEY] = token

    def sign_out(self):
        return self.submit("/logout")


@pytest.fixture
def client(app: Flask) -> Client:
    app.test_client_class = Client
    return app.test_client()


@pytest.fixture
def runner(app: Flask):
    return app.test_cli_runner()


@pytest.fixture
def world(app: Flask) -> factories.World:
    """Two practices with a member of every role, and a patient each (see factories.World)."""
    return factories.make_world()
