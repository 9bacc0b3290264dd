"""Error pages in the service's own style, and JSON errors for JSON callers."""

from __future__ import annotations

from flask import Flask, jsonify, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from webapp.access import wants_json
from webapp.extensions import db

PAGES = {
    400: ("There is a problem with the request",
          "Something in what was sent could not be understood. Go back and try again."),
    401: ("Sign in to continue", "You need to sign in to see this page."),
    403: ("You cannot see this page", "Your account does not give you access to this page."),
    404: ("Page not found",
          "If you typed the web address, check it is correct. If you pasted the web address, "
          "check you copied the entire address."),
    405: ("There is a problem with the request", "This page cannot be used in that way."),
    413: ("The file is too big", "Choose a smaller file and try again."),
    429: ("Too many attempts", "Wait a few minutes, then try again."),
    500: ("Sorry, there is a problem with the service",
          "Try again later. Anything you saved before this happened has not been lost."),
}


def render_error(status: int, title: str | None = None, message: str | None = None):
    default_title, default_message = PAGES.get(status, PAGES[500])
    title, message = title or default_title, message or default_message
    if wants_json():
        return jsonify(error=message), status
    return render_template("errors/error.html", status=status, title=title,
                           message=message), status


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_failed(error: CSRFError):
        return render_error(
            400, "The form had expired",
            "For your security, forms expire. Go back, refresh the page and try again.")

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        return render_error(error.code)

    @app.errorhandler(InternalServerError)
    def server_error(error: InternalServerError):
        db.session.rollback()
        return render_error(500)
