"""Logs never contain NHS numbers, result values, people's own words, tokens, codes, secrets
or cookies.

tests/conftest.py captures every log line of the whole run (through the app's own handler,
so as it would really be written, and everything reaching the root logger) and collects the
secrets the run creates; the last test checks none of them was written.
"""

import logging

from tests.support import leak_watch


def test_the_app_logger_is_captured_as_written_and_redacts_nhs_numbers(app):
    before = len(leak_watch.LINES)
    app.logger.warning("looked up patient 999 000 0018 with token %s", "A" * 40)
    written = leak_watch.LINES[before:]
    assert len(written) == 1
    assert "9990000018" not in written[0] and "999 000 0018" not in written[0]
    assert "A" * 40 not in written[0] and "[redacted]" in written[0]


def test_other_loggers_are_captured_too(app):
    before = len(leak_watch.LINES)
    logging.getLogger("some.library").warning("hello from a library")
    assert any("hello from a library" in line for line in leak_watch.LINES[before:])


def test_no_personal_data_was_logged():
    """Runs last (see conftest.py): the whole run's log against everything it created."""
    assert leak_watch.SECRETS, "the run should have created secrets to look for"
    # The report names what leaked and where, without repeating the secret itself.
    leaks = sorted({
        f"{kind} in: {line.replace(secret, f'<{kind}>')[:300]}"
        for line in leak_watch.LINES
        for secret, kind in leak_watch.SECRETS.items()
        if secret in line
    })
    assert not leaks, "personal data or secrets reached the logs:\n" + "\n".join(leaks)
