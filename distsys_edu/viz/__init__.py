"""Everything that draws: the story of a trace, the cluster picture, the timeline,
animations and the experiments' plots.

Viz reads traces and snapshots only; it changes a simulation only through the
Sim's public fault API, as a learner's code would. Colours and shapes come from
one palette (:mod:`.style`), so a role or a message type looks the same in every
picture.
"""

from .cluster import ClusterView, cluster_graph, draw_cluster, layout
from .playground import Playground, PlaygroundModel
from .story import Entry, MessageLeg, StatusSpan, Story, read_story

__all__ = [
    "ClusterView",
    "Entry",
    "MessageLeg",
    "Playground",
    "PlaygroundModel",
    "StatusSpan",
    "Story",
    "cluster_graph",
    "draw_cluster",
    "layout",
    "read_story",
]
