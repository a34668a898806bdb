"""Open the rendered report in a real headless browser with the network blocked.

The test renders the committed notebooks itself (``scripts/render_report.py``'s
``main``, into a temporary folder), so it works from a clean clone, then opens the index
and every page (full and reader versions) in Debian's ``chromium`` driven by
Playwright. Every request that is not ``file:``/``data:``/``blob:`` is aborted
and recorded; the test fails if any was attempted.

Checks per page: no console error and no uncaught page error, every ``<img>``
decoded (``naturalWidth > 0``), every relative link resolves to an existing
file, the expected ``<h1>`` is present (the collection title on the index,
the notebook's title on each page). A full-page screenshot of each page (JPEG) is
saved to ``build/report/screenshots/`` for a human look.

Needs ``/usr/bin/chromium`` (``scripts/install_browser.sh``; or set
``CHROMIUM_PATH``). Without it the test is skipped, except in CI
(``CI`` set to a true value), where it fails.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlparse

import nbformat
import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT / "scripts"))

import render_report  # noqa: E402

from helpers.paths import BUILD_DIR, NOTEBOOKS_DIR  # noqa: E402

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOT_DIR = BUILD_DIR / "report" / "screenshots"
LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:")

NOTEBOOKS = sorted(
    p for p in NOTEBOOKS_DIR.glob("*.ipynb") if render_report.NOTEBOOK_PATTERN.match(p.name)
)
PAGES = [(nb, variant) for nb in NOTEBOOKS for variant in ("full", "reader")]


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


@pytest.fixture(scope="module")
def report_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Render the committed notebooks into a fresh folder with the project's script.

    In this process (``render_report.main``, what the command line calls): the refresh
    test already runs the script as a command, through ``make report``.
    """
    out = tmp_path_factory.mktemp("report")
    assert render_report.main(["--out", str(out)]) == 0, "render_report.py failed (see output)"
    return out


@pytest.fixture(scope="module")
def browser_context(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[object, list]]:
    """A headless chromium with a new empty profile and every network request aborted.

    Yields the context and the list of blocked URLs (shared by all pages).
    """
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} not found: run scripts/install_browser.sh (apt-get install chromium)"
        if _in_ci():
            pytest.fail(f"CI: {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    blocked: list[str] = []

    def block_network(route, request) -> None:
        if request.url.startswith(LOCAL_SCHEMES):
            route.continue_()
        else:
            blocked.append(request.url)
            route.abort()

    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(profile),
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1280, "height": 900},
        )
        context.route("**/*", block_network)
        try:
            yield context, blocked
        finally:
            context.close()


def _open(context, path: Path) -> tuple[object, list[str]]:
    """Open ``path`` in a new tab; return the page and the errors it logged."""
    page = context.new_page()
    errors: list[str] = []
    page.on(
        "console",
        lambda msg: (
            errors.append(f"console.{msg.type}: {msg.text}") if msg.type == "error" else None
        ),
    )
    page.on("pageerror", lambda exc: errors.append(f"page error: {exc}"))
    response = page.goto(path.as_uri(), wait_until="load")
    assert response is None or response.ok, f"{path}: could not be opened"
    return page, errors


def _check_images(page, path: Path) -> int:
    """Every <img> is decoded; returns how many there are."""
    images = page.eval_on_selector_all(
        "img", "els => els.map(e => [e.currentSrc.slice(0, 60), e.complete, e.naturalWidth])"
    )
    broken = [src for src, complete, width in images if not complete or width == 0]
    assert not broken, f"{path.name}: images not decoded: {broken}"
    return len(images)


def _relative_links(page) -> list[str]:
    """Every link target on the page that is a local file (no anchors, no web links)."""
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
    return [h for h in hrefs if h.startswith("file:")]


def _assert_links_resolve(page, path: Path) -> list[Path]:
    targets = [Path(unquote(urlparse(h).path)) for h in _relative_links(page)]
    missing = [str(t) for t in targets if not t.is_file()]
    assert not missing, f"{path.name}: links to missing files: {missing}"
    return targets


def _screenshot(page, name: str) -> None:
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    # JPEG: a long page's full-page PNG takes Chromium ~1.4 s to encode, JPEG ~0.5 s
    page.screenshot(
        path=str(SCREENSHOT_DIR / f"{name}.jpg"), full_page=True, type="jpeg", quality=70
    )


def _n_png_outputs(nb: nbformat.NotebookNode) -> int:
    return sum(
        1
        for cell in nb.cells
        for out in cell.get("outputs", [])
        if "image/png" in out.get("data", {})
    )


