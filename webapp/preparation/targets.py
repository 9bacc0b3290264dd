"""Setting targets: what a practice admin or clinician types, read into a Target, and
stored as a practice's target or a patient's own. Pure reading first, then the database.

Targets a person can set: for numbers and scores a highest value, a lowest value, or both
(a range); for blood pressure a top and bottom number to stay below; for categories the
categories that meet it. The catalogue's reduction target (non-HDL cholesterol on a statin)
depends on the patient's value before treatment, so it is not offered here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from webapp.extensions import db
from webapp.models import Patient, PersonalTarget, PracticeTarget, User, utcnow
from webapp.models.results import canonical
from webapp.results.assessment import (
    EntryError,
    EntryRange,
    ResultSpec,
    Target,
    TargetKind,
    ValueKind,
    describe_target,
    format_number,
)

NUMBER_KINDS: tuple[tuple[TargetKind, str], ...] = (
    (TargetKind.AT_MOST, "This value or lower"),
    (TargetKind.BELOW, "Below this value"),
    (TargetKind.AT_LEAST, "This value or higher"),
    (TargetKind.BETWEEN, "Between two values"),
)
_NUMBER = re.compile(r"\d+(\.\d+)?")


def kinds_for(spec: ResultSpec) -> tuple[tuple[TargetKind, str], ...]:
    if spec.kind in (ValueKind.NUMBER, ValueKind.SCORE):
        return NUMBER_KINDS
    if spec.kind is ValueKind.BLOOD_PRESSURE:
        return ((TargetKind.BP_BELOW, "Below a top and bottom number"),)
    return ((TargetKind.ONE_OF, "One of these results"),)


def parse_target(spec: ResultSpec, raw: Mapping[str, str | Sequence[str] | None]) -> \
        Target | list[EntryError]:
    """Read a target from form fields: "kind", "low", "high" (numbers and scores);
    "systolic", "diastolic" (blood pressure); "categories" (a list, for categories)."""
    if spec.kind is ValueKind.BLOOD_PRESSURE:
        return _blood_pressure(spec, raw)
    if spec.kind is ValueKind.CATEGORY:
        chosen = raw.get("categories") or []
        chosen = [chosen] if isinstance(chosen, str) else list(chosen)
        known = {c.code for c in spec.categories}
        picked = [code for code in chosen if code in known]
        if not picked:
            return [EntryError("categories", "Select at least one result that meets the "
                                             "target")]
        return Target.one_of(*picked)

    kind_text = _text(raw.get("kind"))
    kind = next((k for k, _ in NUMBER_KINDS if k.value == kind_text), None)
    if kind is None:
        return [EntryError("kind", "Select what kind of target this is")]
    errors: list[EntryError] = []
    assert spec.entry_range is not None  # noqa: S101 - numbers and scores have one  # nosec B101
    low = high = None
    if kind in (TargetKind.AT_LEAST, TargetKind.BETWEEN):
        low = _number(spec, spec.entry_range, raw.get("low"), "low", "lowest value", errors)
    if kind in (TargetKind.AT_MOST, TargetKind.BELOW, TargetKind.BETWEEN):
        high = _number(spec, spec.entry_range, raw.get("high"), "high", "highest value", errors)
    if errors:
        return errors
    if kind is TargetKind.BETWEEN:
        if low >= high:  # type: ignore[operator]
            return [EntryError("high", "The highest value must be more than the lowest value")]
        return Target.between(low, high)  # type: ignore[arg-type]
    if kind is TargetKind.AT_LEAST:
        return Target.at_least(low)  # type: ignore[arg-type]
    if kind is TargetKind.BELOW:
        return Target.below(high)  # type: ignore[arg-type]
    return Target.at_most(high)  # type: ignore[arg-type]


def _text(value) -> str:
    if isinstance(value, list | tuple):
        value = value[0] if value else ""
    return (value or "").strip()


def _number(spec: ResultSpec, bounds: EntryRange, value, field: str, words: str,
            errors: list[EntryError]) -> Decimal | None:
    text = _text(value)
    if not text:
        errors.append(EntryError(field, f"Enter the {words}, like {spec.example}"))
        return None
    if not _NUMBER.fullmatch(text):
        errors.append(EntryError(field, f"The {words} must be a number, like {spec.example}"))
        return None
    number = canonical(Decimal(text))
    places = max(0, -number.as_tuple().exponent)  # type: ignore[operator]
    if places > spec.decimals:
        detail = "a whole number" if spec.decimals == 0 else \
            f"a number with no more than {spec.decimals} decimal places"
        errors.append(EntryError(field, f"The {words} must be {detail}, like {spec.example}"))
        return None
    if not bounds.low <= number <= bounds.high:
        errors.append(EntryError(field, f"The {words} must be between "
                                        f"{format_number(bounds.low)} and "
                                        f"{format_number(bounds.high)}"))
        return None
    return number


def _blood_pressure(spec: ResultSpec, raw) -> Target | list[EntryError]:
    errors: list[EntryError] = []
    values = {}
    for field, bounds, words, example in (
        ("systolic", spec.systolic_range, "top number (systolic)", "140"),
        ("diastolic", spec.diastolic_range, "bottom number (diastolic)", "90"),
    ):
        text = _text(raw.get(field))
        if not text:
            errors.append(EntryError(field, f"Enter the {words}, like {example}"))
        elif not text.isascii() or not text.isdigit():
            errors.append(EntryError(field, f"The {words} must be a whole number, like "
                                            f"{example}"))
        elif not bounds.low <= int(text) <= bounds.high:  # type: ignore[union-attr]
            errors.append(EntryError(field, f"The {words} must be between {bounds.low} and "  # type: ignore[union-attr]
                                            f"{bounds.high}"))  # type: ignore[union-attr]
        else:
            values[field] = int(text)
    if errors:
        return errors
    if values["diastolic"] >= values["systolic"]:
        return [EntryError("diastolic", "The bottom number (diastolic) must be lower than the "
                                        "top number (systolic)")]
    return Target.bp_below(values["systolic"], values["diastolic"])


def fields_of(target: Target | None) -> dict[str, object]:
    """A target back into form fields, to start the form from what is set now."""
    if target is None:
        return {}
    return {
        "kind": target.kind.value,
        "low": format_number(target.low) if target.low is not None else "",
        "high": format_number(target.high) if target.high is not None else "",
        "systolic": str(target.systolic or ""),
        "diastolic": str(target.diastolic or ""),
        "categories": sorted(target.categories),
    }


# --- stored targets ------------------------------------------------------------------------


@dataclass(frozen=True)
class DefaultOption:
    """One of the catalogue's default targets and who it is for, for staff to read."""

    target_words: str
    basis: str


