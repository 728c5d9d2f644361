"""Which sections are projects, and what a page about one project is called
(extractors/projects.py), through the pipeline."""

from __future__ import annotations

import pytest
from builders import lines, only_project

from extractors.pipeline import extract_text
from schemas import BrochureExtraction


def extract(*rows: str) -> BrochureExtraction:
    return extract_text(lines(*rows), source="x.txt")


ORCHARD = [
    "Smart Irrigation for Orchards (AQUORCH)",
    "The project tests sensor-driven irrigation in apple orchards of the upper valley.",
]
DAIRY = [
    "Cold Chain Monitoring for Dairy (COLDAIRY)",
    "The project tracks the temperature of milk from the farm to the cheese factory.",
]
BROADBAND = [
    "Rural Broadband Pilots (RUBRO)",
    "The project brings fibre to three mountain villages and measures its use.",
]
TWO_PROJECTS = [*ORCHARD, "", *DAIRY]
TWO_TITLES = ["Smart Irrigation for Orchards", "Cold Chain Monitoring for Dairy"]


@pytest.mark.parametrize(
    ("heading", "title", "acronym"),
    [
        ("GreenVine", "GreenVine", None),
        (
            "Vine Sensing for Alpine Slopes (VINESENSE)",
            "Vine Sensing for Alpine Slopes",
            "VINESENSE",
        ),
    ],
)
def test_projects_page_about_one_project_is_named_from_its_title_line(
    heading: str, title: str, acronym: str | None
) -> None:
    extraction = extract(
        heading,
        "",
        "The team develops low-cost soil sensors for steep vineyards in the northern valleys "
        "and tests them with growers.",
        "",
        "Objectives",
        "The sensors must cost less than ten euro and run for a whole season on one battery.",
        "",
        "Partners",
        "- Alpine Institute of Viticulture",
        "- Valley Wine Cooperative",
    )
    project = only_project(extraction)
    assert (project.title, project.acronym, project.title_inferred) == (title, acronym, False)
    assert project.title_evidence.rule == "title_line"
    assert [partner.name for partner in project.partners] == [
        "Alpine Institute of Viticulture",
        "Valley Wine Cooperative",
    ]


@pytest.mark.parametrize(
    ("heading", "sentences", "name"),
    [
        (
            "News from the valley",
            [
                "Last month the HydroLink consortium met in Trento to plan the next field "
                "campaign on the river.",
                "The partners compared their first measurements and agreed on a data format.",
            ],
            "HydroLink",
        ),
        (
            "Notizie dal territorio",
            [
                "Il progetto AcquaViva ha riunito a Trento i suoi partner per preparare la "
                "prossima campagna di misure sul fiume.",
                "I partner hanno confrontato le prime misure.",
            ],
            "AcquaViva",
        ),
        (
            "Neuigkeiten",
            [
                "Das FlussBlick Projekt hat in Trient seine Partner versammelt, um die nächste "
                "Messkampagne vorzubereiten.",
                "Die Partner verglichen ihre ersten Messungen.",
            ],
            "FlussBlick",
        ),
    ],
)
def test_projects_page_is_named_from_the_project_its_sentences_name(
    heading: str, sentences: list[str], name: str
) -> None:
    project = only_project(extract(heading, "", *sentences))
    assert (project.title, project.title_inferred) == (name, True)
    assert project.title_evidence.rule == "named_project"


def test_projects_page_title_line_names_the_project_when_the_name_recurs() -> None:
    project = only_project(
        extract(
            "Who we are — QuarkNet documentation",
            "",
            "Our team builds open tools for particle detectors in schools.",
            "QuarkNet started in 2021 and now runs in forty classrooms.",
        )
    )
    assert (project.title, project.title_inferred) == ("QuarkNet", True)
    assert project.title_evidence.rule == "page_heading"


