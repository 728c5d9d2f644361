"""Every form in which pages name partners (extractors/partners.py `find_mentions`), through the
pipeline: one test per form."""

from __future__ import annotations

import pytest
from builders import lines, only_project

from extractors.pipeline import extract_text
from schemas import Partner

TITLE = [
    "Orchard Water Pilot (AQUORCH)",
    "The pilot tests sensor-driven irrigation in apple orchards of the upper valley.",
]


def partners_of(*rows: str) -> list[Partner]:
    return only_project(extract_text(lines(*TITLE, *rows), source="x.txt")).partners


def names(*rows: str) -> list[str]:
    return [partner.name for partner in partners_of(*rows)]


@pytest.mark.parametrize(
    ("label", "organisations"),
    [
        ("Partners:", ["Upper Valley Fruit Cooperative", "Institute of Agronomy"]),
        ("Partners", ["Upper Valley Fruit Cooperative", "Institute of Agronomy"]),
        ("Partner di progetto", ["Consorzio Frutticolo Alto", "Università di Valverde"]),
        ("Projektpartner", ["Obstbau Verband Süd", "Hochschule Talheim"]),
        ("Partenaires", ["Coopérative Fruitière du Val", "Institut Agronomique de Combe"]),
        ("Socios", ["Cooperativa Frutal del Valle", "Universidad de Valverde"]),
    ],
)
def test_partners_list_under_a_partner_label(label: str, organisations: list[str]) -> None:
    partners = partners_of(label, *(f"- {name}" for name in organisations))
    assert [partner.name for partner in partners] == organisations
    assert [partner.evidence.rule for partner in partners if partner.evidence] == [
        "partner_list"
    ] * len(organisations)


def test_partners_label_with_its_value_on_one_line() -> None:
    partners = partners_of(
        "Partners: Upper Valley Fruit Cooperative; Institute of Agronomy; Lakeside Water Authority"
    )
    assert [(partner.name, partner.evidence.rule) for partner in partners if partner.evidence] == [
        ("Upper Valley Fruit Cooperative", "partner_label"),
        ("Institute of Agronomy", "partner_label"),
        ("Lakeside Water Authority", "partner_label"),
    ]


def test_partners_lead_partner_label_gives_lead_partner_role() -> None:
    (partner,) = partners_of("Lead partner: Upper Valley Fruit Cooperative")
    assert (partner.name, partner.consortium_role) == (
        "Upper Valley Fruit Cooperative",
        "lead_partner",
    )


@pytest.mark.parametrize(
    ("label", "role"),
    [
        ("Coordinator: ", "coordinator"),
        ("Project coordinator: ", "coordinator"),
        ("Coordinator \u2013 ", "coordinator"),
        ("Coordinatore: ", "coordinator"),
        ("Coordinated by ", "coordinator"),
        ("Lead partner: ", "lead_partner"),
        ("Lead partner - ", "lead_partner"),
        ("Capofila: ", "lead_partner"),
    ],
)
def test_partners_coordinator_or_lead_label_gives_its_role(label: str, role: str) -> None:
    (partner,) = partners_of(f"{label}Upper Valley Fruit Cooperative")
    assert (partner.name, partner.consortium_role) == ("Upper Valley Fruit Cooperative", role)


def test_partners_coordinator_label_above_its_entry_gives_coordinator_role() -> None:
    partners = partners_of(
        "Coordinator:",
        "- Upper Valley Fruit Cooperative",
        "Partners:",
        "- Institute of Agronomy",
    )
    assert [(partner.name, partner.consortium_role) for partner in partners] == [
        ("Upper Valley Fruit Cooperative", "coordinator"),
        ("Institute of Agronomy", None),
    ]


@pytest.mark.parametrize("label", ["Coordinator:", "Lead partner:", "Capofila:"])
def test_partners_unmarked_organisation_under_a_lead_label_is_the_lead_not_a_project(
    label: str,
) -> None:
    # A line that would read as a title anywhere else ("University of Tartu" on its own line)
    # is the organisation the label above it introduces; the list after it stays with it.
    extraction = extract_text(
        lines(
            *TITLE,
            label,
            "University of Valverde",
            "Partners:",
            "- Institute of Agronomy",
            "- Lakeside Water Authority",
        ),
        source="x.txt",
    )
    project = only_project(extraction)
    role = "coordinator" if label == "Coordinator:" else "lead_partner"
    assert [(partner.name, partner.consortium_role) for partner in project.partners] == [
        ("University of Valverde", role),
        ("Institute of Agronomy", None),
        ("Lakeside Water Authority", None),
    ]
    assert project.lead_partner is not None
    assert project.lead_partner.name == "University of Valverde"


