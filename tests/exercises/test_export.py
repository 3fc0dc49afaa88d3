"""distsys_edu.exercises.export: lessons as nbgrader and Otter source notebooks.

What the tools themselves do with the output is tested in tests/instructor/ (with the
instructor extra); here, with no tool installed: the merged answer cells keep the
stub's class for the learner and the worked answer for the grader, every exercise
gets one graded cell per scenario, and bad input is refused by name.
"""

from __future__ import annotations

import ast
import inspect
import json
import re
import textwrap

import pytest
from hypothesis import given
from hypothesis import strategies as st

from distsys_edu.cli import main
from distsys_edu.exercises import run_scenarios
from distsys_edu.exercises.export import LESSONS, export_lessons
from distsys_edu.exercises.export import nbgrader as nbgrader_format
from distsys_edu.exercises.export import otter as otter_format
from distsys_edu.exercises.export.lesson import AnswerCell, GradedCells, read_lesson
from distsys_edu.exercises.export.notebook import render, shares
from distsys_edu.exercises.export.regions import ExportError, merge_code
from distsys_edu.exercises.lesson_source import resolve, sources
from distsys_edu.exercises.result import NOT_ATTEMPTED, PASSED
from distsys_edu.exercises.runner import EXERCISES
from distsys_edu.runtime.errors import InvalidArgument

SOURCES = sources(LESSONS)
REGION = {"nbgrader": nbgrader_format.region, "otter": otter_format.region}


def handed_out(code: str, tool: str) -> str:
    """What each tool gives the learner, by its documented rule: nbgrader replaces a
    solution region by ``raise NotImplementedError()``; Otter drops a ``NO PROMPT``
    region and keeps what is between its prompt lines."""
    out, inside = [], False
    for line in code.splitlines():
        stripped = line.strip()
        if stripped in ("### BEGIN SOLUTION", "# BEGIN SOLUTION NO PROMPT"):
            inside = True
            if tool == "nbgrader":
                out.append(line[: len(line) - len(line.lstrip())] + "raise NotImplementedError()")
        elif stripped in ("### END SOLUTION", "# END SOLUTION"):
            inside = False
        elif not inside and not stripped.endswith(("# BEGIN PROMPT", "# END PROMPT")):
            out.append(line)
    return "\n".join(out)


def exercises():
    """Every exercise of every lesson: the lesson's import cell, its answer cell, and
    the name the learner's class or function has."""
    for source in SOURCES:
        items = read_lesson(source)
        imports = next(i for i in items if getattr(i, "kind", "") == "code").source
        graded = {i.exercise: i for i in items if isinstance(i, GradedCells)}
        for item in items:
            if isinstance(item, AnswerCell):
                name = graded[item.exercise].learner
                yield pytest.param(imports, item, name, id=f"{source.stem}-{item.exercise}")


@pytest.mark.parametrize("tool", ["nbgrader", "otter"])
@pytest.mark.parametrize(("imports", "answer", "name"), list(exercises()))
def test_the_learner_gets_the_stub_class_and_is_not_attempted(tool, imports, answer, name):
    scope: dict = {}
    exec(imports, scope)
    exec(handed_out(render(answer.pieces, REGION[tool]), tool), scope)
    learner = scope[name]  # defined: never a NameError in a graded cell
    result = EXERCISES[answer.exercise].check(learner, strict=False)
    assert result.status == NOT_ATTEMPTED, str(result)


def _functions(tree: ast.AST) -> dict[str, str]:
    """Every function's body without its docstring, by qualified name, as an AST dump."""
    found = {}

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                name = prefix + child.name
                body = child.body
                if isinstance(child, ast.ClassDef):
                    visit(child, name + ".")
                    continue
                if (
                    body
                    and isinstance(body[0], ast.Expr)
                    and isinstance(body[0].value, ast.Constant)
                ):
                    body = body[1:]
                found[name] = ast.dump(
                    ast.Module(body=[b for b in body if not _prompt(b)], type_ignores=[])
                )
            elif isinstance(child, ast.Try):
                visit(child, prefix)

    visit(tree, "")
    return found


def _prompt(node: ast.stmt) -> bool:
    """Otter's prompt: a string statement holding the stub's body."""
    return (
        isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and "# BEGIN PROMPT" in str(node.value.value)
    )


