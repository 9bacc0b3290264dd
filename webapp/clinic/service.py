"""What staff do to a review: schedule it, enter its results, prepare it (triage), share
it with the patient and close it; and the patient's conditions that targets depend on.

Callers pass reviews and patients they fetched through access.py's scoped helpers; these
functions add rows to the session and the route commits with its audit record.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import select

from webapp.content import result_catalogue as catalogue
from webapp.extensions import db
from webapp.models import (
    ClinicalProfile,
    Patient,
    PreparationNote,
    Result,
    Review,
    Role,
    User,
    utcnow,
)
from webapp.models.results import canonical
from webapp.preparation import prompts
from webapp.preparation.results import (
    latest_per_type,
    profile_of,
    record_result,
    share_review,
)
from webapp.results.assessment import (
    FIELD_DIASTOLIC,
    FIELD_ITEM_9,
    FIELD_SYSTOLIC,
    FIELD_VALUE,
    PHQ9_ANSWERS,
    ResultSpec,
    ResultValue,
    ValueKind,
    format_number,
    parse_and_check,
)

# --- scheduling ------------------------------------------------------------------------------


def at(day: date | None, moment: time | None, zone: str) -> datetime | None:
    """A day and time on the practice's clock, as an instant in UTC."""
    if day is None or moment is None:
        return None
    return datetime.combine(day, moment, tzinfo=ZoneInfo(zone)).astimezone(UTC)


def local_parts(instant: datetime | None, zone: str) -> tuple[date | None, time | None]:
    if instant is None:
        return None, None
    local = instant.astimezone(ZoneInfo(zone))
    return local.date(), local.time().replace(second=0, microsecond=0)


def schedule_review(patient: Patient, *, gathering_at: datetime | None,
                    conversation_at: datetime, clinician: User | None, by: User) -> Review:
    review = Review(practice_id=patient.practice_id, patient_id=patient.id,
                    clinician_id=clinician.id if clinician else None,
                    gathering_at=gathering_at, conversation_at=conversation_at,
                    created_by_id=by.id)
    db.session.add(review)
    db.session.flush()
    return review


def reschedule(review: Review, *, gathering_at: datetime | None, conversation_at: datetime,
               clinician: User | None) -> None:
    review.gathering_at = gathering_at
    review.conversation_at = conversation_at
    review.clinician_id = clinician.id if clinician else None
    db.session.flush()


def clinicians_of(practice_id: int) -> list[User]:
    return list(db.session.scalars(select(User).where(
        User.practice_id == practice_id, User.role == Role.CLINICIAN,
        User.is_disabled.is_(False)).order_by(User.name)))


# --- results entry ---------------------------------------------------------------------------

SEPARATOR = "--"


def form_name(spec: ResultSpec, part: str = FIELD_VALUE) -> str:
    """The form field for one part of a result: "hba1c", "blood-pressure--systolic"."""
    return spec.code if part == FIELD_VALUE else f"{spec.code}{SEPARATOR}{part.replace('_', '-')}"


def parts_of(spec: ResultSpec) -> tuple[str, ...]:
    if spec.kind is ValueKind.BLOOD_PRESSURE:
        return (FIELD_SYSTOLIC, FIELD_DIASTOLIC)
    if spec.has_item_9:
        return (FIELD_VALUE, FIELD_ITEM_9)
    return (FIELD_VALUE,)


def entry_order(profile: ClinicalProfile | None) -> tuple[list[ResultSpec], list[ResultSpec]]:
    """Result types for the patient's conditions first, then the rest, catalogue order."""
    conditions = set(profile.conditions or ()) if profile else set()
    if not conditions:
        return list(catalogue.RESULT_TYPES), []
    if profile and profile.type_1_diabetes:
        conditions.add("diabetes")
    conditions.add("general")
    first = [s for s in catalogue.RESULT_TYPES if s.conditions & conditions]
    rest = [s for s in catalogue.RESULT_TYPES if not s.conditions & conditions]
    return first, rest


def review_results(review: Review) -> dict[str, Result]:
    """The review's own results, the latest of each type."""
    rows = db.session.scalars(select(Result).where(Result.review_id == review.id))
    return {r.result_code: r for r in latest_per_type(rows)}


def raw_values(result: Result) -> dict[str, str]:
    """A stored result as the entry form's fields."""
    spec = catalogue.get(result.result_code)
    if spec.kind is ValueKind.BLOOD_PRESSURE:
        return {form_name(spec, FIELD_SYSTOLIC): str(result.systolic),
                form_name(spec, FIELD_DIASTOLIC): str(result.diastolic)}
    if spec.kind is ValueKind.CATEGORY:
        return {form_name(spec): result.category or ""}
    values = {form_name(spec): format_number(canonical(result.number))}  # type: ignore[arg-type]
    if spec.has_item_9 and result.item_9 is not None:
        values[form_name(spec, FIELD_ITEM_9)] = str(result.item_9)
    return values


@dataclass(frozen=True)
class EntryProblem:
    field: str
    message: str


@dataclass(frozen=True)
class ResultsEntry:
    values: dict[str, ResultValue]  # code -> value to store
    removals: list[str]  # codes whose unshared result staff cleared


