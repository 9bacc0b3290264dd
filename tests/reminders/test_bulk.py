"""A batch's rows in one statement (webapp/reminders/bulk.py), on SQLite and on PostgreSQL:
every kind of column the reminder tables use comes back exactly as it went in."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Table,
    Time,
    UniqueConstraint,
    Uuid,
    event,
    select,
)

from webapp.extensions import db
from webapp.models import DeliveryState, ReminderDelivery
from webapp.models.base import UTCDateTime
from webapp.reminders.bulk import among, insert_rows, update_rows

# Column names a careless statement would trip on: "key", "user" and "order" are SQL words.
SAMPLES = Table(
    "bulk_samples", MetaData(),
    Column("id", Integer, primary_key=True),
    Column("key", String(24), nullable=False),
    Column("user", String(300)),
    Column("order", SmallInteger),
    Column("big", BigInteger),
    Column("state", ReminderDelivery.__table__.c.state.type),
    Column("at", UTCDateTime()),
    Column("on", Date),
    Column("wall", Time),
    Column("public_id", Uuid),
    Column("flag", Boolean),
    Column("days", JSON),
    UniqueConstraint("key"),
)
FILLED = {
    "key": "2026-03-29T01:30", "user": 'Quotes " and \\ and {braces}, commas, NULL, naïve ✓',
    "order": 32767, "big": 2**40, "state": DeliveryState.NOT_NEEDED,
    "at": datetime(2026, 3, 29, 1, 0, 0, 123456, tzinfo=UTC), "on": date(2026, 3, 29),
    "wall": time(1, 30), "public_id": uuid.uuid4(), "flag": False, "days": [0, 6],
}
EMPTY = {"key": "empty", **{name: None for name in FILLED if name != "key"}}


@pytest.fixture
def samples(app):
    SAMPLES.create(db.engine)
    yield SAMPLES
    SAMPLES.drop(db.engine)


def stored(table: Table) -> dict[str, dict]:
    with db.engine.connect() as connection:
        return {row.key: row._asdict() for row in connection.execute(select(table))}


def without_id(row: dict) -> dict:
    return {name: value for name, value in row.items() if name != "id"}


def test_inserted_rows_come_back_as_given_with_their_new_ids(samples):
    with db.engine.begin() as connection:
        made = insert_rows(connection, samples, [FILLED, EMPTY], (samples.c.id, samples.c.key))

    rows = stored(samples)
    assert {key: without_id(row) for key, row in rows.items()} == {
        FILLED["key"]: FILLED, EMPTY["key"]: EMPTY}
    assert sorted((row_id, key) for row_id, key in made) == sorted(
        (row["id"], key) for key, row in rows.items())


def test_an_instant_in_another_zone_is_stored_and_returned_in_utc(samples):
    in_new_york = datetime(2026, 3, 8, 3, 30, tzinfo=ZoneInfo("America/New_York"))
    with db.engine.begin() as connection:
        (returned,) = insert_rows(connection, samples, [{**EMPTY, "at": in_new_york}],
                                  (samples.c.at,))

    assert returned[0] == in_new_york and returned[0].tzinfo is UTC
    assert stored(samples)["empty"]["at"].tzinfo is UTC


def test_an_instant_without_a_time_zone_is_refused(samples):
    naive = {**EMPTY, "at": datetime(2026, 3, 29, 1, 0)}
    with pytest.raises(Exception, match="aware datetimes"), db.engine.begin() as connection:
        insert_rows(connection, samples, [naive], (samples.c.id,))

    assert stored(samples) == {}


def test_rows_that_would_break_a_unique_constraint_are_left_out_and_not_returned(samples):
    with db.engine.begin() as connection:
        insert_rows(connection, samples, [FILLED], (samples.c.id,))
        made = insert_rows(connection, samples, [{**FILLED, "order": 1}, EMPTY],
                           (samples.c.key,), skip_existing=("key",))

    assert [tuple(row) for row in made] == [("empty",)]
    assert stored(samples)[FILLED["key"]]["order"] == FILLED["order"]


def test_updated_rows_each_take_their_own_values(samples):
    with db.engine.begin() as connection:
        ids = {key: row_id for row_id, key in insert_rows(
            connection, samples, [FILLED, EMPTY], (samples.c.id, samples.c.key))}
    changed = {name: value for name, value in FILLED.items() if name != "key"}
    with db.engine.begin() as connection:
        update_rows(connection, samples, [
            {"id": ids["empty"], **changed},
            {"id": ids[FILLED["key"]], **{name: None for name in changed}},
        ])

    rows = stored(samples)
    assert without_id(rows["empty"]) == {**changed, "key": "empty"}
    assert without_id(rows[FILLED["key"]]) == {**EMPTY, "key": FILLED["key"]}


def test_among_matches_exactly_the_values_given(samples):
    days = [date(2026, 3, 29) + timedelta(days=n) for n in range(5)]
    with db.engine.begin() as connection:
        insert_rows(connection, samples, [{**EMPTY, "key": f"day {n}", "on": day,
                                           "state": DeliveryState.SENT}
                                          for n, day in enumerate(days)], (samples.c.id,))

    def keys(column, values) -> set[str]:
        with db.engine.connect() as connection:
            return set(connection.scalars(
                select(samples.c.key).where(among(connection, column, values))))

    assert keys(samples.c.on, {days[1], days[3], date(2020, 1, 1)}) == {"day 1", "day 3"}
    assert keys(samples.c.state, [DeliveryState.SENT]) == {f"day {n}" for n in range(5)}
    assert keys(samples.c.key, []) == set()


def test_on_postgresql_a_batch_of_any_size_is_the_same_short_statement(samples):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite takes a batch as an executemany")
    sent: list[str] = []
    with db.engine.begin() as connection:
        event.listen(connection, "before_cursor_execute", lambda *args: sent.append(args[2]))
        for size in (1, 500):
            insert_rows(connection, samples, [{**EMPTY, "key": f"{size}-{n}"}
                                              for n in range(size)], (samples.c.id,))

    assert len(sent) == 2 and len(set(sent)) == 1 and len(sent[0]) < 1000


def test_rows_sharing_some_values_each_keep_their_own_and_the_shared_ones(samples):
    at = datetime(2026, 3, 29, 8, 30, tzinfo=UTC)
    rows = [{**FILLED, "key": f"row {n}", "order": n, "public_id": uuid.uuid4(),
             "state": DeliveryState.SENT if n == 1 else DeliveryState.PENDING}
            for n in range(3)]
    with db.engine.begin() as connection:
        ids = {key: row_id for row_id, key in insert_rows(
            connection, samples, rows, (samples.c.id, samples.c.key))}
        update_rows(connection, samples, [{"id": ids[f"row {n}"], "at": at, "order": n * 10}
                                          for n in range(3)])

    stored_rows = stored(samples)
    assert {key: without_id(row) for key, row in stored_rows.items()} == {
        row["key"]: {**row, "at": at, "order": row["order"] * 10} for row in rows}
