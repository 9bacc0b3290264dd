"""Results: the result types as rows, each patient's results, the targets that practices and
clinicians set, and the clinical facts about a patient that default targets depend on.

The clinical rules themselves (ranges, bands, red flags, default targets) live in
`webapp.content.result_catalogue` as data and are never copied into the database: the
`result_types` rows only give results and targets something to refer to. They are written by
migration 0003 and kept in step by `webapp.preparation.results.sync_result_types()` (run by
`flask results sync-catalogue` and the demo seed), so a catalogue change never needs a
hand-written row.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Enum, ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from webapp.models.base import Base, utcnow
from webapp.models.people import Patient, User
from webapp.models.reviews import Review
from webapp.results.assessment import Target, TargetKind


def canonical(number: Decimal) -> Decimal:
    """A stored number as it was written: Numeric columns come back padded (4.800)."""
    normal = number.normalize()
    exponent = normal.as_tuple().exponent
    if isinstance(exponent, int) and exponent > 0:
        return normal.quantize(Decimal(1))
    return normal


def _enum(kind: type[enum.Enum], length: int = 20):
    return Enum(kind, native_enum=False, length=length,
                values_callable=lambda e: [m.value for m in e], validate_strings=True)


class ResultSource(enum.StrEnum):
    ENTERED = "entered"  # typed in by staff on the review's results page
    IMPORTED = "imported"  # from a CSV file


class ResultType(Base):
    """One entry of the result catalogue, by its code ("hba1c", "blood-pressure"...)."""

    __tablename__ = "result_types"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    unit: Mapped[str] = mapped_column(String(40), default="")
    kind: Mapped[str] = mapped_column(String(20))
    position: Mapped[int] = mapped_column(default=0)


class ResultImport(Base):
    """One CSV file that was imported whole (a file with any bad row imports nothing)."""

    __tablename__ = "result_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(ForeignKey("practices.id"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    row_count: Mapped[int]
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    imported_by: Mapped[User | None] = relationship()


class Result(Base):
    """One result for one patient on one day. Exactly one value shape is filled, as the
    result type's kind says (see assessment.ResultValue).

    `shared_at` is what makes a result visible to the patient: it is set when staff share
    a review, for that review's results and any earlier ones not yet shared. A result added
    after sharing stays hidden until the review is shared again.
    """

    __tablename__ = "results"
    __table_args__ = (UniqueConstraint("patient_id", "result_code", "taken_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(ForeignKey("practices.id"), index=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    # None for history that arrived outside any review (an import with no review open).
    review_id: Mapped[int | None] = mapped_column(ForeignKey("reviews.id"), index=True)
    result_code: Mapped[str] = mapped_column(ForeignKey("result_types.code"))
    taken_on: Mapped[date]
    number: Mapped[Decimal | None] = mapped_column(Numeric(12, 3))
    systolic: Mapped[int | None]
    diastolic: Mapped[int | None]
    category: Mapped[str | None] = mapped_column(String(40))
    item_9: Mapped[int | None]
    source: Mapped[ResultSource] = mapped_column(_enum(ResultSource), default=ResultSource.ENTERED)
    import_id: Mapped[int | None] = mapped_column(ForeignKey("result_imports.id"))
    entered_at: Mapped[datetime] = mapped_column(default=utcnow)
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime | None]
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    shared_at: Mapped[datetime | None] = mapped_column(index=True)

    review: Mapped[Review | None] = relationship()
    entered_by: Mapped[User | None] = relationship(foreign_keys=[entered_by_id])


class TargetColumns:
    """A target (see assessment.Target) as columns, shared by practice and personal targets.

    Only the kinds a person can set are stored: a number limit or range, a blood pressure
    limit, or the categories that meet the target. A reduction target needs the patient's
    value before treatment, so it stays with the catalogue's defaults.
    """

    kind: Mapped[TargetKind] = mapped_column(_enum(TargetKind))
    low: Mapped[Decimal | None] = mapped_column(Numeric(12, 3))
    high: Mapped[Decimal | None] = mapped_column(Numeric(12, 3))
    systolic: Mapped[int | None]
    diastolic: Mapped[int | None]
    categories: Mapped[list[str]] = mapped_column(JSON, default=list)
    set_at: Mapped[datetime] = mapped_column(default=utcnow)

    @declared_attr
    def set_by_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("users.id"))

    @declared_attr
    def set_by(cls) -> Mapped[User | None]:
        return relationship()

    def to_target(self, basis: str) -> Target:
        low = canonical(self.low) if self.low is not None else None
        high = canonical(self.high) if self.high is not None else None
        return Target(self.kind, low=low, high=high, systolic=self.systolic,
                      diastolic=self.diastolic, categories=frozenset(self.categories or ()),
                      basis=basis)

    def take(self, target: Target) -> None:
        self.kind = target.kind
        self.low, self.high = target.low, target.high
        self.systolic, self.diastolic = target.systolic, target.diastolic
        self.categories = sorted(target.categories)


class PracticeTarget(TargetColumns, Base):
    """A practice's own target for a result type, replacing the catalogue's defaults for
    all its patients (a personal target still comes first)."""

    __tablename__ = "practice_targets"
    __table_args__ = (UniqueConstraint("practice_id", "result_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(ForeignKey("practices.id"), index=True)
    result_code: Mapped[str] = mapped_column(ForeignKey("result_types.code"))


class PersonalTarget(TargetColumns, Base):
    """A target a clinician agreed with one patient."""

    __tablename__ = "personal_targets"
    __table_args__ = (UniqueConstraint("patient_id", "result_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(ForeignKey("practices.id"), index=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    result_code: Mapped[str] = mapped_column(ForeignKey("result_types.code"))
    # Why this target suits this person, for the next clinician to read.
    reason: Mapped[str] = mapped_column(Text, default="")


class ClinicalProfile(Base):
    """What a patient's default targets and bands depend on (see assessment.PatientContext):
    their long-term conditions and a few facts a clinician records."""

    __tablename__ = "clinical_profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(ForeignKey("practices.id"), index=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), unique=True)
    # Condition codes from result_catalogue.CONDITIONS.
    conditions: Mapped[list[str]] = mapped_column(JSON, default=list)
    type_1_diabetes: Mapped[bool] = mapped_column(default=False)
    on_hypo_causing_drug: Mapped[bool] = mapped_column(default=False)
    established_cvd: Mapped[bool] = mapped_column(default=False)
    # A code from result_catalogue.FAMILY_BACKGROUNDS, for BMI cut-offs only.
    family_background: Mapped[str | None] = mapped_column(String(40))
    # A result's value before treatment started, by result code, as text ("4.8").
    treatment_baselines: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    patient: Mapped[Patient] = relationship()
