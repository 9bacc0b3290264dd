"""Running the dispatcher: ``flask --app webapp reminders worker [--once]``, and in-process
beside the web server under ``flask serve`` (what ``make run`` uses on SQLite).
"""

from __future__ import annotations

import logging
import signal
import threading
import time

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from webapp.reminders.delivery import run_sync
from webapp.reminders.dispatch import Dispatcher, DispatchStats
from webapp.serve import background_worker

log = logging.getLogger(__name__)


def run_worker(app: Flask, *, once: bool, stop: threading.Event) -> DispatchStats:
    """Send due reminders until ``stop`` is set (or, with ``once``, until none are due)."""
    dispatcher = Dispatcher.for_app(app)
    poll = app.config["REMINDER_WORKER_POLL_SECONDS"]
    total = DispatchStats()

    async def loop() -> None:
        async with dispatcher.sender() as sender:
            while not stop.is_set():
                started = time.perf_counter()
                try:
                    stats = await dispatcher.drain(sender, stop=stop.is_set)
                except Exception:
                    # A database restart or a bad row must not end the worker: log, wait,
                    # try again. Claims are transactions, so nothing is half-done.
                    log.exception("reminders worker: batch failed; trying again")
                    if once:
                        raise
                    stop.wait(poll)
                    continue
                total.__iadd__(stats)
                if stats.occurrences or stats.sent or stats.retried or stats.gone:
                    log.info("reminders worker: %s in %.1f s", stats.summary(),
                             time.perf_counter() - started)
                if once:
                    return
                # Nothing else runs on this loop between batches, so blocking here is fine.
                stop.wait(poll)

    # On a thread of its own, so it also runs where this thread already has an event loop.
    run_sync(loop)
    return total


@click.group("reminders", help="Reminder notifications.")
def reminders_cli() -> None:
    pass


@reminders_cli.command("worker", help="Send due reminders as Web Push notifications.")
@click.option("--once", is_flag=True, help="Send what is due now, then exit.")
@with_appcontext
def worker_command(once: bool) -> None:
    app = current_app._get_current_object()
    stop = threading.Event()
    # Finish the batch in hand on SIGTERM/SIGINT, so a deploy never abandons a claim.
    previous = {signum: signal.signal(signum, lambda *_: stop.set())
                for signum in (signal.SIGTERM, signal.SIGINT)}
    try:
        stats = run_worker(app, once=once, stop=stop)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    click.echo(f"reminders worker: {stats.summary()}")


@background_worker
def start_in_process_dispatcher(app: Flask, stop: threading.Event) -> threading.Thread:
    """One dispatcher thread beside the web server (the way to run on SQLite)."""

    def run() -> None:
        try:
            run_worker(app, once=False, stop=stop)
        except Exception:
            log.exception("in-process reminders dispatcher stopped")

    thread = threading.Thread(target=run, name="reminders-dispatcher", daemon=True)
    thread.start()
    return thread
