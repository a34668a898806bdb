"""Unit tests for scripts/render_report.py (no browser needed: see test_report_browser.py)."""

from __future__ import annotations

import base64
import copy
from pathlib import Path

import nbformat
import pytest

from dcs_tools import render_report

REPO_ROOT = Path(__file__).resolve().parent.parent


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
        '</style><script type="module">await import("https://esm.example/m.js")</script>'
        '<script>fetch("https://api.example/topics.json")</script></head>'
        '<body><img src="https://example.org/i.png"><div style="background:url(http://x/y.png)">'
        '</div><a href="https://www.adcs.org.uk/">a citation link is fine</a></body></html>',
        encoding="utf-8",
    )
    problems = render_report.check_offline(tmp_path)
    assert len(problems) == 8, problems
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


# --------------------------------------------------------------------------- #
# Reader view
# --------------------------------------------------------------------------- #


def _png(width: int, height: int, seed: int = 0) -> bytes:
    """A PNG with a simple drawing (a diagonal band and a block), scaled to ``width``."""
    from io import BytesIO

    from PIL import Image, ImageDraw

    im = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(im)
    s = width / 100
    draw.rectangle([10 * s, 10 * s, (40 + seed * 30) * s, 35 * s], fill="navy")
    draw.line([0, height, width, 0], fill="darkred", width=max(1, int(3 * s)))
    buf = BytesIO()
    im.save(buf, format="PNG")
    return buf.getvalue()


@pytest.mark.parametrize(
    ("number", "title", "shown"),
    [
        ("01", "01 · Segmentation", "01 · Segmentation"),
        ("02", "02 Corpus overview", "02 · Corpus overview"),
        ("03", "03. Topics", "03 · Topics"),
        ("04", "Topics", "04 · Topics"),
        ("05", "5 - Voice", "05 · Voice"),
        ("02", "2024 in review", "02 · 2024 in review"),
    ],
)
def test_display_title_is_consistent(number: str, title: str, shown: str) -> None:
    assert render_report.display_title(number, title) == shown


def test_injected_parameters_banner_lists_values_and_defaults() -> None:
    params = _code("KS = [4, 6]\nSEEDS = [1, 2]\nN_BOOT = 1000", tags=("parameters",))
    injected = _code('# Parameters\nKS = [4, 6, 8]\nNEW = "x"\n', tags=("injected-parameters",))
    nb = _nb("# 03 x", params, injected)
    found = render_report.injected_parameters(nb)
    assert found == (("KS", "[4, 6, 8]", "[4, 6]"), ("NEW", '"x"', None))
    banner = render_report.parameter_banner(found)
    assert "<code>KS = [4, 6, 8]</code>" in banner and "(default <code>[4, 6]</code>)" in banner
    assert "not a parameter of this notebook" in banner
    assert render_report.injected_parameters(_nb("# 03 x", params)) == ()
    assert render_report.parameter_banner(()) == ""
    page = render_report.render_page(
        render_report.make_exporter(True), nb, "03 · x", "", banner=banner
    )
    assert page.count('class="dcs-params"') == 1


def test_reader_drops_report_hide_cells_and_numbers_captioned_figures() -> None:
    fig = _display({"image/png": PNG_1PX, "text/plain": "<Figure>"})
    first = _code("plot()", fig)
    first.metadata["caption"] = "Posts per month <by source>."
    hidden = _code(
        "print('numbers drawn')",
        {"output_type": "stream", "name": "stdout", "text": "numbers drawn: 1, 2\n"},
        fig,
        tags=("report-hide",),
    )
    second = _code("plot2()", fig)
    second.metadata["label"] = "timeline"
    nb = _nb(
        "# 02 x\n\nAs [](#fig-timeline) shows; [](#fig-missing) is unknown.", first, hidden, second
    )
    assert render_report.number_figures(nb) == 2
    reader = render_report.render_page(
        render_report.make_exporter(True), render_report.drop_hidden_cells(nb), "02 · x", ""
    )
    assert "numbers drawn" not in reader
    assert "<strong>Figure 1.</strong> Posts per month &lt;by source&gt;.</p>" in reader
    assert 'alt="Figure 1. Posts per month &lt;by source&gt;."' in reader
    assert 'alt="Figure 2."' in reader
    assert '<p class="dcs-caption" id="fig-timeline"><strong>Figure 2.</strong></p>' in reader
    assert '<a class="dcs-figref" href="#fig-timeline">Figure 2</a> shows' in reader
    assert '<a class="dcs-figref" href="#fig-missing">Figure ?</a>' in reader
    full = render_report.render_page(render_report.make_exporter(False), nb, "02 · x", "")
    assert "numbers drawn" in full, "the full version keeps every cell"