def test_partners_labels_in_a_list_of_fields_give_their_partners_and_roles() -> None:
    partners = partners_of(
        "- Programme: Interreg Alpine Space",
        "- Coordinator: University of Valverde (Italy)",
        "- Partners: Institute of Agronomy (Italy), Lakeside Water Authority (Austria)",
        "- Duration: 2020 to 2023",
    )
    assert [
        (partner.name, partner.country, partner.consortium_role, partner.evidence.rule)
        for partner in partners
        if partner.evidence
    ] == [
        ("University of Valverde", "Italy", "coordinator", "partner_label"),
        ("Institute of Agronomy", "Italy", None, "partner_label"),
        ("Lakeside Water Authority", "Austria", None, "partner_label"),
    ]


def test_partners_associated_partners_heading_gives_associated_role() -> None:
    partners = partners_of(
        "Partners:",
        "- Institute of Agronomy",
        "Associated partners:",
        "- City of Valverde",
        "- Lakeside Water Authority",
    )
    assert [(partner.name, partner.consortium_role) for partner in partners] == [
        ("Institute of Agronomy", None),
        ("City of Valverde", "associated"),
        ("Lakeside Water Authority", "associated"),
    ]


def test_partners_coordinator_item_gives_name_short_name_country_and_role() -> None:
    (partner,) = partners_of(
        "Coordinator:", "- OCU (Orchard Crop University, Greece) - Project Coordinator"
    )
    assert (partner.name, partner.short_name, partner.country, partner.consortium_role) == (
        "Orchard Crop University",
        "OCU",
        "Greece",
        "coordinator",
    )


def test_partners_comma_line_under_participants_label() -> None:
    partners = partners_of(
        "Participants",
        "Upper Valley Fruit Cooperative, Institute of Agronomy, Lakeside Water Authority, "
        "Hill Farmers Association",
    )
    assert [(partner.name, partner.evidence.rule) for partner in partners if partner.evidence] == [
        ("Upper Valley Fruit Cooperative", "partner_enumeration"),
        ("Institute of Agronomy", "partner_enumeration"),
        ("Lakeside Water Authority", "partner_enumeration"),
        ("Hill Farmers Association", "partner_enumeration"),
    ]


def test_partners_table_role_column_gives_each_partner_its_role() -> None:
    project = only_project(
        extract_text(
            lines(
                *TITLE,
                "Partner | Country | Role",
                "Institute of Agronomy | Italy | Lead partner",
                "Lakeside Water Authority | Austria | Partner",
                "Valley Cooperative | Slovenia | Associated partner",
            ),
            source="x.txt",
        )
    )
    assert [(partner.name, partner.consortium_role) for partner in project.partners] == [
        ("Institute of Agronomy", "lead_partner"),
        ("Lakeside Water Authority", None),
        ("Valley Cooperative", "associated"),
    ]
    assert project.lead_partner is not None
    assert project.lead_partner.name == "Institute of Agronomy"


def test_partners_table_lead_partner_column_not_person_column() -> None:
    partners = partners_of(
        "WP | Title | Lead Partner | PI",
        "WP1 | Field trials | Institute of Agronomy | Anna Verdi",
        "WP2 | Data platform | Lakeside Water Authority | Marco Neri",
    )
    assert [(partner.name, partner.evidence.rule) for partner in partners if partner.evidence] == [
        ("Institute of Agronomy", "partner_table"),
        ("Lakeside Water Authority", "partner_table"),
    ]


