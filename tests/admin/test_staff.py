from webapp.extensions import db
from webapp.models import Role, User


def test_admin_invites_a_clinician(client, world):
    client.sign_in_quickly(world.admin)
    response = client.submit("/admin/staff/new", {"name": "Dr Nia Roberts",
                                                  "email": "Nia.Roberts@example.com",
                                                  "role": "clinician"})
    assert response.status_code == 200
    assert 'id="activation-code"' in response.get_data(as_text=True)
    invited = db.session.query(User).filter_by(email="nia.roberts@example.com").one()
    assert invited.role is Role.CLINICIAN and invited.practice_id == world.practice.id
    assert invited.password_hash is None


def test_inviting_staff_needs_a_role_and_a_real_email(client, world):
    client.sign_in_quickly(world.admin)
    response = client.submit("/admin/staff/new", {"name": "X", "email": "x@", "role": "patient"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Enter an email address in the correct format" in page
    assert "Not a valid choice" in page or "Choose their role" in page


def test_staff_list_shows_only_this_practice(client, world):
    client.sign_in_quickly(world.admin)
    page = client.get("/admin/staff").get_data(as_text=True)
    assert world.clinician.name in page and world.other_clinician.name not in page
    assert world.patient.user.name not in page


def test_turning_off_an_account_signs_them_out(app, client, world):
    from tests.conftest import Client

    app.test_client_class = Client
    hca_browser = app.test_client()
    hca_browser.sign_in_quickly(world.hca)
    client.sign_in_quickly(world.admin)
    client.submit(f"/admin/staff/{world.hca.id}/access")
    assert db.session.get(User, world.hca.id).is_disabled
    assert hca_browser.get("/patients").status_code == 303
    client.submit(f"/admin/staff/{world.hca.id}/access")
    assert not db.session.get(User, world.hca.id).is_disabled


def test_an_admin_cannot_turn_off_their_own_account(client, world):
    client.sign_in_quickly(world.admin)
    client.submit(f"/admin/staff/{world.admin.id}/access")
    assert not db.session.get(User, world.admin.id).is_disabled


def test_another_practices_admin_gets_404_for_my_staff(client, world):
    client.sign_in_quickly(world.other_admin)
    assert client.submit(f"/admin/staff/{world.hca.id}/access").status_code == 404
    assert not db.session.get(User, world.hca.id).is_disabled


def test_practice_settings_change_the_name_and_time_zone(client, world):
    client.sign_in_quickly(world.admin)
    response = client.submit("/admin/settings", {"name": "Hillside Surgery",
                                                 "time_zone": "Europe/Dublin",
                                                 "closure_retention_years": "0"})
    assert response.status_code == 303
    db.session.refresh(world.practice)
    assert (world.practice.name, world.practice.time_zone) == ("Hillside Surgery", "Europe/Dublin")


def test_practice_settings_refuse_an_unknown_zone_and_a_taken_name(client, world):
    client.sign_in_quickly(world.admin)
    bad_zone = client.submit("/admin/settings", {"name": "Home Practice", "time_zone": "Mars/Base",
                                                 "closure_retention_years": "0"})
    assert bad_zone.status_code == 400
    taken = client.submit("/admin/settings", {"name": "Other Practice",
                                              "time_zone": "Europe/London",
                                              "closure_retention_years": "0"})
    assert "Another practice already uses this name" in taken.get_data(as_text=True)


def test_an_admin_resets_two_step_sign_in_for_someone_who_lost_their_phone(app, client, world):
    from tests.conftest import Client
    from webapp.accounts import two_step

    hca_browser = Client(app, app.response_class)
    hca_browser.sign_in_quickly(world.hca)
    client.sign_in_quickly(world.admin)
    assert client.submit(f"/admin/staff/{world.hca.id}/two-step").status_code == 303
    assert two_step.authenticator_for(world.hca) is None
    assert hca_browser.get("/patients").status_code == 303
    fresh = Client(app, app.response_class)
    response = fresh.submit("/login", {"email": world.hca.email,
                                       "password": "correct horse battery staple"})
    assert response.headers["Location"] == "/login/set-up-authenticator"


def test_another_practices_admin_cannot_reset_my_staff(client, world):
    from webapp.accounts import two_step

    client.sign_in_quickly(world.other_admin)
    assert client.submit(f"/admin/staff/{world.hca.id}/two-step").status_code == 404
    assert two_step.authenticator_for(world.hca) is not None


def test_changes_to_staff_accounts_and_settings_are_in_the_audit_log(client, world):
    from sqlalchemy import select

    from webapp.models import AuditEvent

    client.sign_in_quickly(world.admin)
    client.submit("/admin/staff/new", {"name": "Dr Nia Roberts",
                                       "email": "nia.roberts@example.com", "role": "clinician"})
    nia = db.session.query(User).filter_by(email="nia.roberts@example.com").one()
    client.submit(f"/admin/staff/{world.hca.id}/access")
    client.submit(f"/admin/staff/{world.hca.id}/access")
    client.submit(f"/admin/staff/{world.hca.id}/two-step")
    client.submit(f"/admin/staff/{nia.id}/activation-code")
    client.submit("/admin/settings", {"name": world.practice.name, "time_zone": "Europe/London",
                                      "closure_retention_years": "8"})

    events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [(e.action, e.subject, e.subject_id) for e in events] == [
        ("created", "staff invitation for Dr Nia Roberts", nia.id),
        ("turned off", f"account of {world.hca.name}", world.hca.id),
        ("turned on", f"account of {world.hca.name}", world.hca.id),
        ("reset", f"two-step sign-in of {world.hca.name}", world.hca.id),
        ("created", "activation code for Dr Nia Roberts", nia.id),
        ("changed", "practice settings", None),
    ]
    assert {(e.actor_id, e.practice_id, e.patient_id) for e in events} == {
        (world.admin.id, world.practice.id, None)}
    page = client.get(f"/admin/audit-log?staff={world.admin.id}").get_data(as_text=True)
    assert f"Turned off account of {world.hca.name}" in page
    assert f"Reset two-step sign-in of {world.hca.name}" in page
