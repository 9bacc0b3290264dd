"""What the whole test run logged, and every secret or identifier the run created, so the
last test (tests/test_logs.py) can check that none of them reached a log.

conftest.py mirrors every log line the app would write (through the app's own handler, so
with its redaction) and every record that reaches the root logger into LINES, and collects
secrets here as factories and the app create them.
"""

from __future__ import annotations

import logging

LINES: list[str] = []
# What must never be logged, and what it is (for the failure message).
SECRETS: dict[str, str] = {}


def remember(kind: str, *values: str | None) -> None:
    for value in values:
        if value and len(value) >= 6:
            SECRETS[value] = kind


class RootCapture(logging.Handler):
    """Every record that reaches the root logger, as a handler there would write it."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        try:
            LINES.append(self.format(record))
        except Exception:  # a record that cannot be formatted: keep its raw parts
            LINES.append(f"{record.msg!r} {record.args!r}")


class Mirror(logging.Handler):
    """Copies what one of the app's own handlers writes: same filters, same format."""

    def __init__(self, real: logging.Handler) -> None:
        super().__init__(logging.DEBUG)
        self.real = real

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= self.real.level and self.real.filter(record):
            LINES.append(self.real.format(record))


def watch_app(app) -> None:
    """Mirror each handler the app configured on its logger."""
    for handler in list(app.logger.handlers):
        if not isinstance(handler, Mirror):
            app.logger.addHandler(Mirror(handler))
