"""`make audit`: check every installed dependency against known vulnerabilities, and fail
loudly when that cannot be done, rather than pass having checked nothing.

pip-audit asks PyPI's per-release JSON API (/pypi/NAME/VERSION/json) or OSV (api.osv.dev).
Where neither answers (some build networks reach PyPI only through its index and project
pages), pip-audit marks every package "could not be audited" and still exits 0. This script
runs pip-audit, then for each package it could not check asks PyPI's project page
(/pypi/NAME/json), whose `vulnerabilities` list is for the newest release: that settles the
package when the installed version *is* the newest. Anything still unchecked makes the
audit fail (exit 2) with a list of what and why, unless AUDIT_ALLOW_INCOMPLETE=1 turns that
into a loud warning (for CI on such a network: known vulnerabilities still fail it).

Extra pip-audit options come from AUDIT_ARGS, e.g. an OSV mirror:
    AUDIT_ARGS="--vulnerability-service osv --osv-url https://osv.internal/v1/query" make audit
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
import urllib.error
import urllib.request
from importlib import metadata

PYPI_PROJECT = "https://pypi.org/pypi/{name}/json"


def run_pip_audit() -> list[dict]:
    command = [sys.executable, "-m", "pip_audit", "--progress-spinner", "off",
               "--skip-editable", "--format", "json",
               *shlex.split(os.environ.get("AUDIT_ARGS", ""))]
    result = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    if not result.stdout.strip():
        sys.stderr.write(result.stderr)
        raise SystemExit(f"pip-audit did not run (exit {result.returncode}); see above")
    return json.loads(result.stdout)["dependencies"]


def newest_release_advisories(name: str) -> tuple[str, list[dict]] | None:
    """(newest version, its advisories) from PyPI's project page, or None if unreachable."""
    url = PYPI_PROJECT.format(name=name)
    try:
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310  # fixed https URL
            data = json.load(response)
    except (urllib.error.URLError, TimeoutError, ValueError):
        return None
    return data["info"]["version"], data.get("vulnerabilities") or []


def main() -> int:
    found: list[str] = []
    unchecked: list[str] = []
    checked = 0
    for dependency in run_pip_audit():
        name = dependency["name"]
        reason = dependency.get("skip_reason")
        if reason and "editable" in reason:
            continue
        if not reason:
            checked += 1
            found += [f"{name} {dependency['version']}: {v['id']} (fixed in "
                      f"{', '.join(v.get('fix_versions') or []) or 'no release yet'})"
                      for v in dependency.get("vulns", [])]
            continue
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            unchecked.append(f"{name}: {reason}")
            continue
        newest = newest_release_advisories(name)
        if newest is None:
            unchecked.append(f"{name} {installed}: no vulnerability service reachable")
        elif newest[0] != installed:
            unchecked.append(f"{name} {installed}: only the newest release ({newest[0]}) "
                             "could be checked here")
        else:
            checked += 1
            found += [f"{name} {installed}: {v['id']} (fixed in "
                      f"{', '.join(v.get('fixed_in') or []) or 'no release yet'})"
                      for v in newest[1]]

    print(f"Checked {checked} installed packages against known vulnerabilities.")
    if found:
        print("\nKNOWN VULNERABILITIES:\n  " + "\n  ".join(found))
        return 1
    if unchecked:
        banner = "=" * 78
        print(f"\n{banner}\nAUDIT INCOMPLETE: {len(unchecked)} packages could NOT be checked:\n  "
              + "\n  ".join(unchecked)
              + "\n\npip-audit needs PyPI's per-release JSON API or api.osv.dev; this network "
                "answers neither.\nRun `make audit` where one is reachable, or point it at an "
                f"OSV mirror with AUDIT_ARGS.\n{banner}")
        if os.environ.get("AUDIT_ALLOW_INCOMPLETE") == "1":
            print("AUDIT_ALLOW_INCOMPLETE=1: not failing for the packages above.")
            return 0
        return 2
    print("No known vulnerabilities.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
