"""Re-formatted copies of the sample give the sample's records (copies made in tests/reformat.py).

Four copies: every blank line removed and the paragraphs hard-wrapped at 78 columns; a blank line
after each title and block heading; the long titles wrapped onto two lines; a PDF whose
paragraphs stand apart by white space only, its titles and headings bold in the body's size
(committed in tests/data/pdf/, typeset by tests/data/make_pdfs.py).
Each must give the sample's 18 projects, with the same ids, and records equal to the sample's
but for evidence (`record_view`).

These describe where the segmentation must get to, not where it stands: it still reads a line
as a title only when no blank line follows it.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import reformat
from builders import SamplePdf, sample_pdf, sample_pdf_description
from test_properties import record_view

from evaluation.brochure import Annotations, load_annotations
from extractors.pipeline import extract_text
from readers.pdf import read_pdf_source
from schemas import BrochureExtraction, Settings
from workspace.service import extract_brochure

ROOT = Path(__file__).resolve().parents[1]
ANNOTATION = ROOT / "tests" / "data" / "clust-er-innovate.annotations.yaml"
SAMPLE_PROJECTS = 18

# Each text copy from the sample's text and its title lines.
TEXT_COPIES: dict[str, Callable[[str, set[int]], str]] = {
    "blank-lines-removed": lambda text, titles: reformat.remove_blank_lines(text),
    "blank-line-after-titles": reformat.add_blank_after_titles,
    "titles-wrapped": reformat.wrap_long_titles,
}


@pytest.fixture(scope="session")
def sample_annotations() -> Annotations:
    return load_annotations(ANNOTATION)


@pytest.fixture(scope="session")
def sample_titles(sample_annotations: Annotations) -> set[int]:
    return reformat.title_lines(sample_annotations)


@pytest.fixture(scope="session")
def sample_records(sample_extraction: BrochureExtraction) -> dict[str, Any]:
    records = record_view(sample_extraction)
    assert len(records["projects"]) == SAMPLE_PROJECTS, "the sample itself gives its 18 projects"
    return records


@pytest.fixture(scope="session")
def spacing_only_pdf(sample_text: str) -> SamplePdf:
    """The sample typeset with white space instead of blank lines (tests/data/pdf/)."""
    return sample_pdf(sample_pdf_description()["spacing_only"], sample_text)


def describe_ids(expected: list[str], found: list[str]) -> str:
    """Given the sample's project ids and a copy's, list them in document order, '-' for one
    only the sample has (merged into a neighbour, or renamed) and '+' for one only the copy has
    (split off, or renamed), between the ids both have."""
    lines = [line for line in difflib.ndiff(expected, found) if not line.startswith("?")]
    return f"{len(found)} projects, the sample has {len(expected)}:\n" + "\n".join(lines)


def describe_fields(expected: list[dict[str, Any]], found: list[dict[str, Any]]) -> str:
    """Given the sample's projects and a copy's (same ids), list each field that differs."""
    lines = []
    for wanted, got in zip(expected, found, strict=True):
        for field, value in wanted.items():
            if got[field] != value:
                lines.append(
                    f"{wanted['id']}.{field}:\n  sample {value!r}\n  copy   {got[field]!r}"
                )
    return "\n".join(lines)


def assert_same_records(copy: BrochureExtraction, sample: dict[str, Any]) -> None:
    """Assert that a copy gives the sample's records: its projects by id first, so a failure
    first says which merged or split, then project by project, then the rest."""
    records = record_view(copy)
    expected_ids = [project["id"] for project in sample["projects"]]
    found_ids = [project["id"] for project in records["projects"]]
    assert len(found_ids) == SAMPLE_PROJECTS, describe_ids(expected_ids, found_ids)
    assert found_ids == expected_ids, describe_ids(expected_ids, found_ids)
    assert records["projects"] == sample["projects"], describe_fields(
        sample["projects"], records["projects"]
    )
    assert {key: value for key, value in records.items() if key != "projects"} == {
        key: value for key, value in sample.items() if key != "projects"
    }


# --- the copies themselves -----------------------------------------------------------------------


@pytest.mark.parametrize("copy", list(TEXT_COPIES))
def test_reformatted_sample_text_copy_keeps_every_word(
    copy: str, sample_text: str, sample_titles: set[int]
) -> None:
    assert TEXT_COPIES[copy](sample_text, sample_titles).split() == sample_text.split()


def test_reformatted_sample_copies_are_laid_out_as_described(
    sample_text: str, sample_titles: set[int]
) -> None:
    lines = sample_text.split("\n")
    unspaced = reformat.remove_blank_lines(sample_text).split("\n")
    assert all(line.strip() for line in unspaced)
    assert max(len(line) for line in unspaced) <= reformat.WRAP_WIDTH

    spaced = reformat.add_blank_after_titles(sample_text, sample_titles).split("\n")
    headings = [line for line in lines if reformat.is_block_heading(line)]
    assert len(sample_titles) == 14 and len(headings) == 27
    # Three role headings stand above no role and a blank line already: they keep just that one.
    assert len(spaced) == len(lines) + 14 + 27 - 3
    after = [spaced[i + 1] for i, line in enumerate(spaced) if reformat.is_block_heading(line)]
    assert after == [""] * 27

    long_titles = [n for n in sample_titles if len(lines[n - 1]) > reformat.LONG_TITLE]
    wrapped = reformat.wrap_long_titles(sample_text, sample_titles).split("\n")
    assert len(long_titles) == 5 and len(wrapped) == len(lines) + 5
    assert "A Digital Twins-enabled platform for a REsilient and" in wrapped
    assert "Sustainable production in the InduSTry 5.0 era (RESIST0)" in wrapped


@pytest.mark.slow
def test_reformatted_sample_pdf_reads_back_one_line_per_paragraph_with_bold_titles(
    spacing_only_pdf: SamplePdf, sample_text: str, sample_titles: set[int]
) -> None:
    source = read_pdf_source(spacing_only_pdf.path, Settings())
    assert source.text == spacing_only_pdf.text
    assert "\n\n" not in source.text
    kept = source.text.split("\n")
    sample_lines = sample_text.split("\n")
    emphasised = {kept[number - 1] for number in source.emphasised_lines}
    assert {sample_lines[number - 1] for number in sample_titles} <= emphasised
    assert {"Project partners", "Project Partner", "Role of Clust-ER Innovate"} <= emphasised
    assert len(source.emphasised_lines) == 14 + 27 + 2  # titles, block and group headings


# --- the records of each copy --------------------------------------------------------------------


@pytest.mark.parametrize("copy", list(TEXT_COPIES))
def test_reformatted_sample_text_copy_gives_the_sample_records(
    copy: str, sample_text: str, sample_titles: set[int], sample_records: dict[str, Any]
) -> None:
    text = TEXT_COPIES[copy](sample_text, sample_titles)
    assert_same_records(extract_text(text, source=f"clust-er-innovate.{copy}.txt"), sample_records)


@pytest.mark.slow
def test_reformatted_sample_pdf_with_spacing_only_gives_the_sample_records(
    spacing_only_pdf: SamplePdf, sample_records: dict[str, Any]
) -> None:
    assert_same_records(extract_brochure(spacing_only_pdf.path), sample_records)
