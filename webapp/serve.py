"""`flask --app webapp serve`: the one-machine way to run the service (what `make run` uses).

It serves the web app and, beside it, whatever background workers the app registers
(the reminder dispatcher, on SQLite, runs here in-process). A real deployment runs gunicorn
and separate worker processes instead; see README.md, "Deploying".
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from werkzeug.serving import run_simple

# Each entry starts a background loop for the given app and returns its thread.
BackgroundWorker = Callable[[Flask, threading.Event], threading.Thread]
BACKGROUND_WORKERS: list[BackgroundWorker] = []


def background_worker(start: BackgroundWorker) -> BackgroundWorker:
    if start not in BACKGROUND_WORKERS:
        BACKGROUND_WORKERS.append(start)
    return start


@click.command("serve", help="Serve the app and its background workers on one machine.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@with_appcontext
def serve_command(host: str, port: int) -> None:
    app = current_app._get_current_object()
    stop = threading.Event()
    threads = [start(app, stop) for start in BACKGROUND_WORKERS]
    try:
        run_simple(host, port, app, threaded=True, use_reloader=False)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=10)
