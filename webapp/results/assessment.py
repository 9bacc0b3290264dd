"""Reading a result against its target, bands and red-flag rules.

Pure functions over small frozen dataclasses: no Flask, no database. The catalogue of result
types (`webapp.content.result_catalogue`) is built from the types defined here; views, the
importer and the triage list call the functions.

Words for patients (status, band labels, change since last time) are written to be read on a
phone at a reading age of about 9 to 11 and never rely on colour. Words for clinicians (flag
reasons) name the value, the threshold and the rule, so a flag can be checked at a glance.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

# --- kinds and enums -----------------------------------------------------------------------


class ValueKind(StrEnum):
    NUMBER = "number"
    BLOOD_PRESSURE = "blood-pressure"  # two whole numbers, systolic over diastolic
    CATEGORY = "category"  # one of the spec's categories, by code
    SCORE = "score"  # a questionnaire total: a whole number in a fixed range


class TargetKind(StrEnum):
    AT_MOST = "at-most"  # value <= high
    BELOW = "below"  # value < high
    AT_LEAST = "at-least"  # value >= low
    BETWEEN = "between"  # low <= value <= high
    BP_BELOW = "bp-below"  # systolic < systolic limit and diastolic < diastolic limit
    ONE_OF = "one-of"  # category is one of the target's categories
    REDUCTION = "reduction"  # more than `percent`% lower than `baseline`


class Urgency(StrEnum):
    ROUTINE = "routine"
    SAME_DAY = "same-day"


class Comparison(StrEnum):
    AT_LEAST = ">="
    ABOVE = ">"
    AT_MOST = "<="
    BELOW = "<"


class Measure(StrEnum):
    """Which part of a value a threshold rule looks at."""

    VALUE = "value"
    SYSTOLIC = "systolic"
    DIASTOLIC = "diastolic"
    ITEM_9 = "item-9"


class Direction(StrEnum):
    RISE = "rise"
    FALL = "fall"


class Status(StrEnum):
    """Where a value sits against its target; a code for templates and CSS, not for reading."""

    IN_TARGET = "in-target"
    ABOVE = "above"
    BELOW = "below"
    ABOVE_RANGE = "above-range"
    BELOW_RANGE = "below-range"
    NOT_TARGET = "not-target"
    NO_TARGET = "no-target"


STATUS_WORDS: Mapping[Status, str] = {
    Status.IN_TARGET: "In your target range",
    Status.ABOVE: "Above your target",
    Status.BELOW: "Below your target",
    Status.ABOVE_RANGE: "Above your target range",
    Status.BELOW_RANGE: "Below your target range",
    Status.NOT_TARGET: "Not in your target",
    Status.NO_TARGET: "No target set",
}
# "In your target range" reads oddly for a category such as "not smoking".
CATEGORY_IN_TARGET_WORDS = "Meets your target"

# Raw input field names used by parse_and_check (and by the entry forms that feed it).
FIELD_VALUE = "value"
FIELD_SYSTOLIC = "systolic"
FIELD_DIASTOLIC = "diastolic"
FIELD_ITEM_9 = "item_9"

# PHQ-9 answers are scored 0-3 (Kroenke, Spitzer and Williams 2001).
PHQ9_ANSWERS: tuple[str, ...] = (
    "not at all",
    "several days",
    "more than half the days",
    "nearly every day",
)

_MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)

# --- values --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ResultValue:
    """One result value. Exactly one shape is filled, matching the result type's kind.

    number: a measurement (Decimal) or, for a questionnaire, its total score.
    systolic/diastolic: a blood pressure in whole mmHg.
    category: a category code from the result type.
    item_9: PHQ-9 only, the answer to question 9 (0-3), carried with the total.
    """

    number: Decimal | None = None
    systolic: int | None = None
    diastolic: int | None = None
    category: str | None = None
    item_9: int | None = None

    def __post_init__(self) -> None:
        shapes = [
            self.number is not None,
            self.systolic is not None or self.diastolic is not None,
            self.category is not None,
        ]
        if sum(shapes) != 1:
            raise ValueError("A result value holds exactly one of: number, blood pressure, "
                             "category")
        if (self.systolic is None) != (self.diastolic is None):
            raise ValueError("A blood pressure needs both systolic and diastolic")
        if self.number is not None and not isinstance(self.number, Decimal):
            raise TypeError("number must be a Decimal")
        if self.item_9 is not None and (self.number is None or self.item_9 not in range(4)):
            raise ValueError("item_9 is a 0-3 answer carried with a questionnaire total")

    @classmethod
    def of_number(cls, number: Decimal | int | str) -> ResultValue:
        return cls(number=Decimal(number))

    @classmethod
    def of_score(cls, total: int, item_9: int | None = None) -> ResultValue:
        return cls(number=Decimal(total), item_9=item_9)

    @classmethod
    def of_blood_pressure(cls, systolic: int, diastolic: int) -> ResultValue:
        return cls(systolic=systolic, diastolic=diastolic)

    @classmethod
    def of_category(cls, code: str) -> ResultValue:
        return cls(category=code)

    @property
    def kind(self) -> ValueKind:
        """NUMBER for numbers and scores alike (the spec says which)."""
        if self.systolic is not None:
            return ValueKind.BLOOD_PRESSURE
        if self.category is not None:
            return ValueKind.CATEGORY
        return ValueKind.NUMBER


# --- targets -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """A target as data. Build with the class methods; `basis` says where it came from."""

    kind: TargetKind
    low: Decimal | None = None
    high: Decimal | None = None
    systolic: int | None = None
    diastolic: int | None = None
    categories: frozenset[str] = frozenset()
    percent: Decimal | None = None
    baseline: Decimal | None = None
    # For ONE_OF targets: how the target reads ("not smoking"); other kinds are worded from
    # their numbers so the words can never disagree with them.
    wording: str = ""
    basis: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        needs = {
            TargetKind.AT_MOST: ("high",),
            TargetKind.BELOW: ("high",),
            TargetKind.AT_LEAST: ("low",),
            TargetKind.BETWEEN: ("low", "high"),
            TargetKind.BP_BELOW: ("systolic", "diastolic"),
            TargetKind.ONE_OF: ("categories",),
            TargetKind.REDUCTION: ("percent",),
        }[self.kind]
        missing = [name for name in needs if getattr(self, name) in (None, frozenset())]
        if missing:
            raise ValueError(f"A {self.kind} target needs {', '.join(missing)}")
        if self.kind is TargetKind.BETWEEN and self.low > self.high:  # type: ignore[operator]
            raise ValueError("A between target needs low <= high")

    @classmethod
    def at_most(cls, high: Decimal | int | str, basis: str = "") -> Target:
        return cls(TargetKind.AT_MOST, high=Decimal(high), basis=basis)

    @classmethod
    def below(cls, high: Decimal | int | str, basis: str = "") -> Target:
        return cls(TargetKind.BELOW, high=Decimal(high), basis=basis)

    @classmethod
    def at_least(cls, low: Decimal | int | str, basis: str = "") -> Target:
        return cls(TargetKind.AT_LEAST, low=Decimal(low), basis=basis)

    @classmethod
    def between(cls, low: Decimal | int | str, high: Decimal | int | str,
                basis: str = "") -> Target:
        return cls(TargetKind.BETWEEN, low=Decimal(low), high=Decimal(high), basis=basis)

    @classmethod
    def bp_below(cls, systolic: int, diastolic: int, basis: str = "") -> Target:
        return cls(TargetKind.BP_BELOW, systolic=systolic, diastolic=diastolic, basis=basis)

    @classmethod
    def one_of(cls, *categories: str, wording: str = "", basis: str = "") -> Target:
        return cls(TargetKind.ONE_OF, categories=frozenset(categories), wording=wording,
                   basis=basis)

    @classmethod
    def reduction(cls, percent: Decimal | int | str, baseline: Decimal | None = None,
                  basis: str = "") -> Target:
        """More than `percent`% below `baseline`; a catalogue entry leaves the baseline to
        be filled from the patient's context."""
        return cls(TargetKind.REDUCTION, percent=Decimal(percent), baseline=baseline,
                   basis=basis)

    @property
    def reduction_limit(self) -> Decimal | None:
        """For REDUCTION targets with a baseline: the value the result must be below."""
        if self.baseline is None or self.percent is None:
            return None
        return _canonical(self.baseline * (100 - self.percent) / 100)


