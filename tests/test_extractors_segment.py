from __future__ import annotations

import pytest
from builders import joined_lines, packaged_rules

from extractors.layout import build_units
from extractors.partner_reading import organisation_reader
from extractors.segment import Section, is_title_line, looks_like_name, segment_units
from schemas import Settings

rules = packaged_rules()
settings = Settings()

LONG_PROSE = (
    "The Forum aims to strengthen and structure the aerospace supply chain of the region, "
    "from large to small and medium-sized enterprises."
)
ROLE_TEXT = "Clust-ER Innovate is a partner of the project and supports its dissemination."


def segment(text: str) -> list[Section]:
    return segment_units(
        build_units(text, rules), rules, settings, organisation_reader(rules)
    ).sections


def titles(sections: list[Section]) -> list[str | None]:
    return [section.title.text if section.title else None for section in sections]


def slots(section: Section) -> list[tuple[str, str]]:
    return [(part.slot, part.unit.text) for part in section.parts]


@pytest.mark.parametrize(
    "before",
    [
        # Sample lines 38 -> 39: the last entry of a partner list.
        ["Project partners", "- Clust-ER Agro", "- Clust-ER MECH"],
        # A list item of a description list.
        ["Main functions of the hub:", "- Promotion of the hub"],
        # Sample lines 124 -> 125: the paragraph of a role block.
        ["Role of Clust-ER Innovate", ROLE_TEXT],
    ],
    ids=["partner_item", "list_item", "role_paragraph"],
)
def test_segment_title_directly_after_block_starts_a_section(before: list[str]) -> None:
    text = joined_lines("First Project", LONG_PROSE, *before, "Lab Move Up", LONG_PROSE)

    sections = segment(text)

    assert titles(sections) == ["First Project", "Lab Move Up"]
    assert slots(sections[1]) == [("title", "Lab Move Up"), ("description", LONG_PROSE)]


def test_segment_title_directly_after_paragraph_starts_a_section() -> None:
    # Sample lines 58 -> 59: prose under a partner heading, then a title with no blank line.
    title = "Pilot project on the process of transforming the goods logistics of the Union"
    text = joined_lines(
        "Skills Intelligence", LONG_PROSE, "Project partners", LONG_PROSE, title, LONG_PROSE
    )

    sections = segment(text)

    assert titles(sections) == ["Skills Intelligence", title]
    assert sections[0].units("partner_prose") == [sections[0].parts[3].unit]
    assert slots(sections[1]) == [("title", title), ("description", LONG_PROSE)]


@pytest.mark.parametrize(
    ("line", "following", "expected"),
    [
        ("Lab Move Up", LONG_PROSE, True),
        ("Lab Move Up", "Short sentence.", True),
        ("Lab Move Up", "Project partners", True),
        ("Operative Connection", "Activity Plan", False),  # short line then short line: a list
        ("Lab Move Up", None, False),  # nothing follows
        ("Main functions of the hub:", LONG_PROSE, False),  # an intro, not a title
        ("The hub works.", LONG_PROSE, False),  # a sentence
        ("lower case start", LONG_PROSE, False),
        ("Involves 18 partners. It is funded", LONG_PROSE, False),  # two sentences
        (" ".join(["Word"] * 25), LONG_PROSE, False),  # longer than max_title_words
    ],
)
def test_segment_is_title_line(line: str, following: str | None, expected: bool) -> None:
    units = build_units(joined_lines(line, following) if following else line, rules)

    assert is_title_line(units[0], units[1] if following else None, settings) is expected


def test_segment_line_followed_by_blank_line_is_not_a_title() -> None:
    units = build_units(joined_lines("Lab Move Up", "", LONG_PROSE), rules)

    assert is_title_line(units[0], units[1], settings) is False


def test_segment_short_lines_in_a_row_are_not_titles() -> None:
    text = joined_lines(
        "First Project", LONG_PROSE, "Operative Connection", "Activity Plan", "Promotion"
    )

    sections = segment(text)

    assert titles(sections) == ["First Project"]
    assert [slot for slot, _ in slots(sections[0])] == ["title"] + ["description"] * 4


def test_segment_first_line_after_a_title_is_never_a_title() -> None:
    # Eight words without a final period: on its own, the second line reads as a title.
    second = "The Skills Intelligence tool shows data on regional skills"
    units = build_units(joined_lines(second, LONG_PROSE), rules)
    assert is_title_line(units[0], units[1], settings) is True
    text = joined_lines("Cultural and Creative Industries Hub", second, LONG_PROSE)

    sections = segment(text)

    assert titles(sections) == ["Cultural and Creative Industries Hub"]
    assert slots(sections[0])[1:] == [("description", second), ("description", LONG_PROSE)]


def test_segment_untitled_section_after_blank_line_following_role_block() -> None:
    penelope = "The PENELOPE-PROJECT aims to develop innovative practices for gender mainstreaming."
    text = joined_lines(
        "First Project",
        LONG_PROSE,
        "Role of Clust-ER Innovate",
        ROLE_TEXT,
        "",
        penelope,
        "Role of Clust-ER Innovate",
        ROLE_TEXT,
    )

    sections = segment(text)

    assert titles(sections) == ["First Project", None]
    assert slots(sections[1]) == [
        ("description", penelope),
        ("role_heading", "Role of Clust-ER Innovate"),
        ("role_text", ROLE_TEXT),
    ]


