"""The patient's devices: checking a browser's push subscription before it is stored, and
adding, renaming and removing devices.

A subscription comes from the browser as ``PushSubscription.toJSON()``. Everything in it is
checked against ``SUBSCRIPTION_SCHEMA`` and the answer names the field that was wrong. The
endpoint is where our server will later POST, so it is held to what a real push service
looks like: https, a host name (not an address), one of the browser vendors' push services
unless configured otherwise, and a sane length. That keeps the dispatcher from being
pointed at the practice's own network.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy import Select, delete, func, select

from webapp import config
from webapp.extensions import db
from webapp.models import (
    DeliveryState,
    Patient,
    PushSubscription,
    ReminderDelivery,
    User,
    utcnow,
)
from webapp.models.reminders import DEVICE_NAME_MAX_LENGTH, ENDPOINT_MAX_LENGTH
from webapp.reminders.delivery import Outcome, PushResult

# The browser vendors' push services (host name suffixes): Chrome and Chromium browsers use
# Google's, Edge on Windows Microsoft's, Firefox Mozilla's, Safari on Mac and iPhone Apple's.
DEFAULT_PUSH_SERVICE_HOSTS = tuple(config.DEFAULT_PUSH_HOSTS.split(","))
# The most devices one patient can have; more is a script, not a person's phones.
MAX_DEVICES_PER_PATIENT = 20

# A JSON-Schema-style statement of what we accept. `check_subscription` applies it; the
# schema is data so it reads as the contract with the page (and the tests quote it).
SUBSCRIPTION_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["endpoint", "keys"],
    "properties": {
        "endpoint": {"type": "string", "maxLength": ENDPOINT_MAX_LENGTH, "format": "push-url"},
        "expirationTime": {"type": ["number", "null"]},
        "keys": {
            "type": "object",
            "required": ["p256dh", "auth"],
            "properties": {
                # An uncompressed P-256 point (65 bytes) and a 16-byte secret, base64url.
                "p256dh": {"type": "string", "format": "p256-point", "maxLength": 100},
                "auth": {"type": "string", "format": "auth-secret", "maxLength": 40},
            },
        },
    },
}


class InvalidSubscription(ValueError):
    """What the browser sent is not a subscription we can use; ``field`` says which part."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class SubscriptionInput:
    endpoint: str
    p256dh: str
    auth: str


@dataclass(frozen=True)
class EndpointRules:
    """Where push endpoints may point. ``allow_loopback`` is for tests, whose push service
    listens on http://127.0.0.1; ``hosts`` of ("*",) accepts any public host name."""

    hosts: tuple[str, ...] = DEFAULT_PUSH_SERVICE_HOSTS
    allow_loopback: bool = False


def check_subscription(data: Any, rules: EndpointRules) -> SubscriptionInput:
    """The subscription in ``data``, or ``InvalidSubscription`` naming the wrong field."""
    _check(data, SUBSCRIPTION_SCHEMA, "subscription", rules)
    return SubscriptionInput(endpoint=data["endpoint"], p256dh=data["keys"]["p256dh"],
                             auth=data["keys"]["auth"])


_TYPES = {"object": Mapping, "string": str, "null": type(None)}


def _is_type(value: Any, name: str) -> bool:
    if name == "number":
        return (isinstance(value, int | float) and not isinstance(value, bool)
                and math.isfinite(value))
    return isinstance(value, _TYPES[name])


def _check(value: Any, schema: Mapping[str, Any], path: str, rules: EndpointRules) -> None:
    types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
    if not any(_is_type(value, name) for name in types):
        raise InvalidSubscription(path, f"must be {' or '.join(types)}")
    if isinstance(value, Mapping):
        for name in schema.get("required", ()):
            if name not in value:
                raise InvalidSubscription(_join(path, name), "is required")
        # Unknown members are ignored, not refused: browsers may add to toJSON() one day.
        for name, child in schema.get("properties", {}).items():
            if name in value:
                _check(value[name], child, _join(path, name), rules)
    if isinstance(value, str):
        limit = schema.get("maxLength")
        if limit is not None and len(value) > limit:
            raise InvalidSubscription(path, f"must be at most {limit} characters")
        form = schema.get("format")
        if form:
            _FORMATS[form](value, path, rules)


