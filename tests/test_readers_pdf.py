"""Reading PDF brochures (readers/pdf.py).

PDFs of the sample, committed in tests/data/pdf/ (one column with a running header and a
"Page N" footer and hyphenation; two columns; bold, larger titles followed by white space; three
justified columns), must give the same records as the sample's text, with the page of every
value. Bad PDFs are refused with an error naming the file and the problem. The layout steps are
checked on hand-built words.

tests/data/make_pdfs.py typesets the PDFs; the last test here checks that the committed files
are what it writes.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pdfplumber
import pytest
from builders import PDF_DATA, SamplePdf, packaged_rules, sample_pdf, sample_pdf_description

from extractors.layout import build_units, classify_line, split_lines
from extractors.pipeline import extract_source
from extractors.segment import is_title_line
from readers.pdf import (
    Metrics,
    TextLine,
    Word,
    assemble_text,
    classify_break,
    find_gutters,
    find_running_rows,
    group_rows,
    is_bold_font,
    is_emphasised,
    join_lines,
    opens_block,
    read_pdf_source,
    split_segments,
    words_from_pdfplumber,
)
from schemas import BrochureExtraction, InputError, Settings
from schemas.document import SourceText
from workspace.service import extract_brochure

SETTINGS = Settings()
RULES = packaged_rules()
MAKE_PDFS = PDF_DATA.parent / "make_pdfs.py"
SAMPLE_PDFS = sample_pdf_description()
# How each sample PDF was set (`PdfLayout` in make_pdfs.py), by layout name.
LAYOUTS: dict[str, dict[str, Any]] = {
    name: entry["layout"] for name, entry in SAMPLE_PDFS["layouts"].items()
}
HEADER = SAMPLE_PDFS["running_header"]
BODY_LEADING = SAMPLE_PDFS["body_leading"]


def without_evidence(value: Any) -> Any:
    """Given a dumped record, drop its evidence (offsets and lines differ between text and PDF)."""
    if isinstance(value, dict):
        return {
            key: without_evidence(item)
            for key, item in value.items()
            if not (isinstance(item, dict) and {"start", "line_start"} <= item.keys())
        }
    if isinstance(value, list):
        return [without_evidence(item) for item in value]
    return value


def evidence_in(value: Any) -> list[dict[str, Any]]:
    """Given a dumped record, return every evidence object in it."""
    if isinstance(value, dict):
        found = [value] if {"start", "line_start"} <= value.keys() else []
        return found + [item for child in value.values() for item in evidence_in(child)]
    if isinstance(value, list):
        return [item for child in value for item in evidence_in(child)]
    return []


@pytest.fixture(scope="session")
def rendered_pdfs(sample_text: str) -> dict[str, SamplePdf]:
    """The sample's committed PDF in every layout."""
    return {name: sample_pdf(entry, sample_text) for name, entry in SAMPLE_PDFS["layouts"].items()}


@pytest.fixture(scope="session")
def pdf_reads(
    rendered_pdfs: dict[str, SamplePdf],
) -> dict[str, tuple[SourceText, BrochureExtraction]]:
    """Each sample PDF read and extracted once per session: seconds of pdfplumber, so every
    test that uses this is marked slow."""
    reads = {}
    for name, rendered in rendered_pdfs.items():
        source = read_pdf_source(rendered.path, SETTINGS)
        reads[name] = (source, extract_source(source, SETTINGS))
    return reads


# --- the sample as PDF ---------------------------------------------------------------------------


