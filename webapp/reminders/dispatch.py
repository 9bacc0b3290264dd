"""The reminder dispatcher: records each due occurrence, claims what is due to send, sends it
after the claim has committed, and records what each push service said.

Any number of dispatchers may run at once on PostgreSQL (processes, machines): every claim
is a short transaction over rows locked with ``FOR UPDATE SKIP LOCKED``, so two workers
never take the same row and neither waits for the other. SQLite has no row locks
(SQLAlchemy silently drops ``with_for_update`` there), so each claim there is a short
``BEGIN IMMEDIATE`` transaction, which takes the database's write lock first.

A claimed delivery carries a lease. A worker that dies after claiming (SIGKILL, a lost
machine) leaves its rows leased until the lease expires; then any worker takes them again.
A crash between the push service accepting a push and the worker recording it therefore
sends it twice: the Topic (to the push service) and tag (to the phone) are the occurrence's,
so the second replaces the first instead of adding a second notification.

The clock is a parameter (``clock`` or ``run_once(now=...)``) so tests move time instead
of waiting for it.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta
from typing import Any

from flask import Flask
from sqlalchemy import Connection, Engine, bindparam, delete, insert, or_, select, update

from webapp.models import (
    Action,
    DeliveryState,
    ProgressEntry,
    PushSubscription,
    Reminder,
    ReminderDelivery,
    ReminderOccurrence,
    utcnow,
)
from webapp.reminders import decisions, notifications, service
from webapp.reminders import schedule as rules
from webapp.reminders.delivery import (
    Outcome,
    PayloadTooLarge,
    PushMessage,
    PushResult,
    PushSender,
    run_sync,
)
from webapp.reminders.vapid import VapidKeys, load_or_create_vapid

log = logging.getLogger(__name__)

D = ReminderDelivery.__table__
O = ReminderOccurrence.__table__  # noqa: E741 - O for occurrences, beside D, R, S
R = Reminder.__table__
S = PushSubscription.__table__
OPEN = (DeliveryState.PENDING, DeliveryState.RETRY)


@dataclass(frozen=True)
class DispatchSettings:
    missed_after: timedelta = rules.DEFAULT_MISSED_AFTER
    # Longer than a batch can take to send (batch / concurrency rounds of at most `timeout`).
    lease: timedelta = timedelta(minutes=2)
    batch_size: int = 500
    concurrency: int = 64
    timeout: float = 10.0
    # Temporary failures (429, 5xx, network) are retried until this many attempts, or until
    # the missed window closes, whichever comes first.
    max_attempts: int = 8
    # Occurrences recorded per reminder per pass after downtime (each is recorded as missed).
    catch_up_limit: int = 50

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> DispatchSettings:
        return cls(
            missed_after=timedelta(minutes=config["REMINDER_MISSED_AFTER_MINUTES"]),
            lease=timedelta(seconds=config["REMINDER_LEASE_SECONDS"]),
            batch_size=config["REMINDER_BATCH_SIZE"],
            concurrency=config["REMINDER_PUSH_CONCURRENCY"],
            timeout=config["REMINDER_PUSH_TIMEOUT_SECONDS"],
        )


@dataclass
class DispatchStats:
    occurrences: int = 0
    sent: int = 0
    retried: int = 0
    gone: int = 0
    rejected: int = 0
    missed: int = 0
    not_needed: int = 0
    deferred: int = 0

    def __iadd__(self, other: DispatchStats) -> DispatchStats:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))
        return self

    def summary(self) -> str:
        return ", ".join(f"{getattr(self, f.name)} {f.name.replace('_', ' ')}"
                         for f in fields(self))


def vapid_for(app: Flask) -> VapidKeys:
    """The app's VAPID keys, loaded (or made, on first run) once per app."""
    keys = app.extensions.get("reminders.vapid")
    if keys is None:
        env = {"VAPID_PRIVATE_KEY": app.config.get("VAPID_PRIVATE_KEY") or "",
               "VAPID_SUBJECT": app.config.get("VAPID_SUBJECT") or ""}
        keys = app.extensions["reminders.vapid"] = load_or_create_vapid(app.instance_path, env)
    return keys


def action_url_template(app: Flask) -> str:
    """Where tapping a reminder goes: the action's page in the plan when the app has one."""
    rules_by_path = {rule.rule for rule in app.url_map.iter_rules()}
    if "/plan/actions/<int:action_id>" in rules_by_path:
        return "/plan/actions/{action_id}"
    return "/reminders/actions/{action_id}"


