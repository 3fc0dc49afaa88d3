"""A small HTML and JavaScript player for frames of PNG images (no kernel needed)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence

TEMPLATE = """<div id="{id}" style="font-family: sans-serif; font-size: 13px">
<img style="max-width: 100%" alt="cluster animation">
<div>
<button data-act="play">&#9654; play</button>
<button data-act="back">&#9664;</button>
<button data-act="next">&#9654;|</button>
<input type="range" min="0" max="{last}" value="0" style="width: 50%">
<span></span>
</div>
<script>
(function () {{
  var root = document.getElementById("{id}");
  var frames = {frames};
  var times = {times};
  var img = root.querySelector("img"), slider = root.querySelector("input");
  var label = root.querySelector("span"), play = root.querySelector("[data-act=play]");
  var index = 0, timer = null;
  function show(i) {{
    index = Math.max(0, Math.min(frames.length - 1, i));
    img.src = "data:image/png;base64," + frames[index];
    slider.value = index;
    label.textContent = "frame " + (index + 1) + "/" + frames.length +
      ", t = " + times[index].toFixed(3) + " s";
  }}
  function stop() {{ clearInterval(timer); timer = null; play.innerHTML = "&#9654; play"; }}
  play.onclick = function () {{
    if (timer) {{ stop(); return; }}
    if (index === frames.length - 1) {{ show(0); }}
    play.innerHTML = "&#10074;&#10074; pause";
    timer = setInterval(function () {{
      if (index >= frames.length - 1) {{ stop(); }} else {{ show(index + 1); }}
    }}, {interval});
  }};
  root.querySelector("[data-act=back]").onclick = function () {{ stop(); show(index - 1); }};
  root.querySelector("[data-act=next]").onclick = function () {{ stop(); show(index + 1); }};
  slider.oninput = function () {{ stop(); show(parseInt(slider.value, 10)); }};
  show(0);
}})();
</script>
</div>"""


def player_html(frames: Sequence[str], times: Sequence[float], fps: int) -> str:
    """A player for ``frames`` (base64 PNGs) shown at ``times``, ``fps`` frames a second.

    Each player's id is made from its frames, so several can share one notebook
    page, and the same frames always give the same HTML.
    """
    data = json.dumps(list(frames))
    return TEMPLATE.format(
        id="distsys-edu-animation-" + hashlib.sha256(data.encode()).hexdigest()[:12],
        last=len(frames) - 1,
        frames=data,
        times=json.dumps([round(t, 6) for t in times]),
        interval=round(1000 / fps),
    )
