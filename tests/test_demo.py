from webapp.demo import PEOPLE
from webapp.extensions import db
from webapp.models import Practice, User


def test_demo_seed_is_idempotent_and_everyone_can_sign_in(app, runner, client):
    app.config["DEMO_PASSWORD"] = "a demo password for tests"
    for _ in range(2):
        result = runner.invoke(args=["demo", "seed"])
        assert result.exit_code == 0, result.output
    assert db.session.query(User).count() == len(PEOPLE)
    assert {p.name for p in db.session.query(Practice)} == {"Demo Practice",
                                                            "Riverside Health Centre"}
    for email in ("admin@demo.example", "patient@demo.example", "clinician@other.example"):
        user = db.session.query(User).filter_by(email=email).one()
        client.sign_in(user, password="a demo password for tests")
        assert client.get("/").status_code == 200
        client.sign_out()