@pytest.mark.slow
def test_pdf_sample_material_has_the_traps_it_is_meant_to(
    rendered_pdfs: dict[str, SamplePdf],
) -> None:
    with pdfplumber.open(rendered_pdfs["one-column"].path) as pdf:
        naive = [page.extract_text() for page in pdf.pages]
    assert all(HEADER in page and f"Page {n}" in page for n, page in enumerate(naive, start=1))
    hyphenated = [line for page in naive for line in page.split("\n") if line.endswith("-")]
    assert len(hyphenated) >= 20

    with pdfplumber.open(rendered_pdfs["two-columns"].path) as pdf:
        first = pdf.pages[0]
        naive_lines = first.extract_text_lines()
        words = [
            Word(w["text"], w["x0"], w["x1"], w["top"], w["bottom"], 10)
            for w in first.extract_words()
        ]
    # Read across the page, lines of the first column run on into lines of the second.
    middle = first.width / 2
    assert sum(1 for line in naive_lines if line["x0"] < middle < line["x1"]) > 20
    assert len(find_gutters(group_rows(words), min_width=8)) == 1

    with pdfplumber.open(rendered_pdfs["bold-titles"].path) as pdf:
        title = next(
            w
            for w in pdf.pages[0].extract_words(extra_attrs=["fontname", "size"])
            if w["text"] == "Cultural"
        )
    assert is_bold_font(title["fontname"]) and title["size"] == 13


@pytest.mark.slow
@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_pdf_records_equal_the_text_records_field_by_field(
    layout: str,
    pdf_reads: dict[str, tuple[SourceText, BrochureExtraction]],
    sample_extraction: BrochureExtraction,
) -> None:
    _, extraction = pdf_reads[layout]
    assert [p.id for p in extraction.projects] == [p.id for p in sample_extraction.projects]
    for from_text, from_pdf in zip(sample_extraction.projects, extraction.projects, strict=True):
        expected = without_evidence(from_text.model_dump(mode="json"))
        found = without_evidence(from_pdf.model_dump(mode="json"))
        for field in expected:
            assert found[field] == expected[field], f"{layout}: {from_text.id}.{field}"
    assert [(d.kind, d.duplicate_of, d.text, d.similarity) for d in extraction.duplicates] == [
        (d.kind, d.duplicate_of, d.text, d.similarity) for d in sample_extraction.duplicates
    ]
    assert [g.name for g in extraction.groups] == [g.name for g in sample_extraction.groups]
    assert extraction.publisher == sample_extraction.publisher
    assert [(w.code, w.project_id) for w in extraction.warnings] == [
        (w.code, w.project_id) for w in sample_extraction.warnings
    ]


@pytest.mark.slow
@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_pdf_kept_text_has_one_line_per_line_of_the_sample(
    layout: str,
    pdf_reads: dict[str, tuple[SourceText, BrochureExtraction]],
    rendered_pdfs: dict[str, SamplePdf],
) -> None:
    source, _ = pdf_reads[layout]
    drawn = rendered_pdfs[layout].text
    if LAYOUTS[layout]["space_after_title"] > BODY_LEADING:
        # The space after each title reads as a blank line; every other line is the sample's.
        assert [line for line in source.text.split("\n") if line] == [
            line for line in drawn.split("\n") if line
        ]
    else:
        assert source.text == drawn


@pytest.mark.slow
@pytest.mark.parametrize("layout", [name for name, how in LAYOUTS.items() if how["running_lines"]])
def test_pdf_running_header_and_page_footer_are_dropped(
    layout: str, pdf_reads: dict[str, tuple[SourceText, BrochureExtraction]]
) -> None:
    source, _ = pdf_reads[layout]
    assert HEADER not in source.text
    assert not re.search(r"(?m)^Page \d+$", source.text)


@pytest.mark.slow
@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_pdf_document_is_described_as_a_pdf(
    layout: str,
    pdf_reads: dict[str, tuple[SourceText, BrochureExtraction]],
    rendered_pdfs: dict[str, SamplePdf],
) -> None:
    source, extraction = pdf_reads[layout]
    rendered = rendered_pdfs[layout]
    document = extraction.document
    assert (document.format, document.encoding, document.newline) == ("pdf", "pdf", "lf")
    assert document.pages == rendered.pages == len(source.page_starts or ())
    assert document.sha256 == hashlib.sha256(rendered.path.read_bytes()).hexdigest()
    assert document.characters == len(source.text)


