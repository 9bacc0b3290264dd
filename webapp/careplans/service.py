"""Writing care plans: saving a revision, noticing a colleague's save, and the differences.

A plan is edited as a whole (a `PlanDraft`) and saved as a new revision. The editor carries
the version it started from; if someone else saved in between, `save_plan` refuses with a
`PlanConflict` holding both versions, so the editor can show what they changed and keep
what this person typed. The version check is a single conditional UPDATE, so it holds even
when two saves arrive at the same instant.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from webapp.extensions import db
from webapp.models import (
    Action,
    CarePlan,
    CarePlanRevision,
    CarePlanSupport,
    Goal,
    Per,
    Review,
    SupportService,
    User,
    utcnow,
)
from webapp.tracking.adherence import Frequency

# The confidence ruler: below this, suggest making the action smaller or easier
# (a standard self-management support technique; see shared/clinical-content.md).
CONFIDENT_ENOUGH = 7
DEFAULT_CHECK_IN_DAYS = 14


@dataclass
class ActionDraft:
    what: str
    where: str = ""
    when: str = ""
    times: int = 1
    per: Per = Per.DAY
    measure_target: Decimal | None = None
    measure_unit: str | None = None
    confidence: int = CONFIDENT_ENOUGH
    barriers: str = ""
    helps: str = ""
    id: int | None = None


@dataclass
class GoalDraft:
    text: str
    actions: list[ActionDraft] = field(default_factory=list)
    id: int | None = None


@dataclass
class PlanDraft:
    goals: list[GoalDraft]
    support_ids: list[int] = field(default_factory=list)
    review_on: date | None = None
    check_in_after_days: int = DEFAULT_CHECK_IN_DAYS


class PlanConflict(Exception):
    """Someone else saved the plan after this editor opened it."""

    def __init__(self, plan: CarePlan | None, base: dict[str, Any] | None,
                 current: dict[str, Any] | None):
        super().__init__("the care plan was saved by someone else")
        self.plan = plan
        self.base = base or empty_snapshot()
        self.current = current or empty_snapshot()

    @property
    def changes(self) -> list[str]:
        return describe_changes(self.base, self.current)

    @property
    def saved_by(self) -> str | None:
        return self.current.get("saved_by")


# Reading --------------------------------------------------------------------------------


def plan_for_review(review: Review) -> CarePlan | None:
    return db.session.scalar(select(CarePlan).where(CarePlan.review_id == review.id))


def current_plan(patient_id: int) -> CarePlan | None:
    """The patient's plan now: the latest one that has been saved at least once."""
    return db.session.scalar(
        select(CarePlan).where(CarePlan.patient_id == patient_id, CarePlan.version > 0)
        .order_by(CarePlan.created_at.desc(), CarePlan.id.desc()).limit(1)
    )


def practice_services(practice_id: int, *, include: list[int] | None = None
                      ) -> list[SupportService]:
    """The practice's active directory, plus any retired entries a plan still names."""
    condition = SupportService.is_active
    if include:
        condition = condition | SupportService.id.in_(include)
    return list(db.session.scalars(
        select(SupportService).where(SupportService.practice_id == practice_id, condition)
        .order_by(SupportService.name)))


def draft_from_plan(plan: CarePlan | None) -> PlanDraft:
    if plan is None:
        return PlanDraft(goals=[GoalDraft(text="", actions=[ActionDraft(what="")])])
    return PlanDraft(
        goals=[
            GoalDraft(id=goal.id, text=goal.text, actions=[
                ActionDraft(id=a.id, what=a.what, where=a.where, when=a.when, times=a.times,
                            per=a.per, measure_target=a.measure_target,
                            measure_unit=a.measure_unit, confidence=a.confidence,
                            barriers=a.barriers, helps=a.helps)
                for a in goal.actions])
            for goal in plan.goals],
        support_ids=[link.service_id for link in plan.support],
        review_on=plan.review_on,
        check_in_after_days=plan.check_in_after_days,
    )


def frequency_of(action: Action | ActionDraft) -> Frequency:
    return Frequency(action.times, Per(action.per))