def test_notebooks_exist() -> None:
    """The report is only meaningful if there are numbered notebooks to render."""
    assert NOTEBOOKS, f"no numbered notebooks (NN_name.ipynb) in {NOTEBOOKS_DIR}"


def test_index(report_dir: Path, browser_context) -> None:
    """Index: loads cleanly, title, one entry per notebook, both versions linked, links resolve."""
    context, blocked = browser_context
    index = report_dir / "index.html"
    page, errors = _open(context, index)
    try:
        assert page.inner_text("h1").strip() == render_report.COLLECTION_TITLE
        n_images = _check_images(page, index)
        targets = _assert_links_resolve(page, index)
        linked = {t.relative_to(report_dir).as_posix() for t in targets}
        expected = {f"{nb.stem}.html" for nb in NOTEBOOKS} | {
            f"reader/{nb.stem}.html" for nb in NOTEBOOKS
        }
        assert expected <= linked, f"index does not link: {sorted(expected - linked)}"
        entries = page.eval_on_selector_all(
            "ol.notebooks > li", "els => els.map(e => e.querySelector('h2').innerText)"
        )
        for nb_path in NOTEBOOKS:
            title, _ = render_report.title_and_question(nbformat.read(nb_path, 4), nb_path)
            assert title in entries, f"index has no entry titled {title!r}"
        questions = page.eval_on_selector_all("p.question", "els => els.map(e => e.innerText)")
        assert len(questions) == len(NOTEBOOKS)
        assert all(len(q) > len("Question: ") for q in questions), questions
        with_figure = [
            nb for nb in NOTEBOOKS if (report_dir / "thumbs" / f"{nb.stem}.png").is_file()
        ]
        assert n_images == len(with_figure)
        _screenshot(page, "index")
        assert not errors, f"index.html: {errors}"
        assert not blocked, f"network requests attempted: {blocked}"
    finally:
        page.close()


@pytest.mark.parametrize(("nb_path", "variant"), PAGES, ids=[f"{nb.stem}-{v}" for nb, v in PAGES])
def test_page(report_dir: Path, browser_context, nb_path: Path, variant: str) -> None:
    """One notebook page: clean load, its title as h1, every figure inline and decoded."""
    context, blocked = browser_context
    nb = nbformat.read(nb_path, as_version=4)
    title, _ = render_report.title_and_question(nb, nb_path)
    path = report_dir / ("reader" if variant == "reader" else "") / f"{nb_path.stem}.html"
    assert path.is_file(), f"{path} was not rendered"
    page, errors = _open(context, path)
    try:
        headings = [
            h.strip() for h in page.eval_on_selector_all("h1", "els => els.map(e => e.innerText)")
        ]
        assert title in headings, f"{path.name}: h1 {title!r} not found among {headings}"
        n_images = _check_images(page, path)
        assert n_images >= _n_png_outputs(nb), f"{path.name}: fewer <img> than PNG outputs"
        _assert_links_resolve(page, path)
        n_code = page.locator(".jp-CodeCell .jp-InputArea").count()
        if variant == "reader":
            assert n_code == 0, f"{path.name}: reader version shows {n_code} code inputs"
        else:
            n_code_cells = sum(1 for c in nb.cells if c.cell_type == "code")
            assert n_code == n_code_cells, f"{path.name}: {n_code} of {n_code_cells} code inputs"
        _screenshot(page, f"{variant}_{nb_path.stem}")
        assert not errors, f"{path.name}: {errors}"
        assert not blocked, f"network requests attempted: {blocked}"
    finally:
        page.close()


def test_network_is_really_blocked(browser_context, tmp_path: Path) -> None:
    """Guard for the guard: a page that fetches a CDN script is caught by the blocker."""
    context, blocked = browser_context
    probe = tmp_path / "probe.html"
    probe.write_text(
        '<!DOCTYPE html><html><head><script src="https://cdn.example.invalid/x.js"></script>'
        "</head><body><h1>probe</h1></body></html>",
        encoding="utf-8",
    )
    before = len(blocked)
    page, errors = _open(context, probe)
    page.close()
    assert blocked[before:] == ["https://cdn.example.invalid/x.js"]
    assert errors, "a blocked script should log a console error"
    del blocked[before:]


def test_render_is_deterministic(report_dir: Path, tmp_path: Path) -> None:
    """Rendering again gives byte-identical pages and thumbnails."""
    again = tmp_path / "again"
    assert render_report.main(["--out", str(again)]) == 0
    for first in sorted(p for p in report_dir.rglob("*") if p.is_file()):
        second = again / first.relative_to(report_dir)
        assert second.is_file(), f"{second} missing on second render"
        assert first.read_bytes() == second.read_bytes(), f"{first.name} differs between renders"
    shutil.rmtree(again)