@pytest.mark.slow
@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_pdf_every_evidence_has_a_page_and_slices_its_value(
    layout: str, pdf_reads: dict[str, tuple[SourceText, BrochureExtraction]]
) -> None:
    source, extraction = pdf_reads[layout]
    text = source.text
    pages = extraction.document.pages or 0
    evidences = evidence_in(extraction.model_dump(mode="json"))
    assert len(evidences) > 200
    assert all(e["page"] is not None and 1 <= e["page"] <= pages for e in evidences)
    for project in extraction.projects:
        if not project.title_inferred:
            evidence = project.title_evidence
            assert text[evidence.start : evidence.end] == project.title
        if project.acronym and project.acronym_evidence:
            evidence = project.acronym_evidence
            assert text[evidence.start : evidence.end] == project.acronym
        for partner in project.partners:
            assert partner.evidence is not None
            assert text[partner.evidence.start : partner.evidence.end] == partner.text
        if project.role and project.role.text:
            evidence = project.role.evidence
            assert text[evidence.start : evidence.end].startswith(project.role.text[:40])
        for fact in [project.programme, project.beneficiary, *project.countries, *project.laws]:
            if fact is not None:
                assert text[fact.evidence.start : fact.evidence.end] == fact.text
        for item_list in project.lists:
            for item in item_list.items:
                assert text[item.evidence.start : item.evidence.end] == item.text
    for duplicate in extraction.duplicates:
        assert text[duplicate.evidence.start : duplicate.evidence.end] == duplicate.text


@pytest.mark.slow
@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_pdf_pages_are_those_the_values_were_drawn_on(
    layout: str,
    pdf_reads: dict[str, tuple[SourceText, BrochureExtraction]],
    rendered_pdfs: dict[str, SamplePdf],
    sample_extraction: BrochureExtraction,
) -> None:
    _, extraction = pdf_reads[layout]
    drawn_on = rendered_pdfs[layout].line_pages
    assert extraction.projects[0].evidence.page == 1
    assert extraction.projects[-1].evidence.page == drawn_on[183] > 1
    checked = checked_blocks = 0
    for from_text, from_pdf in zip(sample_extraction.projects, extraction.projects, strict=True):
        assert from_pdf.evidence.page == drawn_on[from_text.evidence.line_start], from_text.id
        assert from_pdf.title_evidence.page == drawn_on[from_text.title_evidence.line_start]
        for text_value, pdf_value in [
            (from_text.description_evidence, from_pdf.description_evidence),
            *[
                (t.evidence, p.evidence)
                for t, p in zip(from_text.lists, from_pdf.lists, strict=True)
            ],
            (
                from_text.role.evidence if from_text.role else None,
                from_pdf.role.evidence if from_pdf.role else None,
            ),
        ]:
            if text_value is not None and pdf_value is not None:
                assert pdf_value.page == drawn_on[text_value.line_start], from_text.id
                checked_blocks += 1
        for text_partner, pdf_partner in zip(from_text.partners, from_pdf.partners, strict=True):
            assert text_partner.evidence is not None and pdf_partner.evidence is not None
            assert pdf_partner.evidence.page == drawn_on[text_partner.evidence.line_start]
            checked += 1
    assert checked == 44 and checked_blocks > 30
    for from_text, from_pdf in zip(
        sample_extraction.duplicates, extraction.duplicates, strict=True
    ):
        assert from_pdf.evidence.page == drawn_on[from_text.evidence.line_start]
    # The layouts differ, so their pages do too: the pages are read, not assumed.
    assert len({rendered.line_pages[183] for rendered in rendered_pdfs.values()}) > 1