def _join(path: str, name: str) -> str:
    return name if path == "subscription" else f"{path}.{name}"


def _push_url(value: str, path: str, rules: EndpointRules) -> None:
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError as exc:
        raise InvalidSubscription(path, "is not a URL") from exc
    host = (parts.hostname or "").lower()
    if rules.allow_loopback and parts.scheme == "http" and host == "127.0.0.1":
        return
    if parts.scheme != "https":
        raise InvalidSubscription(path, "must be an https URL")
    if not host or parts.username is not None or parts.password is not None:
        raise InvalidSubscription(path, "must be an https URL with a host name")
    if port not in (None, 443):
        raise InvalidSubscription(path, "must use the standard https port")
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        raise InvalidSubscription(path, "must name a push service, not an IP address")
    if "*" not in rules.hosts and not any(
        host == allowed or host.endswith("." + allowed) for allowed in rules.hosts
    ):
        raise InvalidSubscription(path, "is not a push service this site sends to")


def _b64url_bytes(value: str, path: str) -> bytes:
    if not value or any(c not in _BASE64URL for c in value.rstrip("=")):
        raise InvalidSubscription(path, "must be base64url")
    try:
        return base64.urlsafe_b64decode(value.rstrip("=") + "=" * (-len(value.rstrip("=")) % 4))
    except (binascii.Error, ValueError) as exc:
        raise InvalidSubscription(path, "must be base64url") from exc


_BASE64URL = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def _p256_point(value: str, path: str, rules: EndpointRules) -> None:
    raw = _b64url_bytes(value, path)
    try:
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)
    except ValueError as exc:
        raise InvalidSubscription(path, "must be a P-256 public key") from exc
    if len(raw) != 65:
        raise InvalidSubscription(path, "must be an uncompressed P-256 public key")


def _auth_secret(value: str, path: str, rules: EndpointRules) -> None:
    if len(_b64url_bytes(value, path)) != 16:
        raise InvalidSubscription(path, "must be 16 bytes")


_FORMATS = {"push-url": _push_url, "p256-point": _p256_point, "auth-secret": _auth_secret}


def endpoint_rules(config: Mapping[str, Any]) -> EndpointRules:
    return EndpointRules(hosts=tuple(config["PUSH_SERVICE_HOSTS"]),
                         allow_loopback=bool(config["PUSH_ALLOW_LOOPBACK"]))


# --- Devices ---------------------------------------------------------------------------------


class TooManyDevices(ValueError):
    pass


def check_replaces(data: Any) -> str | None:
    """The endpoint a renewed subscription replaces, when the page says (see push-check.mjs)."""
    replaces = data.get("replaces") if isinstance(data, Mapping) else None
    if replaces is None:
        return None
    if not isinstance(replaces, str) or len(replaces) > ENDPOINT_MAX_LENGTH:
        raise InvalidSubscription("replaces", "must be the endpoint this subscription renews")
    return replaces


