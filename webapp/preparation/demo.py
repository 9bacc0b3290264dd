"""Demo data for preparation: reviews in every state, results with a history so trends
show, and a sent agenda, so `make run` shows the whole first half of the journey.

- patient@demo.example (Margaret Evans): results shared for her review next week, with two
  earlier reviews' results; her agenda is hers to write.
- patient2@demo.example (Arjun Patel): shared, agenda sent, and results with red flags.
- Two more Demo Practice patients without accounts: one whose results are entered but not
  shared (with flags), one whose tests are still to come.
- patient@other.example: a shared review in the other practice, to show isolation.

Idempotent: a patient who already has a review is left as they are.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from webapp.accounts.nhs_number import check_digit
from webapp.content import result_catalogue as catalogue
from webapp.demo import seeder
from webapp.extensions import db
from webapp.models import ClinicalProfile, Patient, Review, User
from webapp.preparation import agendas, prompts
from webapp.preparation.agenda_rules import read_fields
from webapp.preparation.results import record_result, share_review, sync_result_types
from webapp.results.assessment import ResultValue, parse_and_check

LONDON = ZoneInfo("Europe/London")


def _at(days: int, hour: int, minute: int = 0) -> datetime:
    """A time of day `days` from today, on the practice's clock."""
    day = datetime.now(LONDON).date() + timedelta(days=days)
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON).astimezone(UTC)


def _value(code: str, text: str, item_9: int | None = None) -> ResultValue:
    spec = catalogue.get(code)
    raw = {"value": text}
    if item_9 is not None:
        raw["item_9"] = str(item_9)
    parsed = parse_and_check(spec, raw)
    if not isinstance(parsed, ResultValue):
        raise ValueError(f"demo value {code}={text}: {parsed}")
    return parsed


def _results(patient: Patient, review: Review, taken_on: date, values: dict[str, str],
             by: User) -> None:
    for code, text in values.items():
        item_9 = 0 if catalogue.get(code).has_item_9 else None
        record_result(patient, catalogue.get(code), _value(code, text, item_9), taken_on,
                      by=by, review=review)


def _review(patient: Patient, *, gathering: datetime, conversation: datetime,
            clinician: User, by: User) -> Review:
    review = Review(practice_id=patient.practice_id, patient_id=patient.id,
                    clinician_id=clinician.id, gathering_at=gathering,
                    conversation_at=conversation, created_by_id=by.id,
                    created_at=gathering - timedelta(days=14))
    db.session.add(review)
    db.session.flush()
    return review


def _profile(patient: Patient, conditions: list[str], **facts) -> None:
    if db.session.scalar(select(ClinicalProfile).where(ClinicalProfile.patient_id ==
                                                       patient.id)) is None:
        db.session.add(ClinicalProfile(practice_id=patient.practice_id, patient_id=patient.id,
                                       conditions=conditions, **facts))


def _has_reviews(patient: Patient) -> bool:
    return bool(db.session.scalar(select(func.count()).select_from(Review)
                                  .where(Review.patient_id == patient.id)))


def _demo_patient(practice_id: int, seed: int, given: str, family: str, born: date) -> Patient:
    """A patient without an account, with an NHS number from the 999 test range."""
    number = seed
    while check_digit(f"999{number:06d}") is None:
        number += 1
    nhs = f"999{number:06d}{check_digit(f'999{number:06d}')}"
    patient = db.session.scalar(select(Patient).where(Patient.practice_id == practice_id,
                                                      Patient.nhs_number == nhs))
    if patient is None:
        patient = Patient(practice_id=practice_id, nhs_number=nhs, given_name=given,
                          family_name=family, date_of_birth=born,
                          email=f"{given.lower()}.{family.lower()}@demo.example")
        db.session.add(patient)
        db.session.flush()
    return patient


def register() -> None:
    seeder(seed_preparation)


