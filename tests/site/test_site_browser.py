"""Every page of the website in headless Chromium, with every request to another host
refused: no broken image, no console error, no refused request, every animation shows
a picture and its player steps.

The site is built once from this checkout and served on 127.0.0.1 (conftest.py).
Without Chromium or Playwright the tests skip, with the reason; under CI that is an
error, as in tests/browser/.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from sitetools import ROOT

sys.path.insert(0, str(ROOT / "tests" / "browser"))
from labdriver import browser_missing, chromium_page

PAGES = [
    "index",
    "search",
    "genindex",
    *(f"lessons/{p.stem}" for p in sorted((ROOT / "lessons").glob("[0-9][0-9]_*.ipynb"))),
    *(f"docs/{p.stem}" for p in sorted((ROOT / "docs").glob("*.md"))),
]
LOCAL = {"127.0.0.1", "localhost"}
BROKEN_IMAGES = "Array.from(document.images).filter(i => !i.complete || i.naturalWidth === 0)"
# What each animation shows: a visible image that has loaded, or a visible canvas.
ANIMATIONS = """Array.from(document.querySelectorAll('[id^="distsys-edu-animation-"]')).map(root =>
  Array.from(root.querySelectorAll('img, canvas')).some(e => e.offsetWidth > 0 &&
    (e.tagName === 'CANVAS' ? e.width > 0 : e.complete && e.naturalWidth > 0)))"""


class Watched:
    """One Chromium page whose requests to other hosts are refused, with what went wrong."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.refused: list[str] = []
        self.errors: list[str] = []
        page.route("**/*", self._route)
        page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        page.on("pageerror", lambda e: self.errors.append(f"uncaught: {e}"))
        page.on("requestfailed", lambda r: self.errors.append(f"failed: {r.url} {r.failure}"))

    def _route(self, route: Any) -> None:
        host = urlparse(route.request.url).hostname
        if route.request.url.startswith("data:") or host in LOCAL:
            route.continue_()
        else:
            self.refused.append(route.request.url)
            route.abort()


@pytest.fixture(scope="module")
def browser(site_url: str) -> Iterator[Watched]:
    reason = browser_missing()
    if reason is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must open the site in a browser, but {reason}")
        pytest.skip(reason)
    with chromium_page() as page:
        yield Watched(page)


@pytest.mark.parametrize("name", PAGES)
def test_page_opens_with_nothing_broken_and_nothing_fetched(
    browser: Watched, site_url: str, site_html: Path, name: str
) -> None:
    assert (site_html / f"{name}.html").is_file(), f"the build made no page {name}.html"
    browser.refused.clear()
    browser.errors.clear()
    response = browser.page.goto(site_url + name + ".html", wait_until="load")
    assert response is not None and response.ok, f"{name}: HTTP {response and response.status}"
    browser.page.wait_for_load_state("networkidle")
    broken = browser.page.evaluate(BROKEN_IMAGES + ".map(i => i.alt || i.src.slice(0, 80))")
    assert broken == [], f"{name}: broken images {broken}"
    shown = browser.page.evaluate(ANIMATIONS)
    assert all(shown), f"{name}: animations without a picture: {shown}"
    assert browser.refused == [], f"{name}: requests to other hosts {browser.refused}"
    assert browser.errors == [], f"{name}: console errors {browser.errors}"


def test_a_player_steps_to_another_frame(browser: Watched, site_url: str) -> None:
    """The first animation's step button shows another picture (within a few steps).

    Each picture the animation shows (frames, legend, a player's canvas) is compared,
    not the buttons, whose focus ring alone would tell the screenshots apart."""
    for name in (n for n in PAGES if n.startswith("lessons/")):
        browser.page.goto(site_url + name + ".html", wait_until="load")
        root = browser.page.locator('[id^="distsys-edu-animation-"]').first
        if root.count() == 0:
            continue
        step = root.locator("[data-act=next]")
        step.wait_for(timeout=60_000)
        root.scroll_into_view_if_needed()
        pictures = root.locator("img, canvas").locator("visible=true")
        before = [picture.screenshot() for picture in pictures.all()]
        for _ in range(5):
            step.click()
            browser.page.wait_for_timeout(300)
            if [picture.screenshot() for picture in pictures.all()] != before:
                return
        pytest.fail(f"{name}: five steps and the picture did not change")
    pytest.skip("no lesson page holds an animation")
