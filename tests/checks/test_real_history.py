"""The Jepsen history shipped as package data: it loads from the installed package,
it is the file Porcupine ships, and our checker agrees with Porcupine's verdict."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from distsys_edu.checks import REAL_HISTORIES, linearizable, load_history, real_history
from distsys_edu.runtime import InvalidArgument

PORCUPINE = Path(__file__).parent / "data" / "porcupine"


@pytest.mark.parametrize("name", REAL_HISTORIES)
def test_the_shipped_history_is_porcupines_file_and_gets_its_verdict(name: str) -> None:
    shipped = real_history(name)
    copied = load_history(PORCUPINE / f"{name}.log")
    assert [op.describe() for op in shipped.ops] == [op.describe() for op in copied.ops]
    verdict = json.loads((PORCUPINE / "verdicts.json").read_text())[f"{name}.log"]
    assert linearizable(shipped, model="register").linearizable is verdict


def test_the_package_data_is_declared_for_installation() -> None:
    pyproject = (Path(__file__).parents[2] / "pyproject.toml").read_text()
    assert '"data/jepsen/*"' in pyproject
    here = Path(__file__).parents[2] / "distsys_edu" / "data" / "jepsen"
    assert {p.name for p in here.iterdir()} >= {"LICENSE.md", "README.md", "etcd_000.log"}


def test_an_unknown_name_is_refused_with_the_names_allowed() -> None:
    with pytest.raises(InvalidArgument, match=r"name='etcd_999'.*etcd_000"):
        real_history("etcd_999")
