"""Open every rendered report in headless Chromium (Debian's system browser).

Checks, per HTML file of the sample run: no console errors, no JavaScript
dialogs or script execution from data (the sample holds an account named
``<script>alert("x")</script> Corp``), no requests leave the file (no CDN),
every image loads, and a full-page screenshot is written to
``test-artifacts/screenshots/`` for review.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "Debian's chromium is required: apt-get install chromium"
    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


def _html_files(out: Path) -> list[Path]:
    return sorted(out.glob("*.html"))


def test_every_report_and_the_index_are_rendered(sample_run):
    names = {p.name for p in _html_files(sample_run)}
    assert "index.html" in names
    assert {"data_quality.html", "cohort.html", "scoring.html"} <= names


def test_reports_open_cleanly_in_chromium(sample_run, browser):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    files = _html_files(sample_run)
    assert files
    for path in files:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        console_errors: list[str] = []
        dialogs: list[str] = []
        outside_requests: list[str] = []
        page.on(
            "console",
            lambda m, errs=console_errors: errs.append(m.text) if m.type == "error" else None,
        )
        page.on("pageerror", lambda e, errs=console_errors: errs.append(str(e)))
        page.on("dialog", lambda d, seen=dialogs: (seen.append(d.message), d.dismiss()))
        page.on(
            "request",
            lambda r, seen=outside_requests: (
                seen.append(r.url) if not r.url.startswith(("file:", "data:", "about:")) else None
            ),
        )
        page.goto(path.as_uri(), wait_until="load")
        images = page.evaluate(
            "Array.from(document.images).map(i => [i.src.slice(0, 40), i.complete && i.naturalWidth > 0])"
        )
        page.screenshot(path=str(ARTIFACTS / f"{path.stem}.png"), full_page=True)
        text = page.inner_text("body")
        page.close()

        assert console_errors == [], f"{path.name}: console errors {console_errors}"
        assert dialogs == [], f"{path.name}: script from data ran: {dialogs}"
        assert outside_requests == [], f"{path.name}: external requests {outside_requests}"
        broken = [src for src, ok in images if not ok]
        assert broken == [], f"{path.name}: images that did not load {broken}"
        if path.name != "index.html" and not path.name.endswith(".failed.html"):
            assert images, f"{path.name} has no charts"
        assert "Traceback" not in text, path.name
        assert (ARTIFACTS / f"{path.stem}.png").stat().st_size > 10_000


def test_html_in_data_shows_as_text(sample_run, browser):
    """The planted ``<script>`` account name is visible as text in the hierarchy report."""
    path = sample_run / "hierarchy.html"
    raw = path.read_text(encoding="utf-8")
    assert '<script>alert("x")</script>' not in raw
    page = browser.new_page()
    page.goto(path.as_uri())
    text = page.inner_text("body")
    page.close()
    assert '<script>alert("x")</script> Corp' in text or "We <3 Dogs" in text
