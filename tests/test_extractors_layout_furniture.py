"""Units the layout reads before segmentation (extractors/layout.py): page furniture, table
rows, field lines and wrapped titles."""

from __future__ import annotations

import pytest
from builders import lines, packaged_rules

from extractors.layout import Unit, build_units, classify_line, split_lines
from extractors.pipeline import extract_text

rules = packaged_rules()
FURNITURE = "page furniture (running header or footer, page number, contents)"


def kinds(text: str) -> list[tuple[str, str]]:
    return [(unit.kind, unit.text) for unit in build_units(text, rules)]


def only_unit(text: str) -> Unit:
    (unit,) = build_units(text, rules)
    return unit


@pytest.mark.parametrize(
    "line",
    [
        "Orchard Water Pilot ........ 3",
        "Dairy Cold Chain . . . . . . 14",
        "- 12 -",
        "Page 4",
        "7 / 20",
    ],
)
def test_layout_furniture_lines_are_furniture_units(line: str) -> None:
    (physical,) = split_lines(line)
    assert classify_line(physical, rules).kind == "furniture"


CONTENTS = [
    "Contents",
    "Orchard Water Pilot ........ 3",
    "Dairy Cold Chain .......... 5",
    "- 2 -",
    "",
]
BODY = [
    "Orchard Water Pilot",
    "",
    "The pilot tests sensor-driven irrigation in apple orchards of the upper valley.",
    "",
    "Dairy Cold Chain",
    "",
    "The pilot tracks the temperature of milk from the farm to the cheese factory.",
    "- 3 -",
]


def test_layout_contents_and_page_numbers_are_kept_as_furniture() -> None:
    extraction = extract_text(lines(*CONTENTS, *BODY), source="x.txt")
    furniture = [item.text for item in extraction.unassigned if item.reason == FURNITURE]
    assert furniture == [
        "Orchard Water Pilot ........ 3",
        "Dairy Cold Chain .......... 5",
        "- 2 -",
        "- 3 -",
    ]
    assert [item.evidence.rule for item in extraction.unassigned if item.reason == FURNITURE] == [
        "furniture"
    ] * 4


@pytest.mark.parametrize(
    ("contents", "titles"),
    [
        pytest.param(CONTENTS, ["Orchard Water Pilot", "Dairy Cold Chain"], id="with-contents"),
        pytest.param([], [], id="without-contents"),
    ],
)
def test_layout_contents_entry_opens_the_section_it_names(
    contents: list[str], titles: list[str]
) -> None:
    # Each heading stands between blank lines: alone it is too weak a title; its contents
    # entry is what makes it one.
    extraction = extract_text(lines(*contents, *BODY), source="x.txt")
    assert [project.title for project in extraction.projects] == titles


def _page(title: str, sentence: str, tasks: list[str]) -> list[str]:
    return [
        "Valley Cluster Annual Report",
        "",
        title,
        sentence,
        "Tasks",
        *(f"- {task}" for task in tasks),
        "",
    ]


PAGES = [
    *_page(
        "Orchard Water Pilot (AQUORCH)",
        "The pilot tests sensor-driven irrigation in apple orchards of the upper valley.",
        ["install the probes", "train the growers"],
    ),
    *_page(
        "Dairy Cold Chain (COLDAIRY)",
        "The pilot tracks the temperature of milk from the farm to the cheese factory.",
        ["fit the loggers", "compare the routes"],
    ),
    *_page(
        "Rural Broadband (RUBRO)",
        "The pilot brings fibre to three mountain villages and measures its use.",
        ["lay the cable", "survey the families"],
    ),
]


def test_layout_running_header_at_each_page_break_is_furniture() -> None:
    units = build_units(lines(*PAGES), rules)
    headers = [unit for unit in units if unit.text == "Valley Cluster Annual Report"]
    assert [unit.kind for unit in headers] == ["furniture"] * 3
    assert [unit.line_start for unit in headers] == [1, 9, 17]


def test_layout_heading_repeated_above_each_block_is_not_furniture() -> None:
    units = build_units(lines(*PAGES), rules)
    tasks = [unit for unit in units if unit.text == "Tasks"]
    assert [unit.kind for unit in tasks] == ["text"] * 3
    assert [unit.text for unit in units if unit.kind == "item"][:2] == [
        "install the probes",
        "train the growers",
    ]


def test_layout_running_header_is_kept_in_unassigned_as_furniture() -> None:
    extraction = extract_text(lines(*PAGES), source="x.txt")
    assert [item.text for item in extraction.unassigned if item.reason == FURNITURE] == [
        "Valley Cluster Annual Report"
    ] * 3
    assert [project.title for project in extraction.projects] == [
        "Orchard Water Pilot",
        "Dairy Cold Chain",
        "Rural Broadband",
    ]


@pytest.mark.parametrize(
    ("text", "cells"),
    [
        ("WP\tTitle\tLead", ["WP", "Title", "Lead"]),
        ("1\tField trials\tOrchard Institute", ["1", "Field trials", "Orchard Institute"]),
        ("WP | Title | Lead", ["WP", "Title", "Lead"]),
        ("1 | Field trials | Orchard Institute", ["1", "Field trials", "Orchard Institute"]),
    ],
)
def test_layout_table_row_is_a_table_row_unit_with_its_cells(text: str, cells: list[str]) -> None:
    unit = only_unit(text)
    assert unit.kind == "table_row"
    assert [text[start:end] for start, end in unit.cells] == cells