@pytest.mark.slow
def test_pdf_emphasised_lines_are_the_titles_and_headings(
    pdf_reads: dict[str, tuple[SourceText, BrochureExtraction]],
    rendered_pdfs: dict[str, SamplePdf],
    sample_extraction: BrochureExtraction,
) -> None:
    source, _ = pdf_reads["two-columns"]
    kept = source.text.split("\n")
    emphasised = {kept[number - 1] for number in source.emphasised_lines}
    drawn = split_lines(rendered_pdfs["two-columns"].text)
    titles = {
        drawn[p.title_evidence.line_start - 1].text
        for p in sample_extraction.projects
        if not p.title_inferred
    }
    headings = {
        line.text
        for line in drawn
        if not line.blank
        and classify_line(line, RULES).kind in ("group", "partners_heading", "role_heading")
    }
    assert emphasised == titles | headings
    assert pdf_reads["one-column"][0].emphasised_lines == frozenset()


@pytest.mark.slow
def test_pdf_titles_followed_by_white_space_are_found_with_or_without_font_evidence(
    pdf_reads: dict[str, tuple[SourceText, BrochureExtraction]],
    sample_extraction: BrochureExtraction,
) -> None:
    # Bold titles followed by a blank line: the font is one cue, the shape the document's
    # titles share (blank line after them, above a paragraph) another; either finds them.
    source, extraction = pdf_reads["bold-titles"]
    plain = extract_source(dataclasses.replace(source, emphasised_lines=frozenset()), SETTINGS)
    titled = [p.title for p in extraction.projects if not p.title_inferred]
    assert titled == [p.title for p in sample_extraction.projects if not p.title_inferred]
    assert [p.title for p in plain.projects if not p.title_inferred] == titled


# --- bad PDFs ------------------------------------------------------------------------------------


