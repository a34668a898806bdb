"""Unit tests for scripts/render_report.py (no browser needed: see test_report_browser.py)."""

from __future__ import annotations

import base64
import sys
from pathlib import Path

import nbformat
import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT / "scripts"))

import render_report  # noqa: E402

# A 1x1 PNG.
PNG_1PX = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360f8cfc0f01f0005000201e2a1c9"
        "e20000000049454e44ae426082"
    )
).decode()


def _nb(first_md: str, *code_cells: nbformat.NotebookNode) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    nb.cells = [nbformat.v4.new_markdown_cell(first_md), *code_cells]
    return nb


def _code(source: str, *outputs: dict, count: int | None = 1, tags: tuple = ()) -> dict:
    cell = nbformat.v4.new_code_cell(source, execution_count=count)
    cell.outputs = [nbformat.from_dict(o) for o in outputs]
    if tags:
        cell.metadata["tags"] = list(tags)
    return cell


def _display(data: dict) -> dict:
    return {"output_type": "display_data", "data": data, "metadata": {}}


@pytest.mark.parametrize(
    ("markdown", "title", "question"),
    [
        (
            "# 01 · Segmentation\n\n**Question.** What is in the raw files?\n\n**Inputs.** x",
            "01 · Segmentation",
            "What is in the raw files?",
        ),
        (
            "# 03 Topics\n\nQuestion: Which *topics* recur, by [source](x.md)?\n",
            "03 Topics",
            "Which topics recur, by source?",
        ),
        (
            "# 04 Arcs\n\n## Research question\n\nDo posts end on hope?\n\n## Inputs",
            "04 Arcs",
            "Do posts end on hope?",
        ),
        (
            "# 05 Actors\n\nWho is named as responsible, and how often?",
            "05 Actors",
            "Who is named as responsible, and how often?",
        ),
    ],
)
def test_title_and_question(markdown: str, title: str, question: str) -> None:
    assert render_report.title_and_question(_nb(markdown), Path("x.ipynb")) == (title, question)


def test_missing_title_is_an_error_naming_the_file() -> None:
    with pytest.raises(render_report.ReportError, match="07_x.ipynb.*no '# Title'"):
        render_report.title_and_question(_nb("Just text"), Path("07_x.ipynb"))


def test_key_figure_prefers_tagged_cell(tmp_path: Path) -> None:
    other = base64.b64encode(b"not the key figure").decode()
    nb = _nb(
        "# 02 x",
        _code("a", _display({"image/png": other, "text/plain": "<Figure>"})),
        _code(
            "b", _display({"image/png": PNG_1PX, "text/plain": "<Figure>"}), tags=("key-figure",)
        ),
    )
    png, source = render_report.key_figure(nb, "02", tmp_path)
    assert png == base64.b64decode(PNG_1PX) and "key figure" in source
    (tmp_path / "02_fallback.png").write_bytes(b"fallback")
    png, source = render_report.key_figure(_nb("# 02 x"), "02", tmp_path)
    assert png == b"fallback" and source == "figures/02_fallback.png"
    assert render_report.key_figure(_nb("# 03 x"), "03", tmp_path) == (None, "no figure")


def test_widget_output_falls_back_to_static_view() -> None:
    widget = {"model_id": "abc", "version_major": 2, "version_minor": 0}
    nb = _nb(
        "# 06 Widgets",
        _code(
            "w",
            _display(
                {"application/vnd.jupyter.widget-view+json": widget, "text/plain": "IntSlider(5)"}
            ),
        ),
        _code("v", _display({"application/vnd.jupyter.widget-view+json": widget})),
        _code("j", _display({"application/javascript": "alert(1)"})),
    )
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    page = render_report.render_page(render_report.make_exporter(False), nb, "06 Widgets", "")
    assert "IntSlider(5)" not in page, "a widget's repr means nothing to a reader"
    assert "[interactive IntSlider widget: it works when the notebook is open in" in page
    assert "[interactive widget: it works when the notebook is open in" in page
    assert (
        "[interactive output not available in the offline report: application/javascript]" in page
    )
    assert "alert(1)" not in page
    assert '<script type="application/vnd.jupyter.widget' not in page
    assert "widget-state+json" not in page
    assert not render_report.remote_resources(page)
    assert "widgets" in nb.metadata, "rendering must not modify the caller's notebook"


