"""The review server (`brochures review NAME --serve`) and the review page's keyboard, phone
layout and contrast.

The server's request handling is tested with Starlette's TestClient; the page in Debian's
Chromium through Playwright, as in test_reports_browser.py (marker `browser`): a reviewer
rejects a partner and edits a title in the page, and the next run applies exactly those two
corrections.
"""

from __future__ import annotations

import contextlib
import json
import re
import shutil
import signal
import subprocess
import sys
import urllib.error
import urllib.request
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from starlette.exceptions import StarletteDeprecationWarning

with warnings.catch_warnings():
    # Starlette 1.10 asks for httpx2 instead of httpx; the httpx installed (Prefect's) works.
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from starlette.testclient import TestClient

from flows.review_server import (
    TOKEN_HEADER,
    ReviewSite,
    background_review_server,
    local_hosts,
    review_app,
)
from reports.pages import enable_review_actions, render_report
from schemas import Settings
from workspace.corrections import apply_corrections, load_corrections, parse_corrections
from workspace.layout import OutputLayout
from workspace.service import Workspace, process_brochure

ROOT = Path(__file__).resolve().parents[1]
NAME = "clust-er-innovate"
PORT = 8765  # what the TestClient's requests name; nothing listens on it
BASE = f"http://127.0.0.1:{PORT}"
ORIGIN = {"Origin": BASE}
PARTNER = "Legacoop Romagna"  # a partner of move-up
NEW_TITLE = "Lab MOVE-UP: mobility for the port of Ravenna"
DRONE = "laboratory-feasibility-study-of-a-drone-delivery-service"

# Missing, the `browser` fixture (conftest.py) reports it.
with contextlib.suppress(ImportError):
    from playwright.sync_api import BrowserContext, Page, expect

PHONE = {"width": 390, "height": 844}


def ingest(folder: Path, corrections: str | None = None) -> OutputLayout:
    """Copy the sample into `folder` (raw/ beside corrections/, as in this repository), with
    the corrections given (None: an empty corrections/), run it once, return the output."""
    (folder / "raw").mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "raw" / f"{NAME}.txt", folder / "raw")
    (folder / "corrections").mkdir(exist_ok=True)
    if corrections is not None:
        (folder / "corrections" / f"{NAME}.yaml").write_text(corrections, encoding="utf-8")
    layout = OutputLayout.of(folder / "output")
    rerun(folder, layout)
    return layout


def rerun(folder: Path, layout: OutputLayout) -> None:
    """Run the sample again, reading its corrections the way `brochures run` does."""
    outcome = process_brochure(
        folder / "raw" / f"{NAME}.txt", Workspace(layout, Settings(), "v1", "nearest")
    )
    assert outcome.status == "ok", outcome.error


def corrections_in(folder: Path) -> list[tuple[str, str, str | None]]:
    """The entries of the sample's corrections file: (project, action, target)."""
    path = folder / "corrections" / f"{NAME}.yaml"
    if not path.exists():
        return []
    return [
        (entry.correction.project, entry.correction.action, entry.correction.target)
        for entry in load_corrections(path).entries
    ]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, OutputLayout]:
    """The sample ingested once into a folder of its own; tests that write give their own
    corrections folder."""
    folder = tmp_path_factory.mktemp("served")
    return folder, ingest(folder)


@pytest.fixture
def site(served: tuple[Path, OutputLayout], tmp_path: Path) -> ReviewSite:
    """The sample's review server, writing corrections under this test's folder."""
    return ReviewSite(served[1], NAME, root=tmp_path)


@pytest.fixture
def client(site: ReviewSite) -> TestClient:
    return TestClient(review_app(site, local_hosts(PORT)), base_url=BASE)


def post(client: TestClient, site: ReviewSite, body: Any, **headers: str) -> Any:
    """POST a correction as the page does: JSON, from the server's origin, with the token."""
    sent = {"Content-Type": "application/json", TOKEN_HEADER: site.token, **ORIGIN, **headers}
    return client.post("/corrections", content=json.dumps(body), headers=sent)


# --- request handling --------------------------------------------------------------------------


