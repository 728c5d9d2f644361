from __future__ import annotations

import pytest
from builders import joined_lines, only_project, packaged_rules

from extractors.layout import build_units
from extractors.pipeline import extract_text
from extractors.roles import find_work_packages

rules = packaged_rules()

HEAD = [
    "Cyber Range for Industrial Security - CRI4.0",
    "The goal of this project is to create a Cyber Range dedicated to the manufacturing sector.",
    "Role of Clust-ER Innovate",
]


WP5 = (5, "Dissemination of results", True)
FOCUS_GROUPS = (None, "dissemination, training and management of focus groups", False)


@pytest.mark.parametrize(
    ("paragraph", "category", "packages"),
    [
        (
            "Clust-ER Innovate manages WP5. Dissemination of results, in which he will take care "
            "of project communication and dissemination of results.",
            "work_package_leader",
            [WP5],
        ),
        (
            "The Clust-ER Innovate has the management of WP5. Dissemination of results, in which "
            "he will take care of project communication.",
            "work_package_leader",
            [WP5],
        ),
        (
            "Clust-ER Innovate is a project partner and supports the Work Package WP 4 "
            "Demonstrations and Piloting, which aims to plan, implement, validate and evaluate "
            "the pilot tests of AMBITIOUS in the seven use cases",
            "partner",
            [(4, "Demonstrations and Piloting", False)],
        ),
        (
            "Clust-ER Innovate is a partner of the project and supports the Work Package on the "
            "dissemination, training and management of focus groups.",
            "partner",
            [FOCUS_GROUPS],
        ),
        (
            "In the context of the project, Clust-ER Innovate will act as a TECHNICAL PARTNER and "
            "is committed to supporting the stakeholders.",
            "technical_partner",
            [],
        ),
        (
            "Clust-ER Innovate is involved in the technological component of the project.",
            "technical_partner",
            [],
        ),
        (
            "Clust-ER participates in this project as a bearer of case histories and contributes "
            "to the European white paper of best practices.",
            "case_history_contributor",
            [],
        ),
        ("Clust-ER Innovate is the coordinator of the project.", "coordinator", []),
        (
            "The Clust-ER Innovation in Services Association will participate in the project as a "
            "partner and will be responsible for stakeholder management.",
            "partner",
            [],
        ),
    ],
    ids=[
        "manages_wp",
        "has_management_of_wp",
        "supports_numbered_wp",
        "supports_unnumbered_wp",
        "technical_partner",
        "technological_component",
        "case_histories",
        "coordinator",
        "participate_as_partner",
    ],
)
def test_roles_category_and_work_packages(
    paragraph: str, category: str, packages: list[tuple[int | None, str, bool]]
) -> None:
    text = joined_lines(*HEAD, paragraph)

    extraction = extract_text(text)

    project = only_project(extraction)
    assert project.role is not None
    assert (project.role.organisation, project.role.category) == ("Clust-ER Innovate", category)
    assert project.role.text == paragraph
    assert text[project.role.evidence.start : project.role.evidence.end] == paragraph
    assert [(wp.number, wp.title, wp.lead) for wp in project.work_packages] == packages
    for wp in project.work_packages:
        assert text[wp.evidence.start : wp.evidence.end] == wp.text
        assert wp.text.endswith(wp.title)
        assert wp.evidence.line_start == 4
    assert [w.code for w in extraction.warnings] == []


@pytest.mark.parametrize(
    ("paragraph", "packages"),
    [
        (
            "Clust-ER Innovate manages WP5. Dissemination of results, in which it communicates.",
            [WP5],
        ),
        (
            "It leads WP 2: Pilot design; it also supports WP3 Evaluation.",
            [
                (2, "Pilot design", True),
                (3, "Evaluation", False),
            ],
        ),
        (
            "It is responsible for work package 7 - Training (with the partners).",
            [
                (7, "Training", True),
            ],
        ),
        (
            "It contributes to the work package on the dissemination, training and management "
            "of focus groups.",
            [FOCUS_GROUPS],
        ),
        ("It supports the partners in the dissemination of results.", []),
    ],
)
def test_roles_find_work_packages(
    paragraph: str, packages: list[tuple[int | None, str, bool]]
) -> None:
    text = joined_lines("Role of Clust-ER Innovate", paragraph)
    unit = build_units(text, rules)[1]

    found = find_work_packages(unit, rules)

    assert [(number, title, lead) for number, title, lead, _, _ in found] == packages
    for _, title, _, start, end in found:
        assert text[start:end].endswith(title)


