"""Reading the audit trail: "who has looked at my information" for patients, and the audit
log search for practice admins (itself audited: searching the log reads patient data)."""

from __future__ import annotations

from flask import Blueprint, render_template, request, url_for
from wtforms import SelectChoice

from webapp.access import ADMINS, PATIENT, allow, current_patient, signed_in_user
from webapp.audit import queries
from webapp.audit.forms import AuditSearchForm
from webapp.audit.service import record
from webapp.extensions import db
from webapp.models import AuditEvent

bp = Blueprint("audit", __name__, template_folder="templates")

# What staff did, in words for the person whose information it was.
_DONE = {"viewed": "Looked at", "changed": "Changed", "created": "Created",
         "shared": "Shared", "searched": "Searched", "downloaded": "Downloaded",
         "closed": "Closed", "exported": "Exported", "imported": "Imported",
         "turned off": "Turned off", "turned on": "Turned on", "reset": "Reset"}


@bp.app_template_filter("audit_action")
def audit_action(event: AuditEvent) -> str:
    verb = _DONE.get(event.action, event.action.capitalize())
    return f"{verb} {event.subject}"


def _page_number() -> int:
    return request.args.get("page", 1, type=int) or 1


def _pagination(page: queries.Page, endpoint: str, **args) -> dict:
    return {
        "previous": {"href": url_for(endpoint, **args, page=page.number - 1),
                     "labelText": "Newer"} if page.has_previous else None,
        "next": {"href": url_for(endpoint, **args, page=page.number + 1),
                 "labelText": "Older"} if page.has_next else None,
    }


@bp.route("/account/who-has-looked")
@allow(PATIENT)
def who_has_looked():
    patient = current_patient()
    page = queries.access_to(patient, _page_number())
    return render_template("audit/who_has_looked.html", page=page,
                           pagination=_pagination(page, "audit.who_has_looked"))


@bp.route("/admin/audit-log")
@allow(ADMINS)
def search():
    admin = signed_in_user()
    practice = admin.practice
    form = AuditSearchForm(request.args)
    form.staff.choices = [SelectChoice("", "Anyone")] + [
        SelectChoice(str(person.id), f"{person.name} ({person.role.label})")
        for person in queries.staff_choices(practice.id)]
    if not form.validate():
        return render_template("audit/search.html", form=form, page=None), 400
    criteria = queries.Search(
        patient=form.patient.data or None,
        staff_id=int(form.staff.data) if form.staff.data else None,
        from_date=form.from_date.data, to_date=form.to_date.data)
    page = queries.search(practice.id, practice.time_zone, criteria, _page_number())
    record("searched", "audit log",
           patient=queries.single_patient(practice.id, criteria.patient))
    db.session.commit()
    args = {key: value for key, value in request.args.items() if key != "page" and value}
    return render_template("audit/search.html", form=form, page=page,
                           pagination=_pagination(page, "audit.search", **args))
