"""Drop new raw files into corpus/raw/, run the refresh, and everything updates.

On a temporary copy of the project (the files git knows about: tracked plus
untracked-but-not-ignored, so no .venv, build/ or caches), the test adds the two
raw files in ``tests/fixtures/refresh/`` (one ADCS blog page with the site
header and footer, one CYP Now column with byline, picture caption and paywall
block), then runs the user's refresh commands::

    make -C <copy> corpus notebooks report VENV=<this venv> PARAMS=<refresh_params.json>

and checks that

- the two new posts are in posts.csv and paragraphs.csv with the right titles
  (and the CYP column's byline author and date), and none of the boilerplate
  (header widget, footer, caption, bio, paywall) leaked into their text;
- every existing post keeps its doc_id, and with it its file, position, title
  and text;
- every existing post keeps its ``duplicate_of``, author and authority;
- the unit tests of ingestion still pass on the refreshed copy (they test
  fixtures and invariants, never the live corpus's counts);
- the manifest has a row for each new file with its sha256, and the old rows
  are unchanged;
- every notebook was executed (all code cells have an execution count) with no
  error output, and at least one notebook's outputs changed with the corpus;
- the report was rendered from the refreshed notebooks.

``PARAMS`` gives notebooks 03-06 a smaller topic grid, a one-value regularisation grid and
fewer folds for the mention classifier, and fewer bootstrap and shuffle draws
(``tests/fixtures/refresh_params.json``). Every cell of every notebook still runs on the
changed corpus, which is what a refresh must survive; what the full settings compute is
checked by nbval on the committed corpus, with the same code. The smaller values cut this
test's time (issue 6's target for ``make test``); the test also checks that the injected
values reached the notebooks.

This runs the whole pipeline (all notebooks), so it takes about a minute.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from dcs_tools.project_copy import copy_project, project_files

REPO_ROOT = Path(__file__).resolve().parent.parent
FIXTURES = REPO_ROOT / "tests" / "fixtures" / "refresh"
# Smaller topic grid and fewer bootstrap draws: the refresh checks that every notebook runs on
# a changed corpus; the full grid's numbers are nbval's job on the committed corpus.
QUICK_PARAMS = REPO_ROOT / "tests" / "fixtures" / "refresh_params.json"
VENV = Path(sys.prefix)  # the venv running the tests, reused by the copy (VENV=...)

EXPECTED = {
    "refresh_adcs_page.txt": {
        "title": "Keeping our promises to care leavers",
        "source": "ADCS blog",
        "n_paragraphs": 4,
        "first": "When a young person leaves our care, the corporate parent",
        "last": "It is time we kept ours.",
    },
    "refresh_cypnow_column.txt": {
        "title": "Listening before we act",
        "source": "CYP Now",
        "author": "Amira Hollis",
        "date": "2024-03-12",
        "n_paragraphs": 5,
        "first": "Every spring our children in care council sets the agenda",
        "last": "it is the part of our job that children remember.",
    },
}
# Lines of the fixtures that are page furniture, not the post: none may reach the corpus.
BOILERPLATE = [
    "Next Upcoming Event",
    "09 Jul 24",
    "Tags assigned",
    "Related Blog Articles",
    "Picture:",
    "Adobe Stock",
    "Register Now",
    "CYP Now Digital membership",
    "CYP Now Magazine",
    "Subscribe",
    "From £15",
    "Themed supplements",
    "is director of children's services at an English shire county",
]


def _notebooks(root: Path) -> list[Path]:
    return sorted((root / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def _outputs(nb: nbformat.NotebookNode) -> list:
    """The outputs of every code cell (what changes when the data change)."""
    return [c.get("outputs", []) for c in nb.cells if c.cell_type == "code"]


@pytest.fixture(scope="module")
def refreshed(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Copy the project, add the new raw files, run the refresh; return before/after facts."""
    if not (VENV / "bin" / "jupyter").exists():
        pytest.fail(f"{VENV} has no bin/jupyter: run the tests with the project's venv")
    if shutil.which("make") is None:
        pytest.fail("`make` is not installed; the refresh is run through the Makefile")
    copy = tmp_path_factory.mktemp("project")
    copy_project(REPO_ROOT, copy)
    before_posts = pd.read_csv(copy / "corpus/segmented/posts.csv", dtype=str)
    before_manifest = pd.read_csv(copy / "corpus/raw/MANIFEST.csv", dtype=str)
    before_nbs = {p.name: nbformat.read(p, as_version=4) for p in _notebooks(copy)}
    for fixture in sorted(FIXTURES.glob("*.txt")):
        shutil.copy(fixture, copy / "corpus" / "raw" / fixture.name)

    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    # -o: the venv is already installed; never pip-install into it from the copy.
    stamp = VENV / ".installed-requirements"
    # The output goes to a file, not a pipe: a process that outlived make (it should not)
    # would keep a pipe open and hang this test instead of failing it.
    with tempfile.TemporaryFile("w+", encoding="utf-8") as log:
        proc = subprocess.run(
            [
                "make",
                "-C",
                str(copy),
                "-o",
                str(stamp),
                "corpus",
                "notebooks",
                "report",
                f"VENV={VENV}",
                f"PARAMS={QUICK_PARAMS}",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
            timeout=1800,
            check=False,
        )
        log.seek(0)
        output = log.read()
    assert proc.returncode == 0, f"refresh failed (exit {proc.returncode}):\n{output[-8000:]}"
    return {
        "root": copy,
        "log": output,
        "before_posts": before_posts,
        "before_manifest": before_manifest,
        "before_nbs": before_nbs,
        "posts": pd.read_csv(copy / "corpus/segmented/posts.csv", dtype=str),
        "paragraphs": pd.read_csv(copy / "corpus/segmented/paragraphs.csv", dtype=str),
        "manifest": pd.read_csv(copy / "corpus/raw/MANIFEST.csv", dtype=str),
    }


def test_fixtures_are_present() -> None:
    assert sorted(p.name for p in FIXTURES.glob("*.txt")) == sorted(EXPECTED)


def test_copy_leaves_out_venv_and_build(tmp_path: Path) -> None:
    files = project_files(REPO_ROOT)
    assert Path("helpers/segment.py") in files and Path("Makefile") in files
    assert not [f for f in files if f.parts[0] in (".venv", "build", ".git")]


@pytest.mark.parametrize("raw_file", sorted(EXPECTED))
def test_new_post_appears_with_title_and_no_boilerplate(refreshed: dict, raw_file: str) -> None:
    posts, paragraphs = refreshed["posts"], refreshed["paragraphs"]
    new = posts[posts["source_file"] == raw_file]
    assert len(new) == 1, f"{raw_file}: expected one post, got {len(new)}"
    post = new.iloc[0]
    expected = EXPECTED[raw_file]
    assert post["title"] == expected["title"]
    assert post["source"] == expected["source"]
    if "author" in expected:
        assert post["author"] == expected["author"]
        assert post["date"] == expected["date"]
    text = post["text"]
    assert int(post["n_paragraphs"]) == expected["n_paragraphs"], f"{raw_file}: paragraphs"
    assert text.startswith(expected["first"]), f"{raw_file}: body starts {text[:80]!r}"
    assert text.endswith(expected["last"]), f"{raw_file}: body ends {text[-80:]!r}"
    leaked = [b for b in BOILERPLATE if b in text or b in post["title"]]
    assert not leaked, f"{raw_file}: boilerplate in the post: {leaked}"
    paras = paragraphs[paragraphs["doc_id"] == post["doc_id"]]
    assert len(paras) == expected["n_paragraphs"]
    assert "\n\n".join(paras.sort_values("position", key=lambda s: s.astype(int))["text"]) == text


def test_existing_doc_ids_unchanged(refreshed: dict) -> None:
    before, after = refreshed["before_posts"], refreshed["posts"]
    assert len(after) == len(before) + len(EXPECTED)
    keep = ["doc_id", "source_file", "position_in_file", "title", "text"]
    merged = before[keep].merge(
        after[keep], on="doc_id", how="left", suffixes=("", "_after"), indicator=True
    )
    lost = merged.loc[merged["_merge"] != "both", "doc_id"].tolist()
    assert not lost, f"doc_ids that disappeared after the refresh: {lost}"
    for column in keep[1:]:
        a, b = merged[column].fillna(""), merged[f"{column}_after"].fillna("")
        changed = merged.loc[a != b, "doc_id"].tolist()
        assert not changed, f"{column} changed for existing posts: {changed[:5]}"


def test_existing_posts_keep_reprint_links_authors_and_authorities(refreshed: dict) -> None:
    """Adding posts never re-links reprints or moves metadata between existing posts."""
    keep = ["doc_id", "duplicate_of", "author", "author_confidence", "authority", "writer_role"]
    before = refreshed["before_posts"][keep].set_index("doc_id").fillna("")
    after = refreshed["posts"][keep].set_index("doc_id").fillna("").loc[before.index]
    changed = before.compare(after)
    assert changed.empty, f"existing posts changed:\n{changed}"


UNIT_TESTS = [
    "tests/test_segment.py",
    "tests/test_dating.py",
    "tests/test_authors.py",
    "tests/test_manifest_and_loader.py",
]


def test_unit_tests_pass_after_the_refresh(refreshed: dict) -> None:
    """The README's workflow (add posts, make all, make test): no test hard-codes the corpus."""
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *UNIT_TESTS],
        cwd=refreshed["root"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, f"unit tests fail after a refresh:\n{proc.stdout[-4000:]}"


def test_manifest_lists_new_files_with_checksums(refreshed: dict) -> None:
    manifest = refreshed["manifest"].set_index("file")
    for raw_file in EXPECTED:
        assert raw_file in manifest.index, f"{raw_file} not in MANIFEST.csv"
        sha = hashlib.sha256((FIXTURES / raw_file).read_bytes()).hexdigest()
        assert manifest.loc[raw_file, "sha256"] == sha
    before = refreshed["before_manifest"].set_index("file")
    pd.testing.assert_frame_equal(manifest.loc[before.index], before, check_like=True)


def test_notebooks_executed_without_error(refreshed: dict) -> None:
    root = refreshed["root"]
    notebooks = _notebooks(root)
    assert notebooks, "no notebooks in the copy"
    changed = []
    for path in notebooks:
        nb = nbformat.read(path, as_version=4)
        unexecuted = [
            i
            for i, c in enumerate(nb.cells)
            if c.cell_type == "code" and c.source.strip() and c.get("execution_count") is None
        ]
        assert not unexecuted, f"{path.name}: cells {unexecuted} not executed"
        errors = [
            f"cell {i}: {o.get('ename')}: {o.get('evalue')}"
            for i, c in enumerate(nb.cells)
            for o in c.get("outputs", [])
            if o.get("output_type") == "error"
        ]
        assert not errors, f"{path.name}: {errors}"
        if _outputs(nb) != _outputs(refreshed["before_nbs"][path.name]):
            changed.append(path.name)
    assert changed, "no notebook's outputs changed although the corpus grew by two posts"


def test_quick_parameters_were_injected(refreshed: dict) -> None:
    """The notebooks named in refresh_params.json ran with its values (and said so)."""
    quick = json.loads(QUICK_PARAMS.read_text(encoding="utf-8"))
    for path in _notebooks(refreshed["root"]):
        nb = nbformat.read(path, as_version=4)
        injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
        values = quick.get(path.name[:2])
        if values is None:
            assert not injected, f"{path.name}: parameters injected although none were given"
            continue
        assert len(injected) == 1, f"{path.name}: expected one injected-parameters cell"
        for name, value in values.items():
            assert f"{name} = {value!r}" in injected[0].source, f"{path.name}: {name} not injected"


def test_report_rendered_from_refreshed_notebooks(refreshed: dict) -> None:
    report = refreshed["root"] / "build" / "report"
    index = (report / "index.html").read_text(encoding="utf-8")
    for path in _notebooks(refreshed["root"]):
        assert (report / f"{path.stem}.html").is_file()
        assert (report / "reader" / f"{path.stem}.html").is_file()
        assert f'href="{path.stem}.html"' in index


def test_findings_follow_the_refreshed_outputs(refreshed: dict) -> None:
    """Prose is generated from outputs: after the refresh the Findings quote the new corpus.

    Checked on three findings whose numbers must move with the refresh: the count of distinct
    posts (01), the posts analysed after the writer-role filter (02) and the number of topics
    chosen on the refreshed corpus with other parameters (04, from ``model_choice.json``).
    """
    from dcs_tools.findings_page import notebook_findings
    from helpers.corpus import director_posts, load_corpus

    root = refreshed["root"]
    posts = refreshed["posts"]
    distinct = int(posts["duplicate_of"].isna().sum())
    _, f01 = notebook_findings(root / "notebooks" / "01_segmentation.ipynb")
    assert f"**{distinct} distinct posts**" in f01, f01[:600]
    kept = len(director_posts(load_corpus(path=root / "corpus" / "segmented" / "posts.csv")))
    _, f02 = notebook_findings(root / "notebooks" / "02_corpus_overview.ipynb")
    assert f"{kept} of {distinct} distinct posts" in f02, f02[:600]
    choice = json.loads((root / "results" / "topics" / "model_choice.json").read_text())
    _, f04 = notebook_findings(root / "notebooks" / "04_topics.ipynb")
    assert f"k = {choice['k']}" in f04, f04[:600]


def test_reader_pages_show_the_parameter_banner(refreshed: dict) -> None:
    """A page run with injected parameters says so, listing the values (issue 11)."""
    params = json.loads(QUICK_PARAMS.read_text(encoding="utf-8"))
    report = refreshed["root"] / "build" / "report" / "reader"
    for path in _notebooks(refreshed["root"]):
        page = (report / f"{path.stem}.html").read_text(encoding="utf-8")
        injected = path.name[:2] in params
        assert ('class="dcs-params"' in page) == injected, path.name
        for name in params.get(path.name[:2], {}):
            assert f"<code>{name} = " in page, f"{path.name}: banner lacks {name}"
