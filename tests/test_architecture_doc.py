"""docs/architecture.md names only what exists: every ``distsys_edu.…`` name in it imports."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parent.parent / "docs" / "architecture.md"
DOTTED = re.compile(r"`(distsys_edu(?:\.\w+)+)`")


def resolve(dotted: str) -> object:
    """Import the longest module prefix of ``dotted``, then get the rest as attributes."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            found: object = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for attr in parts[cut:]:
            found = getattr(found, attr)
        return found
    raise ModuleNotFoundError(dotted)


NAMES = sorted(set(DOTTED.findall(DOC.read_text(encoding="utf-8"))))


def test_the_page_names_many_things() -> None:
    assert len(NAMES) >= 30


@pytest.mark.parametrize("dotted", NAMES)
def test_each_name_on_the_page_is_real(dotted: str) -> None:
    assert resolve(dotted) is not None
