"""Care planning companion: the app factory."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask, session
from jinja2 import ChainableUndefined, ChoiceLoader, PackageLoader
from werkzeug.middleware.proxy_fix import ProxyFix

from webapp import config as app_config

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    """Build the app. `overrides` replace settings read from the environment (tests use it)."""
    instance_path = (overrides or {}).get("INSTANCE_PATH") or os.environ.get("INSTANCE_PATH") \
        or str(PROJECT_ROOT / "instance")
    app = Flask(__name__, instance_path=instance_path)
    app.config.update(app_config.load(instance_path))
    app.config.update(overrides or {})

    _configure_logging(app)
    _configure_templates(app)
    _init_extensions(app)
    _register_blueprints(app)
    _register_hooks(app)
    _register_cli(app)

    if app.config["PROXY_COUNT"]:
        count = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)
    return app


def _configure_logging(app: Flask) -> None:
    from webapp.logs import configure

    configure(app)


def _configure_templates(app: Flask) -> None:
    # The NHS.UK Jinja macros expect undefined lookups on params to chain quietly. Their
    # files end in .jinja, which Flask would not autoescape: escape everything, always, so
    # text a patient wrote can never become markup inside a component.
    app.jinja_options = {**app.jinja_options, "undefined": ChainableUndefined,
                         "autoescape": True, "trim_blocks": True, "lstrip_blocks": True}
    app.jinja_env.loader = ChoiceLoader(
        [app.create_global_jinja_loader(), PackageLoader("nhsuk_frontend_jinja")]
    )
    from webapp import presenters

    presenters.register(app)


def _init_extensions(app: Flask) -> None:
    from webapp.accounts.sessions import load_user_from_session
    from webapp.extensions import csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    # Batch mode lets Alembic alter tables on SQLite, which has no ALTER COLUMN.
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True,
                     compare_type=True)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.request_loader(load_user_from_session)


def _register_blueprints(app: Flask) -> None:
    from webapp.accounts.routes import bp as accounts
    from webapp.admin import preparation_routes  # noqa: F401 - adds prompt and target pages
    from webapp.admin.routes import bp as admin
    from webapp.audit.routes import bp as audit
    from webapp.careplans.routes import bp as careplans
    from webapp.clinic.routes import bp as clinic
    from webapp.data_rights.routes import bp as data_rights
    from webapp.errors import register_error_handlers
    from webapp.home.routes import bp as home
    from webapp.interop.routes import bp as interop
    from webapp.patients.routes import bp as patients
    from webapp.preparation.routes import bp as preparation
    from webapp.reminders.routes import bp as reminders
    from webapp.shell.routes import bp as shell
    from webapp.support.routes import bp as support
    from webapp.tracking.routes import bp as tracking

    for blueprint in (shell, home, accounts, admin, patients, preparation, clinic, interop,
                      careplans, tracking, support, reminders, audit, data_rights):
        app.register_blueprint(blueprint)
    register_error_handlers(app)


def _register_hooks(app: Flask) -> None:
    from webapp import access, security

    # Who may use a page is decided before anything else, the CSRF check included, so a
    # refused request learns nothing about what it sent.
    app.before_request_funcs.setdefault(None, []).insert(0, access.enforce_access_rules)
    app.after_request(security.add_security_headers)

    @app.context_processor
    def _session_helpers() -> dict[str, Any]:
        from webapp.accounts.sessions import seconds_left

        return {"session_seconds_left": lambda: seconds_left(session.get("sid"))}


def _register_cli(app: Flask) -> None:
    from webapp.data_rights.routes import data_rights_cli
    from webapp.demo import demo_cli
    from webapp.preparation.cli import results_cli
    from webapp.reminders.worker import reminders_cli
    from webapp.serve import serve_command

    app.cli.add_command(data_rights_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(results_cli)
    app.cli.add_command(serve_command)
    app.cli.add_command(reminders_cli)


__all__ = ["create_app"]