@pytest.mark.parametrize(
    "intro",
    [pytest.param([], id="no-intro"), pytest.param(["Who is involved:"], id="with-intro")],
)
def test_partners_unlabelled_list_of_organisations(intro: list[str]) -> None:
    partners = partners_of(
        *intro,
        "- Highland University, UK",
        "- Fjord Institute of Technology, Norway",
        "- Orchard Robotics GmbH, Germany",
    )
    assert [(partner.name, partner.country) for partner in partners] == [
        ("Highland University", "United Kingdom"),
        ("Fjord Institute of Technology", "Norway"),
        ("Orchard Robotics GmbH", "Germany"),
    ]
    assert {partner.evidence.rule for partner in partners if partner.evidence} == {
        "organisation_list"
    }


@pytest.mark.parametrize(
    "intro",
    [pytest.param([], id="no-intro"), pytest.param(["Our themes:"], id="with-intro")],
)
def test_partners_unlabelled_list_of_topics_gives_no_partner(intro: list[str]) -> None:
    assert names(*intro, "- Smart Cities", "- IoT", "- Health and well-being") == []


def test_partners_slash_separated_line() -> None:
    partners = partners_of(
        "Highland Fruit Lab / Institute of Agronomy / University of the Upper Valley, Trento"
    )
    assert [(partner.name, partner.evidence.rule) for partner in partners if partner.evidence] == [
        ("Highland Fruit Lab", "partner_line"),
        ("Institute of Agronomy", "partner_line"),
        ("University of the Upper Valley, Trento", "partner_line"),
    ]


def test_partners_coordinated_by_in_english_prose() -> None:
    (partner,) = partners_of(
        "The project is coordinated by Orchard Research Institute in Rome and runs three years."
    )
    assert (partner.name, partner.consortium_role, partner.evidence.rule) == (
        "Orchard Research Institute",
        "coordinator",
        "partner_prose",
    )


ITALIAN_PROSE = (
    "Il progetto è coordinato dalla Fondazione Acqua Alpina e coinvolge nove partner "
    "istituzionali: Comune di Borgo Alto (Lazio), Provincia di Valle Verde e Consorzio Irriguo "
    "del Piave (Veneto)."
)


def test_partners_coordinato_dalla_and_partner_enumeration_in_italian_prose() -> None:
    partners = partners_of(ITALIAN_PROSE)
    assert [(partner.name, partner.consortium_role) for partner in partners] == [
        ("Fondazione Acqua Alpina", "coordinator"),
        ("Comune di Borgo Alto", "partner"),
        ("Provincia di Valle Verde", "partner"),
        ("Consorzio Irriguo del Piave", "partner"),
    ]


def test_partners_region_in_brackets_is_not_a_short_name() -> None:
    partners = partners_of(ITALIAN_PROSE)
    assert [(partner.name, partner.short_name) for partner in partners] == [
        ("Fondazione Acqua Alpina", None),
        ("Comune di Borgo Alto", None),
        ("Provincia di Valle Verde", None),
        ("Consorzio Irriguo del Piave", None),
    ]


@pytest.mark.parametrize(
    "rows",
    [
        pytest.param(
            [
                "Partners",
                "- Hill Farmers Association (HFA-North)",
                "- Institute of Agronomy",
                "- Hill Farmers Association",
            ],
            id="twice-in-one-list",
        ),
        pytest.param(
            [
                "Partners",
                "- Hill Farmers Association (HFA-North)",
                "- Institute of Agronomy",
                "",
                "The project is coordinated by Hill Farmers Association in Trento.",
            ],
            id="list-then-prose",
        ),
    ],
)
def test_partners_same_partner_named_twice_is_kept_once(rows: list[str]) -> None:
    partners = partners_of(*rows)
    assert [(partner.name, partner.short_name) for partner in partners] == [
        ("Hill Farmers Association", "HFA-North"),
        ("Institute of Agronomy", None),
    ]