def test_sharpen_figures_uses_the_same_picture_only(tmp_path: Path) -> None:
    inline = base64.b64encode(_png(200, 100)).decode()
    (tmp_path / "02_same.png").write_bytes(_png(300, 150))  # same drawing, 1.5x
    (tmp_path / "02_other.png").write_bytes(_png(300, 150, seed=1))  # other drawing
    nb = _nb("# 02 x", _code("f", _display({"image/png": inline})))
    other_only = nbformat.from_dict(copy.deepcopy(nb))
    assert render_report.sharpen_figures(other_only, [tmp_path / "02_other.png"]) == 0
    assert other_only.cells[1].outputs[0].data["image/png"] == inline
    n = render_report.sharpen_figures(nb, sorted(tmp_path.glob("02_*.png")))
    assert n == 1
    out = nb.cells[1].outputs[0]
    assert base64.b64decode(out.data["image/png"]) == (tmp_path / "02_same.png").read_bytes()
    assert out.metadata["image/png"] == {"width": 200, "height": 100}
    page = render_report.render_page(render_report.make_exporter(True), nb, "02 · x", "")
    assert 'width="200"' in page


def test_contents_anchors_and_links() -> None:
    nb = _nb(
        '# 02 · x\n\nQuestion: y?\n\n## 1. Données · "quoted"\n\nSee [the codebook]'
        "(../corpus/README.md), [the list](../data/actors.csv) and [ADCS](https://adcs.org.uk/)."
        "\n\n### Sub part\n\ntext"
    )
    page = render_report.render_page(
        render_report.make_exporter(True),
        nb,
        "02 · x",
        render_report.PageLinks(index="../index.html", next=("03_y.html", "03 · y")),
        link_map={"corpus/README.md": "../docs/codebook.html"},
    )
    toc = [(lvl, text) for lvl, _, text in render_report.headings(page) if lvl > 1]
    assert toc == [(2, '1. Données · "quoted"'), (3, "Sub part")]
    assert 'class="dcs-toc"' in page and 'href="#Sub-part"' in page and 'id="Sub-part"' in page
    assert "%C2%B7" not in page, "heading ids are decoded so fragments resolve"
    assert 'href="../docs/codebook.html"' in page
    assert '<span class="dcs-path" title="data/actors.csv in the project repository">' in page
    assert 'href="https://adcs.org.uk/"' in page
    assert 'href="03_y.html" rel="next"' in page and 'rel="prev"' not in page
    assert 'class="anchor-link"' in page


def test_long_dataframes_become_searchable_offline() -> None:
    import pandas as pd

    long = pd.DataFrame({"word": [f"w{i}" for i in range(12)], "n": range(12)})
    short = long.head(3)
    nb = _nb(
        "# 05 x",
        _code("long", _display({"text/html": long.to_html(), "text/plain": "df"})),
        _code("short", _display({"text/html": short.to_html(), "text/plain": "df"})),
    )
    page = render_report.render_page(render_report.make_exporter(True), nb, "05 · x", "")
    assert page.count('class="dcs-searchable dataframe"') == 1
    assert "new ITable(" in page and "import(url)" in page
    assert render_report.remote_resources(page) == []
    plain = render_report.render_page(
        render_report.make_exporter(True), _nb("# 05 x", nb.cells[2]), "05 · x", ""
    )
    assert "ITable" not in plain, "the bundle is only inlined where a table needs it"


