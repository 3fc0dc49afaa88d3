"""Run one submission in a fresh kernel, cell by cell, and make each check call by hand.

The cells run in order, as "Run All" with errors allowed would: a cell that raises
does not stop the notebook. At each check call the grader asks the kernel itself for
the check's verdict (:mod:`.in_kernel`): a cell that is that call alone is replaced by
the grader's call (the check runs once); in any other cell the call is made again after
the cell, unless the cell raised (then the exercise is an error, with the exception).
Outputs are never read.

The notebook stops at a cell still running when the time limit is up, or at one whose
kernel died; every check call not made by then is reported as not run. The limit is
real (wall-clock) time counted from the first cell, not a simulation's virtual time.
"""

from __future__ import annotations

import ast
import asyncio
import json
import logging
import math
import os
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .in_kernel import expression
from .runner import STRICT_ENV
from .submission import CheckCall, Submission

RAN, TIMED_OUT, KERNEL_DIED = "ran", "timed out", "kernel died"

_QUIET = logging.getLogger("distsys_edu.grade.kernel")
_QUIET.addHandler(logging.NullHandler())
_QUIET.propagate = False  # nbclient's own complaints (a timeout) are reported by us


@dataclass(frozen=True)
class CallOutcome:
    """What came back for one check call that was reached.

    Attributes:
        call: the call.
        verdict: the check's JSON (see :func:`.in_kernel.verdict`), or ``None``.
        error: otherwise, the exception (``"NameError: name 'Pinger' is not defined"``)
            and where it was raised.
    """

    call: CheckCall
    verdict: dict[str, Any] | None
    error: str = ""


@dataclass
class NotebookRun:
    """How far a submission ran, and what its check calls gave.

    Attributes:
        status: ``ran`` (to the end), ``timed out`` or ``kernel died``.
        stopped_at: the code cell it stopped in (0 if it ran to the end).
        cell_errors: code cells that raised (not counting the one it stopped in).
        outcomes: one per check call reached, in order.
        seconds: real seconds from the first cell to the end (kernel start-up excluded).
    """

    status: str = RAN
    stopped_at: int = 0
    cell_errors: int = 0
    outcomes: list[CallOutcome] = field(default_factory=list)
    seconds: float = 0.0


def run_submission(submission: Submission, folder: Path, timeout: float) -> NotebookRun:
    """Run ``submission`` in a fresh kernel started in ``folder``, within ``timeout`` s."""
    return asyncio.run(_Driver(submission, folder, timeout).run())


def kernel_environment() -> dict[str, str]:
    """This process's environment for a kernel that runs in the notebook's own folder.

    Checks show their results instead of raising (``DISTSYS_EDU_STRICT=0``), and
    relative ``PYTHONPATH`` entries are made absolute, so that the kernel imports the
    same ``distsys_edu`` as the grader from whatever folder it starts in.
    """
    env = dict(os.environ)
    env[STRICT_ENV] = "0"
    if env.get("PYTHONPATH"):
        parts = env["PYTHONPATH"].split(os.pathsep)
        env["PYTHONPATH"] = os.pathsep.join(str(Path(p).resolve()) for p in parts if p)
    return env


class _Driver:
    def __init__(self, submission: Submission, folder: Path, timeout: float) -> None:
        from nbclient import NotebookClient

        self.submission = submission
        self.run_ = NotebookRun()
        self.raised: dict[int, tuple[str, str]] = {}  # cell index -> (ename, evalue)
        self.limit = _Limit(timeout)
        self.client = NotebookClient(
            submission.notebook,
            timeout_func=self.limit.seconds_left,
            on_cell_executed=self._executed,
            kernel_name="python3",
            allow_errors=True,
            record_timing=False,
            shutdown_kernel="immediate",
            log=_QUIET,
            resources={"metadata": {"path": str(folder)}},
        )

    async def run(self) -> NotebookRun:
        from nbclient.exceptions import CellTimeoutError, DeadKernelError

        quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
        async with self.client.async_setup_kernel(env=kernel_environment(), **quiet):
            for index, cell in enumerate(self.submission.notebook.cells):
                try:
                    await self._cell(index, cell)
                except (CellTimeoutError, DeadKernelError) as exc:
                    timed_out = isinstance(exc, CellTimeoutError)
                    self.run_.status = TIMED_OUT if timed_out else KERNEL_DIED
                    self.run_.stopped_at = self.submission.code_cell(index)
                    self.raised.pop(index, None)
                    break
        self.run_.cell_errors = len(self.raised)
        self.run_.seconds = self.limit.elapsed()
        return self.run_

    async def _cell(self, index: int, cell: Any) -> None:
        calls = [c for c in self.submission.calls if c.cell_index == index]
        if calls and calls[0].alone:
            self.run_.outcomes.append(await self._ask(calls[0], cell))
            return
        await self.client.async_execute_cell(
            cell, index, execution_count=self.client.code_cells_executed + 1
        )
        ename, evalue = self.raised.get(index, ("", ""))
        for call in calls:
            if ename and ename != "ExerciseFailed":  # strict, set by the notebook: ask again
                where = f"code cell {call.code_cell} raised"
                self.run_.outcomes.append(CallOutcome(call, None, f"{where} {ename}: {evalue}"))
            else:
                self.run_.outcomes.append(await self._ask(call, cell))

    async def _ask(self, call: CheckCall, cell: Any) -> CallOutcome:
        """The check's verdict, asked of the kernel in a silent request of the grader's."""
        assert self.client.kc is not None
        self.limit.start()
        if not call.argument:
            return CallOutcome(call, None, f"{call.check}() was called with nothing to check")
        msg_id = self.client.kc.execute(
            "",
            silent=True,
            store_history=False,
            user_expressions={"v": expression(call.check, call.argument)},
        )
        reply = await self.client.async_wait_for_reply(msg_id, cell)
        answer = (reply or {}).get("content", {}).get("user_expressions", {}).get("v", {})
        if answer.get("status") != "ok":
            what = f"{answer.get('ename', 'Error')}: {answer.get('evalue', '')}".rstrip(": ")
            return CallOutcome(call, None, f"{what}, raised by {call.check}({call.argument})")
        text = answer["data"]["text/plain"]
        return CallOutcome(call, json.loads(_unrepr(text)))

    def _executed(self, cell: Any, cell_index: int, execute_reply: Any) -> None:
        content = (execute_reply or {}).get("content", {})
        if content.get("status") == "error":
            self.raised[cell_index] = (content.get("ename", ""), content.get("evalue", ""))


def _unrepr(text: str) -> str:
    """The string whose ``repr`` IPython sent as ``text/plain``."""
    value = ast.literal_eval(text)
    if not isinstance(value, str):
        raise ValueError(f"the verdict is not a string: {text[:60]!r}")
    return value


class _Limit:
    """nbclient's per-cell timeout, made into one limit for the whole notebook."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.began: float | None = None

    def start(self) -> None:
        """Start the clock (at the first cell), if it has not started."""
        if self.began is None:
            self.began = time.monotonic()

    def seconds_left(self, cell: Any) -> int:
        """Whole seconds left (at least 1: nbclient reads 0 as no limit)."""
        self.start()
        assert self.began is not None
        return max(1, math.ceil(self.began + self.seconds - time.monotonic()))

    def elapsed(self) -> float:
        """Real seconds since the clock started (0 if it never did)."""
        return 0.0 if self.began is None else time.monotonic() - self.began
