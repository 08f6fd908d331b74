"""Render a report page in a real headless browser (Debian's Chromium) and check it.

:func:`render_page` opens a local HTML file with Playwright driving the system's Chromium
(:data:`CHROMIUM`; Playwright's own browser builds are never downloaded), in a fresh
profile with the network features that phone home switched off, waits for the page to
load, takes a full-page screenshot and returns what a reader would miss: requests that
failed, images that did not decode (``naturalWidth`` 0), and the tables and images found.

:func:`browser_unavailable` says why the check cannot run here (no Playwright, no
Chromium), for a test to skip with that reason. Playwright (the ``test`` extra) is
imported inside the functions.
"""

from __future__ import annotations

import importlib.util
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["CHROMIUM", "CHROMIUM_ARGS", "PageCheck", "browser_unavailable", "render_page"]

#: Debian's Chromium (``apt-get install chromium``).
CHROMIUM = Path("/usr/bin/chromium")

#: Headless, no sandbox (root in CI containers), no GPU, and none of the background
#: traffic a fresh profile would start (updates, sync, first-run pages).
CHROMIUM_ARGS = ("--headless", "--no-sandbox", "--disable-gpu",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run")


@dataclass(frozen=True)
class PageCheck:
    """What rendering a page found.

    Attributes
    ----------
    failed_requests
        ``url: reason`` of every request that failed.
    broken_images
        The ``alt`` text (or the start of the source) of every ``<img>`` whose
        ``naturalWidth`` is 0.
    images
        Number of ``<img>`` elements.
    tables
        The ``class`` of each ``<table>``, in order.
    title
        The page's title.
    console_errors
        Messages the page logged as errors.
    """

    failed_requests: list[str] = field(default_factory=list)
    broken_images: list[str] = field(default_factory=list)
    images: int = 0
    tables: list[str] = field(default_factory=list)
    title: str = ""
    console_errors: list[str] = field(default_factory=list)


def browser_unavailable(executable: Path = CHROMIUM) -> str | None:
    """Why a page cannot be rendered here (``None`` when it can)."""
    if importlib.util.find_spec("playwright") is None:
        return "playwright is not installed (pip install -e '.[test]')"
    if not os.access(executable, os.X_OK):
        return (f"no Chromium at {executable} (Debian: apt-get install -y "
                "--no-install-recommends chromium; make test installs it as root)")
    return None


def render_page(page_file: Path, screenshot: Path, *, executable: Path = CHROMIUM,
                width: int = 1200, timeout_s: float = 60.0) -> PageCheck:
    """Open ``page_file`` in headless Chromium, save a full-page PNG screenshot, check it.

    Parameters
    ----------
    page_file
        The HTML file to open (as a ``file://`` URL).
    screenshot
        Where the screenshot PNG goes.
    executable
        The Chromium to drive.
    width
        Viewport width in CSS pixels.
    timeout_s
        Limit for launching the browser and loading the page.

    Returns
    -------
    PageCheck
        The failed requests, broken images, tables and images of the page.
    """
    from playwright.sync_api import sync_playwright

    failed: list[str] = []
    errors: list[str] = []
    with tempfile.TemporaryDirectory(prefix="qfab-chromium-") as profile, \
            sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=str(executable), args=list(CHROMIUM_ARGS),
            headless=True, viewport={"width": width, "height": 900},
            timeout=timeout_s * 1e3)
        try:
            page = context.new_page()
            page.on("requestfailed",
                    lambda request: failed.append(f"{request.url[:120]}: {request.failure}"))
            page.on("console", lambda message: errors.append(message.text)
                    if message.type == "error" else None)
            page.goto(page_file.absolute().as_uri(), wait_until="load",
                      timeout=timeout_s * 1e3)
            images: list[dict[str, object]] = page.eval_on_selector_all(
                "img", "nodes => nodes.map(n => ({ok: n.complete && n.naturalWidth > 0, "
                       "alt: n.alt || n.src.slice(0, 60)}))")
            tables: list[str] = page.eval_on_selector_all(
                "table", "nodes => nodes.map(n => n.className)")
            title = page.title()
            screenshot.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(screenshot), full_page=True)
        finally:
            context.close()
    return PageCheck(failed_requests=failed,
                     broken_images=[str(image["alt"]) for image in images if not image["ok"]],
                     images=len(images), tables=tables, title=title, console_errors=errors)
