"""Regenerate ``constraints.txt``: exact pins for everything the project installs.

For each interpreter given (default: ``python3``) this creates a scratch virtual
environment, installs the project with all its extras *unconstrained* (so pip picks
the newest compatible releases), runs ``pip freeze`` and drops the project itself.
The freezes are then merged into one file: a pin shared by every interpreter is
written plainly; a pin that differs between Python versions is written once per
range of versions, with a ``python_version`` environment marker.

Usage (from the repository root)::

    python3 tools/update_constraints.py python3.10 python3.11 python3.12 python3.13

Review the diff, then run ``make test`` to check the new pins.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROJECT = "distsys-edu"
EXTRAS = "dev,lab,bench,cluster,site,instructor,lite"
# Installed on Binder only (binder/postBuild): Binder's base image ships the classic
# notebook, whose version must match the JupyterLab we pin.
BINDER_EXTRAS = ["notebook"]

HEADER = f"""\
# Exact pins for every package that `pip install -c constraints.txt -e '.[{EXTRAS}]'`
# installs, transitive ones included (plus {", ".join(BINDER_EXTRAS)}, which binder/postBuild adds).
# Used by the Makefile, .ci/run and binder/postBuild. Do not edit by hand: regenerate with
#     python3 tools/update_constraints.py PYTHON [PYTHON ...]
# Pins that differ between Python versions carry a python_version marker.
"""


def canonical(name: str) -> str:
    """Return the normalised form of a distribution name (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def freeze(python: str) -> tuple[str, dict[str, tuple[str, str]]]:
    """Install the project under ``python`` in a scratch venv and return its pins.

    Args:
        python: an interpreter to create the scratch venv with.

    Returns:
        The interpreter's ``major.minor`` version and a mapping from canonical
        distribution name to (name as pip spells it, version).
    """
    with tempfile.TemporaryDirectory(prefix="constraints-") as tmp:
        venv = Path(tmp) / "venv"
        print(f"==> {python}: creating a scratch venv in {venv}", flush=True)
        subprocess.run([python, "-m", "venv", str(venv)], check=True)
        vpython = str(venv / "bin" / "python")
        version = subprocess.run(
            [vpython, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        # Only the metadata matters: build a copy of pyproject.toml with no code, so
        # that nothing is built inside the work tree.
        src = Path(tmp) / "src"
        src.mkdir()
        for name in ("pyproject.toml", "README.md"):
            shutil.copy(ROOT / name, src / name)
        print(f"==> Python {version}: installing .[{EXTRAS}] {' '.join(BINDER_EXTRAS)}", flush=True)
        subprocess.run(
            [vpython, "-m", "pip", "install", "-q", f"{src}[{EXTRAS}]", *BINDER_EXTRAS],
            check=True,
        )
        out = subprocess.run(
            [vpython, "-m", "pip", "freeze", "--exclude-editable"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    pins: dict[str, tuple[str, str]] = {}
    for line in out.splitlines():
        name, sep, pinned = line.strip().partition("==")
        if not sep:
            continue  # a URL or path requirement: the project itself
        if canonical(name) != PROJECT:
            pins[canonical(name)] = (name, pinned)
    return version, pins


def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def merge(freezes: dict[str, dict[str, tuple[str, str]]]) -> list[str]:
    """Merge per-Python freezes into constraint lines, with markers where they differ."""
    versions = sorted(freezes, key=version_key)
    names = sorted({name for pins in freezes.values() for name in pins})
    lines = []
    for name in names:
        per_version = [freezes[v].get(name) for v in versions]
        pinned = [p[1] if p else None for p in per_version]
        spelling = next(p[0] for p in reversed(per_version) if p)
        if all(p == pinned[0] for p in pinned) and pinned[0] is not None:
            lines.append(f"{spelling}=={pinned[0]}")
            continue
        # One line per run of consecutive versions that agree.
        start = 0
        while start < len(versions):
            end = start
            while end + 1 < len(versions) and pinned[end + 1] == pinned[start]:
                end += 1
            if pinned[start] is not None:
                bounds = []
                if start > 0:
                    bounds.append(f'python_version >= "{versions[start]}"')
                if end < len(versions) - 1:
                    bounds.append(f'python_version < "{versions[end + 1]}"')
                lines.append(f"{spelling}=={pinned[start]}; {' and '.join(bounds)}")
            start = end + 1
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pythons", nargs="*", default=["python3"], help="interpreters")
    parser.add_argument("-o", "--output", default=str(ROOT / "constraints.txt"))
    args = parser.parse_args(argv)
    freezes = {}
    for python in args.pythons:
        version, pins = freeze(python)
        freezes[version] = pins
    text = HEADER + "\n".join(merge(freezes)) + "\n"
    Path(args.output).write_text(text)
    print(f"==> wrote {args.output} for Python {', '.join(sorted(freezes, key=version_key))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
