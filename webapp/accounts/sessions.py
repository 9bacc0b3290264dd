"""The bridge between Flask's cookie and the server-side session records.

The signed cookie holds only a random session token (and the CSRF token); whether it still
signs anyone in is decided here, on every request, from the user_sessions table, so signing
out, "sign out everywhere" and timeouts take effect at once, even for a copied cookie.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, g, request, session

from webapp.accounts import service
from webapp.extensions import db
from webapp.models import User, UserSession

SESSION_KEY = "sid"
# A half-finished sign-in (password given, second step not yet) lives under its own key, so
# nothing that reads SESSION_KEY, above all the access rules, can mistake it for a sign-in.
PENDING_KEY = "pending_sid"
NEXT_KEY = "next"


def policy() -> service.SessionPolicy:
    config = current_app.config
    return service.SessionPolicy(
        idle_staff=timedelta(minutes=config["SESSION_IDLE_MINUTES_STAFF"]),
        idle_patient=timedelta(minutes=config["SESSION_IDLE_MINUTES_PATIENT"]),
        absolute=timedelta(hours=config["SESSION_MAX_HOURS"]),
    )


def load_user_from_session(_request) -> User | None:
    token = session.get(SESSION_KEY)
    if not token:
        return None
    touch = request.endpoint != "accounts.session_status"
    user = service.user_for_session(token, policy(), touch=touch)
    if db.session.dirty:
        db.session.commit()
    if user is None:
        session.pop(SESSION_KEY, None)
        g.session_ended = True
    return user


def sign_in(user: User) -> None:
    """Start a fresh session for `user`. The old cookie's contents are dropped, so a session
    token planted before sign-in (session fixation) is never the one that signs in."""
    token = service.start_session(user, user_agent=request.user_agent.string)
    session.clear()
    session[SESSION_KEY] = token


def begin_second_step(user: User, awaiting: str, next_path: str | None) -> None:
    token = service.start_session(user, user_agent=request.user_agent.string,
                                  awaiting=awaiting)
    session.clear()
    session[PENDING_KEY] = token
    if next_path:
        session[NEXT_KEY] = next_path


def pending() -> UserSession | None:
    """The half-finished sign-in of this browser, if it is still in time."""
    found = service.pending_session(session.get(PENDING_KEY))
    if found is None:
        session.pop(PENDING_KEY, None)
    return found


def finish_second_step(pending_session: UserSession) -> str | None:
    """Turn the half-finished sign-in into a real one. Returns where the person was going."""
    next_path = session.get(NEXT_KEY)
    token = service.promote_session(pending_session)
    session.clear()
    session[SESSION_KEY] = token
    return next_path


def sign_out() -> None:
    service.end_session(session.get(SESSION_KEY))
    service.end_session(session.get(PENDING_KEY))
    session.clear()


def current_token() -> str | None:
    return session.get(SESSION_KEY)


def seconds_left(token: str | None) -> int | None:
    return service.session_seconds_left(token, policy())
