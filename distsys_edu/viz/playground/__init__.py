"""The playground: play, break, rewind and copy a run, live in a notebook.

:class:`PlaygroundModel` is the logic (plain Python, no widgets);
:class:`Playground` is the widget over it (ipywidgets, with an ipympl canvas so
that a click on a node acts on it).
"""

from .model import PlaygroundModel
from .setup import Setup
from .steps import StepModel
from .steps_widget import StepPlayground
from .widget import Playground

__all__ = ["Playground", "PlaygroundModel", "Setup", "StepModel", "StepPlayground"]