def test_projects_page_is_named_from_the_name_it_repeats_most() -> None:
    project = only_project(
        extract(
            "Every week our engineers visit the farms in the plain to install new probes.",
            "The SoilSense probes record moisture every hour and SoilSense sends the data on.",
            "Growers read SoilSense alerts on a phone app, and MeteoBox adds the forecast.",
        )
    )
    assert (project.title, project.title_inferred) == ("SoilSense", True)
    assert project.title_evidence.rule == "dominant_name"


@pytest.mark.parametrize(
    ("rows", "titles", "acronyms"),
    [
        pytest.param(TWO_PROJECTS, TWO_TITLES, ["AQUORCH", "COLDAIRY"], id="two-acronym-titles"),
        pytest.param(
            [*TWO_PROJECTS, "", *BROADBAND],
            [*TWO_TITLES, "Rural Broadband Pilots"],
            ["AQUORCH", "COLDAIRY", "RUBRO"],
            id="three-acronym-titles",
        ),
        pytest.param(
            [
                "Orchard Water Pilot",
                "The pilot tests sensor-driven irrigation in apple orchards of the upper valley.",
                "Partners",
                "- Upper Valley Fruit Cooperative",
                "- Institute of Agronomy",
                "Role of Valley Cluster",
                "Valley Cluster is the coordinator of the project.",
                "",
                "Dairy Cold Chain",
                "The pilot tracks the temperature of milk from the farm to the cheese factory.",
                "Partners",
                "- Alpine Dairy Association",
                "- Cold Logistics Ltd",
                "Role of Valley Cluster",
                "Valley Cluster is a partner of the project.",
            ],
            ["Orchard Water Pilot", "Dairy Cold Chain"],
            [None, None],
            id="partner-and-role-blocks",
        ),
    ],
)
def test_projects_brochure_gives_one_project_per_strong_section(
    rows: list[str], titles: list[str], acronyms: list[str | None]
) -> None:
    extraction = extract(*rows)
    assert [project.title for project in extraction.projects] == titles
    assert [project.acronym for project in extraction.projects] == acronyms
    assert all(not project.title_inferred for project in extraction.projects)


def test_projects_brochure_sections_keep_their_own_partners() -> None:
    extraction = extract(
        "Orchard Water Pilot",
        "The pilot tests sensor-driven irrigation in apple orchards of the upper valley.",
        "Partners",
        "- Upper Valley Fruit Cooperative",
        "- Institute of Agronomy",
        "",
        "Dairy Cold Chain",
        "The pilot tracks the temperature of milk from the farm to the cheese factory.",
        "Partners",
        "- Alpine Dairy Association",
        "- Cold Logistics Ltd",
    )
    assert {
        project.title: [partner.name for partner in project.partners]
        for project in extraction.projects
    } == {
        "Orchard Water Pilot": ["Upper Valley Fruit Cooperative", "Institute of Agronomy"],
        "Dairy Cold Chain": ["Alpine Dairy Association", "Cold Logistics Ltd"],
    }


@pytest.mark.parametrize(
    ("heading", "body"),
    [
        (
            "Agenda",
            "The partners meet every spring in the valley to review the results of the year.",
        ),
        (
            "Contacts",
            "Write to the cluster office for any question about the pilots and their data.",
        ),
        (
            "The Team",
            "Five engineers and two agronomists work on the pilots from the cluster office.",
        ),
    ],
)
def test_projects_generic_heading_is_not_a_project(heading: str, body: str) -> None:
    extraction = extract(*TWO_PROJECTS, "", heading, body)
    assert [project.title for project in extraction.projects] == TWO_TITLES
    assert [(item.text, item.reason) for item in extraction.unassigned] == [
        (f"{heading}\n{body}", "a section that is not a project")
    ]


def test_projects_menu_of_one_word_items_is_not_a_project() -> None:
    extraction = extract(
        *TWO_PROJECTS, "", "Navigation", "- Home", "- News", "- Events", "- Downloads"
    )
    assert [project.title for project in extraction.projects] == TWO_TITLES
    assert [item.text for item in extraction.unassigned] == [
        "Navigation\n- Home\n- News\n- Events\n- Downloads"
    ]


