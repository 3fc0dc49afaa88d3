"""draw_state_space: the searched states, violations marked, the shortest path bold."""

from __future__ import annotations

import dataclasses

import matplotlib
import pytest

from distsys_edu.checks import model_check
from distsys_edu.exercises.broken import spawn_broken
from distsys_edu.viz import draw_state_space
from distsys_edu.viz.style import WRONG

matplotlib.use("Agg")


def test_the_violation_and_its_path_are_marked() -> None:
    result = model_check(spawn_broken, 3, max_depth=6, max_term=1, progress=False)
    assert result.graph is not None
    assert len(result.graph.depth) == result.states
    assert len(result.graph.edges) == result.transitions
    fig = draw_state_space(result)
    ax = fig.axes[0]
    bold = [c for c in ax.collections if c.get_linewidth()[0] == pytest.approx(2.8)]
    assert len(bold) == 1 and len(bold[0].get_segments()) == len(result.violations[0].path)
    assert matplotlib.colors.to_hex(bold[0].get_edgecolor()[0]) == WRONG.lower()
    assert "one_leader_per_term broken in 6" in ax.get_title()


def test_a_search_too_large_to_draw_says_so() -> None:
    result = model_check(spawn_broken, 3, max_depth=2, progress=False)
    with pytest.raises(ValueError, match="too many transitions"):
        draw_state_space(dataclasses.replace(result, graph=None))
