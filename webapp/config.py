"""Settings from the environment, with defaults that run safely on one machine.

Every setting the app reads is listed in SETTINGS so the README's deployment table and the
code cannot drift apart (tests/test_config.py checks the README names each one).
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    meaning: str


SETTINGS: tuple[Setting, ...] = (
    Setting("DATABASE_URL", "sqlite:///<instance>/careplan.sqlite",
            "SQLAlchemy URL; use postgresql+psycopg://... in production"),
    Setting("SECRET_KEY", "generated into <instance>/secret_key on first run",
            "signs session cookies and CSRF tokens; set the same value on every web worker"),
    Setting("HTTPS", "0",
            "1 when served behind HTTPS: Secure, __Host- cookies and HSTS"),
    Setting("PROXY_COUNT", "0",
            "how many reverse proxies set X-Forwarded-* in front of the app"),
    Setting("SESSION_IDLE_MINUTES_STAFF", "30", "staff sessions end after this long idle"),
    Setting("SESSION_IDLE_MINUTES_PATIENT", "30", "patient sessions end after this long idle"),
    Setting("SESSION_MAX_HOURS", "12", "any session ends this long after sign-in"),
    Setting("ACTIVATION_CODE_DAYS", "14", "how long an activation code can be used"),
    Setting("DEMO_PASSWORD", "care-plan-demo-2026",
            "password given to the demo accounts by `flask demo seed`"),
    Setting("DEMO_TOTP_SECRET", "DEMOCAREPLANTOTPSECRETKEY2345672",
            "authenticator app secret (base32) given to the demo staff accounts by "
            "`flask demo seed`"),
    Setting("RATELIMIT_STORAGE_URI", "memory://",
            "where sign-in rate limits are counted; use redis://host:6379 when running more "
            "than one web process"),
    Setting("SIGN_IN_LIMIT_PER_ADDRESS", "30 per minute; 300 per hour",
            "sign-in attempts allowed from one network address (a practice's staff may share one)"),
    Setting("SERVICE_NAME", "Care planning companion", "the name shown in the header"),
    Setting("LOG_LEVEL", "INFO", "Python logging level"),
    Setting("VAPID_PRIVATE_KEY", "generated into <instance>/vapid_private_key on first run",
            "the Web Push signing key (raw base64url, base64 DER or PEM); the same on every "
            "web and worker process"),
    Setting("VAPID_SUBJECT", "mailto:reminders@careplan.invalid",
            "contact for push services, a mailto: or https: URL"),
    Setting("REMINDER_MISSED_AFTER_MINUTES", "120",
            "a reminder this late (after downtime, say) is recorded as missed, not sent"),
    Setting("REMINDER_BATCH_SIZE", "500", "reminders a worker claims in one transaction"),
    Setting("REMINDER_LEASE_SECONDS", "120",
            "how long a worker's claim lasts; a crashed worker's reminders go to another "
            "worker after it"),
    Setting("REMINDER_PUSH_CONCURRENCY", "64", "pushes each worker has in flight at once"),
    Setting("REMINDER_PUSH_TIMEOUT_SECONDS", "10",
            "how long to wait for a push service before retrying later"),
    Setting("REMINDER_WORKER_POLL_SECONDS", "10",
            "how often an idle worker looks for due reminders"),
    Setting("PUSH_SERVICE_HOSTS",
            "fcm.googleapis.com,android.googleapis.com,push.services.mozilla.com,"
            "push.apple.com,notify.windows.com",
            "push services devices may subscribe with (host names and their subdomains); "
            "* allows any https host"),
    Setting("PUSH_ALLOW_LOOPBACK", "0",
            "tests only: 1 accepts http://127.0.0.1 push endpoints (the local push service)"),
    Setting("INSTANCE_PATH", "./instance", "folder for the SQLite file and generated secrets"),
)

DEFAULT_PUSH_HOSTS = next(s.default for s in SETTINGS if s.name == "PUSH_SERVICE_HOSTS")

# Demo accounts only; `make run` prints them. nosec: not credentials for anything real.
DEFAULT_DEMO_PASSWORD = "care-plan-demo-2026"  # noqa: S105  # nosec B105
DEFAULT_DEMO_TOTP_SECRET = "DEMOCAREPLANTOTPSECRETKEY2345672"  # noqa: S105  # nosec B105


def load(instance_path: str | os.PathLike[str], environ: dict[str, str] | None = None) -> dict:
    """Build the Flask config mapping from the environment."""
    env = os.environ if environ is None else environ
    instance = Path(instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    https = _flag(env.get("HTTPS", "0"))

    return {
        "SQLALCHEMY_DATABASE_URI": _database_url(env, instance),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "SECRET_KEY": env.get("SECRET_KEY") or _instance_secret(instance / "secret_key"),
        "HTTPS": https,
        "PREFERRED_URL_SCHEME": "https" if https else "http",
        "PROXY_COUNT": int(env.get("PROXY_COUNT", "0")),
        # The __Host- prefix makes the browser refuse the cookie unless it is Secure,
        # host-only and path=/, so a sibling subdomain cannot plant a session.
        "SESSION_COOKIE_NAME": "__Host-session" if https else "session",
        "SESSION_COOKIE_SECURE": https,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_IDLE_MINUTES_STAFF": int(env.get("SESSION_IDLE_MINUTES_STAFF", "30")),
        "SESSION_IDLE_MINUTES_PATIENT": int(env.get("SESSION_IDLE_MINUTES_PATIENT", "30")),
        "SESSION_MAX_HOURS": int(env.get("SESSION_MAX_HOURS", "12")),
        "ACTIVATION_CODE_DAYS": int(env.get("ACTIVATION_CODE_DAYS", "14")),
        "DEMO_PASSWORD": env.get("DEMO_PASSWORD") or DEFAULT_DEMO_PASSWORD,
        "DEMO_TOTP_SECRET": env.get("DEMO_TOTP_SECRET") or DEFAULT_DEMO_TOTP_SECRET,
        "RATELIMIT_STORAGE_URI": env.get("RATELIMIT_STORAGE_URI") or "memory://",
        "RATELIMIT_STRATEGY": "moving-window",
        "RATELIMIT_HEADERS_ENABLED": True,
        # Without its storage the limiter would turn every sign-in into a 500; the database
        # lock-out (accounts/throttle.py) still protects each account meanwhile.
        "RATELIMIT_SWALLOW_ERRORS": True,
        "SIGN_IN_LIMIT_PER_ADDRESS": env.get("SIGN_IN_LIMIT_PER_ADDRESS")
        or "30 per minute; 300 per hour",
        "SERVICE_NAME": env.get("SERVICE_NAME", "Care planning companion"),
        "LOG_LEVEL": env.get("LOG_LEVEL", "INFO"),
        "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session, which expires
        "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
        "VAPID_PRIVATE_KEY": env.get("VAPID_PRIVATE_KEY", ""),
        "VAPID_SUBJECT": env.get("VAPID_SUBJECT", ""),
        "REMINDER_MISSED_AFTER_MINUTES": int(env.get("REMINDER_MISSED_AFTER_MINUTES", "120")),
        "REMINDER_BATCH_SIZE": int(env.get("REMINDER_BATCH_SIZE", "500")),
        "REMINDER_LEASE_SECONDS": int(env.get("REMINDER_LEASE_SECONDS", "120")),
        "REMINDER_PUSH_CONCURRENCY": int(env.get("REMINDER_PUSH_CONCURRENCY", "64")),
        "REMINDER_PUSH_TIMEOUT_SECONDS": float(env.get("REMINDER_PUSH_TIMEOUT_SECONDS", "10")),
        "REMINDER_WORKER_POLL_SECONDS": float(env.get("REMINDER_WORKER_POLL_SECONDS", "10")),
        "PUSH_SERVICE_HOSTS": _words(env.get("PUSH_SERVICE_HOSTS") or DEFAULT_PUSH_HOSTS),
        "PUSH_ALLOW_LOOPBACK": _flag(env.get("PUSH_ALLOW_LOOPBACK", "0")),
    }


def _database_url(env: dict[str, str], instance: Path) -> str:
    url = env.get("DATABASE_URL")
    if not url:
        return f"sqlite:///{instance / 'careplan.sqlite'}"
    # Hosting platforms hand out postgres:// URLs; SQLAlchemy wants the driver named.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _instance_secret(path: Path) -> str:
    """Read the instance secret, creating it once even when several workers start together."""
    if not path.exists():
        temporary = path.with_name(f".{path.name}.{secrets.token_hex(8)}")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
        try:
            os.link(temporary, path)  # atomic: the first worker's secret wins
        except FileExistsError:
            pass
        finally:
            temporary.unlink()
    return path.read_text().strip()


def _words(value: str) -> tuple[str, ...]:
    return tuple(word.strip().lower() for word in value.split(",") if word.strip())


def _flag(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}
