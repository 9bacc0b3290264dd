"""The patient's agenda in the database: which review it belongs to, saving drafts,
sending it, and the results the patient wants to talk about.

A patient's agenda belongs to their most recently shared review; before anything is shared
there is no agenda to write. It can be changed until the conversation starts
(`Review.agenda_editable`), before and after it is sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from webapp.content import result_catalogue as catalogue
from webapp.extensions import db
from webapp.models import (
    Agenda,
    AgendaEntry,
    AgendaPriority,
    AgendaPrompt,
    AgendaResult,
    Patient,
    PromptSection,
    Review,
    utcnow,
)
from webapp.preparation import prompts as prompt_list
from webapp.preparation.agenda_rules import (
    PRIORITY_COUNT,
    AgendaInput,
    AgendaOptions,
    Choice,
    PriorityInput,
)
from webapp.preparation.results import latest_per_type, results_of_patient


def current_review(patient: Patient) -> Review | None:
    """The review the patient is preparing for: the most recent one shared with them whose
    conversation has not happened yet, or else the most recent one shared."""
    return db.session.scalar(
        select(Review).where(Review.patient_id == patient.id, Review.shared_at.is_not(None))
        .order_by(Review.conversation_done_at.is_not(None), Review.created_at.desc(),
                  Review.id.desc()).limit(1))


def next_review(patient: Patient, now: datetime | None = None) -> Review | None:
    """The patient's next review (for the home page): the earliest not yet done."""
    reviews = db.session.scalars(
        select(Review).where(Review.patient_id == patient.id,
                             Review.conversation_done_at.is_(None))).all()
    if not reviews:
        return None
    far = datetime.max.replace(tzinfo=(now or utcnow()).tzinfo)
    return min(reviews, key=lambda r: (r.conversation_at or far, r.id))


def can_edit(review: Review, now: datetime | None = None) -> bool:
    return review.shared_at is not None and review.agenda_editable(now)


def agenda_of(review: Review) -> Agenda | None:
    return db.session.scalar(select(Agenda).where(Agenda.review_id == review.id))


def options_for(review: Review) -> AgendaOptions:
    """The prompts and results this patient's agenda offers."""
    prompts = prompt_list.prompts_of(review.practice_id)
    shared = latest_per_type(results_of_patient(review.patient_id, shared_only=True))
    return AgendaOptions(
        questions={p.id: p.text for p in prompts if not p.section.is_topics},
        topics={p.id: p.text for p in prompts if p.section.is_topics},
        words_topics=frozenset(p.id for p in prompts if p.section.is_topics
                               and p.invites_words),
        results={r.result_code: f"Your {catalogue.get(r.result_code).sentence_name} result"
                 for r in shared},
    )


def input_of(agenda: Agenda | None) -> AgendaInput:
    """What is stored, in the same shape the page and the rules use."""
    if agenda is None:
        return AgendaInput(priorities=tuple(PriorityInput(rank)
                                            for rank in range(1, PRIORITY_COUNT + 1)))
    answers, topics, topic_words = {}, set(), {}
    for entry in agenda.entries:
        if entry.prompt.section.is_topics:
            if entry.ticked:
                topics.add(entry.prompt_id)
            if entry.words:
                topic_words[entry.prompt_id] = entry.words
        elif entry.words:
            answers[entry.prompt_id] = entry.words
    stored = {p.rank: p for p in agenda.priorities}
    priorities = []
    for rank in range(1, PRIORITY_COUNT + 1):
        row = stored.get(rank)
        if row is None:
            priorities.append(PriorityInput(rank))
            continue
        choice = Choice.topic(row.prompt_id) if row.prompt_id else \
            Choice.result(row.result_code) if row.result_code else None
        priorities.append(PriorityInput(rank, choice, row.words))
    return AgendaInput(answers=answers, topics=frozenset(topics), topic_words=topic_words,
                       results=tuple(r.result_code for r in agenda.results),
                       priorities=tuple(priorities))


def _agenda_for_writing(review: Review, now: datetime) -> Agenda:
    agenda = agenda_of(review)
    if agenda is None:
        agenda = Agenda(practice_id=review.practice_id, patient_id=review.patient_id,
                        review_id=review.id, created_at=now, updated_at=now)
        db.session.add(agenda)
        db.session.flush()
    return agenda


def now_ms(now: datetime) -> int:
    return int(now.timestamp() * 1000)


@dataclass(frozen=True)
class SaveOutcome:
    saved: bool
    # True when the device sent an older version than the one stored.
    stale: bool = False


