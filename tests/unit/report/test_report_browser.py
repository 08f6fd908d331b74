"""The report page in a real browser: Debian's Chromium, headless, through Playwright.

The page is rendered from its folder with no network; the test fails on any request that
failed (a missing asset), any image that did not decode, a console error, or missing
tables, and keeps the screenshot it took. It is skipped, with the reason, where Playwright
or ``/usr/bin/chromium`` is missing (``make test`` installs Chromium as root on Debian).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from qfab.report.folder import write_report
from qfab.testing.browser import browser_unavailable, render_page
from tests.unit.report.reporting import run_example

pytestmark = pytest.mark.browser

_REASON = browser_unavailable()


@pytest.mark.skipif(_REASON is not None, reason=f"browser check: {_REASON}")
def test_report_renders_in_headless_chromium_with_no_missing_assets(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    spec, result = run_example("four-tiers", "des")
    folder = tmp_path / "four-tiers"
    write_report(folder, spec, result)
    screenshot = tmp_path / "four-tiers.png"
    check = render_page(folder / "index.html", screenshot)
    assert check.failed_requests == []
    assert check.broken_images == []
    assert check.console_errors == []
    assert check.images == 4  # rate, fidelity, topology, the satellite pass
    for name in ("requests", "links", "budget-summary", "budget", "tiers"):
        assert name in check.tables
    assert check.title.startswith(result.scenario)
    shot = screenshot.read_bytes()
    assert shot.startswith(b"\x89PNG") and len(shot) > 50_000  # a page, not a blank


@pytest.mark.skipif(_REASON is not None, reason=f"browser check: {_REASON}")
def test_the_check_sees_a_missing_image(tmp_path: Path) -> None:
    """The check itself: a page whose image file is missing is reported, not passed."""
    page = tmp_path / "index.html"
    page.write_text('<!DOCTYPE html><html><head><title>t</title></head><body>'
                    '<table class="requests"><tr><td>1</td></tr></table>'
                    '<img src="missing.png" alt="gone"></body></html>', encoding="utf-8")
    check = render_page(page, tmp_path / "shot.png")
    assert check.broken_images == ["gone"]
    assert len(check.failed_requests) == 1 and "missing.png" in check.failed_requests[0]
    assert check.tables == ["requests"]


def test_without_chromium_the_check_says_why(tmp_path: Path) -> None:
    reason = browser_unavailable(tmp_path / "no-chromium")
    assert reason is not None
    assert "playwright" in reason or "apt-get install" in reason


@pytest.mark.skipif(_REASON is not None, reason=f"browser check: {_REASON}")
def test_a_satellite_report_renders_its_pass_figure(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    spec, result = run_example("micius", "analytic")
    folder = tmp_path / "micius"
    write_report(folder, spec, result)
    check = render_page(folder / "index.html", tmp_path / "micius.png")
    assert check.failed_requests == [] and check.broken_images == []
    assert check.console_errors == []
    assert check.images == 3  # key rate, topology, the pass
    assert "passes" in check.tables