def test_roles_work_package_evidence_points_at_the_package() -> None:
    paragraph = (
        "Clust-ER Innovate is a project partner and supports the Work Package WP 4 "
        "Demonstrations and Piloting, which aims to plan the pilot tests."
    )
    text = joined_lines(*HEAD, paragraph)

    (wp,) = only_project(extract_text(text)).work_packages

    assert wp.text == "supports the Work Package WP 4 Demonstrations and Piloting"
    assert wp.evidence.start == text.index("supports the Work")
    assert wp.evidence.rule == "work_package"


def test_roles_empty_role_heading_is_none_stated() -> None:
    # The role heading ends the section with nothing under it (sample lines 16, 47, 53).
    text = joined_lines(HEAD[0], HEAD[1], "Project partners", "- Clust-ER Innovate", HEAD[2])

    extraction = extract_text(text)

    role = only_project(extraction).role
    assert role is not None
    assert (role.organisation, role.category, role.text, role.activities) == (
        "Clust-ER Innovate",
        "none_stated",
        "",
        [],
    )
    assert text[role.evidence.start : role.evidence.end] == "Role of Clust-ER Innovate"
    assert [
        (w.code, w.evidence.line_start if w.evidence else None) for w in extraction.warnings
    ] == [("role_not_stated", 5)]


def test_roles_paragraph_matching_no_cue_is_other_with_warning() -> None:
    paragraph = "Clust-ER Innovate will organise the final conference in Bologna."
    text = joined_lines(*HEAD, paragraph)

    extraction = extract_text(text)

    role = only_project(extraction).role
    assert role is not None
    assert (role.category, role.text) == ("other", paragraph)
    assert [(w.code, w.project_id) for w in extraction.warnings] == [
        ("role_category_unknown", "cri4-0")
    ]


def test_roles_heading_alias_gives_canonical_organisation() -> None:
    text = joined_lines(
        HEAD[0],
        HEAD[1],
        "Role of Clust-ER Innovation in Services",
        "Clust-ER Innovation in Services is the coordinator of the project.",
    )

    role = only_project(extract_text(text)).role

    assert role is not None
    assert (role.organisation, role.category) == ("Clust-ER Innovate", "coordinator")


def test_roles_activity_list_under_role() -> None:
    items = [
        "Support the phase of identification, awareness, and engagement of the stakeholders",
        "Creation of a community of mobility managers of the port cluster",
    ]
    intro = (
        "Clust-ER Innovate will act as a TECHNICAL PARTNER and is committed to carrying out "
        "the following activities:"
    )
    text = joined_lines(*HEAD, intro, *(f"- {item}" for item in items))

    role = only_project(extract_text(text)).role

    assert role is not None
    assert (role.category, role.text) == ("technical_partner", intro)
    assert [a.value for a in role.activities] == items
    assert [text[a.evidence.start : a.evidence.end] for a in role.activities] == items
    assert role.evidence.end == text.index(items[1]) + len(items[1])


def test_roles_last_heading_with_text_wins() -> None:
    # Sample lines 115-124: an earlier (misplaced) heading, then the real role block.
    text = joined_lines(
        *HEAD,
        "Clust-ER Innovate is involved in the technological component of the project.",
        "Project partners",
        "- Clust-ER Innovate",
        "Role of Clust-ER Innovate",
        "Clust-ER Innovate is the coordinator of the project.",
    )

    role = only_project(extract_text(text)).role

    assert role is not None
    assert (role.category, role.text) == (
        "coordinator",
        "Clust-ER Innovate is the coordinator of the project.",
    )
