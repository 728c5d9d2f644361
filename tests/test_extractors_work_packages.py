"""Work packages from headings, tables and prose, with their leaders
(extractors/work_packages.py), through the pipeline."""

from __future__ import annotations

import pytest
from builders import lines, only_project

from extractors.pipeline import extract_text

TITLE = [
    "Orchard Water Pilot (AQUORCH)",
    "The pilot tests sensor-driven irrigation in apple orchards of the upper valley.",
]


def packages(*rows: str) -> list[tuple[int | None, str, str | None]]:
    project = only_project(extract_text(lines(*TITLE, *rows), source="x.txt"))
    return [(package.number, package.title, package.leader) for package in project.work_packages]


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        pytest.param(
            [
                "WP1: Field Trials",
                "The growers install the probes in twelve orchards.",
                "WP2: Data Platform",
                "The engineers build the platform that stores the readings.",
            ],
            [(1, "Field Trials", None), (2, "Data Platform", None)],
            id="wp-colon",
        ),
        pytest.param(
            [
                "NA2 (WP3): Networking with Growers",
                "The cluster organises meetings with the growers of the valley.",
            ],
            [(3, "Networking with Growers", None)],
            id="activity-code-then-wp",
        ),
        pytest.param(
            [
                "Work package 4 - Training of Growers",
                "The cluster trains forty growers to read the probes.",
            ],
            [(4, "Training of Growers", None)],
            id="work-package-dash",
        ),
    ],
)
def test_work_packages_headings_give_number_and_title(
    rows: list[str], expected: list[tuple[int, str, None]]
) -> None:
    assert packages(*rows) == expected


def test_work_packages_heading_rule_is_recorded() -> None:
    project = only_project(
        extract_text(lines(*TITLE, "WP1: Field Trials", "The growers install probes."), "x.txt")
    )
    assert [package.evidence.rule for package in project.work_packages if package.evidence] == [
        "work_package_heading"
    ]


def test_work_packages_leaders_block_gives_name_and_organisation() -> None:
    assert packages(
        "WP1: Field Trials",
        "The growers install the probes in twelve orchards.",
        "WP leaders",
        "Jane Doe",
        "(Foo Corp)",
        "jane.doe@foo.example",
    ) == [(1, "Field Trials", "Jane Doe (Foo Corp)")]


@pytest.mark.parametrize(
    "header",
    ["WP# | Title | Lead Partner | PI", "WP | Title | Lead Partner | PI"],
)
def test_work_packages_pipe_table_gives_number_title_and_leader(header: str) -> None:
    assert packages(
        header,
        "1 | Field trials | Institute of Agronomy | Anna Verdi",
        "2 | Data platform | Lakeside Water Authority | Marco Neri",
    ) == [
        (1, "Field trials", "Institute of Agronomy"),
        (2, "Data platform", "Lakeside Water Authority"),
    ]


def test_work_packages_leads_workpackage_in_a_profile_gives_the_profile_heading() -> None:
    extraction = extract_text(
        lines(
            "GlacierWatch (GLAWA)",
            "GlacierWatch maps the ice of the northern valleys with drones and open data.",
            "",
            "Partners",
            "",
            "Northfield Robotics GmbH",
            "Northfield Robotics builds the drones that fly over the glaciers.",
            "",
            "Alpine Institute of Glaciology",
            "The institute models how the ice moves. Alpine Glaciology leads workpackage Data "
            "Platform.",
        ),
        source="x.txt",
    )
    project = only_project(extraction)
    assert [(p.number, p.title, p.leader) for p in project.work_packages] == [
        (None, "Data Platform", "Alpine Institute of Glaciology")
    ]


def test_work_packages_leads_activities_of_wp_gives_number_title_and_subject() -> None:
    assert packages("AcmeOrg, within the project, leads Outreach activities of WP7.") == [
        (7, "Outreach", "AcmeOrg")
    ]


def test_work_packages_quoted_title_after_its_number() -> None:
    assert packages(
        'The cluster contributes to work package 4 "Growers Training and Support" with two '
        "workshops."
    ) == [(4, "Growers Training and Support", None)]


@pytest.mark.parametrize(
    "sentence",
    [
        "The growers test the probes in collaboration with WP2 and WP3.",
        "The results are reported to WP5/NA4 every six months.",
    ],
)
def test_work_packages_cross_references_give_no_work_package(sentence: str) -> None:
    assert packages(sentence) == []


