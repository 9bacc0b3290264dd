"""Copy the NHS.UK design system's built files from node_modules into webapp/static/vendor.

`python -m webapp.assets` runs at set-up (see the Makefile). The package's CSS loads the
Frutiger web font from assets.nhs.uk and its images from /assets/...; we serve everything
from our own origin so the Content-Security-Policy can stay 'self' and offline pages render.
Frutiger is licensed to the NHS and not in the package, so its @font-face rules are removed
and the design system's own fallback stack (Arial, then sans-serif) is used.
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "node_modules" / "nhsuk-frontend" / "dist" / "nhsuk"
TARGET = ROOT / "webapp" / "static" / "vendor" / "nhsuk"

_FONT_FACE = re.compile(r"@font-face\s*\{[^}]*\}")
_ASSET_URL = re.compile(r"url\(\s*[\"']?/assets/images/")
_REMOTE_URL = re.compile(r"url\(\s*[\"']?https?://")


def rewrite_css(css: str) -> str:
    css = _FONT_FACE.sub("", css)
    css = _ASSET_URL.sub("url(/static/vendor/nhsuk/images/", css)
    css = re.sub(r"/\*# sourceMappingURL=[^*]*\*/", "", css)
    if _REMOTE_URL.search(css):
        raise RuntimeError("nhsuk-frontend CSS still refers to a remote URL")
    return css


def build(package: Path = PACKAGE, target: Path = TARGET) -> Path:
    if not package.is_dir():
        raise SystemExit(f"{package} is missing: run `npm ci` first")
    if target.exists():
        shutil.rmtree(target)
    (target / "images").mkdir(parents=True)
    css = (package / "nhsuk-frontend.min.css").read_text()
    (target / "nhsuk-frontend.min.css").write_text(rewrite_css(css))
    js = (package / "nhsuk-frontend.min.js").read_text()
    (target / "nhsuk-frontend.min.js").write_text(
        re.sub(r"//# sourceMappingURL=\S+", "", js))
    for image in (package / "assets" / "images").iterdir():
        shutil.copy2(image, target / "images" / image.name)
    return target


if __name__ == "__main__":
    print(f"NHS.UK frontend assets copied to {build().relative_to(ROOT)}", file=sys.stderr)
