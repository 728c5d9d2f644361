"""The review page in a real browser: Debian's Chromium, headless, driven by Playwright.

Playwright's own browser download is not used (the machines are offline); the Debian package
`chromium` is launched as its executable. Missing, it is a failure that says how to install it,
never a skip: a report nobody opened in a browser is not tested.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from extractors.pipeline import extract_source
from readers.formats import read_source
from reports.pages import render_report
from schemas import Settings
from workspace.corrections import apply_corrections, parse_corrections

pytestmark = pytest.mark.browser

PARTNER = "Port System Authority of the Northern Adriatic Sea"

# Missing, the `browser` fixture (conftest.py) reports it.
with contextlib.suppress(ImportError):
    from playwright.sync_api import BrowserContext, Page, expect


@pytest.fixture(scope="module")
def report_file(sample_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample's report, with one applied and one stale correction, in a file."""
    settings = Settings()
    source = read_source(sample_path, settings)
    extraction = extract_source(source, settings)
    corrections = parse_corrections(
        "- project: laboratory-feasibility-study-of-a-drone-delivery-service\n"
        "  set_title: Drone delivery service for medicines\n"
        "- project: resist0\n"
        "  remove_work_package: 4\n",
        Path("corrections/clust-er-innovate.yaml"),
    )
    corrected, applied = apply_corrections(extraction, corrections, sample_path.name, source.text)
    path = tmp_path_factory.mktemp("report") / "clust-er-innovate.report.html"
    path.write_text(render_report(corrected, source.text, corrections=applied), encoding="utf-8")
    return path


@pytest.fixture
def page(browser: BrowserContext, report_file: Path) -> Iterator[Page]:
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(report_file.as_uri())
    yield page
    page.close()
    assert errors == [], "the page's script raised"


def test_report_browser_click_on_a_partner_highlights_its_words(page: Page, tmp_path: Path) -> None:
    partner = page.locator("#p-move-up a.chip", has_text=PARTNER)
    target = page.locator(f"#{partner.get_attribute('data-ev')}")
    expect(target).to_have_text(PARTNER)
    expect(target).not_to_be_in_viewport()  # line 137: far below the first screen

    partner.click()

    expect(target).to_have_class(re.compile(r"\bhl\b"))
    expect(target).to_be_in_viewport()
    expect(page.locator("#source .hl")).to_have_count(1)
    expect(partner).to_have_class(re.compile(r"\bactive\b"))
    shot = page.screenshot(path=str(tmp_path / "report-partner-clicked.png"))
    assert shot[:8] == b"\x89PNG\r\n\x1a\n"


def test_report_browser_click_on_marked_words_finds_their_value(page: Page, tmp_path: Path) -> None:
    partner = page.locator("#p-move-up a.chip", has_text=PARTNER)
    target = page.locator(f"#{partner.get_attribute('data-ev')}")
    target.scroll_into_view_if_needed()
    expect(partner).not_to_be_in_viewport()

    target.click()

    expect(partner).to_be_in_viewport()
    expect(target).to_have_class(re.compile(r"\bhl\b"))
    page.screenshot(path=str(tmp_path / "report-source-clicked.png"))


def test_report_browser_shows_review_and_doubts(page: Page, tmp_path: Path) -> None:
    card = page.locator("#p-laboratory-feasibility-study-of-a-drone-delivery-service")
    expect(card.locator("h3")).to_have_text("Drone delivery service for medicines")
    expect(card.locator(".review-note")).to_contain_text(
        "extracted: Laboratory: feasibility study of a drone delivery service for medicines"
    )
    expect(page.locator(".doubt.d-resolved")).to_have_count(1)
    expect(page.locator(".doubt.d-stale_correction")).to_have_count(1)
    expect(page.locator(".doubt.d-duplicate")).to_have_count(2)

    page.locator(".doubt.d-duplicate a", has_text="original").first.click()

    expect(page.locator("#source .hl").first).to_be_in_viewport()
    page.screenshot(path=str(tmp_path / "report-duplicate-original.png"))


def test_report_browser_prints_both_panes_in_full(page: Page) -> None:
    page.emulate_media(media="print")

    for pane in (".pane.left", ".pane.right"):
        assert page.eval_on_selector(pane, "e => getComputedStyle(e).overflowY") == "visible"
    assert page.eval_on_selector(".topbar", "e => getComputedStyle(e).position") == "static"
