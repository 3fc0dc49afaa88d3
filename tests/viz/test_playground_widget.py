"""The playground widget, driven in-process: buttons, clicks on nodes, play, the scrubber,
and errors that show in the widget instead of raising."""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.backend_bases import MouseEvent

from distsys_edu import Actor
from distsys_edu.viz.playground import Playground, PlaygroundModel
from distsys_edu.viz.playground.picture import Picture


def pixels(picture: Picture) -> np.ndarray:
    picture.figure.canvas.draw()
    return np.asarray(picture.figure.canvas.buffer_rgba()).copy()


def click_node(widget: Playground, node: str, lane: int = 0) -> None:
    view = widget.picture.views[lane]
    x, y = view.ax.transData.transform(view.pos[node])
    MouseEvent("button_press_event", widget.picture.canvas, x, y, button=1)._process()


def test_the_crash_button_crashes_the_chosen_node_and_records_it() -> None:
    widget = Playground("raft", nodes=5)
    widget.step.click()
    widget.node.value = "n3"
    assert widget.crash.description == "crash n3"
    before = pixels(widget.picture)
    widget.crash.click()
    assert widget.model.lanes[0].sim.status("n3") == "down"
    assert "n3 down" in widget.status.value
    assert '"0.05 crash n3",' in widget.snippet.value
    assert not np.array_equal(before, pixels(widget.picture))


def test_a_click_on_a_node_crashes_then_restarts_it_or_puts_it_on_a_side() -> None:
    widget = Playground("bully", nodes=4, versus="raft")
    widget.step.click()
    click_node(widget, "n2", lane=1)
    assert [lane.sim.status("n2") for lane in widget.model.lanes] == ["down", "down"]
    click_node(widget, "n2")
    assert [lane.sim.status("n2") for lane in widget.model.lanes] == ["up", "up"]
    widget.click_mode.value = "side A"
    click_node(widget, "n1")
    widget.click_mode.value = "side B"
    click_node(widget, "n4")
    click_node(widget, "n1")  # moves to side B
    assert (widget.side_a.value, widget.side_b.value) == ((), ("n1", "n4"))
    widget.side_a.value = ("n2", "n3")
    widget.cut.click()
    assert str(widget.model.schedule[-1]) == "0.05 partition n2,n3|n1,n4"


def test_play_advances_frames_and_the_scrubber_rewinds_to_the_same_picture() -> None:
    widget = Playground("raft", nodes=5, frame=0.1)
    for _ in range(5):
        widget.play.value += 1  # what the browser's Play widget does each tick
    assert widget.model.now == 0.5 and widget.clock.value == "<b>t = 0.500 s</b>"
    widget.node.value = "n1"
    widget.crash.click()
    widget.play.value += 1
    widget.play.value += 1
    widget.scrubber.value = 0.3
    fresh = Playground("raft", nodes=5, frame=0.1)
    for _ in range(3):
        fresh.next_frame()
    assert widget.model.now == 0.3
    assert np.array_equal(pixels(widget.picture), pixels(fresh.picture))
    widget.scrubber.value = 0.7
    assert widget.model.lanes[0].sim.status("n1") == "down"  # the recorded crash replays


def test_play_stops_at_the_violating_event_and_the_monitor_turns_red() -> None:
    widget = Playground("bully", nodes=5, frame=0.5)
    widget.next_frame()
    widget.side_a.value = ("n1", "n2", "n3")
    widget.side_b.value = ("n4", "n5")
    widget.cut.click()
    widget.next_frame()
    widget.heal.click()
    widget.play.playing = True
    for _ in range(12):
        if widget.play.playing:
            widget.play.value += 1
    (violation,) = widget.model.monitor()
    assert violation is not None and not widget.play.playing
    assert widget.model.now == violation.t  # the picture shows the moment it began
    assert (
        "#D55E00" in widget.monitor.value and "one_leader_among_reachable" in widget.monitor.value
    )
    assert "✗ one_leader_among_reachable" in widget.picture.views[0].title.get_text()


class Divides(Actor):
    def started(self, ctx: Any) -> None:
        ctx.run_later(0.01, self.tick)

    def tick(self, ctx: Any) -> None:
        ctx.annotate(ratio=1 / 0)


