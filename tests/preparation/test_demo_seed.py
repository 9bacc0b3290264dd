"""The demo seed shows the first half of the journey: a shared review with a history for
patient@demo.example, and a review list with reviews in every state."""

from sqlalchemy import func, select

from webapp.extensions import db
from webapp.models import Result, Review, User


def test_the_demo_has_shared_results_with_history_and_reviews_in_every_state(
        app, runner, client):
    for _ in range(2):  # idempotent
        assert runner.invoke(args=["demo", "seed"]).exit_code == 0
    # 8 reviews across the states, and the review at which Margaret agreed her current plan
    assert db.session.scalar(select(func.count()).select_from(Review)) == 9
    margaret = db.session.scalar(select(User).where(User.email == "patient@demo.example"))
    client.sign_in_quickly(margaret)
    page = client.get("/results").get_data(as_text=True)
    assert "HbA1c" in page and "Down 5 since then" in page and "<svg" in page
    assert "I want to talk about this" in page
    hba1c = db.session.scalar(select(func.count()).select_from(Result).where(
        Result.patient_id == margaret.patient_id, Result.result_code == "hba1c"))
    assert hba1c == 3

    clinician = db.session.scalar(select(User).where(User.email == "clinician@demo.example"))
    client.sign_in_quickly(clinician)
    page = client.get("/clinic/reviews").get_data(as_text=True)
    for state in ("Being gathered", "Not shared", "Not sent yet", "Sent", "same day"):
        assert state in page
    assert "Tom Hughes" not in page


def test_the_catalogue_can_be_synced_from_the_command_line(app, runner):
    result = runner.invoke(args=["results", "sync-catalogue"])
    assert result.exit_code == 0 and "19 result types added" in result.output
    assert "0 result types added" in runner.invoke(args=["results", "sync-catalogue"]).output
