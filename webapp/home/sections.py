"""What the home page shows. Each capability contributes a section (its own template and
the data for it) so the home page grows with the product without knowing its details."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from webapp.models import Patient, User


@dataclass(frozen=True)
class Section:
    template: str
    context: dict[str, Any] = field(default_factory=dict)


PatientSource = Callable[[Patient], Section | None]
StaffSource = Callable[[User], Section | None]

# Filled by each domain package when its routes are imported (see register_* below).
_PATIENT_SOURCES: list[PatientSource] = []
_STAFF_SOURCES: list[StaffSource] = []


def patient_section(source: PatientSource) -> PatientSource:
    if source not in _PATIENT_SOURCES:
        _PATIENT_SOURCES.append(source)
    return source


def staff_section(source: StaffSource) -> StaffSource:
    if source not in _STAFF_SOURCES:
        _STAFF_SOURCES.append(source)
    return source


def for_patient(patient: Patient) -> list[Section]:
    return [s for s in (source(patient) for source in _PATIENT_SOURCES) if s is not None]


def for_staff(user: User) -> list[Section]:
    return [s for s in (source(user) for source in _STAFF_SOURCES) if s is not None]
