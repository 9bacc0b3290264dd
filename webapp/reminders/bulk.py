"""A batch's rows in one statement each: inserted, updated, or matched by a list of values.

On PostgreSQL the rows go as one binary array per column, unnested by the server. The
statement is short and its text the same for every batch, so psycopg prepares it once per
connection; nothing is quoted or parsed value by value (a text array, or a multi-row VALUES
list with thousands of placeholders, was a third of the dispatcher's time, measured).
Values still pass through each column type's own conversion first, so a naive datetime is
refused here as it is everywhere else. A column with the same value (by ``==``) in every
row goes once, as a plain parameter: most of a dispatcher batch shares its due time, state
and lease, and each value sent costs a conversion and a dump. SQLite takes the rows as a
plain executemany.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from functools import lru_cache
from typing import Any

from sqlalchemy import Column, ColumnElement, Connection, Table, any_, bindparam, insert, update
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Dialect


def insert_rows(connection: Connection, table: Table, rows: list[dict[str, Any]],
                returning: tuple[Column, ...], skip_existing: tuple[str, ...] = ()
                ) -> Sequence[Sequence[Any]]:
    """INSERT rows (all with the same keys) and return their ``returning`` columns, in no
    particular order.

    With ``skip_existing`` (the columns of a unique constraint), rows that would break it
    are left out instead, and only the rows inserted are returned.
    """
    if connection.dialect.name != "postgresql":
        statement = insert(table).returning(*returning)
        if skip_existing:
            statement = statement.prefix_with("OR IGNORE")
        return connection.execute(statement, rows).all()
    dialect = connection.dialect
    names = tuple(rows[0])
    parameters, once = _parameters(dialect, table, names, rows)
    sql = _insert_sql(dialect, table, names, once, tuple(c.name for c in returning),
                      skip_existing)
    found = connection.exec_driver_sql(sql, parameters).all()
    # The driver's values, so each column type reads its own as SQLAlchemy would have.
    reads = [c.type.dialect_impl(dialect).result_processor(dialect, None) for c in returning]
    if not any(reads):
        return found
    return [tuple(v if read is None else read(v) for read, v in zip(reads, row, strict=True))
            for row in found]


def update_rows(connection: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """UPDATE rows by ``id``, each with its own values (all rows setting the same columns)."""
    changed = tuple(name for name in rows[0] if name != "id")
    if connection.dialect.name != "postgresql":
        connection.execute(
            update(table).where(table.c.id == bindparam("_id")).values(
                {name: bindparam(f"_{name}", type_=table.c[name].type) for name in changed}),
            [{f"_{name}": value for name, value in row.items()} for row in rows])
        return
    parameters, once = _parameters(connection.dialect, table, ("id", *changed), rows)
    connection.exec_driver_sql(_update_sql(connection.dialect, table, changed, once),
                               parameters)


def among(connection: Connection, column: Column, values: Collection[Any]
          ) -> ColumnElement[bool]:
    """``column IN values``; on PostgreSQL ``column = ANY(array)``, whose text is the same
    however many values there are, so it is parsed once rather than for every batch."""
    if connection.dialect.name != "postgresql":
        return column.in_(values)
    return column == any_(bindparam(None, list(values), type_=postgresql.ARRAY(column.type)))


def _parameters(dialect: Dialect, table: Table, names: tuple[str, ...],
                rows: list[dict[str, Any]]) -> tuple[dict[str, Any], tuple[str, ...]]:
    """Each column's values converted by its type, as an array or, when every row has the
    same one, once; and which columns went once. The first column is always an array, so
    the statement has the batch's rows to unnest."""
    parameters: dict[str, Any] = {}
    once: list[str] = []
    for position, name in enumerate(names):
        convert = table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
        values = [row[name] for row in rows]
        # The last row settles most columns that differ without comparing every row.
        first = values[0]
        if position and values[-1] == first and values.count(first) == len(values):
            once.append(name)
            parameters[name] = first if convert is None else convert(first)
        else:
            parameters[name] = values if convert is None else [convert(v) for v in values]
    return parameters, tuple(once)


# The statements below are built only from the table's metadata, every name quoted by the
# dialect; values travel as parameters.


@lru_cache(maxsize=64)
def _insert_sql(dialect: Dialect, table: Table, names: tuple[str, ...], once: tuple[str, ...],
                returning: tuple[str, ...], skip_existing: tuple[str, ...]) -> str:
    quote = dialect.identifier_preparer.quote
    target = dialect.identifier_preparer.format_table(table)
    columns = ", ".join(map(quote, names))
    values = ", ".join(_value(dialect, table, name, once) for name in names)
    given = _unnest(dialect, table, [name for name in names if name not in once])
    sql = f"INSERT INTO {target} ({columns}) SELECT {values} FROM {given}"  # noqa: S608  # nosec B608
    if skip_existing:
        sql += f" ON CONFLICT ({', '.join(map(quote, skip_existing))}) DO NOTHING"
    return f"{sql} RETURNING {', '.join(map(quote, returning))}"


@lru_cache(maxsize=64)
def _update_sql(dialect: Dialect, table: Table, changed: tuple[str, ...],
                once: tuple[str, ...]) -> str:
    quote = dialect.identifier_preparer.quote
    target = dialect.identifier_preparer.format_table(table)
    changes = ", ".join(f"{quote(name)} = {_value(dialect, table, name, once)}"
                        for name in changed)
    given = _unnest(dialect, table, ["id", *(name for name in changed if name not in once)])
    return f"UPDATE {target} SET {changes} FROM {given} WHERE {target}.id = given.id"  # noqa: S608  # nosec B608


def _value(dialect: Dialect, table: Table, name: str, once: tuple[str, ...]) -> str:
    """The column's value in a row: its one parameter, or its field of the unnested row."""
    if name in once:
        return f"%({name})b::{table.c[name].type.compile(dialect=dialect)}"
    return f"given.{dialect.identifier_preparer.quote(name)}"


def _unnest(dialect: Dialect, table: Table, names: list[str]) -> str:
    """``unnest(%(a)b::type[], ...) AS given(a, ...)``: the rows back from their arrays.

    ``%b`` has psycopg send each array in binary, read by the server as the column's type.
    """
    quote = dialect.identifier_preparer.quote
    arrays = ", ".join(f"%({name})b::{table.c[name].type.compile(dialect=dialect)}[]"
                       for name in names)
    return f"unnest({arrays}) AS given({', '.join(map(quote, names))})"