@pytest.mark.parametrize("tool", ["nbgrader", "otter"])
@pytest.mark.parametrize(("imports", "answer", "name"), list(exercises()))
def test_the_grader_version_is_the_worked_answer(tool, imports, answer, name):
    """Every function of the worked answer is in the source version, body for body."""
    worked: dict[str, str] = {}
    for ref in answer.worked:
        obj = resolve(*ref.split(":"))
        worked.update(_functions(ast.parse(textwrap.dedent(inspect.getsource(obj)))))
    merged = _functions(ast.parse(render(answer.pieces, REGION[tool])))
    assert worked and {k: v for k, v in merged.items() if k in worked} == worked
    assert set(worked) <= set(merged)


NAMES = st.lists(
    st.sampled_from(["alpha", "beta", "gamma", "delta", "on_ping", "started"]), unique=True
)


@given(stub_names=NAMES.filter(bool), extra_names=NAMES, constant=st.booleans())
def test_merging_any_class_keeps_the_stub_for_the_learner_and_the_answer_for_the_grader(
    stub_names, extra_names, constant
):
    """For any stub (methods that raise) and answer (the same methods and more, each
    returning its own number): the learner's class has exactly the stub's methods, each
    raising NotImplementedError; the grader's has every method of the answer."""
    extra_names = [n for n in extra_names if n not in stub_names]
    stub = "class K(object):\n    '''The stub.'''\n" + "".join(
        f"\n    def {n}(self):\n        '''Write {n}.'''\n"
        f"        raise NotImplementedError('{n}')\n"
        for n in stub_names
    )
    answer_names = [*extra_names, *reversed(stub_names)]
    answer = (
        "class K(object):\n"
        + ("    LIMIT = 99\n" if constant else "")
        + "".join(f"\n    def {n}(self):\n        return {i}\n" for i, n in enumerate(answer_names))
    )
    for tool in ("nbgrader", "otter"):
        code = render(merge_code(stub, answer), REGION[tool])
        grader: dict = {}
        exec(code, grader)
        for i, n in enumerate(answer_names):
            assert getattr(grader["K"](), n)() == i
        assert hasattr(grader["K"], "LIMIT") == constant
        learner: dict = {}
        exec(handed_out(code, tool), learner)
        own = {n for n in vars(learner["K"]) if not n.startswith("__")}
        assert own == set(stub_names)
        for n in stub_names:
            with pytest.raises(NotImplementedError):
                getattr(learner["K"](), n)()
        assert learner["K"].__doc__ == "The stub."


def test_a_stub_method_the_answer_lacks_is_refused():
    stub = "class K:\n    def a(self):\n        raise NotImplementedError\n"
    with pytest.raises(
        ExportError, match=r"K\.a: the stub has this method and the worked answer does not"
    ):
        merge_code(stub, "class K:\n    def b(self):\n        return 1\n")
    with pytest.raises(ExportError, match="must be the same class or function"):
        merge_code(stub, "class L:\n    def a(self):\n        return 1\n")
    with pytest.raises(ExportError, match="b: write its body on lines of its own"):
        merge_code("def b():\n    raise NotImplementedError\n", "def b(): return 1\n")
    with pytest.raises(ExportError, match="must be one class or function, not 2 statements"):
        merge_code(stub, "x = 1\ny = 2\n")


@given(points=st.floats(0, 100).map(lambda x: round(x, 2)), parts=st.integers(1, 12))
def test_the_shares_add_up_to_the_exercise_points(points, parts):
    split = shares(points, parts)
    assert len(split) == parts and round(sum(split), 6) == pytest.approx(points)
    assert all(s >= 0 for s in split) and max(split) - min(split) <= 0.01 + 1e-9


