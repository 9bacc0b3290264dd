"""Importing results from a file, for the healthcare assistants and clinicians who enter
them."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import Blueprint, flash, redirect, render_template, url_for

from webapp.access import CLINICAL_STAFF, allow, signed_in_user
from webapp.audit.service import record
from webapp.extensions import db
from webapp.interop import csv_results
from webapp.interop.forms import ResultsImportForm
from webapp.models import Patient, utcnow

bp = Blueprint("interop", __name__, url_prefix="/import", template_folder="templates")


@bp.route("/results", methods=["GET", "POST"])
@allow(CLINICAL_STAFF)
def import_results():
    form = ResultsImportForm()
    outcome = None
    if form.validate_on_submit():
        user = signed_in_user()
        upload = form.file.data
        outcome = csv_results.import_results(
            upload.read(csv_results.MAX_BYTES + 1), filename=upload.filename or "results.csv",
            practice_id=user.practice_id, by=user,
            today=utcnow().astimezone(ZoneInfo(user.practice.time_zone)).date())
        if outcome.ok:
            for patient_id in outcome.patients:
                record("created", "results", patient=db.session.get(Patient, patient_id))
            db.session.commit()
            count = len(outcome.patients)
            flash(f"Imported {outcome.imported} result{'s' if outcome.imported != 1 else ''} "
                  f"for {count} patient{'s' if count != 1 else ''}. They are not shared "
                  "with patients yet: share each review when it is ready.", "success")
            return redirect(url_for("interop.import_results"), 303)
        db.session.rollback()
    failed = bool(form.errors) or (outcome is not None and not outcome.ok)
    return render_template("interop/import_results.html", form=form, outcome=outcome,
                           columns=csv_results.COLUMNS), 400 if failed else 200
