"""Sphinx settings for the course website (``make site``, ``tools/build_site.py``).

Sphinx reads a staged copy of the lessons and docs that ``tools/build_site.py`` makes
(``site/_build/src``), with this folder as its configuration directory (``-c site``).
Nothing is executed: every lesson page shows the outputs committed in its notebook.
No page asks another host for anything: the theme is alabaster with no badge or
GitHub button, and MathJax and the ipywidgets scripts (which come from CDNs) are off.
"""

from __future__ import annotations

project = "distsys_edu"
author = "distsys_edu developers"
copyright = "distsys_edu developers"

# githubpages writes .nojekyll, so GitHub Pages serves the _static/ and _images/ folders.
extensions = ["myst_nb", "sphinx.ext.githubpages"]
exclude_patterns = ["_build"]
templates_path: list[str] = []

# The lessons' outputs as committed: the notebooks are never run here.
nb_execution_mode = "off"
# An exercise box's result is text/html (and text/plain), rendered as is.
# Widgets (the playground, progress bars) need a kernel; their embedding scripts would
# come from cdnjs and jsdelivr, so none are added and a widget shows nothing.
nb_ipywidgets_js: dict[str, dict[str, str]] = {}

# Headings get anchors, so links such as runtime.md#crashes resolve.
myst_heading_anchors = 3

html_theme = "alabaster"
html_title = "distsys_edu: fault-tolerant distributed systems, hands on"
html_theme_options = {"show_powered_by": False, "page_width": "1180px"}
html_show_sourcelink = False
html_copy_source = False
# No page uses math; should one, MathJax must be shipped locally, not fetched.
mathjax_path = "mathjax-not-shipped.js"
