from __future__ import annotations

import pytest
from builders import joined_lines, packaged_rules

from extractors.layout import Unit, build_units, estimate_wrap_width, split_lines
from extractors.text import fold

rules = packaged_rules()


def spans_match(text: str, units: list[Unit]) -> None:
    """Every unit's offsets slice the kept text to the unit's text (newlines read as spaces)."""
    for unit in units:
        assert text[unit.start : unit.end].replace("\n", " ") == unit.text


def test_layout_split_lines_offsets() -> None:
    text = joined_lines("one", "", "  three  ")

    result = split_lines(text)

    assert [(line.number, line.start, line.end, line.text) for line in result] == [
        (1, 0, 3, "one"),
        (2, 4, 4, ""),
        (3, 5, 14, "  three  "),
    ]
    assert [line.blank for line in result] == [False, True, False]


@pytest.mark.parametrize("glyph", ["-", "\u2013", "\u2014", "\u2022", "\u25cf", "*", "\u25aa"])
def test_layout_bullet_glyphs_make_item_units(glyph: str) -> None:
    # The marker is read on the folded line: dashes of every width come out as "-".
    text = joined_lines(
        "A summary of the activities that will be carried out:",
        f"{glyph} Stakeholder engagement",
        f"{glyph} Communication actions and awareness-raising",
    )

    units = build_units(text, rules)

    assert [(unit.kind, unit.text, unit.marker) for unit in units] == [
        ("text", "A summary of the activities that will be carried out:", None),
        ("item", "Stakeholder engagement", fold(glyph)),
        ("item", "Communication actions and awareness-raising", fold(glyph)),
    ]
    assert [unit.line_start for unit in units] == [1, 2, 3]
    spans_match(text, units)


@pytest.mark.parametrize(
    ("first", "second"),
    [("1.", "2."), ("1)", "2)"), ("9.", "10."), ("a)", "b)")],
)
def test_layout_numbered_markers_make_item_units(first: str, second: str) -> None:
    text = joined_lines(
        "Main functions:", f"{first} Operative connection", f"{second} Activity plan"
    )

    units = build_units(text, rules)

    assert [(unit.kind, unit.text, unit.marker) for unit in units[1:]] == [
        ("item", "Operative connection", first),
        ("item", "Activity plan", second),
    ]
    spans_match(text, units)


@pytest.mark.parametrize(
    "line", ["-dash without space", "2023 was a good year.", "1.5 million euros"]
)
def test_layout_marker_needs_white_space_after_it(line: str) -> None:
    (unit,) = build_units(line, rules)

    assert unit.kind == "text"
    assert unit.marker is None


def test_layout_indented_item_keeps_offsets() -> None:
    text = joined_lines("Needs:", "   \u2013  Type of recipients involved;")

    item = build_units(text, rules)[1]

    assert (item.kind, item.text, item.marker) == ("item", "Type of recipients involved;", "-")
    assert text[item.start : item.end] == "Type of recipients involved;"


# Lines 79-80 of the sample: a paragraph hard-wrapped before a lower-case word.
WRAPPED_FIRST = (
    "Through the software platform, the company will be able to define digital models of the "
    "company assets dedicated to production, and finally build a reliable supply chain starting "
    "from an innovative rating"
)
WRAPPED_SECOND = (
    "model of the players in the supply chain based on social and environmental sustainability "
    "parameters."
)


def test_layout_hard_wrapped_paragraph_is_joined() -> None:
    text = joined_lines(
        "Intro paragraph of the project.", WRAPPED_FIRST, WRAPPED_SECOND, "Project partners"
    )

    units = build_units(text, rules)

    assert [unit.kind for unit in units] == ["text", "text", "partners_heading"]
    joined = units[1]
    assert joined.text == f"{WRAPPED_FIRST} {WRAPPED_SECOND}"
    assert (joined.line_start, joined.line_end) == (2, 3)
    assert joined.start == text.index(WRAPPED_FIRST)
    assert joined.end == text.index(WRAPPED_SECOND) + len(WRAPPED_SECOND)
    assert joined.last_line_length == len(WRAPPED_SECOND)
    spans_match(text, units)