def test_review_server_serves_the_page_with_its_controls(
    client: TestClient, site: ReviewSite
) -> None:
    response = client.get("/")

    assert response.status_code == 200
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    page = response.text
    [settings] = re.findall(
        r'<script type="application/json" id="review-server">(.*?)</script>', page
    )
    assert json.loads(settings)["token"] == site.token
    assert json.loads(settings)["categories"][0] == "coordinator"
    static = site.layout.review(NAME).read_text(encoding="utf-8")
    assert "review-server" not in static and site.token not in static  # the file stays read-only
    assert page.replace(page[page.index("<script type") : page.rindex("</body>")], "") == static


def test_review_server_writes_a_checked_correction(
    client: TestClient, site: ReviewSite, tmp_path: Path
) -> None:
    response = post(client, site, {"project": "move-up", "remove_partner": PARTNER})

    assert response.status_code == 201, response.text
    answer = response.json()
    assert answer["correction"]["id"] == f"move-up/remove_partner/{PARTNER}"
    assert answer["correction"]["reason"] == f"partner '{PARTNER}' removed"
    assert answer["file"] == str(tmp_path / "corrections" / f"{NAME}.yaml")
    assert corrections_in(tmp_path) == [("move-up", "remove_partner", PARTNER)]
    listed = client.get("/corrections", headers={TOKEN_HEADER: site.token}).json()
    assert [entry["id"] for entry in listed["corrections"]] == [answer["correction"]["id"]]


def test_review_server_refuses_a_correction_that_would_not_apply(
    client: TestClient, site: ReviewSite, tmp_path: Path
) -> None:
    response = post(client, site, {"project": "move-up", "remove_partner": "Legacoop Romgna"})

    assert response.status_code == 422
    assert f"did you mean '{PARTNER}'?" in response.json()["error"]
    assert not (tmp_path / "corrections").exists()


@pytest.mark.parametrize(
    ("case", "headers", "status", "says"),
    [
        ("no token", {TOKEN_HEADER: ""}, 403, "lacks this server's token"),
        ("a wrong token", {TOKEN_HEADER: "guessed"}, 403, "lacks this server's token"),
        ("another site", {"Origin": "http://evil.example"}, 403, "from http://evil.example"),
        ("no origin", {"Origin": ""}, 403, "page without an Origin"),
        ("another host name", {"Host": f"rebound.example:{PORT}"}, 403, "names the host"),
        ("a form", {"Content-Type": "application/x-www-form-urlencoded"}, 415, "JSON body"),
    ],
)
def test_review_server_refuses_a_request_not_from_its_page(
    client: TestClient,
    site: ReviewSite,
    tmp_path: Path,
    case: str,
    headers: dict[str, str],
    status: int,
    says: str,
) -> None:
    response = post(client, site, {"project": "move-up", "remove_partner": PARTNER}, **headers)

    assert response.status_code == status, case
    assert says in response.json()["error"]
    assert not (tmp_path / "corrections").exists()  # nothing written


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ("not json", "the body is not JSON"),
        (["move-up"], "expected a JSON object"),
        ({"project": "move-up", "set_titel": "X"}, "set_titel: Extra inputs are not permitted"),
        ({"project": "move-up"}, "give exactly one action"),
        ({"project": "move-up", "remove_partner": "x" * 20_000}, "at most 16384"),
    ],
)
def test_review_server_refuses_a_body_that_is_no_correction(
    client: TestClient, site: ReviewSite, tmp_path: Path, body: Any, says: str
) -> None:
    sent = body if isinstance(body, str) else json.dumps(body)
    headers = {"Content-Type": "application/json", TOKEN_HEADER: site.token, **ORIGIN}

    response = client.post("/corrections", content=sent, headers=headers)

    assert response.status_code in (413, 422)
    assert says in response.json()["error"]
    assert not (tmp_path / "corrections").exists()


def test_review_server_reads_need_the_token_and_its_host(
    client: TestClient, site: ReviewSite
) -> None:
    assert client.get("/corrections").status_code == 403
    assert client.get("/", headers={"Host": "rebound.example"}).status_code == 403
    assert client.get("/corrections", headers={TOKEN_HEADER: site.token}).json() == {
        "corrections": []
    }