# --- patient context and the rules that read it ---------------------------------------------


@dataclass(frozen=True)
class PatientContext:
    """What a default target or band set may depend on.

    conditions: condition codes (see result_catalogue.CONDITIONS).
    family_background: a code from result_catalogue.FAMILY_BACKGROUNDS (BMI cut-offs).
    established_cvd: has had a heart attack, stroke or other cardiovascular disease, so
        lipid targets are for secondary prevention (NICE NG238).
    treatment_baselines: a result's value before treatment started, by result code; NG238
        measures the fall in non-HDL cholesterol on a statin against it.
    """

    age: int | None = None
    conditions: frozenset[str] = frozenset()
    type_1_diabetes: bool = False
    on_hypo_causing_drug: bool = False
    latest_acr: Decimal | None = None
    family_background: str | None = None
    established_cvd: bool = False
    treatment_baselines: Mapping[str, Decimal] = field(default_factory=dict)


@dataclass(frozen=True)
class When:
    """A condition on the patient context. Every field that is set must hold; an empty
    `When()` matches everyone."""

    min_age: int | None = None
    conditions: frozenset[str] = frozenset()  # the patient has all of these
    type_1_diabetes: bool | None = None
    on_hypo_causing_drug: bool | None = None
    acr_at_least: Decimal | None = None
    family_backgrounds: frozenset[str] = frozenset()  # the patient's background is one of
    established_cvd: bool | None = None
    has_treatment_baseline: bool | None = None  # for this result type

    def matches(self, context: PatientContext, result_code: str = "") -> bool:
        if self.min_age is not None and (context.age is None or context.age < self.min_age):
            return False
        if not self.conditions <= _conditions_of(context):
            return False
        if self.type_1_diabetes is not None and context.type_1_diabetes != self.type_1_diabetes:
            return False
        if (self.on_hypo_causing_drug is not None
                and context.on_hypo_causing_drug != self.on_hypo_causing_drug):
            return False
        if self.acr_at_least is not None and (
                context.latest_acr is None or context.latest_acr < self.acr_at_least):
            return False
        if self.family_backgrounds and context.family_background not in self.family_backgrounds:
            return False
        if self.established_cvd is not None and context.established_cvd != self.established_cvd:
            return False
        if self.has_treatment_baseline is not None:
            has = context.treatment_baselines.get(result_code) is not None
            if has != self.has_treatment_baseline:
                return False
        return True