def read_results_form(form: Mapping[str, str], existing: Mapping[str, Result]) -> \
        ResultsEntry | list[EntryProblem]:
    """Every result typed on the entry form, checked against the catalogue's entry
    ranges. A type left empty is skipped; clearing a result that was entered before removes
    it, unless the patient has already been shown it."""
    values: dict[str, ResultValue] = {}
    removals: list[str] = []
    problems: list[EntryProblem] = []
    for spec in catalogue.RESULT_TYPES:
        names = {part: form_name(spec, part) for part in parts_of(spec)}
        raw = {part: (form.get(name) or "").strip() for part, name in names.items()}
        main = [part for part in raw if part != FIELD_ITEM_9]
        if not any(raw[part] for part in main):
            held = existing.get(spec.code)
            if held is not None and held.shared_at is not None:
                problems.append(EntryProblem(names[main[0]], (
                    f"{spec.name} has been shared with the patient, so it cannot be removed. "
                    "Correct the value instead.")))
            elif held is not None:
                removals.append(spec.code)
            continue
        parsed = parse_and_check(spec, raw)
        if isinstance(parsed, ResultValue):
            values[spec.code] = parsed
        else:
            problems.extend(EntryProblem(names.get(error.field, names[main[0]]), error.message)
                            for error in parsed)
    return problems or ResultsEntry(values, removals)


def save_results(review: Review, patient: Patient, entry: ResultsEntry, taken_on: date,
                 existing: Mapping[str, Result], by: User) -> tuple[int, int]:
    """Store the form's results on the review; returns (added or changed, removed).
    New results take the form's date; results already on the review keep theirs."""
    before = {code: raw_values(result) for code, result in existing.items()}
    changed = 0
    for code, value in entry.values.items():
        spec = catalogue.get(code)
        held = existing.get(code)
        day = held.taken_on if held is not None else taken_on
        result = record_result(patient, spec, value, day, by=by, review=review)
        if held is None or raw_values(result) != before.get(code):
            changed += 1
    for code in entry.removals:
        db.session.delete(existing[code])
    db.session.flush()
    return changed, len(entry.removals)


def category_choices(spec: ResultSpec) -> list[tuple[str, str]]:
    return [("", "Not recorded"), *((c.code, c.label) for c in spec.categories)]


def item_9_choices() -> list[tuple[str, str]]:
    return [("", "Not recorded"), *((str(i), f"{i}: {words}")
                                    for i, words in enumerate(PHQ9_ANSWERS))]


# --- triage, sharing and closing -------------------------------------------------------------


def preparation_note(review: Review) -> PreparationNote | None:
    return db.session.scalar(select(PreparationNote).where(
        PreparationNote.review_id == review.id))


def save_preparation(review: Review, *, notes: str, clinician: User | None, triaged: bool,
                     by: User, now: datetime | None = None) -> PreparationNote:
    now = now or utcnow()
    note = preparation_note(review)
    if note is None:
        note = PreparationNote(practice_id=review.practice_id, patient_id=review.patient_id,
                               review_id=review.id)
        db.session.add(note)
    note.text = notes
    note.updated_at, note.updated_by_id = now, by.id
    if triaged and note.triaged_at is None:
        note.triaged_at, note.triaged_by_id = now, by.id
    elif not triaged:
        note.triaged_at = note.triaged_by_id = None
    review.clinician_id = clinician.id if clinician else review.clinician_id
    db.session.flush()
    return note


def share(review: Review, by: User) -> int:
    """Share the review's results and agenda prompts with the patient."""
    prompts.ensure_default_prompts(review.practice_id)
    return share_review(review, by)


def finish_conversation(review: Review, now: datetime | None = None) -> None:
    """The conversation has happened: the agenda is closed and the review is done."""
    review.conversation_done_at = now or utcnow()
    db.session.flush()


# --- the patient's conditions ----------------------------------------------------------------

NON_HDL = catalogue.NON_HDL_CHOLESTEROL.code


def save_profile(patient: Patient, *, conditions: Sequence[str], type_1_diabetes: bool,
                 on_hypo_causing_drug: bool, established_cvd: bool,
                 family_background: str | None, non_hdl_baseline: str | None,
                 by: User) -> ClinicalProfile:
    profile = profile_of(patient)
    if profile is None:
        profile = ClinicalProfile(practice_id=patient.practice_id, patient_id=patient.id)
        db.session.add(profile)
    known = [code for code in catalogue.CONDITIONS if code in set(conditions)]
    if type_1_diabetes and "diabetes" not in known:
        known.insert(0, "diabetes")
    profile.conditions = known
    profile.type_1_diabetes = type_1_diabetes
    profile.on_hypo_causing_drug = on_hypo_causing_drug
    profile.established_cvd = established_cvd
    profile.family_background = family_background or None
    baselines = dict(profile.treatment_baselines or {})
    if non_hdl_baseline:
        baselines[NON_HDL] = non_hdl_baseline
    else:
        baselines.pop(NON_HDL, None)
    profile.treatment_baselines = baselines
    profile.updated_at, profile.updated_by_id = utcnow(), by.id
    db.session.flush()
    return profile
