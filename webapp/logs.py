"""Logging set-up, with a last line of defence against personal data in the logs.

Code should never log NHS numbers, results, free text, cookies or tokens; the filter below
masks the shapes of NHS numbers and long tokens anyway, in case a library or an exception
message carries one.
"""

from __future__ import annotations

import logging
import re

from flask import Flask, has_request_context, request

_NHS_NUMBER = re.compile(r"(?<!\d)\d{3}[ -]?\d{3}[ -]?\d{4}(?!\d)")
_TOKEN = re.compile(r"[A-Za-z0-9_\-]{32,}")


def redact(text: str) -> str:
    return _TOKEN.sub("[redacted]", _NHS_NUMBER.sub("[redacted]", text))


class RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


class RequestFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        # Only the path, never the query string: it can carry codes or search terms.
        record.request_line = (
            f"{request.method} {request.path}" if has_request_context() else "-"
        )
        return super().format(record)


def configure(app: Flask) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(RequestFormatter(
        "%(asctime)s %(levelname)s %(name)s [%(request_line)s] %(message)s"))
    handler.addFilter(RedactingFilter())
    app.logger.handlers[:] = [handler]
    app.logger.setLevel(app.config["LOG_LEVEL"])
    app.logger.propagate = False
    werkzeug_logger = logging.getLogger("werkzeug")
    if not any(isinstance(f, RedactingFilter) for f in werkzeug_logger.filters):
        werkzeug_logger.addFilter(RedactingFilter())
