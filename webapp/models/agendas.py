"""The patient's agenda for a review: the practice's prompts, the patient's answers, the
topics they ticked, their top three priorities and the results they want to talk about;
and the clinician's preparation notes for the review.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import BigInteger, Enum, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.models.base import Base, utcnow
from webapp.models.people import User
from webapp.models.reviews import Review


class PromptSection(enum.StrEnum):
    """Where a prompt sits on the agenda, in the Year of Care order. Topics are ticked;
    every other section's prompts are questions answered in the patient's own words."""

    SINCE_LAST_TIME = "since-last-time"
    TOPICS = "topics"
    MATTERS_MOST = "matters-most"
    RESULTS = "results"
    CHANGE = "change"

    @property
    def heading(self) -> str:
        return {
            PromptSection.SINCE_LAST_TIME: "Since your last review",
            PromptSection.TOPICS: "Things you might want to talk about",
            PromptSection.MATTERS_MOST: "What matters most to you",
            PromptSection.RESULTS: "Your results",
            PromptSection.CHANGE: "Anything you want to change",
        }[self]

    @property
    def staff_heading(self) -> str:
        return {
            PromptSection.SINCE_LAST_TIME: "Since last time",
            PromptSection.TOPICS: "Topics",
            PromptSection.MATTERS_MOST: "What matters most",
            PromptSection.RESULTS: "About their results",
            PromptSection.CHANGE: "What they want to change",
        }[self]

    @property
    def is_topics(self) -> bool:
        return self is PromptSection.TOPICS


class AgendaPrompt(Base):
    """One prompt on a practice's agenda. Hidden rather than deleted, so answers already
    given keep the words they answered."""

    __tablename__ = "agenda_prompts"
    __table_args__ = (UniqueConstraint("practice_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(ForeignKey("practices.id"), index=True)
    # Stable name of a default prompt ("feet"); None for prompts a practice wrote.
    key: Mapped[str | None] = mapped_column(String(40))
    section: Mapped[PromptSection] = mapped_column(
        Enum(PromptSection, native_enum=False, length=20,
             values_callable=lambda e: [m.value for m in e], validate_strings=True))
    text: Mapped[str] = mapped_column(String(200))
    hint: Mapped[str] = mapped_column(String(300), default="")
    position: Mapped[int] = mapped_column(default=0)
    # Topics only: ask "tell us more" when ticked (e.g. "Something else").
    invites_words: Mapped[bool] = mapped_column(default=False)
    # Topics only: a patient choosing it is shown to the clinician as a flag at triage.
    flag_for_clinician: Mapped[bool] = mapped_column(default=False)
    hidden_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Agenda(Base):
    """What a patient wrote for one review. Whether it was sent is the review's
    `agenda_submitted_at`; after that the patient can still change it until the
    conversation starts."""

    __tablename__ = "agendas"

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(ForeignKey("practices.id"), index=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id"), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    # When the patient's device made the version stored (milliseconds since 1970, the
    # device's clock). A draft resent late from a device's offline store that is older
    # than this is not allowed to overwrite newer words.
    edited_at_ms: Mapped[int] = mapped_column(BigInteger, default=0)

    review: Mapped[Review] = relationship()
    entries: Mapped[list[AgendaEntry]] = relationship(
        back_populates="agenda", cascade="all, delete-orphan")
    priorities: Mapped[list[AgendaPriority]] = relationship(
        back_populates="agenda", cascade="all, delete-orphan", order_by="AgendaPriority.rank")
    results: Mapped[list[AgendaResult]] = relationship(
        back_populates="agenda", cascade="all, delete-orphan", order_by="AgendaResult.id")


class AgendaEntry(Base):
    """The patient's answer to a question, or a topic they ticked (with optional words)."""

    __tablename__ = "agenda_entries"
    __table_args__ = (UniqueConstraint("agenda_id", "prompt_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agenda_id: Mapped[int] = mapped_column(ForeignKey("agendas.id"), index=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    prompt_id: Mapped[int] = mapped_column(ForeignKey("agenda_prompts.id"))
    ticked: Mapped[bool] = mapped_column(default=False)
    words: Mapped[str] = mapped_column(Text, default="")

    agenda: Mapped[Agenda] = relationship(back_populates="entries")
    prompt: Mapped[AgendaPrompt] = relationship()


class AgendaPriority(Base):
    """One of the patient's top three things to talk about: a topic or a result they chose,
    their own words, or both."""

    __tablename__ = "agenda_priorities"
    __table_args__ = (UniqueConstraint("agenda_id", "rank"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agenda_id: Mapped[int] = mapped_column(ForeignKey("agendas.id"), index=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    rank: Mapped[int]
    prompt_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_prompts.id"))
    result_code: Mapped[str | None] = mapped_column(ForeignKey("result_types.code"))
    words: Mapped[str] = mapped_column(Text, default="")

    agenda: Mapped[Agenda] = relationship(back_populates="priorities")
    prompt: Mapped[AgendaPrompt | None] = relationship()


class AgendaResult(Base):
    """A result the patient pressed "I want to talk about this" on."""

    __tablename__ = "agenda_results"
    __table_args__ = (UniqueConstraint("agenda_id", "result_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agenda_id: Mapped[int] = mapped_column(ForeignKey("agendas.id"), index=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    result_code: Mapped[str] = mapped_column(ForeignKey("result_types.code"))
    added_at: Mapped[datetime] = mapped_column(default=utcnow)

    agenda: Mapped[Agenda] = relationship(back_populates="results")


class PreparationNote(Base):
    """The clinician's notes from preparing a review (triage): what they noticed in the
    results and what to do before or at the conversation. Staff only."""

    __tablename__ = "preparation_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(ForeignKey("practices.id"), index=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id"), unique=True)
    text: Mapped[str] = mapped_column(Text, default="")
    # When a clinician last looked through the results and their flags.
    triaged_at: Mapped[datetime | None]
    triaged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    triaged_by: Mapped[User | None] = relationship(foreign_keys=[triaged_by_id])
    updated_by: Mapped[User | None] = relationship(foreign_keys=[updated_by_id])