def _conditions_of(context: PatientContext) -> frozenset[str]:
    # Type 1 diabetes is diabetes, whether or not the record also lists "diabetes".
    if context.type_1_diabetes:
        return context.conditions | {"diabetes"}
    return context.conditions


@dataclass(frozen=True)
class ContextTarget:
    """A default target and who it is for; a spec's list is read top down, first match wins."""

    when: When
    target: Target
    basis: str  # e.g. "NICE NG136: adults aged 80 and over"


@dataclass(frozen=True)
class Band:
    """A labelled range. `low` is inclusive and `high` exclusive unless said otherwise;
    None is open-ended."""

    code: str
    label: str
    low: Decimal | None = None
    high: Decimal | None = None
    low_inclusive: bool = True
    high_inclusive: bool = False

    def contains(self, number: Decimal) -> bool:
        if self.low is not None and (number < self.low or
                                     (number == self.low and not self.low_inclusive)):
            return False
        return not (self.high is not None and (
            number > self.high or (number == self.high and not self.high_inclusive)))


@dataclass(frozen=True)
class ContextBands:
    """A band set and who it applies to; read top down, first match wins."""

    when: When
    bands: tuple[Band, ...]


@dataclass(frozen=True)
class Category:
    code: str
    label: str  # short, for the value: "Moderate risk"
    meaning: str  # a plain sentence shown with the result


# --- red-flag rules ------------------------------------------------------------------------


@dataclass(frozen=True)
class ThresholdRule:
    """Flag when a value (or part of it) compares with a threshold."""

    code: str
    comparison: Comparison
    threshold: Decimal
    urgency: Urgency
    source: str
    measure: Measure = Measure.VALUE
    when: When = When()


@dataclass(frozen=True)
class CategoryRule:
    """Flag when a category result is one of `categories`."""

    code: str
    categories: frozenset[str]
    urgency: Urgency
    source: str
    when: When = When()


@dataclass(frozen=True)
class Window:
    months: int = 0
    days: int = 0

    def start(self, taken_on: date) -> date:
        """The earliest date inside the window ending on `taken_on` (inclusive)."""
        return _months_before(taken_on, self.months) - timedelta(days=self.days)

    def words(self) -> str:
        if self.months and not self.days:
            return f"{self.months} months" if self.months != 1 else "1 month"
        if self.days and not self.months:
            return f"{self.days} days" if self.days != 1 else "1 day"
        return f"{self.months} months and {self.days} days"


@dataclass(frozen=True)
class ChangeRule:
    """Flag a change between this result and an earlier one.

    With no window: compared with the most recent earlier result only ("since last").
    With a window: compared with every earlier result inside it, so a slow slide made of
    small steps is still caught; the largest change is reported.
    Exactly one of amount (in the result's unit) or percent (of the earlier value) is set.
    needs_band_change: only counts if the band (e.g. eGFR stage) differs too.
    """

    code: str
    direction: Direction
    urgency: Urgency
    source: str
    amount: Decimal | None = None
    percent: Decimal | None = None
    window: Window | None = None
    needs_band_change: bool = False
    when: When = When()
    note: str = ""  # appended to the reason, e.g. "heart failure"

    def __post_init__(self) -> None:
        if (self.amount is None) == (self.percent is None):
            raise ValueError("A change rule has exactly one of amount or percent")


@dataclass(frozen=True)
class MissingItem9Rule:
    """PHQ-9: flag a total above 0 recorded without the item 9 answer, because the
    self-harm question is then unknown rather than answered "not at all"."""

    code: str
    urgency: Urgency
    source: str


RedFlagRule = ThresholdRule | CategoryRule | ChangeRule | MissingItem9Rule


# --- the result type -----------------------------------------------------------------------


@dataclass(frozen=True)
class EntryRange:
    """Plausible values for staff entry, inclusive; outside it is almost surely a typo."""

    low: Decimal
    high: Decimal


@dataclass(frozen=True)
class ResultSpec:
    """One result type in the catalogue."""

    code: str
    name: str
    unit: str
    kind: ValueKind
    what_it_is: str
    how_to_read: str
    source: str
    conditions: frozenset[str]
    example: str  # used in entry error messages: "like 53"
    sentence_name: str = ""  # the name inside a sentence ("total cholesterol"); default name
    short_name: str = ""  # the name in clinician flag reasons ("CAT score"); default name
    decimals: int = 0
    entry_range: EntryRange | None = None  # numbers and scores
    systolic_range: EntryRange | None = None
    diastolic_range: EntryRange | None = None
    categories: tuple[Category, ...] = ()  # in order, best first
    has_item_9: bool = False
    targets: tuple[ContextTarget, ...] = ()
    band_sets: tuple[ContextBands, ...] = ()
    red_flags: tuple[RedFlagRule, ...] = ()
    # A change this small or smaller reads as "about the same" to the patient: it is within
    # the usual day-to-day or test-to-test variation (values per entry, with reasons, in the
    # catalogue).
    steady_within: Decimal = Decimal(0)

    def __post_init__(self) -> None:
        if not self.sentence_name:
            object.__setattr__(self, "sentence_name", self.name)
        if not self.short_name:
            object.__setattr__(self, "short_name", self.name)
        if self.kind in (ValueKind.NUMBER, ValueKind.SCORE) and self.entry_range is None:
            raise ValueError(f"{self.code}: numbers and scores need an entry range")
        if self.kind is ValueKind.BLOOD_PRESSURE and not (self.systolic_range
                                                          and self.diastolic_range):
            raise ValueError(f"{self.code}: blood pressure needs systolic and diastolic ranges")
        if self.kind is ValueKind.CATEGORY and not self.categories:
            raise ValueError(f"{self.code}: a category result needs its categories")
        if self.kind is ValueKind.SCORE and self.decimals:
            raise ValueError(f"{self.code}: scores are whole numbers")

    def category(self, code: str) -> Category | None:
        return next((c for c in self.categories if c.code == code), None)

    @property
    def max_score(self) -> Decimal | None:
        return self.entry_range.high if self.kind is ValueKind.SCORE and self.entry_range \
            else None


