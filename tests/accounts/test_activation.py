from datetime import timedelta

import pytest

from tests.support.factories import make_patient, make_practice, make_staff
from webapp.accounts import service
from webapp.extensions import db
from webapp.models import ActivationCode, Role, User, utcnow

GOOD_PASSWORD = "marmalade on toast"


@pytest.fixture
def invited(app):
    practice = make_practice()
    admin = make_staff(practice, Role.PRACTICE_ADMIN)
    patient = make_patient(practice, active=False)
    invitation = service.issue_activation_code(patient.user, issued_by=admin,
                                               valid_for=timedelta(days=14))
    db.session.commit()
    return patient.user, invitation


def test_a_code_sets_the_password_once(invited):
    user, invitation = invited
    activated = service.activate(user.email, invitation.code, GOOD_PASSWORD)
    assert activated.id == user.id and activated.is_active
    with pytest.raises(service.AccountError, match="already been used"):
        service.activate(user.email, invitation.code, "another good password")


def test_a_code_is_accepted_in_any_case_and_without_dashes(invited):
    user, invitation = invited
    typed = invitation.code.replace("-", " ").lower()
    assert service.activate(user.email.upper(), typed, GOOD_PASSWORD).is_active


def test_an_expired_code_is_refused(invited):
    user, invitation = invited
    later = utcnow() + timedelta(days=14, seconds=1)
    with pytest.raises(service.AccountError, match="expired"):
        service.activate(user.email, invitation.code, GOOD_PASSWORD, now=later)
    assert db.session.get(User, user.id).password_hash is None


def test_a_code_works_until_the_moment_it_expires(invited):
    user, invitation = invited
    just_before = invitation.expires_at - timedelta(seconds=1)
    assert service.activate(user.email, invitation.code, GOOD_PASSWORD, now=just_before)


def test_a_code_for_someone_else_is_refused(invited, app):
    _, invitation = invited
    with pytest.raises(service.AccountError, match="Check your email address"):
        service.activate("someone.else@example.com", invitation.code, GOOD_PASSWORD)


def test_a_made_up_code_is_refused(invited):
    user, _ = invited
    with pytest.raises(service.AccountError, match="Check your email address"):
        service.activate(user.email, "AAAA-BBBB-CCCC", GOOD_PASSWORD)


def test_a_new_code_retires_the_old_one(invited):
    user, first = invited
    second = service.issue_activation_code(user, issued_by=None, valid_for=timedelta(days=1))
    with pytest.raises(service.AccountError, match="replaced by a newer one"):
        service.activate(user.email, first.code, GOOD_PASSWORD)
    assert service.activate(user.email, second.code, GOOD_PASSWORD).is_active


def test_a_weak_password_is_refused_and_the_code_stays_usable(invited):
    user, invitation = invited
    with pytest.raises(service.AccountError, match="too common"):
        service.activate(user.email, invitation.code, "password1")
    assert service.activate(user.email, invitation.code, GOOD_PASSWORD).is_active


def test_only_a_hash_of_the_code_is_stored(invited):
    _, invitation = invited
    stored = db.session.query(ActivationCode).one()
    assert service.normalise_code(invitation.code) not in stored.code_hash
    assert len(stored.code_hash) == 64


def test_codes_are_twelve_unambiguous_characters(invited):
    _, invitation = invited
    code = service.normalise_code(invitation.code)
    assert len(code) == 12
    assert not set(code) & set("01OIL")


def test_patient_activates_through_the_page_and_is_signed_in(client, invited):
    user, invitation = invited
    response = client.submit("/activate", {"email": user.email, "code": invitation.code,
                                           "password": GOOD_PASSWORD, "confirm": GOOD_PASSWORD})
    assert response.status_code == 303
    home = client.get("/")
    assert home.status_code == 200
    assert "Your account is ready" in home.get_data(as_text=True)


def test_activation_page_explains_a_wrong_code_and_keeps_the_email(client, invited):
    user, _ = invited
    response = client.submit("/activate", {"email": user.email, "code": "ZZZZ-ZZZZ-ZZZZ",
                                           "password": GOOD_PASSWORD, "confirm": GOOD_PASSWORD})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "There is a problem" in page and "Check your email address" in page
    assert f'value="{user.email}"' in page
    assert GOOD_PASSWORD not in page  # passwords are never sent back


def test_activation_page_says_when_the_passwords_differ(client, invited):
    user, invitation = invited
    response = client.submit("/activate", {"email": user.email, "code": invitation.code,
                                           "password": GOOD_PASSWORD, "confirm": "something else"})
    assert "The passwords do not match" in response.get_data(as_text=True)
    assert db.session.get(User, user.id).password_hash is None


def test_a_new_code_for_an_active_user_resets_their_password_and_signs_them_out(client, app):
    practice = make_practice()
    patient = make_patient(practice)
    db.session.commit()
    other_device = app.test_client()
    other_device.__class__ = type(client)
    other_device.sign_in(patient.user)
    invitation = service.issue_activation_code(patient.user, issued_by=None,
                                               valid_for=timedelta(days=1))
    db.session.commit()
    client.submit("/activate", {"email": patient.email, "code": invitation.code,
                                "password": GOOD_PASSWORD, "confirm": GOOD_PASSWORD})
    assert other_device.get("/").status_code == 303  # the old session has ended
