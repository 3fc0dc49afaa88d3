"""Taking a run directory for a new cluster: only one of ours, one launcher at a time.

``net up --dir DIR`` may be given any path, so it touches only what it made:

* a directory that does not exist is created, owner-only (0700);
* an empty one is taken: made owner-only (the key will live there);
* a run directory of an earlier cluster (it holds the mark file :data:`MARK`) is
  reused: the files that cluster wrote (:func:`clear_earlier_run`) are removed, and
  nothing else in it;
* anything else (a non-empty directory without the mark, such as ``/tmp`` or a
  project folder) is refused: nothing in it is deleted, replaced or chmodded.

Two launchers starting a cluster in one directory at the same moment would both
find it free and both start nodes; so :func:`starting` holds an exclusive lock
(``flock`` on ``DIR/lock``) from the look for a live cluster until the new nodes
run. The second launcher is refused at once. The kernel drops the lock when its
holder ends, however it ends.
"""

from __future__ import annotations

import fcntl
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager

from ..runtime.errors import invalid
from .children import NetError, pid_alive
from .rundir import RunDir

MARK = ".distsys-net-run"
"""The file that says a directory is a run directory of ours."""

LOCK = "lock"
"""The file a launcher locks while it starts a cluster."""

EARLIER_FILES = ("cluster.json", "state.json", "key", "control.jsonl", "keeper.log")
"""What an earlier cluster left at the top of its run directory (cleared at the next up)."""

NODE_FILE = re.compile(r"[nc]\d+\.(status\.json|storage\.json|trace\.jsonl|log)(\.tmp)?")
"""What an earlier cluster's nodes left in ``nodes/``."""


@contextmanager
def starting(run: RunDir) -> Iterator[None]:
    """Take ``run``'s directory for a new cluster, and hold it while the cluster starts.

    Inside the block the directory exists, owner-only and marked as ours, nobody
    else is starting a cluster in it, no node of an earlier cluster runs there, and
    that cluster's files are gone.

    Raises:
        InvalidArgument: ``run``'s path is not a directory of ours (see above).
        NetError: another launcher is starting a cluster there, or a cluster runs there.
    """
    claim(run)
    fd = os.open(run.path / LOCK, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise NetError(
                f"dir={str(run.path)!r} is not allowed: another command is starting a "
                "cluster there right now"
            ) from None
        refuse_a_live_cluster(run)
        clear_earlier_run(run)
        yield
    finally:
        os.close(fd)  # and with it the lock


def claim(run: RunDir) -> None:
    """Create ``run``'s directory, or take an empty one, or reuse one of ours; mark it.

    Raises:
        InvalidArgument: it is a file, or a non-empty directory without :data:`MARK`.
    """
    mark = run.path / MARK
    try:
        run.path.mkdir(mode=0o700, parents=True)
    except FileExistsError:
        if not run.path.is_dir():
            raise invalid("dir", str(run.path), "must be a directory") from None
        if not mark.exists():
            # what a launcher starting here at this moment has made does not count
            if any(p.name not in (MARK, LOCK) for p in run.path.iterdir()):
                raise invalid(
                    "dir",
                    str(run.path),
                    "must be a new or empty directory, or one an earlier net up made "
                    f"(it holds {MARK}); this one holds other files, and net up never "
                    "deletes or changes what it did not make",
                ) from None
            os.chmod(run.path, 0o700)  # an empty directory, now ours: the key goes here
    mark.touch(mode=0o600, exist_ok=True)


def refuse_a_live_cluster(run: RunDir) -> None:
    """Raise ``NetError`` if a node of a cluster started in ``run`` still runs."""
    if run.cluster_file.exists():
        live = [n for n, pid in run.state().get("pids", {}).items() if pid_alive(pid)]
        if live:
            raise NetError(
                f"dir={str(run.path)!r} is not allowed: a cluster is running there "
                f"(live nodes: {', '.join(live)}); run net down first"
            )


def clear_earlier_run(run: RunDir) -> None:
    """Remove the files an earlier cluster wrote in ``run`` (and only those)."""
    for name in EARLIER_FILES:
        (run.path / name).unlink(missing_ok=True)
    run.nodes_dir.mkdir(mode=0o700, exist_ok=True)
    for path in run.nodes_dir.iterdir():
        if NODE_FILE.fullmatch(path.name) and path.is_file():
            path.unlink()