def pdf_without_pages() -> bytes:
    """A well-formed PDF whose page tree is empty."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"]
    data = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(data))
        data += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(data)
    data += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    data += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    data += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(data)


def refusal(path: Path, settings: Settings = SETTINGS) -> InputError:
    """Extract `path` through the whole pipeline and return the `InputError` it raises."""
    with pytest.raises(InputError) as caught:
        extract_brochure(path, settings)
    assert str(path) in str(caught.value)
    return caught.value


def test_pdf_text_page_reads_like_its_text() -> None:
    extraction = extract_brochure(PDF_DATA / "snippet.pdf")
    project = extraction.projects[0]
    assert project.title == "Motor Valley Innovation Lab"
    assert [p.name for p in project.partners] == ["University of Bologna", "Clust-ER MECH"]
    assert project.role is not None and project.role.category == "partner"
    assert project.partners[0].evidence is not None
    assert (project.partners[0].evidence.line_start, project.partners[0].evidence.page) == (5, 1)


def test_pdf_symbol_font_bullets_read_as_bullet_glyphs() -> None:
    raw = [
        {"text": "l", "x0": 50, "x1": 56, "top": 10, "bottom": 18, "fontname": "ZapfDingbats"},
        {"text": "\uf0b7", "x0": 50, "x1": 56, "top": 30, "bottom": 38, "fontname": "Symbol"},
        {"text": "l", "x0": 60, "x1": 63, "top": 10, "bottom": 18, "fontname": "Helvetica"},
    ]
    assert [w.text for w in words_from_pdfplumber(raw)] == ["●", "•", "l"]


def test_pdf_password_protected_is_refused() -> None:
    error = refusal(PDF_DATA / "snippet-password-protected.pdf")
    assert "password-protected" in error.problem
    assert "Traceback" not in str(error)


def test_pdf_truncated_is_refused() -> None:
    cut = PDF_DATA / "snippet-truncated.pdf"  # the first half of a two-page PDF
    assert "truncated" in refusal(cut).problem


def test_pdf_damaged_is_refused_without_a_parser_traceback(tmp_path: Path) -> None:
    damaged = tmp_path / "damaged.pdf"
    damaged.write_bytes(b"%PDF-1.4\n1 0 obj\n<< /Type /Nonsense\nendobj\ntrailer\n%%EOF\n")
    error = refusal(damaged)
    assert error.problem.startswith("could not be parsed as a PDF (")
    assert error.fix and "\n" not in str(error)


def test_pdf_without_pages_is_refused(tmp_path: Path) -> None:
    empty = tmp_path / "no-pages.pdf"
    empty.write_bytes(pdf_without_pages())
    assert refusal(empty).problem == "has no pages"


def test_pdf_empty_file_is_refused(tmp_path: Path) -> None:
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    assert "empty" in refusal(empty).problem


def test_pdf_image_only_pdf_says_ocr_is_needed() -> None:
    error = refusal(PDF_DATA / "image-only.pdf")
    assert "no text layer" in error.problem
    assert "pages 1 and 2" in error.problem and "OCR" in error.problem


def test_pdf_image_only_page_among_text_pages_is_skipped_with_a_warning() -> None:
    path = PDF_DATA / "image-only-page-among-text.pdf"  # a text page, an image, a text page
    extraction = extract_brochure(path)
    warning = next(w for w in extraction.warnings if w.code == "image_only_pages")
    assert str(path) in warning.message and "page 2 has no text layer" in warning.message
    assert "OCR" in warning.message
    assert extraction.projects[0].title == "Motor Valley Innovation Lab"
    assert extraction.document.pages == 3


def test_pdf_text_file_named_pdf_is_refused(tmp_path: Path, sample_text: str) -> None:
    fake = tmp_path / "brochure.pdf"
    fake.write_text(sample_text, encoding="utf-8")
    error = refusal(fake)
    assert error.problem == "is named .pdf but is not a PDF (it does not start with '%PDF-')"
    assert ".txt" in error.fix


def test_pdf_over_the_page_limit_is_refused(rendered_pdfs: dict[str, SamplePdf]) -> None:
    rendered = rendered_pdfs["one-column"]
    error = refusal(rendered.path, Settings(page_limit=3))
    assert error.problem == f"has {rendered.pages} pages, over the limit of 3"
    assert "page_limit" in error.fix


# --- the layout steps on hand-built words --------------------------------------------------------


def word(text: str, x0: float, top: float, size: float = 10.0, bold: bool = False) -> Word:
    """A word 0.5 em per character wide."""
    return Word(text, x0, x0 + 0.5 * size * len(text), top, top + size, size, bold)


def row(text: str, x0: float, top: float, size: float = 10.0, bold: bool = False) -> list[Word]:
    """Words of `text` from `x0`, one 0.3 em space apart."""
    words = []
    for part in text.split():
        words.append(word(part, x0, top, size, bold))
        x0 = words[-1].x1 + 0.3 * size
    return words


COLUMN_TEXT = [
    "Sustainable manufacturing is the aim",
    "of the project and of its partners,",
    "who test the services in real use",
    "cases from the partner companies.",
    "The platform keeps models updated",
    "as production processes change.",
]


def two_column_page() -> list[Word]:
    """A heading across both columns, six rows in each column, a centred page number."""
    words = row("Data-driven IT Services for Sustainable and Efficient Manufacturing", 60, 40)
    for index, text in enumerate(COLUMN_TEXT):
        words += row(text, 60, 70 + 13 * index)
        words += row(text.upper(), 320, 70 + 13 * index)
    return words + row("7", 300, 800)


def test_pdf_gutter_found_from_word_positions_and_columns_read_in_turn() -> None:
    rows = group_rows(two_column_page())
    gutters = find_gutters(rows, min_width=8)
    left_end = max(w.x1 for w in two_column_page() if w.x0 < 300 and 70 <= w.top < 800)
    assert gutters == [(left_end, 320)]
    segments = split_segments(rows, gutters)
    read = [(is_band, " ".join(w.text for w in words[:3])) for words, is_band in segments]
    assert read == [
        (True, "Data-driven IT Services"),
        (False, "Sustainable manufacturing is"),
        (False, "SUSTAINABLE MANUFACTURING IS"),
        (True, "7"),
    ]


def test_pdf_three_columns_have_two_gutters() -> None:
    words = []
    for index, text in enumerate(COLUMN_TEXT):
        for x0 in (60, 250, 440):
            words += row(text[:28], x0, 70 + 13 * index)
    gutters = find_gutters(group_rows(words), min_width=8)
    assert [high for _, high in gutters] == [250, 440]


def test_pdf_single_column_has_no_gutter() -> None:
    words = [
        w for index, text in enumerate(COLUMN_TEXT * 3) for w in row(text, 60, 70 + 13 * index)
    ]
    assert find_gutters(group_rows(words), min_width=8) == []


def test_pdf_running_lines_found_by_place_and_text_with_digits_normalised() -> None:
    pages = []
    for number in (1, 2, 3):
        rows = [
            row("Clust-ER Innovate Annual Report 2024", 60, 20),
            row("Project partners", 60, 40 + 20 * number),  # the same text, not the same place
            row(f"Body text about {['bees', 'wasps', 'ants'][number - 1]}", 60, 120),
            row(f"Page {number}", 290, 800),
        ]
        pages.append([tuple(r) for r in rows])
    pages[2].insert(1, tuple(row("Role of Clust-ER Innovate", 60, 50)))
    assert find_running_rows(pages) == {(0, 0), (0, 3), (1, 0), (1, 3), (2, 0), (2, 4)}


@pytest.mark.parametrize(
    ("head", "tail", "joined"),
    [
        ("the imple-", "mentation of", "the imple" + "mentation of"),
        ("in Emilia-", "Romagna and", "in Emilia-Romagna and"),
        ("the co-", "design of", "the co-design of"),  # written 'co-design' elsewhere
        ("a pre-", "-feasibility study", "a pre-feasibility study"),  # hyphen repeated
        ("from 2023-", "2024 on", "from 2023-2024 on"),
        ("soft\u00ad", "ware", "software"),
        ("actions -", "preliminary", "actions - preliminary"),
        ("the project", "partners", "the project partners"),
    ],
)
def test_pdf_line_end_hyphens_joined_and_compounds_kept(head: str, tail: str, joined: str) -> None:
    assert join_lines(head, tail, frozenset({"co-design"})) == joined


METRICS = Metrics(body_size=10.0, line_gap=3.0, space_ratio=0.3)


def text_line(text: str, x0: float, top: float, page: int = 1, segment: int = 0) -> TextLine:
    return TextLine(page, segment, tuple(row(text, x0, top)), left=50.0, right=250.0)


def full_line(x0: float, top: float, page: int = 1, segment: int = 0, text: str = "") -> TextLine:
    """A line of words filling its column: the column's right edge is 2 points after it."""
    words = row(text or "word " * 40, x0, top)
    kept = tuple(w for w in words if w.x1 <= 250.0)
    return TextLine(page, segment, kept, left=50.0, right=kept[-1].x1 + 2)


