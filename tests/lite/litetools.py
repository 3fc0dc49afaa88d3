"""What the JupyterLite tests need, fetched once: the ``lite`` extra, the package as a
wheel, and the Pyodide core from the npm registry's ``pyodide`` package.

Pyodide's version is the one the installed jupyterlite-pyodide-kernel names
(``PYODIDE_VERSION``). ``npm pack`` downloads it once into ``~/.cache/distsys_edu/``
(``DISTSYS_EDU_CACHE`` overrides); after that nothing needs the network.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tarfile
from contextlib import AbstractContextManager
from http.server import SimpleHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest
import static_server
from static_server import QuietHandler

ROOT = Path(__file__).resolve().parents[2]
TOOLS = ROOT / "tools"
CACHE = Path(os.environ.get("DISTSYS_EDU_CACHE", Path.home() / ".cache" / "distsys_edu"))


def require_lite_extra() -> None:
    """Skip the calling test, with the reason, without the lite extra or npm."""
    for module in ("jupyterlite_core", "jupyterlite_pyodide_kernel"):
        if importlib.util.find_spec(module) is None:
            pytest.skip(f"{module} is missing: pip install -c constraints.txt -e '.[lite]'")
    if shutil.which("npm") is None:
        pytest.skip("npm is missing (apt-get install npm): it fetches Pyodide's core")


def pyodide_version() -> str:
    """The Pyodide the installed JupyterLite kernel is made for."""
    from jupyterlite_pyodide_kernel.constants import PYODIDE_VERSION

    return str(PYODIDE_VERSION)


def pyodide_core() -> Path:
    """The npm ``pyodide`` package of :func:`pyodide_version`, unpacked (cached)."""
    version = pyodide_version()
    folder = CACHE / f"pyodide-{version}"
    if (folder / "pyodide.mjs").exists():
        return folder
    CACHE.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        ["npm", "pack", f"pyodide@{version}", "--pack-destination", str(CACHE)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    tarball = CACHE / f"pyodide-{version}.tgz"
    if done.returncode != 0 or not tarball.exists():
        pytest.fail(f"npm pack pyodide@{version} failed:\n{done.stderr[-2000:]}")
    unpacked = CACHE / f"pyodide-{version}.unpacking"
    shutil.rmtree(unpacked, ignore_errors=True)
    with tarfile.open(tarball) as tar:
        tar.extractall(unpacked, filter="data")
    (unpacked / "package").rename(folder)
    shutil.rmtree(unpacked)
    return folder


def as_lite_tarball(core: Path, out: Path) -> Path:
    """``core`` re-packed as JupyterLite's ``--pyodide`` wants it: under ``pyodide/``."""
    tarball = out / f"{core.name}.tar.bz2"
    with tarfile.open(tarball, "w:bz2") as tar:
        tar.add(core, arcname="pyodide")
    return tarball


def build_lite_module():  # type: ignore[no-untyped-def]
    """tools/build_lite.py as a module (tools/ is no package)."""
    spec = importlib.util.spec_from_file_location("build_lite", TOOLS / "build_lite.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_lite"] = module
    spec.loader.exec_module(module)
    return module


KERNEL_NEEDS = ("micropip", "packaging", "ipython", "jedi")
"""What the JupyterLite kernel loads from Pyodide's package index as it starts (micropip
to install its own wheel, IPython and its dependencies for that wheel, jedi for
completion). The npm ``pyodide`` package holds none of them."""


KERNEL_FROM_PYPI = "comm"
"""What the kernel's own wheel needs beyond Pyodide's index: micropip would fetch it
from PyPI, so the offline site indexes it for piplite."""


def lock_closure(lock: dict[str, Any], names: tuple[str, ...] = KERNEL_NEEDS) -> list[str]:
    """``names`` and everything they depend on, as keys of a ``pyodide-lock.json``."""
    packages = lock["packages"]
    todo, found = [n.replace("_", "-").lower() for n in names], []
    while todo:
        name = todo.pop()
        if name not in found:
            found.append(name)
            todo += [d.replace("_", "-").lower() for d in packages[name]["depends"]]
    return sorted(found)


def pypi_wheel(name: str, version: str, python: str) -> Path:
    """The pure-Python wheel ``name==version`` for Python ``python`` (``"3.14"``) from
    PyPI (cached)."""
    folder = CACHE / "pywheels"
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"{name.replace('-', '_').lower()}-{version}-"
    for wheel in folder.glob("*.whl"):
        if wheel.name.lower().startswith(stem):
            return wheel
    command = [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--only-binary=:all:"]
    command += ["--python-version", python, "-d", str(folder), f"{name}=={version}"]
    done = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if done.returncode != 0:
        pytest.fail(f"pip download {name}=={version} failed:\n{done.stderr[-2000:]}")
    return pypi_wheel(name, version, python)


def add_kernel_packages(pyodide: Path) -> list[str]:
    """Put PyPI's wheels of :data:`KERNEL_NEEDS` (and their dependencies) in the site's
    Pyodide folder under the names its lock file gives, with their sha256 written in.

    Pyodide's own builds of these pure-Python packages are not on the npm registry;
    PyPI's wheels of the same versions hold the same code but other bytes.
    """
    lock_file = pyodide / "pyodide-lock.json"
    lock = json.loads(lock_file.read_text())
    names = lock_closure(lock)
    python = ".".join(lock["info"]["python"].split(".")[:2])
    for name in names:
        entry = lock["packages"][name]
        wheel = pypi_wheel(entry["name"], entry["version"], python)
        shutil.copy(wheel, pyodide / entry["file_name"])
        entry["sha256"] = hashlib.sha256(wheel.read_bytes()).hexdigest()
    lock_file.write_text(json.dumps(lock))
    return names


class Handler(QuietHandler):
    """Serves a folder with the types Pyodide needs (wasm, modules), and quietly."""

    extensions_map = {
        **SimpleHTTPRequestHandler.extensions_map,
        ".wasm": "application/wasm",
        ".mjs": "text/javascript",
        ".js": "text/javascript",
    }


def serving(directory: Path) -> AbstractContextManager[str]:
    """Serve ``directory`` on 127.0.0.1 (a free port) while the block runs, with the
    types Pyodide needs; yields the base URL (``static_server.serving``)."""
    return static_server.serving(directory, Handler)
