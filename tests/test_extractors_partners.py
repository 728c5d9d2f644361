from __future__ import annotations

import pytest
from builders import joined_lines, only_project, packaged_rules

from extractors.partners import ParsedName, parse_partner, strip_trailing_period
from extractors.pipeline import extract_text

rules = packaged_rules()
ABBREVIATIONS = rules.patterns.names.abbreviations

DESCRIPTION = (
    "The Lab MOVE-UP project aims to develop innovative corporate welfare systems based on "
    "mobility policies for companies in the Port of Ravenna."
)
ROLE = [
    "Role of Clust-ER Innovate",
    "Clust-ER Innovate will act as a TECHNICAL PARTNER in the project.",
]


@pytest.mark.parametrize(
    ("entry", "parsed"),
    [
        (
            "National aerospace technology Cluster (Ctna).",
            ParsedName(name="National aerospace technology Cluster", short_name="Ctna"),
        ),
        (
            "Fondazione Istituto sui Trasporti e la Logistica (ITL)",
            ParsedName(name="Fondazione Istituto sui Trasporti e la Logistica", short_name="ITL"),
        ),
        (
            "Prof. Claudio Lantieri (Dipartimento DICAM \u2013 UniBo)",
            ParsedName(
                name="Claudio Lantieri",
                kind="person",
                affiliation="Dipartimento DICAM \u2013 UniBo",
            ),
        ),
        ("Dr. Maria Rossi", ParsedName(name="Maria Rossi", kind="person")),
        (
            "Chamber of Commerce of Romagna through its special company CISE",
            ParsedName(name="Chamber of Commerce of Romagna", via="CISE"),
        ),
        ("Port Cooperative soc. coop.", ParsedName(name="Port Cooperative soc. coop.")),
        (
            "ITL \u2013 Foundation Institute for Transport and Logistics",
            ParsedName(name="Foundation Institute for Transport and Logistics", short_name="ITL"),
        ),
        (
            "Clust-ER Urban Economy \u2013 URBAN",
            ParsedName(name="Clust-ER Urban Economy", short_name="URBAN"),
        ),
        (
            "Clust-ER Association Innovation in Services \u2013 INNOVATE",
            ParsedName(name="Clust-ER Association Innovation in Services", short_name="INNOVATE"),
        ),
        (
            "FILT CGIL Ravenna \u2013 Italian Federation of Transport Workers",
            ParsedName(name="FILT CGIL Ravenna \u2013 Italian Federation of Transport Workers"),
        ),
        (
            "FIT CISL \u2013 Italian Federation of Transport Emilia-Romagna regional secretariat",
            ParsedName(
                name="FIT CISL \u2013 Italian Federation of Transport Emilia-Romagna regional "
                "secretariat"
            ),
        ),
        (
            "Artificial Intelligence Research and Innovation Center (AIRI), Interdepartmental "
            "Research Center of the University of Modena and Reggio Emilia",
            ParsedName(
                name="Artificial Intelligence Research and Innovation Center, Interdepartmental "
                "Research Center of the University of Modena and Reggio Emilia",
                short_name="AIRI",
            ),
        ),
        (
            "CIRI-ICT, Interdepartmental Center for Industrial Research of the University of "
            "Bologna",
            ParsedName(
                name="CIRI-ICT, Interdepartmental Center for Industrial Research of the "
                "University of Bologna"
            ),
        ),
        ("Consorzio Con.Ami", ParsedName(name="Consorzio Con.Ami")),
        ("Legacoop Romagna.", ParsedName(name="Legacoop Romagna")),
    ],
)
def test_partners_parse_partner(entry: str, parsed: ParsedName) -> None:
    assert parse_partner(entry, rules) == parsed


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("National aerospace technology Cluster.", "National aerospace technology Cluster"),
        ("Port Cooperative soc. coop.", "Port Cooperative soc. coop."),
        ("Ferrari S.p.A.", "Ferrari S.p.A."),
        ("Acme Ltd.", "Acme Ltd."),
        ("Example Consulting S.R.L.", "Example Consulting S.R.L."),  # initials
        ("Legacoop Romagna", "Legacoop Romagna"),
        ("  Confindustria Romagna .  ", "Confindustria Romagna"),
    ],
)
def test_partners_strip_trailing_period(text: str, expected: str) -> None:
    assert strip_trailing_period(text, ABBREVIATIONS) == expected


@pytest.mark.parametrize(
    "entry",
    [
        "Clust-ER Innovation in Services",
        "Clust-ER Association Innovation in Services \u2013 INNOVATE",
        "Clust-ER Association Innovation in Services - INNOVATE",
        "Clust-ER Innovate",
    ],
)
def test_partners_publisher_aliases_resolve_to_canonical_name(entry: str) -> None:
    text = joined_lines(
        "Lab Move Up",
        DESCRIPTION,
        "Project partners",
        f"- {entry}",
        "- Confindustria Romagna",
        *ROLE,
    )

    extraction = extract_text(text)

    assert extraction.publisher == "Clust-ER Innovate"
    publisher, other = only_project(extraction).partners
    assert (publisher.text, publisher.canonical_name, publisher.is_publisher) == (
        entry,
        "Clust-ER Innovate",
        True,
    )
    assert (other.name, other.canonical_name, other.is_publisher) == (
        "Confindustria Romagna",
        None,
        False,
    )


