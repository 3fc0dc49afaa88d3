"""Tests for distsys_edu.experiments.election_messages: one election's messages, counted exactly.

The formulas (``N`` nodes; derivations in the protocol modules' docstrings):

* Bully, the highest id initiates (best): Coordinator ``N - 1``; nothing else.
* Bully, the lowest id initiates (worst), or every node at once: Election
  ``N(N-1)/2`` + Answer ``N(N-1)/2`` + Coordinator ``N - 1`` = ``N^2 - 1``. Where the
  ids sit does not matter, only which one initiates.
* Ring, every node initiates: Election ``2N - 1`` ascending (best), ``N(N+1)/2``
  descending (worst), in between for a random layout; Elected always ``N``.
* Ring, one initiator: the maximum, ``N`` Elections; the lowest id, ``2N - 1``
  ascending (``3N - 1`` messages in all) and ``N + 1`` descending.
"""

from __future__ import annotations

import pytest
from determinism import run_python
from hypothesis import given, settings
from hypothesis import strategies as st

from distsys_edu import InvalidArgument
from distsys_edu.experiments.election_messages import ELECTION_MESSAGE_TYPES, election_messages

SIZES = range(1, 13)
ORDERS = ("ascending", "descending", "random")


def bully(election: int, answer: int, coordinator: int) -> dict[str, int]:
    return {
        "Election": election,
        "Answer": answer,
        "Coordinator": coordinator,
        "total": election + answer + coordinator,
    }


def ring(election: int, elected: int) -> dict[str, int]:
    return {"Election": election, "Elected": elected, "total": election + elected}


# -- Bully ---------------------------------------------------------------------------------


@pytest.mark.parametrize("order", ORDERS)
@pytest.mark.parametrize("n", SIZES)
def test_bully_best_case_highest_initiates(n: int, order: str) -> None:
    assert election_messages("bully", n, order=order, initiator="highest") == bully(0, 0, n - 1)


@pytest.mark.parametrize("initiator", ["lowest", "all"])
@pytest.mark.parametrize("order", ORDERS)
@pytest.mark.parametrize("n", SIZES)
def test_bully_worst_case_is_n_squared_minus_1(n: int, order: str, initiator: str) -> None:
    pairs = n * (n - 1) // 2
    result = election_messages("bully", n, order=order, initiator=initiator)
    assert result == bully(pairs, pairs, n - 1)
    assert result["total"] == n * n - 1


# -- ring ------------------------------------------------------------------------------------


@pytest.mark.parametrize("n", SIZES)
def test_ring_all_initiate_ascending_best_case(n: int) -> None:
    assert election_messages("ring", n, order="ascending") == ring(2 * n - 1, n)


@pytest.mark.parametrize("n", SIZES)
def test_ring_all_initiate_descending_worst_case(n: int) -> None:
    assert election_messages("ring", n, order="descending") == ring(n * (n + 1) // 2, n)


@pytest.mark.parametrize("order", ORDERS)
@pytest.mark.parametrize("n", SIZES)
def test_ring_the_maximum_alone(n: int, order: str) -> None:
    assert election_messages("ring", n, order=order, initiator="highest") == ring(n, n)


@pytest.mark.parametrize("n", SIZES)
def test_ring_the_lowest_alone_ascending_is_3n_minus_1(n: int) -> None:
    result = election_messages("ring", n, order="ascending", initiator="lowest")
    assert result == ring(2 * n - 1, n)
    assert result["total"] == 3 * n - 1


@pytest.mark.parametrize("n", range(2, 13))
def test_ring_the_lowest_alone_descending(n: int) -> None:
    assert election_messages("ring", n, order="descending", initiator="lowest") == ring(n + 1, n)


@settings(max_examples=30, deadline=None)
@given(n=st.integers(1, 15), seed=st.integers(0, 10_000))
def test_ring_random_layouts_fall_between_best_and_worst(n: int, seed: int) -> None:
    result = election_messages("ring", n, order="random", seed=seed)
    assert 2 * n - 1 <= result["Election"] <= n * (n + 1) // 2
    assert result["Elected"] == n


@settings(max_examples=20, deadline=None)
@given(n=st.integers(1, 12), seed=st.integers(0, 10_000))
def test_bully_random_layouts_cost_the_same(n: int, seed: int) -> None:
    pairs = n * (n - 1) // 2
    result = election_messages("bully", n, order="random", initiator="lowest", seed=seed)
    assert result == bully(pairs, pairs, n - 1)


# -- the result -------------------------------------------------------------------------------


@pytest.mark.parametrize("protocol", ["bully", "ring"])
def test_only_election_types_are_counted_and_in_a_fixed_order(protocol: str) -> None:
    result = election_messages(protocol, 5)
    assert list(result) == [*ELECTION_MESSAGE_TYPES[protocol], "total"]
    assert "Heartbeat" not in result
    assert result["total"] == sum(v for k, v in result.items() if k != "total")


def test_same_arguments_same_counts_in_any_process() -> None:
    here = election_messages("ring", 9, order="random", seed=4)
    code = (
        "from distsys_edu.experiments.election_messages import election_messages; "
        "print(election_messages('ring', 9, order='random', seed=4))"
    )
    for hashseed in ("0", "123"):
        assert run_python(code, hashseed=hashseed) == f"{here}\n"


def test_the_seed_matters_only_for_a_random_layout() -> None:
    assert election_messages("ring", 7, seed=1) == election_messages("ring", 7, seed=2)
    layouts = {election_messages("ring", 7, order="random", seed=s)["Election"] for s in range(8)}
    assert len(layouts) > 1


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        (("paxos", 5), {}, "protocol='paxos' is not allowed: must be one of bully, ring"),
        (("ring", 0), {}, "nodes=0 is not allowed: must be an int from 1 to 1,000,000,000"),
        (("ring", True), {}, "nodes=True is not allowed"),
        (("ring", "5"), {}, "nodes='5' is not allowed"),
        (("ring", 5), {"order": "sideways"}, "order='sideways' is not allowed: must be one of"),
        (("bully", 5), {"initiator": "middle"}, "initiator='middle' is not allowed"),
        (("bully", 5), {"initiator": None}, "initiator=None is not allowed"),
        (("bully", 5), {"seed": 1.5}, "seed=1.5 is not allowed: must be an int"),
    ],
)
def test_bad_input_names_parameter_value_and_what_is_allowed(
    args: tuple[object, ...], kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(InvalidArgument) as info:
        election_messages(*args, **kwargs)  # type: ignore[arg-type]
    assert str(info.value).startswith(message)


def test_the_old_path_that_lesson_04_imports_still_works() -> None:
    from distsys_edu.experiments import messages

    assert messages.election_messages is election_messages
