"""Importing results from a CSV file (one row per result: NHS number, result code, value,
unit, date), all or nothing.

Reading the file is pure (`read_csv`, `check_against_practice`) so every kind of bad row
can be tested without a database; `import_results` looks up the practice's patients and
stored results in two queries and writes the whole file in one transaction, or nothing.

Every problem names its line in the file (the header is line 1) and says what to fix, in
words practice staff can act on without knowing the code.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select, tuple_
from sqlalchemy.exc import IntegrityError

from webapp.accounts import nhs_number
from webapp.content import result_catalogue as catalogue
from webapp.extensions import db
from webapp.models import Patient, Result, ResultImport, ResultSource, Review, User
from webapp.results.assessment import (
    FIELD_ITEM_9,
    FIELD_VALUE,
    ResultSpec,
    ResultValue,
    ValueKind,
    parse_and_check,
    uk_date,
)

COLUMNS = ("nhs_number", "result_code", "value", "unit", "date")
OPTIONAL_COLUMNS = ("item_9",)
# What people call the columns in the spreadsheets practices export.
ALIASES = {
    "nhs number": "nhs_number", "nhs no": "nhs_number", "nhs": "nhs_number",
    "result code": "result_code", "code": "result_code", "result": "result_code",
    "units": "unit", "taken on": "date", "date taken": "date", "result date": "date",
    "item 9": "item_9", "phq-9 item 9": "item_9", "phq9 item 9": "item_9",
}
MAX_ROWS = 5000
MAX_BYTES = 1024 * 1024
EARLIEST_YEAR = 1900

_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_UK = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


@dataclass(frozen=True)
class CsvRow:
    line: int
    nhs_number: str
    spec: ResultSpec
    value: ResultValue
    taken_on: date

    @property
    def key(self) -> tuple[str, str, date]:
        return self.nhs_number, self.spec.code, self.taken_on


@dataclass(frozen=True)
class RowProblem:
    line: int
    message: str


@dataclass
class CsvReading:
    rows: list[CsvRow] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    # Problems with the file as a whole (no header, not text...): no line to point at.
    file_problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and not self.file_problems


def decode(data: bytes) -> str | None:
    """The file's text: UTF-8 (with or without the byte-order mark Excel adds), or the
    Windows encoding older spreadsheets save in. None if it is not a text file."""
    if b"\x00" in data:
        return None
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return None if _CONTROL.search(text) else text
    return None


def _column(name: str) -> str:
    cleaned = " ".join(name.strip().lower().replace("_", " ").split())
    return ALIASES.get(cleaned, cleaned.replace(" ", "_"))


def read_csv(text: str, *, today: date) -> CsvReading:
    """Check every row; the reading holds the good rows and a problem for each bad one."""
    reading = CsvReading()
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(row for row in reader if any(cell.strip() for cell in row))
    except StopIteration:
        reading.file_problems.append("The file is empty")
        return reading
    except csv.Error as problem:
        reading.file_problems.append(f"The file could not be read as CSV ({problem})")
        return reading
    columns = [_column(name) for name in header]
    missing = [name for name in COLUMNS if name not in columns]
    if missing:
        reading.file_problems.append(
            "The first line must name the columns " + ", ".join(COLUMNS)
            + ". Missing: " + ", ".join(missing))
        return reading
    where = {name: columns.index(name) for name in (*COLUMNS, *OPTIONAL_COLUMNS)
             if name in columns}
    seen: dict[tuple[str, str, date], int] = {}
    count = 0
    try:
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            count += 1
            if count > MAX_ROWS:
                reading.file_problems.append(
                    f"The file has more than {MAX_ROWS:,} results. Split it into smaller files")
                return reading
            line = reader.line_num
            if len(cells) != len(header):
                reading.problems.append(RowProblem(
                    line, f"Has {len(cells)} values but the first line names {len(header)} "
                          "columns"))
                continue
            values = {name: cells[index].strip() for name, index in where.items()}
            row = _read_row(line, values, today, reading.problems)
            if row is None:
                continue
            if row.key in seen:
                reading.problems.append(RowProblem(
                    line, f"Repeats line {seen[row.key]}: the same patient, result and date"))
                continue
            seen[row.key] = line
            reading.rows.append(row)
    except csv.Error as problem:
        reading.file_problems.append(
            f"The file could not be read as CSV after line {reader.line_num} ({problem})")
    if not reading.rows and not reading.problems and not reading.file_problems:
        reading.file_problems.append("The file has a header but no results")
    return reading


def _read_row(line: int, values: Mapping[str, str], today: date,
              problems: list[RowProblem]) -> CsvRow | None:
    found: list[str] = []
    try:
        number = nhs_number.validate(values["nhs_number"])
    except nhs_number.InvalidNHSNumber as problem:
        number = None
        shown = values["nhs_number"] or "(empty)"
        found.append(f"NHS number {shown}: {problem}")
    spec = _spec(values["result_code"])
    if spec is None:
        shown = values["result_code"] or "(empty)"
        found.append(f"Unknown result code {shown}. Use a code from the result catalogue, "
                     "like hba1c or blood-pressure")
    taken_on = _date(values["date"], today, found)
    value = None
    if spec is not None:
        unit_problem = _unit_problem(spec, values["unit"])
        if unit_problem:
            found.append(unit_problem)
        else:
            value = _value(spec, values["value"], values.get("item_9", ""), found)
    if found:
        problems.extend(RowProblem(line, message) for message in found)
        return None
    return CsvRow(line, number, spec, value, taken_on)  # type: ignore[arg-type]


def _spec(code: str) -> ResultSpec | None:
    wanted = code.strip().lower()
    for spec in catalogue.RESULT_TYPES:
        if wanted in (spec.code, spec.name.lower(), spec.short_name.lower()):
            return spec
    return None


def _unit_words(unit: str) -> str:
    """A unit as people type it, reduced to compare: "mL/min/1.73m²" == "ml/min/1.73m2"."""
    return unit.strip().lower().replace(" ", "").replace("²", "2").replace("^2", "2")


# Other ways labs write the same unit.
UNIT_ALIASES = {
    "fev1": {"%", "%predicted", "percentpredicted"},
    "bmi": {"kg/m2"},
}


def _unit_problem(spec: ResultSpec, unit: str) -> str | None:
    given = _unit_words(unit)
    if not spec.unit or spec.kind is ValueKind.SCORE:
        if given and given not in {"score", "points", "category"}:
            return f"Wrong unit {unit} for {spec.name}: it has no unit, so leave the unit empty"
        return None
    if not given:
        return f"The unit is missing for {spec.name}: use {spec.unit}"
    if given == _unit_words(spec.unit) or given in UNIT_ALIASES.get(spec.code, set()):
        return None
    if spec.code == catalogue.HBA1C.code and given == "%":
        return ("Wrong unit % for HbA1c: the service takes HbA1c in mmol/mol (IFCC), not % "
                "(DCCT)")
    return f"Wrong unit {unit} for {spec.name}: use {spec.unit}"


def _value(spec: ResultSpec, text: str, item_9: str, found: list[str]) -> ResultValue | None:
    if spec.kind is ValueKind.CATEGORY:
        wanted = text.strip().lower()
        category = next((c for c in spec.categories
                         if wanted in (c.code, c.label.lower())), None)
        if category is None:
            choices = ", ".join(c.code for c in spec.categories)
            found.append(f"{spec.name} value {text or '(empty)'} is not one of: {choices}")
            return None
        return ResultValue.of_category(category.code)
    if spec.has_item_9 and not item_9:
        found.append(f"{spec.name} needs the answer to question 9 (thoughts of self-harm), "
                     "0 to 3, in an item_9 column")
        return None
    raw = {FIELD_VALUE: text}
    if spec.has_item_9:
        raw[FIELD_ITEM_9] = item_9
    parsed = parse_and_check(spec, raw)
    if isinstance(parsed, ResultValue):
        return parsed
    found.extend(f"{error.message} (the file has {text or 'nothing'})"
                 if error.field == FIELD_VALUE else error.message for error in parsed)
    return None


def _date(text: str, today: date, found: list[str]) -> date | None:
    match = _ISO.fullmatch(text.strip())
    parts = (match[1], match[2], match[3]) if match else None
    if parts is None and (match := _UK.fullmatch(text.strip())):
        parts = (match[3], match[2], match[1])
    if parts is None:
        found.append(f"Date {text or '(empty)'} is not a date: write it like 2026-03-14 or "
                     "14/03/2026")
        return None
    try:
        day = date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        found.append(f"Date {text} is not a real date")
        return None
    if day > today:
        found.append(f"Date {uk_date(day)} is in the future")
        return None
    if day.year < EARLIEST_YEAR:
        found.append(f"Date {uk_date(day)} is too long ago: check the year")
        return None
    return day


def check_against_practice(rows: Iterable[CsvRow], patients: Mapping[str, Patient],
                           stored: set[tuple[int, str, date]]) -> list[RowProblem]:
    """The rows' patients must be this practice's, and their results not already stored."""
    problems = []
    for row in rows:
        patient = patients.get(row.nhs_number)
        if patient is None:
            spaced = f"{row.nhs_number[:3]} {row.nhs_number[3:6]} {row.nhs_number[6:]}"
            problems.append(RowProblem(row.line, f"No patient with NHS number {spaced} in "
                                                 "this practice"))
        elif (patient.id, row.spec.code, row.taken_on) in stored:
            problems.append(RowProblem(row.line, f"{row.spec.name} on {uk_date(row.taken_on)} "
                                                 "is already recorded for this patient"))
    return problems


@dataclass(frozen=True)
class ImportOutcome:
    imported: int = 0
    patients: list[int] = field(default_factory=list)  # ids of the patients with new results
    problems: list[RowProblem] = field(default_factory=list)
    file_problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and not self.file_problems

    def problems_by_line(self) -> list[tuple[int, list[str]]]:
        grouped: dict[int, list[str]] = {}
        for problem in self.problems:
            grouped.setdefault(problem.line, []).append(problem.message)
        return sorted(grouped.items())


def import_results(data: bytes, *, filename: str, practice_id: int, by: User,
                   today: date) -> ImportOutcome:
    """Import the whole file into the practice, or nothing. Each result joins its
    patient's review that is not done yet (if any); none is shared with the patient."""
    text = decode(data)
    if text is None:
        return ImportOutcome(file_problems=["The selected file is not a CSV text file"])
    reading = read_csv(text, today=today)
    if reading.file_problems:
        return ImportOutcome(problems=reading.problems, file_problems=reading.file_problems)
    numbers = {row.nhs_number for row in reading.rows}
    patients = {p.nhs_number: p for p in db.session.scalars(select(Patient).where(
        Patient.practice_id == practice_id, Patient.nhs_number.in_(numbers)))} \
        if numbers else {}
    keys = {(patients[r.nhs_number].id, r.spec.code, r.taken_on) for r in reading.rows
            if r.nhs_number in patients}
    stored = {tuple(row) for row in db.session.execute(
        select(Result.patient_id, Result.result_code, Result.taken_on).where(
            tuple_(Result.patient_id, Result.result_code, Result.taken_on).in_(list(keys))))
    } if keys else set()
    problems = reading.problems + check_against_practice(reading.rows, patients, stored)
    if problems:
        return ImportOutcome(problems=sorted(problems, key=lambda p: p.line))

    open_reviews = _open_reviews([p.id for p in patients.values()])
    try:
        with db.session.begin_nested():
            batch = ResultImport(practice_id=practice_id, filename=filename[:200],
                                 row_count=len(reading.rows), imported_by_id=by.id)
            db.session.add(batch)
            db.session.flush()
            # Checked above that none of these is stored yet, so they are added
            # without a look-up each; the unique key still guards against a race.
            db.session.add_all(new_result(patients[row.nhs_number], row, by=by,
                                          review=open_reviews.get(patients[row.nhs_number].id),
                                          import_id=batch.id)
                               for row in reading.rows)
            db.session.flush()
    except IntegrityError:
        return ImportOutcome(file_problems=[
            "Some of these results were added by someone else while the file was being "
            "imported. Nothing was imported: upload the file again to see what is left"])
    return ImportOutcome(imported=len(reading.rows),
                         patients=sorted({patients[row.nhs_number].id for row in reading.rows}))


def new_result(patient: Patient, row: CsvRow, *, by: User, review: Review | None,
               import_id: int) -> Result:
    value = row.value
    return Result(practice_id=patient.practice_id, patient_id=patient.id,
                  review_id=review.id if review else None, result_code=row.spec.code,
                  taken_on=row.taken_on, number=value.number, systolic=value.systolic,
                  diastolic=value.diastolic, category=value.category, item_9=value.item_9,
                  source=ResultSource.IMPORTED, import_id=import_id, entered_by_id=by.id)


def _open_reviews(patient_ids: list[int]) -> dict[int, Review]:
    """Each patient's most recent review that is not done yet."""
    if not patient_ids:
        return {}
    found: dict[int, Review] = {}
    for review in db.session.scalars(select(Review).where(
            Review.patient_id.in_(patient_ids), Review.conversation_done_at.is_(None))
            .order_by(Review.created_at, Review.id)):
        found[review.patient_id] = review
    return found