def test_review_server_says_when_the_brochure_has_no_page(
    served: tuple[Path, OutputLayout],
) -> None:
    client = TestClient(
        review_app(ReviewSite(served[1], "nowhere"), local_hosts(PORT)), base_url=BASE
    )

    response = client.get("/")

    assert response.status_code == 404
    assert "no review page for 'nowhere'" in response.text


def test_review_server_refuses_another_site_over_the_network(
    site: ReviewSite, tmp_path: Path
) -> None:
    with background_review_server(site) as url:
        assert url.startswith("http://127.0.0.1:")
        request = urllib.request.Request(
            url + "corrections",
            data=json.dumps({"project": "move-up", "remove_partner": PARTNER}).encode(),
            headers={"Content-Type": "application/json", "Origin": "http://evil.example"},
            method="POST",
        )
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=10)
        with urllib.request.urlopen(url, timeout=10) as page:
            assert b'id="review-server"' in page.read()

    assert refused.value.code == 403
    assert not (tmp_path / "corrections").exists()


@pytest.mark.slow
def test_review_server_cli_serves_until_stopped(served: tuple[Path, OutputLayout]) -> None:
    command = [sys.executable, "-m", "flows.cli", "review", NAME, "--serve"]
    command += ["--out", str(served[1].folder)]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        url = re.search(r"at (http://127\.0\.0\.1:\d+/) ", first)
        assert url, first
        assert "corrections go to" in process.stdout.readline()
        with urllib.request.urlopen(url.group(1), timeout=10) as page:
            assert page.status == 200
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=20) == 0
        assert "stopped" in process.stdout.read()
    finally:
        process.kill()
        process.wait()


def test_report_title_fixed_by_a_correction_shows_its_warning_resolved(
    sample_path: Path,
) -> None:
    from readers.formats import read_source
    from workspace.service import extract_brochure

    text = read_source(sample_path, Settings()).text
    extraction = extract_brochure(sample_path)
    corrections = parse_corrections(
        f"- project: {DRONE}\n  set_title: Drone delivery service for medicines\n",
        Path(f"corrections/{NAME}.yaml"),
    )
    corrected, applied = apply_corrections(extraction, corrections, NAME, text)

    before = card_of(render_report(extraction, text), DRONE)
    after = card_of(render_report(corrected, text, corrections=applied), DRONE)

    assert re.search(r'class="v warn-chip"[^>]*>title inferred<', before)
    assert not re.search(r'class="v warn-chip"[^>]*>title inferred<', after)
    assert re.search(
        r'class="v warn-chip resolved"[^>]*>title inferred · resolved in review<', after
    )
    assert "b-inferred" not in after


def card_of(page: str, project_id: str) -> str:
    start = page.index(f'<article class="card" id="p-{project_id}"')
    return page[start : page.index("</article>", start)]


def test_review_page_enabling_the_controls_escapes_the_settings() -> None:
    page = "<html><body><p>x</p>\n</body></html>"

    served = enable_review_actions(page, {"token": "</script><script>alert(1)</script>"})

    assert "</script><script>alert" not in served
    settings = served[served.index('id="review-server">') + 19 : served.index("</script>")]
    assert json.loads(settings) == {"token": "</script><script>alert(1)</script>"}


# --- in the browser ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def corrected(tmp_path_factory: pytest.TempPathFactory) -> OutputLayout:
    """The sample run with the repository's corrections (a title set in review)."""
    folder = tmp_path_factory.mktemp("corrected")
    committed = (ROOT / "corrections" / f"{NAME}.yaml").read_text(encoding="utf-8")
    return ingest(folder, committed)


@contextmanager
def opened(
    browser: BrowserContext, url: str, viewport: dict[str, int] | None = None
) -> Iterator[Page]:
    """A new tab at `url` (in `viewport`), closed after the block; its script must not raise."""
    page = browser.new_page()
    if viewport is not None:
        page.set_viewport_size(viewport)  # type: ignore[arg-type]
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(url)
    yield page
    page.close()
    assert errors == [], "the page's script raised"


