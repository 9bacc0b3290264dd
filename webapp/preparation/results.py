"""Results in the database: storing them, sharing them with the patient, and reading them
against the patient's targets with the catalogue's rules.

The rules are the catalogue's (`webapp.content.result_catalogue`) and the reading is
`webapp.results.assessment`'s; this module only fetches what they need. Callers pass rows
they fetched through the scoped helpers in `webapp.access`, or a patient they already hold,
so nothing here can reach another practice's data by itself.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import or_, select, update

from webapp.content import result_catalogue as catalogue
from webapp.extensions import db
from webapp.models import (
    ClinicalProfile,
    Patient,
    PersonalTarget,
    PracticeTarget,
    Result,
    ResultSource,
    ResultType,
    Review,
    User,
    utcnow,
)
from webapp.models.results import canonical
from webapp.results.assessment import (
    Assessment,
    Flag,
    PatientContext,
    ResultSpec,
    ResultValue,
    Target,
    Urgency,
    ValueKind,
    assess,
    effective_target,
    red_flags,
)

# --- the catalogue as rows -----------------------------------------------------------------


def catalogue_rows() -> list[dict[str, object]]:
    return [{"code": spec.code, "name": spec.name, "unit": spec.unit, "kind": spec.kind.value,
             "position": index} for index, spec in enumerate(catalogue.RESULT_TYPES)]


def sync_result_types() -> int:
    """Make the result_types rows match the catalogue; returns how many were added.

    Rows are never deleted: results may refer to a type the catalogue later drops.
    """
    existing = {row.code: row for row in db.session.scalars(select(ResultType))}
    added = 0
    for values in catalogue_rows():
        row = existing.get(values["code"])  # type: ignore[arg-type]
        if row is None:
            db.session.add(ResultType(**values))
            added += 1
        else:
            for name, value in values.items():
                setattr(row, name, value)
    db.session.flush()
    return added


# --- values --------------------------------------------------------------------------------


def spec_of(result: Result) -> ResultSpec:
    return catalogue.get(result.result_code)


def value_of(result: Result) -> ResultValue:
    spec = spec_of(result)
    if spec.kind is ValueKind.BLOOD_PRESSURE:
        return ResultValue.of_blood_pressure(result.systolic, result.diastolic)  # type: ignore[arg-type]
    if spec.kind is ValueKind.CATEGORY:
        return ResultValue.of_category(result.category or "")
    return ResultValue(number=canonical(result.number),  # type: ignore[arg-type]
                       item_9=result.item_9)


def _store_value(result: Result, value: ResultValue) -> None:
    result.number = value.number
    result.systolic, result.diastolic = value.systolic, value.diastolic
    result.category = value.category
    result.item_9 = value.item_9


def record_result(patient: Patient, spec: ResultSpec, value: ResultValue, taken_on: date, *,
                  by: User, review: Review | None, source: ResultSource = ResultSource.ENTERED,
                  import_id: int | None = None, now: datetime | None = None) -> Result:
    """Store a result, or correct the one already recorded for that day.

    A correction to a result the patient can already see hides it again until the review
    is shared again, so the patient never reads a value staff have not released.
    """
    now = now or utcnow()
    result = db.session.scalar(select(Result).where(
        Result.patient_id == patient.id, Result.result_code == spec.code,
        Result.taken_on == taken_on))
    if result is None:
        result = Result(practice_id=patient.practice_id, patient_id=patient.id,
                        result_code=spec.code, taken_on=taken_on, source=source,
                        import_id=import_id, entered_by_id=by.id, entered_at=now,
                        review_id=review.id if review else None)
        _store_value(result, value)
        db.session.add(result)
    else:
        if review is not None and result.review_id != review.id:
            result.review_id = review.id
        if value_of(result) != value:
            _store_value(result, value)
            result.updated_at, result.updated_by_id = now, by.id
            result.shared_at = None
    db.session.flush()
    return result


# --- who sees what -------------------------------------------------------------------------


def results_of_patient(patient_id: int, *, shared_only: bool) -> list[Result]:
    """Every result of one patient, oldest first. Patients' pages pass shared_only=True."""
    stmt = select(Result).where(Result.patient_id == patient_id)
    if shared_only:
        stmt = stmt.where(Result.shared_at.is_not(None))
    return list(db.session.scalars(stmt.order_by(Result.taken_on, Result.id)))


