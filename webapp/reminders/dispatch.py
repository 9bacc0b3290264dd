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

import asyncio
import logging
import os
import socket
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from flask import Flask
from sqlalchemy import (
    Connection,
    Engine,
    Text,
    bindparam,
    delete,
    or_,
    select,
    text,
    update,
)

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
from webapp.models.reminders import OPEN_DELIVERY
from webapp.reminders import decisions, notifications, service
from webapp.reminders import schedule as rules
from webapp.reminders.bulk import among, insert_rows, update_rows
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


# A reminder's schedule columns as stored, days and times as JSON text (see
# service.stored_schedule).
SCHEDULE_AS_STORED = (R.c.days.cast(Text).label("days"), R.c.times.cast(Text).label("times"),
                      R.c.time_zone, R.c.quiet_start, R.c.quiet_end, R.c.paused,
                      R.c.paused_until)


def _schedule_of(row: Any) -> rules.ReminderSchedule:
    return service.stored_schedule(row.days, row.times, row.time_zone, row.quiet_start,
                                   row.quiet_end, row.paused, row.paused_until)


@dataclass
class _Claimed:
    """Pushes leased to this worker, and how many claimed rows were decided otherwise."""

    messages: list[PushMessage] = field(default_factory=list)
    subscription_of: dict[int, int] = field(default_factory=dict)  # delivery -> device
    attempts_of: dict[int, int] = field(default_factory=dict)  # delivery -> earlier tries
    closed: int = 0

    def add(self, message: PushMessage, device_id: int, attempts: int) -> None:
        self.messages.append(message)
        self.subscription_of[message.ref] = device_id
        self.attempts_of[message.ref] = attempts


