"""Reading what a patient wrote on their agenda, and the rules for sending it: pure
functions, no Flask or database, so the form post, the autosave endpoint and the tests all
use the same ones.

Field names (the agenda page's form, and the `fields` of an autosaved draft):
  answer-<prompt id>         a question, answered in the patient's words
  topics                     the ticked topics (prompt ids; may repeat)
  topic-words-<prompt id>    "tell us more" for a topic that invites words
  results                    result codes the patient wants to talk about
  priority-<1..3>            "topic:<prompt id>", "result:<code>" or "" (nothing chosen)
  priority-<1..3>-words      the priority in the patient's own words

A draft is saved whatever state it is in, so nothing typed is ever refused for being
unfinished; only words too long to store are refused (and kept on the page). The priority
rules apply when the patient sends the agenda.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

PRIORITY_COUNT = 3
ANSWER_MAX = 3000
PRIORITY_WORDS_MAX = 500
RANK_WORDS = {1: "1st", 2: "2nd", 3: "3rd"}

# Limits on an autosaved draft's shape: generous for any real agenda, small enough that a
# bad client cannot make the server read megabytes of field names.
MAX_FIELDS = 300
MAX_VALUES_PER_FIELD = 100
MAX_FIELD_NAME = 60
# JavaScript's largest exact integer: milliseconds far beyond any real clock.
MAX_EDITED_AT = 2**53 - 1


@dataclass(frozen=True)
class Problem:
    """A message for the page's error summary (or the autosave status), and its field."""

    field: str
    message: str


@dataclass(frozen=True)
class Choice:
    """What a priority is about: one of the practice's topics, or one of the results."""

    kind: str  # "topic" or "result"
    key: str  # the prompt id (as text) or the result code

    @property
    def token(self) -> str:
        return f"{self.kind}:{self.key}"

    @property
    def prompt_id(self) -> int | None:
        return int(self.key) if self.kind == "topic" else None

    @property
    def result_code(self) -> str | None:
        return self.key if self.kind == "result" else None

    @classmethod
    def topic(cls, prompt_id: int) -> Choice:
        return cls("topic", str(prompt_id))

    @classmethod
    def result(cls, code: str) -> Choice:
        return cls("result", code)

    @classmethod
    def parse(cls, token: str) -> Choice | None:
        kind, _, key = token.partition(":")
        if kind == "topic" and key.isascii() and key.isdigit():
            return cls(kind, str(int(key)))
        if kind == "result" and key:
            return cls(kind, key)
        return None


@dataclass(frozen=True)
class AgendaOptions:
    """What this patient's agenda offers: the practice's prompts and the shared results."""

    questions: Mapping[int, str]  # question prompt id -> question
    topics: Mapping[int, str]  # topic prompt id -> label
    words_topics: frozenset[int] = frozenset()  # topics that ask "tell us more"
    results: Mapping[str, str] = field(default_factory=dict)  # code -> "Your HbA1c result"

    def label(self, choice: Choice) -> str:
        if choice.kind == "topic":
            return self.topics.get(int(choice.key), "a topic")
        return self.results.get(choice.key, "a result")

    def offers(self, choice: Choice) -> bool:
        if choice.kind == "topic":
            return int(choice.key) in self.topics
        return choice.key in self.results

    def choices(self) -> list[tuple[str, str]]:
        """(token, label) for the priority lists: topics first, then results."""
        return ([(Choice.topic(pid).token, label) for pid, label in self.topics.items()]
                + [(Choice.result(code).token, label) for code, label in self.results.items()])


@dataclass(frozen=True)
class PriorityInput:
    rank: int
    choice: Choice | None = None
    words: str = ""

    @property
    def is_empty(self) -> bool:
        return self.choice is None and not self.words


