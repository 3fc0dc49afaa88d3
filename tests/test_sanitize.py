"""lessons/sanitize.cfg: each pattern masks what it is for, and none takes long on the
long single-line outputs that animations put in notebooks."""

from __future__ import annotations

import configparser
import re
from pathlib import Path

import pytest

CONFIG = Path(__file__).resolve().parent.parent / "lessons" / "sanitize.cfg"


def sanitizers() -> dict[str, tuple[re.Pattern[str], str]]:
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(CONFIG, encoding="utf-8")
    return {
        name: (re.compile(s["regex"]), s["replace"])
        for name, s in parser.items()
        if name != "DEFAULT"
    }


def sanitize(text: str) -> str:
    for pattern, replacement in sanitizers().values():
        text = pattern.sub(replacement, text)
    return text


def test_timeit_lines_are_masked_and_the_rest_kept():
    text = "before\n1.23 ms ± 4.5 µs per loop (mean ± std. dev. of 7 runs, 1,000 loops each)\nafter"
    assert sanitize(text) == "before\nTIMEIT\nafter"


def test_the_cell_file_named_in_a_warning_is_masked():
    one = "/tmp/ipykernel_17194/994596411.py:4: HandlerFailureWarning: a handler failed"
    other = "/tmp/ipykernel_5/12.py:4: HandlerFailureWarning: a handler failed"
    assert sanitize(one) == sanitize(other)


@pytest.mark.timeout(10)
def test_a_long_line_of_base64_is_sanitized_quickly():
    # An animation is ~300 kB of base64 on one line; a pattern that starts with an
    # unanchored [^\n]* is tried from every position of it: minutes, not milliseconds.
    line = "data:image/png;base64," + "iVBORw0KGgoAAAANSUhEUgAA" * 12_500
    assert sanitize(line) == line
