"""Every lesson opened un-run in JupyterLab, in headless Chromium, as a reader without a
kernel sees it: the committed notebook is not trusted, so the lab strips its scripts.
No image may be broken, and every animation must still show a picture that moves (its
animated PNG: seen changing), with no buttons that do nothing.

A second test runs an animation in a trusted, live notebook: there the script replaces
the animated PNG with a player whose step button changes the picture.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from labdriver import LabServer, run_all_cells

LESSONS = sorted((Path(__file__).resolve().parents[2] / "lessons").glob("*.ipynb"))
ANIMATION = "distsys-edu-animation"

IMAGES_SHOWN = """() => Array.from(document.querySelectorAll('.jp-OutputArea-output img'))
  .map(img => ({width: img.naturalWidth, alt: img.alt,
                src: (img.getAttribute('src') || '').slice(0, 40)}))"""

ANIMATIONS_SHOWN = """() => Array.from(document.querySelectorAll('.jp-OutputArea-output'))
  .filter(out => out.innerHTML.includes('cluster animation'))
  .map(out => {
    const frames = out.querySelector('img[alt^="cluster animation"]');
    return {
      frames: frames ? [frames.naturalWidth, frames.getBoundingClientRect().width] : null,
      images: out.querySelectorAll('img').length,
      buttons: out.querySelectorAll('button').length,
      player: out.querySelectorAll('canvas').length,
    };
  })"""


def animations_in(notebook: Path) -> int:
    """How many animation outputs the committed notebook holds."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    return sum(
        ANIMATION in "".join(output.get("data", {}).get("text/html", ""))
        for cell in cells
        for output in cell.get("outputs", [])
    )


def wait_for_images(page: Any) -> None:
    """Until every output image has loaded (or failed to)."""
    page.wait_for_function(
        "() => Array.from(document.querySelectorAll('.jp-OutputArea-output img'))"
        ".every(img => img.complete)",
        timeout=60_000,
    )


@pytest.mark.timeout(240)
@pytest.mark.parametrize("lesson", LESSONS, ids=[p.stem for p in LESSONS])
def test_an_unrun_untrusted_lesson_shows_every_picture_and_animation(
    lesson: Path, lab: LabServer, page: Any, screenshot: Any
) -> None:
    page.goto(lab.url(lesson.name))
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
    page.wait_for_timeout(2000)  # let the outputs render
    wait_for_images(page)
    images = page.evaluate(IMAGES_SHOWN)
    broken = [image for image in images if image["width"] == 0]
    assert broken == [], f"{lesson.name}: broken images {broken}"
    animations = page.evaluate(ANIMATIONS_SHOWN)
    assert len(animations) == animations_in(lesson)
    for shown in animations:
        assert shown["frames"] is not None and min(shown["frames"]) > 0, shown
        assert shown["images"] == 2, shown  # the frames and the legend, nothing broken
        assert shown["buttons"] == 0 and shown["player"] == 0, shown  # no script ran
    if animations:  # the first one plays: what it shows changes over 3 s (its last
        # frame is held 2 s, then it starts again)
        movie = page.locator("img[alt^='cluster animation']").first
        movie.scroll_into_view_if_needed()
        screenshot(f"unrun-{lesson.stem}-animation")
        seen = set()
        for _ in range(7):
            seen.add(movie.screenshot())
            page.wait_for_timeout(500)
        assert len(seen) > 1, f"{lesson.name}: the animation does not move"


def test_a_live_animation_gets_a_player_whose_step_changes_the_picture(
    lab: LabServer, page: Any, screenshot: Any
) -> None:
    run_all_cells(page, lab, "animation.ipynb")
    player = page.locator("canvas.distsys-edu-player").first
    player.wait_for(timeout=60_000)
    page.wait_for_timeout(500)
    first = player.screenshot()
    page.get_by_text("frame 1/").first.wait_for(timeout=60_000)
    page.get_by_role("button", name="▶|").first.click()
    page.get_by_text("frame 2/").first.wait_for(timeout=60_000)
    page.wait_for_timeout(500)
    screenshot("live-animation-step")
    assert player.screenshot() != first
