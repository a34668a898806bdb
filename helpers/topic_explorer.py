"""A self-contained, offline topic explorer: one HTML fragment with its JavaScript inlined.

``explorer_html`` writes, in the manner of LDAvis (Sievert and Shirley 2014):

- a **topic map** (an inline SVG drawn here in Python: circles at the classical-MDS
  coordinates of the topics' Jensen-Shannon distances, area proportional to prevalence,
  stable topics filled, unstable ones hollow);
- **term bars** for the selected topic: the words of highest relevance
  ``lambda * log p(w|t) + (1 - lambda) * log(p(w|t) / p(w))``, with a slider for lambda
  (starting at ``lam``), each bar showing the word's estimated count in the topic over its
  count in the corpus;
- the topic's **posts**, each with its most topical passage.

Nothing is fetched: no external script, style sheet, font or image, and no ``http``
address anywhere in the fragment (the SVG is inline HTML, which needs no namespace URI).
The output depends only on its inputs (JSON with sorted keys, rounded numbers), so a rerun
gives the same bytes, as nbval's comparison of ``text/html`` requires.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from helpers.topic_metrics import relevance

__all__ = ["ExplorerPost", "ExplorerTopic", "candidate_terms", "explorer_html"]


@dataclass(frozen=True)
class ExplorerTopic:
    """One topic as the explorer shows it."""

    number: int
    label: str
    stable: bool
    stability: float
    prevalence: float
    x: float
    y: float


@dataclass(frozen=True)
class ExplorerPost:
    """One post of a topic: title, share of the topic, and its most topical passage."""

    topic: int
    title: str
    share: float
    passage: str


def candidate_terms(
    phi: np.ndarray,
    word_prob: np.ndarray,
    per_topic: int = 30,
    grid: Sequence[float] = tuple(i / 10 for i in range(11)),
) -> list[list[int]]:
    """Word indices worth sending to the page for each topic: the union over a lambda grid
    of the ``per_topic`` most relevant words (so the slider can re-rank them in the page)."""
    out = []
    for t in range(phi.shape[0]):
        chosen: set[int] = set()
        for lam in grid:
            rel = relevance(phi[t : t + 1], word_prob, lam)[0]
            chosen.update(int(j) for j in np.argsort(-rel, kind="stable")[:per_topic])
        out.append(sorted(chosen))
    return out


def _r(x: float, digits: int = 5) -> float:
    return float(round(float(x), digits))


def explorer_html(
    topics: Sequence[ExplorerTopic],
    phi: np.ndarray,
    word_prob: np.ndarray,
    topic_counts: np.ndarray,
    corpus_counts: np.ndarray,
    vocab: Sequence[str],
    posts: Sequence[ExplorerPost],
    lam: float = 0.6,
    n_terms: int = 10,
    element_id: str = "dcs-topic-explorer",
) -> str:
    """The explorer as one HTML fragment (a ``<div>`` with inline ``<style>``/``<script>``).

    ``phi`` (topics x words) and ``topics`` are in the same order; ``topic_counts[t, w]``
    is the estimated count of word ``w`` in topic ``t`` (``topic_metrics.allocate_counts``)
    and ``corpus_counts[w]`` its corpus count (for the bars); ``word_prob`` the corpus word
    distribution (for relevance).
    """
    phi = np.asarray(phi, dtype=float)
    if phi.shape[0] != len(topics):
        raise ValueError("explorer_html: phi and topics differ in length")
    if not 0 <= lam <= 1:
        raise ValueError("lambda must lie in [0, 1]")
    cands = candidate_terms(phi, word_prob)
    terms = []
    for t, words in enumerate(cands):
        rows = []
        for j in words:
            rows.append(
                [
                    vocab[j],
                    _r(np.log(max(phi[t, j], 1e-300)), 5),
                    _r(np.log(word_prob[j]), 5),
                    _r(topic_counts[t, j], 1),
                    _r(corpus_counts[j], 1),
                ]
            )
        terms.append(rows)
    payload = {
        "lambda": _r(lam, 2),
        "nTerms": int(n_terms),
        "topics": [
            {
                "n": t.number,
                "label": t.label,
                "stable": bool(t.stable),
                "stability": _r(t.stability, 3),
                "prevalence": _r(t.prevalence, 3),
            }
            for t in topics
        ],
        "terms": terms,
        "posts": [
            {"t": p.topic, "title": p.title, "share": _r(p.share, 2), "passage": p.passage}
            for p in posts
        ],
    }
    data = json.dumps(payload, sort_keys=True, ensure_ascii=True, separators=(",", ":"))
    data = data.replace("</", "<\\/")  # never close the script element early
    svg = _map_svg(topics, element_id)
    eid = html.escape(element_id)
    return _TEMPLATE.format(eid=eid, svg=svg, data=data)


def _map_svg(topics: Sequence[ExplorerTopic], eid: str) -> str:
    size, pad = 300, 40
    xs = np.array([t.x for t in topics])
    ys = np.array([t.y for t in topics])
    span = max(float(np.ptp(xs)), float(np.ptp(ys)), 1e-9)
    cx = (xs - (xs.min() + xs.max()) / 2) / span * (size - 2 * pad) + size / 2
    cy = size / 2 - (ys - (ys.min() + ys.max()) / 2) / span * (size - 2 * pad)
    top = max(t.prevalence for t in topics) or 1.0
    lo, mid, hi = pad / 2, size / 2, size - pad / 2
    parts = [
        f'<svg class="dcs-te-map" viewBox="0 0 {size} {size}" role="img" '
        f'aria-label="Topic map: classical MDS of Jensen-Shannon distances">',
        f'<line x1="{lo}" y1="{mid}" x2="{hi}" y2="{mid}" class="axis"/>',
        f'<line x1="{mid}" y1="{lo}" x2="{mid}" y2="{hi}" class="axis"/>',
    ]
    for t, x, y in zip(topics, cx, cy, strict=True):
        radius = 6 + 26 * np.sqrt(t.prevalence / top)
        cls = "stable" if t.stable else "unstable"
        title = html.escape(f"{t.number}: {t.label} (stability {t.stability:.2f})")
        parts.append(
            f'<g class="topic {cls}" data-topic="{t.number}" tabindex="0">'
            f"<title>{title}</title>"
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius:.1f}"/>'
            f'<text x="{x:.1f}" y="{y + 4:.1f}">{t.number}</text></g>'
        )
    parts.append("</svg>")
    return "".join(parts)


_TEMPLATE = """<div id="{eid}" class="dcs-te">
<style>
#{eid} {{ font-family: sans-serif; font-size: 13px; display: flex; flex-wrap: wrap; gap: 16px; }}
#{eid}, #{eid} * {{ box-sizing: border-box; }}
#{eid} {{ max-width: 100%; }}
#{eid} .dcs-te-left {{ flex: 0 1 300px; min-width: 0; max-width: 100%; }}
#{eid} .dcs-te-right {{ flex: 1 1 320px; min-width: 0; max-width: 100%; }}
#{eid} select {{ max-width: 100%; }}
#{eid} p {{ overflow-wrap: anywhere; }}
#{eid} .dcs-te-map {{ width: 100%; max-width: 300px; height: auto; }}
#{eid} .axis {{ stroke: #bbb; stroke-width: 1; }}
#{eid} g.topic {{ cursor: pointer; }}
#{eid} g.topic circle {{ stroke: #1f4e79; stroke-width: 2; fill-opacity: 0.55; }}
#{eid} g.stable circle {{ fill: #1f77b4; }}
#{eid} g.unstable circle {{ fill: #ffffff; stroke-dasharray: 4 3; }}
#{eid} g.selected circle {{ stroke: #d62728; stroke-width: 3; }}
#{eid} g.topic text {{ text-anchor: middle; font-weight: bold; pointer-events: none; }}
#{eid} .bar {{ display: flex; align-items: center; margin: 2px 0; }}
#{eid} .bar .w {{ width: 38%; max-width: 140px; overflow: hidden; text-overflow: ellipsis;
  white-space: nowrap; }}
