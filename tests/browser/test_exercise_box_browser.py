"""The exercise box in a real browser: nothing runs out past its right border, however
long the replay code or wide the picture, and only the first problem is open."""

from __future__ import annotations

import io

import pytest
from labdriver import browser_missing, chromium_page

from distsys_edu.exercises import ExerciseResult, ScenarioOutcome


def wide_png() -> bytes:
    from PIL import Image

    png = io.BytesIO()
    Image.new("RGB", (1200, 200), "white").save(png, format="PNG")
    return png.getvalue()


def test_nothing_crosses_the_boxs_border_and_only_the_first_problem_is_open(tmp_path):
    reason = browser_missing()
    if reason is not None:
        pytest.skip(reason)
    long_code = "sim = replay('phi', 'a scenario with a long name', " + "X" * 200 + ")"
    first = ScenarioOutcome(
        "first", "failed", "e", "h", "hint", replay=long_code, picture=wide_png(), caption="c"
    )
    second = ScenarioOutcome("second", "failed", "e", "went wrong " * 30, "hint", replay=long_code)
    html = ExerciseResult.from_outcomes("x", [ScenarioOutcome("ok", "passed"), first, second])
    with chromium_page() as page:
        page.set_viewport_size({"width": 600, "height": 900})
        page.set_content(f"<body style='margin:8px'>{html._repr_html_()}</body>")
        box = page.locator("body > div").bounding_box()
        right = box["x"] + box["width"]
        overflow = page.evaluate(
            """(right) => [...document.querySelectorAll('body > div *')]
                 .filter(e => e.offsetParent !== null)
                 .map(e => e.getBoundingClientRect().right)
                 .filter(r => r > right - 2)""",  # 2 px: the border itself
            right,
        )
        assert overflow == []
        # text that runs past its own element (a <pre> that does not wrap) widens the box's
        # scrollable width even when no element's rectangle crosses the border
        assert (
            page.evaluate(
                "() => { const b = document.querySelector('body > div');"
                " return b.scrollWidth - b.clientWidth; }"
            )
            <= 0
        )
        details = page.locator("details")
        assert details.count() == 2
        assert details.nth(0).evaluate("d => d.open") is True
        assert details.nth(1).evaluate("d => d.open") is False
        page.screenshot(path=str(tmp_path / "box.png"), full_page=True)
