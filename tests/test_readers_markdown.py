"""Reading Markdown files: front matter's title first, headings as title evidence, lists, pipe
tables and inline HTML as the HTML reader reads them, clear errors for bad input."""

from __future__ import annotations

from pathlib import Path

import pytest
from builders import write_file

from readers.formats import read_source
from readers.markdown import markdown_lines, read_markdown_source, split_front_matter
from schemas import InputError, Settings
from workspace.service import extract_brochure

SETTINGS = Settings()

CONSORTIUM = """---
title: Partners of the HELIOS project
sidebar_position: 3
tags: [energy, solar]
---

The HELIOS consortium brings together **four partners** from three countries:

## Project partners

- **SUN** (Solar University of Nordland, Norway) - Project Coordinator
- **PVT** (Photovoltaic Testing Institute, Germany)
- **GRID** (Grid Operators Association, Spain)

## Work packages

| WP | Title | Months |
|----|-------|--------|
| 1 | Management | 1-36 |
| 2 | Field trials | 6-30 |
"""


def texts(markdown: str) -> list[str]:
    return [line.text for line in markdown_lines(markdown)]


def test_markdown_reader_front_matter_title_is_the_first_line(tmp_path: Path) -> None:
    source = read_markdown_source(write_file(tmp_path, "helios.md", CONSORTIUM), SETTINGS)
    assert source.format == "markdown"
    assert source.text.split("\n") == [
        "Partners of the HELIOS project",
        "The HELIOS consortium brings together four partners from three countries:",
        "Project partners",
        "- SUN (Solar University of Nordland, Norway) - Project Coordinator",
        "- PVT (Photovoltaic Testing Institute, Germany)",
        "- GRID (Grid Operators Association, Spain)",
        "Work packages",
        "WP\tTitle\tMonths",
        "1\tManagement\t1-36",
        "2\tField trials\t6-30",
    ]
    assert source.emphasised_lines == frozenset({1, 3, 7})
    assert source.line_elements is not None
    assert source.line_elements[:4] == (
        "front-matter > title",
        "body > p",
        "body > h2:nth-of-type(1)",
        "body > ul > li:nth-of-type(1)",
    )


def test_markdown_reader_gives_partners_and_work_packages_with_their_elements(
    tmp_path: Path,
) -> None:
    extraction = extract_brochure(write_file(tmp_path, "helios.md", CONSORTIUM))
    assert extraction.document.format == "markdown"
    project = extraction.projects[0]
    assert [(partner.short_name, partner.name) for partner in project.partners] == [
        ("SUN", "Solar University of Nordland"),
        ("PVT", "Photovoltaic Testing Institute"),
        ("GRID", "Grid Operators Association"),
    ]
    assert project.partners[0].consortium_role == "coordinator"
    assert project.partners[0].evidence is not None
    assert project.partners[0].evidence.element == "body > ul > li:nth-of-type(1)"
    assert [(package.number, package.title) for package in project.work_packages] == [
        (1, "Management"),
        (2, "Field trials"),
    ]


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("---\ntitle: Alpha project\n---\nBody.\n", "Alpha project"),
        ('+++\ntitle = "Beta project"\n+++\nBody.\n', "Beta project"),
        ("---\nlayout: page\n---\nBody.\n", None),
        ("---\n: not yaml: [\n---\nBody.\n", None),
        ("No front matter.\n\n---\n\nBody.\n", None),
    ],
    ids=["yaml", "toml", "no-title", "invalid-yaml", "none"],
)
def test_markdown_reader_splits_front_matter(text: str, title: str | None) -> None:
    found, body = split_front_matter(text)
    assert found == title
    assert "Body." in body
    assert "title" not in body and "layout" not in body


def test_markdown_reader_headings_of_every_level_are_headings() -> None:
    lines = markdown_lines(
        "".join(f"{'#' * level} Heading {level}\n\nText.\n\n" for level in range(1, 7))
    )
    assert [(line.text, line.heading) for line in lines if line.heading] == [
        (f"Heading {level}", True) for level in range(1, 7)
    ]


def test_markdown_reader_nested_lists_indent_two_spaces_per_level() -> None:
    assert texts("- Partners\n  - Universities\n    1. Tarvos\n- Others\n") == [
        "- Partners",
        "  - Universities",
        "    - Tarvos",
        "- Others",
    ]


def test_markdown_reader_inline_html_breaks_lines_and_drops_styles_and_tags() -> None:
    text = """<style>
.card { display: flex; }
</style>

# {% include icon.html icon="flask" %}Research

<div class="card">
  <h4>ORBIT: Orbital debris tracking</h4>
  <strong>Duration:</strong> 2024–2027<br>
  <strong>Funding:</strong> Horizon Europe
</div>

A paragraph with <span class="x">inline</span> markup.<br>And a second line. {: .notice}
"""
    lines = markdown_lines(text)
    assert [line.text for line in lines] == [
        "Research",
        "ORBIT: Orbital debris tracking",
        "Duration: 2024–2027",
        "Funding: Horizon Europe",
        "A paragraph with inline markup.",
        "And a second line.",
    ]
    assert [line.text for line in lines if line.heading] == [
        "Research",
        "ORBIT: Orbital debris tracking",
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "is empty (0 bytes)"),
        (b"\n\n   \n", "holds only white space"),
        (b"\x00\x01\x02\x03binary\x00\x00\xff\xfe\x00", "is named .md but is not a Markdown file"),
        (b"---\nlayout: page\n---\n\n<!-- nothing -->\n", "has no text besides its front matter"),
    ],
    ids=["empty", "white-space", "binary", "only-front-matter"],
)
def test_markdown_reader_bad_input_is_an_input_error_naming_the_file(
    tmp_path: Path, data: bytes, message: str
) -> None:
    path = write_file(tmp_path, "bad.md", data)
    with pytest.raises(InputError) as raised:
        read_source(path, SETTINGS)
    assert raised.value.path == str(path)
    assert message in str(raised.value)


def test_markdown_reader_the_size_limit_applies(tmp_path: Path) -> None:
    path = write_file(tmp_path, "big.md", "word " * 500)
    with pytest.raises(InputError, match="over the limit of 1,000"):
        read_source(path, Settings(max_file_bytes=1000))


PROJECT_CARDS = """# Projects

## ORCHARD: Water sensors for the Upper Valley

ORCHARD develops sustainable irrigation practices for apple orchards.

- Programme: Horizon 2020
- Duration: January 2020 – December 2023
- Budget: EUR 2.5 million
- Coordinator: University of Valverde (Italy)
- Partners: Institute of Agronomy (Italy), Lakeside Water (Austria)

## PASTURE

Started in 2019, PASTURE maps the grazing land of three valleys.

Lead partner: Hill Farmers Association

Partners: Alpine Research Centre; Valley Cooperative
"""


def test_markdown_headings_above_short_paragraphs_stay_titles(tmp_path: Path) -> None:
    # Every block is a line of its own: a heading as long as the other lines is not read as
    # the start of a paragraph broken at that width.
    extraction = extract_brochure(write_file(tmp_path, "projects.md", PROJECT_CARDS))

    assert [(project.acronym, project.title) for project in extraction.projects] == [
        ("ORCHARD", "Water sensors for the Upper Valley"),
        ("PASTURE", "PASTURE"),
    ]
    orchard, pasture = extraction.projects
    assert orchard.description == (
        "ORCHARD develops sustainable irrigation practices for apple orchards."
    )
    assert [partner.name for partner in pasture.partners] == [
        "Hill Farmers Association",
        "Alpine Research Centre",
        "Valley Cooperative",
    ]
    assert extraction.unassigned == []