@pytest.mark.browser
def test_review_server_browser_reject_and_edit_apply_at_the_next_run(
    browser: BrowserContext, tmp_path: Path
) -> None:
    folder = tmp_path / "brochures"
    layout = ingest(folder)
    with background_review_server(ReviewSite(layout, NAME)) as url, opened(browser, url) as page:
        card = page.locator("#p-move-up")
        dialog = page.locator("dialog.act")
        # Reject a partner with the mouse.
        chip = card.locator("a.chip", has_text=PARTNER)
        card.locator("li", has=page.locator("a.chip", has_text=PARTNER)).locator(
            "button.act-reject"
        ).click()
        expect(dialog).to_be_visible()
        expect(dialog.locator("h2")).to_have_text("Remove the partner?")
        dialog.locator("button.act-save").click()
        expect(dialog).to_be_hidden()
        expect(chip).to_have_class(re.compile(r"\bpending-old\b"))
        expect(page.locator("#status")).to_contain_text("applies at the next run")
        # Edit the title with the keyboard.
        card.locator("h3 [data-act=title]").focus()
        page.keyboard.press("e")
        expect(dialog.locator("input[name=value]")).to_be_focused()
        dialog.locator("input[name=value]").fill(NEW_TITLE)
        page.keyboard.press("Enter")
        expect(dialog).to_be_hidden()
        expect(card.locator(".pending-new")).to_have_text(NEW_TITLE)
        expect(page.locator(".panel.pending .corr")).to_have_count(2)
        page.screenshot(path=str(tmp_path / "review-server-pending.png"))

        # A reload shows them again, and the partner takes no second correction.
        page.reload()
        expect(page.locator(".panel.pending .corr")).to_have_count(2)
        expect(chip).to_have_class(re.compile(r"\bpending-old\b"))
        chip.focus()
        page.keyboard.press("r")
        expect(page.locator("#status")).to_contain_text("already has a pending correction")

    assert corrections_in(folder) == [
        ("move-up", "remove_partner", PARTNER),
        ("move-up", "set_title", NEW_TITLE),
    ]
    rerun(folder, layout)
    export = json.loads(layout.export(NAME).read_text(encoding="utf-8"))
    [move_up] = [project for project in export["projects"] if project["id"] == "move-up"]
    assert move_up["title"] == NEW_TITLE
    assert PARTNER not in [partner["name"] for partner in move_up["partners"]]
    assert {mark["field"] for mark in move_up["review"]} == {"title", "partners"}


@pytest.mark.browser
def test_review_server_browser_shows_a_refusal_in_the_dialog(
    browser: BrowserContext, site: ReviewSite, tmp_path: Path
) -> None:
    with background_review_server(site) as url, opened(browser, url) as page:
        title = page.locator("#p-move-up h3 [data-act=title]")
        title.focus()
        page.keyboard.press("e")
        page.keyboard.press("Enter")  # the title unchanged: the source says the same

        expect(page.locator("dialog.act .act-error")).to_contain_text(
            "the source now says the same"
        )
        expect(page.locator("dialog.act")).to_be_visible()
        page.keyboard.press("Escape")
        expect(title).to_be_focused()
    assert not (tmp_path / "corrections").exists()


@pytest.mark.browser
def test_review_page_browser_static_page_stays_read_only(
    browser: BrowserContext, served: tuple[Path, OutputLayout]
) -> None:
    with opened(browser, served[1].review(NAME).as_uri()) as page:
        expect(page.locator(".acts")).to_have_count(0)
        expect(page.locator(".act-keys")).to_be_hidden()
        page.locator("#p-move-up a.chip", has_text=PARTNER).focus()
        page.keyboard.press("r")

        expect(page.locator("#status")).to_contain_text(f"brochures review {NAME}.txt --serve")
        expect(page.locator("dialog")).to_have_count(0)