def register_device(user: User, patient: Patient, found: SubscriptionInput,
                    user_agent: str | None, default_name: str, replaces: str | None = None
                    ) -> tuple[PushSubscription, bool]:
    """Store a subscription for the signed-in patient; True if it is a new device.

    The same endpoint again (the page re-checks on every load) updates its keys. An endpoint
    another account registered on this browser moves to this patient, and anything still
    waiting to go to it for the other person is dropped: one browser gets one person's
    reminders, and never someone else's after they hand the phone over.
    """
    device = db.session.scalar(
        select(PushSubscription).where(PushSubscription.endpoint == found.endpoint))
    now = utcnow()
    renewed = None
    if replaces and replaces != found.endpoint:
        renewed = db.session.scalar(select(PushSubscription).where(
            PushSubscription.endpoint == replaces, PushSubscription.patient_id == patient.id))
    if device is None and renewed is not None:
        # The browser renewed its subscription: same device, new address. Keep its name.
        default_name = renewed.name
        remove_devices([renewed.id])
        db.session.flush()
    if device is None:
        count = db.session.scalar(select(func.count()).select_from(PushSubscription)
                                  .where(PushSubscription.patient_id == patient.id))
        if count >= MAX_DEVICES_PER_PATIENT:
            raise TooManyDevices(f"you can get reminders on up to {MAX_DEVICES_PER_PATIENT} "
                                 "devices; remove one you no longer use")
        device = PushSubscription(user_id=user.id, patient_id=patient.id,
                                  endpoint=found.endpoint, p256dh=found.p256dh, auth=found.auth,
                                  name=default_name[:DEVICE_NAME_MAX_LENGTH],
                                  user_agent=(user_agent or "")[:200] or None,
                                  created_at=now, updated_at=now)
        db.session.add(device)
        db.session.flush()
        return device, True
    if device.patient_id != patient.id:
        db.session.execute(delete(ReminderDelivery).where(
            ReminderDelivery.subscription_id == device.id,
            ReminderDelivery.state.in_([DeliveryState.PENDING, DeliveryState.RETRY])))
        device.user_id, device.patient_id = user.id, patient.id
        device.name = default_name[:DEVICE_NAME_MAX_LENGTH]
        device.created_at = now
        _clear_failure(device)
    if (device.p256dh, device.auth) != (found.p256dh, found.auth):
        device.p256dh, device.auth = found.p256dh, found.auth
        _clear_failure(device)
    device.user_agent = (user_agent or "")[:200] or device.user_agent
    device.updated_at = now
    db.session.flush()
    return device, False


def _clear_failure(device: PushSubscription) -> None:
    device.rejected_at = None
    device.last_failure_status = None
    device.last_failure_reason = None


def devices_of(patient: Patient) -> list[PushSubscription]:
    return list(db.session.scalars(
        select(PushSubscription).where(PushSubscription.patient_id == patient.id)
        .order_by(PushSubscription.created_at, PushSubscription.id)))


def rename_device(device: PushSubscription, name: str) -> None:
    device.name = name.strip()[:DEVICE_NAME_MAX_LENGTH]
    device.updated_at = utcnow()


def remove_devices(device_ids: Iterable[int]) -> None:
    """Forget devices and everything still waiting to go to them."""
    ids = list(device_ids)
    if not ids:
        return
    db.session.execute(delete(ReminderDelivery).where(ReminderDelivery.subscription_id.in_(ids)))
    db.session.execute(delete(PushSubscription).where(PushSubscription.id.in_(ids)))


def note_result(device: PushSubscription, result: PushResult, now: datetime) -> None:
    """Record on the device what its push service said (the test button uses this; the
    dispatcher does the same in bulk)."""
    if result.outcome is Outcome.DELIVERED:
        device.last_success_at = now
        _clear_failure(device)
        return
    device.last_failure_at = now
    device.last_failure_status = result.status_code
    device.last_failure_reason = result.reason[:300]
    if result.outcome is Outcome.REJECTED:
        device.rejected_at = now
    elif result.outcome is Outcome.GONE:
        remove_devices([device.id])


def rejected_devices_query() -> Select:
    """Devices a push service refused for good, newest first, with whose they are."""
    return (select(PushSubscription, Patient)
            .join(Patient, Patient.id == PushSubscription.patient_id)
            .where(PushSubscription.rejected_at.is_not(None))
            .order_by(PushSubscription.rejected_at.desc()))


def rejected_device_count(practice_id: int) -> int:
    return db.session.scalar(
        select(func.count()).select_from(PushSubscription)
        .join(Patient, Patient.id == PushSubscription.patient_id)
        .where(PushSubscription.rejected_at.is_not(None), Patient.practice_id == practice_id))
