"""The patient's home page section: their next review and where their preparation is."""

from __future__ import annotations

from webapp.home import sections
from webapp.models import Patient
from webapp.preparation import agendas


def next_review_section(patient: Patient) -> sections.Section | None:
    review = agendas.next_review(patient)
    if review is None:
        return None
    shared = review.shared_at is not None
    return sections.Section("preparation/_home_next_review.html", {
        "next_review": review,
        "results_shared": shared,
        "agenda_sent": review.agenda_submitted_at is not None,
        "agenda_editable": agendas.can_edit(review),
        "agenda_started": shared and agendas.agenda_of(review) is not None,
    })


def register() -> None:
    sections.patient_section(next_review_section)