@pytest.mark.browser
def test_review_page_browser_keys_step_through_doubts_and_filter(
    browser: BrowserContext, served: tuple[Path, OutputLayout]
) -> None:
    with opened(browser, served[1].review(NAME).as_uri()) as page:
        doubts = page.locator(".doubt:not(.d-resolved)")

        page.keyboard.press("j")
        expect(doubts.nth(0)).to_be_focused()
        expect(page.locator("#source .hl").first).to_be_in_viewport()
        page.keyboard.press("j")
        page.keyboard.press("k")
        expect(doubts.nth(0)).to_be_focused()
        page.keyboard.press("k")
        expect(doubts.last).to_be_focused()  # round to the last one

        page.keyboard.press("/")
        expect(page.locator("#filter")).to_be_focused()
        page.keyboard.type("drone delivery")
        expect(page.locator(".card:visible")).to_have_count(1)
        expect(page.locator("#filter-count")).to_have_text("1 of 18 projects")
        page.keyboard.press("Escape")
        expect(page.locator(".card:visible")).to_have_count(18)
        page.locator("#only-doubts").check()
        assert 0 < page.locator(".card:visible").count() < 18


def tab_until(page: Page, selector: str, limit: int) -> int:
    """Press Tab until the element in focus matches `selector`; return the presses."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return presses
    raise AssertionError(f"{limit} presses of Tab never reached {selector}")


@pytest.mark.browser
def test_review_page_browser_keyboard_reaches_values_and_marks(
    browser: BrowserContext, corrected: OutputLayout
) -> None:
    with opened(browser, corrected.review(NAME).as_uri()) as page:
        page.locator("#filter").focus()
        tab_until(page, ".card a.v[data-act]", 60)  # a value of the first card
        tab_until(page, ".card .nolink", 300)  # a value without evidence (the corrected title)
        page.locator(".left [data-ev]").last.focus()
        tab_until(page, "#source .m[id]", 5)  # from the values into the source
        mark = page.evaluate("document.activeElement.id")
        page.keyboard.press("Enter")  # the mark shows its value

        value = page.locator(f'.left [data-ev="{mark}"]').first
        expect(value).to_be_focused()
        expect(value).to_be_in_viewport()


# Contrast of every text of the page with its background (WCAG 2: at least 4.5:1), blending
# translucent backgrounds and opacity from the root down.
CONTRAST = """() => {
  const parse = (c) => {
    const p = c.match(/rgba?\\(([^)]+)\\)/)[1].split(/[\\s,\\/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  };
  const over = (top, under) => [0, 1, 2].map((i) => top[i] * top[3] + under[i] * (1 - top[3]));
  const chain = (e) => { const up = []; for (; e; e = e.parentElement) up.unshift(e); return up; };
  const background = (e) => chain(e).reduce((under, a) => {
    const c = parse(getComputedStyle(a).backgroundColor);
    return c[3] > 0 ? over(c, under) : under;
  }, [255, 255, 255]);
  const opacity = (e) => chain(e).reduce((o, a) => o * Number(getComputedStyle(a).opacity), 1);
  const lum = (c) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]);
  };
  const ratio = (a, b) => {
    const [x, y] = [lum(a), lum(b)].sort((m, n) => n - m);
    return (x + 0.05) / (y + 0.05);
  };
  const check = (what, e, style, under) => {
    const c = parse(style.color);
    const fg = over([c[0], c[1], c[2], c[3] * opacity(e)], under);
    return { what, text: (e.textContent || "").trim().slice(0, 40),
      ratio: Math.round(ratio(fg, under) * 100) / 100, size: parseFloat(style.fontSize) };
  };
  const results = [];
  const source = document.getElementById("source");
  document.querySelectorAll("#source .ln").forEach((ln, i) => {
    if (i < 40) {
      results.push(check("line number", ln, getComputedStyle(ln, "::before"), background(source)));
    }
  });
  const texts = ".legend-item, .pane-head, .pane-head *, .card, .card *, .doubt, .doubt *, " +
    "#source .m, .acts button";
  document.querySelectorAll(texts).forEach((e) => {
    const own = [...e.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    if (own && e.getClientRects().length) {
      const what = e.matches(".legend-item") ? "legend" : "text";
      results.push(check(what, e, getComputedStyle(e), background(e)));
    }
  });
  return results;
}"""


@pytest.mark.browser
def test_review_page_browser_text_contrast_is_at_least_4_5(
    browser: BrowserContext, corrected: OutputLayout, tmp_path: Path
) -> None:
    site = ReviewSite(corrected, NAME, root=tmp_path)
    # The served page: everything of the static one, and the controls.
    with background_review_server(site) as url, opened(browser, url) as page:
        results = page.evaluate(CONTRAST)

    assert {result["what"] for result in results} == {"line number", "legend", "text"}
    low = [result for result in results if result["ratio"] < 4.5]
    assert low == [], f"{len(low)} texts under 4.5:1, e.g. {low[:5]}"
    small = [r for r in results if r["what"] in ("legend", "line number") and r["size"] < 12]
    assert small == []


@pytest.mark.browser
def test_review_page_browser_back_returns_to_the_value(
    browser: BrowserContext, served: tuple[Path, OutputLayout]
) -> None:
    url = served[1].review(NAME).as_uri()
    with opened(browser, url) as page:
        partner = page.locator("#p-move-up a.chip", has_text="Port System Authority")
        partner.scroll_into_view_if_needed()
        target = page.locator(f"#{partner.get_attribute('data-ev')}")

        partner.click()
        expect(target).to_be_in_viewport()
        page.locator("#p-it-er h3 a").scroll_into_view_if_needed()  # the reader moves on
        expect(partner).not_to_be_in_viewport()
        page.go_back()

        assert page.url == url  # still the page, not the one before it
        expect(partner).to_be_in_viewport()
        expect(partner).to_be_focused()


@pytest.mark.browser
def test_review_page_browser_phone_switches_panes_without_losing_the_place(
    browser: BrowserContext, served: tuple[Path, OutputLayout], tmp_path: Path
) -> None:
    url = served[1].review(NAME).as_uri()
    with opened(browser, url, PHONE) as page:
        values, source = page.locator("#pane-values"), page.locator("#pane-source")
        partner = page.locator("#p-move-up a.chip", has_text="Port System Authority")
        target = page.locator(f"#{partner.get_attribute('data-ev')}")

        assert page.evaluate("document.documentElement.classList.contains('tabbed')")
        assert page.evaluate("document.documentElement.scrollHeight") <= PHONE["height"] + 1
        expect(source).to_be_hidden()
        partner.scroll_into_view_if_needed()
        place = values.evaluate("e => e.scrollTop")
        assert place > 1000

        partner.click()  # a tap: the source, at the partner's words
        expect(values).to_be_hidden()
        expect(target).to_be_in_viewport()
        expect(page.locator("#tab-source")).to_have_attribute("aria-selected", "true")
        page.screenshot(path=str(tmp_path / "phone-source.png"))
        page.locator("#tab-values").click()  # the tab: the values, at the same place
        expect(partner).to_be_in_viewport()
        assert values.evaluate("e => e.scrollTop") == place
        page.locator("#tab-source").click()
        expect(target).to_be_in_viewport()

        page.go_back()  # Back: where the tap was made
        expect(values).to_be_visible()
        expect(partner).to_be_in_viewport()
        assert page.url == url
        page.screenshot(path=str(tmp_path / "phone-values.png"))


@pytest.mark.browser
def test_review_server_browser_marks_a_project_checked_and_acknowledges_a_warning(
    browser: BrowserContext, tmp_path: Path
) -> None:
    folder = tmp_path / "brochures"
    layout = ingest(folder)
    with background_review_server(ReviewSite(layout, NAME)) as url, opened(browser, url) as page:
        checked = page.locator("#p-move-up > header button.act-checked")
        checked.click()
        expect(checked).to_have_text("Checked")
        page.once("dialog", lambda prompt: prompt.accept("the page gives no role on purpose"))
        acknowledge = page.locator("#p-it-er button.act-acknowledge")
        acknowledge.click()
        expect(acknowledge).to_have_text("Acknowledged")
        expect(page.locator("#status")).to_contain_text("applies at the next run")

    entries = corrections_in(folder)
    assert [(project, action) for project, action, _ in entries] == [
        ("move-up", "checked"),
        ("it-er", "acknowledge"),
    ]
    assert entries[1][2] == "role_not_stated"
    rerun(folder, layout)
    export = json.loads(layout.export(NAME).read_text(encoding="utf-8"))
    [move_up] = [project for project in export["projects"] if project["id"] == "move-up"]
    assert [mark["field"] for mark in move_up["review"]] == ["checked"]
    [warning] = [w for w in export["warnings"] if w["project_id"] == "it-er"]
    assert warning["acknowledged_by"] == "it-er/acknowledge"
