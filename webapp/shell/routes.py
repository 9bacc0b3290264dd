"""The progressive web app's shell: manifest, service worker, offline page, health check,
and the pages every service must have (accessibility statement, privacy)."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, jsonify, render_template, send_from_directory
from sqlalchemy import text

from webapp.access import public
from webapp.extensions import db
from webapp.shell import service_worker

bp = Blueprint("shell", __name__, template_folder="templates")


@bp.route("/health")
@public
def health():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # any database failure means "not ready"
        current_app.logger.exception("health check: database unavailable")
        db.session.rollback()
        return jsonify(status="unavailable", database="unavailable"), 503
    return jsonify(status="ok", database="ok")


@bp.route("/manifest.webmanifest")
@public
def manifest():
    icons = [
        {"src": f"/static/icons/icon-{size}.png", "sizes": f"{size}x{size}",
         "type": "image/png", "purpose": "any"} for size in (192, 512)
    ] + [
        {"src": f"/static/icons/icon-maskable-{size}.png", "sizes": f"{size}x{size}",
         "type": "image/png", "purpose": "maskable"} for size in (192, 512)
    ]
    response = jsonify({
        "id": "/",
        "name": current_app.config["SERVICE_NAME"],
        "short_name": "Care plan",
        "description": "Prepare for your care planning review and follow your care plan.",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "orientation": "portrait",
        "background_color": "#f0f4f5",
        "theme_color": "#005eb8",
        "icons": icons,
        "lang": "en-GB",
    })
    response.mimetype = "application/manifest+json"
    return response


@bp.route("/sw.js")
@public
def worker():
    response = current_app.response_class(service_worker.build(current_app),
                                          mimetype="text/javascript")
    # Browsers must always check for a new worker rather than trust a cached one.
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/"
    return response


@bp.route("/sw/<name>")
@public
def worker_module(name: str):
    if name not in service_worker.worker_modules():
        abort(404)
    response = send_from_directory(service_worker.WORKER_DIR, name, mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.route("/offline")
@public
def offline():
    return render_template("shell/offline.html", shell_only=True)


@bp.route("/accessibility")
@public
def accessibility():
    return render_template("shell/accessibility.html")


@bp.route("/privacy")
@public
def privacy():
    return render_template("shell/privacy.html")
