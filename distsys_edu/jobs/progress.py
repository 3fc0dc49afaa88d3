"""One progress bar for every experiment: tqdm on stderr, or nothing at all.

Progress bars go to stderr, never stdout, so that a command's JSON output stays
clean; ``enabled=False`` (what ``--json`` on the command line asks for) gives a
plain iterator with no output and no cost.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import IO, Any, TypeVar

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


SLOW_AFTER = 2.0
"""Seconds of wall time after which :func:`slow_work` starts to say how far it got."""


@contextmanager
def slow_work(
    label: str,
    status: Callable[[], str] | None = None,
    *,
    enabled: bool = True,
    after: float = SLOW_AFTER,
    every: float = SLOW_AFTER,
    stream: IO[str] | None = None,
) -> Iterator[None]:
    """Say on stderr how far a long step got, once it has taken ``after`` seconds.

    A daemon thread wakes after ``after`` seconds and then every ``every`` seconds
    while the ``with`` block runs, and prints ``label: status() (N s)``; the end of
    the block adds ``label: done in N s``. A step that ends sooner prints nothing.
    ``status`` is called from that thread: it must only read (``len(sim.nodes)``,
    ``sim.now``), which the interpreter's lock makes safe.

    Args:
        label: what the step does (``"spawning"``).
        status: how far it got, in words (``"45,000 of 100,000 nodes"``); without
            it, ``still working``.
        enabled: ``False`` prints nothing (``--json``).
        after, every: seconds before the first line, and between lines.
        stream: where to print (default: ``sys.stderr``).
    """
    if not enabled:
        yield
        return
    out = stream or sys.stderr
    done = threading.Event()
    start = time.monotonic()
    said: list[bool] = []

    def watch() -> None:
        wait = after
        while not done.wait(wait):
            got = status() if status is not None else "still working"
            print(f"{label}: {got} ({time.monotonic() - start:.0f} s)", file=out, flush=True)
            said.append(True)
            wait = every

    watcher = threading.Thread(target=watch, name=f"progress: {label}", daemon=True)
    watcher.start()
    try:
        yield
    finally:
        done.set()
        watcher.join()
        if said:
            print(f"{label}: done in {time.monotonic() - start:.1f} s", file=out, flush=True)