@pytest.mark.parametrize(
    "rows",
    [
        pytest.param(
            [
                "The consortium gathers 18 partners from 6 countries and is funded by Horizon "
                "Europe. The partners are Institute of Agronomy and Lakeside Water Authority."
            ],
            id="count-and-funder-in-prose",
        ),
        pytest.param(
            [
                "Funded by Horizon Europe and the European Union, the pilot is coordinated by "
                "Institute of Agronomy together with Lakeside Water Authority."
            ],
            id="funders-before-a-cue",
        ),
        pytest.param(
            [
                "Partners",
                "18 partners from 6 countries",
                "- Institute of Agronomy",
                "- Lakeside Water Authority",
            ],
            id="count-line-under-partner-heading",
        ),
        pytest.param(
            [
                "Partners: 18",
                "Duration: 2023-2026",
                "The partners are Institute of Agronomy and Lakeside Water Authority.",
            ],
            id="count-as-label-value",
        ),
    ],
)
def test_partners_counts_and_funders_are_not_partners(rows: list[str]) -> None:
    assert names(*rows) == ["Institute of Agronomy", "Lakeside Water Authority"]


def test_partners_list_item_ending_with_a_colon_introduces_a_list_of_organisations() -> None:
    # A PDF's text layer loses the indentation of a nested checkbox list: the item that ends
    # with a colon still says where the list of universities starts.
    text = lines(
        "Project ORCHARD",
        "ORCHARD can award fellowships only to academics who meet the criteria:",
        "□ employed by one of these project affiliated universities:",
        "□ Valley University of Technology, UK",
        "□ Northfield College London, UK",
        "□ Université de Pierreclaire, FR",
        "□ and enrolled in a relevant field of study such as:",
        "□ Life Sciences",
        "□ Bioinformatics",
    )

    partners = only_project(extract_text(text)).partners

    assert [(p.name, p.country) for p in partners] == [
        ("Valley University of Technology", "United Kingdom"),
        ("Northfield College London", "United Kingdom"),
        ("Université de Pierreclaire", "France"),
    ]


def test_partners_slash_separated_address_line_names_no_partner() -> None:
    assert (
        names(
            "Valley Agency/Agenzia della Valle, 38100 Trento/Trient, ITALIA/ITALIEN - "
            "Tel. +39 0461 123456"
        )
        == []
    )


def test_partners_fragments_under_a_partner_heading_leave_the_prose_partners() -> None:
    # A heading over words that do not read as organisations (a flyer's rotated side text):
    # the partners are those its prose names.
    assert names(
        "The pilot is run by 3 partners. VALLIS (Austria) installs the probes, while "
        "AGROLAB (Italy) and HORTUS (Slovenia) read the data.",
        "Partner information",
        "Young growers between 16 and 25, who care for the",
        "R",
        "soil and the water of the valley",
    ) == ["VALLIS", "AGROLAB", "HORTUS"]


def test_partners_unmarked_organisation_lines_under_a_partner_heading_are_partners() -> None:
    assert names(
        "Partners",
        "Upper Valley Fruit Cooperative",
        "Institute of Agronomy",
    ) == ["Upper Valley Fruit Cooperative", "Institute of Agronomy"]


def test_partners_names_one_to_a_line_then_the_next_project_after_a_blank_line() -> None:
    text = lines(
        *TITLE,
        "Consortium",
        "University of Valverde – Italy",
        "Institute of Agronomy – Austria",
        "Hill Farmers Association – Slovenia",
        "",
        "River Delta Monitor (DELTAMON)",
        "The monitor maps sediment flows in the river delta with drones and buoys.",
        "Project partners: Delta Research Centre, Po Valley Authority and the Municipality of "
        "Rovigo.",
    )
    projects = extract_text(text, source="x.txt").projects
    assert [
        (project.acronym, [(partner.name, partner.country) for partner in project.partners])
        for project in projects
    ] == [
        (
            "AQUORCH",
            [
                ("University of Valverde", "Italy"),
                ("Institute of Agronomy", "Austria"),
                ("Hill Farmers Association", "Slovenia"),
            ],
        ),
        (
            "DELTAMON",
            [
                ("Delta Research Centre", None),
                ("Po Valley Authority", None),
                ("Municipality of Rovigo", None),
            ],
        ),
    ]


def test_partners_two_names_set_apart_by_a_semicolon_under_a_label() -> None:
    assert names("Partners", "Institute of Agronomy; Lakeside Water Authority") == [
        "Institute of Agronomy",
        "Lakeside Water Authority",
    ]


def test_partners_a_name_with_its_country_after_a_comma_stays_whole() -> None:
    assert names("Coordinator", "Institute of Agronomy, Austria") == ["Institute of Agronomy"]
