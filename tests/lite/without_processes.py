"""Run the lite probe in a Python that looks like Pyodide's: the modules a browser
lacks refuse to import and ``sys.platform`` is ``"emscripten"``.

Used as ``python without_processes.py`` by ``test_without_processes.py``: it prints
the probe's JSON, then the refused modules that something tried to import (and
caught) as a last line ``tried: [...]``.
"""

from __future__ import annotations

import importlib
import importlib.abc
import json
import sys
from pathlib import Path

MISSING_IN_PYODIDE = frozenset(
    {
        # Importable in Pyodide but unable to work (no processes, no sockets): refused
        # here all the same, so that nothing comes to rely on them.
        "multiprocessing",
        "_multiprocessing",
        "socket",
        "_socket",
        "subprocess",
        "concurrent.futures.process",
        "concurrent.futures.thread",
        # Missing from Pyodide's standard library.
        "_posixsubprocess",
        "fcntl",
        "termios",
        "resource",
        "grp",
        "pwd",
        "pty",
        "tty",
        "curses",
        "tkinter",
        "ssl",
        "sqlite3",
    }
)
"""What a browser's Python cannot run: refused at import."""

PACKAGES = (
    "distsys_edu",
    "distsys_edu.runtime",
    "distsys_edu.protocols",
    "distsys_edu.checks",
    "distsys_edu.exercises",
)
"""What must import in a browser (JupyterLite's Pyodide kernel)."""


class Refuse(importlib.abc.MetaPathFinder):
    """A meta path finder that raises ``ModuleNotFoundError`` for the refused modules
    (and anything below them), noting each attempt."""

    def __init__(self, refused: frozenset[str]) -> None:
        self.refused = refused
        self.tried: list[str] = []

    def find_spec(self, fullname: str, path: object, target: object = None) -> None:
        if any(fullname == r or fullname.startswith(r + ".") for r in self.refused):
            self.tried.append(fullname)
            raise ModuleNotFoundError(f"No module named {fullname!r} (refused: as in Pyodide)")
        return None


def main() -> None:
    loaded = sorted(m for m in MISSING_IN_PYODIDE if m in sys.modules)
    if loaded:  # the interpreter's own start-up imported one: the test would prove nothing
        raise SystemExit(f"already imported before the finder was installed: {loaded}")
    finder = Refuse(MISSING_IN_PYODIDE)
    sys.meta_path.insert(0, finder)
    sys.platform = "emscripten"
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    for package in PACKAGES:
        importlib.import_module(package)
    from lite_probe import probe

    print(json.dumps(probe(), sort_keys=True))
    print("tried:", json.dumps(sorted(set(finder.tried))))


if __name__ == "__main__":
    main()
