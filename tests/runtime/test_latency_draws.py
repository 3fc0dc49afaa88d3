"""Every latency draw is a finite number of seconds >= 0, for every accepted parameter.

Issue 6, item 4: ``LogNormal(0.005, 800)`` used to pass validation, then the draw
overflowed inside a send: the sender crashed in its own handler and a message was
counted in flight that existed nowhere.
"""

from __future__ import annotations

import math
import random
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from runtime_helpers import Ping

from distsys_edu.runtime import Actor, Constant, Context, InvalidArgument, LogNormal, Sim, Uniform
from distsys_edu.runtime.network import GAUSS_LIMIT


class ExtremeRng(random.Random):
    """A generator whose every normal draw is the most extreme ``random.gauss`` can give."""

    def __init__(self, sign: float) -> None:
        super().__init__(0)
        self.sign = sign

    def gauss(self, mu: float = 0.0, sigma: float = 1.0) -> float:
        return mu + self.sign * GAUSS_LIMIT * sigma


def test_gauss_limit_bounds_what_random_gauss_can_return() -> None:
    class SmallestUniform(random.Random):
        def random(self) -> float:
            return 1.0 - 2.0**-53  # the largest random() there is: 1 - U is smallest

    assert abs(SmallestUniform(0).gauss(0.0, 1.0)) <= GAUSS_LIMIT


def test_a_huge_sigma_is_refused_when_made() -> None:
    with pytest.raises(InvalidArgument, match=r"sigma=800 is not allowed: must be <= 8"):
        LogNormal(0.005, 800)
    with pytest.raises(InvalidArgument, match="sigma=100"):
        LogNormal(0.005, 100, maximum=1.0)  # a cap does not stop exp from overflowing
    with pytest.raises(InvalidArgument, match=r"sigma=3 is not allowed: .* median=1e\+300"):
        LogNormal(1e300, 3)  # without a cap, median * exp(3 * 8.57) is no float
    assert LogNormal(1e300, 1).sample(ExtremeRng(1)) < math.inf


class Sender(Actor):
    def started(self, ctx: Context) -> None:
        for n in range(50):
            ctx.addr("b").do_send(Ping(n))


class Sink(Actor):
    def on_ping(self, msg: Ping, ctx: Context) -> None:
        pass


def test_a_sim_with_the_widest_allowed_lognormal_never_fails_and_accounts_for_all() -> None:
    sim = Sim(seed=1)
    widest = (709.0 - math.log(1.0)) / GAUSS_LIMIT  # median 1 s, no cap
    sim.set_network(latency=LogNormal("1s", widest * 0.999))
    sim.spawn("a", Sender)
    sim.spawn("b", Sink)
    sim.run(until=1e9)
    assert sim.failures == []
    assert sim.sent == 50 == sim.delivered + sim.dropped + sim.in_flight
    sends = sim.trace.events("send")
    assert len(sends) == 50 and all(e.due is not None and math.isfinite(e.due) for e in sends)


times = st.floats(min_value=0, max_value=1e300, allow_nan=False)


@settings(max_examples=200, deadline=None)
@given(median=times, sigma=st.floats(0, 200), cap=st.none() | times, sign=st.sampled_from([-1, 1]))
def test_every_accepted_lognormal_draws_finite_seconds(
    median: float, sigma: float, cap: float | None, sign: float
) -> None:
    try:
        latency = LogNormal(median, sigma, math.inf if cap is None else cap)
    except InvalidArgument:
        return  # refused up front: the point of the fix
    for rng in (ExtremeRng(sign), random.Random(int(sigma * 1000))):
        draw = latency.sample(rng)
        assert math.isfinite(draw) and draw >= 0


@settings(max_examples=100, deadline=None)
@given(a=times, b=times)
def test_every_accepted_uniform_and_constant_draws_finite_seconds(a: float, b: float) -> None:
    models: list[Any] = [Constant(a), Uniform(min(a, b), max(a, b))]
    for model in models:
        for rng in (random.Random(0), ExtremeRng(1)):
            draw = model.sample(rng)
            assert math.isfinite(draw) and min(a, b) <= draw <= max(a, b)
