"""binder/: requirements.txt agrees with constraints.txt (regenerated and compared),
postBuild adds only the package and the project's lab settings (overrides.json, which
`make lab` installs too: no news prompt), and a fresh virtual environment built from
the binder/ files alone runs every lesson and every solution.

Binder itself cannot be reached from CI. The fresh-environment test is the slow one (a
venv and ~100 pinned packages, from pip's cache and this machine's wheel mirrors), so
it runs once, in ``make test``, with a bounded time.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BINDER = ROOT / "binder"
LESSONS = ROOT / "lessons"
INSTALL_TIMEOUT_S = 900
LESSON_TIMEOUT_S = 300  # per notebook; the budget in the project's own kernel is 60 s


def _load_tool():
    spec = importlib.util.spec_from_file_location(
        "binder_requirements", ROOT / "tools" / "binder_requirements.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


tool = _load_tool()


def test_requirements_are_what_the_tool_makes_from_constraints():
    committed = (BINDER / "requirements.txt").read_text()
    assert committed == tool.requirements_text(), "run tools/binder_requirements.py"


def test_every_requirement_is_pinned_exactly_as_in_constraints():
    pinned = tool.pins(tool.binder_python())
    lines = [ln for ln in (BINDER / "requirements.txt").read_text().splitlines() if ln[:1] != "#"]
    names = [tool.canonical(line.split("==")[0]) for line in lines]
    assert lines and all("==" in line for line in lines)
    assert [pinned[n] for n in names] == lines
    assert {"jupyterlab", "ipywidgets", "ipympl", "matplotlib", "notebook"} <= set(names)
    assert not {"pytest", "ruff", "mypy", "simpy", "distributed"} & set(names)


def test_runtime_names_one_python_and_postbuild_adds_only_the_package_and_settings():
    assert tool.binder_python().count(".") == 1
    lines = (BINDER / "postBuild").read_text().splitlines()
    assert lines[0].startswith("#!") and lines[1].startswith("set -e")
    commands = [ln for ln in lines[1:] if ln.strip() and not ln.startswith("#")]
    assert commands[1] == "python -m pip install --no-cache-dir --no-deps -e ."
    assert all("pip" not in command for command in commands[2:])
    assert os.access(BINDER / "postBuild", os.X_OK)


def test_the_lab_settings_turn_the_news_prompt_off_in_jupyterlabs_own_terms():
    import jupyterlab

    shipped = json.loads((BINDER / "overrides.json").read_text())
    schemas = Path(jupyterlab.__file__).parent / "schemas"
    for plugin, values in shipped.items():
        package, _, name = plugin.partition(":")
        schema = json.loads((schemas / package / f"{name}.json").read_text())["properties"]
        for key, value in values.items():
            assert isinstance(value, {"boolean": bool, "string": str}[schema[key]["type"]])
            choices = schema[key].get("oneOf")
            assert choices is None or value in [choice["const"] for choice in choices]
    assert shipped["@jupyterlab/apputils-extension:notification"]["fetchNews"] == "false"


def test_postbuild_and_make_lab_put_the_settings_where_jupyterlab_reads_them(tmp_path):
    prefix = tmp_path / "prefix"
    stub = tmp_path / "bin" / "python"  # Binder's python: pip does nothing, sys.prefix is ours
    stub.parent.mkdir()
    stub.write_text(f'#!/bin/sh\nif [ "$1" = "-c" ]; then echo "{prefix}"; fi\n')
    stub.chmod(0o755)
    env = {**os.environ, "PATH": f"{stub.parent}:{os.environ['PATH']}"}
    subprocess.run(["bash", str(BINDER / "postBuild")], cwd=ROOT, env=env, check=True)
    where = Path("share/jupyter/lab/settings/overrides.json")  # under sys.prefix
    installed = prefix / where
    assert installed.read_text() == (BINDER / "overrides.json").read_text()
    dry_run = subprocess.run(
        ["make", "-n", "lab", "VENV=venv-x"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert f"cp binder/overrides.json venv-x/{where}" in dry_run


def _lessons() -> list[Path]:
    return sorted(LESSONS.glob("*.ipynb")) + sorted((LESSONS / "solutions").glob("*.ipynb"))


RUN_LESSONS = """
import sys
from pathlib import Path
import distsys_edu, nbformat
from nbclient import NotebookClient

assert Path(distsys_edu.__file__).is_relative_to(Path.cwd()), distsys_edu.__file__
for path in map(Path, sys.argv[1:]):
    nb = nbformat.read(path, as_version=4)
    probe = nbformat.v4.new_code_cell("import sys, distsys_edu; print(sys.prefix)")
    nb.cells.insert(0, probe)
    NotebookClient(nb, timeout=int({timeout}), kernel_name="python3",
                   resources={{"metadata": {{"path": str(path.parent)}}}}).execute()
    prefix = nb.cells[0].outputs[0]["text"].strip()
    assert prefix == sys.prefix, (path, prefix, sys.prefix)
    print("ran", path, flush=True)
"""


@pytest.mark.timeout(INSTALL_TIMEOUT_S + 60 * LESSON_TIMEOUT_S)
def test_a_fresh_binder_environment_runs_every_lesson(tmp_path):
    lessons = _lessons()
    if not lessons:
        pytest.skip("no lesson in lessons/ yet: nothing for Binder to run")
    version = tool.binder_python()
    python = shutil.which(f"python{version}")
    if python is None:
        reason = f"binder/runtime.txt asks for Python {version}, and python{version} is not here"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    # What Binder copies (the repository), without this checkout's venv or caches.
    repo = tmp_path / "repo"
    repo.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, repo / name)
    for name in ("binder", "distsys_edu", "lessons"):
        shutil.copytree(ROOT / name, repo / name, ignore=shutil.ignore_patterns("__pycache__"))
    venv = tmp_path / "venv"
    subprocess.run([python, "-m", "venv", str(venv)], check=True, timeout=120)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "DISTSYS_EDU_STRICT")}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env['PATH']}"
    env["VIRTUAL_ENV"] = str(venv)
    pip = [
        str(venv / "bin" / "python"),
        "-m",
        "pip",
        "install",
        "-q",
        "--disable-pip-version-check",
    ]
    subprocess.run(
        [*pip, "-r", "binder/requirements.txt"],
        cwd=repo,
        env=env,
        check=True,
        timeout=INSTALL_TIMEOUT_S,
    )
    subprocess.run(["bash", "binder/postBuild"], cwd=repo, env=env, check=True, timeout=300)
    paths = [str(p.relative_to(ROOT)) for p in lessons]
    ran = subprocess.run(
        [str(venv / "bin" / "python"), "-c", RUN_LESSONS.format(timeout=LESSON_TIMEOUT_S), *paths],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=LESSON_TIMEOUT_S * len(paths),
    )
    assert ran.returncode == 0, ran.stderr[-4000:]
    assert ran.stdout.split("\n")[:-1] == [f"ran {p}" for p in paths]
