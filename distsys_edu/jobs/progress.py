"""One progress bar for every experiment: tqdm on stderr, or nothing at all.

Progress bars go to stderr, never stdout, so that a command's JSON output stays
clean; ``enabled=False`` (what ``--json`` on the command line asks for) gives a
plain iterator with no output and no cost.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from typing import Any, TypeVar

T = TypeVar("T")


def progress_bar(
    iterable: Iterable[T], *, total: int | None = None, desc: str = "", enabled: bool = True
) -> Iterator[T]:
    """Iterate over ``iterable``, showing a tqdm bar on stderr when ``enabled``.

    Args:
        iterable: what to iterate over.
        total: how many items there are, if ``iterable`` has no ``len``.
        desc: the label in front of the bar.
        enabled: ``False`` returns a plain iterator: no output at all.

    Returns:
        An iterator over the same items.
    """
    if not enabled:
        return iter(iterable)
    from tqdm.auto import tqdm  # imported late: only a visible bar needs it

    return iter(
        tqdm(iterable, total=total, desc=desc, file=sys.stderr, leave=False, dynamic_ncols=True)
    )


class _NoBar:
    """The progress counter when no bar is wanted: does nothing, costs nothing."""

    def update(self, n: int = 1) -> None:
        """Count ``n`` more items done (ignored)."""

    def set_postfix(self, **values: object) -> None:
        """Show ``values`` after the bar (ignored)."""

    def close(self) -> None:
        """End the bar (nothing to end)."""


def progress_counter(total: int | None, *, desc: str = "", enabled: bool = True) -> Any:
    """A bar to advance by hand, ``bar.update(n)`` then ``bar.close()``: tqdm on stderr.

    For work that finishes out of order or in chunks (worker processes), where
    :func:`progress_bar`'s one item at a time does not fit.

    Args:
        total: how many items there are (``None``: not known; the bar counts up).
        desc: the label in front of the bar.
        enabled: ``False`` returns a counter that prints nothing.
    """
    if not enabled:
        return _NoBar()
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=desc, file=sys.stderr, leave=False, dynamic_ncols=True)
