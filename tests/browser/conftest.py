"""Browser journeys: Debian's Chromium driven by Playwright, on a phone-sized screen, against
the app served for real on 127.0.0.1 and the same database the test sets up."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, Page, Playwright
from werkzeug.serving import make_server

from tests.support import leak_watch
from tests.support.factories import authenticator_code
from tests.support.push_fixtures import (  # noqa: F401 - pytest finds fixtures by name
    push_service,
    push_service_process,
)

CHROMIUM = "/usr/bin/chromium"
# Without the background-networking flags Chromium floods the closed network with
# connections that are refused (see shared/testing.md).
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
PHONE = "Pixel 7"


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict:
    return {"executable_path": CHROMIUM, "args": CHROMIUM_ARGS, "headless": True}


@dataclass
class LiveServer:
    url: str

    def __call__(self, path: str) -> str:
        return self.url + path


@pytest.fixture
def live_server(app: Flask) -> Iterator[LiveServer]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield LiveServer(f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        thread.join(timeout=10)


@pytest.fixture
def phone(browser: Browser, playwright: Playwright,
          live_server: LiveServer) -> Iterator[BrowserContext]:
    """A fresh phone: its own cookies, storage and service workers."""
    context = browser.new_context(**playwright.devices[PHONE], base_url=live_server.url)
    context.set_default_timeout(15_000)
    yield context
    # The browser's cookies must never reach a log either (tests/test_logs.py).
    leak_watch.remember("cookie", *(cookie["value"] for cookie in context.cookies()))
    context.close()


@pytest.fixture
def phone_page(phone: BrowserContext) -> Page:
    page = phone.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    # A resource failing to load is expected offline; anything else logged as an error isn't.
    page.on("console", lambda message: errors.append(message.text)
            if message.type == "error" and not message.text.startswith("Failed to load resource")
            else None)
    page.script_errors = errors  # type: ignore[attr-defined]
    return page


def sign_in(page: Page, email: str, password: str, *, two_step_user=None) -> None:
    """Sign in through the form. For someone with two-step sign-in (all staff), pass their
    User as two_step_user: the code step is then filled in with a code from their app."""
    page.goto("/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    if two_step_user is not None:
        page.wait_for_url("**/login/code")
        page.get_by_label("Security code").fill(authenticator_code(two_step_user))
        page.get_by_role("button", name="Continue").click()
    page.wait_for_url(lambda url: "/login" not in url)


def wait_for_queue(page: Page) -> None:
    """Wait until the page has handed the device's queue the patient and session token."""
    page.wait_for_selector("body[data-queue-ready]", state="attached")


def wait_until(page: Page, condition: str, timeout_ms: int = 15_000) -> None:
    """Wait until an async JavaScript condition (an arrow function's source) holds.

    Playwright's wait_for_function treats a returned Promise as truthy at once, so it
    cannot wait on IndexedDB or the Cache API; this polls the condition inside the page.
    """
    page.evaluate(f"""async (timeout) => {{
        const condition = {condition};
        const giveUp = Date.now() + timeout;
        while (!(await condition())) {{
            if (Date.now() > giveUp) throw new Error('timed out waiting for the condition');
            await new Promise((resolve) => setTimeout(resolve, 25));
        }}
    }}""", timeout_ms)


def wait_for_service_worker(page: Page) -> None:
    """Wait until the worker is installed and controls this page."""
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    if not page.evaluate("!!navigator.serviceWorker.controller"):
        page.reload()
        page.wait_for_function("!!navigator.serviceWorker.controller")
