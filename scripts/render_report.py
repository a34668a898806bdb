"""Render the executed notebooks to a standalone, offline HTML report.

Every ``notebooks/NN_*.ipynb`` (already executed: this script never runs a
notebook) becomes ``<out>/NN_*.html`` (full page, code included) and
``<out>/reader/NN_*.html`` (code cells hidden, for readers who do not read
Python). ``<out>/index.html`` lists the notebooks with their title, their
question (from the first markdown cell), a thumbnail of the key figure (the
first PNG output of a cell tagged ``key-figure``, else the notebook's first PNG
output, else the first ``figures/NN_*.png``) and links to both versions.

The pages work with no network: nbconvert's lab template normally loads
require.js, MathJax and mermaid from a CDN; here those blocks are removed,
every output image is inlined as base64 by nbconvert, and the CSS is inlined.
After writing, every page is checked: the script exits with an error if any
page still references an http(s) resource (script, stylesheet, image, frame,
CSS ``url()``/``@import`` or JS ``import``). Plain ``<a href="https://...">``
links in the text are allowed: they are citations, not resources.

Usage (from the repository root)::

    .venv/bin/python scripts/render_report.py            # full + reader, build/report/
    .venv/bin/python scripts/render_report.py --no-code  # reader version only
    .venv/bin/python scripts/render_report.py --out /tmp/report --notebooks-dir notebooks

The output is deterministic: rendering the same notebooks twice gives
byte-identical files.
"""

from __future__ import annotations

import argparse
import base64
import copy
import html
import re
import shutil
import sys
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

import nbformat  # noqa: E402
from jinja2 import DictLoader  # noqa: E402
from nbconvert import HTMLExporter  # noqa: E402

from helpers.paths import BUILD_DIR, FIGURES_DIR, NOTEBOOKS_DIR  # noqa: E402

COLLECTION_TITLE = "DCS Voices"
NOTEBOOK_PATTERN = re.compile(r"^(\d{2})_[A-Za-z0-9_-]+\.ipynb$")
READER_DIR = "reader"
THUMBS_DIR = "thumbs"

# The lab template minus everything fetched from a CDN. Widget views are
# removed from the outputs before rendering (see ``_offline_outputs``) so
# their static fallback (text/plain, text/html or image/png) is shown.
OFFLINE_TEMPLATE = """\
{%- extends 'index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block widget_state -%}{%- endblock widget_state -%}
{%- block html_head_css -%}
<style type="text/css">
nav.dcs-nav { font-family: var(--jp-ui-font-family); font-size: 0.9em;
  padding: 0.5em 1em; border-bottom: 1px solid #ccc; margin-bottom: 1em; }
nav.dcs-nav a { margin-right: 1.5em; }
</style>
{%- endblock html_head_css -%}
{%- block body_header -%}
{{ super() }}
<nav class="dcs-nav">{{ resources.dcs_nav }}</nav>
{%- endblock body_header -%}
"""

# Output MIME types that need a JavaScript runtime we do not ship.
INTERACTIVE_MIMES = (
    "application/vnd.jupyter.widget-view+json",
    "application/javascript",
    "application/vnd.plotly.v1+json",
    "application/vnd.bokehjs_exec.v0+json",
    "application/vnd.bokehjs_load.v0+json",
)


@dataclass(frozen=True)
class NotebookEntry:
    """What the index needs to know about one notebook."""

    number: str
    stem: str
    title: str
    question: str
    thumbnail: bytes | None
    thumbnail_source: str


class ReportError(RuntimeError):
    """Raised when a notebook cannot be rendered or a page is not offline-safe."""


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
    exporter.exclude_anchor_links = True
    exporter.embed_images = True
    if hide_code:
        exporter.exclude_input = True
        exporter.exclude_input_prompt = True
        exporter.exclude_output_prompt = True
    return exporter


def render_page(
    exporter: HTMLExporter, nb: nbformat.NotebookNode, title: str, nav_html: str
) -> str:
    """Render one notebook to a full HTML document."""
    nb = _offline_outputs(nb)
    nb.metadata["title"] = title
    body, _ = exporter.from_notebook_node(nb, resources={"dcs_nav": nav_html})
    return body


def _nav(entry_stem: str, variant: str, variants: tuple[str, ...]) -> str:
    """Navigation line at the top of a page: back to the index, switch version."""
    up = "../" if variant == READER_DIR else ""
    parts = [f'<a href="{up}index.html">&larr; {COLLECTION_TITLE}: all notebooks</a>']
    if variant == "full" and READER_DIR in variants:
        parts.append(f'<a href="{READER_DIR}/{entry_stem}.html">Version without code</a>')
    if variant == READER_DIR and "full" in variants:
        parts.append(f'<a href="../{entry_stem}.html">Version with code</a>')
    return "".join(parts)


# --------------------------------------------------------------------------- #
# Index
# --------------------------------------------------------------------------- #

