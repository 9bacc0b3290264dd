"""The agenda prompts each practice gives its patients, and how practice admins change them.

Every practice starts from the same Year of Care prompts (clinical-content.md, "Agenda
prompts"), copied in the first time they are needed, and can then reword, reorder, hide or
add to them. Prompts are hidden rather than deleted so an answer keeps its question.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from webapp.extensions import db
from webapp.models import AgendaPrompt, PromptSection, utcnow


@dataclass(frozen=True)
class DefaultPrompt:
    key: str
    section: PromptSection
    text: str
    hint: str = ""
    invites_words: bool = False
    flag_for_clinician: bool = False


S = PromptSection
DEFAULT_PROMPTS: tuple[DefaultPrompt, ...] = (
    DefaultPrompt("gone-well", S.SINCE_LAST_TIME, "What has gone well since your last review?",
                  "For example, something you have managed to do, or something that helped."),
    DefaultPrompt("been-hard", S.SINCE_LAST_TIME, "What has been hard?",
                  "For example, with your health, your medicines or everyday life."),
    DefaultPrompt("medicines", S.TOPICS, "Medicines"),
    DefaultPrompt("feet", S.TOPICS, "Feet"),
    DefaultPrompt("eyes", S.TOPICS, "Eyes"),
    DefaultPrompt("weight", S.TOPICS, "Weight"),
    DefaultPrompt("eating", S.TOPICS, "Eating"),
    DefaultPrompt("being-active", S.TOPICS, "Being active"),
    # Low mood is common with long-term conditions and easy to miss in a short review
    # (NICE NG222 asks clinicians to be alert to it), so the clinician sees it at triage.
    DefaultPrompt("mood", S.TOPICS, "Mood and stress", flag_for_clinician=True),
    DefaultPrompt("sleep", S.TOPICS, "Sleep"),
    DefaultPrompt("pain", S.TOPICS, "Pain"),
    DefaultPrompt("breathing", S.TOPICS, "Breathing"),
    DefaultPrompt("smoking", S.TOPICS, "Smoking"),
    DefaultPrompt("alcohol", S.TOPICS, "Alcohol"),
    DefaultPrompt("work-money", S.TOPICS, "Work and money"),
    DefaultPrompt("family-caring", S.TOPICS, "Family and caring"),
    DefaultPrompt("memory", S.TOPICS, "Memory"),
    DefaultPrompt("sex-relationships", S.TOPICS, "Sex and relationships"),
    DefaultPrompt("something-else", S.TOPICS, "Something else", invites_words=True),
    DefaultPrompt("matters-most", S.MATTERS_MOST, "What matters most to you at the moment?",
                  "It can be about your health or anything else in your life."),
    DefaultPrompt("results-questions", S.RESULTS, "Do you have any questions about your "
                  "results?"),
    DefaultPrompt("want-to-change", S.CHANGE, "Is there anything you would like to change?",
                  "For example, something you would like to do more of, less of or "
                  "differently."),
)

SECTION_ORDER = tuple(PromptSection)
TEXT_MAX = 200
HINT_MAX = 300


def ensure_default_prompts(practice_id: int) -> None:
    """Give a practice the default prompts if it has none yet (once, even when two
    requests try at the same moment: the unique key turns the second into a no-op)."""
    has_any = db.session.scalar(select(func.count()).select_from(AgendaPrompt)
                                .where(AgendaPrompt.practice_id == practice_id))
    if has_any:
        return
    try:
        with db.session.begin_nested():
            for position, prompt in enumerate(DEFAULT_PROMPTS):
                db.session.add(AgendaPrompt(
                    practice_id=practice_id, key=prompt.key, section=prompt.section,
                    text=prompt.text, hint=prompt.hint, position=position,
                    invites_words=prompt.invites_words,
                    flag_for_clinician=prompt.flag_for_clinician))
    except IntegrityError:
        pass  # another request copied them in first


def prompts_of(practice_id: int, *, include_hidden: bool = False) -> list[AgendaPrompt]:
    """A practice's prompts in agenda order: by section, then the practice's own order."""
    stmt = select(AgendaPrompt).where(AgendaPrompt.practice_id == practice_id)
    if not include_hidden:
        stmt = stmt.where(AgendaPrompt.hidden_at.is_(None))
    rows = db.session.scalars(stmt).all()
    return sorted(rows, key=lambda p: (SECTION_ORDER.index(p.section), p.position, p.id))


def by_section(prompts: Sequence[AgendaPrompt]) -> dict[PromptSection, list[AgendaPrompt]]:
    grouped: dict[PromptSection, list[AgendaPrompt]] = {section: [] for section in SECTION_ORDER}
    for prompt in prompts:
        grouped[prompt.section].append(prompt)
    return grouped


def _next_position(practice_id: int, section: PromptSection) -> int:
    highest = db.session.scalar(select(func.max(AgendaPrompt.position)).where(
        AgendaPrompt.practice_id == practice_id, AgendaPrompt.section == section))
    return (highest if highest is not None else -1) + 1


@dataclass(frozen=True)
class PromptChange:
    section: PromptSection
    text: str
    hint: str = ""
    invites_words: bool = False
    flag_for_clinician: bool = False


def add_prompt(practice_id: int, change: PromptChange) -> AgendaPrompt:
    prompt = AgendaPrompt(practice_id=practice_id, position=_next_position(practice_id,
                                                                          change.section))
    _apply(prompt, change)
    db.session.add(prompt)
    db.session.flush()
    return prompt


def update_prompt(prompt: AgendaPrompt, change: PromptChange) -> None:
    if change.section is not prompt.section:
        prompt.position = _next_position(prompt.practice_id, change.section)
    _apply(prompt, change)
    db.session.flush()


def _apply(prompt: AgendaPrompt, change: PromptChange) -> None:
    prompt.section = change.section
    prompt.text = change.text
    prompt.hint = change.hint
    # The two options only mean something for a topic.
    prompt.invites_words = change.invites_words and change.section.is_topics
    prompt.flag_for_clinician = change.flag_for_clinician and change.section.is_topics


def set_hidden(prompt: AgendaPrompt, hidden: bool) -> None:
    prompt.hidden_at = utcnow() if hidden else None
    db.session.flush()


def move_prompt(prompt: AgendaPrompt, direction: int) -> bool:
    """Swap a prompt with its neighbour in its section (-1 up, +1 down). False at an end."""
    siblings = [p for p in prompts_of(prompt.practice_id, include_hidden=True)
                if p.section is prompt.section]
    index = siblings.index(prompt)
    other = index + direction
    if not 0 <= other < len(siblings):
        return False
    siblings[index], siblings[other] = siblings[other], siblings[index]
    for position, sibling in enumerate(siblings):
        sibling.position = position
    db.session.flush()
    return True
