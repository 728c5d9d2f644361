from __future__ import annotations

import pytest
from builders import joined_lines, packaged_rules

from extractors.layout import build_units
from extractors.pipeline import extract_text
from extractors.titles import is_acronym, split_title_line
from schemas import Project

rules = packaged_rules()

ROLE = ["Role of Clust-ER Innovate", "Clust-ER Innovate is a partner of the project."]


def only_project(text: str) -> Project:
    (project,) = extract_text(text).projects
    return project


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        ("CRI4.0", True),
        ("IT-ER", True),
        ("RESIST0", True),
        ("AMBITIOUS", True),
        ("MOVE-UP", True),
        ("Ctna", False),
        ("Hub", False),
        ("ICC HUB", False),  # two words
        ("A", False),
        ("4.0", False),
    ],
)
def test_titles_is_acronym(token: str, expected: bool) -> None:
    assert is_acronym(token) is expected


@pytest.mark.parametrize(
    ("line", "title", "acronym"),
    [
        (
            "A Digital Twins-enabled platform for a REsilient and Sustainable production in the "
            "InduSTry 5.0 era (RESIST0)",
            "A Digital Twins-enabled platform for a REsilient and Sustainable production in the "
            "InduSTry 5.0 era",
            "RESIST0",
        ),
        (
            "Data-driven IT Services for Sustainable and Efficient Manufacturing (DISSEM)",
            "Data-driven IT Services for Sustainable and Efficient Manufacturing",
            "DISSEM",
        ),
        (
            "Cyber Range for Industrial Security - CRI4.0",
            "Cyber Range for Industrial Security",
            "CRI4.0",
        ),
        (
            "Advanced CoMputing Continuum Solutions for Boosting DigITalization across European "
            "RegionS \u2013 AMBITIOUS",
            "Advanced CoMputing Continuum Solutions for Boosting DigITalization across European "
            "RegionS",
            "AMBITIOUS",
        ),
        (
            "Excellence in green and digital manufacturing - EXCEED",
            "Excellence in green and digital manufacturing",
            "EXCEED",
        ),
        (
            "Regional Committee for Talent Attraction",
            "Regional Committee for Talent Attraction",
            None,
        ),
        ("Pilot on logistics (phase two)", "Pilot on logistics (phase two)", None),
        ("Smart cities (cloud)", "Smart cities (cloud)", None),  # lower case: not an acronym
        ("Research and Innovation - Europe", "Research and Innovation - Europe", None),
        # The acronym first, the full title after it.
        (
            "AQUAMAR: Aquaculture for the Mediterranean",
            "Aquaculture for the Mediterranean",
            "AQUAMAR",
        ),
        ("GREENPORT - Green Ports for the Baltic", "Green Ports for the Baltic", "GREENPORT"),
        # Not an acronym, or no spelled-out title after it.
        ("Aquaculture: A New Start for the Coast", "Aquaculture: A New Start for the Coast", None),
        ("NEWS: the cluster grows", "NEWS: the cluster grows", None),
        ("EU - MED STAR", "EU - MED STAR", None),
    ],
)
def test_titles_split_title_line(line: str, title: str, acronym: str | None) -> None:
    text = joined_lines("Intro paragraph.", line)
    unit = build_units(text, rules)[1]

    found_title, found_acronym = split_title_line(unit)

    assert found_title.value == title
    assert text[found_title.start : found_title.end] == title
    if acronym is None:
        assert found_acronym is None
    else:
        assert found_acronym is not None
        assert found_acronym.value == acronym
        assert text[found_acronym.start : found_acronym.end] == acronym


@pytest.mark.parametrize(
    ("title", "prose", "acronym"),
    [
        (
            "Cultural and Creative Industries Hub",
            "The ICC HUB (Cultural and Creative Industries) is an initiative that acts as a "
            "control room between the Region and the stakeholders of the creative sector.",
            "ICC HUB",
        ),
        pytest.param(
            "Lab Move Up",
            "The Lab MOVE-UP project aims to develop innovative corporate welfare systems based "
            "on mobility policies for companies in the Port of Ravenna.",
            "MOVE-UP",
            id="capitals",
        ),
        pytest.param(
            "Lab Move Up",
            "In the context of the \u201cLab MOVE-UP\u201d project, Clust-ER Innovate will act "
            "as a technical partner for the port cluster.",
            "MOVE-UP",
            id="capitals_quoted",
        ),
        (
            "Tavolo Regionale Multistakeholder IT-ER",
            "In this context, the IT-ER platform was born, dedicated to foreign students and "
            "researchers, as well as to young people residing abroad.",
            "IT-ER",
        ),
    ],
    ids=["expansion", "capitals", "capitals_quoted", "last_word"],
)
def test_titles_acronym_from_prose(title: str, prose: str, acronym: str) -> None:
    text = joined_lines(title, prose, *ROLE)

    project = only_project(text)

    assert (project.title, project.acronym, project.title_inferred) == (title, acronym, False)
    assert project.acronym_evidence is not None
    assert text[project.acronym_evidence.start : project.acronym_evidence.end] == acronym
    assert text[project.title_evidence.start : project.title_evidence.end] == title


def test_titles_acronym_in_title_line_has_evidence_on_the_line() -> None:
    text = joined_lines(
        "Cyber Range for Industrial Security - CRI4.0",
        "The goal of this project is to create a Cyber Range for the manufacturing sector.",
        *ROLE,
    )

    project = only_project(text)

    assert (project.title, project.acronym) == ("Cyber Range for Industrial Security", "CRI4.0")
    assert project.acronym_evidence is not None
    assert project.acronym_evidence.start == text.index("CRI4.0")
    assert text[project.acronym_evidence.start : project.acronym_evidence.end] == "CRI4.0"
    assert (project.title_evidence.start, project.title_evidence.line_start) == (0, 1)
    assert project.id == "cri4-0"


