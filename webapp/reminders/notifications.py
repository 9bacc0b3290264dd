"""What a reminder's push message says.

Lock screens are seen by others, so by default a notification carries no health detail:
"You have a reminder from your care plan". Only if the patient chose it does it show the
action in their words. The payload holds that text, an opaque id, and what the service
worker needs for "Done" and "Snooze 1 hour": no names, no NHS numbers, no results.

Notification bodies are plain text in every browser, so nothing is HTML-escaped here (an
escaped "&amp;" would show as typed); the service worker only ever hands the text to
``showNotification``. Text is capped so a lock screen shows a sentence, not an essay.
"""

from __future__ import annotations

import json
import unicodedata
import uuid
from datetime import date
from typing import Any

TITLE = "Care plan reminder"
PRIVATE_BODY = "You have a reminder from your care plan"
TEST_BODY = "This is a test. Your reminders will look like this."
MAX_BODY_CHARACTERS = 120
PAYLOAD_VERSION = 1


def body_text(action_words: str | None, show_action_words: bool) -> str:
    if not show_action_words or not action_words:
        return PRIVATE_BODY
    text = "".join(" " if unicodedata.category(c)[0] in "CZ" else c for c in action_words)
    text = " ".join(text.split())
    if not text:
        return PRIVATE_BODY
    if len(text) > MAX_BODY_CHARACTERS:
        text = text[: MAX_BODY_CHARACTERS - 1].rstrip() + "…"
    return text


def reminder_payload(*, public_id: uuid.UUID, topic: str, entry_id: uuid.UUID, action_id: int,
                     local_date: date, body: str, url: str) -> dict[str, Any]:
    """The JSON the service worker gets. ``tag`` makes a repeat replace the notification."""
    return {
        "v": PAYLOAD_VERSION,
        "id": str(public_id),
        "tag": topic,
        "title": TITLE,
        "body": body,
        "action": action_id,
        "date": local_date.isoformat(),
        "entry": str(entry_id),
        "url": url,
    }


def sample_payload() -> dict[str, Any]:
    return {"v": PAYLOAD_VERSION, "id": "test", "tag": "test-notification", "title": TITLE,
            "body": TEST_BODY, "url": "/reminders/devices", "test": True}


# Made once: json.dumps with options builds a new encoder for every payload.
_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)


def encode(payload: dict[str, Any]) -> bytes:
    return _ENCODER.encode(payload).encode("utf-8")
