"""`flask results sync-catalogue`: bring the result_types rows in line with the catalogue
after a release changes it (migration 0003 wrote the first set)."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from webapp.extensions import db
from webapp.preparation.results import sync_result_types


@click.group("results", help="The result catalogue.")
def results_cli() -> None:
    pass


@results_cli.command("sync-catalogue", help="Add or update result types from the catalogue.")
@with_appcontext
def sync_catalogue_command() -> None:
    added = sync_result_types()
    db.session.commit()
    click.echo(f"Result catalogue in step: {added} result type{'s' if added != 1 else ''} added.")