def test_reader_version_hides_code_but_keeps_outputs() -> None:
    nb = _nb(
        "# 02 x",
        _code(
            "SECRET_CODE = 1\nprint(41 + 1)",
            {"output_type": "stream", "name": "stdout", "text": "42\n"},
        ),
    )
    full = render_report.render_page(render_report.make_exporter(False), nb, "02 x", "")
    reader = render_report.render_page(render_report.make_exporter(True), nb, "02 x", "")
    assert "SECRET_CODE" in full and "SECRET_CODE" not in reader
    assert "42" in reader


def test_offline_check_rejects_cdn_pages(tmp_path: Path) -> None:
    """The script's post-check flags every way a page could load from the network."""
    (tmp_path / "bad.html").write_text(
        '<html><head><script src="https://cdnjs.cloudflare.com/x.js"></script>'
        '<link rel="stylesheet" href="http://example.org/s.css">'
        "<style>@import 'https://fonts.example/f.css'; p { background: url(//cdn.example/b.png) }"
        '</style><script type="module">await import("https://esm.example/m.js")</script></head>'
        '<body><img src="https://example.org/i.png"><div style="background:url(http://x/y.png)">'
        '</div><a href="https://www.adcs.org.uk/">a citation link is fine</a></body></html>',
        encoding="utf-8",
    )
    problems = render_report.check_offline(tmp_path)
    assert len(problems) == 7, problems
    assert not any("adcs.org.uk" in p for p in problems)


def test_default_nbconvert_page_would_fail_the_check() -> None:
    """Guard for the guard: nbconvert's stock lab template is caught (CDN require.js)."""
    from nbconvert import HTMLExporter

    page, _ = HTMLExporter(template_name="lab").from_notebook_node(_nb("# 01 x"))
    assert any("require" in p for p in render_report.remote_resources(page))
    ours = render_report.render_page(render_report.make_exporter(False), _nb("# 01 x"), "x", "")
    assert render_report.remote_resources(ours) == []


def test_unexecuted_notebook_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    nbs = tmp_path / "notebooks"
    nbs.mkdir()
    nbformat.write(_nb("# 01 x\n\nQuestion: y?", _code("print(1)", count=None)), nbs / "01_x.ipynb")
    code = render_report.main(["--notebooks-dir", str(nbs), "--out", str(tmp_path / "out")])
    assert code == 1
    assert "01_x.ipynb: code cells [1] have no execution count" in capsys.readouterr().err


def test_build_report_writes_both_versions_and_index(tmp_path: Path) -> None:
    nbs = tmp_path / "notebooks"
    nbs.mkdir()
    fig = _display({"image/png": PNG_1PX, "text/plain": "<Figure size 1x1>"})
    nbformat.write(_nb("# 01 First\n\nQuestion: one?", _code("f", fig)), nbs / "01_first.ipynb")
    nbformat.write(_nb("# 02 Second\n\nQuestion: two?", _code("1")), nbs / "02_second.ipynb")
    (nbs / "scratch.ipynb").write_text("{}")  # not numbered: ignored
    out = tmp_path / "out"
    (out / "stale.html").parent.mkdir()
    (out / "stale.html").write_text("old page")
    assert (
        render_report.main(
            ["--notebooks-dir", str(nbs), "--figures-dir", str(tmp_path), "--out", str(out)]
        )
        == 0
    )
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert written == [
        "01_first.html",
        "02_second.html",
        "index.html",
        "reader/01_first.html",
        "reader/02_second.html",
        "thumbs/01_first.png",
    ]
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "<h1>DCS Voices</h1>" in index
    assert "one?" in index and "two?" in index and "no figure" in index
    assert 'href="reader/02_second.html"' in index
    reader_only = tmp_path / "reader_only"
    assert (
        render_report.main(["--notebooks-dir", str(nbs), "--out", str(reader_only), "--no-code"])
        == 0
    )
    assert not (reader_only / "01_first.html").exists()
    assert 'href="reader/01_first.html"' in (reader_only / "index.html").read_text(encoding="utf-8")
