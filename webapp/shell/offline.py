"""Which pages the service worker may keep for reading without a signal."""

from __future__ import annotations

from functools import wraps

from flask import make_response
from flask_login import current_user

from webapp.models import Role

HEADER = "X-Offline-Readable"


def offline_readable(view):
    """Let the service worker keep this page (service_worker/pages.js reads the header).

    Only patients' own pages qualify: a shared desktop in a consulting room must not keep
    copies of anyone's record.
    """

    @wraps(view)
    def wrapper(*args, **kwargs):
        response = make_response(view(*args, **kwargs))
        if current_user.is_authenticated and current_user.role is Role.PATIENT \
                and response.status_code == 200:
            response.headers[HEADER] = "1"
        return response

    return wrapper
