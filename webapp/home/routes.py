"""The first page after signing in: what matters now, for patients and for staff."""

from __future__ import annotations

from flask import Blueprint, render_template

from webapp.access import EVERYONE_SIGNED_IN, allow, current_patient, signed_in_user
from webapp.home import sections
from webapp.models import Role
from webapp.shell.offline import offline_readable

bp = Blueprint("home", __name__, template_folder="templates")


@bp.route("/")
@allow(EVERYONE_SIGNED_IN)
@offline_readable
def index():
    user = signed_in_user()
    if user.role is Role.PATIENT:
        patient = current_patient()
        return render_template("home/patient.html", patient=patient,
                               sections=sections.for_patient(patient))
    return render_template("home/staff.html", user=user, sections=sections.for_staff(user))
