"""Signing in and out, activating an account, and the person's own account page."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user
from sqlalchemy import select

from webapp.access import EVERYONE_SIGNED_IN, PATIENT, allow, public, signed_in_user
from webapp.accounts import passwords, service, sessions, throttle, two_step
from webapp.accounts.forms import (
    ActivationForm,
    ChangePasswordForm,
    CodeForm,
    ConfirmForm,
    SetUpAuthenticatorForm,
    SignInForm,
    TurnOffTwoStepForm,
)
from webapp.extensions import db, limiter
from webapp.models import Role, User, UserSession

bp = Blueprint("accounts", __name__, template_folder="templates")

SIGN_IN_PROBLEM = "Enter a correct email address and password"


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


# Rate limits (Flask-Limiter) ---------------------------------------------------------------
# Per network address, and per email address (as the same keyed hash the lock-out uses, so
# the limiter's storage never holds an email address). They answer 429 with the service's
# error page and a Retry-After header; the per-account lock-out in accounts/throttle.py sits
# behind them and holds across processes whatever the limiter's storage.


def _address_limit() -> str:
    return current_app.config["SIGN_IN_LIMIT_PER_ADDRESS"]


def _email_key() -> str:
    return "email:" + throttle.account_key(request.form.get("email", ""))


def _not_signed_in(response) -> bool:
    return response.status_code != 303


per_address = limiter.limit(_address_limit, methods=["POST"], scope="sign-in")
per_account = limiter.limit("30 per hour", methods=["POST"], key_func=_email_key,
                            deduct_when=_not_signed_in)


def _refused(form, refusal: throttle.Refusal, template: str, **context):
    form.form_errors.append(refusal.message)
    response = current_app.make_response(
        (render_template(template, form=form, **context), 429))
    response.headers["Retry-After"] = str(refusal.retry_after_seconds)
    return response


# Signing in ------------------------------------------------------------------------------


@bp.route("/login", methods=["GET", "POST"])
@public
@per_address
@per_account
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = SignInForm()
    if form.validate_on_submit():
        attempt = service.attempt_sign_in(form.email.data, form.password.data)
        if attempt.user is not None:
            return _after_password(attempt.user, safe_next(request.args.get("next")))
        db.session.commit()  # the failure is counted even though nobody signed in
        if attempt.refusal is not None:
            return _refused(form, attempt.refusal, "accounts/login.html")
        form.form_errors.append(SIGN_IN_PROBLEM)
    elif request.method == "GET" and (request.args.get("timeout") or g.get("session_ended")):
        flash("For your security, you were signed out because you had not used the service "
              "for a while. Sign in again to carry on.")
    return render_template("accounts/login.html", form=form), 200 if not form.errors else 400


def _after_password(user: User, next_path: str | None):
    """The password was right: sign in, or go on to the second step."""
    awaiting = two_step.needs_second_step(user)
    if awaiting is None:
        sessions.sign_in(user)
        _welcome(user)
        db.session.commit()
        return redirect(next_path or url_for("home.index"), 303)
    sessions.begin_second_step(user, awaiting, next_path)
    db.session.commit()
    target = "accounts.sign_in_code" if awaiting == "code" else "accounts.set_up_authenticator"
    return redirect(url_for(target), 303)


def _welcome(user: User) -> None:
    failures = service.welcome_back(user)
    if failures:
        attempts = "failed attempt" if failures == 1 else "failed attempts"
        flash(f"{failures} {attempts} to sign in since your last visit. If this was not you, "
              "change your password and tell your practice.")


def _second_step_expired():
    db.session.commit()
    return render_template("accounts/sign_in_expired.html")


@bp.route("/login/code", methods=["GET", "POST"])
@public
@per_address
def sign_in_code():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    pending = sessions.pending()
    if pending is None or pending.awaiting != "code":
        return _second_step_expired()
    form = CodeForm()
    if form.validate_on_submit():
        attempt = service.attempt_code(pending.user, form.code.data)
        if attempt.user is not None:
            next_path = sessions.finish_second_step(pending)
            _welcome(attempt.user)
            db.session.commit()
            return redirect(safe_next(next_path) or url_for("home.index"), 303)
        db.session.commit()
        if attempt.refusal is not None:
            return _refused(form, attempt.refusal, "accounts/sign_in_code.html",
                            is_staff=pending.user.is_staff)
        form.code.errors.append("The code is not right. Enter the code your authenticator app "
                                "shows now, or one of your recovery codes")
    return render_template("accounts/sign_in_code.html", form=form,
                           is_staff=pending.user.is_staff), 200 if not form.errors else 400


@bp.route("/login/set-up-authenticator", methods=["GET", "POST"])
@public
@per_address
def set_up_authenticator():
    """A member of staff's first sign-in: they must add an authenticator app first."""
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    pending = sessions.pending()
    if pending is None or pending.awaiting != "set-up":
        return _second_step_expired()
    user = pending.user
    form = SetUpAuthenticatorForm()
    set_up, codes = _confirm_set_up(form, user)
    if codes is not None:
        next_path = sessions.finish_second_step(pending)
        _welcome(user)
        db.session.commit()
        return render_template("accounts/recovery_codes.html", codes=codes,
                               next_path=safe_next(next_path) or url_for("home.index"))
    return render_template("accounts/set_up_authenticator.html", form=form, set_up=set_up,
                           signing_in=True), 200 if not form.errors else 400


