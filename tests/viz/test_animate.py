"""Animation's text face."""

from __future__ import annotations


def test_the_text_face_is_short_so_a_notebook_stores_the_html_once() -> None:
    from distsys_edu import Sim
    from distsys_edu.protocols import spawn
    from distsys_edu.viz import animate

    sim = Sim(seed=1)
    spawn(sim, "raft", 3)
    sim.run(until=1.0)
    movie = animate(sim, 0.0, 1.0, fps=5)
    assert repr(movie) == f"<Animation: 6 frames, 0-1 s, {movie.size:,} bytes of HTML>"
    assert len(repr(movie)) < 100