def test_layout_line_with_one_pipe_is_not_a_table_row() -> None:
    unit = only_unit("Heat | Light")
    assert (unit.kind, unit.cells) == ("text", ())


CARDS = [
    "Glacio",
    "Ambassador: Mia Rossi",
    "Duration: 2023-2026",
    "",
    "Snowpack",
    "Ambassador: Leo Bianchi",
    "Duration: 2024-2027",
]


def test_layout_field_repeated_on_each_card_is_a_field_unit() -> None:
    assert kinds(lines(*CARDS)) == [
        ("text", "Glacio"),
        ("field", "Ambassador: Mia Rossi"),
        ("field", "Duration: 2023-2026"),
        ("text", "Snowpack"),
        ("field", "Ambassador: Leo Bianchi"),
        ("field", "Duration: 2024-2027"),
    ]


def test_layout_field_value_starts_after_its_colon() -> None:
    text = lines(*CARDS)
    field = build_units(text, rules)[1]
    assert field.value_start is not None
    assert text[field.value_start : field.end].strip() == "Mia Rossi"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        pytest.param("Glacio\nAmbassador: Mia Rossi\n", "text", id="unknown-key-once"),
        pytest.param("Glacio\nDuration: 2023-2026\n", "field", id="known-key-once"),
    ],
)
def test_layout_field_key_once_is_a_field_only_when_known(text: str, kind: str) -> None:
    assert build_units(text, rules)[1].kind == kind


SENTENCE = "The project maps the springs of twelve villages and plans how to share their water."


@pytest.mark.parametrize(
    ("first", "second"),
    [
        pytest.param(
            "Sustainable Water Management for Mountain and", "Valley Communities", id="ends-on-and"
        ),
        pytest.param(
            "Sustainable Water Management for Mountain Villages",
            "and their neighbouring valleys",
            id="second-half-lower-case",
        ),
    ],
)
def test_layout_title_wrapped_onto_two_lines_is_one_unit(first: str, second: str) -> None:
    assert kinds(lines(first, second, SENTENCE)) == [
        ("text", f"{first} {second}"),
        ("text", SENTENCE),
    ]


def test_layout_wrapped_title_is_the_project_title() -> None:
    extraction = extract_text(
        lines(
            "Sustainable Water Management for Mountain and",
            "Valley Communities (AQUAMONT)",
            SENTENCE,
            "",
            "Cold Chain Monitoring for Dairy (COLDAIRY)",
            "The project tracks the temperature of milk from the farm to the cheese factory.",
        ),
        source="x.txt",
    )
    assert [(project.title, project.acronym) for project in extraction.projects] == [
        ("Sustainable Water Management for Mountain and Valley Communities", "AQUAMONT"),
        ("Cold Chain Monitoring for Dairy", "COLDAIRY"),
    ]


def test_layout_short_heading_above_a_sentence_is_not_joined() -> None:
    assert kinds(lines("Orchard Water Pilot", SENTENCE)) == [
        ("text", "Orchard Water Pilot"),
        ("text", SENTENCE),
    ]


def test_layout_names_repeated_in_a_table_column_are_not_furniture() -> None:
    # The document's projects, one to a line, in two groups tables, then each above its
    # abstract: a column of names runs longer than a header and a footer together.
    column = ["AQUORCH", "VINFROST", "SOILNET", "HORTIS"]
    text = lines(
        "Groups",
        "",
        *column,
        "",
        "Groups by topic",
        "",
        *reversed(column),
        "",
        *[
            row
            for name in column
            for row in (name, "", f"{name} brings sensors to the growers of the valley.", "")
        ],
    )
    titles = [unit for unit in build_units(text, rules) if unit.text == "SOILNET"]
    assert [unit.kind for unit in titles] == ["text"] * 3
    extraction = extract_text(text, source="x.txt")
    assert [project.title for project in extraction.projects][-4:] == column


def test_layout_block_wrapped_in_a_text_of_one_line_paragraphs_is_one_unit() -> None:
    long_paragraph = (
        "The cluster gathers the fruit growers, the irrigation firms and the two research "
        "institutes of the valley around one shared platform of sensors and data."
    )
    text = lines(
        "Orchard Water Pilot",
        "",
        long_paragraph,
        "",
        long_paragraph.replace("cluster", "pilot"),
        "",
        # One block hard-wrapped near 90 columns, its lines starting with capitals.
        "The pilot brings together Sensor Networks, Irrigation Advice and Data Platforms from",
        "Horizon Europe and Interreg projects of the region, and it includes: an energy-",
        "related study of pumps (PUMPS); weather services for the growers (METEO); and a",
        "Shared Data Space.",
    )
    units = [unit for unit in build_units(text, rules) if unit.kind != "furniture"]
    assert [unit.line_start for unit in units] == [1, 3, 5, 7]
    assert units[-1].line_end == 10