def test_scripts_in_html_outputs_are_kept() -> None:
    explorer = '<div id="ex"><select id="s"><option>1</option></select></div><script>x=1</script>'
    nb = _nb("# 04 x", _code("show()", _display({"text/html": explorer, "text/plain": "Ex"})))
    page = render_report.render_page(render_report.make_exporter(True), nb, "04 · x", "")
    assert explorer in page


@pytest.mark.parametrize(
    ("text", "n_tables"),
    [
        (
            "       source  posts  words\n    ADCS blog    100  64185\n"
            "      CYP Now      1    558\nPersonal blog      1    546\n",
            1,
        ),
        ("date_precision\nestimated    76\nmonth        21\nday           6\nyear          1\n", 1),
        (
            "0   children   811   103  266.312\n1   young   234   74   7.353\n"
            "2   x   1   1   NaN\n",
            1,
        ),
        ("posts with a known date: 27\nmedian absolute error: 7 days; mean: 75 days\n", 0),
        (
            "    ally handing over the reins  [Stuart]  Gallimore who became President\n"
            "    President, Dave Hill, former  [Stuart]  Gallimore, and all ADCS members\n"
            "    hand over my crown and badge  [Stuart]  who I know will be a fantastic\n",
            0,
        ),
        ("a  1\nb  2\n\nc  3\n", 0),
    ],
)
def test_text_tables_detector(text: str, n_tables: int) -> None:
    assert len(render_report.text_tables(text)) == n_tables


def test_documents_become_pages(tmp_path: Path) -> None:
    root = tmp_path
    (root / "notebooks").mkdir()
    (root / "corpus").mkdir()
    (root / "data" / "validation").mkdir(parents=True)
    nbformat.write(_nb("# 01 First\n\nQuestion: one?"), root / "notebooks" / "01_first.ipynb")
    (root / "corpus" / "README.md").write_text(
        "# Codebook of the corpus\n\n## Columns\n\n| column | meaning |\n|---|---|\n"
        "| doc_id | id |\n"
        "\nSee [the guide](../data/validation/CODING_GUIDE.md) and [raw](raw/MANIFEST.csv).\n",
        encoding="utf-8",
    )
    (root / "data" / "validation" / "CODING_GUIDE.md").write_text("# Coding guide\n\nx\n")
    (root / "data" / "dated_events.md").write_text("# Dated events\n\ny\n")
    out = root / "out"
    assert render_report.main(["--notebooks-dir", str(root / "notebooks"), "--out", str(out)]) == 0
    docs = sorted(p.relative_to(out).as_posix() for p in (out / "docs").glob("*.html"))
    assert docs == ["docs/codebook.html", "docs/coding-guide.html", "docs/dated-events.html"]
    codebook = (out / "docs" / "codebook.html").read_text(encoding="utf-8")
    assert "<table>" in codebook and 'href="coding-guide.html"' in codebook
    assert 'title="corpus/raw/MANIFEST.csv in the project repository"' in codebook
    assert 'rel="next" href="coding-guide.html"' in codebook
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="docs/dated-events.html">Dated events</a>' in index


def test_search_index_has_one_entry_per_section() -> None:
    nb = _nb(
        "# 02 · x\n\nQuestion: y?\n\n## Words\n\nfoster carers\n\n## Periods\n\nbefore & after",
        _code("print(1)", {"output_type": "stream", "name": "stdout", "text": "table 42\n"}),
    )
    page = render_report.render_page(
        render_report.make_exporter(True),
        nb,
        "02 · x",
        render_report.PageLinks(index="../index.html"),
        variant="reader",
    )
    entries = render_report.search_sections(page, "reader/02_x.html", "02 · x")
    assert [(e["section"], e["href"]) for e in entries] == [
        ("02 · x", "reader/02_x.html#02-·-x"),
        ("Words", "reader/02_x.html#Words"),
        ("Periods", "reader/02_x.html#Periods"),
    ]
    assert entries[1]["text"] == "foster carers"
    assert entries[2]["text"] == "before & after table 42", "outputs are searchable too"
    assert "Contents" not in " ".join(e["text"] for e in entries), "navigation is not indexed"
    index = render_report.render_index([], ("reader",), [], entries)
    assert 'id="dcs-search"' in index and "</script>" in index
    assert index.count("</script>") == 2, "the JSON cannot close its script element early"
