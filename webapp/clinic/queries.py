"""What the clinician's pages show: the list of upcoming reviews with where each one's
preparation is, and everything about one review (results, flags, agenda).

Reviews are always fetched through access.scoped_to_patients, so a list can only hold the
signed-in member of staff's own practice. Each page runs a fixed number of queries however
many reviews or results there are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from webapp.access import scoped_to_patients
from webapp.careplans.checkins import latest_check_in, patients_asking_for_change
from webapp.extensions import db
from webapp.models import (
    Agenda,
    AgendaPrompt,
    CarePlan,
    CheckIn,
    Patient,
    PreparationNote,
    Result,
    Review,
    User,
    utcnow,
)
from webapp.preparation import agendas
from webapp.preparation.agenda_rules import AgendaInput, AgendaOptions
from webapp.preparation.presenters import ResultCard, card_for
from webapp.preparation.prompts import by_section, prompts_of
from webapp.preparation.results import (
    flags_for,
    latest_per_type,
    profile_of,
    profiles_of,
    read_results,
    results_of_patient,
    results_of_patients,
    targets_for,
)
from webapp.results.assessment import Flag, Urgency
from webapp.tracking import service as tracking
from webapp.tracking.service import ActionProgress

# --- the review list -------------------------------------------------------------------------

LIST_LIMIT = 200


@dataclass(frozen=True)
class ReviewRow:
    review: Review
    patient: Patient
    results_entered: int
    results_unshared: int
    flags: list[tuple[Result, Flag]]
    agenda_flags: list[str]
    triaged: bool
    asks_for_change: bool = False

    @property
    def same_day_flags(self) -> int:
        return sum(1 for _, flag in self.flags if flag.urgency is Urgency.SAME_DAY)

    @property
    def results_shared(self) -> bool:
        return self.review.shared_at is not None

    @property
    def agenda_sent(self) -> bool:
        return self.review.agenda_submitted_at is not None


def upcoming_reviews(user: User, *, mine_only: bool = False,
                     limit: int = LIST_LIMIT) -> list[ReviewRow]:
    """Reviews not yet done, soonest conversation first (unscheduled last)."""
    stmt = scoped_to_patients(
        select(Review).options(joinedload(Review.patient), joinedload(Review.clinician))
        .where(Review.practice_id == user.practice_id, Review.conversation_done_at.is_(None)),
        Review.patient_id)
    if mine_only:
        stmt = stmt.where(Review.clinician_id == user.id)
    stmt = stmt.order_by(Review.conversation_at.is_(None), Review.conversation_at, Review.id)
    reviews = list(db.session.scalars(stmt.limit(limit)).unique())
    return rows_for(reviews)


def rows_for(reviews: list[Review]) -> list[ReviewRow]:
    patient_ids = [r.patient_id for r in reviews]
    results = results_of_patients(patient_ids)
    profiles = profiles_of(patient_ids)
    review_ids = [r.id for r in reviews]
    agenda_rows = db.session.scalars(
        select(Agenda).where(Agenda.review_id.in_(review_ids))
        .options(selectinload(Agenda.entries), selectinload(Agenda.priorities))
    ) if review_ids else []
    by_review = {a.review_id: a for a in agenda_rows}
    notes = {n.review_id: n for n in db.session.scalars(
        select(PreparationNote).where(PreparationNote.review_id.in_(review_ids)))} \
        if review_ids else {}
    practice_ids = {r.practice_id for r in reviews}
    prompts = {p.id: p for p in db.session.scalars(
        select(AgendaPrompt).where(AgendaPrompt.practice_id.in_(practice_ids)))} \
        if practice_ids else {}
    asking = set().union(*(patients_asking_for_change(p) for p in practice_ids)) \
        if practice_ids else set()
    rows = []
    for review in reviews:
        history = results[review.patient_id]
        own = [r for r in history if r.review_id == review.id]
        note = notes.get(review.id)
        rows.append(ReviewRow(
            review=review, patient=review.patient,
            results_entered=len(own),
            results_unshared=sum(1 for r in own if r.shared_at is None),
            flags=flags_for(review.patient, own, history, profiles.get(review.patient_id)),
            agenda_flags=agendas.flagged_topics(by_review.get(review.id), prompts)
            if review.agenda_submitted_at else [],
            triaged=bool(note and note.triaged_at),
            asks_for_change=review.patient_id in asking,
        ))
    return rows


def reviews_of_patient(patient: Patient) -> list[Review]:
    return list(db.session.scalars(
        select(Review).where(Review.patient_id == patient.id)
        .order_by(Review.conversation_at.desc(), Review.id.desc())))


# --- one review ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewDetail:
    review: Review
    patient: Patient
    cards: list[ResultCard]  # the review's results, read against the patient's targets
    unshared: int
    note: PreparationNote | None
    agenda: Agenda | None
    agenda_flags: list[str] = field(default_factory=list)

    @property
    def flags(self) -> list[tuple[Result, Flag]]:
        found = [(card.result, flag) for card in self.cards for flag in card.reading.flags]
        found.sort(key=lambda pair: pair[1].urgency is not Urgency.SAME_DAY)
        return found

    @property
    def same_day_flags(self) -> list[tuple[Result, Flag]]:
        return [pair for pair in self.flags if pair[1].urgency is Urgency.SAME_DAY]


def review_detail(review: Review) -> ReviewDetail:
    patient = review.patient
    history = results_of_patient(patient.id, shared_only=False)
    own = latest_per_type(r for r in history if r.review_id == review.id)
    readings = read_results(patient, own, history, profile_of(patient), targets_for(patient))
    agenda = agendas.agenda_of(review)
    prompts = {p.id: p for p in prompts_of(review.practice_id, include_hidden=True)}
    return ReviewDetail(
        review=review, patient=patient, cards=[card_for(r) for r in readings],
        unshared=sum(1 for r in history if r.shared_at is None
                     and r.review_id in (review.id, None)),
        note=db.session.scalar(select(PreparationNote).where(
            PreparationNote.review_id == review.id)),
        agenda=agenda,
        agenda_flags=agendas.flagged_topics(agenda, prompts),
    )


@dataclass(frozen=True)
class AgendaView:
    """The agenda as the clinician reads it: priorities, then topics and words, then
    results with flags, then the last plan."""

    detail: ReviewDetail
    data: AgendaInput
    options: AgendaOptions
    sections: dict
    answers_by_prompt: dict[int, str]
    hidden_answers: list[tuple[AgendaPrompt, str]]
    visible: bool  # sent, or the conversation has started (then the draft is all there is)
    talk_about: frozenset[str]
    last_plan: CarePlan | None
    last_plan_progress: list[ActionProgress]
    last_check_in: CheckIn | None
    care_plan_url: str


def agenda_view(review: Review, now: datetime | None = None) -> AgendaView:
    detail = review_detail(review)
    previous = last_plan(review)
    options = agendas.options_for(review)
    data = agendas.input_of(detail.agenda)
    visible = review.agenda_submitted_at is not None or not review.agenda_editable(now)
    # Answers to prompts the practice has since hidden are still the patient's words.
    hidden = []
    if detail.agenda is not None:
        shown = set(options.questions) | set(options.topics)
        hidden = [(entry.prompt, entry.words) for entry in detail.agenda.entries
                  if entry.prompt_id not in shown and entry.words]
    return AgendaView(
        detail=detail, data=data, options=options,
        sections=by_section(prompts_of(review.practice_id)),
        answers_by_prompt=dict(data.answers),
        hidden_answers=hidden, visible=visible,
        talk_about=frozenset(data.results),
        last_plan=previous,
        last_plan_progress=tracking.plan_progress(previous, review.patient) if previous else [],
        last_check_in=latest_check_in(previous) if previous else None,
        care_plan_url=url_for("careplans.edit", review_id=review.id),
    )


def last_plan(review: Review) -> CarePlan | None:
    """The patient's most recent care plan from before this review, if there is one."""
    return db.session.scalar(
        select(CarePlan).where(CarePlan.patient_id == review.patient_id,
                               (CarePlan.review_id != review.id) | CarePlan.review_id.is_(None),
                               CarePlan.created_at <= (review.conversation_at or utcnow()))
        .order_by(CarePlan.created_at.desc(), CarePlan.id.desc()).limit(1))
