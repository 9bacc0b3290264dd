"""Builds /sw.js: a prelude the server generates (the shell's version and file list) followed
by the worker source in service_worker/.

The version is a hash of every precached file and of the worker source, so any change to
them makes browsers install a new worker and refresh the shell cache.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from flask import Flask, url_for

WORKER_DIR = Path(__file__).resolve().parents[2] / "service_worker"

# Precached at install: enough for every page to render offline with the NHS.UK styles.
SHELL_GLOBS = (
    "css/*.css",
    "js/*.js",
    "js/*.mjs",
    "icons/*.png",
    "vendor/nhsuk/nhsuk-frontend.min.css",
    "vendor/nhsuk/nhsuk-frontend.min.js",
    "vendor/nhsuk/images/*.svg",
    "vendor/nhsuk/images/favicon.ico",
)


def worker_modules() -> list[str]:
    return sorted(p.name for p in WORKER_DIR.glob("*.js") if p.name != "sw.js")


def shell_files(app: Flask) -> list[Path]:
    static = Path(app.static_folder)
    files: set[Path] = set()
    for pattern in SHELL_GLOBS:
        files.update(p for p in static.glob(pattern) if p.is_file())
    return sorted(files)


def build(app: Flask) -> str:
    static = Path(app.static_folder)
    files = shell_files(app)
    digest = hashlib.sha256()
    for path in [*files, *sorted(WORKER_DIR.glob("*.js"))]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    modules = [url_for("shell.worker_module", name=name) for name in worker_modules()]
    assets = [url_for("static", filename=str(p.relative_to(static))) for p in files]
    # The worker's modules too: pages load the offline queue's script, even offline.
    assets += [url_for("shell.offline"), url_for("shell.manifest"), *modules]
    prelude = {
        "version": digest.hexdigest()[:16],
        "assets": assets,
        "offlinePage": url_for("shell.offline"),
        "modules": modules,
    }
    source = (WORKER_DIR / "sw.js").read_text()
    return f"self.SHELL = {json.dumps(prelude)};\n{source}"