def results_of_patients(patient_ids: Iterable[int]) -> dict[int, list[Result]]:
    """Every result of several patients in one query (the review list), oldest first."""
    ids = sorted(set(patient_ids))
    grouped: dict[int, list[Result]] = {pid: [] for pid in ids}
    if not ids:
        return grouped
    rows = db.session.scalars(select(Result).where(Result.patient_id.in_(ids))
                              .order_by(Result.taken_on, Result.id))
    for row in rows:
        grouped[row.patient_id].append(row)
    return grouped


def unshared_for_review(review: Review) -> list[Result]:
    """What sharing this review would release: its own results and any history that came
    in outside a review, not yet shared."""
    return list(db.session.scalars(select(Result).where(
        Result.patient_id == review.patient_id, Result.shared_at.is_(None),
        or_(Result.review_id == review.id, Result.review_id.is_(None)),
    ).order_by(Result.taken_on, Result.id)))


def share_review(review: Review, by: User, now: datetime | None = None) -> int:
    """Release the review's results (and unshared history) and its agenda prompts to the
    patient, recording who shared and when. Returns how many results were released."""
    now = now or utcnow()
    released = db.session.execute(
        update(Result).where(
            Result.patient_id == review.patient_id, Result.shared_at.is_(None),
            or_(Result.review_id == review.id, Result.review_id.is_(None)),
        ).values(shared_at=now).execution_options(synchronize_session=False))
    review.shared_at, review.shared_by_id = now, by.id
    db.session.flush()
    db.session.expire_all()
    return released.rowcount or 0


# --- targets and the patient's context -----------------------------------------------------


class TargetSource(enum.StrEnum):
    PERSONAL = "personal"
    PRACTICE = "practice"
    DEFAULT = "default"
    NONE = "none"


@dataclass(frozen=True)
class Targets:
    """The targets set in the database for one patient, by result code."""

    personal: dict[str, PersonalTarget] = field(default_factory=dict)
    practice: dict[str, PracticeTarget] = field(default_factory=dict)

    def choose(self, spec: ResultSpec, context: PatientContext) -> tuple[Target | None,
                                                                          TargetSource]:
        personal = self.personal.get(spec.code)
        practice = self.practice.get(spec.code)
        target = effective_target(
            spec, context,
            personal=personal.to_target("Personal target agreed with the patient")
            if personal else None,
            practice=practice.to_target("Practice target") if practice else None)
        if personal is not None:
            return target, TargetSource.PERSONAL
        if practice is not None:
            return target, TargetSource.PRACTICE
        return target, TargetSource.DEFAULT if target is not None else TargetSource.NONE


def targets_for(patient: Patient) -> Targets:
    personal = db.session.scalars(select(PersonalTarget).where(
        PersonalTarget.patient_id == patient.id))
    practice = db.session.scalars(select(PracticeTarget).where(
        PracticeTarget.practice_id == patient.practice_id))
    return Targets(personal={t.result_code: t for t in personal},
                   practice={t.result_code: t for t in practice})


def targets_for_patients(patients: Sequence[Patient]) -> dict[int, Targets]:
    """Targets for several patients of one practice in two queries (the review list)."""
    if not patients:
        return {}
    ids = [p.id for p in patients]
    personal: dict[int, dict[str, PersonalTarget]] = {pid: {} for pid in ids}
    for row in db.session.scalars(select(PersonalTarget).where(
            PersonalTarget.patient_id.in_(ids))):
        personal[row.patient_id][row.result_code] = row
    practice_ids = {p.practice_id for p in patients}
    practice: dict[int, dict[str, PracticeTarget]] = {pid: {} for pid in practice_ids}
    for row in db.session.scalars(select(PracticeTarget).where(
            PracticeTarget.practice_id.in_(practice_ids))):
        practice[row.practice_id][row.result_code] = row
    return {p.id: Targets(personal[p.id], practice[p.practice_id]) for p in patients}


def profile_of(patient: Patient) -> ClinicalProfile | None:
    return db.session.scalar(select(ClinicalProfile).where(
        ClinicalProfile.patient_id == patient.id))