INDEX_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 2em auto;
  max-width: 60em; padding: 0 1em; color: #222; line-height: 1.45; }
h1 { margin-bottom: 0.2em; }
p.lead { color: #555; margin-top: 0; }
ol.notebooks { list-style: none; padding: 0; }
ol.notebooks li { display: flex; gap: 1.2em; padding: 1em 0; border-top: 1px solid #ddd; }
ol.notebooks img, ol.notebooks .nofig { width: 240px; flex: none; border: 1px solid #ddd;
  object-fit: contain; background: #fff; }
ol.notebooks .nofig { height: 135px; display: flex; align-items: center;
  justify-content: center; color: #888; }
ol.notebooks h2 { font-size: 1.1em; margin: 0 0 0.3em 0; }
ol.notebooks p { margin: 0.2em 0; }
.links a { margin-right: 1.2em; }
"""


def render_index(entries: list[NotebookEntry], variants: tuple[str, ...]) -> str:
    """The collection's index page: title, one entry per notebook, links."""
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
        if "full" in variants:
            links.append(f'<a class="full" href="{e.stem}.html">Full notebook (with code)</a>')
        if READER_DIR in variants:
            links.append(
                f'<a class="reader" href="{READER_DIR}/{e.stem}.html">Reader version (no code)</a>'
            )
        main_href = f"{e.stem}.html" if "full" in variants else f"{READER_DIR}/{e.stem}.html"
        items.append(
            "<li>\n"
            f"  {thumb}\n"
            "  <div>\n"
            f'    <h2><a href="{main_href}">{html.escape(e.title)}</a></h2>\n'
            f'    <p class="question"><strong>Question:</strong> {html.escape(e.question)}</p>\n'
            f'    <p class="links">{" ".join(links)}</p>\n'
            "  </div>\n"
            "</li>"
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
        '<ol class="notebooks">\n' + "\n".join(items) + "\n</ol>\n</body>\n</html>\n"
    )


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
_JS_REMOTE = re.compile(r"""(import\s*\(\s*['"](https?:)?//|from\s+['"](https?:)?//)""", re.I)


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
    for sub in (READER_DIR, THUMBS_DIR):
        if (out_dir / sub).is_dir():
            shutil.rmtree(out_dir / sub)


def build_report(
    notebooks_dir: Path, out_dir: Path, figures_dir: Path, variants: tuple[str, ...]
) -> list[NotebookEntry]:
    """Render every numbered notebook in ``variants`` ("full", "reader") plus the index."""
    notebooks = find_notebooks(notebooks_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    _clean(out_dir)
    exporters = {v: make_exporter(hide_code=(v == READER_DIR)) for v in variants}
    entries = []
    for i, path in enumerate(notebooks, start=1):
        nb = nbformat.read(path, as_version=4)
        check_executed(nb, path)
        number = NOTEBOOK_PATTERN.match(path.name).group(1)
        title, question = title_and_question(nb, path)
        thumb, thumb_source = key_figure(nb, number, figures_dir)
        if uses_latex(nb):
            print(
                f"  warning: {path.name} has LaTeX math ($...$) in markdown; MathJax is not "
                "shipped, so it shows as source text in the offline report",
                flush=True,
            )
        entry = NotebookEntry(number, path.stem, title, question, thumb, thumb_source)
        entries.append(entry)
        written = []
        for variant in variants:
            target_dir = out_dir / READER_DIR if variant == READER_DIR else out_dir
            target_dir.mkdir(parents=True, exist_ok=True)
            page = render_page(exporters[variant], nb, title, _nav(path.stem, variant, variants))
            target = target_dir / f"{path.stem}.html"
            target.write_text(page, encoding="utf-8")
            written.append(f"{target.relative_to(out_dir)} ({len(page.encode()) // 1024} kB)")
        if thumb is not None:
            (out_dir / THUMBS_DIR).mkdir(exist_ok=True)
            (out_dir / THUMBS_DIR / f"{path.stem}.png").write_bytes(thumb)
        print(
            f"[{i}/{len(notebooks)}] {path.name}: {', '.join(written)}; thumbnail: {thumb_source}",
            flush=True,
        )
    (out_dir / "index.html").write_text(render_index(entries, variants), encoding="utf-8")
    print(f"index: {out_dir / 'index.html'} ({len(entries)} notebooks)", flush=True)
    return entries


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; returns the process exit code."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--notebooks-dir", type=Path, default=NOTEBOOKS_DIR)
    parser.add_argument("--figures-dir", type=Path, default=FIGURES_DIR)
    parser.add_argument("--out", type=Path, default=BUILD_DIR / "report")
    parser.add_argument(
        "--no-code",
        action="store_true",
        help="render only the code-free reader version (into OUT/reader/)",
    )
    args = parser.parse_args(argv)
    variants = (READER_DIR,) if args.no_code else ("full", READER_DIR)
    try:
        build_report(args.notebooks_dir, args.out, args.figures_dir, variants)
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
