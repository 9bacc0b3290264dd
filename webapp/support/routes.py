"""The practice's directory of support and services, kept by practice admins and offered in
the care plan editor ("more than medicine": link workers, courses, groups...)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from webapp.access import ADMINS, allow, practice_object_or_404, signed_in_user
from webapp.extensions import db
from webapp.models import SupportService
from webapp.support.forms import SupportServiceForm

bp = Blueprint("support", __name__, url_prefix="/admin/support-services",
               template_folder="templates")


@bp.route("", methods=["GET", "POST"])
@allow(ADMINS)
def index():
    admin = signed_in_user()
    form = SupportServiceForm()
    if form.validate_on_submit():
        db.session.add(SupportService(practice_id=admin.practice_id, name=form.name.data,
                                      description=form.description.data or "",
                                      contact=form.contact.data or "",
                                      is_active=form.is_active.data))
        db.session.commit()
        flash(f"{form.name.data} added to your directory.", "success")
        return redirect(url_for("support.index"), 303)
    services = db.session.scalars(select(SupportService).where(
        SupportService.practice_id == admin.practice_id).order_by(SupportService.name)).all()
    status = 400 if request.method == "POST" else 200
    return render_template("support/index.html", services=services, form=form), status


@bp.route("/<int:service_id>", methods=["GET", "POST"])
@allow(ADMINS)
def edit(service_id: int):
    service = practice_object_or_404(SupportService, service_id)
    form = SupportServiceForm(obj=service)
    if form.validate_on_submit():
        form.populate_obj(service)
        db.session.commit()
        flash(f"{service.name} saved.", "success")
        return redirect(url_for("support.index"), 303)
    return render_template("support/edit.html", form=form, service=service), \
        200 if not form.errors else 400