def test_a_heading_above_the_next_numbered_package_groups_packages_and_opens_no_project() -> None:
    # No blank lines, as a Markdown page's blocks come: "Field research activities" heads WP3
    # and WP4 after WP2; it is not a second project.
    assert packages(
        "WP1: Field Trials",
        "The growers install the probes in twelve orchards.",
        "WP2: Data Platform",
        "The engineers build the platform that stores the readings.",
        "Field research activities",
        "WP3: Soil Models",
        "The soil scientists calibrate the models on the trial plots.",
        "WP4: Advice Service",
        "The advisers turn the readings into weekly irrigation advice.",
    ) == [
        (1, "Field Trials", None),
        (2, "Data Platform", None),
        (3, "Soil Models", None),
        (4, "Advice Service", None),
    ]


def test_a_title_above_a_package_that_restarts_the_numbering_opens_a_project() -> None:
    text = lines(
        *TITLE,
        "WP1: Field Trials",
        "The growers install the probes in twelve orchards.",
        "Vineyard Frost Alert (VINFROST)",
        "WP1: Frost Sensors",
        "The wine growers place frost sensors along the slopes of the valley.",
    )
    projects = extract_text(text, source="x.txt").projects
    assert [(p.acronym, [w.title for w in p.work_packages]) for p in projects] == [
        ("AQUORCH", ["Field Trials"]),
        ("VINFROST", ["Frost Sensors"]),
    ]


@pytest.mark.parametrize("marker", ["", "- "])
def test_work_packages_with_their_leader_on_the_heading(marker: str) -> None:
    # As a line of its own or as an item of a list under "Work packages".
    assert packages(
        "Work packages",
        f"{marker}WP1 Management (lead: University of Valverde)",
        f"{marker}WP2: Field trials (Leader: Institute of Agronomy)",
        f"{marker}WP3 – Dissemination, led by Lakeside Water Authority",
        f"{marker}WP4: Training – Coordinator: Hill Farmers Association",
        f"{marker}WP5 Pilots (Italy)",
        f"{marker}WP6: Comunicazione (capofila: Consorzio Frutticolo Alto)",
        f"{marker}WP7: Datenplattform (Leitung: Hochschule Talheim)",
        f"{marker}WP8: Formation, coordonné par Institut Agronomique de Combe",
    ) == [
        (1, "Management", "University of Valverde"),
        (2, "Field trials", "Institute of Agronomy"),
        (3, "Dissemination", "Lakeside Water Authority"),
        (4, "Training", "Hill Farmers Association"),
        (5, "Pilots (Italy)", None),
        (6, "Comunicazione", "Consorzio Frutticolo Alto"),
        (7, "Datenplattform", "Hochschule Talheim"),
        (8, "Formation", "Institut Agronomique de Combe"),
    ]


def test_work_package_items_are_not_read_as_partners() -> None:
    project = only_project(
        extract_text(
            lines(
                *TITLE,
                "- WP1 Management (lead: University of Valverde)",
                "- WP2 Field trials (lead: Institute of Agronomy)",
                "- WP3 Dissemination (lead: Lakeside Water Authority)",
            ),
            source="x.txt",
        )
    )
    assert project.partners == []
    assert [package.number for package in project.work_packages] == [1, 2, 3]


def test_a_name_heading_after_the_packages_opens_the_next_project() -> None:
    # No blank lines, as a Markdown page's blocks come: "VINFROST" is no part of WP2 as
    # "Tasks" would be.
    text = lines(
        *TITLE,
        "WP1: Field Trials",
        "WP2: Data Platform",
        "VINFROST",
        "VINFROST warns the wine growers of the valley of frost on the slopes.",
        "Partners: Hill Farmers Association; Valley Cooperative",
    )
    projects = extract_text(text, source="x.txt").projects
    assert [(p.title, [w.title for w in p.work_packages]) for p in projects] == [
        ("Orchard Water Pilot", ["Field Trials", "Data Platform"]),
        ("VINFROST", []),
    ]
    assert [partner.name for partner in projects[1].partners] == [
        "Hill Farmers Association",
        "Valley Cooperative",
    ]


def test_a_generic_heading_over_a_projects_packages_is_part_of_that_project() -> None:
    text = lines(
        "Orchard Water Pilot (AQUORCH)",
        "The pilot tests sensor-driven irrigation in apple orchards of the upper valley.",
        "Partners: Institute of Agronomy; Lakeside Water Authority",
        "Work packages",
        "WP1: Field Trials",
        "WP2: Data Platform",
        "Vineyard Frost Alert (VINFROST)",
        "The alert warns the wine growers of the valley of frost on the slopes.",
        "Partners: Hill Farmers Association; Valley Cooperative",
    )
    extraction = extract_text(text, source="x.txt")
    assert [(p.acronym, [w.title for w in p.work_packages]) for p in extraction.projects] == [
        ("AQUORCH", ["Field Trials", "Data Platform"]),
        ("VINFROST", []),
    ]
    assert extraction.unassigned == []
    assert "Work packages" not in extraction.projects[0].description
