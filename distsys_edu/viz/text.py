"""The terminal timeline: the story's entries (:mod:`.story`) as lines of text.

``distsys-edu run`` and ``distsys-edu demo`` print these lines; the space-time
diagram (:mod:`.spacetime`) annotates the same entries.
"""

from __future__ import annotations

from collections.abc import Sequence

from .story import Entry
from .story import entries as timeline

__all__ = ["Entry", "render", "timeline"]


def render(entries: Sequence[Entry]) -> list[str]:
    """Timeline lines; consecutive entries saying the same of several nodes are merged."""
    lines: list[str] = []
    i = 0
    while i < len(entries):
        first = entries[i]
        subjects = [first.subject]
        seen = {first.subject}  # a set: 100,000 nodes starting at once merge in linear time
        j = i + 1
        while (
            j < len(entries)
            and entries[j].what == first.what
            and entries[j].subject not in seen
            and first.subject != "network"
        ):
            subjects.append(entries[j].subject)
            seen.add(entries[j].subject)
            j += 1
        start, end = first.t, entries[j - 1].t
        when = f"{start:.3f}s"
        if f"{end:.3f}" != f"{start:.3f}":
            when = f"{start:.3f}-{end:.3f}s"
        what = first.what if len(subjects) == 1 else first.plural()
        lines.append(f"{when:>15}  {', '.join(subjects)} {what}")
        i = j
    return lines
