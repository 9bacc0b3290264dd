"""Practice admin pages for preparing reviews: the agenda prompts patients get, and the
practice's own targets. Registered on the admin blueprint (imported by the app factory
before the blueprint is registered)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for

from webapp.access import ADMINS, allow, practice_object_or_404, signed_in_user
from webapp.accounts.forms import ConfirmForm
from webapp.admin.preparation_forms import PromptForm
from webapp.admin.routes import bp
from webapp.audit.service import record
from webapp.content import result_catalogue as catalogue
from webapp.extensions import db
from webapp.models import AgendaPrompt, PromptSection
from webapp.preparation import prompts as prompt_list
from webapp.preparation import targets as target_rules
from webapp.results.assessment import EntryError, describe_target

# --- agenda prompts --------------------------------------------------------------------------


@bp.route("/agenda-prompts")
@allow(ADMINS)
def prompts():
    practice_id = signed_in_user().practice_id
    prompt_list.ensure_default_prompts(practice_id)
    db.session.commit()
    grouped = prompt_list.by_section(prompt_list.prompts_of(practice_id, include_hidden=True))
    return render_template("admin/prompts.html", grouped=grouped, form=ConfirmForm())


def _change(form: PromptForm) -> prompt_list.PromptChange:
    return prompt_list.PromptChange(
        section=PromptSection(form.section.data), text=form.text.data,
        hint=form.hint.data or "", invites_words=form.invites_words.data,
        flag_for_clinician=form.flag_for_clinician.data)


@bp.route("/agenda-prompts/new", methods=["GET", "POST"])
@allow(ADMINS)
def new_prompt():
    form = PromptForm()
    if form.validate_on_submit():
        prompt_list.ensure_default_prompts(signed_in_user().practice_id)
        prompt_list.add_prompt(signed_in_user().practice_id, _change(form))
        db.session.commit()
        flash(f"Added \u201c{form.text.data}\u201d to the agenda.", "success")
        return redirect(url_for("admin.prompts"), 303)
    return render_template("admin/prompt.html", form=form, prompt=None), \
        200 if not form.errors else 400


@bp.route("/agenda-prompts/<int:prompt_id>", methods=["GET", "POST"])
@allow(ADMINS)
def edit_prompt(prompt_id: int):
    prompt = practice_object_or_404(AgendaPrompt, prompt_id)
    form = PromptForm(obj=prompt) if request.method == "GET" else PromptForm()
    if request.method == "GET":
        form.section.data = prompt.section.value
    if form.validate_on_submit():
        prompt_list.update_prompt(prompt, _change(form))
        db.session.commit()
        flash("The prompt has been changed. Patients see the new words from now on.",
              "success")
        return redirect(url_for("admin.prompts"), 303)
    return render_template("admin/prompt.html", form=form, prompt=prompt), \
        200 if not form.errors else 400


@bp.route("/agenda-prompts/<int:prompt_id>/change", methods=["POST"])
@allow(ADMINS)
def change_prompt(prompt_id: int):
    """Move a prompt up or down in its section, or hide it from patients or show it again."""
    prompt = practice_object_or_404(AgendaPrompt, prompt_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    action = request.form.get("action")
    if action in ("up", "down"):
        prompt_list.move_prompt(prompt, -1 if action == "up" else 1)
    elif action in ("hide", "show"):
        prompt_list.set_hidden(prompt, action == "hide")
        flash(f"\u201c{prompt.text}\u201d is {'hidden from' if action == 'hide' else 'shown to'} "
              "patients.", "success")
    else:
        abort(400)
    db.session.commit()
    return redirect(url_for("admin.prompts", _anchor=f"prompt-{prompt.id}"), 303)


# --- practice targets ------------------------------------------------------------------------


@bp.route("/targets")
@allow(ADMINS)
def targets():
    practice_id = signed_in_user().practice_id
    rows = []
    for spec in catalogue.RESULT_TYPES:
        own = target_rules.practice_target(practice_id, spec.code)
        rows.append((spec, describe_target(own.to_target(""), spec) if own else None,
                     target_rules.default_options(spec)))
    return render_template("admin/targets.html", rows=rows)


@bp.route("/targets/<result_code>", methods=["GET", "POST"])
@allow(ADMINS)
def edit_target(result_code: str):
    spec = catalogue.BY_CODE.get(result_code)
    if spec is None:
        abort(404)
    admin = signed_in_user()
    held = target_rules.practice_target(admin.practice_id, spec.code)
    raw = target_rules.fields_of(held.to_target("") if held else None)
    errors: list[EntryError] = []
    if request.method == "POST":
        if not ConfirmForm().validate_on_submit():
            abort(400)
        if request.form.get("action") == "remove":
            target_rules.set_practice_target(admin.practice_id, spec, None, admin)
            record("changed", "practice target", patient=None)
            db.session.commit()
            flash(f"{spec.name}: the practice now uses the default targets.", "success")
            return redirect(url_for("admin.targets"), 303)
        raw = {"kind": request.form.get("kind", ""), "low": request.form.get("low", ""),
               "high": request.form.get("high", ""),
               "systolic": request.form.get("systolic", ""),
               "diastolic": request.form.get("diastolic", ""),
               "categories": request.form.getlist("categories")}
        parsed = target_rules.parse_target(spec, raw)
        if isinstance(parsed, list):
            errors = parsed
        else:
            target_rules.set_practice_target(admin.practice_id, spec, parsed, admin)
            record("changed", "practice target", patient=None)
            db.session.commit()
            flash(f"{spec.name}: the practice's target is now "
                  f"{describe_target(parsed, spec)}.", "success")
            return redirect(url_for("admin.targets"), 303)
    return render_template(
        "admin/target.html", spec=spec, held=held, raw=raw,
        errors={e.field: e.message for e in reversed(errors)}, problems=errors,
        kinds=target_rules.kinds_for(spec), defaults=target_rules.default_options(spec),
    ), 200 if not errors else 400
