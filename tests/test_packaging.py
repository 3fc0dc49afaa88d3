"""The set-up plumbing: pins, notebook sanitizers, CI and Binder entry points."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: tomli is pinned there (pytest needs it)
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
CONSTRAINTS = ROOT / "constraints.txt"
# Installed in every venv by `python -m venv` itself, not by pip from our constraints.
BOOTSTRAP = {"pip", "setuptools", "wheel"}


def constraint_lines() -> list[str]:
    lines = (line.split("#", 1)[0].strip() for line in CONSTRAINTS.read_text().splitlines())
    return [line for line in lines if line]


def pins_for_this_python() -> dict[str, str]:
    """Map each package name to its pinned version, for the running interpreter."""
    pins = {}
    for line in constraint_lines():
        req = Requirement(line)
        if req.marker is None or req.marker.evaluate():
            pins[canonicalize_name(req.name)] = next(iter(req.specifier)).version
    return pins


def test_every_constraint_is_one_exact_pin() -> None:
    for line in constraint_lines():
        req = Requirement(line)
        specs = list(req.specifier)
        assert len(specs) == 1, line
        assert specs[0].operator == "==", line
        assert "*" not in specs[0].version, line


def test_no_package_is_pinned_twice_for_the_same_python() -> None:
    seen: dict[str, str] = {}
    for line in constraint_lines():
        req = Requirement(line)
        if req.marker is None or req.marker.evaluate():
            name = canonicalize_name(req.name)
            assert name not in seen, f"{line!r} and {seen[name]!r}"
            seen[name] = line


def test_every_declared_dependency_is_pinned() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = list(project["dependencies"])
    for extra in ("lab", "dev", "bench", "site"):
        declared += project["optional-dependencies"][extra]
    pins = pins_for_this_python()
    for spec in declared:
        req = Requirement(spec)
        if req.marker is not None and not req.marker.evaluate():
            continue
        name = canonicalize_name(req.name)
        assert name in pins, f"{req.name} is not pinned in constraints.txt"
        assert req.specifier.contains(pins[name], prereleases=True), (
            f"constraints.txt pins {req.name}=={pins[name]}, outside pyproject's {spec!r}"
        )


@pytest.mark.skipif(
    not Path(sys.prefix, ".installed-dev-lab-bench").exists(),
    reason="only in the .venv that `make test` builds from constraints.txt",
)
def test_the_venv_holds_exactly_the_pinned_versions() -> None:
    pins = pins_for_this_python()
    for dist in metadata.distributions():
        name = canonicalize_name(dist.metadata["Name"])
        if name in BOOTSTRAP or name == "distsys-edu":
            continue
        assert name in pins, f"{name} {dist.version} is installed but not pinned"
        assert dist.version == pins[name], f"{name}: {dist.version} != pinned {pins[name]}"


def test_sanitizers_parse_and_mask_memory_addresses() -> None:
    plugin = pytest.importorskip("nbval.plugin")
    patterns = plugin.get_sanitize_patterns((ROOT / "lessons" / "sanitize.cfg").read_text())
    assert patterns, "nbval found no regex/replace pair in lessons/sanitize.cfg"
    text = "<distsys_edu.runtime.sim.Sim at 0x7f3a2c1d0e50>"
    for regex, replace in patterns:
        text = re.sub(regex, replace, text)
    assert "0x7f3a2c1d0e50" not in text


def test_ci_script_is_executable_and_strict() -> None:
    run = ROOT / ".ci" / "run"
    assert os.access(run, os.X_OK)
    assert "set -euo pipefail" in run.read_text()
    assert "make test" in run.read_text()


def test_binder_installs_with_the_same_constraints() -> None:
    post_build = ROOT / "binder" / "postBuild"
    assert os.access(post_build, os.X_OK)
    # binder/requirements.txt is generated from constraints.txt (tests/test_binder.py)
    assert "--no-deps -e ." in post_build.read_text()
    assert (ROOT / "binder" / "requirements.txt").exists()
    assert (ROOT / "binder" / "runtime.txt").read_text().strip().startswith("python-3.")


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_test_runs_notebooks_and_checks_runtime_coverage() -> None:
    out = subprocess.run(
        ["make", "-n", "test"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    pytest_line = next(line for line in out.splitlines() if "/pytest " in line)
    for flag in (
        "--nbval ",
        "--nbval-sanitize-with lessons/sanitize.cfg",
        "-n 2 --dist loadfile",
        "--cov=distsys_edu.runtime",
        "--cov-fail-under=90",
        " tests lessons",
    ):
        assert flag in pytest_line, flag