#{eid} .bar .track {{ flex: 1; height: 12px; min-width: 0; }}
#{eid} .bar .total {{ display: block; background: #ddd; height: 12px; position: relative; }}
#{eid} .bar .fill {{ background: #d62728; height: 12px; position: absolute; left: 0; top: 0; }}
#{eid} .bar .n {{ width: 70px; text-align: right; font-size: 11px; color: #555; }}
#{eid} .post {{ margin: 6px 0; padding-left: 8px; border-left: 3px solid #1f77b4; }}
#{eid} .post p {{ margin: 2px 0; }}
#{eid} .note {{ color: #555; font-size: 12px; }}
</style>
<div class="dcs-te-left">
{svg}
<p class="note">Circles: topics placed by classical MDS of the Jensen-Shannon distances between
their word distributions; area: prevalence; filled: stable, dashed: unstable (not interpreted).
Click a topic.</p>
</div>
<div class="dcs-te-right">
<p><label>Topic <select class="dcs-te-topic"></select></label></p>
<p><label>relevance &lambda; = <span class="dcs-te-lamval"></span>
<input class="dcs-te-lam" type="range" min="0" max="1" step="0.05"/></label></p>
<p class="dcs-te-head"></p>
<div class="dcs-te-bars"></div>
<p class="note">Bar: the word's estimated count in the topic (red) over
its count in the corpus (grey). &lambda; = 1 ranks by probability in the topic, &lambda; = 0 by
lift.</p>
<div class="dcs-te-posts"></div>
</div>
<script>
(function () {{
  var root = document.getElementById("{eid}");
  if (!root || root.getAttribute("data-ready")) {{ return; }}
  root.setAttribute("data-ready", "1");
  var D = {data};
  var sel = root.querySelector(".dcs-te-topic");
  var lam = root.querySelector(".dcs-te-lam");
  var lamval = root.querySelector(".dcs-te-lamval");
  function esc(s) {{
    return String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }}
  D.topics.forEach(function (t, i) {{
    var o = document.createElement("option");
    o.value = String(i);
    o.textContent = t.n + ": " + t.label + (t.stable ? "" : " (unstable)");
    sel.appendChild(o);
  }});
  lam.value = String(D.lambda);
  function draw() {{
    var i = parseInt(sel.value, 10), l = parseFloat(lam.value), t = D.topics[i];
    lamval.textContent = l.toFixed(2);
    root.querySelectorAll("g.topic").forEach(function (g) {{
      g.classList.toggle("selected", g.getAttribute("data-topic") === String(t.n));
    }});
    root.querySelector(".dcs-te-head").innerHTML = "<b>Topic " + t.n + ": " + esc(t.label) +
      "</b> &middot; prevalence " + t.prevalence.toFixed(3) + " &middot; stability " +
      t.stability.toFixed(2) + (t.stable ? " (stable)" : " (unstable: not interpreted)");
    var rows = D.terms[i].map(function (r) {{
      return {{w: r[0], rel: l * r[1] + (1 - l) * (r[1] - r[2]), ft: r[3], fc: r[4]}};
    }});
    rows.sort(function (a, b) {{ return b.rel - a.rel || (a.w < b.w ? -1 : 1); }});
    rows = rows.slice(0, D.nTerms);
    var mx = Math.max.apply(null, rows.map(function (r) {{ return r.fc; }}));
    root.querySelector(".dcs-te-bars").innerHTML = rows.map(function (r) {{
      return '<div class="bar"><span class="w">' + esc(r.w) +
        '</span><span class="track"><span class="total" style="width:' +
        (100 * r.fc / mx).toFixed(1) + '%"><span class="fill" style="width:' +
        Math.min(100, 100 * r.ft / Math.max(r.fc, 1e-9)).toFixed(1) +
        '%"></span></span></span><span class="n">' +
        r.ft.toFixed(0) + " / " + r.fc.toFixed(0) + "</span></div>";
    }}).join("");
    root.querySelector(".dcs-te-posts").innerHTML = D.posts.filter(function (p) {{
      return p.t === t.n;
    }}).map(function (p) {{
      return '<div class="post"><p><b>' + esc(p.title) + "</b> (share " + p.share.toFixed(2) +
        ")</p><p>" + esc(p.passage) + "</p></div>";
    }}).join("");
  }}
  sel.addEventListener("change", draw);
  lam.addEventListener("input", draw);
  root.querySelectorAll("g.topic").forEach(function (g) {{
    function pick() {{
      var n = g.getAttribute("data-topic");
      D.topics.forEach(function (t, i) {{ if (String(t.n) === n) {{ sel.value = String(i); }} }});
      draw();
    }}
    g.addEventListener("click", pick);
    g.addEventListener("keydown", function (e) {{ if (e.key === "Enter") {{ pick(); }} }});
  }});
  draw();
}})();
</script>
</div>
"""