@dataclass(frozen=True)
class AgendaInput:
    answers: Mapping[int, str] = field(default_factory=dict)
    topics: frozenset[int] = frozenset()
    topic_words: Mapping[int, str] = field(default_factory=dict)
    results: tuple[str, ...] = ()
    priorities: tuple[PriorityInput, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not (any(self.answers.values()) or self.topics or self.results
                    or any(not p.is_empty for p in self.priorities))

    def fields(self) -> dict[str, list[str]]:
        """Back into form fields, to show on the page."""
        out: dict[str, list[str]] = {f"answer-{pid}": [text] for pid, text in self.answers.items()}
        out["topics"] = [str(pid) for pid in sorted(self.topics)]
        out.update({f"topic-words-{pid}": [text] for pid, text in self.topic_words.items()})
        out["results"] = list(self.results)
        for priority in self.priorities:
            out[f"priority-{priority.rank}"] = [priority.choice.token if priority.choice else ""]
            out[f"priority-{priority.rank}-words"] = [priority.words]
        return out


def clean_words(text: str) -> str:
    """What the patient typed, with line endings made plain and the ends trimmed."""
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def read_fields(fields: Mapping[str, Sequence[str]], options: AgendaOptions) -> \
        tuple[AgendaInput, list[Problem]]:
    """Turn form fields into an agenda. Fields for prompts or results the agenda no longer
    offers (a practice hid a prompt while the page was open) are left out; words too long
    to keep are returned as problems, with the words still in the agenda."""
    problems: list[Problem] = []

    def first(name: str) -> str:
        values = fields.get(name) or [""]
        return values[0] if isinstance(values[0], str) else ""

    def words(name: str, limit: int, what: str) -> str:
        text = clean_words(first(name))
        if len(text) > limit:
            problems.append(Problem(name, f"{what} must be {limit:,} characters or fewer. "
                                          f"You have {len(text):,}."))
        return text

    answers = {pid: words(f"answer-{pid}", ANSWER_MAX, "Your answer")
               for pid in options.questions}
    answers = {pid: text for pid, text in answers.items() if text}
    topics = {int(value) for value in fields.get("topics", [])
              if isinstance(value, str) and value.isascii() and value.isdigit()
              and int(value) in options.topics}
    topic_words = {pid: words(f"topic-words-{pid}", ANSWER_MAX, "What you wrote")
                   for pid in options.words_topics}
    topic_words = {pid: text for pid, text in topic_words.items() if text}
    # Writing about a topic that asks for words is as good as ticking it.
    topics |= set(topic_words)
    results = [code for code in dict.fromkeys(fields.get("results", []))
               if isinstance(code, str) and code in options.results]

    priorities = []
    for rank in range(1, PRIORITY_COUNT + 1):
        choice = Choice.parse(first(f"priority-{rank}"))
        if choice is not None and not options.offers(choice):
            choice = None
        text = words(f"priority-{rank}-words", PRIORITY_WORDS_MAX,
                     f"What you wrote for your {RANK_WORDS[rank]} priority")
        priorities.append(PriorityInput(rank, choice, text))
        # Choosing something as a priority puts it on the agenda too.
        if choice is not None and choice.prompt_id is not None:
            topics.add(choice.prompt_id)
        if choice is not None and choice.result_code and choice.result_code not in results:
            results.append(choice.result_code)

    return AgendaInput(answers=answers, topics=frozenset(topics), topic_words=topic_words,
                       results=tuple(results), priorities=tuple(priorities)), problems


def check_priorities(priorities: Sequence[PriorityInput], options: AgendaOptions) -> \
        list[Problem]:
    """The ranking rules: no topic or result in two places, and no gaps (a 2nd priority
    needs a 1st). Each problem names the priority the patient should change."""
    problems: list[Problem] = []
    ordered = sorted(priorities, key=lambda p: p.rank)
    seen: dict[Choice, int] = {}
    for priority in ordered:
        if priority.choice is None:
            continue
        if priority.choice in seen:
            earlier = RANK_WORDS[seen[priority.choice]]
            this = RANK_WORDS[priority.rank]
            problems.append(Problem(
                f"priority-{priority.rank}",
                f"You chose {options.label(priority.choice)} as your {earlier} and your "
                f"{this} priority. Choose something different for your {this} priority, or "
                "leave it empty."))
        else:
            seen[priority.choice] = priority.rank
    filled = [p.rank for p in ordered if not p.is_empty]
    for priority in ordered:
        later = [rank for rank in filled if rank > priority.rank]
        if priority.is_empty and later:
            problems.append(Problem(
                f"priority-{priority.rank}",
                f"You have a {RANK_WORDS[later[0]]} priority but no {RANK_WORDS[priority.rank]}. "
                f"Fill in your {RANK_WORDS[priority.rank]} priority first."))
            break
    return problems


def check_for_sending(agenda: AgendaInput, options: AgendaOptions) -> list[Problem]:
    """What must be right before the agenda goes to the practice."""
    if agenda.is_empty:
        return [Problem("priority-1", "Choose or write at least one thing you want to talk "
                                      "about")]
    return check_priorities(agenda.priorities, options)


def read_draft(body: Any) -> tuple[int, dict[str, list[str]]] | Problem:
    """Check an autosaved draft's JSON ({"editedAt": ms, "fields": {name: text or [text]}})
    before anything is read from it. The problem names the field that was wrong."""
    if not isinstance(body, dict):
        return Problem("body", "Send the draft as a JSON object")
    edited_at = body.get("editedAt")
    if isinstance(edited_at, bool) or not isinstance(edited_at, int) \
            or not 0 <= edited_at <= MAX_EDITED_AT:
        return Problem("editedAt", "editedAt must be a whole number of milliseconds")
    raw = body.get("fields")
    if not isinstance(raw, dict):
        return Problem("fields", "fields must be an object of field names and values")
    if len(raw) > MAX_FIELDS:
        return Problem("fields", f"fields can hold at most {MAX_FIELDS} fields")
    fields: dict[str, list[str]] = {}
    for name, value in raw.items():
        if len(name) > MAX_FIELD_NAME:
            return Problem("fields", f"A field name is longer than {MAX_FIELD_NAME} characters")
        values = value if isinstance(value, list) else [value]
        if len(values) > MAX_VALUES_PER_FIELD or not all(isinstance(v, str) for v in values):
            return Problem(f"fields.{name}", f"fields.{name} must be text or a list of text")
        fields[name] = values
    return edited_at, fields