# --- parsing staff entry -------------------------------------------------------------------


@dataclass(frozen=True)
class EntryError:
    """A message for the NHS.UK error summary, and the field it belongs to."""

    field: str
    message: str


_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
_WHOLE = re.compile(r"[+-]?\d+")
_BP_TEXT = re.compile(r"(\d+)\s*/\s*(\d+)")


def parse_and_check(spec: ResultSpec, raw: Mapping[str, str | None]) -> ResultValue | \
        list[EntryError]:
    """Turn what staff typed into a value, or plain-English errors naming the field.

    Fields: "value" (numbers, scores, categories, or a blood pressure typed as "135/85"),
    "systolic" and "diastolic" (blood pressure as two boxes), "item_9" (PHQ-9 question 9).
    """
    if spec.kind is ValueKind.BLOOD_PRESSURE:
        return _parse_blood_pressure(spec, raw)
    if spec.kind is ValueKind.CATEGORY:
        code = (raw.get(FIELD_VALUE) or "").strip()
        if spec.category(code) is None:
            # Not SQL, though linters think so: NHS.UK words a missing choice "Select ...".
            message = " ".join(("Select", spec.sentence_name, "from the list"))
            return [EntryError(FIELD_VALUE, message)]
        return ResultValue.of_category(code)

    errors: list[EntryError] = []
    number = _parse_number(spec, raw.get(FIELD_VALUE), errors)
    if spec.has_item_9:
        item_9 = _parse_item_9(raw.get(FIELD_ITEM_9), errors)
        if number is not None and item_9 is not None and item_9 > number:
            errors.append(EntryError(FIELD_ITEM_9, "The answer to question 9 cannot be more "
                                                   "than the total score"))
        if errors:
            return errors
        return ResultValue(number=number, item_9=item_9)
    if errors:
        return errors
    return ResultValue(number=number)


def _parse_number(spec: ResultSpec, text: str | None, errors: list[EntryError]) -> \
        Decimal | None:
    text = _strip_unit((text or "").strip(), spec.unit)
    name, example = spec.sentence_name, spec.example
    if not text:
        errors.append(EntryError(FIELD_VALUE, f"Enter {name}"))
        return None
    if text[0] in "<>":
        errors.append(EntryError(FIELD_VALUE, f"Enter {name} as a number without < or >, "
                                              f"like {example}"))
        return None
    if not _NUMBER.fullmatch(text):
        errors.append(EntryError(FIELD_VALUE, f"Enter {name} as a number, like {example}"))
        return None
    raw = Decimal(text)
    bounds = spec.entry_range
    assert bounds is not None  # noqa: S101 - ResultSpec guarantees it for numbers and scores  # nosec B101
    # No result has thirteen digits before the point, and tidying such a number up would
    # overflow decimal's precision, so it is out of range before anything else is asked.
    if raw.adjusted() < 13:
        number = _canonical(raw)
        places = _places(number)
        if places > spec.decimals:
            if spec.decimals == 0:
                message = f"{_capital(name)} must be a whole number, like {example}"
            else:
                plural = "place" if spec.decimals == 1 else "places"
                message = (f"{_capital(name)} must have no more than {spec.decimals} decimal "
                           f"{plural}, like {example}")
            errors.append(EntryError(FIELD_VALUE, message))
            return None
    else:
        number = raw
    if not bounds.low <= number <= bounds.high:
        errors.append(EntryError(FIELD_VALUE, f"{_capital(name)} must be between "
                                              f"{format_number(bounds.low)} and "
                                              f"{format_number(bounds.high)}"))
        return None
    return number


def _parse_item_9(text: str | None, errors: list[EntryError]) -> int | None:
    text = (text or "").strip()
    if not text:
        errors.append(EntryError(FIELD_ITEM_9, "Enter the answer to question 9 (thoughts of "
                                               "self-harm), from 0 to 3"))
        return None
    if text not in {"0", "1", "2", "3"}:
        errors.append(EntryError(FIELD_ITEM_9, "The answer to question 9 must be 0, 1, 2 or 3"))
        return None
    return int(text)