def test_errors_show_inside_the_widget_and_never_raise() -> None:
    widget = Playground(Divides, nodes=2)
    widget.step.click()
    assert "Your code raised:" in widget.message.value
    assert "ZeroDivisionError: division by zero -&gt; crashed" in widget.message.value
    widget.side_a.value, widget.side_b.value = (), ("n1",)
    widget.cut.click()
    assert "InvalidArgument: side_a=() is not allowed" in widget.message.value


def test_changing_the_setup_replays_and_rebuilds_the_picture() -> None:
    widget = Playground("raft", nodes=5)
    widget.step.click()
    widget.node.value = "n5"
    widget.crash.click()
    widget.size.value = 4
    assert widget.model.lanes[0].nodes == ["n1", "n2", "n3", "n4"]
    assert "dropped 0.05 crash n5" in widget.message.value
    assert widget.picture.views[0].nodes == ["n1", "n2", "n3", "n4"]
    widget.versus.value = "bully"
    assert [v.nodes for v in widget.picture.views] == [["n1", "n2", "n3", "n4"]] * 2
    (timing,) = widget.timing_box.children[:1]
    timing.value = (0.3, 0.6)
    assert widget.model.lanes[0].setup.options == {"election_timeout": (0.3, 0.6)}
    widget.loss.value = 0.2
    assert str(widget.model.schedule[-1]) == "0.05 loss 0.2"


def test_the_model_and_the_widget_share_one_model() -> None:
    widget = Playground("ring", nodes=3, seed=7)
    assert isinstance(widget.model, PlaygroundModel)
    assert widget.model.lanes[0].setup.seed == 7 and widget.seed.value == 7


def looks(view: Any) -> tuple[Any, ...]:
    """What a cluster view shows: node colours and marks, labels, links, beliefs,
    messages in flight, timers and the line of truth (not its title or its size)."""
    return (
        view.node_marks.get_facecolors().tolist(),
        [path.vertices.tolist() for path in view.status_marks.get_paths()],
        [label.get_text() for label in view.labels],
        {state: [s.tolist() for s in lines.get_segments()] for state, lines in view.links.items()},
        [(a.get_visible(), a.get_edgecolor()) for a in view.arrows],
        view.messages.get_offsets().tolist(),
        [path.vertices.round(6).tolist() for path in view.timer_arcs.get_paths()],
        view.caption.get_text(),
    )


def test_copy_as_code_ends_by_drawing_the_same_picture_and_the_widget_shows_its_digest() -> None:
    import matplotlib.pyplot as plt

    widget = Playground("raft", nodes=5, seed=2)
    for _ in range(8):
        widget.step.click()
    widget.node.value = "n2"
    widget.crash.click()
    widget.side_a.value, widget.side_b.value = ("n1", "n3"), ("n4", "n5")
    widget.cut.click()
    for _ in range(3):
        widget.step.click()
    code = widget.snippet.value
    assert code.rstrip().splitlines()[-1] == "sim_picture = draw_cluster(sim)"
    namespace: dict[str, Any] = {"__name__": "snippet"}
    exec(compile(code, "<snippet>", "exec"), namespace)
    try:
        assert looks(namespace["sim_picture"]) == looks(widget.picture.views[0])
    finally:
        plt.close("all")
    digest = namespace["sim"].trace.digest()
    assert widget.digest.value == ""  # the fold is closed: no hashing on every frame
    widget.code.selected_index = 0
    assert digest in widget.digest.value
    widget.play.playing = True
    assert digest not in widget.digest.value and "paused" in widget.digest.value
    widget.play.playing = False
    assert digest in widget.digest.value


def test_the_side_lists_have_a_row_per_node_and_the_pause_box_a_label() -> None:
    widget = Playground("raft", nodes=5)
    assert widget.side_a.rows == widget.side_b.rows == 5
    widget.size.value = 3
    assert widget.side_a.rows == widget.side_b.rows == 3
    assert widget.pause_for.description == "for (s)"
    assert widget.pause.description == "pause n1"


def test_the_picture_and_its_legend_read_at_the_size_shown() -> None:
    from readability import problems

    widget = Playground("raft", nodes=5, versus="bully")
    assert problems(widget.picture.legend) == []
    for _ in range(10):
        widget.step.click()
    widget.crash.click()
    for _ in range(4):
        widget.step.click()
    assert len(widget.picture._legend_types or ()) >= 3  # both lanes' message types
    assert problems(widget.picture.figure) == []
    assert problems(widget.picture.legend) == []  # each entry once, 9 px or more