def test_projects_summary_list_naming_later_titles_is_not_a_project() -> None:
    extraction = extract(
        "Portfolio Highlights",
        "- AQUORCH (Smart Irrigation for Orchards)",
        "- COLDAIRY (Cold Chain Monitoring for Dairy)",
        "",
        "AQUORCH",
        "The project tests sensor-driven irrigation in apple orchards of the upper valley.",
        "Partners",
        "- Upper Valley Fruit Cooperative",
        "- Institute of Agronomy",
        "",
        "COLDAIRY",
        "The project tracks the temperature of milk from the farm to the cheese factory.",
        "Partners",
        "- Alpine Dairy Association",
        "- Cold Logistics Ltd",
    )
    assert [project.title for project in extraction.projects] == ["AQUORCH", "COLDAIRY"]
    assert [item.reason for item in extraction.unassigned] == ["a section that is not a project"]
    assert extraction.unassigned[0].text.startswith("Portfolio Highlights\n")


@pytest.mark.parametrize(
    ("heading", "cards"),
    [
        pytest.param(
            "EU Mountain Foundations",
            [
                "Glacio: Glacier Monitoring with Drones over the Alpine Valleys",
                "Snowpack: Avalanche Forecasting for the Villages of the Upper Valley",
            ],
            id="long-card-titles",
        ),
        pytest.param(
            "Mountain Foundations",
            ["Glacio: Glacier Monitoring with Drones", "Snowpack: Avalanche Forecasting"],
            id="short-card-titles",
        ),
    ],
)
def test_projects_heading_above_cards_with_fields_is_a_group(
    heading: str, cards: list[str]
) -> None:
    extraction = extract(
        heading,
        "",
        cards[0],
        "Duration: 2023-2026",
        "Budget: 1.2 million euro",
        "",
        cards[1],
        "Duration: 2024-2027",
        "Budget: 0.8 million euro",
    )
    assert [group.name for group in extraction.groups] == [heading]
    assert [(project.title, project.group) for project in extraction.projects] == [
        (cards[0], heading),
        (cards[1], heading),
    ]


def test_projects_text_without_project_warns_no_project_found() -> None:
    extraction = extract(
        "Weather stations along the coast record wind and rain every hour.",
        "The data are shared with fishermen through a simple phone app.",
    )
    assert extraction.projects == []
    assert "no_project_found" in [warning.code for warning in extraction.warnings]


PROFILES = [
    "Northfield Robotics GmbH",
    "Northfield Robotics builds the drones that fly over the glaciers and maintains them.",
    "",
    "Alpine Institute of Glaciology",
    "The institute analyses the images and models how the ice moves over the seasons.",
    "",
    "Valley Data Services Ltd",
    "The company runs the data platform and publishes the maps for the mountain villages.",
]
PROFILE_NAMES = [
    "Northfield Robotics GmbH",
    "Alpine Institute of Glaciology",
    "Valley Data Services Ltd",
]


@pytest.mark.parametrize(
    ("before", "title"),
    [
        pytest.param(["GlacierWatch Consortium", ""], "GlacierWatch", id="page-of-profiles"),
        pytest.param(
            [
                "GlacierWatch (GLAWA)",
                "GlacierWatch maps the ice of the northern valleys with drones and open data.",
                "",
                "Partners",
                "",
            ],
            "GlacierWatch",
            id="profiles-under-partner-heading",
        ),
    ],
)
def test_projects_partner_profiles_are_partners_of_one_project(
    before: list[str], title: str
) -> None:
    project = only_project(extract(*before, *PROFILES))
    assert project.title == title
    assert [partner.name for partner in project.partners] == PROFILE_NAMES
    assert {partner.evidence.rule for partner in project.partners if partner.evidence} == {
        "partner_heading"
    }
