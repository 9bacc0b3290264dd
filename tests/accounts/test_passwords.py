import pytest

from webapp.accounts import passwords
from webapp.models import Role


def test_a_password_hash_is_argon2_and_verifies():
    hashed = passwords.hash_password("purple elephant teapot")
    assert hashed.startswith("$argon2id$")
    assert passwords.verify_password(hashed, "purple elephant teapot")
    assert not passwords.verify_password(hashed, "purple elephant teapots")


def test_an_unknown_user_never_verifies():
    assert not passwords.verify_password(None, "no account has this password")


def test_a_broken_hash_does_not_verify():
    assert not passwords.verify_password("not-a-hash", "anything at all")


@pytest.mark.parametrize(("role", "shortest"), [(Role.PATIENT, 8), (Role.CLINICIAN, 12),
                                                (Role.HEALTHCARE_ASSISTANT, 12),
                                                (Role.PRACTICE_ADMIN, 12)])
def test_minimum_length_depends_on_role(role, shortest):
    just_right = "kq7vz!mw" + "x" * (shortest - 8)
    assert passwords.password_problems(just_right, role) == []
    too_short = just_right[:-1]
    assert passwords.password_problems(too_short, role) == [
        f"Password must be {shortest} characters or more"]


def test_no_composition_rules_a_lowercase_passphrase_is_fine():
    assert passwords.password_problems("correct horse battery staple", Role.CLINICIAN) == []


@pytest.mark.parametrize("common", ["password", "iloveyou", "sunshine1", "Password1",
                                    "qwertyuiop", "1234567890"])
def test_common_passwords_are_refused(common):
    problems = passwords.password_problems(common, Role.PATIENT)
    assert problems and ("too common" in problems[0] or "too easy" in problems[0])


@pytest.mark.parametrize("weak", ["aaaaaaaaaaaa", "abababababab", "abcdefghijklm", "zyxwvutsrqpo"])
def test_repeats_and_runs_are_refused(weak):
    assert "too easy to guess" in passwords.password_problems(weak, Role.CLINICIAN)[0]


def test_a_password_containing_my_name_or_email_is_refused():
    assert "your name or email" in passwords.password_problems(
        "margaret-loves-gardening", Role.PATIENT, email="m.evans@example.com",
        name="Margaret Evans")[0]
    assert "your name or email" in passwords.password_problems(
        "zz-m.evans-zz", Role.PATIENT, email="m.evans@example.com", name="M Evans")[0]


def test_the_service_name_padded_out_is_refused():
    assert passwords.password_problems("careplan2026", Role.PATIENT)
    assert passwords.password_problems("password1234", Role.PATIENT)


def test_overlong_passwords_are_refused():
    assert passwords.password_problems("x7" * 65, Role.PATIENT) == [
        "Password must be 128 characters or fewer"]
