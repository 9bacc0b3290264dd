"""The header's menu for each role, as data. An entry whose endpoint the app does not have
(yet) is left out, so each capability's menu item appears when its routes do."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from webapp.access import ADMINS, PATIENT, STAFF
from webapp.models import Role


@dataclass(frozen=True)
class NavItem:
    label: str
    endpoint: str
    roles: frozenset[Role]


MENU: tuple[NavItem, ...] = (
    NavItem("Home", "home.index", PATIENT),
    NavItem("My results", "preparation.results", PATIENT),
    NavItem("My agenda", "preparation.agenda", PATIENT),
    NavItem("My plan", "careplans.my_plan", PATIENT),
    NavItem("Progress", "tracking.progress", PATIENT),
    NavItem("Reviews", "clinic.reviews", STAFF),
    NavItem("Patients", "patients.index", STAFF),
    NavItem("Staff", "admin.staff", ADMINS),
    NavItem("Agenda prompts", "admin.prompts", ADMINS),
    NavItem("Targets", "admin.targets", ADMINS),
    NavItem("Support and services", "support.index", ADMINS),
    NavItem("Practice settings", "admin.settings", ADMINS),
    NavItem("Audit log", "audit.search", ADMINS),
    NavItem("Account closures", "data_rights.closures", ADMINS),
)


def items_for(role: Role, endpoints: Mapping[str, object]) -> list[NavItem]:
    return [item for item in MENU if role in item.roles and item.endpoint in endpoints]
