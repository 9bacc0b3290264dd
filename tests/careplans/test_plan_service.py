from datetime import date, timedelta

import pytest

from tests.support.factories import action_draft, make_review
from webapp.careplans import service
from webapp.careplans.service import GoalDraft, PlanConflict, PlanDraft
from webapp.extensions import db
from webapp.models import Action, CarePlanRevision, Goal, Per


def draft_from(world, **changes) -> PlanDraft:
    draft = service.draft_from_plan(world.plan)
    for name, value in changes.items():
        setattr(draft, name, value)
    return draft


def test_saving_keeps_every_revision(world):
    first = db.session.query(CarePlanRevision).one()
    draft = draft_from(world)
    draft.goals[0].actions[0].times = 4
    second = service.save_plan(world.review, draft, base_version=1, saved_by=world.clinician)
    revisions = db.session.query(CarePlanRevision).order_by(CarePlanRevision.number).all()
    assert [r.number for r in revisions] == [1, 2]
    assert first.snapshot["goals"][0]["actions"][0]["often"] == "3 times a week"
    assert second.snapshot["goals"][0]["actions"][0]["often"] == "4 times a week"
    assert world.plan.version == 2


def test_a_second_save_from_the_same_version_is_told_what_changed(world):
    mine = draft_from(world)
    mine.goals[0].actions[0].what = "Walk to the park"
    theirs = draft_from(world)
    theirs.goals[0].actions[0].times = 5
    service.save_plan(world.review, theirs, base_version=1, saved_by=world.clinician)
    with pytest.raises(PlanConflict) as clash:
        service.save_plan(world.review, mine, base_version=1, saved_by=world.clinician)
    assert clash.value.changes == [
        "“Walk to the shop and back”: how often changed from “3 times a week” to "
        "“5 times a week”"]
    assert clash.value.plan.version == 2
    db.session.rollback()
    assert db.session.query(Action).one().what == "Walk to the shop and back"


def test_saving_again_from_the_latest_version_succeeds_after_a_conflict(world):
    theirs = draft_from(world)
    theirs.goals[0].text = "Walk to school"
    service.save_plan(world.review, theirs, base_version=1, saved_by=world.clinician)
    mine = draft_from(world)
    mine.goals[0].actions[0].times = 2
    revision = service.save_plan(world.review, mine, base_version=2, saved_by=world.clinician)
    assert revision.number == 3


def test_goals_and_actions_keep_their_identity_through_a_revision(world):
    action_id = world.action.id
    draft = draft_from(world)
    draft.goals[0].actions[0].what = "Walk to the shop and back, twice"
    draft.goals[0].actions.append(action_draft("Stretch in the morning", per=Per.DAY,
                                               times=1, measure_unit=None,
                                               measure_target=None))
    service.save_plan(world.review, draft, base_version=1, saved_by=world.clinician)
    actions = world.plan.goals[0].actions
    assert actions[0].id == action_id
    assert [a.what for a in actions] == ["Walk to the shop and back, twice",
                                         "Stretch in the morning"]


def test_removing_a_goal_retires_it_and_its_actions(world):
    draft = draft_from(world)
    draft.goals = [GoalDraft(text="Sleep better", actions=[action_draft("Bed by 11pm",
                                                                        per=Per.DAY, times=1)])]
    revision = service.save_plan(world.review, draft, base_version=1, saved_by=world.clinician)
    assert [g.text for g in world.plan.goals] == ["Sleep better"]
    retired = db.session.get(Action, world.action.id)
    assert retired.retired_at is not None  # kept, so its progress history still reads
    assert db.session.query(Goal).count() == 2
    assert "Removed goal “I want to walk to my granddaughter's school”" in \
        service.describe_changes(db.session.query(CarePlanRevision).filter_by(
            number=1).one().snapshot, revision.snapshot)


def test_saving_marks_the_conversation_done_and_agrees_the_plan(world):
    review = make_review(world.patient, clinician=world.clinician, shared=True)
    draft = PlanDraft(goals=[GoalDraft(text="Feel less tired", actions=[action_draft()])],
                      review_on=date.today() + timedelta(days=180))
    service.save_plan(review, draft, base_version=0, saved_by=world.clinician)
    assert review.conversation_done_at is not None
    plan = service.plan_for_review(review)
    assert plan.agreed_on is not None and plan.version == 1
    assert service.current_plan(world.patient.id).id == plan.id


def test_two_first_saves_of_a_new_plan_conflict(world):
    review = make_review(world.patient, clinician=world.clinician)
    draft = PlanDraft(goals=[GoalDraft(text="A", actions=[action_draft()])])
    service.save_plan(review, draft, base_version=0, saved_by=world.clinician)
    with pytest.raises(PlanConflict) as clash:
        service.save_plan(review, draft, base_version=0, saved_by=world.clinician)
    assert "Added goal “A”" in clash.value.changes


def test_low_confidence_is_found(world):
    draft = draft_from(world)
    draft.goals[0].actions[0].confidence = 6
    assert service.low_confidence(draft) == [(0, 0)]


def test_changes_describe_support_and_dates(world):
    before = service.snapshot(world.plan)
    after = dict(before, support=[], review_on="2027-05-01", check_in_after_days=21)
    assert service.describe_changes(dict(before, review_on=None), after) == [
        "Removed support: Walking for health",
        "Review date changed from none to 1 May 2027",
        "Check-in changed from 14 to 21 days after the plan",
    ]