BLOCK_LINES = (
    "Projects",
    "ORCHARD: Water sensors for the Upper Valley",
    "ORCHARD develops sustainable irrigation practices for apple orchards.",
    "- Programme: Horizon 2020",
    "- Duration: January 2020 – December 2023",
    "- Budget: EUR 2.5 million",
    "- Coordinator: University of Valverde (Italy)",
    "- Partners: Institute of Agronomy (Italy), Lakeside Water (Austria)",
    "Work packages",
    "- WP1 Management (lead: University of Valverde)",
    "- WP2 Field trials (lead: AGRONOMY)",
    "PASTURE",
    "Started in 2019, PASTURE maps the grazing land of three valleys.",
    "Lead partner: Hill Farmers Association",
    "Partners: Alpine Research Centre; Valley Cooperative",
)


def test_layout_short_lines_among_long_paragraphs_are_no_wrap_width() -> None:
    # Names one to a line, 30 to 45 characters, among paragraphs that each stand on one long
    # line: the paragraphs run far past any width the names suggest.
    assert estimate_wrap_width(split_lines(joined_lines(*BLOCK_LINES))) is None


def test_layout_a_text_wrapped_at_a_width_keeps_it_despite_a_few_longer_lines() -> None:
    words = ("the growers of the upper valley test the probes in their orchards " * 12).split()
    wrapped, line = [], ""
    for word in words:
        if len(line) + len(word) + 1 > 44:
            wrapped.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    wrapped.append(line)
    rows = ["A long title line of the brochure that runs past the width of its text", *wrapped]

    assert estimate_wrap_width(split_lines(joined_lines(*rows))) == max(map(len, wrapped))


def test_layout_lines_are_never_joined_when_each_block_has_its_line() -> None:
    # A web page, Markdown or Word file: the reader gives each heading, paragraph and item
    # its own line, so a heading is never the start of the paragraph below it.
    elements = [f"body > p:nth-of-type({number})" for number in range(1, len(BLOCK_LINES) + 1)]

    units = build_units(joined_lines(*BLOCK_LINES), rules, elements=elements)

    assert [unit.text for unit in units] == [line.removeprefix("- ") for line in BLOCK_LINES]


def test_layout_a_heading_broken_in_its_element_is_joined_but_not_across_elements() -> None:
    # "<h2>Smart Water Management for the<br>Orchards of the Upper Valley</h2>", then a list
    # entry and the next heading, a title in two halves as a plain text would join them.
    text = joined_lines(
        "Smart Water Management for the",
        "Orchards of the Upper Valley",
        "The pilot tests sensor-driven irrigation in apple orchards of the upper valley.",
        "Institute of Agronomy; Lakeside Water Authority; Valley Cooperative",
        "Frost Alerts for the Vineyards",
        "The alert warns the wine growers of the valley of frost on the slopes.",
    )
    elements = ["h2:1", "h2:1", "p:1", "dd:1", "h2:2", "p:2"]

    as_text = [unit.text for unit in build_units(text, rules)]
    structured = [unit.text for unit in build_units(text, rules, elements=elements)]

    assert as_text[2] == (
        "Institute of Agronomy; Lakeside Water Authority; Valley Cooperative "
        "Frost Alerts for the Vineyards"
    )
    assert structured == [
        "Smart Water Management for the Orchards of the Upper Valley",
        "The pilot tests sensor-driven irrigation in apple orchards of the upper valley.",
        "Institute of Agronomy; Lakeside Water Authority; Valley Cooperative",
        "Frost Alerts for the Vineyards",
        "The alert warns the wine growers of the valley of frost on the slopes.",
    ]


def test_layout_lower_case_line_after_sentence_end_is_not_joined() -> None:
    first = WRAPPED_FIRST + "."
    text = joined_lines(first, WRAPPED_SECOND)

    units = build_units(text, rules)

    assert [unit.text for unit in units] == [first, WRAPPED_SECOND]


