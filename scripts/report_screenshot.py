"""Screenshot a report page in headless Chromium and check it has no missing assets.

    python scripts/report_screenshot.py reports/four-tiers            # -> reports/four-tiers.png
    python scripts/report_screenshot.py reports/four-tiers/index.html --out shot.png

Opens the page with Debian's Chromium through Playwright (qfab.testing.browser), saves a
full-page screenshot and prints what it found: tables, images, failed requests and images
that did not decode. Exit status 0 when nothing is missing, 1 when something is, 2 when no
browser is available (the reason is printed).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from qfab.testing.browser import browser_unavailable, render_page


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("page", type=Path, help="a report folder or its index.html")
    parser.add_argument("--out", type=Path, help="screenshot PNG (default: beside the folder)")
    parser.add_argument("--width", type=int, default=1200, help="viewport width (CSS px)")
    args = parser.parse_args(argv)
    page = args.page / "index.html" if args.page.is_dir() else args.page
    if not page.is_file():
        print(f"report_screenshot: no page {page}", file=sys.stderr)
        return 2
    reason = browser_unavailable()
    if reason is not None:
        print(f"report_screenshot: {reason}", file=sys.stderr)
        return 2
    folder = page.parent
    out = args.out or folder.with_name(f"{folder.name}.png")
    check = render_page(page, out, width=args.width)
    print(f"{out}: {check.title!r}, {len(check.tables)} tables, {check.images} images")
    problems = ([f"failed request {entry}" for entry in check.failed_requests]
                + [f"image not shown: {entry}" for entry in check.broken_images]
                + [f"console error: {entry}" for entry in check.console_errors])
    for problem in problems:
        print(f"  {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