def _parse_blood_pressure(spec: ResultSpec, raw: Mapping[str, str | None]) -> ResultValue | \
        list[EntryError]:
    two_boxes = FIELD_SYSTOLIC in raw or FIELD_DIASTOLIC in raw
    errors: list[EntryError] = []
    if two_boxes:
        systolic = _parse_pressure(raw.get(FIELD_SYSTOLIC), FIELD_SYSTOLIC, "systolic",
                                   "top", "135", errors)
        diastolic = _parse_pressure(raw.get(FIELD_DIASTOLIC), FIELD_DIASTOLIC, "diastolic",
                                    "bottom", "85", errors)
        systolic_field, diastolic_field = FIELD_SYSTOLIC, FIELD_DIASTOLIC
    else:
        text = _strip_unit((raw.get(FIELD_VALUE) or "").strip(), spec.unit)
        match = _BP_TEXT.fullmatch(text)
        if not match:
            return [EntryError(FIELD_VALUE, "Enter blood pressure as two numbers, like "
                                            "135 and 85")]
        systolic, diastolic = int(match[1]), int(match[2])
        systolic_field = diastolic_field = FIELD_VALUE
    if errors:
        return errors
    assert systolic is not None and diastolic is not None  # noqa: S101 - no errors above  # nosec B101
    assert spec.systolic_range and spec.diastolic_range  # noqa: S101 - ResultSpec checks  # nosec B101
    for number, bounds, field_name, words in (
        (systolic, spec.systolic_range, systolic_field, "Systolic"),
        (diastolic, spec.diastolic_range, diastolic_field, "Diastolic"),
    ):
        if not bounds.low <= number <= bounds.high:
            errors.append(EntryError(field_name, f"{words} blood pressure must be between "
                                                 f"{bounds.low} and {bounds.high}"))
    if not errors and diastolic >= systolic:
        errors.append(EntryError(diastolic_field, "Diastolic blood pressure (the bottom number) "
                                                  "must be lower than systolic (the top number)"))
    return errors or ResultValue.of_blood_pressure(systolic, diastolic)


def _parse_pressure(text: str | None, field_name: str, word: str, position: str,
                    example: str, errors: list[EntryError]) -> int | None:
    text = _strip_unit((text or "").strip(), "mmHg")
    if not text:
        errors.append(EntryError(field_name, f"Enter {word} blood pressure (the {position} "
                                             f"number), like {example}"))
        return None
    if not _WHOLE.fullmatch(text):
        errors.append(EntryError(field_name, f"Enter {word} blood pressure as a whole number, "
                                             f"like {example}"))
        return None
    return int(text)


def _strip_unit(text: str, unit: str) -> str:
    """Staff often type the unit too ("72.5kg", "53 mmol/mol", "65%")."""
    for suffix in (unit, unit.split(" ")[0]) if unit else ():
        if suffix and text.lower().endswith(suffix.lower()):
            return text[: -len(suffix)].strip()
    return text


# --- targets: choosing and describing ------------------------------------------------------


def default_target(spec: ResultSpec, context: PatientContext) -> Target | None:
    """The catalogue's target for this patient: the first ContextTarget that matches."""
    for option in spec.targets:
        if option.when.matches(context, spec.code):
            target = replace(option.target, basis=option.basis)
            if target.kind is TargetKind.REDUCTION and target.baseline is None:
                target = replace(target, baseline=context.treatment_baselines.get(spec.code))
            return target
    return None


def effective_target(spec: ResultSpec, context: PatientContext, personal: Target | None = None,
                     practice: Target | None = None) -> Target | None:
    """The patient's own target if set, else the practice's override, else the default."""
    if personal is not None:
        return personal
    if practice is not None:
        return practice
    return default_target(spec, context)


def describe_target(target: Target, spec: ResultSpec | None = None) -> str:
    """The target in words: "53 or lower", "below 140/90", "between 3.5 and 5.3".

    With a spec, numbers carry its unit ("53 mmol/mol or lower") and categories its labels.
    """
    def n(number: Decimal) -> str:
        return format_number(number) + _unit_suffix(spec)

    if target.kind is TargetKind.AT_MOST:
        return f"{n(target.high)} or lower"  # type: ignore[arg-type]
    if target.kind is TargetKind.BELOW:
        return f"below {n(target.high)}"  # type: ignore[arg-type]
    if target.kind is TargetKind.AT_LEAST:
        return f"{n(target.low)} or higher"  # type: ignore[arg-type]
    if target.kind is TargetKind.BETWEEN:
        return (f"between {format_number(target.low)} and "  # type: ignore[arg-type]
                f"{n(target.high)}")  # type: ignore[arg-type]
    if target.kind is TargetKind.BP_BELOW:
        unit = " mmHg" if spec is not None else ""
        return f"below {target.systolic}/{target.diastolic}{unit}"
    if target.kind is TargetKind.REDUCTION:
        start = f"more than {format_number(target.percent)}% lower than "  # type: ignore[arg-type]
        if target.baseline is None:
            return start + "before treatment"
        limit = target.reduction_limit
        return (f"{start}before treatment ({n(target.baseline)}), "
                f"so below {n(limit)}")  # type: ignore[arg-type]
    if target.wording:
        return target.wording
    labels = []
    for code in sorted(target.categories, key=lambda c: _category_order(spec, c)):
        category = spec.category(code) if spec is not None else None
        labels.append(category.label.lower() if category else code)
    return " or ".join(labels)


def target_met(target: Target, value: ResultValue) -> bool:
    """Whether a value meets a target, exactly at every boundary the target states."""
    if target.kind is TargetKind.BP_BELOW:
        if value.systolic is None or value.diastolic is None:
            raise ValueError("A blood pressure target needs a blood pressure value")
        return (value.systolic < target.systolic  # type: ignore[operator]
                and value.diastolic < target.diastolic)  # type: ignore[operator]
    if target.kind is TargetKind.ONE_OF:
        if value.category is None:
            raise ValueError("A category target needs a category value")
        return value.category in target.categories
    number = value.number
    if number is None:
        raise ValueError(f"A {target.kind} target needs a number")
    if target.kind is TargetKind.AT_MOST:
        return number <= target.high  # type: ignore[operator]
    if target.kind is TargetKind.BELOW:
        return number < target.high  # type: ignore[operator]
    if target.kind is TargetKind.AT_LEAST:
        return number >= target.low  # type: ignore[operator]
    if target.kind is TargetKind.BETWEEN:
        return target.low <= number <= target.high  # type: ignore[operator]
    limit = target.reduction_limit
    if limit is None:
        raise ValueError("A reduction target needs the value before treatment")
    return number < limit


