"""Demo data: `flask --app webapp demo seed` builds a practice that shows the whole journey.

Idempotent: running it again updates the demo accounts in place (and resets their
passwords to DEMO_PASSWORD, and the staff's authenticator secret to DEMO_TOTP_SECRET) without
duplicating anything. Staff must use two-step sign-in; giving the demo staff a known secret
lets anyone trying the demo (and the tests) add it to an authenticator app, or compute codes
with `python -c "import pyotp; print(pyotp.TOTP('<secret>').now())"`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from webapp.accounts import two_step
from webapp.accounts.passwords import hash_password
from webapp.extensions import db
from webapp.models import Authenticator, Patient, Practice, Role, User, utcnow

DEMO_PRACTICE = "Demo Practice"
OTHER_PRACTICE = "Riverside Health Centre"


@dataclass(frozen=True)
class DemoPerson:
    email: str
    name: str
    role: Role
    practice: str
    # Patients only: NHS numbers from the 999 range, which the NHS never issues to people.
    nhs_number: str | None = None
    date_of_birth: date | None = None


PEOPLE: tuple[DemoPerson, ...] = (
    DemoPerson("admin@demo.example", "Priya Shah", Role.PRACTICE_ADMIN, DEMO_PRACTICE),
    DemoPerson("clinician@demo.example", "Dr Sam Okafor", Role.CLINICIAN, DEMO_PRACTICE),
    DemoPerson("hca@demo.example", "Jo Williams", Role.HEALTHCARE_ASSISTANT, DEMO_PRACTICE),
    DemoPerson("patient@demo.example", "Margaret Evans", Role.PATIENT, DEMO_PRACTICE,
               "9990000018", date(1956, 4, 12)),
    DemoPerson("patient2@demo.example", "Arjun Patel", Role.PATIENT, DEMO_PRACTICE,
               "9990000026", date(1971, 9, 30)),
    DemoPerson("clinician@other.example", "Dr Alex Morgan", Role.CLINICIAN, OTHER_PRACTICE),
    DemoPerson("patient@other.example", "Tom Hughes", Role.PATIENT, OTHER_PRACTICE,
               "9990000034", date(1949, 1, 23)),
)

# Each capability adds its demo data with a @seeder in its own demo module, listed here;
# a seeder is given the seeded people by email and must be safe to run again.
Seeder = Callable[[dict[str, User]], None]
SEEDERS: list[Seeder] = []
DEMO_MODULES = ("webapp.careplans.demo",)


def seeder(function: Seeder) -> Seeder:
    if function not in SEEDERS:
        SEEDERS.append(function)
    return function


def _practice(name: str) -> Practice:
    practice = db.session.scalar(select(Practice).where(Practice.name == name))
    if practice is None:
        practice = Practice(name=name)
        db.session.add(practice)
        db.session.flush()
    return practice


def _person(person: DemoPerson, password_hash: str) -> User:
    practice = _practice(person.practice)
    user = db.session.scalar(select(User).where(User.email == person.email))
    if user is None:
        user = User(email=person.email, name=person.name, role=person.role,
                    practice_id=practice.id)
        db.session.add(user)
    if person.role is Role.PATIENT:
        given, family = person.name.split(" ", 1)
        patient = db.session.scalar(select(Patient).where(
            Patient.practice_id == practice.id, Patient.nhs_number == person.nhs_number))
        if patient is None:
            patient = Patient(practice_id=practice.id, nhs_number=person.nhs_number,
                              given_name=given, family_name=family,
                              date_of_birth=person.date_of_birth, email=person.email)
            db.session.add(patient)
            db.session.flush()
        user.patient_id = patient.id
    user.password_hash = password_hash
    user.is_disabled = False
    user.activated_at = user.activated_at or utcnow()
    db.session.flush()
    return user


def _authenticator(user: User, secret: str) -> None:
    found = two_step.authenticator_for(user)
    if found is None:
        found = Authenticator(user_id=user.id)
        db.session.add(found)
    found.secret_encrypted = two_step.encrypt(secret)
    found.last_used_step = 0
    db.session.flush()


def seed(password: str, totp_secret: str) -> dict[str, User]:
    for module in DEMO_MODULES:
        importlib.import_module(module)
    password_hash = hash_password(password)
    people = {person.email: _person(person, password_hash) for person in PEOPLE}
    for user in people.values():
        if two_step.required_for(user):
            _authenticator(user, totp_secret)
    for function in SEEDERS:
        function(people)
    db.session.commit()
    return people


@click.group("demo", help="Demo data.")
def demo_cli() -> None:
    pass


@demo_cli.command("seed", help="Create or refresh the demo practices and accounts.")
@with_appcontext
def seed_command() -> None:
    seed(current_app.config["DEMO_PASSWORD"], current_app.config["DEMO_TOTP_SECRET"])
    click.echo("Demo accounts (all with the password in DEMO_PASSWORD; staff also need a code "
               "from an authenticator app set up with DEMO_TOTP_SECRET):")
    for person in PEOPLE:
        click.echo(f"  {person.email:28} {person.role.label:22} {person.practice}")