def test_segment_prose_after_blank_line_continues_an_open_section() -> None:
    # No partner list or role yet: a blank line does not end the description.
    text = joined_lines(
        "First Project", LONG_PROSE, "", "A second paragraph of the same description."
    )

    sections = segment(text)

    assert titles(sections) == ["First Project"]
    assert [slot for slot, _ in slots(sections[0])] == ["title", "description", "description"]


@pytest.mark.parametrize(
    "heading",
    ["Project partners", "Project Partner", "Partners", "partners:", "PROJECT PARTNERS"],
)
def test_segment_partner_heading_variants_open_partner_list(heading: str) -> None:
    text = joined_lines(
        "First Project", LONG_PROSE, heading, "- Regione Emilia-Romagna", "- Fondimpresa"
    )

    (section,) = segment(text)

    assert slots(section)[2:] == [
        ("partners_heading", heading),
        ("partner", "Regione Emilia-Romagna"),
        ("partner", "Fondimpresa"),
    ]


def test_segment_unmarked_names_under_partner_heading_are_partners() -> None:
    text = joined_lines(
        "First Project", LONG_PROSE, "Partners", "Port Cooperative soc. coop.", "Legacoop"
    )

    (section,) = segment(text)

    assert [unit.text for unit in section.units("partner")] == [
        "Port Cooperative soc. coop.",
        "Legacoop",
    ]


@pytest.mark.parametrize(
    ("heading", "organisation"),
    [
        ("Role of Clust-ER Innovate", "Clust-ER Innovate"),
        ("Role of Clust-ER Innovate:", "Clust-ER Innovate"),
        ("ROLE OF ART-ER", "ART-ER"),
        ("Role of the Emilia-Romagna Region", "the Emilia-Romagna Region"),
    ],
)
def test_segment_role_heading_captures_organisation(heading: str, organisation: str) -> None:
    text = joined_lines("First Project", LONG_PROSE, heading, ROLE_TEXT)

    (section,) = segment(text)

    (unit,) = section.units("role_heading")
    assert unit.organisation == organisation
    assert section.units("role_text")[0].text == ROLE_TEXT


def test_segment_role_heading_above_unrelated_paragraph_is_misplaced() -> None:
    drone = (
        "The laboratory focuses on the feasibility study of a drone delivery service for "
        "medicines to improve the timeliness of care in remote areas."
    )
    text = joined_lines(
        "First Project",
        LONG_PROSE,
        "Role of Clust-ER Innovate",
        ROLE_TEXT,
        "",
        drone,
        "Role of Clust-ER Innovate",
        drone,
    )

    sections = segment(text)

    second = sections[1]
    assert slots(second) == [
        ("description", drone),
        ("role_heading", "Role of Clust-ER Innovate"),
        ("description", drone),
    ]
    assert [(note.code, note.unit.line_start) for note in second.notes] == [
        ("misplaced_heading", 8)
    ]
    assert "line 7" in second.notes[0].message
    assert sections[0].notes == []


def test_segment_prose_under_partner_heading_is_partner_prose() -> None:
    prose = (
        "Currently, the project involves 11 partners from 10 different regions. There will be "
        "33 interregional policy learning events."
    )
    text = joined_lines(
        "First Project",
        LONG_PROSE,
        "Project Partner",
        prose,
        "Role of Clust-ER Innovate",
        ROLE_TEXT,
    )

    (section,) = segment(text)

    assert slots(section)[2:] == [
        ("partners_heading", "Project Partner"),
        ("partner_prose", prose),
        ("role_heading", "Role of Clust-ER Innovate"),
        ("role_text", ROLE_TEXT),
    ]
    assert section.units("partner") == []
    assert [(note.code, note.unit.text) for note in section.notes] == [
        ("partner_heading_without_list", prose)
    ]


def test_segment_group_heading_starts_a_group_and_ends_the_section() -> None:
    text = joined_lines(
        "Working groups and regional projects",
        "First Project",
        LONG_PROSE,
        "National and International working groups and projects",
        "Second Project",
        LONG_PROSE,
    )

    segmentation = segment_units(
        build_units(text, rules), rules, settings, organisation_reader(rules)
    )

    assert [group.text for group in segmentation.groups] == [
        "Working groups and regional projects",
        "National and International working groups and projects",
    ]
    assert titles(segmentation.sections) == ["First Project", "Second Project"]
    assert [section.group.text for section in segmentation.sections if section.group] == [
        "Working groups and regional projects",
        "National and International working groups and projects",
    ]


def test_segment_lists_are_numbered_blocks_with_their_intro() -> None:
    text = joined_lines(
        "First Project",
        LONG_PROSE,
        "Main functions:",
        "- Promotion",
        "- Monitoring",
        "The objective of the investigation is to:",
        "- Observe",
        "- Analyze",
    )

    (section,) = segment(text)

    blocks = [(part.slot, part.block) for part in section.parts[2:]]
    first, second = blocks[0][1], blocks[3][1]
    assert first != second
    assert blocks == [
        ("list_intro", first),
        ("list_item", first),
        ("list_item", first),
        ("list_intro", second),
        ("list_item", second),
        ("list_item", second),
    ]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Confindustria Romagna", True),
        ("Port Cooperative soc. coop.", True),
        ("Currently, the project involves 11 partners.", False),
        ("It is aimed at operators. The tool is made up of areas", False),
    ],
)
def test_segment_looks_like_name(line: str, expected: bool) -> None:
    (unit,) = build_units(line, rules)

    assert looks_like_name(unit) is expected