@pytest.mark.parametrize(
    ("previous", "line", "item_indent", "expected"),
    [
        # A line that stopped short ends its paragraph.
        (text_line("Skills Intelligence", 50, 100), text_line("The tool", 50, 113), None, "line"),
        # A full line runs on into the next.
        (full_line(50, 100), text_line("shows data", 50, 113), None, "join"),
        # Extra white space: a paragraph gap, or a blank line.
        (full_line(50, 100), text_line("shows data", 50, 118), None, "line"),
        (full_line(50, 100), text_line("shows data", 50, 128), None, "blank"),
        # A block heading of the layout rules stands on its own line.
        (full_line(50, 100), text_line("Project partners", 50, 113), None, "line"),
        (full_line(50, 100), text_line("role of the Region", 50, 113), None, "join"),
        # A list item runs on only onto a line indented past its marker.
        (
            full_line(50, 100, text="- word " + "word " * 40),
            text_line("word", 64, 113),
            0.0,
            "join",
        ),
        (
            full_line(50, 100, text="- word " + "word " * 40),
            text_line("- word", 50, 113),
            0.0,
            "line",
        ),
        # Across a column break no gap is seen: a sentence end before a capital ends it.
        (
            full_line(50, 700, text="word " * 7 + "end."),
            text_line("The next", 50, 60, 1, 1),
            None,
            "line",
        ),
        (full_line(50, 700), text_line("the rest", 50, 60, 2, 0), None, "join"),
    ],
)
def test_pdf_line_breaks_classified_from_fill_gap_indent_and_markers(
    previous: TextLine, line: TextLine, item_indent: float | None, expected: str
) -> None:
    opens_item, opens_heading = opens_block(line.text, RULES)
    decision = classify_break(
        previous,
        line,
        METRICS,
        item_indent=item_indent,
        opens_item=opens_item,
        opens_heading=opens_heading,
    )
    assert decision == expected