def test_titles_title_without_acronym_gives_none() -> None:
    text = joined_lines(
        "Regional Committee for Talent Attraction",
        "The Emilia-Romagna Region approved a law created to attract and retain talents.",
        *ROLE,
    )

    project = only_project(text)

    assert (project.title, project.acronym, project.acronym_evidence) == (
        "Regional Committee for Talent Attraction",
        None,
        None,
    )
    assert project.id == "regional-committee-for-talent-attraction"


@pytest.mark.parametrize(
    ("paragraph", "title", "acronym", "words"),
    [
        (
            "The European Interreg Europe DEBUTING Project is an initiative dedicated to the "
            "promotion of gender equality in the business context.",
            "DEBUTING",
            "DEBUTING",
            "DEBUTING",
        ),
        (
            "The PENELOPE-PROJECT aims to develop, transfer and implement innovative practices "
            "for gender mainstreaming strategies in European SMEs.",
            "PENELOPE",
            "PENELOPE",
            "PENELOPE",
        ),
        (
            "Using virtual and smart heritage tourism as its main framework, the MetaHeritage "
            "project experiments with innovative approaches.",
            "MetaHeritage",
            None,
            "MetaHeritage",
        ),
        (
            "The laboratory focuses on the feasibility study of a drone delivery service for "
            "medicines to improve the timeliness of care in emergency situations.",
            "Laboratory: feasibility study of a drone delivery service for medicines",
            None,
            "feasibility study of a drone delivery service for medicines",
        ),
    ],
    ids=["debuting", "penelope", "metaheritage", "drone"],
)
def test_titles_inferred_from_prose(
    paragraph: str, title: str, acronym: str | None, words: str
) -> None:
    text = joined_lines(paragraph, *ROLE)

    extraction = extract_text(text)

    (project,) = extraction.projects
    assert (project.title, project.acronym, project.title_inferred) == (title, acronym, True)
    assert text[project.title_evidence.start : project.title_evidence.end] == words
    if acronym is not None:
        assert project.acronym_evidence is not None
        assert text[project.acronym_evidence.start : project.acronym_evidence.end] == acronym
    (warning,) = [w for w in extraction.warnings if w.code == "title_inferred"]
    assert warning.project_id == project.id
    assert warning.evidence is not None
    assert text[warning.evidence.start : warning.evidence.end] == words


def test_titles_drone_paragraph_under_role_heading_in_sample_layout() -> None:
    # Sample lines 115-124: a role heading stands above the description of an untitled project.
    drone = (
        "The laboratory focuses on the feasibility study of a drone delivery service for "
        "medicines to improve the timeliness of care in emergency situations."
    )
    text = joined_lines(
        "Role of Clust-ER Innovate",
        drone,
        "Project partners",
        "- Clust-ER Health and Wellness",
        *ROLE,
    )

    extraction = extract_text(text)

    (project,) = extraction.projects
    assert "drone delivery service" in project.title
    assert project.title_inferred is True
    assert project.description == drone
    assert {w.code for w in extraction.warnings} == {"title_inferred", "misplaced_heading"}


def test_titles_untitled_prose_without_a_name_is_unassigned() -> None:
    orphan = "These approaches are adaptable to the unique characteristics of each region."
    text = joined_lines(
        "First Project", "The project develops a shared platform.", *ROLE, "", orphan
    )

    extraction = extract_text(text)

    assert [project.title for project in extraction.projects] == ["First Project"]
    assert [item.text for item in extraction.unassigned] == [orphan]
    assert [w.code for w in extraction.warnings] == ["unassigned_text"]


def test_titles_section_with_only_a_heading_gets_a_located_inferred_title() -> None:
    extraction = extract_text("Project Partner")
    (project,) = extraction.projects
    assert project.title == "Untitled section at line 1"
    assert project.title_inferred
    assert ("title_inferred", project.id) in {(w.code, w.project_id) for w in extraction.warnings}


def test_titles_acronym_on_its_own_line_above_the_full_title() -> None:
    text = joined_lines(
        "Our projects",
        "",
        "SEAFARM",
        "Sustainable Aquaculture Farming in the Adriatic",
        "",
        "SEAFARM supports small fish farms in adopting low-impact feeding and monitoring.",
        "",
        "PORTLINK",
        "Passenger Ports Linked for Everyone",
        "",
        "PORTLINK improves the accessibility of passenger ports for people with reduced mobility.",
    )
    projects = extract_text(text, source="x.txt").projects
    assert [(project.acronym, project.title, project.title_inferred) for project in projects] == [
        ("SEAFARM", "Sustainable Aquaculture Farming in the Adriatic", False),
        ("PORTLINK", "Passenger Ports Linked for Everyone", False),
    ]
    assert projects[0].acronym_evidence is not None
    assert text[projects[0].acronym_evidence.start : projects[0].acronym_evidence.end] == "SEAFARM"
    assert text[projects[0].title_evidence.start : projects[0].title_evidence.end] == (
        "Sustainable Aquaculture Farming in the Adriatic"
    )


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("5THYPE", "Datrix"),  # two partner names in a row
        ("CNR", "University of Valverde"),  # an acronym above another's name
        ("CONTACTS", "Clusters of the Upper Valley"),  # a generic heading
    ],
)
def test_titles_two_lines_that_are_no_acronym_and_its_title_stay_apart(
    first: str, second: str
) -> None:
    text = joined_lines(first, second, "", "A paragraph follows the two lines of the page here.")
    assert [unit.text for unit in build_units(text, rules)][:2] == [first, second]
