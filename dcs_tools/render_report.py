"""Render the executed notebooks and the project's documentation to an offline HTML report.

Every ``notebooks/NN_*.ipynb`` (already executed: this script never runs a
notebook) becomes ``<out>/NN_*.html`` (full page, code included) and
``<out>/reader/NN_*.html`` (the reader view: no code, no cells tagged
``report-hide``). The codebook (``corpus/README.md``), the coding guide
(``data/validation/CODING_GUIDE.md``) and the notes beside the data
(``data/*.md``) become ``<out>/docs/*.html``. ``<out>/index.html`` lists the
notebooks (title, question, thumbnail of the key figure, links) and the documents.

What a page gets, beyond nbconvert's rendering (lab template):

- a consistent title ``NN · Title`` (the notebook's own ``# `` heading without its
  number), a table of contents built from its headings (a sidebar on wide
  screens, a folding list on phones), heading anchors, previous/next links;
- a readable measure for prose (about 75 characters a line), tables and
  preformatted text that scroll inside their box instead of widening the page;
- numbered figures: every code cell with an image output gets "Figure N." and,
  when the cell's metadata has ``"caption"``, that text under its image;
- sharp figures on high-density screens: when the notebook saved the same figure
  at a higher resolution in ``figures/NN_*.png`` (``helpers.style.save_figure``),
  that file replaces the inline image, shown at the inline image's size; a file
  is used only when it is the same picture (same aspect, pixels agree once scaled);
- a banner when papermill injected parameter values (cell tagged
  ``injected-parameters``), listing each value beside the notebook's default;
- searchable, sortable DataFrame tables with more than ``SEARCHABLE_MIN_ROWS``
  rows (itables' DataTables bundle, inlined in the page: nothing is fetched).

Outputs that are ``text/html`` keep their scripts (an explorer written as
self-contained HTML and JavaScript works in the page); outputs that need a
JavaScript runtime we do not ship (widgets, ``application/javascript``) are
replaced by a note.

The pages work with no network: nbconvert's lab template normally loads
require.js, MathJax and mermaid from a CDN; here those blocks are removed,
every image and style is inlined. After writing, every page is checked: the
script exits with an error if any page still references an http(s) resource
(script, stylesheet, image, frame, CSS ``url()``/``@import`` or JS ``import``).
Plain ``<a href="https://...">`` links in the text are allowed: they are
citations, not resources. A relative link to a repository file that is not part
of the report becomes plain text (a link to a rendered document or notebook is
pointed at its page).

Usage (from the repository root)::

    .venv/bin/python scripts/render_report.py            # full + reader, build/report/
    .venv/bin/python scripts/render_report.py --no-code  # reader version only
    .venv/bin/python scripts/render_report.py --out /tmp/report --notebooks-dir notebooks

The output is deterministic: rendering the same notebooks twice gives
byte-identical files.
"""

from __future__ import annotations

import argparse
import ast
import base64
import copy
import functools
import html
import io
import json
import posixpath
import re
import shutil
import sys
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import nbformat
from jinja2 import DictLoader
from nbconvert import HTMLExporter
from nbconvert.filters.markdown_mistune import markdown2html_mistune

from helpers.paths import BUILD_DIR, FIGURES_DIR, NOTEBOOKS_DIR

COLLECTION_TITLE = "DCS Voices"
NOTEBOOK_PATTERN = re.compile(r"^(\d{2})_[A-Za-z0-9_-]+\.ipynb$")
READER_DIR = "reader"
THUMBS_DIR = "thumbs"
DOCS_DIR = "docs"
HIDE_TAG = "report-hide"
INJECTED_TAG = "injected-parameters"
PARAMETERS_TAG = "parameters"
#: DataFrame tables with more body rows than this get search, sorting and paging.
SEARCHABLE_MIN_ROWS = 10

# The lab template minus everything fetched from a CDN, plus the page frame
# (top bar, contents, banner, previous/next). Widget views are removed from the
# outputs before rendering (see ``_offline_outputs``) so their static fallback
# (text/plain, text/html or image/png) is shown.
OFFLINE_TEMPLATE = """\
{%- extends 'index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block widget_state -%}{%- endblock widget_state -%}
{%- block html_head_css -%}
<style type="text/css">{{ resources.dcs_css }}</style>
{{ resources.dcs_head }}
{%- endblock html_head_css -%}
{%- block body_header -%}
<body class="jp-Notebook dcs-page dcs-{{ resources.dcs_variant }}" \
data-jp-theme-light="true" data-jp-theme-name="JupyterLab Light">
{{ resources.dcs_top }}
<div class="dcs-layout">
{{ resources.dcs_toc }}
<main class="dcs-main">
{{ resources.dcs_banner }}
{%- endblock body_header -%}
{%- block body_footer -%}
{{ resources.dcs_pager }}
</main>
</div>
{{ resources.dcs_tail }}
</body>
{%- endblock body_footer -%}
"""

# Output MIME types that need a JavaScript runtime we do not ship.
INTERACTIVE_MIMES = (
    "application/vnd.jupyter.widget-view+json",
    "application/javascript",
    "application/vnd.plotly.v1+json",
    "application/vnd.bokehjs_exec.v0+json",
    "application/vnd.bokehjs_load.v0+json",
)


class ReportError(RuntimeError):
    """Raised when a notebook cannot be rendered or a page is not offline-safe."""


@dataclass(frozen=True)
class NotebookEntry:
    """What the index needs to know about one notebook."""

    number: str
    stem: str
    title: str
    question: str
    thumbnail: bytes | None
    thumbnail_source: str
    parameters: tuple[tuple[str, str, str | None], ...] = ()


@dataclass(frozen=True)
class DocPage:
    """A Markdown document of the repository rendered as a report page."""

    source: str  # path relative to the project root, posix
    slug: str
    title: str


@dataclass
class PageLinks:
    """Navigation of one page: where the index is, previous and next pages, other version."""

    index: str
    prev: tuple[str, str] | None = None  # (href, title)
    next: tuple[str, str] | None = None
    other_version: tuple[str, str] | None = None  # (href, label)
    extra: list[tuple[str, str]] = field(default_factory=list)


# --------------------------------------------------------------------------- #
# Reading notebooks
# --------------------------------------------------------------------------- #


def find_notebooks(notebooks_dir: Path) -> list[Path]:
    """Return the numbered notebooks ``NN_name.ipynb`` in ``notebooks_dir``, sorted."""
    if not notebooks_dir.is_dir():
        raise ReportError(f"{notebooks_dir}: notebooks folder not found")
    found = sorted(p for p in notebooks_dir.glob("*.ipynb") if NOTEBOOK_PATTERN.match(p.name))
    if not found:
        raise ReportError(f"{notebooks_dir}: no numbered notebooks (NN_name.ipynb) to render")
    return found


def check_executed(nb: nbformat.NotebookNode, path: Path) -> None:
    """Fail if any code cell with source was never executed (the report would be empty)."""
    missing = [
        i
        for i, cell in enumerate(nb.cells)
        if cell.cell_type == "code" and cell.source.strip() and cell.get("execution_count") is None
    ]
    if missing:
        raise ReportError(
            f"{path}: code cells {missing} have no execution count; execute the notebook "
            "(make notebooks) before rendering the report"
        )


