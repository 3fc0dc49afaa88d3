"""The HTML of an animation: an animated PNG that plays anywhere, and a player for a
page whose scripts run.

With no script (an untrusted notebook in JupyterLab, GitHub's notebook view, a
static page) the HTML is two images: the animated PNG, which every browser plays
in a loop (a viewer that knows only PNG shows its first frame), and the legend
beside it, drawn once. Where scripts run and the browser can decode the animated
PNG frame by frame (``ImageDecoder``), the script puts the frames on a canvas and
adds play, step and a slider, with each frame's virtual time. It builds those
buttons itself, so a page without scripts shows none that do nothing.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Sequence

from .frames import Movie

TEMPLATE = """<div id="{id}" class="distsys-edu-animation" style="font-family: sans-serif; \
font-size: 13px">
<div style="display: flex; flex-wrap: wrap; align-items: flex-start; gap: 8px">
<img class="distsys-edu-frames" src="data:image/png;base64,{movie}" width="{width}" \
height="{height}" style="max-width: 100%; height: auto" alt="{alt}">
<img class="distsys-edu-legend" src="data:image/png;base64,{legend}" width="{legend_width}" \
height="{legend_height}" alt="legend of the cluster picture">
</div>
<script>
(function () {{
  var root = document.getElementById("{id}");
  var still = root.querySelector("img.distsys-edu-frames");
  if (typeof ImageDecoder === "undefined") {{ return; }}  // the animated PNG plays alone
  var times = {times}, frameOf = {frame_of};
  var raw = atob(still.src.slice(still.src.indexOf(",") + 1));
  var bytes = new Uint8Array(raw.length);
  for (var k = 0; k < raw.length; k++) {{ bytes[k] = raw.charCodeAt(k); }}
  var decoder = new ImageDecoder({{data: bytes, type: "image/png"}});
  var canvas = document.createElement("canvas");
  canvas.width = {width}; canvas.height = {height};
  canvas.style.maxWidth = "100%";
  canvas.className = "distsys-edu-player";
  var context = canvas.getContext("2d");
  var bar = document.createElement("div");
  bar.innerHTML = '<button data-act="play">&#9654; play</button> ' +
    '<button data-act="back">&#9664;</button> <button data-act="next">&#9654;|</button> ' +
    '<input type="range" min="0" max="{last}" value="0" style="width: 50%"> <span></span>';
  var slider = bar.querySelector("input"), label = bar.querySelector("span");
  var play = bar.querySelector("[data-act=play]");
  var index = 0, timer = null, wanted = 0, busy = false;
  function paint() {{
    if (busy) {{ return; }}
    busy = true;
    var shown = wanted;
    decoder.decode({{frameIndex: frameOf[shown]}}).then(function (result) {{
      context.drawImage(result.image, 0, 0);
      result.image.close();
      busy = false;
      if (wanted !== shown) {{ paint(); }}
    }}, function () {{ busy = false; }});  // a frame it cannot decode: keep the last one
  }}
  function show(i) {{
    index = Math.max(0, Math.min(times.length - 1, i));
    wanted = index;
    slider.value = index;
    label.textContent = "frame " + (index + 1) + "/" + times.length +
      ", t = " + times[index].toFixed(3) + " s";
    paint();
  }}
  function stop() {{ clearInterval(timer); timer = null; play.innerHTML = "&#9654; play"; }}
  play.onclick = function () {{
    if (timer) {{ stop(); return; }}
    if (index === times.length - 1) {{ show(0); }}
    play.innerHTML = "&#10074;&#10074; pause";
    timer = setInterval(function () {{
      if (index >= times.length - 1) {{ stop(); }} else {{ show(index + 1); }}
    }}, {interval});
  }};
  bar.querySelector("[data-act=back]").onclick = function () {{ stop(); show(index - 1); }};
  bar.querySelector("[data-act=next]").onclick = function () {{ stop(); show(index + 1); }};
  slider.oninput = function () {{ stop(); show(parseInt(slider.value, 10)); }};
  decoder.tracks.ready.then(function () {{
    still.replaceWith(canvas);
    root.appendChild(bar);
    show(0);
  }}).catch(function () {{}});  // undecodable here: the animated PNG keeps playing
}})();
</script>
</div>"""


def player_html(
    movie: Movie, legend: bytes, legend_size: tuple[int, int], times: Sequence[float], fps: int
) -> str:
    """The HTML of ``movie`` (its frames shown at virtual ``times``, ``fps`` a second)
    with the ``legend`` PNG (``legend_size`` pixels) beside it.

    Each player's id is made from its frames, so several can share one notebook
    page, and the same frames always give the same HTML.
    """
    return TEMPLATE.format(
        id="distsys-edu-animation-" + hashlib.sha256(movie.png).hexdigest()[:12],
        movie=base64.b64encode(movie.png).decode("ascii"),
        width=movie.size[0],
        height=movie.size[1],
        alt=(
            f"cluster animation: {len(times)} frames from t = {times[0]:.3f} s "
            f"to t = {times[-1]:.3f} s, playing in a loop"
        ),
        legend=base64.b64encode(legend).decode("ascii"),
        legend_width=legend_size[0],
        legend_height=legend_size[1],
        last=len(times) - 1,
        times=json.dumps([round(t, 6) for t in times]),
        frame_of=json.dumps(list(movie.frame_of)),
        interval=round(1000 / fps),
    )
