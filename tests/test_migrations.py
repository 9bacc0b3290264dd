"""`flask db upgrade` builds the schema from nothing, and it matches the models exactly."""

import os
import subprocess
import sys

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.exc import DBAPIError

from tests.support.databases import fresh_database
from webapp.extensions import db


@pytest.fixture
def empty_database_url(tmp_path):
    with fresh_database("careplan_migrate", tmp_path) as url:
        yield url


def upgrade(database_url: str, tmp_path) -> None:
    env = {**os.environ, "DATABASE_URL": database_url,
           "INSTANCE_PATH": str(tmp_path / "instance")}
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "webapp", "db", "upgrade"],
                            env=env, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr


def test_migrations_build_the_schema_the_models_describe(app, empty_database_url, tmp_path):
    upgrade(empty_database_url, tmp_path)
    engine = create_engine(empty_database_url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, db.metadata)
    finally:
        engine.dispose()
    assert differences == [], differences


def test_migrated_indexes_have_the_conditions_and_options_the_models_give_them(
        app, empty_database_url, tmp_path):
    # compare_metadata does not look at an index's WHERE or storage options.
    upgrade(empty_database_url, tmp_path)
    engine = create_engine(empty_database_url)
    try:
        inspector = inspect(engine)
        dialect = engine.dialect.name
        for table in db.metadata.sorted_tables:
            migrated = {index["name"]: index.get("dialect_options", {})
                        for index in inspector.get_indexes(table.name)}
            for index in table.indexes:
                options = index.dialect_options[dialect]
                found = migrated.get(index.name, {})
                assert (options.get("where") is None) == (f"{dialect}_where" not in found), (
                    index.name)
                assert (options.get("with") or {}) == found.get(f"{dialect}_with", {}), (
                    index.name)
    finally:
        engine.dispose()


def test_a_migrated_database_refuses_to_change_or_delete_audit_events(empty_database_url,
                                                                       tmp_path):
    upgrade(empty_database_url, tmp_path)
    engine = create_engine(empty_database_url)
    try:
        with engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO practices (id, name, time_zone, created_at, "
                "closure_retention_years) VALUES (1, 'P', 'Europe/London', "
                "CURRENT_TIMESTAMP, 0)"))
            connection.execute(text(
                "INSERT INTO audit_events (practice_id, actor_role, action, subject, "
                "occurred_at) VALUES (1, 'clinician', 'viewed', 'patient record', "
                "CURRENT_TIMESTAMP)"))
        for statement in ("UPDATE audit_events SET action = 'changed'",
                          "DELETE FROM audit_events"):
            with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
                connection.execute(text(statement))
        with engine.connect() as connection:
            assert connection.execute(text("SELECT action FROM audit_events")).all() == [
                ("viewed",)]
    finally:
        engine.dispose()