def low_confidence(draft: PlanDraft) -> list[tuple[int, int]]:
    """(goal, action) positions whose confidence is below the ruler's threshold."""
    return [(g, a) for g, goal in enumerate(draft.goals)
            for a, action in enumerate(goal.actions) if action.confidence < CONFIDENT_ENOUGH]


# Snapshots and differences ---------------------------------------------------------------


def empty_snapshot() -> dict[str, Any]:
    return {"version": 0, "goals": [], "support": [], "review_on": None,
            "check_in_after_days": DEFAULT_CHECK_IN_DAYS, "saved_by": None}


def snapshot(plan: CarePlan, saved_by: User | None = None) -> dict[str, Any]:
    """The whole plan as plain data, as kept in each revision."""
    return {
        "version": plan.version,
        "saved_by": saved_by.name if saved_by else None,
        "review_on": plan.review_on.isoformat() if plan.review_on else None,
        "check_in_after_days": plan.check_in_after_days,
        "support": [{"id": link.service.id, "name": link.service.name}
                    for link in sorted(plan.support, key=lambda s: s.service.name)],
        "goals": [{
            "id": goal.id,
            "text": goal.text,
            "actions": [{
                "id": a.id, "what": a.what, "where": a.where, "when": a.when,
                "often": frequency_of(a).describe(),
                "measure": describe_measure(a.measure_target, a.measure_unit),
                "confidence": a.confidence, "barriers": a.barriers, "helps": a.helps,
            } for a in goal.actions],
        } for goal in plan.goals],
    }


def describe_measure(target: Decimal | None, unit: str | None) -> str:
    if target is None and not unit:
        return ""
    amount = "" if target is None else f"{target.normalize():f}"
    return " ".join(part for part in (amount, unit or "") if part)


ACTION_FIELDS = (("what", "what"), ("where", "where"), ("when", "when"),
                 ("often", "how often"), ("measure", "measure"),
                 ("confidence", "confidence"), ("barriers", "barriers"),
                 ("helps", "what will help"))


