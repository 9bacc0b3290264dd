"""What the patient's own pages show, gathered in one place per page.

Everything starts from the signed-in patient's own record (access.current_patient), and
results are only ever the shared ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from webapp.models import Agenda, Patient, Review
from webapp.preparation import agendas
from webapp.preparation.agenda_rules import AgendaInput, AgendaOptions
from webapp.preparation.presenters import ResultCard, card_for
from webapp.preparation.prompts import by_section, prompts_of
from webapp.preparation.results import (
    latest_per_type,
    profile_of,
    read_results,
    results_of_patient,
    targets_for,
)
from webapp.results.assessment import format_number


@dataclass(frozen=True)
class ResultsPage:
    review: Review | None
    cards: list[ResultCard]
    on_agenda: frozenset[str] = frozenset()
    editable: bool = False


def results_page(patient: Patient, now: datetime | None = None) -> ResultsPage:
    review = agendas.current_review(patient)
    if review is None:
        return ResultsPage(None, [])
    visible = results_of_patient(patient.id, shared_only=True)
    readings = read_results(patient, latest_per_type(visible), visible, profile_of(patient),
                            targets_for(patient))
    agenda = agendas.agenda_of(review)
    on_agenda = frozenset(r.result_code for r in agenda.results) if agenda else frozenset()
    return ResultsPage(review, [card_for(r) for r in readings], on_agenda,
                       agendas.can_edit(review, now))


def results_json(page: ResultsPage) -> dict[str, Any]:
    """The same results as data: only what the page shows, so only what was shared."""
    def value(reading) -> dict[str, Any]:
        v = reading.value
        if v.systolic is not None:
            return {"systolic": v.systolic, "diastolic": v.diastolic}
        if v.category is not None:
            return {"category": v.category}
        return {"number": format_number(v.number)}

    results = []
    for card in page.cards:
        reading, assessment = card.reading, card.assessment
        change = assessment.change
        results.append({
            "code": reading.spec.code,
            "name": reading.spec.name,
            "unit": reading.spec.unit,
            "takenOn": reading.result.taken_on.isoformat(),
            "value": value(reading),
            "inWords": assessment.value_words,
            "status": assessment.status.value,
            "statusInWords": assessment.status_words,
            "target": assessment.target_words,
            "previous": {"takenOn": change.previous_on.isoformat(),
                         "inWords": card.previous_words} if change else None,
            "changeInWords": assessment.change_words,
            "onAgenda": reading.spec.code in page.on_agenda,
        })
    review = page.review
    return {
        "review": {
            "sharedAt": review.shared_at.isoformat() if review and review.shared_at else None,
            "conversationAt": review.conversation_at.isoformat()
            if review and review.conversation_at else None,
        } if review else None,
        "results": results,
    }


@dataclass(frozen=True)
class AgendaPage:
    review: Review | None
    agenda: Agenda | None = None
    options: AgendaOptions | None = None
    sections: dict = field(default_factory=dict)
    data: AgendaInput | None = None
    editable: bool = False


def agenda_page(patient: Patient, now: datetime | None = None) -> AgendaPage:
    review = agendas.current_review(patient)
    if review is None:
        return AgendaPage(None)
    agenda = agendas.agenda_of(review)
    return AgendaPage(review=review, agenda=agenda, options=agendas.options_for(review),
                      sections=by_section(prompts_of(review.practice_id)),
                      data=agendas.input_of(agenda), editable=agendas.can_edit(review, now))
