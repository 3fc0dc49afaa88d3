"""Real Jepsen histories shipped with the package, to check as a learner would check
their own (the files and their licence note are in ``distsys_edu/data/jepsen/``).

    >>> from distsys_edu.checks import linearizable, real_history
    >>> h = real_history()
    >>> len(h), len(h.clients)
    (85, 19)
    >>> linearizable(h, model="register").linearizable
    False
"""

from __future__ import annotations

from importlib import resources

from ..runtime.errors import invalid
from .history import History
from .jepsen import parse_history

REAL_HISTORIES = ("etcd_000",)
"""The names :func:`real_history` knows: ``etcd_000``, Jepsen's etcd register test
(five processes read, write and compare-and-set one register), as Porcupine ships it;
not linearizable."""


def real_history(name: str = "etcd_000") -> History:
    """Load one of the shipped Jepsen histories (``jepsen.util`` log lines).

    Args:
        name: one of :data:`REAL_HISTORIES`.

    Returns:
        The :class:`.History` (its clients are Jepsen's process numbers: a process
        whose operation timed out comes back under a new number). Check it with
        ``model="register"``.

    Raises:
        InvalidArgument: an unknown ``name``.
    """
    if name not in REAL_HISTORIES:
        raise invalid("name", name, f"must be one of {', '.join(REAL_HISTORIES)}")
    data = resources.files("distsys_edu") / "data" / "jepsen" / f"{name}.log"
    return parse_history(data.read_text(encoding="utf-8"), source=f"{name}.log")