class _Due(NamedTuple):
    """An occurrence found due, with what deciding about it needs."""

    row: Any  # the reminder and its action
    schedule: rules.ReminderSchedule
    occurrence: rules.Occurrence
    following: rules.Occurrence | None
    values: dict[str, Any]  # the reminder_occurrences row


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
        """Work in batches until nothing is due (or ``stop()``).

        Two batches overlap: while one is on the network, the next is taken from the
        database (in a thread, so the event loop keeps sending), and the sender's
        concurrency limit is shared, so its slots never sit empty at the end of a batch.
        """
        clock = clock or self.clock
        stats = DispatchStats()
        in_flight: list[tuple[asyncio.Task[list[PushResult]], _Claimed]] = []
        more = True
        while more or in_flight:
            if more and not stop():
                more, claimed = await asyncio.to_thread(self.next_batch, clock(), stats)
                if claimed.messages:
                    log.debug("claimed %d reminders to send", len(claimed.messages))
                    task = asyncio.ensure_future(sender.send_many(claimed.messages))
                    in_flight.append((task, claimed))
            else:
                more = False
            while in_flight and (len(in_flight) > 1 or not more):
                task, claimed = in_flight.pop(0)
                results = await task
                await asyncio.to_thread(self.record_results, results, claimed, clock(), stats)
        return stats

    def next_batch(self, now: datetime, stats: DispatchStats) -> tuple[bool, _Claimed]:
        """Newly due occurrences first, then anything else due (retries, deferred,
        snoozed, or left by a worker whose lease ran out). True if there may be more."""
        taken, claimed = self.take_due_occurrences(now, stats)
        if taken:
            return True, claimed
        claimed = self.claim(now, stats)
        return bool(claimed.messages) or claimed.closed >= self.settings.batch_size, claimed

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

    # -- 1. record due occurrences, and lease the ones to send --------------------------------

    def take_due_occurrences(self, now: datetime, stats: DispatchStats
                             ) -> tuple[int, _Claimed]:
        """Turn reminders whose next occurrence has come into occurrences and deliveries.

        Decided and leased in the same transaction, so the usual path (a reminder falls due
        and goes straight out) reads each row once. Returns how many reminders were taken
        and the pushes to send.
        """
        claimed = _Claimed()
        with self._transaction() as connection:
            due = connection.execute(
                select(R.c.id, R.c.patient_id, R.c.action_id, *SCHEDULE_AS_STORED,
                       R.c.show_action_words, R.c.next_due_at, R.c.next_local_date,
                       R.c.next_local_time, Action.retired_at, Action.what,
                       Action.times.label("times_per"), Action.per)
                .join(Action, Action.id == R.c.action_id)
                .where(R.c.next_due_at <= now)
                .order_by(R.c.next_due_at)
                .limit(self.settings.batch_size)
                .with_for_update(skip_locked=True, of=R)
            ).all()
            if not due:
                return 0, claimed
            found: list[_Due] = []
            advanced: list[dict[str, Any]] = []
            for row in due:
                following = self._occurrences_of(row, now, found)
                advanced.append({"id": row.id,
                                 "next_due_at": following.due if following else None,
                                 "next_local_date": following.local_date if following else None,
                                 "next_local_time": following.local_time if following else None})
            update_rows(connection, R, advanced)
            if found:
                self._add_deliveries(connection, found, now, claimed, stats)
            return len(due), claimed

    def record_due_occurrences(self, now: datetime, stats: DispatchStats) -> int:
        """Record due occurrences without sending them (tests use it to stop half-way)."""
        taken, claimed = self.take_due_occurrences(now, stats)
        if claimed.messages:
            with self._transaction() as connection:
                connection.execute(
                    update(D).where(among(connection, D.c.id, claimed.subscription_of))
                    .values(lease_owner=None, lease_expires_at=None))
        return taken

    def _occurrences_of(self, row: Any, now: datetime, out: list[_Due]
                        ) -> rules.Occurrence | None:
        """Append the reminder's occurrences due by ``now``; return the one after them."""
        if row.retired_at is not None:
            return None
        try:
            schedule = _schedule_of(row)
        except ValueError:
            log.exception("reminder %s has a schedule that cannot be read; stopped", row.id)
            return None
        current: rules.Occurrence | None = rules.Occurrence(
            row.next_due_at, row.next_local_date, row.next_local_time)
        for _ in range(self.settings.catch_up_limit):
            if current is None or current.due > now:
                break
            following = rules.next_occurrence(schedule, current.due)
            out.append(_Due(row, schedule, current, following, {
                "reminder_id": row.id, "patient_id": row.patient_id,
                "action_id": row.action_id, "key": current.key,
                "local_date": current.local_date, "local_time": current.local_time,
                "due_at": current.due, "created_at": now,
                **service.new_occurrence_identity()}))
            current = following
        return current

    def _add_deliveries(self, connection: Connection, found: list[_Due], now: datetime,
                        claimed: _Claimed, stats: DispatchStats) -> None:
        # An occurrence can already exist when a changed time zone brings the same local
        # date and time round again; the patient had that reminder, so it is not repeated.
        made = {public_id: occurrence_id for occurrence_id, public_id in insert_rows(
            connection, O, [item.values for item in found], (O.c.id, O.c.public_id),
            skip_existing=("reminder_id", "key"))}
        found = [item for item in found if item.values["public_id"] in made]
        ids = [made[item.values["public_id"]] for item in found]
        stats.occurrences += len(found)
        if not found:
            return
        devices: dict[int, list[Any]] = {}
        for device in connection.execute(
            select(S.c.id, S.c.patient_id, S.c.endpoint, S.c.p256dh, S.c.auth)
            .where(among(connection, S.c.patient_id, {item.row.patient_id for item in found}))
        ):
            devices.setdefault(device.patient_id, []).append(device)
        logged = self._logged_days(connection, [
            (item.row.action_id, item.occurrence.local_date) for item in found])
        rows: list[dict[str, Any]] = []
        plans: list[tuple[decisions.Decision, _Due, int, Any]] = []
        # Reminders due together mostly share a schedule and a due time, so most of a batch
        # asks the same question; each distinct one is decided once.
        decided: dict[tuple, decisions.Decision] = {}
        for occurrence_id, item in zip(ids, found, strict=True):
            row, when = item.row, item.occurrence
            entries = logged.get((row.action_id, when.local_date), ())
            already_logged = bool(entries) and decisions.is_logged(
                entries, row.times_per, str(row.per))
            question = (item.schedule, when, item.following, already_logged)
            decision = decided.get(question)
            if decision is None:
                decision = decided[question] = decisions.decide(
                    schedule=item.schedule, due_at=when.due, local_date=when.local_date,
                    now=now, missed_after=self.settings.missed_after,
                    following=item.following, already_logged=already_logged)
            for device in devices.get(row.patient_id, ()):
                rows.append(self._new_delivery(decision, occurrence_id, device, when.due, now))
                plans.append((decision, item, occurrence_id, device))
        if not rows:
            return
        made = {(occurrence_id, device_id): delivery_id
                for delivery_id, occurrence_id, device_id in insert_rows(
                    connection, D, rows, (D.c.id, D.c.occurrence_id, D.c.subscription_id))}
        delivery_ids = [made[row["occurrence_id"], row["subscription_id"]] for row in rows]
        payloads: dict[int, bytes] = {}
        unusable: list[dict[str, Any]] = []
        for delivery_id, (decision, item, occurrence_id, device) in zip(
                delivery_ids, plans, strict=True):
            if decision.verdict is not decisions.Verdict.SEND:
                self._count(decision, stats)
                continue
            payload = payloads.get(occurrence_id)
            if payload is None:
                values = item.values
                payload = payloads[occurrence_id] = self._payload(
                    public_id=values["public_id"], topic=values["topic"],
                    entry_id=values["entry_id"], action_id=item.row.action_id,
                    local_date=item.occurrence.local_date, words=item.row.what,
                    show=item.row.show_action_words)
            try:
                message = PushMessage(
                    {"endpoint": device.endpoint,
                     "keys": {"p256dh": device.p256dh, "auth": device.auth}},
                    payload, ttl=decision.ttl, urgency="high", topic=item.values["topic"],
                    ref=delivery_id)
            except ValueError as problem:  # PayloadTooLarge included
                unusable.append({"d_id": delivery_id, "d_state": DeliveryState.FAILED,
                                 "d_reason": str(problem)[:300]})
                stats.rejected += 1
                continue
            claimed.add(message, device.id, attempts=0)
        if unusable:
            # Recorded as failed here, so one bad row cannot roll back (and so block) a batch.
            self._write_decisions(connection, {"closed": unusable, "deferred": []}, now)

    def _new_delivery(self, decision: decisions.Decision, occurrence_id: int, device: Any,
                      due: datetime, now: datetime) -> dict[str, Any]:
        verdict = decision.verdict
        row = {"occurrence_id": occurrence_id, "subscription_id": device.id,
               "patient_id": device.patient_id, "state": DeliveryState.PENDING,
               "reason": None, "attempts": 0, "due_at": due, "next_attempt_at": due,
               "lease_owner": None, "lease_expires_at": None, "updated_at": now}
        if verdict is decisions.Verdict.SEND:
            row.update(lease_owner=self.owner, lease_expires_at=now + self.settings.lease)
        elif verdict is decisions.Verdict.DEFER:
            row.update(due_at=decision.until, next_attempt_at=decision.until,
                       reason=decision.reason)
        else:
            row.update(state=DeliveryState.MISSED if verdict is decisions.Verdict.MISSED
                       else DeliveryState.NOT_NEEDED, reason=decision.reason)
        return row

    def _payload(self, *, public_id: Any, topic: str, entry_id: Any, action_id: int,
                 local_date: Any, words: str, show: bool) -> bytes:
        return notifications.encode(notifications.reminder_payload(
            public_id=public_id, topic=topic, entry_id=entry_id, action_id=action_id,
            local_date=local_date, body=notifications.body_text(words, show),
            url=self.action_url.format(action_id=action_id)))

    @staticmethod
    def _count(decision: decisions.Decision, stats: DispatchStats) -> None:
        if decision.verdict is decisions.Verdict.MISSED:
            stats.missed += 1
        elif decision.verdict is decisions.Verdict.NOT_NEEDED:
            stats.not_needed += 1
        elif decision.verdict is decisions.Verdict.DEFER:
            stats.deferred += 1

    # -- 2. claim what is due ------------------------------------------------------------------

    def claim(self, now: datetime, stats: DispatchStats) -> _Claimed:
        """Lease a batch of due deliveries, decide each, and return the pushes to send."""
        claimed = _Claimed()
        with self._transaction() as connection:
            free = (
                select(D.c.id)
                .where(text(OPEN_DELIVERY), D.c.next_attempt_at <= now,
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
                       O.c.reminder_id, *SCHEDULE_AS_STORED, R.c.show_action_words,
                       Action.what, Action.retired_at, Action.times.label("times_per"),
                       Action.per, S.c.endpoint, S.c.p256dh, S.c.auth)
                .select_from(D.join(O, O.c.id == D.c.occurrence_id)
                             .join(R, R.c.id == O.c.reminder_id)
                             .join(Action, Action.id == O.c.action_id)
                             .join(S, S.c.id == D.c.subscription_id))
                .where(among(connection, D.c.id, ids))
            ).all()
            logged = self._logged_days(connection, [(f.action_id, f.local_date) for f in facts])
            changes: dict[str, list[dict[str, Any]]] = {"closed": [], "deferred": []}
            for fact in facts:
                decision = self._decide(fact, now, logged)
                self._apply(decision, fact, claimed, changes, stats)
            self._write_decisions(connection, changes, now)
        return claimed

    def _logged_days(self, connection: Connection, wanted: list[tuple[int, Any]]
                     ) -> dict[tuple, list[str]]:
        """What was logged for each (action, local date), read in one query."""
        actions = {action_id for action_id, _ in wanted}
        days = {local_date for _, local_date in wanted}
        found: dict[tuple, list[str]] = {}
        for action_id, local_date, status in connection.execute(
            select(ProgressEntry.action_id, ProgressEntry.local_date, ProgressEntry.status)
            .where(ProgressEntry.deleted_at.is_(None),
                   among(connection, ProgressEntry.action_id, actions),
                   among(connection, ProgressEntry.local_date, days))
        ):
            found.setdefault((action_id, local_date), []).append(str(status))
        return found

    def _decide(self, fact: Any, now: datetime, logged: dict[tuple, list[str]]
                ) -> decisions.Decision:
        try:
            schedule = _schedule_of(fact)
        except ValueError:
            return decisions.Decision(decisions.Verdict.NOT_NEEDED, "the schedule cannot be read")
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
        if verdict is decisions.Verdict.SEND:
            payload = self._payload(
                public_id=fact.public_id, topic=fact.topic, entry_id=fact.entry_id,
                action_id=fact.action_id, local_date=fact.local_date, words=fact.what,
                show=fact.show_action_words)
            try:
                message = PushMessage(
                    {"endpoint": fact.endpoint, "keys": {"p256dh": fact.p256dh,
                                                         "auth": fact.auth}},
                    payload, ttl=decision.ttl, urgency="high", topic=fact.topic,
                    attempt=fact.attempts, ref=fact.id)
            except (PayloadTooLarge, ValueError) as problem:
                changes["closed"].append({"d_id": fact.id, "d_state": DeliveryState.FAILED,
                                          "d_reason": str(problem)[:300]})
                stats.rejected += 1
                return
            claimed.add(message, fact.subscription_id, fact.attempts)
            return
        self._count(decision, stats)
        claimed.closed += 1
        if verdict is decisions.Verdict.DEFER:
            changes["deferred"].append({"d_id": fact.id, "d_until": decision.until})
            return
        state = (DeliveryState.MISSED if verdict is decisions.Verdict.MISSED
                 else DeliveryState.NOT_NEEDED)
        changes["closed"].append({"d_id": fact.id, "d_state": state,
                                  "d_reason": decision.reason})

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
        retry, failed = [], []
        # Sent deliveries by status code: one statement each (almost always just 201).
        sent: dict[int | None, list[int]] = {}
        device_ok: set[int] = set()
        device_gone: set[int] = set()
        device_trouble: dict[int, tuple[PushResult, bool]] = {}
        for result in results:
            delivery_id = result.ref
            device_id = claimed.subscription_of[delivery_id]
            if result.outcome is Outcome.DELIVERED:
                sent.setdefault(result.status_code, []).append(delivery_id)
                device_ok.add(device_id)
                stats.sent += 1
            elif result.outcome is Outcome.GONE:
                device_gone.add(device_id)
                stats.gone += 1
            elif result.outcome is Outcome.RETRY:
                reason = result.reason[:300]
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
                               "d_reason": result.reason[:300]})
                stats.rejected += 1
        mine = (D.c.id == bindparam("d_id")) & (D.c.lease_owner == self.owner)
        with self._transaction() as connection:
            for status, ids in sent.items():
                connection.execute(update(D).where(
                    among(connection, D.c.id, ids), D.c.lease_owner == self.owner).values(
                    state=DeliveryState.SENT, attempts=D.c.attempts + 1, status_code=status,
                    reason=None, sent_at=now, lease_owner=None, lease_expires_at=None,
                    updated_at=now))
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
                connection.execute(update(S).where(among(connection, S.c.id, device_ok)).values(
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