def test_pdf_page_start_after_a_repeated_hyphen_is_the_page_s_first_kept_letter() -> None:
    lines = [
        full_line(50, 700, text="word " * 7 + "a pre-"),
        text_line("-feasibility study", 50, 60, page=2),
    ]
    laid_out = assemble_text(lines, 2, METRICS, RULES)
    assert laid_out.text.endswith(" a pre-feasibility study")
    assert laid_out.text[laid_out.page_starts[1] :] == "feasibility study"


def test_pdf_page_starts_point_into_joined_lines_and_past_empty_pages() -> None:
    lines = [
        text_line("Skills Intelligence", 50, 100, page=1),
        full_line(50, 113, page=1),
        text_line("continued on page three.", 50, 60, page=3),
    ]
    laid_out = assemble_text(lines, 4, METRICS, RULES)
    first, second = laid_out.text.split("\n")
    assert first == "Skills Intelligence"
    assert second.endswith(" continued on page three.")
    third_page = laid_out.text.index("continued")
    # Page 2 holds nothing: it starts where page 3 does; so does page 4, at the end.
    assert laid_out.page_starts == (0, third_page, third_page, len(laid_out.text))


@pytest.mark.parametrize(
    ("fontname", "bold"),
    [
        ("ABCDEF+Arial-BoldMT", True),
        ("Helvetica-Bold", True),
        ("AAAAAA+DejaVuSans-Bold", True),
        ("Montserrat-SemiBold", True),
        ("Arial,Bold", True),
        ("ABCDEF+Arial-ItalicMT", False),
        ("Helvetica", False),
        ("BOLDFACE+Garamond", False),
    ],
)
def test_pdf_bold_read_from_the_font_name(fontname: str, bold: bool) -> None:
    assert is_bold_font(fontname) is bold


def test_pdf_emphasis_is_a_larger_or_bolder_font_than_the_body() -> None:
    body = (10.0, False)
    assert is_emphasised(row("Lab Move Up", 50, 100, size=13), body)
    assert is_emphasised(row("Project partners", 50, 100, bold=True), body)
    assert not is_emphasised(row("The Lab MOVE-UP project", 50, 100), body)
    assert not is_emphasised(row("Project partners", 50, 100, bold=True), (10.0, True))


def test_segment_emphasised_line_is_a_title_even_before_a_blank_line() -> None:
    units = build_units("Lab Move Up\n\nThe Lab MOVE-UP project aims to develop welfare.", RULES)
    assert not is_title_line(units[0], units[1], SETTINGS)
    assert is_title_line(units[0], units[1], SETTINGS, emphasised=True)
    # Emphasis does not make a title of what the text rules refuse outright.
    sentence = build_units("The lab works.\nThe Lab MOVE-UP project aims to develop.", RULES)
    assert not is_title_line(sentence[0], sentence[1], SETTINGS, emphasised=True)


# --- the committed PDFs --------------------------------------------------------------------------


@pytest.mark.slow
def test_pdf_committed_files_are_what_make_pdfs_writes(tmp_path: Path) -> None:
    run = subprocess.run(
        [sys.executable, str(MAKE_PDFS), "--out", str(tmp_path)], capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    written = sorted(path.name for path in tmp_path.iterdir())
    assert written == sorted(path.name for path in PDF_DATA.iterdir())
    for name in written:
        fix = f"{name} differs: run .venv/bin/python tests/data/make_pdfs.py"
        assert (tmp_path / name).read_bytes() == (PDF_DATA / name).read_bytes(), fix