@dataclass
class _Claimed:
    messages: list[PushMessage] = field(default_factory=list)
    subscription_of: dict[int, int] = field(default_factory=dict)  # delivery -> device
    attempts_of: dict[int, int] = field(default_factory=dict)  # delivery -> earlier tries


class Dispatcher:
    """Sends due reminders. One per worker; ``run_once`` or ``drain`` inside a sender."""

    def __init__(self, engine: Engine, vapid: VapidKeys, settings: DispatchSettings, *,
                 clock: Callable[[], datetime] = utcnow, owner: str | None = None,
                 action_url: str = "/reminders/actions/{action_id}") -> None:
        self.engine = engine
        self.vapid = vapid
        self.settings = settings
        self.clock = clock
        # Who holds a lease: enough to find the worker in logs, unique per thread.
        self.owner = owner or (f"{socket.gethostname()[:40]}:{os.getpid()}:"
                               f"{threading.get_ident() % 100000}")
        self.action_url = action_url
        self.is_sqlite = engine.dialect.name == "sqlite"

    @classmethod
    def for_app(cls, app: Flask, **options: Any) -> Dispatcher:
        from webapp.extensions import db

        with app.app_context():
            engine = db.engine
        options.setdefault("action_url", action_url_template(app))
        settings = options.pop("settings", None) or DispatchSettings.from_config(app.config)
        return cls(engine, vapid_for(app), settings, **options)

    def sender(self) -> PushSender:
        return PushSender(self.vapid, concurrency=self.settings.concurrency,
                          timeout=self.settings.timeout)

    # -- running ------------------------------------------------------------------------------

    def run_once(self, now: datetime | None = None) -> DispatchStats:
        """Send everything due (at ``now``, if given, else by the clock) and return."""
        clock = self.clock if now is None else (lambda: now)

        async def run() -> DispatchStats:
            async with self.sender() as sender:
                return await self.drain(sender, clock=clock)

        return run_sync(run)

    async def drain(self, sender: PushSender, *, clock: Callable[[], datetime] | None = None,
                    stop: Callable[[], bool] = lambda: False) -> DispatchStats:
        """Work in batches until nothing is due (or ``stop()``)."""
        clock = clock or self.clock
        stats = DispatchStats()
        while not stop():
            now = clock()
            recorded = self.record_due_occurrences(now, stats)
            claimed = self.claim(now, stats)
            if claimed.messages:
                log.debug("claimed %d reminders to send", len(claimed.messages))
                results = await sender.send_many(claimed.messages)
                self.record_results(results, claimed, clock(), stats)
            if recorded < self.settings.batch_size and not claimed.messages:
                break
        return stats

    @contextmanager
    def _transaction(self) -> Iterator[Connection]:
        with self.engine.connect() as connection:
            if self.is_sqlite:
                # Take the write lock now rather than at the first write, so two claims
                # cannot both read the same free rows before either marks them.
                connection.exec_driver_sql("BEGIN IMMEDIATE")
            try:
                yield connection
            except BaseException:
                connection.rollback()
                raise
            connection.commit()

    # -- 1. record due occurrences -------------------------------------------------------------

    def record_due_occurrences(self, now: datetime, stats: DispatchStats) -> int:
        """Turn reminders whose next occurrence has come into occurrences and deliveries.

        Returns how many reminders were taken (a full batch means there may be more).
        """
        with self._transaction() as connection:
            due = connection.execute(
                select(R.c.id, R.c.patient_id, R.c.action_id, R.c.days, R.c.times,
                       R.c.time_zone, R.c.quiet_start, R.c.quiet_end, R.c.paused,
                       R.c.paused_until, R.c.next_due_at, R.c.next_local_date,
                       R.c.next_local_time, Action.retired_at)
                .join(Action, Action.id == R.c.action_id)
                .where(R.c.next_due_at <= now)
                .order_by(R.c.next_due_at)
                .limit(self.settings.batch_size)
                .with_for_update(skip_locked=True, of=R)
            ).all()
            if not due:
                return 0
            occurrences: list[dict[str, Any]] = []
            advanced: list[dict[str, Any]] = []
            for row in due:
                following = self._occurrences_of(row, now, occurrences)
                advanced.append({"r_id": row.id, "r_due": following.due if following else None,
                                 "r_date": following.local_date if following else None,
                                 "r_time": following.local_time if following else None})
            connection.execute(
                update(R).where(R.c.id == bindparam("r_id")).values(
                    next_due_at=bindparam("r_due", type_=R.c.next_due_at.type),
                    next_local_date=bindparam("r_date", type_=R.c.next_local_date.type),
                    next_local_time=bindparam("r_time", type_=R.c.next_local_time.type)),
                advanced)
            if occurrences:
                self._add_deliveries(connection, occurrences, now, stats)
            stats.occurrences += len(occurrences)
            return len(due)

    def _occurrences_of(self, row: Any, now: datetime, out: list[dict[str, Any]]
                        ) -> rules.Occurrence | None:
        """Append the reminder's occurrences due by ``now``; return the one after them."""
        if row.retired_at is not None:
            return None
        try:
            schedule = service.schedule_from(
                days=row.days, times=row.times, time_zone=row.time_zone,
                quiet_start=row.quiet_start, quiet_end=row.quiet_end, paused=row.paused,
                paused_until=row.paused_until)
        except ValueError:
            log.exception("reminder %s has a schedule that cannot be read; stopped", row.id)
            return None
        current: rules.Occurrence | None = rules.Occurrence(
            row.next_due_at, row.next_local_date, row.next_local_time)
        for _ in range(self.settings.catch_up_limit):
            if current is None or current.due > now:
                break
            out.append({"reminder_id": row.id, "patient_id": row.patient_id,
                        "action_id": row.action_id, "key": current.key,
                        "local_date": current.local_date, "local_time": current.local_time,
                        "due_at": current.due, "created_at": now,
                        **service.new_occurrence_identity()})
            current = rules.next_occurrence(schedule, current.due)
        return current

    def _add_deliveries(self, connection: Connection, occurrences: list[dict[str, Any]],
                        now: datetime, stats: DispatchStats) -> None:
        made = connection.execute(
            insert(O).returning(O.c.id, O.c.patient_id, O.c.due_at,
                                sort_by_parameter_order=True),
            occurrences).all()
        patients = {row.patient_id for row in made}
        devices: dict[int, list[int]] = {}
        for device_id, patient_id in connection.execute(
            select(S.c.id, S.c.patient_id).where(S.c.patient_id.in_(patients))
        ):
            devices.setdefault(patient_id, []).append(device_id)
        rows = []
        for occurrence in made:
            late = rules.classify_due(occurrence.due_at, now,
                                      self.settings.missed_after) == "missed"
            for device_id in devices.get(occurrence.patient_id, ()):
                rows.append({
                    "occurrence_id": occurrence.id, "subscription_id": device_id,
                    "patient_id": occurrence.patient_id,
                    "state": DeliveryState.MISSED if late else DeliveryState.PENDING,
                    "reason": "recorded after the missed window" if late else None,
                    "attempts": 0, "due_at": occurrence.due_at,
                    "next_attempt_at": occurrence.due_at, "updated_at": now})
                stats.missed += int(late)
        if rows:
            connection.execute(insert(D), rows)

    # -- 2. claim what is due ------------------------------------------------------------------

    def claim(self, now: datetime, stats: DispatchStats) -> _Claimed:
        """Lease a batch of due deliveries, decide each, and return the pushes to send."""
        claimed = _Claimed()
        with self._transaction() as connection:
            free = (
                select(D.c.id)
                .where(D.c.state.in_(OPEN), D.c.next_attempt_at <= now,
                       or_(D.c.lease_expires_at.is_(None), D.c.lease_expires_at < now))
                .order_by(D.c.next_attempt_at)
                .limit(self.settings.batch_size)
                .with_for_update(skip_locked=True)
            )
            ids = connection.execute(
                update(D).where(D.c.id.in_(free))
                .values(lease_owner=self.owner, lease_expires_at=now + self.settings.lease)
                .returning(D.c.id)
            ).scalars().all()
            if not ids:
                return claimed
            facts = connection.execute(
                select(D.c.id, D.c.due_at, D.c.attempts, D.c.subscription_id,
                       O.c.public_id, O.c.local_date, O.c.topic, O.c.entry_id, O.c.action_id,
                       O.c.reminder_id, R.c.days, R.c.times, R.c.time_zone, R.c.quiet_start,
                       R.c.quiet_end, R.c.paused, R.c.paused_until, R.c.show_action_words,
                       Action.what, Action.retired_at, Action.times.label("times_per"),
                       Action.per, S.c.endpoint, S.c.p256dh, S.c.auth)
                .select_from(D.join(O, O.c.id == D.c.occurrence_id)
                             .join(R, R.c.id == O.c.reminder_id)
                             .join(Action, Action.id == O.c.action_id)
                             .join(S, S.c.id == D.c.subscription_id))
                .where(D.c.id.in_(ids))
            ).all()
            logged = self._logged_days(connection, facts)
            changes: dict[str, list[dict[str, Any]]] = {"closed": [], "deferred": []}
            schedules: dict[int, rules.ReminderSchedule] = {}
            for fact in facts:
                decision = self._decide(fact, now, logged, schedules)
                self._apply(decision, fact, claimed, changes, stats)
            self._write_decisions(connection, changes, now)
        return claimed

    def _logged_days(self, connection: Connection, facts: list[Any]) -> dict[tuple, list[str]]:
        actions = {fact.action_id for fact in facts}
        days = {fact.local_date for fact in facts}
        found: dict[tuple, list[str]] = {}
        for action_id, local_date, status in connection.execute(
            select(ProgressEntry.action_id, ProgressEntry.local_date, ProgressEntry.status)
            .where(ProgressEntry.deleted_at.is_(None), ProgressEntry.action_id.in_(actions),
                   ProgressEntry.local_date.in_(days))
        ):
            found.setdefault((action_id, local_date), []).append(str(status))
        return found

    def _decide(self, fact: Any, now: datetime, logged: dict[tuple, list[str]],
                schedules: dict[int, rules.ReminderSchedule]) -> decisions.Decision:
        schedule = schedules.get(fact.reminder_id)
        if schedule is None:
            try:
                schedule = schedules[fact.reminder_id] = service.schedule_from(
                    days=fact.days, times=fact.times, time_zone=fact.time_zone,
                    quiet_start=fact.quiet_start, quiet_end=fact.quiet_end,
                    paused=fact.paused, paused_until=fact.paused_until)
            except ValueError:
                return decisions.Decision(decisions.Verdict.NOT_NEEDED,
                                          "the schedule cannot be read")
        entries = logged.get((fact.action_id, fact.local_date), ())
        return decisions.decide(
            schedule=schedule, due_at=fact.due_at, local_date=fact.local_date, now=now,
            missed_after=self.settings.missed_after,
            already_logged=bool(entries) and decisions.is_logged(
                entries, fact.times_per, str(fact.per)),
            action_retired=fact.retired_at is not None)

    def _apply(self, decision: decisions.Decision, fact: Any, claimed: _Claimed,
               changes: dict[str, list[dict[str, Any]]], stats: DispatchStats) -> None:
        verdict = decision.verdict
        if verdict is decisions.Verdict.DEFER:
            changes["deferred"].append({"d_id": fact.id, "d_until": decision.until})
            stats.deferred += 1
            return
        if verdict is decisions.Verdict.SEND:
            body = notifications.body_text(fact.what, fact.show_action_words)
            payload = notifications.reminder_payload(
                public_id=fact.public_id, topic=fact.topic, entry_id=fact.entry_id,
                action_id=fact.action_id, local_date=fact.local_date, body=body,
                url=self.action_url.format(action_id=fact.action_id))
            try:
                message = PushMessage(
                    {"endpoint": fact.endpoint, "keys": {"p256dh": fact.p256dh,
                                                         "auth": fact.auth}},
                    notifications.encode(payload), ttl=decision.ttl, urgency="high",
                    topic=fact.topic, attempt=fact.attempts, ref=fact.id)
            except (PayloadTooLarge, ValueError) as problem:
                changes["closed"].append({"d_id": fact.id, "d_state": DeliveryState.FAILED,
                                          "d_reason": str(problem)[:300]})
                stats.rejected += 1
                return
            claimed.messages.append(message)
            claimed.subscription_of[fact.id] = fact.subscription_id
            claimed.attempts_of[fact.id] = fact.attempts
            return
        state = (DeliveryState.MISSED if verdict is decisions.Verdict.MISSED
                 else DeliveryState.NOT_NEEDED)
        changes["closed"].append({"d_id": fact.id, "d_state": state,
                                  "d_reason": decision.reason})
        if state is DeliveryState.MISSED:
            stats.missed += 1
        else:
            stats.not_needed += 1

    def _write_decisions(self, connection: Connection,
                         changes: dict[str, list[dict[str, Any]]], now: datetime) -> None:
        if changes["closed"]:
            connection.execute(
                update(D).where(D.c.id == bindparam("d_id")).values(
                    state=bindparam("d_state", type_=D.c.state.type),
                    reason=bindparam("d_reason"), lease_owner=None, lease_expires_at=None,
                    updated_at=now),
                changes["closed"])
        if changes["deferred"]:
            until = bindparam("d_until", type_=D.c.due_at.type)
            connection.execute(
                update(D).where(D.c.id == bindparam("d_id")).values(
                    due_at=until, next_attempt_at=until, lease_owner=None,
                    lease_expires_at=None, reason="held back by quiet hours", updated_at=now),
                changes["deferred"])

    # -- 3. record what the push services said -------------------------------------------------

    def record_results(self, results: Iterable[PushResult], claimed: _Claimed, now: datetime,
                       stats: DispatchStats) -> None:
        sent, retry, failed = [], [], []
        device_ok: set[int] = set()
        device_gone: set[int] = set()
        device_trouble: dict[int, tuple[PushResult, bool]] = {}
        for result in results:
            delivery_id = result.ref
            device_id = claimed.subscription_of[delivery_id]
            reason = result.reason[:300]
            if result.outcome is Outcome.DELIVERED:
                sent.append({"d_id": delivery_id, "d_status": result.status_code})
                device_ok.add(device_id)
                stats.sent += 1
            elif result.outcome is Outcome.GONE:
                device_gone.add(device_id)
                stats.gone += 1
            elif result.outcome is Outcome.RETRY:
                device_trouble[device_id] = (result, False)
                if decisions.retry_or_give_up(claimed.attempts_of[delivery_id],
                                              self.settings.max_attempts):
                    wait = timedelta(seconds=result.retry_after or 0)
                    retry.append({"d_id": delivery_id, "d_status": result.status_code,
                                  "d_reason": reason, "d_next": now + wait})
                    stats.retried += 1
                else:
                    failed.append({"d_id": delivery_id, "d_status": result.status_code,
                                   "d_reason": f"gave up: {reason}"[:300]})
                    stats.rejected += 1
            else:
                device_trouble[device_id] = (result, True)
                failed.append({"d_id": delivery_id, "d_status": result.status_code,
                               "d_reason": reason})
                stats.rejected += 1
        mine = (D.c.id == bindparam("d_id")) & (D.c.lease_owner == self.owner)
        with self._transaction() as connection:
            if sent:
                connection.execute(update(D).where(mine).values(
                    state=DeliveryState.SENT, attempts=D.c.attempts + 1,
                    status_code=bindparam("d_status"), reason=None, sent_at=now,
                    lease_owner=None, lease_expires_at=None, updated_at=now), sent)
            if retry:
                connection.execute(update(D).where(mine).values(
                    state=DeliveryState.RETRY, attempts=D.c.attempts + 1,
                    status_code=bindparam("d_status"), reason=bindparam("d_reason"),
                    next_attempt_at=bindparam("d_next", type_=D.c.next_attempt_at.type),
                    lease_owner=None, lease_expires_at=None, updated_at=now), retry)
            if failed:
                connection.execute(update(D).where(mine).values(
                    state=DeliveryState.FAILED, attempts=D.c.attempts + 1,
                    status_code=bindparam("d_status"), reason=bindparam("d_reason"),
                    lease_owner=None, lease_expires_at=None, updated_at=now), failed)
            if device_ok:
                connection.execute(update(S).where(S.c.id.in_(device_ok)).values(
                    last_success_at=now, rejected_at=None, last_failure_status=None,
                    last_failure_reason=None))
            for device_id, (result, rejected) in device_trouble.items():
                values: dict[str, Any] = {
                    "last_failure_at": now, "last_failure_status": result.status_code,
                    "last_failure_reason": result.reason[:300]}
                if rejected:
                    values["rejected_at"] = now
                connection.execute(update(S).where(S.c.id == device_id).values(**values))
            if device_gone:
                # Only the device the push service said is gone; never the patient's others.
                connection.execute(delete(D).where(D.c.subscription_id.in_(device_gone)))
                connection.execute(delete(S).where(S.c.id.in_(device_gone)))