def _status(target: Target | None, value: ResultValue) -> tuple[bool | None, Status]:
    if target is None or (target.kind is TargetKind.REDUCTION and target.baseline is None):
        return None, Status.NO_TARGET
    if target_met(target, value):
        return True, Status.IN_TARGET
    if target.kind is TargetKind.AT_LEAST:
        return False, Status.BELOW
    if target.kind is TargetKind.BETWEEN:
        below = value.number < target.low  # type: ignore[operator]
        return False, Status.BELOW_RANGE if below else Status.ABOVE_RANGE
    if target.kind is TargetKind.ONE_OF:
        return False, Status.NOT_TARGET
    return False, Status.ABOVE


# --- bands ---------------------------------------------------------------------------------


def bands_for(spec: ResultSpec, context: PatientContext) -> tuple[Band, ...]:
    for option in spec.band_sets:
        if option.when.matches(context, spec.code):
            return option.bands
    return ()


def band_for(spec: ResultSpec, value: ResultValue, context: PatientContext) -> Band | None:
    if value.number is None:
        return None
    return next((b for b in bands_for(spec, context) if b.contains(value.number)), None)


# --- the assessment ------------------------------------------------------------------------


@dataclass(frozen=True)
class Flag:
    code: str
    reason: str  # clinician words: value, threshold, rule
    urgency: Urgency
    source: str


@dataclass(frozen=True)
class Change:
    """This result against the most recent earlier one."""

    previous_on: date
    previous: ResultValue
    words: str  # for the patient: "Up 4 since 12 March 2026", "About the same as last time"
    difference: Decimal | None  # numbers and scores only


@dataclass(frozen=True)
class Assessment:
    value_words: str  # "53 mmol/mol", "135/85 mmHg", "Moderate risk", "8 out of 27"
    target: Target | None
    target_words: str | None
    in_target: bool | None  # None when there is no target
    status: Status
    status_words: str
    band: Band | None
    band_label: str | None  # band label, or a category's meaning
    change: Change | None
    change_words: str
    flags: tuple[Flag, ...]

    @property
    def needs_same_day_attention(self) -> bool:
        return any(f.urgency is Urgency.SAME_DAY for f in self.flags)


NO_PREVIOUS_WORDS = "No earlier result to compare with"


def assess(spec: ResultSpec, value: ResultValue, target: Target | None,
           previous: Sequence[tuple[date, ResultValue]], taken_on: date,
           context: PatientContext) -> Assessment:
    """Read one result. `previous` may be in any order; only results dated before
    `taken_on` count as earlier (a same-day repeat is not a change over time)."""
    _check_kind(spec, value)
    earlier = _earlier(spec, previous, taken_on)
    in_target, status = _status(target, value)
    status_words = STATUS_WORDS[status]
    if status is Status.IN_TARGET and spec.kind is ValueKind.CATEGORY:
        status_words = CATEGORY_IN_TARGET_WORDS
    band = band_for(spec, value, context)
    band_label = band.label if band else None
    if spec.kind is ValueKind.CATEGORY:
        category = spec.category(value.category or "")
        band_label = category.meaning if category else None
    change = _change(spec, value, earlier[-1]) if earlier else None
    flags = red_flags(spec, value, earlier, taken_on, context)
    return Assessment(
        value_words=describe_value(spec, value),
        target=target,
        target_words=describe_target(target, spec) if target else None,
        in_target=in_target,
        status=status,
        status_words=status_words,
        band=band,
        band_label=band_label,
        change=change,
        change_words=change.words if change else NO_PREVIOUS_WORDS,
        flags=flags,
    )


def describe_value(spec: ResultSpec, value: ResultValue) -> str:
    if value.systolic is not None:
        return f"{value.systolic}/{value.diastolic} {spec.unit}".rstrip()
    if value.category is not None:
        category = spec.category(value.category)
        return category.label if category else value.category
    assert value.number is not None  # noqa: S101 - ResultValue holds exactly one shape  # nosec B101
    if spec.kind is ValueKind.SCORE and spec.max_score is not None:
        return f"{format_number(value.number)} out of {format_number(spec.max_score)}"
    return format_number(value.number) + _unit_suffix(spec)


def _check_kind(spec: ResultSpec, value: ResultValue) -> None:
    expected = ValueKind.NUMBER if spec.kind is ValueKind.SCORE else spec.kind
    if value.kind is not expected:
        raise ValueError(f"{spec.code} takes a {spec.kind} value, not a {value.kind}")
    if value.category is not None and spec.category(value.category) is None:
        raise ValueError(f"{spec.code} has no category {value.category!r}")


def _earlier(spec: ResultSpec, previous: Sequence[tuple[date, ResultValue]],
             taken_on: date) -> list[tuple[date, ResultValue]]:
    """Results of the same kind dated before `taken_on`, oldest first."""
    expected = ValueKind.NUMBER if spec.kind is ValueKind.SCORE else spec.kind
    return sorted(((d, v) for d, v in previous if d < taken_on and v.kind is expected),
                  key=lambda pair: pair[0])