def test_partners_known_organisation_that_is_not_publisher() -> None:
    text = joined_lines(
        "Lab Move Up",
        DESCRIPTION,
        "Project partners",
        "- ITL \u2013 Foundation Institute for Transport and Logistics",
        *ROLE,
    )

    (partner,) = only_project(extract_text(text)).partners

    assert (partner.short_name, partner.canonical_name, partner.is_publisher) == (
        "ITL",
        "Fondazione Istituto sui Trasporti e la Logistica",
        False,
    )


@pytest.mark.parametrize(
    "block",
    [
        [
            "A summary of the activities that will be carried out:",
            "\u2022 Stakeholder engagement \u2013 preliminary activity",
            "\u2022 7 thematic comparison workshops and co-design with stakeholders;",
            "\u2022 Communication actions (launch and final event)",
        ],
        [
            "The objective of the investigation is to:",
            "\u25cf Observe the evolution of Corporate Academies",
            "\u25cf Analyze the relationships between these realities and the territories;",
        ],
        [
            "Main functions of the ICC HUB:",
            "- Operative Connection: Serves as a convergence point for the various entities.",
            "- Promotion: Takes care of promoting the HUB and recruiting new members.",
        ],
        [
            "The expected impacts and benefits mainly concern:",
            "the reduction of congestion and pollutant emissions",
            "the increase in safety",
        ],
    ],
    ids=["activities", "objectives", "functions", "unmarked"],
)
def test_partners_lists_outside_partner_heading_yield_no_partners(block: list[str]) -> None:
    text = joined_lines("Lab Move Up", DESCRIPTION, *block, *ROLE)

    project = only_project(extract_text(text))

    assert project.partners == []
    assert [item.text for item in project.lists[0].items] == [
        line.lstrip("\u2022\u25cf- ") for line in block[1:]
    ]


def test_partners_role_activity_list_yields_no_partners() -> None:
    text = joined_lines(
        "Lab Move Up",
        DESCRIPTION,
        "Role of Clust-ER Innovate",
        "Clust-ER Innovate will act as a TECHNICAL PARTNER and will carry out these activities:",
        "- Creation of a community of mobility managers of the port cluster",
        "- Contribute to the communication and dissemination of the project",
    )

    project = only_project(extract_text(text))

    assert project.partners == []
    assert project.role is not None
    assert [activity.value for activity in project.role.activities] == [
        "Creation of a community of mobility managers of the port cluster",
        "Contribute to the communication and dissemination of the project",
    ]


def test_partners_description_pasted_under_partner_heading() -> None:
    # Sample lines 55-58: the description is repeated where the partner list should be.
    description = (
        "The Skills Intelligence tool shows, in interactive mode, data on skills and professional "
        "profiles sought by companies in Emilia-Romagna."
    )
    text = joined_lines("Skills Intelligence", description, "Project partners", description)

    extraction = extract_text(text)

    project = only_project(extraction)
    assert project.partners == []
    assert project.description == description
    assert [
        (w.code, w.evidence.line_start if w.evidence else None) for w in extraction.warnings
    ] == [("pasted_description", 4)]
    assert [(d.kind, d.duplicate_of) for d in extraction.duplicates] == [
        ("paragraph", "skills-intelligence")
    ]


def test_partners_prose_under_partner_heading_warns() -> None:
    # Sample lines 174-175: a heading followed by a sentence about the partnership.
    prose = (
        "Currently, the project involves 11 partners from 10 different regions. There will be "
        "33 interregional policy learning events."
    )
    text = joined_lines("Lab Move Up", DESCRIPTION, "Project Partner", prose, *ROLE)

    extraction = extract_text(text)

    project = only_project(extraction)
    assert project.partners == []
    assert sorted(
        (w.code, w.evidence.line_start if w.evidence else None) for w in extraction.warnings
    ) == [("partner_count_without_partners", 4), ("partner_heading_without_list", 4)]


def test_partners_empty_partner_heading_warns() -> None:
    text = joined_lines("Lab Move Up", DESCRIPTION, "Project partners", *ROLE)

    extraction = extract_text(text)

    assert only_project(extraction).partners == []
    assert [w.code for w in extraction.warnings] == ["partner_heading_empty"]


def test_partners_evidence_slices_each_entry() -> None:
    entries = [
        "Clust-ER Association Innovation in Services \u2013 INNOVATE",
        "National aerospace technology Cluster (Ctna).",
        "Prof. Claudio Lantieri (Dipartimento DICAM \u2013 UniBo)",
        "Port Cooperative soc. coop.",
    ]
    text = joined_lines(
        "Lab Move Up",
        DESCRIPTION,
        "Project partners",
        f"- {entries[0]}",
        f"\u2022  {entries[1]}",
        f"  \u2013 {entries[2]}",
        f"* {entries[3]}  ",
        *ROLE,
    )

    partners = only_project(extract_text(text)).partners

    assert [partner.text for partner in partners] == entries
    assert [text[p.evidence.start : p.evidence.end] for p in partners] == entries
    assert [p.evidence.line_start for p in partners] == [4, 5, 6, 7]
    assert [p.evidence.rule for p in partners] == ["partner_list"] * 4
    assert [p.name for p in partners] == [
        "Clust-ER Association Innovation in Services",
        "National aerospace technology Cluster",
        "Claudio Lantieri",
        "Port Cooperative soc. coop.",
    ]
