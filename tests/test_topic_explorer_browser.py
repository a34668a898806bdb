"""The topic explorer of notebook 04 works in a browser with the network cut off.

Loads the explorer's HTML (from the committed output of ``notebooks/04_topics.ipynb``) in
Debian's headless ``chromium`` with every non-local request aborted, and checks that the
page fetches nothing, logs no error, draws the term bars, re-ranks them when the lambda
slider moves, and switches topic when a circle of the map is clicked. Skipped (failing in
CI) when chromium is missing, like ``test_report_browser.py``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from helpers.paths import NOTEBOOKS_DIR

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))


def _explorer_html() -> str:
    notebook = json.loads((NOTEBOOKS_DIR / "04_topics.ipynb").read_text(encoding="utf-8"))
    for cell in notebook["cells"]:
        for output in cell.get("outputs", []):
            html = "".join(output.get("data", {}).get("text/html", ""))
            if 'id="dcs-topic-explorer"' in html:
                return html
    raise AssertionError("notebook 04 has no explorer output")


def test_explorer_works_offline_in_chromium(tmp_path: Path) -> None:
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"CI: {CHROMIUM} not found")
        pytest.skip(f"{CHROMIUM} not found: run scripts/install_browser.sh")
    from playwright.sync_api import sync_playwright

    html = _explorer_html()
    assert "http" not in html.lower()
    page_path = tmp_path / "explorer.html"
    page_path.write_text(f"<!DOCTYPE html><html><body>{html}</body></html>", encoding="utf-8")
    blocked: list[str] = []
    errors: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"]
        )
        try:
            page = browser.new_page(viewport={"width": 390, "height": 900})

            def block(route, request) -> None:
                if request.url.startswith(("file:", "data:", "about:")):
                    route.continue_()
                else:
                    blocked.append(request.url)
                    route.abort()

            page.route("**/*", block)
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.goto(page_path.as_uri(), wait_until="load")
            root = page.locator("#dcs-topic-explorer")
            bars = root.locator(".dcs-te-bars .bar .w")
            assert bars.count() == 10
            first = bars.all_inner_texts()
            root.locator(".dcs-te-lam").fill("0")
            lift = bars.all_inner_texts()
            root.locator(".dcs-te-lam").fill("1")
            probability = bars.all_inner_texts()
            assert lift != probability  # the slider re-ranks the words
            assert first != lift or first != probability
            assert root.locator(".dcs-te-posts .post").count() >= 1
            circles = root.locator("g.topic")
            n_topics = circles.count()
            assert n_topics >= 3
            circles.nth(n_topics - 1).click()
            number = circles.nth(n_topics - 1).get_attribute("data-topic")
            assert root.locator("g.topic.selected").get_attribute("data-topic") == number
            assert root.locator(".dcs-te-head").inner_text().startswith(f"Topic {number}:")
            assert page.evaluate("document.documentElement.scrollWidth") <= 390
        finally:
            browser.close()
    assert not blocked, f"the explorer fetched {blocked}"
    assert not errors, errors