def _set_up_for(form: SetUpAuthenticatorForm, user: User) -> tuple[two_step.SetUp, bool]:
    """The set-up this form belongs to, or a new one (first visit, or its time ran out);
    the flag says whether it is new."""
    set_up = two_step.set_up_from_token(user, form.token.data) if form.token.data else None
    fresh = set_up is None
    if fresh:
        set_up = two_step.new_set_up(user)
        form.token.data = set_up.token
    return set_up, fresh


def _confirm_set_up(form: SetUpAuthenticatorForm, user: User) -> \
        tuple[two_step.SetUp, list[str] | None]:
    """Check a set-up form; returns the set-up to show and, once confirmed, recovery codes."""
    submitted = form.validate_on_submit()
    set_up, fresh = _set_up_for(form, user)
    if not submitted:
        return set_up, None
    if fresh:
        form.code.errors.append("For your security, set-up codes expire. Add this new code "
                                "to your app, then enter the code it shows")
        return set_up, None
    codes = two_step.confirm_set_up(user, set_up, form.code.data)
    if codes is None:
        form.code.errors.append("The code is not right. Check the app shows this service, "
                                "then enter the 6-digit code it shows now")
    return set_up, codes


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


activation_per_address = limiter.limit("10 per minute; 50 per hour", methods=["POST"],
                                       scope="activate")
activation_per_email = limiter.limit("10 per hour", methods=["POST"], key_func=_email_key,
                                     scope="activate-email")


@bp.route("/activate", methods=["GET", "POST"])
@public
@activation_per_address
@activation_per_email
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
            awaiting = two_step.needs_second_step(user)
            if awaiting is not None:
                # Staff must add an authenticator app before their first sign-in counts.
                sessions.begin_second_step(user, awaiting, None)
                db.session.commit()
                target = "accounts.sign_in_code" if awaiting == "code" \
                    else "accounts.set_up_authenticator"
                return redirect(url_for(target), 303)
            sessions.sign_in(user)
            db.session.commit()
            flash("Your account is ready. You are signed in.", "success")
            return redirect(url_for("home.index"), 303)
    return render_template(
        "accounts/activate.html", form=form,
        patient_min=passwords.PATIENT_MIN_LENGTH, staff_min=passwords.STAFF_MIN_LENGTH,
    ), 200 if not form.errors else 400


# The account page ------------------------------------------------------------------------


@bp.route("/account")
@allow(EVERYONE_SIGNED_IN)
def account():
    user = signed_in_user()
    active = db.session.scalars(
        select(UserSession)
        .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None),
               UserSession.awaiting.is_(None))
        .order_by(UserSession.last_seen_at.desc())
    ).all()
    this_one = service.session_for_token(sessions.current_token())
    return render_template(
        "accounts/account.html", user=user, active_sessions=active, this_session=this_one,
        form=ConfirmForm(), two_step_on=two_step.authenticator_for(user) is not None,
        two_step_required=two_step.required_for(user),
        recovery_codes_left=two_step.recovery_codes_left(user))


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


@bp.route("/account/two-step", methods=["GET", "POST"])
@allow(EVERYONE_SIGNED_IN)
def two_step_set_up():
    """Add an authenticator app (patients choose to; staff replace theirs, for a new phone)."""
    user = signed_in_user()
    form = SetUpAuthenticatorForm()
    set_up, codes = _confirm_set_up(form, user)
    if codes is not None:
        db.session.commit()
        return render_template("accounts/recovery_codes.html", codes=codes,
                               next_path=url_for("accounts.account"))
    return render_template("accounts/set_up_authenticator.html", form=form, set_up=set_up,
                           signing_in=False), 200 if not form.errors else 400


@bp.route("/account/two-step/recovery-codes", methods=["POST"])
@allow(EVERYONE_SIGNED_IN)
def new_recovery_codes():
    user = signed_in_user()
    if not ConfirmForm().validate_on_submit() or two_step.authenticator_for(user) is None:
        return redirect(url_for("accounts.account"), 303)
    codes = two_step.new_recovery_codes(user)
    db.session.commit()
    return render_template("accounts/recovery_codes.html", codes=codes,
                           next_path=url_for("accounts.account"))


@bp.route("/account/two-step/turn-off", methods=["GET", "POST"])
@allow(PATIENT)
def turn_off_two_step():
    """Patients chose two-step sign-in, so they may stop; staff cannot."""
    user = signed_in_user()
    form = TurnOffTwoStepForm()
    if form.validate_on_submit():
        if passwords.verify_password(user.password_hash, form.password.data):
            two_step.turn_off(user)
            db.session.commit()
            flash("Two-step sign-in is off. You will sign in with your password only.",
                  "success")
            return redirect(url_for("accounts.account"), 303)
        form.password.errors.append("Your password is not right")
    return render_template("accounts/turn_off_two_step.html", form=form), \
        200 if not form.errors else 400
