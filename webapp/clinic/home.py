"""The staff home page section: the reviews coming up and what needs a clinician."""

from __future__ import annotations

from datetime import timedelta

from webapp.home import sections
from webapp.models import Role, User, utcnow

# Far enough ahead to plan the tests and the sharing (results go out 1 to 2 weeks before).
HORIZON = timedelta(days=14)


def coming_up_section(user: User) -> sections.Section | None:
    from webapp.clinic.queries import upcoming_reviews

    rows = upcoming_reviews(user)
    soon = [r for r in rows if r.review.conversation_at
            and r.review.conversation_at <= utcnow() + HORIZON]
    return sections.Section("clinic/_home_coming_up.html", {
        "coming_up": len(soon),
        "agendas_sent": sum(1 for r in soon if r.agenda_sent),
        "not_shared": sum(1 for r in soon if not r.results_shared),
        "same_day": sum(1 for r in rows if r.same_day_flags),
        "clinical": user.role is not Role.PRACTICE_ADMIN,
    })


def register() -> None:
    sections.staff_section(coming_up_section)