@pytest.mark.parametrize("tool", ["nbgrader", "otter"])
def test_every_lesson_has_one_graded_cell_per_scenario(tool, tmp_path):
    for path in export_lessons(tool, [], tmp_path):
        notebook = json.loads(path.read_text())
        sources_ = ["".join(c["source"]) for c in notebook["cells"]]
        graded = [s for s in sources_ if "graded_scenario(" in s]
        called = [
            (ast.literal_eval(node.args[0]), ast.literal_eval(node.args[2]))
            for s in graded
            for node in ast.walk(ast.parse(s))
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "graded_scenario"
        ]
        for exercise in {e for e, _ in called}:
            named = [s for e, s in called if e == exercise]
            assert named == [s.name for s in EXERCISES[exercise].scenarios], path.name
        assert len(called) == len(graded) > 0
        if tool == "nbgrader":
            points = [
                c["metadata"]["nbgrader"]["points"]
                for c in notebook["cells"]
                if c["metadata"].get("nbgrader", {}).get("grade")
            ]
            assert sum(points) == pytest.approx(len({e for e, _ in called}))


def test_run_scenarios_runs_only_those_named_and_refuses_an_unknown_one():
    from distsys_edu.exercises.solutions.ping_pong import Pinger

    result = run_scenarios("ping_pong", Pinger, ["30% loss"])
    assert [o.scenario for o in result.outcomes] == ["30% loss"] and result.status == PASSED
    with pytest.raises(
        InvalidArgument, match=r"scenario.*'no such'.*must be one of 'reliable network'"
    ):
        run_scenarios("ping_pong", Pinger, ["no such"])
    with pytest.raises(InvalidArgument, match=r"exercise.*'pingpong'.*must be one of"):
        run_scenarios("pingpong", Pinger, ["30% loss"])


def test_the_command_writes_each_lesson_and_refuses_bad_input(tmp_path, capsys):
    assert main(["export", "nbgrader", "00_start_here", "--out", str(tmp_path)]) == 0
    written = tmp_path / "source" / "00_start_here" / "00_start_here.ipynb"
    assert capsys.readouterr().out.split() == [str(written)]
    assert (
        main(
            [
                "export",
                "otter",
                "00_start_here",
                "--out",
                str(tmp_path),
                "--points",
                "same_seed=3,2",
            ]
        )
        == 0
    )
    tests = json.loads((tmp_path / "00_start_here.ipynb").read_text())["cells"]
    assert _points_by_exercise(tests) == {"same_seed": 3, "first_leader": 2}
    assert main(["export", "otter", "99_none", "--out", str(tmp_path)]) == 2
    assert "no lesson source 99_none" in capsys.readouterr().err
    assert main(["export", "moodle", "--out", str(tmp_path)]) == 2
    assert "invalid choice: 'moodle'" in capsys.readouterr().err
    assert main(["export", "otter", "--out", str(tmp_path), "--lessons", str(tmp_path / "x")]) == 2
    assert "lessons" in capsys.readouterr().err


def _points_by_exercise(cells: list[dict]) -> dict[str, float]:
    """Points of an Otter notebook's test cells, added up by exercise."""
    total: dict[str, float] = {}
    for cell in cells:
        text = "".join(cell["source"])
        found = re.search(r"points: ([\d.]+)", text), re.search(r"graded_scenario\('(\w+)'", text)
        if found[0] and found[1]:
            total[found[1][1]] = round(total.get(found[1][1], 0) + float(found[0][1]), 6)
    return total


def test_a_graded_cell_refuses_the_worked_answer_and_explains_a_failure():
    from distsys_edu.exercises.in_kernel import WorkedAnswerUsed, graded_scenario
    from distsys_edu.exercises.ping_pong import Pinger as Stub
    from distsys_edu.exercises.result import ExerciseFailed
    from distsys_edu.exercises.solutions.ping_pong import Pinger

    class Mine(Pinger):  # a subclass of the worked answer is the worked answer
        pass

    for worked in (Pinger, Mine):
        with pytest.raises(WorkedAnswerUsed, match="uses the worked answer for ping_pong"):
            graded_scenario("ping_pong", worked, "30% loss")
    with pytest.raises(ExerciseFailed, match=r"NOT ATTEMPTED(.|\n)*hint: write the parts"):
        graded_scenario("ping_pong", Stub, "30% loss")
    module = __import__("distsys_edu.exercises.solutions.ping_pong", fromlist=["Pinger"])
    scope = {**vars(module), "__name__": "learner"}  # the same code, written by the learner
    exec(textwrap.dedent(inspect.getsource(Pinger)), scope)
    assert graded_scenario("ping_pong", scope["Pinger"], "30% loss") is None