# --- change since last time ----------------------------------------------------------------


def _change(spec: ResultSpec, value: ResultValue,
            last: tuple[date, ResultValue]) -> Change:
    on, before = last
    since = f"since {uk_date(on)}"
    if spec.kind is ValueKind.CATEGORY:
        if before.category == value.category:
            words = "The same as last time"
        else:
            was = describe_value(spec, before)
            words = f"Changed {since}, when it was: {was.lower()}"
        return Change(on, before, words, None)
    if spec.kind is ValueKind.BLOOD_PRESSURE:
        top = _movement(Decimal(value.systolic - before.systolic),  # type: ignore[operator]
                        spec.steady_within)
        bottom = _movement(Decimal(value.diastolic - before.diastolic),  # type: ignore[operator]
                           spec.steady_within)
        if top == bottom == "":
            return Change(on, before, "About the same as last time", None)
        words = (f"Top number {top or 'about the same'}, bottom number "
                 f"{bottom or 'about the same'}, {since}")
        return Change(on, before, words, None)
    difference = value.number - before.number  # type: ignore[operator]
    movement = _movement(difference, spec.steady_within)
    if not movement:
        return Change(on, before, "About the same as last time", difference)
    return Change(on, before, f"{_capital(movement)} {since}", difference)


def _movement(difference: Decimal, steady_within: Decimal) -> str:
    """ "up 4", "down 0.3", or "" when the change is within the steady margin."""
    if abs(difference) <= steady_within:
        return ""
    return f"{'up' if difference > 0 else 'down'} {format_number(abs(difference))}"


# --- red flags -----------------------------------------------------------------------------


def red_flags(spec: ResultSpec, value: ResultValue,
              previous: Sequence[tuple[date, ResultValue]], taken_on: date,
              context: PatientContext) -> tuple[Flag, ...]:
    """Every red-flag rule that fires, same-day ones first (for the triage list, which
    needs flags without the patient-facing words)."""
    _check_kind(spec, value)
    earlier = _earlier(spec, previous, taken_on)
    flags: list[Flag] = []
    for rule in spec.red_flags:
        if isinstance(rule, MissingItem9Rule):
            flag = _missing_item_9(spec, rule, value)
        elif not rule.when.matches(context, spec.code):
            continue
        elif isinstance(rule, ThresholdRule):
            flag = _threshold(spec, rule, value)
        elif isinstance(rule, CategoryRule):
            flag = _category_flag(spec, rule, value)
        else:
            flag = _change_flag(spec, rule, value, earlier, taken_on, context)
        if flag is not None:
            flags.append(flag)
    flags.sort(key=lambda f: f.urgency is not Urgency.SAME_DAY)
    return tuple(flags)


_COMPARISON_WORDS = {
    Comparison.AT_LEAST: "{} or above",
    Comparison.ABOVE: "above {}",
    Comparison.AT_MOST: "{} or below",
    Comparison.BELOW: "below {}",
}


def _compare(number: Decimal, comparison: Comparison, threshold: Decimal) -> bool:
    if comparison is Comparison.AT_LEAST:
        return number >= threshold
    if comparison is Comparison.ABOVE:
        return number > threshold
    if comparison is Comparison.AT_MOST:
        return number <= threshold
    return number < threshold


def _threshold(spec: ResultSpec, rule: ThresholdRule, value: ResultValue) -> Flag | None:
    if rule.measure is Measure.SYSTOLIC:
        number, what = value.systolic, f"Systolic blood pressure {value.systolic} {spec.unit}"
    elif rule.measure is Measure.DIASTOLIC:
        number, what = value.diastolic, f"Diastolic blood pressure {value.diastolic} {spec.unit}"
    elif rule.measure is Measure.ITEM_9:
        if value.item_9 is None or not _compare(Decimal(value.item_9), rule.comparison,
                                                rule.threshold):
            return None
        answer = PHQ9_ANSWERS[value.item_9]
        reason = ("PHQ-9 item 9 (thoughts of being better off dead or of hurting "
                  f"yourself) answered \"{answer}\" ({value.item_9})")
        return Flag(rule.code, reason, rule.urgency, rule.source)
    else:
        number, what = value.number, f"{spec.short_name} {_number_with_unit(spec, value)}"
    if number is None or not _compare(Decimal(number), rule.comparison, rule.threshold):
        return None
    limit = _COMPARISON_WORDS[rule.comparison].format(format_number(rule.threshold))
    return Flag(rule.code, f"{what} is {limit}", rule.urgency, rule.source)


def _category_flag(spec: ResultSpec, rule: CategoryRule, value: ResultValue) -> Flag | None:
    if value.category not in rule.categories:
        return None
    reason = f"{spec.short_name} recorded as {describe_value(spec, value).lower()}"
    return Flag(rule.code, reason, rule.urgency, rule.source)


def _missing_item_9(spec: ResultSpec, rule: MissingItem9Rule, value: ResultValue) -> \
        Flag | None:
    if value.item_9 is not None or value.number is None or value.number == 0:
        return None
    reason = (f"PHQ-9 total {format_number(value.number)} recorded without the "
              "item 9 answer (thoughts of self-harm): ask about it")
    return Flag(rule.code, reason, rule.urgency, rule.source)