def describe_changes(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """What changed from one snapshot to another, one plain sentence per change."""
    changes: list[str] = []
    old_goals = {g["id"]: g for g in before["goals"]}
    new_goals = {g["id"]: g for g in after["goals"]}
    for goal in after["goals"]:
        if goal["id"] not in old_goals:
            changes.append(f"Added goal “{goal['text']}”")
            changes += [f"Added action “{a['what']}”" for a in goal["actions"]]
            continue
        old = old_goals[goal["id"]]
        if old["text"] != goal["text"]:
            changes.append(f"Goal changed from “{old['text']}” to “{goal['text']}”")
        changes += _action_changes(old["actions"], goal["actions"])
    changes += [f"Removed goal “{g['text']}”" for i, g in old_goals.items() if i not in new_goals]
    old_support = {s["name"] for s in before["support"]}
    new_support = {s["name"] for s in after["support"]}
    changes += [f"Added support: {name}" for name in sorted(new_support - old_support)]
    changes += [f"Removed support: {name}" for name in sorted(old_support - new_support)]
    if before["review_on"] != after["review_on"]:
        changes.append(f"Review date changed from {_day(before['review_on'])} to "
                       f"{_day(after['review_on'])}")
    if before["check_in_after_days"] != after["check_in_after_days"]:
        changes.append(f"Check-in changed from {before['check_in_after_days']} to "
                       f"{after['check_in_after_days']} days after the plan")
    return changes


def _action_changes(before: list[dict], after: list[dict]) -> list[str]:
    changes = []
    old_actions = {a["id"]: a for a in before}
    new_ids = {a["id"] for a in after}
    for action in after:
        old = old_actions.get(action["id"])
        if old is None:
            changes.append(f"Added action “{action['what']}”")
            continue
        for key, words in ACTION_FIELDS:
            if old[key] != action[key]:
                changes.append(f"“{action['what']}”: {words} changed from "
                               f"“{old[key] or 'nothing'}” to “{action[key] or 'nothing'}”")
    changes += [f"Removed action “{a['what']}”" for i, a in old_actions.items()
                if i not in new_ids]
    return changes


def _day(iso: str | None) -> str:
    if not iso:
        return "none"
    value = date.fromisoformat(iso)
    return f"{value.day} {value:%B %Y}"


# Saving ----------------------------------------------------------------------------------


def save_plan(review: Review, draft: PlanDraft, *, base_version: int, saved_by: User,
              now: datetime | None = None) -> CarePlanRevision:
    """Save `draft` as the review's plan, unless someone saved since `base_version`."""
    now = now or utcnow()
    plan = plan_for_review(review)
    if plan is None:
        if base_version != 0:
            raise PlanConflict(None, None, None)
        plan = _create_plan(review, now)
    claimed = db.session.execute(
        update(CarePlan).where(CarePlan.id == plan.id, CarePlan.version == base_version)
        .values(version=CarePlan.version + 1, updated_at=now, updated_by_id=saved_by.id)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        db.session.refresh(plan)
        raise PlanConflict(plan, _revision_snapshot(plan, base_version), snapshot_of_latest(plan))
    db.session.refresh(plan)
    _apply(plan, draft, now)
    if plan.agreed_on is None:
        plan.agreed_on = now.date()
    if review.conversation_done_at is None:
        review.conversation_done_at = now
    db.session.flush()
    db.session.expire(plan, ["goals", "support"])
    revision = CarePlanRevision(care_plan_id=plan.id, patient_id=plan.patient_id,
                                number=plan.version, snapshot=snapshot(plan, saved_by),
                                saved_at=now, saved_by_id=saved_by.id)
    db.session.add(revision)
    db.session.flush()
    return revision


def _create_plan(review: Review, now: datetime) -> CarePlan:
    plan = CarePlan(practice_id=review.practice_id, patient_id=review.patient_id,
                    review_id=review.id, version=0, created_at=now, updated_at=now)
    try:
        with db.session.begin_nested():
            db.session.add(plan)
            db.session.flush()
    except IntegrityError:
        # Another clinician created this review's plan at the same moment.
        existing = plan_for_review(review)
        raise PlanConflict(existing, None, snapshot_of_latest(existing) if existing else None
                           ) from None
    return plan


def snapshot_of_latest(plan: CarePlan) -> dict[str, Any] | None:
    return _revision_snapshot(plan, plan.version)


def _revision_snapshot(plan: CarePlan, number: int) -> dict[str, Any] | None:
    if number == 0:
        return None
    return db.session.scalar(select(CarePlanRevision.snapshot).where(
        CarePlanRevision.care_plan_id == plan.id, CarePlanRevision.number == number))


def _apply(plan: CarePlan, draft: PlanDraft, now: datetime) -> None:
    goals = {g.id: g for g in db.session.scalars(
        select(Goal).where(Goal.care_plan_id == plan.id, Goal.retired_at.is_(None)))}
    actions = {a.id: a for a in db.session.scalars(
        select(Action).where(Action.care_plan_id == plan.id, Action.retired_at.is_(None)))}
    kept_goals, kept_actions = set(), set()
    for position, goal_draft in enumerate(draft.goals):
        goal = goals.get(goal_draft.id)
        if goal is None:
            goal = Goal(care_plan_id=plan.id, patient_id=plan.patient_id)
            db.session.add(goal)
        goal.text, goal.position = goal_draft.text, position
        db.session.flush()
        kept_goals.add(goal.id)
        for action_position, action_draft in enumerate(goal_draft.actions):
            action = actions.get(action_draft.id)
            if action is None:
                action = Action(care_plan_id=plan.id, patient_id=plan.patient_id,
                                created_at=now)
                db.session.add(action)
            action.goal_id, action.position = goal.id, action_position
            for name in ("what", "where", "when", "times", "per", "measure_target",
                         "measure_unit", "confidence", "barriers", "helps"):
                setattr(action, name, getattr(action_draft, name))
            db.session.flush()
            kept_actions.add(action.id)
    for goal_id, goal in goals.items():
        if goal_id not in kept_goals:
            goal.retired_at = now
    for action_id, action in actions.items():
        if action_id not in kept_actions:
            action.retired_at = now
    plan.review_on = draft.review_on
    plan.check_in_after_days = draft.check_in_after_days
    wanted = set(draft.support_ids)
    for link in list(plan.support):
        if link.service_id not in wanted:
            plan.support.remove(link)
    present = {link.service_id for link in plan.support}
    for service_id in sorted(wanted - present):
        plan.support.append(CarePlanSupport(service_id=service_id, patient_id=plan.patient_id))