def profiles_of(patient_ids: Iterable[int]) -> dict[int, ClinicalProfile]:
    ids = sorted(set(patient_ids))
    if not ids:
        return {}
    rows = db.session.scalars(select(ClinicalProfile).where(
        ClinicalProfile.patient_id.in_(ids)))
    return {row.patient_id: row for row in rows}


def age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def context_for(patient: Patient, profile: ClinicalProfile | None, results: Sequence[Result],
                on: date) -> PatientContext:
    """The patient's context on a day, from their profile and the results passed in (the
    latest urine ACR on or before that day sets the kidney blood pressure target)."""
    acr = [r for r in results if r.result_code == catalogue.URINE_ACR.code and r.taken_on <= on
           and r.number is not None]
    latest_acr = canonical(max(acr, key=lambda r: r.taken_on).number) if acr else None  # type: ignore[arg-type]
    if profile is None:
        return PatientContext(age=age_on(patient.date_of_birth, on), latest_acr=latest_acr)
    baselines = {code: Decimal(str(text)) for code, text in
                 (profile.treatment_baselines or {}).items() if text not in (None, "")}
    return PatientContext(
        age=age_on(patient.date_of_birth, on),
        conditions=frozenset(profile.conditions or ()),
        type_1_diabetes=profile.type_1_diabetes,
        on_hypo_causing_drug=profile.on_hypo_causing_drug,
        latest_acr=latest_acr,
        family_background=profile.family_background,
        established_cvd=profile.established_cvd,
        treatment_baselines=baselines,
    )


# --- reading results -----------------------------------------------------------------------


@dataclass(frozen=True)
class Reading:
    """One result read against the patient's target, with its history for a trend."""

    spec: ResultSpec
    result: Result
    value: ResultValue
    assessment: Assessment
    target_source: TargetSource
    # This result and every earlier one of the same type, oldest first.
    history: tuple[tuple[date, ResultValue], ...]

    @property
    def code(self) -> str:
        return self.spec.code

    @property
    def flags(self) -> tuple[Flag, ...]:
        return self.assessment.flags


def latest_per_type(results: Iterable[Result]) -> list[Result]:
    """The most recent result of each type, in catalogue order."""
    latest: dict[str, Result] = {}
    for result in results:
        held = latest.get(result.result_code)
        if held is None or (result.taken_on, result.id) > (held.taken_on, held.id):
            latest[result.result_code] = result
    return sorted(latest.values(), key=lambda r: catalogue_position(r.result_code))


def catalogue_position(code: str) -> int:
    codes = [spec.code for spec in catalogue.RESULT_TYPES]
    return codes.index(code) if code in codes else len(codes)


def read_results(patient: Patient, shown: Sequence[Result], history: Sequence[Result],
                 profile: ClinicalProfile | None, targets: Targets) -> list[Reading]:
    """Read each result in `shown` against the patient's target, comparing it with the
    earlier results in `history` (a patient's pages pass only what they may see)."""
    by_code: dict[str, list[Result]] = {}
    for result in history:
        by_code.setdefault(result.result_code, []).append(result)
    readings = []
    for result in shown:
        spec = spec_of(result)
        value = value_of(result)
        context = context_for(patient, profile, history, result.taken_on)
        target, source = targets.choose(spec, context)
        earlier = [(r.taken_on, value_of(r)) for r in by_code.get(spec.code, [])
                   if r.taken_on < result.taken_on]
        assessment = assess(spec, value, target, earlier, result.taken_on, context)
        trend = tuple(sorted([*earlier, (result.taken_on, value)], key=lambda pair: pair[0]))
        readings.append(Reading(spec, result, value, assessment, source, trend))
    return readings


def flags_for(patient: Patient, shown: Sequence[Result], history: Sequence[Result],
              profile: ClinicalProfile | None) -> list[tuple[Result, Flag]]:
    """Red flags on the results in `shown`, same-day ones first (targets play no part)."""
    found: list[tuple[Result, Flag]] = []
    for result in shown:
        spec = spec_of(result)
        context = context_for(patient, profile, history, result.taken_on)
        earlier = [(r.taken_on, value_of(r)) for r in history
                   if r.result_code == spec.code and r.taken_on < result.taken_on]
        found.extend((result, flag) for flag in
                     red_flags(spec, value_of(result), earlier, result.taken_on, context))
    found.sort(key=lambda pair: pair[1].urgency is not Urgency.SAME_DAY)
    return found
