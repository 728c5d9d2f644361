"""Review reports: every value linked to its marked words, the whole source shown, brochure text
escaped, nothing loaded from elsewhere, doubtful places called out; the index and the Markdown."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from builders import html_elements
from pydantic import BaseModel

from extractors.pipeline import extract_source, extract_text
from readers.formats import read_source
from reports.pages import (
    IndexEntry,
    LowConfidence,
    SourceMark,
    collect_marks,
    evidence_id,
    find_doubts,
    low_confidence_values,
    render_index,
    render_markdown_summary,
    render_marked_source,
    render_report,
)
from schemas import BrochureExtraction, Evidence, Settings
from schemas.changes import ChangeReport
from schemas.run import IndexCounts
from workspace.corrections import apply_corrections, parse_corrections
from workspace.service import extract_brochure

HOSTILE = """Working groups
Lab <script>alert(1)</script> & Co
The lab <b>works</b> on x & y "quotes" for the <i>region</i>.
Project partners
- Org <img src=x onerror=alert(2)>
- Clust-ER Innovate
Role of Clust-ER Innovate
Clust-ER Innovate coordinates the project.
"""

UNMARKED_PARTNERS = """Working groups
Sea Study Project
The project studies the sea.
Project partners
- City of Faenza
University of Bologna
Port Authority of Ravenna

Role of Clust-ER Innovate
Clust-ER Innovate looks at the boats and sails them around.
"""


HOSTILE_NAMES = """Working groups
Sea <script>alert("t")</script> & "Co" Project
The project studies the sea & the "boats" <b>daily</b>.
Project partners
- Org <script>alert("p")</script> & "Sons"
- City of Faenza
University of "Bo" & <logna>

Role of Clust-ER Innovate
Clust-ER Innovate looks at the boats and sails them around.
"""


def elements(page: str, tag: str, css_class: str) -> list[tuple[dict[str, str], str]]:
    """The attributes and text of the page's elements `tag` with class `css_class`."""
    return [
        (attrs, text)
        for name, attrs, text in html_elements(page)
        if name == tag and css_class in attrs.get("class", "").split()
    ]