def test_layout_lower_case_line_after_short_line_is_not_joined() -> None:
    text = joined_lines("Short line without end", "continues in lower case")

    units = build_units(text, rules)

    assert [unit.text for unit in units] == ["Short line without end", "continues in lower case"]


def test_layout_indented_lower_case_line_continues_an_item() -> None:
    text = joined_lines(
        "- Support in activating 4 thematic", "  laboratories by systematizing projects."
    )

    (item,) = build_units(text, rules)

    assert item.kind == "item"
    assert item.text == "Support in activating 4 thematic   laboratories by systematizing projects."
    assert (item.line_start, item.line_end) == (1, 2)
    spans_match(text, [item])


# Lines 61-65 of the sample: short lower-case lines under an intro ending with ':'.
UNMARKED_ITEMS = [
    "the reduction of congestion and pollutant emissions",
    "the increase in safety",
    "greater productivity for transport operators and the possibility of avoiding access to ZTL",
    "the possibility of regenerating urban furniture through a process of reorganization.",
]


def test_layout_unmarked_lines_after_colon_intro_are_items_not_joined() -> None:
    intro = (
        "The expected impacts and benefits from the activation of SLP (Proximity Logistics "
        "Spaces) mainly concern:"
    )
    text = joined_lines(intro, *UNMARKED_ITEMS)

    units = build_units(text, rules)

    assert [(unit.kind, unit.text, unit.in_list) for unit in units] == [
        ("text", intro, False),
        *[("item", item, True) for item in UNMARKED_ITEMS],
    ]
    assert [unit.line_start for unit in units] == [1, 2, 3, 4, 5]
    assert all(unit.marker is None for unit in units)
    spans_match(text, units)


def test_layout_unmarked_list_ends_at_blank_line_and_heading() -> None:
    text = joined_lines(
        "It mainly concerns:", "the increase in safety", "", "A new paragraph here."
    )

    units = build_units(text, rules)

    assert [(unit.kind, unit.blank_before) for unit in units] == [
        ("text", True),
        ("item", False),
        ("text", True),
    ]


@pytest.mark.parametrize(
    ("line", "kind", "organisation"),
    [
        ("Working groups and regional projects", "group", None),
        ("National and International working groups and projects", "group", None),
        ("Project partners", "partners_heading", None),
        ("Role of Clust-ER Innovate", "role_heading", "Clust-ER Innovate"),
        ("Role of ART-ER:", "role_heading", "ART-ER"),
        ("The role of the project is clear", "text", None),
    ],
)
def test_layout_heading_lines_are_classified(
    line: str, kind: str, organisation: str | None
) -> None:
    (unit,) = build_units(line, rules)

    assert (unit.kind, unit.organisation) == (kind, organisation)


def test_layout_beneficiary_line_records_where_its_value_starts() -> None:
    text = joined_lines("Intro.", "Beneficiary of the contribution: Municipality of Faenza")

    unit = build_units(text, rules)[1]

    assert unit.kind == "beneficiary"
    assert unit.value_start is not None
    assert text[unit.value_start : unit.end] == "Municipality of Faenza"


def test_layout_blank_lines_only_mark_blank_before() -> None:
    text = joined_lines("First title", "", "", "Second paragraph.", "Third line.")

    units = build_units(text, rules)

    assert [(unit.text, unit.line_start, unit.blank_before) for unit in units] == [
        ("First title", 1, True),
        ("Second paragraph.", 4, True),
        ("Third line.", 5, False),
    ]


def test_word_private_use_bullets_open_list_items() -> None:
    from extractors.pipeline import extract_text

    text = (
        "Lab Move Up\n\nThe laboratory studies mobility in ports.\n\nPartners:\n"
        "\uf0b7 University of Bologna\n\uf0a7 Legacoop Romagna\n\uf0d8 Port Authority of Ravenna\n"
    )

    (project,) = extract_text(text).projects

    assert [partner.name for partner in project.partners] == [
        "University of Bologna",
        "Legacoop Romagna",
        "Port Authority of Ravenna",
    ]