def seed_preparation(people: dict[str, User]) -> None:
    sync_result_types()
    clinician = people["clinician@demo.example"]
    hca = people["hca@demo.example"]
    prompts.ensure_default_prompts(clinician.practice_id)
    prompts.ensure_default_prompts(people["clinician@other.example"].practice_id)

    margaret = people["patient@demo.example"].patient
    if margaret is not None and not _has_reviews(margaret):
        _profile(margaret, ["diabetes", "hypertension", "ckd"])
        history = (
            (-400, {"hba1c": "62", "blood-pressure": "148/88", "total-cholesterol": "5.4",
                    "egfr": "58", "urine-acr": "3.8", "weight": "84.2", "bmi": "31.2",
                    "foot-risk": "low", "smoking-status": "ex-smoker"}),
            (-200, {"hba1c": "58", "blood-pressure": "142/86", "egfr": "56",
                    "urine-acr": "3.4", "weight": "82.9", "bmi": "30.7"}),
        )
        for days, values in history:
            review = _review(margaret, gathering=_at(days - 14, 9, 30),
                             conversation=_at(days, 10, 15), clinician=clinician, by=hca)
            _results(margaret, review, (_at(days - 14, 9, 30)).date(), values, hca)
            share_review(review, clinician, now=_at(days - 10, 12))
            review.agenda_submitted_at = _at(days - 3, 19)
            review.conversation_done_at = _at(days, 10, 45)
        current = _review(margaret, gathering=_at(-10, 9, 30), conversation=_at(7, 10, 15),
                          clinician=clinician, by=hca)
        _results(margaret, current, _at(-10, 9).date(), {
            "hba1c": "53", "blood-pressure": "136/82", "total-cholesterol": "4.6",
            "non-hdl-cholesterol": "3.1", "egfr": "55", "urine-acr": "3.1",
            "potassium": "4.6", "weight": "81.0", "bmi": "30.0", "foot-risk": "low",
            "retinal-screening": "background", "smoking-status": "ex-smoker",
            "phq-9": "6"}, hca)
        share_review(current, clinician, now=_at(-3, 12))

    arjun = people["patient2@demo.example"].patient
    if arjun is not None and not _has_reviews(arjun):
        _profile(arjun, ["diabetes", "mental-health"], on_hypo_causing_drug=True,
                 family_background="south-asian")
        earlier = _review(arjun, gathering=_at(-190, 8, 45), conversation=_at(-176, 11),
                          clinician=clinician, by=hca)
        _results(arjun, earlier, _at(-190, 9).date(), {
            "hba1c": "61", "blood-pressure": "152/94", "bmi": "26.1", "phq-9": "9"}, hca)
        share_review(earlier, clinician, now=_at(-186, 12))
        earlier.conversation_done_at = _at(-176, 11, 30)
        review = _review(arjun, gathering=_at(-5, 8, 45), conversation=_at(9, 11),
                         clinician=clinician, by=hca)
        _results(arjun, review, _at(-5, 9).date(), {
            "hba1c": "74", "blood-pressure": "184/96", "bmi": "26.8", "phq-9": "12"}, hca)
        share_review(review, clinician, now=_at(-2, 12))
        _sent_agenda(review, {
            "priority-1": "topic:{mood}", "priority-1-words":
                "I have been feeling low since I lost my job in the spring.",
            "priority-2": "result:hba1c", "priority-2-words":
                "My sugar has gone up and I don't understand why.",
            "priority-3": "topic:{being-active}",
            "topics": ["{medicines}", "{sleep}", "{work-money}"],
            "answer-{gone-well}": "I have cut down on sweet drinks.",
            "answer-{been-hard}": "Sleeping, and remembering my evening tablets.",
            "answer-{matters-most}": "Being well enough to look after my mum.",
        })

    for seed, given, family, born, setup in (
        (43, "Linda", "Brown", date(1948, 2, 3), _entered_not_shared),
        (51, "George", "Adams", date(1962, 7, 19), _tests_to_come),
    ):
        person = _demo_patient(clinician.practice_id, seed, given, family, born)
        if not _has_reviews(person):
            setup(person, clinician, hca)

    tom = people["patient@other.example"].patient
    other_clinician = people["clinician@other.example"]
    if tom is not None and not _has_reviews(tom):
        review = _review(tom, gathering=_at(-8, 10), conversation=_at(6, 15),
                         clinician=other_clinician, by=other_clinician)
        _results(tom, review, _at(-8, 10).date(), {"blood-pressure": "146/88",
                                                   "fev1": "62", "cat": "18"},
                 other_clinician)
        share_review(review, other_clinician, now=_at(-4, 12))
    db.session.flush()


def _entered_not_shared(patient: Patient, clinician: User, hca: User) -> None:
    _profile(patient, ["ckd", "heart-failure", "hypertension"])
    review = _review(patient, gathering=_at(-2, 11), conversation=_at(12, 9, 30),
                     clinician=clinician, by=hca)
    _results(patient, review, _at(-2, 11).date(), {
        "egfr": "28", "potassium": "6.1", "blood-pressure": "128/74", "weight": "71.4"}, hca)


def _tests_to_come(patient: Patient, clinician: User, hca: User) -> None:
    _profile(patient, ["asthma"])
    _review(patient, gathering=_at(3, 14), conversation=_at(18, 14, 30), clinician=clinician,
            by=hca)


def _sent_agenda(review: Review, fields: dict[str, object]) -> None:
    """Write an agenda as the patient would, naming prompts by their key ("{mood}")."""
    keys = {p.key: p.id for p in prompts.prompts_of(review.practice_id) if p.key}

    def fill(text: str) -> str:
        for key, prompt_id in keys.items():
            text = text.replace("{" + key + "}", str(prompt_id))
        return text

    form: dict[str, list[str]] = {}
    for name, value in fields.items():
        values = value if isinstance(value, list) else [value]
        form[fill(name)] = [fill(str(v)) for v in values]
    options = agendas.options_for(review)
    data, problems = read_fields(form, options)
    if problems:
        raise ValueError(f"demo agenda: {problems}")
    agendas.save_agenda(review, data, options, edited_at_ms=None, now=_at(-1, 20))
    agendas.send_agenda(review, now=_at(-1, 20, 5))