def save_agenda(review: Review, data: AgendaInput, options: AgendaOptions, *,
                edited_at_ms: int | None, now: datetime | None = None,
                draft: bool = False) -> SaveOutcome:
    """Store the agenda as the patient has it now.

    `draft` saves (autosave) carry the device's edit time and are refused when older than
    what is stored, so a draft resent late from a phone's offline store cannot overwrite
    newer words. A press of Save or Send always saves.
    """
    now = now or utcnow()
    agenda = _agenda_for_writing(review, now)
    edited = edited_at_ms if edited_at_ms is not None else now_ms(now)
    if draft and edited < agenda.edited_at_ms:
        return SaveOutcome(saved=False, stale=True)
    if draft and edited == agenda.edited_at_ms:
        return SaveOutcome(saved=True)  # the same draft, sent twice
    _write(agenda, data, options)
    agenda.updated_at = now
    agenda.edited_at_ms = max(agenda.edited_at_ms, edited)
    db.session.flush()
    return SaveOutcome(saved=True)


def _write(agenda: Agenda, data: AgendaInput, options: AgendaOptions) -> None:
    offered = set(options.questions) | set(options.topics)
    # Entries for prompts the practice has since hidden are kept: the patient cannot see
    # them to change them, and the clinician should still read what was written.
    entries = {e.prompt_id: e for e in agenda.entries}
    for prompt_id in offered:
        is_topic = prompt_id in options.topics
        words = data.topic_words.get(prompt_id, "") if is_topic else \
            data.answers.get(prompt_id, "")
        ticked = is_topic and prompt_id in data.topics
        entry = entries.get(prompt_id)
        if not words and not ticked:
            if entry is not None:
                agenda.entries.remove(entry)
            continue
        if entry is None:
            entry = AgendaEntry(patient_id=agenda.patient_id, prompt_id=prompt_id)
            agenda.entries.append(entry)
        entry.ticked, entry.words = ticked, words

    wanted = [code for code in data.results if code in options.results]
    kept = [r for r in agenda.results if r.result_code not in options.results
            or r.result_code in wanted]
    for row in list(agenda.results):
        if row not in kept:
            agenda.results.remove(row)
    have = {r.result_code for r in agenda.results}
    for code in wanted:
        if code not in have:
            agenda.results.append(AgendaResult(patient_id=agenda.patient_id, result_code=code))

    # Ranks are unique per agenda: clear the old rows first so a reordering cannot clash.
    agenda.priorities.clear()
    db.session.flush()
    for priority in data.priorities:
        if priority.is_empty:
            continue
        choice = priority.choice
        agenda.priorities.append(AgendaPriority(
            patient_id=agenda.patient_id, rank=priority.rank, words=priority.words,
            prompt_id=choice.prompt_id if choice else None,
            result_code=choice.result_code if choice else None))


def send_agenda(review: Review, now: datetime | None = None) -> bool:
    """Mark the agenda as sent; True the first time. Later changes need no new send."""
    if review.agenda_submitted_at is not None:
        return False
    review.agenda_submitted_at = now or utcnow()
    db.session.flush()
    return True


def talk_about(review: Review, code: str, wanted: bool, now: datetime | None = None) -> None:
    """Put a shared result on the agenda ("I want to talk about this"), or take it off."""
    now = now or utcnow()
    agenda = _agenda_for_writing(review, now)
    row = next((r for r in agenda.results if r.result_code == code), None)
    if wanted and row is None:
        agenda.results.append(AgendaResult(patient_id=agenda.patient_id, result_code=code))
    elif not wanted and row is not None:
        agenda.results.remove(row)
        for priority in list(agenda.priorities):
            if priority.result_code == code and not priority.words:
                agenda.priorities.remove(priority)
            elif priority.result_code == code:
                priority.result_code = None
    agenda.updated_at = now
    # A draft made on the device before this press must not undo it.
    agenda.edited_at_ms = max(agenda.edited_at_ms, now_ms(now))
    db.session.flush()


def flagged_topics(agenda: Agenda | None, prompts: dict[int, AgendaPrompt]) -> list[str]:
    """Topics the practice asked to see at triage that the patient ticked or chose."""
    if agenda is None:
        return []
    chosen = {e.prompt_id for e in agenda.entries if e.ticked}
    chosen |= {p.prompt_id for p in agenda.priorities if p.prompt_id}
    flagged = [prompts[pid] for pid in chosen if pid in prompts
               and prompts[pid].flag_for_clinician
               and prompts[pid].section is PromptSection.TOPICS]
    return [prompt.text for prompt in sorted(flagged, key=lambda p: (p.position, p.id))]