def default_options(spec: ResultSpec) -> list[DefaultOption]:
    return [DefaultOption(describe_target(option.target, spec), option.basis)
            for option in spec.targets]


def practice_target(practice_id: int, code: str) -> PracticeTarget | None:
    return db.session.scalar(select(PracticeTarget).where(
        PracticeTarget.practice_id == practice_id, PracticeTarget.result_code == code))


def set_practice_target(practice_id: int, spec: ResultSpec, target: Target | None,
                        by: User) -> None:
    """Set the practice's own target, or go back to the catalogue's (None)."""
    row = practice_target(practice_id, spec.code)
    if target is None:
        if row is not None:
            db.session.delete(row)
        db.session.flush()
        return
    if row is None:
        row = PracticeTarget(practice_id=practice_id, result_code=spec.code)
        db.session.add(row)
    row.take(target)
    row.set_by_id, row.set_at = by.id, utcnow()
    db.session.flush()


def personal_target(patient: Patient, code: str) -> PersonalTarget | None:
    return db.session.scalar(select(PersonalTarget).where(
        PersonalTarget.patient_id == patient.id, PersonalTarget.result_code == code))


def set_personal_target(patient: Patient, spec: ResultSpec, target: Target | None, by: User,
                        reason: str = "") -> None:
    """Agree a target with one patient, or go back to the practice's or default (None)."""
    row = personal_target(patient, spec.code)
    if target is None:
        if row is not None:
            db.session.delete(row)
        db.session.flush()
        return
    if row is None:
        row = PersonalTarget(practice_id=patient.practice_id, patient_id=patient.id,
                             result_code=spec.code)
        db.session.add(row)
    row.take(target)
    row.reason = reason
    row.set_by_id, row.set_at = by.id, utcnow()
    db.session.flush()
