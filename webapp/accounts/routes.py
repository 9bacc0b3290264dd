"""Signing in and out, activating an account, and the person's own account page."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, g, jsonify, redirect, render_template, request, session, url_for
from flask_login import current_user
from sqlalchemy import select

from webapp.access import EVERYONE_SIGNED_IN, allow, public, signed_in_user
from webapp.accounts import passwords, service, sessions
from webapp.accounts.forms import ActivationForm, ChangePasswordForm, ConfirmForm, SignInForm
from webapp.extensions import db
from webapp.models import Role, UserSession

bp = Blueprint("accounts", __name__, template_folder="templates")


def safe_next(target: str | None) -> str | None:
    """Only follow `next` to a path on this site, never to another host."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target:
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = SignInForm()
    if form.validate_on_submit():
        user = service.authenticate(form.email.data, form.password.data)
        if user is not None:
            sessions.sign_in(user)
            db.session.commit()
            return redirect(safe_next(request.args.get("next")) or url_for("home.index"), 303)
        db.session.rollback()
        form.form_errors.append("Enter a correct email address and password")
    elif request.method == "GET" and (request.args.get("timeout") or g.get("session_ended")):
        flash("For your security, you were signed out because you had not used the service "
              "for a while. Sign in again to carry on.")
    return render_template("accounts/login.html", form=form), 200 if not form.errors else 400


@bp.route("/logout", methods=["POST"])
@public
def logout():
    sessions.sign_out()
    db.session.commit()
    response = redirect(url_for("accounts.signed_out"), 303)
    # Tell the browser to drop anything cached from the signed-in pages.
    response.headers["Clear-Site-Data"] = '"cache"'
    return response


@bp.route("/account/session")
@public
def session_status():
    """How long this browser's session has left, for the page's expiry timer. Asking does
    not count as activity."""
    left = sessions.seconds_left(sessions.current_token()) if current_user.is_authenticated \
        else None
    return jsonify(signedIn=left is not None and left > 0, secondsLeft=left or 0)


@bp.route("/signed-out")
@public
def signed_out():
    return render_template("accounts/signed_out.html")


@bp.route("/activate", methods=["GET", "POST"])
@public
def activate():
    form = ActivationForm()
    if request.method == "GET" and request.args.get("email"):
        form.email.data = request.args["email"]
    if form.validate_on_submit():
        try:
            user = service.activate(form.email.data, form.code.data, form.password.data)
        except service.AccountError as problem:
            db.session.rollback()
            getattr(form, problem.field or "code").errors.append(str(problem))
        else:
            sessions.sign_in(user)
            db.session.commit()
            flash("Your account is ready. You are signed in.", "success")
            return redirect(url_for("home.index"), 303)
    return render_template(
        "accounts/activate.html", form=form,
        patient_min=passwords.PATIENT_MIN_LENGTH, staff_min=passwords.STAFF_MIN_LENGTH,
    ), 200 if not form.errors else 400


@bp.route("/account")
@allow(EVERYONE_SIGNED_IN)
def account():
    user = signed_in_user()
    active = db.session.scalars(
        select(UserSession)
        .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
        .order_by(UserSession.last_seen_at.desc())
    ).all()
    this_one = service.session_for_token(sessions.current_token())
    return render_template("accounts/account.html", user=user, active_sessions=active,
                           this_session=this_one, form=ConfirmForm())


@bp.route("/account/sign-out-everywhere", methods=["POST"])
@allow(EVERYONE_SIGNED_IN)
def sign_out_everywhere():
    form = ConfirmForm()
    if form.validate_on_submit():
        user = signed_in_user()
        service.end_other_sessions(user, keep_token=None, reason="signed out everywhere")
        session.clear()
        db.session.commit()
        response = redirect(url_for("accounts.signed_out"), 303)
        response.headers["Clear-Site-Data"] = '"cache"'
        return response
    return redirect(url_for("accounts.account"), 303)


@bp.route("/account/password", methods=["GET", "POST"])
@allow(EVERYONE_SIGNED_IN)
def change_password():
    user = signed_in_user()
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if not passwords.verify_password(user.password_hash, form.current.data):
            form.current.errors.append("Your current password is not right")
        else:
            try:
                service.change_password(user, form.password.data)
            except service.AccountError as problem:
                form.password.errors.append(str(problem))
            else:
                ended = service.end_other_sessions(
                    user, keep_token=sessions.current_token(), reason="password changed")
                db.session.commit()
                message = "Your password has been changed."
                if ended:
                    message += " You have been signed out on your other devices."
                flash(message, "success")
                return redirect(url_for("accounts.account"), 303)
    minimum = passwords.minimum_length(user.role)
    return render_template("accounts/change_password.html", form=form, minimum=minimum,
                           is_patient=user.role is Role.PATIENT), 200 if not form.errors else 400