def _strip_markdown(text: str) -> str:
    """Reduce inline markdown to plain text (links keep their label)."""
    text = re.sub(r"!\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"(\*\*|__|`)", "", text)
    text = re.sub(r"(?<![\w*])[*_](?=\S)(.+?)(?<=\S)[*_](?![\w*])", r"\1", text)
    return " ".join(text.split())


def title_and_question(nb: nbformat.NotebookNode, path: Path) -> tuple[str, str]:
    """Take the title (first ``# `` heading) and the question from the first markdown cell.

    The question is the paragraph that starts with "Question" (``**Question:** ...``,
    ``Question: ...``) or the paragraph under a "## Question" heading; if neither
    exists, the first paragraph after the title.
    """
    md = next((c for c in nb.cells if c.cell_type == "markdown"), None)
    if md is None:
        raise ReportError(f"{path}: no markdown cell; the first cell must hold title and question")
    text = md.source
    heading = re.search(r"^#\s+(.+?)\s*#*\s*$", text, flags=re.MULTILINE)
    if heading is None:
        raise ReportError(f"{path}: first markdown cell has no '# Title' heading")
    title = _strip_markdown(heading.group(1))

    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    question = ""
    for i, para in enumerate(paragraphs):
        plain = _strip_markdown(para.lstrip("#> -").strip())
        if re.match(r"^#+\s*(research\s+)?questions?\s*$", para, flags=re.IGNORECASE):
            if i + 1 < len(paragraphs):
                question = _strip_markdown(paragraphs[i + 1])
            break
        m = re.match(r"^(research\s+)?questions?\s*[:.\u2014-]\s*(.+)$", plain, flags=re.I | re.S)
        if m:
            question = m.group(2).strip()
            break
    if not question:
        body = [p for p in paragraphs if not p.lstrip().startswith("#")]
        question = _strip_markdown(body[0]) if body else ""
    return title, question


def first_png(nb: nbformat.NotebookNode) -> bytes | None:
    """Return the notebook's key figure as PNG bytes, or None.

    The first ``image/png`` output of a cell tagged ``key-figure`` if there is
    one, else the first ``image/png`` output of the notebook.
    """
    tagged = [c for c in nb.cells if "key-figure" in c.get("metadata", {}).get("tags", [])]
    for cell in tagged + list(nb.cells):
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "image/png" in data:
                payload = data["image/png"]
                if isinstance(payload, list):
                    payload = "".join(payload)
                return base64.b64decode(payload)
    return None


def key_figure(
    nb: nbformat.NotebookNode, number: str, figures_dir: Path
) -> tuple[bytes | None, str]:
    """The thumbnail: the notebook's first output PNG, else the first ``figures/NN_*.png``."""
    png = first_png(nb)
    if png is not None:
        return png, "key figure in the notebook's outputs"
    candidates = sorted(figures_dir.glob(f"{number}_*.png")) if figures_dir.is_dir() else []
    if candidates:
        return candidates[0].read_bytes(), f"figures/{candidates[0].name}"
    return None, "no figure"


_LATEX = re.compile(r"\$\$.+?\$\$|(?<![\w$])\$[^$\s][^$\n]*?[^$\s\\]\$(?![\w$])", re.S)


def uses_latex(nb: nbformat.NotebookNode) -> bool:
    """Whether a markdown cell holds ``$...$`` or ``$$...$$`` math (not rendered offline)."""
    return any(c.cell_type == "markdown" and _LATEX.search(c.source) for c in nb.cells)


# --------------------------------------------------------------------------- #
# Rendering
# --------------------------------------------------------------------------- #


def _offline_outputs(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Copy of ``nb`` without outputs that need a JS runtime, and without widget state.

    A widget's text fallback is only its Python repr (``VBox(children=...``), which
    means nothing to a reader: it is replaced by a note naming the widget. An
    output left with no static view is replaced by a note too, so nothing
    disappears silently. Static views (text/html, image/png) are kept.
    """
    nb = copy.deepcopy(nb)
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for output in cell.get("outputs", []):
            data = output.get("data")
            if not data:
                continue
            dropped = [m for m in INTERACTIVE_MIMES if m in data]
            for mime in dropped:
                del data[mime]
            is_widget = "application/vnd.jupyter.widget-view+json" in dropped
            if is_widget and set(data) <= {"text/plain"}:
                repr_text = data.get("text/plain", "")
                if isinstance(repr_text, list):
                    repr_text = "".join(repr_text)
                kind = re.match(r"\w*", repr_text).group(0)
                data.clear()
                data["text/plain"] = (
                    f"[interactive {kind + ' ' if kind else ''}widget: it works when the "
                    "notebook is open in JupyterLab; this offline page cannot run it]"
                )
            elif dropped and not data:
                data["text/plain"] = (
                    "[interactive output not available in the offline report: "
                    + ", ".join(dropped)
                    + "]"
                )
    return nb


def display_title(number: str, title: str) -> str:
    """The page title ``NN · Title``: the notebook's heading without its own numbering.

    ``"02 Corpus overview"``, ``"02 · Corpus overview"`` and ``"Corpus overview"``
    all give ``"02 · Corpus overview"``.
    """
    rest = re.sub(rf"^\s*0*{int(number)}(?![\d,])\s*[·.:\u2014\u2013-]?\s*", "", title).strip()
    return f"{number} · {rest or title.strip()}"


def _set_first_heading(nb: nbformat.NotebookNode, title: str) -> None:
    """Replace the first ``# `` heading of the first markdown cell by ``title`` (in place)."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = re.sub(
                r"^#\s+.+?$", lambda _m: f"# {title}", cell.source, count=1, flags=re.MULTILINE
            )
            return


# --------------------------------------------------------------------------- #
# Parameters injected by papermill
# --------------------------------------------------------------------------- #


def _assignments(source: str) -> dict[str, str]:
    """``NAME = value`` lines of a cell as {name: value source}; other statements are ignored."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return {}
    found = {}
    for node in tree.body:
        if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name):
                    found[target.id] = ast.get_source_segment(source, node.value) or ""
    return found


def injected_parameters(nb: nbformat.NotebookNode) -> tuple[tuple[str, str, str | None], ...]:
    """(name, injected value, default value or None) for each value papermill injected.

    Read from the cell tagged ``injected-parameters`` (papermill) and the cell tagged
    ``parameters`` (the notebook's defaults). Empty when nothing was injected.
    """
    injected: dict[str, str] = {}
    defaults: dict[str, str] = {}
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        tags = cell.get("metadata", {}).get("tags", [])
        if INJECTED_TAG in tags:
            injected.update(_assignments(cell.source))
        elif PARAMETERS_TAG in tags:
            defaults.update(_assignments(cell.source))
    return tuple((name, value, defaults.get(name)) for name, value in injected.items())


def parameter_banner(params: tuple[tuple[str, str, str | None], ...]) -> str:
    """The banner at the top of a page run with injected parameters ('' when none)."""
    if not params:
        return ""
    rows = []
    for name, value, default in params:
        was = (
            f' <span class="dcs-default">(default <code>{html.escape(default)}</code>)</span>'
            if default is not None
            else ' <span class="dcs-default">(not a parameter of this notebook)</span>'
        )
        rows.append(f"<li><code>{html.escape(name)} = {html.escape(value)}</code>{was}</li>")
    return (
        '<aside class="dcs-params" role="note" aria-label="Parameters of this run">\n'
        "<p><strong>This page was run with other parameter values.</strong> "
        "They were injected in place of the notebook's defaults, so every number, figure "
        "and finding below describes this run:</p>\n"
        f"<ul>{''.join(rows)}</ul>\n</aside>"
    )


# --------------------------------------------------------------------------- #
# Preparing a notebook for the reader
# --------------------------------------------------------------------------- #


def _tags(cell: nbformat.NotebookNode) -> list[str]:
    return cell.get("metadata", {}).get("tags", [])


def drop_hidden_cells(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Copy of ``nb`` without the cells tagged ``report-hide`` (the reader view)."""
    nb = copy.deepcopy(nb)
    nb.cells = [c for c in nb.cells if HIDE_TAG not in _tags(c)]
    return nb


_IMAGE_MIMES = ("image/png", "image/jpeg", "image/svg+xml")


def number_figures(nb: nbformat.NotebookNode) -> int:
    """Add "Figure N. caption" under the images of every figure cell (in place).

    A figure cell is a code cell, not tagged ``report-hide``, with at least one image
    output; the caption text is the cell's metadata ``"caption"`` (optional). The
    caption is an extra ``text/html`` output, so the full and the reader view number
    the figures alike. A cell whose metadata has ``"label": "timeline"`` can be cited
    from Markdown as ``[](#fig-timeline)``, which the page shows as "Figure N" (see
    ``cross_references``). Returns the number of figures.
    """
    n = 0
    for cell in nb.cells:
        if cell.cell_type != "code" or HIDE_TAG in _tags(cell):
            continue
        if not any(m in o.get("data", {}) for o in cell.get("outputs", []) for m in _IMAGE_MIMES):
            continue
        n += 1
        caption = str(cell.get("metadata", {}).get("caption", "")).strip()
        text = f" {html.escape(caption)}" if caption else ""
        label = re.sub(r"[^A-Za-z0-9_-]+", "-", str(cell.get("metadata", {}).get("label", "")))
        ident = f"fig-{label.strip('-')}" if label.strip("-") else f"figure-{n}"
        cell.outputs.append(
            nbformat.from_dict(
                {
                    "output_type": "display_data",
                    "metadata": {},
                    "data": {
                        "text/html": f'<p class="dcs-caption" id="{ident}">'
                        f"<strong>Figure {n}.</strong>{text}</p>",
                        "text/plain": f"Figure {n}.{text}",
                    },
                }
            )
        )
    return n


def _png_payload(output: nbformat.NotebookNode) -> str | None:
    payload = output.get("data", {}).get("image/png")
    if isinstance(payload, list):
        payload = "".join(payload)
    return payload


def _same_picture(small, large) -> bool:
    """Whether ``large`` (PIL image) is ``small`` drawn at a higher resolution.

    Same aspect, 1.2-4 times the pixels, and once scaled down the two agree: the mean
    grey-level difference after a slight blur (which evens out anti-aliasing) is below
    6 of 255. Measured on the committed figures: the same figure differs by 1.5-4.3,
    any two different figures by more than 12.
    """
    from PIL import Image, ImageChops, ImageFilter, ImageStat

    (w, h), (big_w, big_h) = small.size, large.size
    scale = big_w / w
    if not 1.2 <= scale <= 4 or abs(big_h / h - scale) > 0.02 * scale:
        return False
    blur = ImageFilter.GaussianBlur(2)
    down = large.convert("L").resize((w, h), Image.Resampling.LANCZOS).filter(blur)
    diff = ImageStat.Stat(ImageChops.difference(down, small.convert("L").filter(blur))).mean[0]
    return diff < 6.0


def sharpen_figures(nb: nbformat.NotebookNode, candidates: list[Path]) -> int:
    """Swap inline PNGs for the same figure saved at a higher resolution (in place).

    ``candidates`` are the notebook's saved figures (``figures/NN_*.png``). The swapped
    image keeps the inline image's display size (``width``/``height`` metadata), so it
    is drawn with 1.5-2x the pixels: sharp on high-density screens. Returns how many
    images were swapped.
    """
    if not candidates:
        return 0
    from PIL import Image

    loaded = []
    for path in candidates:
        try:
            with Image.open(path) as im:
                im.load()
                loaded.append((path, im.copy()))
        except OSError:
            continue  # an unreadable figure file is simply not used
    swapped = 0
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            payload = _png_payload(output)
            if payload is None:
                continue
            small = Image.open(io.BytesIO(base64.b64decode(payload)))
            meta = output.setdefault("metadata", {}).setdefault("image/png", {})
            if "width" in meta:
                continue  # already sized by the notebook (e.g. a retina figure)
            for path, large in loaded:
                if _same_picture(small, large):
                    output.data["image/png"] = base64.b64encode(path.read_bytes()).decode()
                    meta["width"], meta["height"] = small.size
                    swapped += 1
                    break
    return swapped


# --------------------------------------------------------------------------- #
# Rendering
# --------------------------------------------------------------------------- #


def make_exporter(hide_code: bool) -> HTMLExporter:
    """An HTMLExporter on the lab template with every CDN reference removed."""
    exporter = HTMLExporter(
        extra_loaders=[DictLoader({"dcs_offline.html.j2": OFFLINE_TEMPLATE})],
        template_file="dcs_offline.html.j2",
    )
    exporter.template_name = "lab"
    exporter.mathjax_url = ""
    exporter.require_js_url = ""
    exporter.jquery_url = ""
    exporter.jupyter_widgets_base_url = ""
    exporter.widget_renderer_url = ""
    exporter.exclude_anchor_links = False
    exporter.embed_images = True
    if hide_code:
        exporter.exclude_input = True
        exporter.exclude_input_prompt = True
        exporter.exclude_output_prompt = True
    return exporter


_ENCODED_ID = re.compile(r'(id="|href="#)([^"]*%[0-9A-Fa-f]{2}[^"]*)"')


def decode_ids(page: str) -> str:
    """Percent-decode heading ids and the in-page links to them.

    nbconvert writes ``id="01-%C2%B7-Title"``; a browser looks up a fragment after
    decoding it, so such an id would never be found. Plain Unicode ids work everywhere.
    """
    return _ENCODED_ID.sub(
        lambda m: f'{m.group(1)}{html.escape(unquote(html.unescape(m.group(2))))}"', page
    )


_HEADING = re.compile(r'<h([1-3]) id="([^"]+)"[^>]*>(.*?)</h\1>', re.S)
_TAG = re.compile(r"<[^>]+>")


def headings(page: str) -> list[tuple[int, str, str]]:
    """(level, id, text) of the h1-h3 headings of a rendered page, in order."""
    found = []
    for level, ident, inner in _HEADING.findall(page):
        inner = re.sub(r'<a class="anchor-link".*?</a>', "", inner, flags=re.S)
        text = html.unescape(_TAG.sub("", inner)).strip()
        if text:
            found.append((int(level), ident, text))
    return found


def toc_html(page: str) -> str:
    """The page's contents (h2 and h3 headings) as a navigation list ('' if none)."""
    items = [(lvl, ident, text) for lvl, ident, text in headings(page) if lvl > 1]
    if not items:
        return ""
    lis = "".join(
        f'<li class="dcs-toc-h{lvl}"><a href="#{ident}">{html.escape(text)}</a></li>'
        for lvl, ident, text in items
    )
    return (
        '<nav class="dcs-toc" aria-label="Contents of this page"><details>'
        f"<summary>Contents</summary><ol>{lis}</ol></details></nav>"
    )


_LINK = re.compile(r'<a href="([^"#:]+(?:#[^"]*)?)"([^>]*)>(.*?)</a>', re.S)


def rewrite_links(page: str, page_dir: str, link_map: dict[str, str]) -> str:
    """Point relative links at report pages, or make them plain text.

    ``page_dir`` is the folder (posix, relative to the project root) the page's
    Markdown was written in; ``link_map`` maps a project file (posix path) to its
    page's href as seen from this page. A link to a file the report does not contain
    becomes ``<span class="dcs-path">``, so no link in the report is broken.
    """

    def repl(m: re.Match) -> str:
        target, rest, label = m.group(1), m.group(2), m.group(3)
        path, _, anchor = target.partition("#")
        if not path:
            return m.group(0)
        resolved = posixpath.normpath(posixpath.join(page_dir, html.unescape(path)))
        if resolved in link_map:
            href = link_map[resolved] + (f"#{anchor}" if anchor else "")
            return f'<a href="{html.escape(href)}"{rest}>{label}</a>'
        title = html.escape(f"{resolved} in the project repository")
        return f'<span class="dcs-path" title="{title}">{label}</span>'

    return _LINK.sub(repl, page)


_DF_TABLE = re.compile(r'<table (border="1" )?class="dataframe[^"]*"[^>]*>.*?</table>', re.S)


def mark_searchable_tables(page: str) -> tuple[str, int]:
    """Add the class ``dcs-searchable`` to DataFrame tables longer than the threshold."""
    count = 0

    def repl(m: re.Match) -> str:
        nonlocal count
        table = m.group(0)
        body = table.split("<tbody>", 1)[-1]
        if body.count("<tr") <= SEARCHABLE_MIN_ROWS:
            return table
        count += 1
        return table.replace('class="dataframe', 'class="dcs-searchable dataframe', 1)

    return _DF_TABLE.sub(repl, page), count


def _itables_assets() -> tuple[str, str]:
    """itables' offline DataTables bundle (JS module, CSS), from the installed package."""
    import itables

    folder = Path(itables.__file__).parent / "html"
    return (
        (folder / "dt_bundle.js").read_text(encoding="utf-8"),
        (folder / "dt_bundle.css").read_text(encoding="utf-8"),
    )


def searchable_tables_script() -> str:
    """Inline loader for itables' DataTables bundle and the call on ``table.dcs-searchable``.

    The bundle is an ES module; it is inlined as base64 and imported from a ``blob:``
    URL (as itables' own offline mode does), so nothing is fetched.
    """
    js, css = _itables_assets()
    js_b64 = base64.b64encode(js.encode()).decode()
    css_b64 = base64.b64encode(css.encode()).decode()
    return f"""<script type="module">
const css = document.createElement("style");
css.textContent = atob("{css_b64}");
document.head.appendChild(css);
const url = URL.createObjectURL(new Blob([atob("{js_b64}")], {{type: "application/javascript"}}));
const {{ ITable }} = await import(url);
URL.revokeObjectURL(url);
document.querySelectorAll("table.dcs-searchable").forEach((table) => {{
  const box = document.createElement("div");
  box.className = "dcs-table-box";
  table.parentNode.insertBefore(box, table);
  box.appendChild(table);
  new ITable(table, {{ pageLength: 10, lengthMenu: [10, 25, 50, 100], order: [],
    autoWidth: false, layout: {{ topStart: "search", topEnd: null,
    bottomStart: "info", bottomEnd: "paging" }} }});
}});
document.body.dataset.dcsTables = "ready";
</script>"""


def top_bar(links: PageLinks, page_title: str) -> str:
    """The bar at the top of every page: back to the index, other version."""
    parts = [f'<a href="{links.index}">&larr; {COLLECTION_TITLE}: contents</a>']
    if links.other_version:
        href, label = links.other_version
        parts.append(f'<a href="{href}">{html.escape(label)}</a>')
    return f'<header class="dcs-top"><nav aria-label="Report">{"".join(parts)}</nav></header>'


def pager(links: PageLinks) -> str:
    """Previous / next links at the foot of a page."""
    prev = (
        f'<a class="dcs-prev" rel="prev" href="{links.prev[0]}">'
        f"<span>Previous</span>{html.escape(links.prev[1])}</a>"
        if links.prev
        else "<span></span>"
    )
    nxt = (
        f'<a class="dcs-next" rel="next" href="{links.next[0]}">'
        f"<span>Next</span>{html.escape(links.next[1])}</a>"
        if links.next
        else "<span></span>"
    )
    return f'<nav class="dcs-pager" aria-label="Previous and next page">{prev}{nxt}</nav>'


PAGE_CSS = """
:root { --dcs-measure: 44rem; --dcs-accent: #1f5f8b; }
html { -webkit-text-size-adjust: 100%; }
body.dcs-page { margin: 0; padding: 0; background: #fff; }
.dcs-top { border-bottom: 1px solid #d6d6d6; background: #f7f7f7;
  font-family: var(--jp-ui-font-family); font-size: 0.9rem; }
.dcs-top nav { max-width: 80rem; margin: 0 auto; padding: 0.55rem 1rem;
  display: flex; flex-wrap: wrap; gap: 0.4rem 1.6rem; }
.dcs-layout { max-width: 80rem; margin: 0 auto; padding: 0 1rem 2rem 1rem;
  display: grid; grid-template-columns: minmax(0, 1fr); gap: 0 2.5rem; }
main.dcs-main { min-width: 0; }
.dcs-toc { font-family: var(--jp-ui-font-family); font-size: 0.88rem; margin: 0.8rem 0 0 0; }
.dcs-toc summary { cursor: pointer; font-weight: 600; padding: 0.3rem 0; }
.dcs-toc ol { list-style: none; padding: 0; margin: 0.3rem 0 0 0; }
.dcs-toc li { margin: 0.25rem 0; line-height: 1.3; }
.dcs-toc li.dcs-toc-h3 { padding-left: 1rem; font-size: 0.95em; }
.dcs-toc a { color: #333; text-decoration: none; }
.dcs-toc a:hover { color: var(--dcs-accent); text-decoration: underline; }
@media (min-width: 1100px) {
  .dcs-layout { grid-template-columns: 15rem minmax(0, 1fr); }
  .dcs-toc { position: sticky; top: 0; align-self: start; max-height: 100vh;
    overflow-y: auto; padding-top: 1.2rem; margin-top: 0; }
}
.jp-Notebook.dcs-page { padding: 0; }
.dcs-page .jp-Cell { padding: 0.3rem 0; }
.dcs-reader .jp-Cell { padding-left: 0; padding-right: 0; }
.dcs-page .jp-RenderedMarkdown, .dcs-page .jp-RenderedMarkdown p { max-width: var(--dcs-measure); }
.dcs-page .jp-RenderedHTMLCommon { font-size: 1rem; line-height: 1.6; overflow-wrap: break-word; }
.dcs-page .jp-RenderedMarkdown h1 { font-size: 1.9rem; line-height: 1.25; }
.dcs-page .jp-RenderedHTMLCommon h2 { margin-top: 1.6em; }
.dcs-page .anchor-link { visibility: hidden; text-decoration: none; margin-left: 0.3em;
  color: #999; }
.dcs-page h1:hover .anchor-link, .dcs-page h2:hover .anchor-link, .dcs-page h3:hover .anchor-link,
.dcs-page .anchor-link:focus { visibility: visible; }
.dcs-page .jp-OutputArea-output { max-width: 100%; overflow-x: auto; }
.dcs-page .jp-OutputArea-output pre { overflow-x: auto; max-width: 100%; white-space: pre;
  overflow-wrap: normal; word-break: normal; }
.dcs-page .jp-RenderedImage img { max-width: 100%; height: auto; }
.dcs-page .jp-InputArea-editor { overflow-x: auto; min-width: 0; }
.dcs-page .jp-InputArea, .dcs-page .jp-OutputArea-child { min-width: 0; max-width: 100%; }
.dcs-page table.dataframe { font-size: 0.88rem; }
.dcs-page table.dataframe th, .dcs-page table.dataframe td { overflow-wrap: normal;
  word-break: normal; hyphens: none; }
.dcs-page table.dataframe td, .dcs-page table.dataframe thead th { white-space: nowrap; }
.dcs-page table.dataframe.dataTable { width: auto !important; margin: 0; }
.dcs-page .dcs-table-box { max-width: 100%; overflow-x: auto; }
.dcs-page div.dt-container { max-width: 100%; font-size: 0.88rem; }
.dcs-page div.dt-container .dt-search input { max-width: 12rem; }
@media (max-width: 600px) {
  .dcs-page .jp-InputPrompt, .dcs-page .jp-OutputPrompt { display: none; }
  .dcs-page .jp-Cell-inputWrapper, .dcs-page .jp-OutputArea-child { flex-direction: column; }
}
p.dcs-caption { max-width: var(--dcs-measure); font-size: 0.92rem; color: #333;
  margin: 0.2rem 0 1rem 0; }
aside.dcs-params { border: 2px solid #b8860b; background: #fff8e1; border-radius: 4px;
  padding: 0.6rem 1rem; margin: 1rem 0; max-width: var(--dcs-measure);
  font-family: var(--jp-ui-font-family); font-size: 0.95rem; }
aside.dcs-params ul { margin: 0.3rem 0 0.2rem 0; padding-left: 1.2rem; }
aside.dcs-params code { overflow-wrap: anywhere; }
.dcs-default { color: #555; }
span.dcs-path { border-bottom: 1px dotted #888; }
nav.dcs-pager { display: flex; justify-content: space-between; gap: 1rem; flex-wrap: wrap;
  border-top: 1px solid #d6d6d6; margin-top: 2.5rem; padding-top: 1rem;
  font-family: var(--jp-ui-font-family); }
nav.dcs-pager a { display: flex; flex-direction: column; max-width: 22rem;
  text-decoration: none; color: var(--dcs-accent); }
nav.dcs-pager a span { font-size: 0.8rem; color: #666; }
nav.dcs-pager a.dcs-next { text-align: right; margin-left: auto; }
"""

TOC_OPENER = (
    "<script>(() => { const wide = window.matchMedia('(min-width: 1100px)'); "
    "const sync = () => document.querySelectorAll('.dcs-toc details')"
    ".forEach(d => { d.open = wide.matches; }); "
    "sync(); wide.addEventListener('change', sync); })();</script>"
)


_DEFAULT_ALT = 'alt="No description has been provided for this image"'
_CAPTION = re.compile(
    r'<p class="dcs-caption" id="[^"]+"><strong>(Figure \d+\.)</strong>(.*?)</p>', re.S
)
_FIG_LABEL = re.compile(r'<p class="dcs-caption" id="fig-([^"]+)"><strong>Figure (\d+)\.')
_FIG_REF = re.compile(r'<a href="#fig-([^"]+)"></a>')


def cross_references(page: str) -> str:
    """Fill each empty link ``[](#fig-label)`` with the number of the figure labelled so.

    A label no figure carries shows as "Figure ?" (and its link finds no element, which
    the browser test reports), never as a wrong number.
    """
    numbers = dict(_FIG_LABEL.findall(page))
    return _FIG_REF.sub(
        lambda m: (
            f'<a class="dcs-figref" href="#fig-{m.group(1)}">'
            f"Figure {numbers.get(m.group(1), '?')}</a>"
        ),
        page,
    )


def caption_alt_text(page: str) -> str:
    """Give each figure's images its caption as alt text (nbconvert's default says nothing)."""
    out, start = [], 0
    for m in _CAPTION.finditer(page):
        chunk = page[start : m.start()]
        alt = html.escape(f"{m.group(1)}{html.unescape(_TAG.sub('', m.group(2)))}".strip())
        out.append(chunk.replace(_DEFAULT_ALT, f'alt="{alt}"'))
        out.append(m.group(0))
        start = m.end()
    out.append(page[start:])
    return "".join(out)


def render_page(
    exporter: HTMLExporter,
    nb: nbformat.NotebookNode,
    title: str,
    nav_html: str | PageLinks = "",
    *,
    variant: str = "full",
    banner: str = "",
    page_dir: str = "notebooks",
    link_map: dict[str, str] | None = None,
) -> str:
    """Render one notebook to a full HTML document (the page frame included)."""
    nb = _offline_outputs(nb)
    nb.metadata["title"] = f"{title} · {COLLECTION_TITLE}"
    links = nav_html if isinstance(nav_html, PageLinks) else None
    resources = {
        "dcs_css": PAGE_CSS,
        "dcs_head": "",
        "dcs_variant": variant,
        "dcs_top": top_bar(links, title) if links else nav_html,
        "dcs_toc": "<!--DCS-TOC-->",
        "dcs_banner": banner,
        "dcs_pager": pager(links) if links else "",
        "dcs_tail": "<!--DCS-TAIL-->",
    }
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    body = cross_references(caption_alt_text(decode_ids(body)))
    body = rewrite_links(body, page_dir, link_map or {})
    body = body.replace("<!--DCS-TOC-->", toc_html(body), 1)
    body, n_searchable = mark_searchable_tables(body)
    tail = TOC_OPENER + (searchable_tables_script() if n_searchable else "")
    return body.replace("<!--DCS-TAIL-->", tail, 1)


# --------------------------------------------------------------------------- #
# Documents (codebook, coding guide, notes beside the data)
# --------------------------------------------------------------------------- #

#: Documents rendered as pages, in this order; each (glob, slug or None for the file stem).
DOC_SOURCES = (
    ("corpus/README.md", "codebook"),
    ("data/validation/CODING_GUIDE.md", "coding-guide"),
    ("data/*.md", None),
    ("data/validation/*.md", None),
)


def find_docs(root: Path) -> list[DocPage]:
    """The Markdown documents of the project at ``root`` that become report pages."""
    pages: list[DocPage] = []
    seen: set[str] = set()
    for pattern, slug in DOC_SOURCES:
        for path in sorted(root.glob(pattern)):
            rel = path.relative_to(root).as_posix()
            if rel in seen or not path.is_file():
                continue
            seen.add(rel)
            text = path.read_text(encoding="utf-8")
            heading = re.search(r"^#\s+(.+?)\s*#*\s*$", text, flags=re.MULTILINE)
            title = _strip_markdown(heading.group(1)) if heading else path.name
            name = slug or re.sub(r"[^a-z0-9]+", "-", path.stem.lower()).strip("-")
            pages.append(DocPage(rel, name, title))
    return pages


def _doc_shell(title: str, body: str, links: PageLinks, toc: str) -> str:
    """A document page in the same frame as the notebook pages."""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1.0">\n'
        f"<title>{html.escape(title)} · {COLLECTION_TITLE}</title>\n"
        f"<style>{DOC_CSS}{PAGE_CSS}</style>\n</head>\n"
        '<body class="dcs-page dcs-doc">\n'
        f"{top_bar(links, title)}\n"
        f'<div class="dcs-layout">\n{toc}\n<main class="dcs-main">\n'
        f'<article class="jp-RenderedHTMLCommon jp-RenderedMarkdown">\n{body}\n</article>\n'
        f"{pager(links)}\n</main>\n</div>\n{TOC_OPENER}\n</body>\n</html>\n"
    )


DOC_CSS = """
:root { --jp-ui-font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
body.dcs-doc { font-family: var(--jp-ui-font-family); color: #222; }
.dcs-doc article { max-width: var(--dcs-measure); line-height: 1.6; }
.dcs-doc article table { border-collapse: collapse; display: block; max-width: 100%;
  overflow-x: auto; font-size: 0.9rem; }
.dcs-doc article th, .dcs-doc article td { border: 1px solid #ccc; padding: 0.25rem 0.5rem;
  vertical-align: top; text-align: left; }
.dcs-doc article pre { overflow-x: auto; background: #f5f5f5; padding: 0.6rem; }
.dcs-doc article code { font-size: 0.9em; }
"""


def render_doc(root: Path, doc: DocPage, links: PageLinks, link_map: dict[str, str]) -> str:
    """Render one Markdown document of the project as a report page."""
    text = (root / doc.source).read_text(encoding="utf-8")
    body = decode_ids(markdown2html_mistune(text))
    body = rewrite_links(body, posixpath.dirname(doc.source), link_map)
    return _doc_shell(doc.title, body, links, toc_html(body))


# --------------------------------------------------------------------------- #
# Search
# --------------------------------------------------------------------------- #

_SECTION_SPLIT = re.compile(r'(?=<h[1-3] id=")')
_DROP_BLOCKS = re.compile(r"<(script|style|nav|header|aside)\b.*?</\1>", re.S | re.I)
#: Characters of text kept per section in the search index.
SEARCH_TEXT_CHARS = 20000


def search_sections(page: str, href: str, page_title: str) -> list[dict[str, str]]:
    """The sections (one per h1-h3 heading) of a rendered page, as search index entries."""
    main = page.split('<main class="dcs-main">', 1)[-1].split("</main>", 1)[0]
    main = _DROP_BLOCKS.sub(" ", main)
    entries = []
    for chunk in _SECTION_SPLIT.split(main):
        m = _HEADING.match(chunk)
        if m is None:
            continue
        level, ident, _inner = m.groups()
        title = next((t for _lvl, i, t in headings(m.group(0)) if i == ident), "")
        body = html.unescape(_TAG.sub(" ", chunk[m.end() :]))
        text = " ".join(body.split())[:SEARCH_TEXT_CHARS]
        entries.append(
            {"page": page_title, "section": title, "href": f"{href}#{ident}", "text": text}
        )
    return entries


SEARCH_SCRIPT = """<script>
(() => {
  const index = JSON.parse(document.getElementById("dcs-search-index").textContent);
  const box = document.getElementById("dcs-search"), list = document.getElementById("dcs-hits");
  const esc = (s) => s.replace(/[&<>"]/g, (c) => ({"&": "&amp;", "<": "&lt;", ">": "&gt;",
    '"': "&quot;"})[c]);
  box.addEventListener("input", () => {
    const words = box.value.toLowerCase().split(/\\s+/).filter((w) => w.length > 1);
    if (!words.length) { list.innerHTML = ""; return; }
    const hits = index.filter((e) => {
      const hay = (e.section + " " + e.text).toLowerCase();
      return words.every((w) => hay.includes(w));
    });
    list.innerHTML = hits.slice(0, 30).map((e) => {
      const at = e.text.toLowerCase().indexOf(words[0]);
      const snip = at < 0 ? e.text.slice(0, 160) : e.text.slice(Math.max(0, at - 60), at + 100);
      return `<li><a href="${esc(e.href)}">${esc(e.page)} \u203a ${esc(e.section)}</a>` +
        `<br><small>${esc(snip)}</small></li>`;
    }).join("") || "<li>No section contains all these words.</li>";
    list.dataset.hits = String(hits.length);
  });
})();
</script>"""


def search_box(entries: list[dict[str, str]]) -> str:
    """The index's search over every section of the reader pages and documents."""
    data = json.dumps(entries, ensure_ascii=False, sort_keys=True).replace("</", "<\\/")
    return (
        '<section class="search"><h2>Search the report</h2>\n'
        '<input type="search" id="dcs-search" placeholder="Words to find, e.g. foster carers" '
        'aria-label="Search every section of the report">\n<ol id="dcs-hits"></ol>\n'
        f'<script type="application/json" id="dcs-search-index">{data}</script>\n'
        f"{SEARCH_SCRIPT}</section>\n"
    )


# --------------------------------------------------------------------------- #
# Index
# --------------------------------------------------------------------------- #

INDEX_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 2em auto;
  max-width: 60em; padding: 0 1em; color: #222; line-height: 1.45; overflow-wrap: break-word; }
h1 { margin-bottom: 0.2em; }
p.lead { color: #555; margin-top: 0; max-width: 44rem; }
ol.notebooks { list-style: none; padding: 0; }
ol.notebooks li { display: flex; gap: 1.2em; padding: 1em 0; border-top: 1px solid #ddd; }
ol.notebooks li > div { min-width: 0; }
ol.notebooks img, ol.notebooks .nofig { width: 240px; max-width: 100%; flex: none;
  border: 1px solid #ddd; object-fit: contain; background: #fff; height: auto; }
ol.notebooks .nofig { height: 135px; display: flex; align-items: center;
  justify-content: center; color: #888; }
ol.notebooks h2 { font-size: 1.1em; margin: 0 0 0.3em 0; }
ol.notebooks p { margin: 0.2em 0; }
.links a { margin-right: 1.2em; display: inline-block; }
.params { color: #7a5a00; font-size: 0.92em; }
ul.docs { padding-left: 1.2em; }
section.search input { width: 100%; max-width: 30rem; font-size: 1rem; padding: 0.4em;
  box-sizing: border-box; }
#dcs-hits { padding-left: 1.2em; }
#dcs-hits li { margin: 0.5em 0; }
#dcs-hits small { color: #555; }
ul.docs li { margin: 0.3em 0; }
@media (max-width: 640px) {
  ol.notebooks li { flex-direction: column; gap: 0.6em; }
  ol.notebooks img, ol.notebooks .nofig { width: 100%; }
}
"""


def render_index(
    entries: list[NotebookEntry],
    variants: tuple[str, ...],
    docs: list[DocPage] = (),
    search: list[dict[str, str]] | None = None,
) -> str:
    """The collection's index page: title, one entry per notebook, the documents, links."""
    items = []
    for e in entries:
        if e.thumbnail is not None:
            thumb = (
                f'<img src="{THUMBS_DIR}/{e.stem}.png" '
                f'alt="Key figure of notebook {e.number} ({html.escape(e.thumbnail_source)})">'
            )
        else:
            thumb = '<div class="nofig">no figure</div>'
        links = []
        if READER_DIR in variants:
            links.append(
                f'<a class="reader" href="{READER_DIR}/{e.stem}.html">Read (without code)</a>'
            )
        if "full" in variants:
            links.append(f'<a class="full" href="{e.stem}.html">Full notebook (with code)</a>')
        main_href = f"{READER_DIR}/{e.stem}.html" if READER_DIR in variants else f"{e.stem}.html"
        params = ""
        if e.parameters:
            shown = ", ".join(f"{n} = {v}" for n, v, _ in e.parameters)
            params = (
                f'    <p class="params">Run with other parameter values: {html.escape(shown)}</p>\n'
            )
        items.append(
            "<li>\n"
            f"  {thumb}\n"
            "  <div>\n"
            f'    <h2><a href="{main_href}">{html.escape(e.title)}</a></h2>\n'
            f'    <p class="question"><strong>Question:</strong> {html.escape(e.question)}</p>\n'
            f"{params}"
            f'    <p class="links">{" ".join(links)}</p>\n'
            "  </div>\n"
            "</li>"
        )
    doc_html = ""
    if docs:
        doc_items = "\n".join(
            f'<li><a href="{DOCS_DIR}/{d.slug}.html">{html.escape(d.title)}</a> '
            f"<small>({html.escape(d.source)})</small></li>"
            for d in docs
        )
        doc_html = (
            "<h2>Documentation</h2>\n<p>The codebook of the corpus, the coding guide of the "
            f'hand-coded samples and the notes beside the data.</p>\n<ul class="docs">\n'
            f"{doc_items}\n</ul>\n"
        )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1.0">\n'
        f"<title>{COLLECTION_TITLE}</title>\n<style>{INDEX_CSS}</style>\n</head>\n<body>\n"
        f"<h1>{COLLECTION_TITLE}</h1>\n"
        "<p class=\"lead\">What England's directors of children's services write in public: "
        "the ADCS blog, CYP Now columns and commentary, read as a series of research "
        "notebooks. Each page opens offline in any browser; the reader version hides the "
        "Python code.</p>\n"
        + (search_box(search) if search else "")
        + '<ol class="notebooks">\n'
        + "\n".join(items)
        + "\n</ol>\n"
        + doc_html
        + "</body>\n</html>\n"
    )


# --------------------------------------------------------------------------- #
# Tables printed as text
# --------------------------------------------------------------------------- #

_CELL_VALUE = re.compile(
    r"^[-+]?(\d[\d,]*(\.\d*)?|\.\d+)(e[-+]?\d+)?%?$|^(nan|<na>|nat|none|true|false)$", re.I
)


def text_tables(text: str, min_rows: int = 3) -> list[str]:
    """Blocks of ``text`` that are a table printed as text (``print(df)``, ``to_string()``).

    A table row is a line that splits, on runs of two or more spaces, into at least two
    fields of which at least one is a number (or NaN, True, ...); ``min_rows``
    consecutive rows make a table. Aligned prose such as a keyword-in-context line or
    a ``key: value`` summary does not count. Used by the browser test: a reader page
    must show its tables as HTML.
    """
    found: list[str] = []
    run: list[str] = []

    def flush() -> None:
        if len(run) >= min_rows:
            found.append("\n".join(run))
        run.clear()

    for line in text.splitlines():
        fields = [f for f in re.split(r"\s{2,}", line.strip()) if f]
        if len(fields) >= 2 and any(_CELL_VALUE.match(f) for f in fields):
            run.append(line)
        else:
            flush()
    flush()
    return found


# --------------------------------------------------------------------------- #
# Offline check
# --------------------------------------------------------------------------- #

_REMOTE = re.compile(r"^\s*(https?:)?//", re.IGNORECASE)
_RESOURCE_ATTRS = {
    "script": ("src",),
    "link": ("href",),
    "img": ("src", "srcset"),
    "iframe": ("src",),
    "frame": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "source": ("src", "srcset"),
    "video": ("src", "poster"),
    "audio": ("src",),
    "track": ("src",),
    "input": ("src",),
}
_CSS_REMOTE = re.compile(r"""(url\(\s*['"]?\s*(https?:)?//|@import\s+['"]?(https?:)?//)""", re.I)
_JS_REMOTE = re.compile(
    r"""(import\s*\(\s*['"](https?:)?//|from\s+['"](https?:)?//|fetch\s*\(\s*['"](https?:)?//)""",
    re.I,
)


class _ResourceFinder(HTMLParser):
    """Collect every remote resource a page would load."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.remote: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name in _RESOURCE_ATTRS.get(tag, ()) and any(
                _REMOTE.match(v) for v in value.split(",")
            ):
                self.remote.append(f"<{tag} {name}={value!r}>")
            if name == "style" and _CSS_REMOTE.search(value):
                self.remote.append(f"<{tag} style=...{_CSS_REMOTE.search(value).group(0)}...>")
        self._in = tag if tag in ("style", "script") else None

    def handle_endtag(self, tag: str) -> None:
        self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "style":
            self.remote.extend(f"CSS {m.group(0)}" for m in _CSS_REMOTE.finditer(data))
        elif self._in == "script":
            self.remote.extend(f"JS {m.group(0)}" for m in _JS_REMOTE.finditer(data))


def remote_resources(page: str) -> list[str]:
    """Every http(s) or protocol-relative resource the HTML ``page`` would fetch."""
    finder = _ResourceFinder()
    finder.feed(page)
    finder.close()
    return finder.remote


def check_offline(out_dir: Path) -> list[str]:
    """Problems (file: resource) over every HTML page under ``out_dir``."""
    problems = []
    for page in sorted(out_dir.rglob("*.html")):
        for res in remote_resources(page.read_text(encoding="utf-8")):
            problems.append(f"{page}: {res}")
    return problems


# --------------------------------------------------------------------------- #
# Main
# --------------------------------------------------------------------------- #


def _clean(out_dir: Path) -> None:
    """Remove earlier pages and thumbnails (not screenshots) so no stale page survives."""
    for page in out_dir.glob("*.html"):
        page.unlink()
    for sub in (READER_DIR, THUMBS_DIR, DOCS_DIR):
        if (out_dir / sub).is_dir():
            shutil.rmtree(out_dir / sub)


def _href(from_dir: str, target: str) -> str:
    """Relative href from a page in ``from_dir`` ('' or 'reader' or 'docs') to ``target``."""
    return posixpath.relpath(target, from_dir or ".")


def _link_map(
    from_dir: str, notebooks: list[Path], docs: list[DocPage], variants: tuple[str, ...]
) -> dict[str, str]:
    """Project file (posix) -> href of its page, as seen from a page in ``from_dir``."""
    mapping = {}
    nb_dir = READER_DIR if READER_DIR in variants else ""
    for path in notebooks:
        mapping[f"notebooks/{path.name}"] = _href(
            from_dir, posixpath.join(nb_dir, f"{path.stem}.html")
        )
    for doc in docs:
        mapping[doc.source] = _href(from_dir, f"{DOCS_DIR}/{doc.slug}.html")
    mapping["README.md"] = _href(from_dir, "index.html")
    return mapping


def _page_links(
    i: int, stems: list[str], titles: list[str], variant: str, variants: tuple[str, ...]
) -> PageLinks:
    """Navigation of notebook ``i`` in ``variant``."""
    here = READER_DIR if variant == READER_DIR else ""
    links = PageLinks(index=_href(here, "index.html"))
    if i > 0:
        links.prev = (f"{stems[i - 1]}.html", titles[i - 1])
    if i + 1 < len(stems):
        links.next = (f"{stems[i + 1]}.html", titles[i + 1])
    if variant == "full" and READER_DIR in variants:
        links.other_version = (f"{READER_DIR}/{stems[i]}.html", "Version without code")
    if variant == READER_DIR and "full" in variants:
        links.other_version = (f"../{stems[i]}.html", "Version with code")
    return links


@functools.cache
def _exporter(hide_code: bool) -> HTMLExporter:
    """One exporter per variant and process (reused across notebooks, as before)."""
    return make_exporter(hide_code=hide_code)


@dataclass
class _NotebookJob:
    """What rendering one notebook's pages needs (picklable, for a worker process)."""

    i: int
    path: Path
    nb: nbformat.NotebookNode
    number: str
    title: str
    question: str
    stems: list[str]
    titles: list[str]
    notebooks: list[Path]
    docs: list[DocPage]
    variants: tuple[str, ...]
    out_dir: Path
    figures_dir: Path
    root: Path


def _render_notebook(job: _NotebookJob) -> tuple[NotebookEntry, list[dict[str, str]], list[str]]:
    """Render one notebook in every variant and write its pages and thumbnail; returns its
    index entry, its search sections and the lines to print."""
    path, nb, number, title, variants = job.path, job.nb, job.number, job.title, job.variants
    out_dir, figures_dir, root = job.out_dir, job.figures_dir, job.root
    search_variant = READER_DIR if READER_DIR in variants else "full"
    lines: list[str] = []
    search: list[dict[str, str]] = []
    thumb, thumb_source = key_figure(nb, number, figures_dir)
    if uses_latex(nb):
        lines.append(
            f"  warning: {path.name} has LaTeX math ($...$) in markdown; MathJax is not "
            "shipped, so it shows as source text in the offline report"
        )
    params = injected_parameters(nb)
    entry = NotebookEntry(number, path.stem, title, job.question, thumb, thumb_source, params)
    prepared = copy.deepcopy(nb)
    _set_first_heading(prepared, title)
    figures = sorted(figures_dir.glob(f"{number}_*.png")) if figures_dir.is_dir() else []
    n_sharp = sharpen_figures(prepared, figures)
    n_figures = number_figures(prepared)
    written = []
    for variant in variants:
        sub = READER_DIR if variant == READER_DIR else ""
        target_dir = out_dir / sub
        target_dir.mkdir(parents=True, exist_ok=True)
        page_nb = drop_hidden_cells(prepared) if variant == READER_DIR else prepared
        page = render_page(
            _exporter(variant == READER_DIR),
            page_nb,
            title,
            _page_links(job.i - 1, job.stems, job.titles, variant, variants),
            variant=variant,
            banner=parameter_banner(params),
            page_dir=path.parent.relative_to(root).as_posix()
            if path.parent.is_relative_to(root)
            else "notebooks",
            link_map=_link_map(sub, job.notebooks, job.docs, variants),
        )
        target = target_dir / f"{path.stem}.html"
        target.write_text(page, encoding="utf-8")
        if variant == search_variant:
            search.extend(
                search_sections(page, f"{sub + '/' if sub else ''}{path.stem}.html", title)
            )
        written.append(f"{target.relative_to(out_dir)} ({len(page.encode()) // 1024} kB)")
    if thumb is not None:
        (out_dir / THUMBS_DIR).mkdir(exist_ok=True)
        (out_dir / THUMBS_DIR / f"{path.stem}.png").write_bytes(thumb)
    lines.append(
        f"[{job.i}/{len(job.stems)}] {path.name}: {', '.join(written)}; {n_figures} figures "
        f"({n_sharp} at high resolution); thumbnail: {thumb_source}"
        + (f"; injected parameters: {len(params)}" if params else "")
    )
    return entry, search, lines


def build_report(
    notebooks_dir: Path,
    out_dir: Path,
    figures_dir: Path,
    variants: tuple[str, ...],
    docs_root: Path | None = None,
    processes: int = 2,
) -> list[NotebookEntry]:
    """Render every numbered notebook in ``variants`` ("full", "reader"), the documents
    found under ``docs_root`` (default: the notebooks folder's parent) and the index.
    Notebooks are rendered in ``processes`` worker processes (the pages do not depend on
    it; 1: in this process)."""
    notebooks = find_notebooks(notebooks_dir)
    root = docs_root if docs_root is not None else notebooks_dir.parent
    docs = find_docs(root)
    out_dir.mkdir(parents=True, exist_ok=True)
    _clean(out_dir)
    loaded = []
    for path in notebooks:
        nb = nbformat.read(path, as_version=4)
        check_executed(nb, path)
        number = NOTEBOOK_PATTERN.match(path.name).group(1)
        raw_title, question = title_and_question(nb, path)
        loaded.append((path, nb, number, display_title(number, raw_title), question))
    stems = [p.stem for p, *_ in loaded]
    titles = [t for *_, t, _q in loaded]
    entries = []
    search: list[dict[str, str]] = []
    jobs = [
        _NotebookJob(i, path, nb, number, title, question, stems, titles, notebooks, docs,
                     variants, out_dir, figures_dir, root)
        for i, (path, nb, number, title, question) in enumerate(loaded, start=1)
    ]  # fmt: skip
    import threading

    # worker processes are forked; where other Python threads run (a test worker), forking
    # could copy a held lock, so the notebooks are rendered in this process instead
    if processes > 1 and len(jobs) > 1 and threading.active_count() == 1:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=processes, mp_context=context) as pool:
            rendered = list(pool.map(_render_notebook, jobs))
    else:
        rendered = [_render_notebook(job) for job in jobs]
    for entry, sections, lines in rendered:  # in notebook order, whatever ran first
        entries.append(entry)
        search.extend(sections)
        for line in lines:
            print(line, flush=True)
    for j, doc in enumerate(docs):
        links = PageLinks(index="../index.html")
        if j > 0:
            links.prev = (f"{docs[j - 1].slug}.html", docs[j - 1].title)
        if j + 1 < len(docs):
            links.next = (f"{docs[j + 1].slug}.html", docs[j + 1].title)
        (out_dir / DOCS_DIR).mkdir(exist_ok=True)
        page = render_doc(root, doc, links, _link_map(DOCS_DIR, notebooks, docs, variants))
        (out_dir / DOCS_DIR / f"{doc.slug}.html").write_text(page, encoding="utf-8")
        search.extend(search_sections(page, f"{DOCS_DIR}/{doc.slug}.html", doc.title))
    if docs:
        print(f"documents: {len(docs)} pages in {out_dir / DOCS_DIR}", flush=True)
    (out_dir / "index.html").write_text(
        render_index(entries, variants, docs, search), encoding="utf-8"
    )
    print(f"index: {out_dir / 'index.html'} ({len(entries)} notebooks)", flush=True)
    return entries


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; returns the process exit code."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--notebooks-dir", type=Path, default=NOTEBOOKS_DIR)
    parser.add_argument("--figures-dir", type=Path, default=FIGURES_DIR)
    parser.add_argument(
        "--docs-root",
        type=Path,
        default=None,
        help="project root whose corpus/README.md and data/**/*.md become pages "
        "(default: the notebooks folder's parent)",
    )
    parser.add_argument("--out", type=Path, default=BUILD_DIR / "report")
    parser.add_argument(
        "--no-code",
        action="store_true",
        help="render only the code-free reader version (into OUT/reader/)",
    )
    args = parser.parse_args(argv)
    variants = (READER_DIR,) if args.no_code else ("full", READER_DIR)
    try:
        build_report(args.notebooks_dir, args.out, args.figures_dir, variants, args.docs_root)
    except ReportError as err:
        print(f"render_report: ERROR: {err}", file=sys.stderr)
        return 1
    problems = check_offline(args.out)
    if problems:
        print(
            "render_report: ERROR: pages reference network resources and would not "
            "display offline:\n  " + "\n  ".join(problems),
            file=sys.stderr,
        )
        return 1
    print(f"offline check: no page under {args.out} references an http(s) resource", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