def _change_flag(spec: ResultSpec, rule: ChangeRule, value: ResultValue,
                 earlier: Sequence[tuple[date, ResultValue]], taken_on: date,
                 context: PatientContext) -> Flag | None:
    if value.number is None or not earlier:
        return None
    if rule.window is None:
        candidates = [earlier[-1]]
    else:
        start = rule.window.start(taken_on)
        candidates = [(d, v) for d, v in earlier if d >= start]
    current_band = band_for(spec, value, context)
    best: tuple[Decimal, date, ResultValue] | None = None
    for on, before in candidates:
        change = (value.number - before.number) if rule.direction is Direction.RISE \
            else (before.number - value.number)  # type: ignore[operator]
        if change <= 0:
            continue
        if rule.percent is not None:
            if before.number <= 0:  # type: ignore[operator]
                continue
            size = change * 100 / before.number  # type: ignore[operator]
            crossed = size >= rule.percent
        else:
            size = change
            crossed = size >= rule.amount  # type: ignore[operator]
        if not crossed:
            continue
        if rule.needs_band_change and band_for(spec, before, context) == current_band:
            continue
        if best is None or size > best[0]:
            best = (size, on, before)
    if best is None:
        return None
    return Flag(rule.code, _change_reason(spec, rule, value, *best, context), rule.urgency,
                rule.source)


def _change_reason(spec: ResultSpec, rule: ChangeRule, value: ResultValue, size: Decimal,
                   on: date, before: ResultValue, context: PatientContext) -> str:
    """E.g. "HbA1c rose by 12 mmol/mol since 3 February 2026 (from 76 to 88; threshold: 11)"."""
    verb = "rose" if rule.direction is Direction.RISE else "fell"
    if rule.percent is not None:
        # Rounded down so the reason never shows a percentage the rule did not reach.
        amount, threshold = f"{int(size)}%", f"{format_number(rule.percent)}%"
    else:
        amount = format_number(size) + _unit_suffix(spec)
        threshold = format_number(rule.amount)  # type: ignore[arg-type]
    details = (f"from {format_number(before.number)} "  # type: ignore[arg-type]
               f"to {format_number(value.number)}")  # type: ignore[arg-type]
    if rule.needs_band_change:
        was, now = band_for(spec, before, context), band_for(spec, value, context)
        if was and now:
            details += f", stage {was.code} to {now.code}"
        threshold += " with a change of stage"
    if rule.window is not None:
        threshold += f" within {rule.window.words()}"
    if rule.note:
        threshold += f", {rule.note}"
    return (f"{spec.short_name} {verb} by {amount} since {uk_date(on)} "
            f"({details}; threshold: {threshold})")


# --- formatting ----------------------------------------------------------------------------


def uk_date(day: date) -> str:
    """ "12 March 2026": fixed English month names, whatever the server's locale."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def format_number(number: Decimal) -> str:
    """Plain digits, no exponent, no trailing zeros beyond what was written: 5.3, 48, 0.5."""
    return format(number, "f")


def _number_with_unit(spec: ResultSpec, value: ResultValue) -> str:
    return format_number(value.number) + _unit_suffix(spec)  # type: ignore[arg-type]


def _unit_suffix(spec: ResultSpec | None) -> str:
    if spec is None or not spec.unit or spec.kind is ValueKind.SCORE:
        return ""
    return spec.unit if spec.unit.startswith("%") else f" {spec.unit}"


def _canonical(number: Decimal) -> Decimal:
    """Drop trailing zeros without switching to exponent form: 4.20 -> 4.2, 100 -> 100."""
    normal = number.normalize()
    exponent = normal.as_tuple().exponent
    if isinstance(exponent, int) and exponent > 0:
        return normal.quantize(Decimal(1))
    return normal


def _places(number: Decimal) -> int:
    exponent = number.as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def _capital(text: str) -> str:
    # "eGFR" keeps its spelling; everything else starts with a capital letter.
    if text[:1].islower() and text[1:2].isupper():
        return text
    return text[:1].upper() + text[1:]


def _category_order(spec: ResultSpec | None, code: str) -> int:
    if spec is None:
        return 0
    codes = [c.code for c in spec.categories]
    return codes.index(code) if code in codes else len(codes)


def _months_before(day: date, months: int) -> date:
    """The same day `months` calendar months earlier, or that month's last day."""
    if not months:
        return day
    total = day.year * 12 + (day.month - 1) - months
    year, month = divmod(total, 12)
    month += 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover


__all__ = [
    "CATEGORY_IN_TARGET_WORDS", "FIELD_DIASTOLIC", "FIELD_ITEM_9", "FIELD_SYSTOLIC",
    "FIELD_VALUE", "NO_PREVIOUS_WORDS", "PHQ9_ANSWERS", "STATUS_WORDS", "Assessment", "Band",
    "Category", "CategoryRule", "Change", "ChangeRule", "Comparison", "ContextBands",
    "ContextTarget", "Direction", "EntryError", "EntryRange", "Flag", "Measure",
    "MissingItem9Rule", "PatientContext", "RedFlagRule", "ResultSpec", "ResultValue", "Status",
    "Target", "TargetKind", "ThresholdRule", "Urgency", "ValueKind", "When", "assess",
    "band_for", "bands_for", "default_target", "describe_target", "describe_value",
    "effective_target", "format_number", "parse_and_check", "red_flags", "target_met",
    "uk_date",
]