class PageParser(HTMLParser):
    """Collects a page's ids, links, scripts, and the text inside every marked source element
    (continuation pieces joined to the element they continue)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: list[str] = []
        self.evidence_links: list[str] = []
        self.anchors: list[str] = []
        self.scripts = 0
        self.tags: set[str] = set()
        self.resource_attributes: list[tuple[str, str, str]] = []
        self.span_text: dict[str, list[str]] = {}
        self.source_text: list[str] = []
        self._stack: list[str | None] = []
        self._in_source = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        self.tags.add(tag)
        if "id" in values:
            self.ids.append(values["id"])
        if "data-ev" in values:
            self.evidence_links.append(values["data-ev"])
        if tag == "a" and values.get("href", "").startswith("#"):
            self.anchors.append(values["href"][1:])
        if tag == "script":
            self.scripts += 1
        for name in ("src", "href", "action", "srcset", "poster"):
            if name in values:
                self.resource_attributes.append((tag, name, values[name]))
        if tag == "div" and values.get("id") == "source":
            self._in_source = 1
        elif self._in_source:
            self._in_source += 1
            mark = values.get("id") or values.get("data-of")
            self._stack.append(mark if "m" in values.get("class", "").split() else None)
            if mark and mark not in self.span_text and "m" in values.get("class", "").split():
                self.span_text[mark] = []

    def handle_endtag(self, tag: str) -> None:
        if self._in_source:
            self._in_source -= 1
            if self._stack:
                self._stack.pop()

    def handle_data(self, data: str) -> None:
        if not self._in_source:
            return
        self.source_text.append(data)
        for mark in self._stack:
            if mark is not None:
                self.span_text[mark].append(data)


def parse_page(page: str) -> PageParser:
    parser = PageParser()
    parser.feed(page)
    parser.close()
    return parser


def all_evidence(extraction: BrochureExtraction) -> list[Evidence]:
    """Every evidence an extraction holds, wherever it stands."""
    found: list[Evidence] = []

    def walk(value: object) -> None:
        if isinstance(value, Evidence):
            found.append(value)
        elif isinstance(value, list):
            for item in value:
                walk(item)
        elif isinstance(value, BaseModel):
            for name in type(value).model_fields:
                walk(getattr(value, name))

    walk(extraction)
    return found


@pytest.fixture(scope="module")
def sample(sample_path: Path) -> tuple[BrochureExtraction, str]:
    settings = Settings()
    source = read_source(sample_path, settings)
    return extract_source(source, settings), source.text


@pytest.fixture(scope="module")
def sample_page(sample: tuple[BrochureExtraction, str]) -> str:
    extraction, text = sample
    return render_report(extraction, text)


def test_report_escapes_brochure_text() -> None:
    extraction = extract_text(HOSTILE, "hostile.txt")
    page = render_report(extraction, HOSTILE)
    parsed = parse_page(page)

    assert "<script>alert(1)</script>" not in page
    assert "<img src=x" not in page and "<b>works</b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert parsed.scripts == 1  # the page's own, and nothing from the brochure
    assert "img" not in parsed.tags and "b" in parsed.tags  # <b> of the page, e.g. "WP5"
    assert "".join(parsed.source_text) == HOSTILE


def test_report_escapes_titles_and_partners_once_in_text_and_attributes(tmp_path: Path) -> None:
    extraction = extract_text(HOSTILE_NAMES, "names.txt")
    project = extraction.projects[0]
    removed, _, unmarked = project.partners
    corrections = parse_corrections(
        f"- project: {project.id}\n  remove_partner: '{removed.name}'\n",
        tmp_path / "names.yaml",
    )
    corrected, applied = apply_corrections(extraction, corrections, "names", HOSTILE_NAMES)
    back = 'index "<script>" & more.html'
    page = render_report(corrected, HOSTILE_NAMES, corrections=applied, index_href=back)

    assert project.title == 'Sea <script>alert("t")</script> & "Co" Project'
    assert removed.name == 'Org <script>alert</script> & "Sons"'
    assert "<script>alert" not in page and "&amp;lt;" not in page and "&amp;amp;" not in page
    assert parse_page(page).scripts == 1
    assert [text for _, text in elements(page, "a", "title")] == [project.title]
    assert unmarked.name in [text for _, text in elements(page, "a", "chip")]
    assert [text for _, text in elements(page, "a", "removed")] == [removed.name]
    [badge] = [
        attrs for attrs, text in elements(page, "span", "badge") if text == "removed in review"
    ]
    assert badge["title"] == f"{project.id}/remove_partner/{removed.name}"
    [link] = [attrs for attrs, _ in elements(page, "a", "back")]
    assert link["href"] == back
    [low] = [text for _, text in elements(page, "li", "d-low_confidence")]
    assert f"'{unmarked.name}'" in low


def test_index_escapes_names_and_links_once() -> None:
    name = 'Lab <script>alert("n")</script> & "Co".txt'
    href = 'lab "<script>" & co.report.html'
    page = render_index(
        [
            IndexEntry(name, href, summary=IndexCounts(publisher='Pub & "<Sons>"', projects=1)),
            IndexEntry(name, None, error=f"{name}: is empty"),
        ]
    )
    found = html_elements(page)
    cells = [text for tag, _, text in found if tag == "td"]

    assert "<script>" not in page and "&amp;lt;" not in page and "&amp;amp;" not in page
    assert [attrs["href"] for tag, attrs, _ in found if tag == "a"] == [href]
    assert cells[:2] == [name, 'Pub & "<Sons>"']
    assert cells[-2:] == [name, f"failed {name}: is empty"]


def test_report_every_value_links_to_an_element_of_the_source_pane(sample_page: str) -> None:
    parsed = parse_page(sample_page)

    assert len(parsed.ids) == len(set(parsed.ids)), "ids must be unique"
    ids = set(parsed.ids)
    assert parsed.evidence_links, "values must link to their evidence"
    assert set(parsed.evidence_links) <= ids
    assert {anchor for anchor in parsed.anchors if anchor} <= ids


def test_report_marks_every_evidence_span_with_its_own_words(
    sample: tuple[BrochureExtraction, str], sample_page: str
) -> None:
    extraction, text = sample
    parsed = parse_page(sample_page)

    for evidence in all_evidence(extraction):
        ident = evidence_id(evidence)
        assert ident in parsed.span_text, f"no element for {evidence}"
        assert "".join(parsed.span_text[ident]) == text[evidence.start : evidence.end]


def test_report_source_pane_holds_the_whole_text_once(
    sample: tuple[BrochureExtraction, str], sample_page: str
) -> None:
    _, text = sample
    assert "".join(parse_page(sample_page).source_text) == text


def test_report_loads_nothing_from_elsewhere(sample_page: str) -> None:
    parsed = parse_page(sample_page)

    assert not re.search(r"https?://|//[a-z0-9.-]+\.[a-z]{2,}/", sample_page, re.IGNORECASE)
    assert "@import" not in sample_page and "url(" not in sample_page
    assert "link" not in parsed.tags and "iframe" not in parsed.tags
    # Links go to places in the page, or to the index beside it.
    assert {value for _, _, value in parsed.resource_attributes if not value.startswith("#")} == {
        "index.html"
    }
    assert "<style>" in sample_page and "@media print" in sample_page


def test_render_marked_source_nests_spans_that_cross() -> None:
    text = "abcdefghij"
    marks = [
        SourceMark(0, 6, {"section"}, ["outer"]),
        SourceMark(3, 9, {"partner"}, ["crossing"]),
        SourceMark(2, 4, {"title"}, ["inner"]),
        SourceMark(5, 5, {"warn"}, ["empty"]),
    ]
    page = f'<div id="source">{render_marked_source(text, marks)}</div>'
    parsed = parse_page(page)

    assert "".join(parsed.source_text) == text
    assert {ident: "".join(parts) for ident, parts in parsed.span_text.items()} == {
        "ev-0-6": "abcdef",
        "ev-3-9": "defghi",
        "ev-2-4": "cd",
        "ev-5-5": "",
    }
    assert 'data-of="ev-3-9"' in page  # the crossing span goes on as a continuation piece
    opened = len(re.findall(r"<span\b", page))
    assert opened == page.count("</span>")


def test_render_marked_source_numbers_every_line() -> None:
    page = render_marked_source("one\ntwo\n\nfour", [])
    assert re.findall(r'data-n="(\d+)"', page) == ["1", "2", "3", "4"]


def test_report_calls_out_the_samples_doubtful_places(
    sample: tuple[BrochureExtraction, str], sample_page: str
) -> None:
    extraction, text = sample
    doubts = find_doubts(extraction, text)
    codes = {(doubt.code, doubt.project_id) for doubt in doubts}

    assert ("title_inferred", "laboratory-feasibility-study-of-a-drone-delivery-service") in codes
    assert ("pasted_description", "skills-intelligence") in codes
    assert ("partner_heading_without_list", "debuting") in codes
    assert ("role_not_stated", "it-er") in codes
    assert ("low_confidence", "icc-hub") in codes  # the acronym comes from the prose
    duplicates = [doubt for doubt in doubts if doubt.kind == "duplicate"]
    assert len(duplicates) == len(extraction.duplicates) == 2
    for duplicate, record in zip(
        duplicates, sorted(extraction.duplicates, key=lambda d: d.evidence.start), strict=True
    ):
        links = [evidence_id(evidence) for _, evidence in duplicate.links]
        assert links == [evidence_id(record.evidence), evidence_id(record.original)]
        for link in links:
            assert f'data-ev="{link}"' in sample_page
    assert [doubt.links[0][1].start for doubt in doubts if doubt.links] == sorted(
        doubt.links[0][1].start for doubt in doubts if doubt.links
    )


def test_low_confidence_values_name_the_guessing_rules(
    sample: tuple[BrochureExtraction, str],
) -> None:
    extraction, text = sample
    found = {(value.project_id, value.field) for value in low_confidence_values(extraction, text)}

    assert ("laboratory-feasibility-study-of-a-drone-delivery-service", "title") in found
    assert ("icc-hub", "acronym") in found
    assert ("move-up", "acronym") in found
    assert ("resist0", "acronym") not in found  # on the title line
    assert not any(field == "partners" for _, field in found)  # every sample partner is bulleted


def test_low_confidence_partner_from_an_unmarked_line() -> None:
    extraction = extract_text(UNMARKED_PARTNERS, "sea.txt")
    _, bologna, _ = extraction.projects[0].partners
    values = low_confidence_values(extraction, UNMARKED_PARTNERS)

    assert [(v.field, v.value) for v in values] == [
        ("role.category", "other"),
        ("partners", "University of Bologna"),
        ("partners", "Port Authority of Ravenna"),
    ]
    assert values[1] == LowConfidence(
        "sea-study-project",
        "partners",
        "University of Bologna",
        "read from a line without a list marker",
        bologna.evidence,
    )
    # Without the text, the bullet cannot be seen: only the other rules apply.
    assert low_confidence_values(extraction) == values[:1]


def test_report_shows_corrected_values_beside_the_extracted_ones(
    sample: tuple[BrochureExtraction, str], tmp_path: Path
) -> None:
    extraction, text = sample
    corrections = parse_corrections(
        "- project: laboratory-feasibility-study-of-a-drone-delivery-service\n"
        "  set_title: Drone delivery service for medicines\n"
        "- project: move-up\n"
        "  add_partner: Municipality of <Ravenna>\n"
        "- project: move-up\n"
        "  remove_partner: Legacoop Romagna\n"
        "- project: gone-project\n"
        "  set_title: Anything\n",
        tmp_path / "clust-er-innovate.yaml",
    )
    corrected, applied = apply_corrections(extraction, corrections, "clust-er-innovate", text)
    page = render_report(corrected, text, corrections=applied)
    parsed = parse_page(page)
    drone = next(p for p in extraction.projects if p.id.startswith("laboratory-feasibility"))
    removed = next(p for p in extraction.projects if p.id == "move-up").partners[-3]

    assert "Drone delivery service for medicines" in page
    assert f'data-ev="{evidence_id(drone.title_evidence)}"' in page  # the original, linked
    assert "Municipality of &lt;Ravenna&gt;" in page and "<Ravenna>" not in page
    assert "added in review" in page and "removed in review" in page
    assert removed.name == "Legacoop Romagna"
    assert f'data-ev="{evidence_id(removed.evidence)}"' in page  # type: ignore[arg-type]
    assert set(parsed.evidence_links) <= set(parsed.ids)
    assert "<b>1</b> stale" in page
    resolved = [d for d in find_doubts(corrected, text) if d.kind == "resolved"]
    assert [d.code for d in resolved] == ["title_inferred"]


CHANGES = ChangeReport.model_validate(
    {
        "schema_version": "1.0",
        "brochure": "clust-er-innovate.txt",
        "previous_edition": 1,
        "edition": 2,
        "previous_sha256": "0" * 64,
        "sha256": "1" * 64,
        "unchanged": False,
        "projects_added": [{"id": "move-up", "title": "Lab Move Up", "acronym": "MOVE-UP"}],
        "projects_removed": [{"id": "old-lab", "title": "Old <lab>", "acronym": None}],
        "projects_changed": [
            {
                "id": "resist0",
                "title": "RESIST0",
                "title_change": {"before": "Old title", "after": "New title"},
                "description_changed": False,
                "partners_added": ["New Partner S.p.A."],
                "partners_removed": [],
                "role_change": {
                    "before": {"category": "partner", "text": "supports"},
                    "after": {"category": "work_package_leader", "text": "manages WP5"},
                },
            }
        ],
    }
)


def test_report_renders_a_change_report_generically(
    sample: tuple[BrochureExtraction, str],
) -> None:
    extraction, text = sample
    page = render_report(extraction, text, changes=CHANGES)

    assert "Changes since the previous edition" in page
    assert "<b>3</b> changes" in page
    assert 'href="#p-move-up"' in page and 'href="#p-resist0"' in page
    assert "Old &lt;lab&gt;" in page  # a removed project has no card: its id is not a link
    assert 'href="#p-old-lab"' not in page
    assert "<del>Old title</del> → <ins>New title</ins>" in page
    assert "New Partner S.p.A." in page and "work_package_leader" in page
    assert "0" * 64 not in page  # fingerprints are not for reviewers


def test_report_says_when_an_edition_changed_nothing(
    sample: tuple[BrochureExtraction, str],
) -> None:
    extraction, text = sample
    unchanged = CHANGES.model_copy(
        update={"projects_added": [], "projects_removed": [], "projects_changed": []}
    )
    page = render_report(extraction, text, changes=unchanged)
    assert "No change since the previous edition." in page


def test_render_report_refuses_text_the_offsets_do_not_index(
    sample: tuple[BrochureExtraction, str],
) -> None:
    extraction, text = sample
    with pytest.raises(ValueError, match="characters"):
        render_report(extraction, text.replace("\n", "\r\n"))


def test_render_index_lists_reports_and_failures(sample: tuple[BrochureExtraction, str]) -> None:
    extraction, text = sample
    page = render_index(
        [
            IndexEntry(
                "clust-er-innovate.txt",
                "clust-er-innovate.report.html",
                extraction,
                source_text=text,
                changes=CHANGES,
            ),
            IndexEntry("broken.txt", None, error="broken.txt: is empty <0 bytes>"),
        ]
    )
    parsed = parse_page(page)

    assert ("a", "href", "clust-er-innovate.report.html") in parsed.resource_attributes
    assert re.search(r'<td class="num">18</td><td class="num">44</td><td class="num">6</td>', page)
    assert "broken.txt: is empty &lt;0 bytes&gt;" in page
    assert not re.search(r"https?://", page)


def test_render_markdown_summary_counts_and_escapes() -> None:
    extraction = extract_text(HOSTILE, "hostile.txt")
    summary = render_markdown_summary(extraction, changes=CHANGES, source_text=HOSTILE)

    assert summary.startswith("# Extraction of hostile.txt\n")
    assert "| 1 | 2 | 0 | 0 | 0 | 0 |" in summary
    assert "Lab \\<script\\>alert(1)\\</script\\> & Co" in summary
    assert "<script>" not in summary
    assert "Old \\<lab\\>" in summary and "<lab>" not in summary
    assert "## Changes since the previous edition" in summary


def test_render_markdown_summary_lists_the_samples_doubts(
    sample: tuple[BrochureExtraction, str],
) -> None:
    extraction, text = sample
    summary = render_markdown_summary(extraction, source_text=text)

    assert "| 18 | 44 | 6 | 13 | 2 |" in summary
    assert "**pasted description** `skills-intelligence`" in summary
    assert "**repeated paragraph dropped**" in summary
    assert "Changes since" not in summary


def test_collect_marks_merges_values_sharing_a_span(
    sample: tuple[BrochureExtraction, str],
) -> None:
    extraction, _ = sample
    debuting = next(p for p in extraction.projects if p.id == "debuting")
    mark = collect_marks(extraction)[(debuting.title_evidence.start, debuting.title_evidence.end)]

    # The inferred title, its acronym and the title_inferred warning point at one word.
    assert {"title", "acronym", "warn"} <= mark.kinds
    assert mark.classes.split()[:2] == ["m", "k-title"]


def test_report_marks_the_lines_a_web_page_sets_as_headings(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(
        "<html><body><main><h1>Harbour Lab</h1>"
        "<p>The Harbour Lab project tests port logistics with sensors along the quay.</p>"
        "<h2>Partners</h2><ul><li>Port Authority of Westhaven</li><li>Sea University</li></ul>"
        "</main></body></html>",
        encoding="utf-8",
    )
    extraction = extract_brochure(page)
    source = read_source(page, Settings())

    report = render_report(extraction, source.text)

    headings = re.findall(r'class="ln h" data-n="(\d+)"', report)
    assert [int(number) for number in headings] == extraction.document.heading_lines
    assert [source.text.split("\n")[int(n) - 1] for n in headings] == ["Harbour Lab", "Partners"]


def test_an_acknowledged_warning_is_no_longer_a_doubt(
    sample_extraction: BrochureExtraction,
) -> None:
    from reports.pages import find_doubts

    extraction = sample_extraction.model_copy(deep=True)
    (warning,) = [w for w in extraction.warnings if w.project_id == "it-er"]
    warning.acknowledged_by = "it-er/acknowledge"

    (doubt,) = [d for d in find_doubts(extraction) if d.project_id == "it-er"]

    assert doubt.kind == "resolved"
    assert doubt.message.endswith("(acknowledged by it-er/acknowledge)")
