from __future__ import annotations

import pytest
from builders import joined_lines

from extractors.pipeline import extract_text
from schemas import GroundedText, Project

TITLE = "Advanced Computing Continuum Solutions for European Regions - AMBITIOUS"
ROLE = ["Role of Clust-ER Innovate", "Clust-ER Innovate is a partner of the project."]


def project_of(*rows: str) -> tuple[str, Project]:
    text = joined_lines(TITLE, *rows, *ROLE)
    (project,) = extract_text(text).projects
    return text, project


def grounded(text: str, values: list[GroundedText]) -> list[tuple[str, str]]:
    """Each value with the text its evidence slices (which must equal the value's `text`)."""
    for value in values:
        assert text[value.evidence.start : value.evidence.end] == value.text
    return [(value.value, value.text) for value in values]


def test_facts_partner_and_country_counts_and_countries() -> None:
    text, project = project_of(
        "This project falls under the Interregional Innovation Investments Instrument (i3) and "
        "involves 18 partners from 5 countries: Italy, the Netherlands, Finland, Greece, "
        "and Sweden."
    )

    assert project.partner_count is not None
    assert project.country_count is not None
    assert (project.partner_count.value, project.partner_count.text) == (18, "18 partners")
    assert (project.country_count.value, project.country_count.text) == (5, "5 countries")
    for count in (project.partner_count, project.country_count):
        assert text[count.evidence.start : count.evidence.end] == count.text
        assert count.evidence.line_start == 2
    assert [value for value, _ in grounded(text, project.countries)] == [
        "Italy",
        "Netherlands",
        "Finland",
        "Greece",
        "Sweden",
    ]
    assert project.region_count is None


@pytest.mark.parametrize(
    ("sentence", "value", "count"),
    [
        ("Involving 39 public-private partners, EXCEED will function as an ecosystem.", 39, None),
        ("Currently, the project involves 11 partners from 10 different regions.", 11, 10),
    ],
)
def test_facts_counts_with_words_between(sentence: str, value: int, count: int | None) -> None:
    _, project = project_of(sentence)

    assert project.partner_count is not None
    assert project.partner_count.value == value
    assert (project.region_count.value if project.region_count else None) == count


def test_facts_repeated_country_is_listed_once() -> None:
    text, project = project_of(
        "A network of 6 centers in 5 countries: Italy, Spain, Finland, the Czech Republic, and "
        "Greece. Italy leads the network."
    )

    assert grounded(text, project.countries) == [
        ("Italy", "Italy"),
        ("Spain", "Spain"),
        ("Finland", "Finland"),
        ("Czech Republic", "Czech Republic"),
        ("Greece", "Greece"),
    ]


@pytest.mark.parametrize(
    ("sentence", "programme", "words"),
    [
        (
            "This project falls under the Interregional Innovation Investments Instrument (i3).",
            "i3",
            "Interregional Innovation Investments Instrument",
        ),
        ("The project is funded by the i3 instrument.", "i3", "i3"),
        (
            "The European Interreg Europe DEBUTING Project is an initiative on gender equality.",
            "Interreg Europe",
            "Interreg Europe",
        ),
        (
            "The project is funded by the European Union under the Erasmus+ programme.",
            "Erasmus+",
            "Erasmus+",
        ),
        ("The project is funded by Horizon Europe.", "Horizon Europe", "Horizon Europe"),
    ],
)
def test_facts_programme(sentence: str, programme: str, words: str) -> None:
    text, project = project_of(sentence)

    assert project.programme is not None
    assert grounded(text, [project.programme]) == [(programme, words)]


def test_facts_no_programme_is_none() -> None:
    _, project = project_of("The project develops a shared data platform for regional companies.")

    assert project.programme is None
    assert (project.countries, project.dates, project.laws, project.targets) == ([], [], [], [])
    assert (project.partner_count, project.country_count) == (None, None)


def test_facts_law_and_date() -> None:
    text, project = project_of(
        "The Emilia-Romagna Region approved Regional Law 2/2023 on February 21, 2023, a law "
        "created to attract and retain talents."
    )

    assert grounded(text, project.laws) == [("Regional Law 2/2023", "Regional Law 2/2023")]
    assert grounded(text, project.dates) == [("February 21, 2023", "February 21, 2023")]


def test_facts_resolution_and_numeric_date() -> None:
    words = "Municipal Council Resolution no. 65 of 30/09/2021"
    text, project = project_of(
        f"Spaces identified in the PUMS of the Municipality of Faenza (approved by {words}) as a "
        "measure to support the extension of the ZTL."
    )

    assert grounded(text, project.laws) == [(words, words)]
    assert [value for value, _ in grounded(text, project.dates)] == ["30/09/2021"]


@pytest.mark.parametrize(
    ("sentence", "target"),
    [
        (
            "The partners expect to engage at least 600 apprentices through a strategy.",
            "at least 600 apprentices",
        ),
        (
            "It is expected to increase the entrepreneurial skills of more than 7500 SMEs.",
            "more than 7500 SMEs",
        ),
        (
            "The partners expect a total of 26,000 beneficiaries through communication.",
            "a total of 26,000 beneficiaries",
        ),
    ],
)
def test_facts_targets(sentence: str, target: str) -> None:
    text, project = project_of(sentence)

    assert grounded(text, project.targets) == [(target, target)]


def test_facts_beneficiary_evidence_is_on_the_value_only() -> None:
    beneficiary = "Union of Municipalities of Romagna Faentina \u2013 Municipality of Faenza"
    text, project = project_of(
        "The project aims to involve stakeholders in the co-design of Proximity Logistics Spaces.",
        f"Beneficiary of the contribution: {beneficiary}",
    )

    assert project.beneficiary is not None
    assert (project.beneficiary.value, project.beneficiary.text) == (beneficiary, beneficiary)
    evidence = project.beneficiary.evidence
    assert text[evidence.start : evidence.end] == beneficiary
    assert evidence.start == text.index(beneficiary)
    assert (evidence.line_start, evidence.rule) == (3, "beneficiary")
    assert beneficiary not in project.description


def test_facts_facts_in_role_text_are_read() -> None:
    text = joined_lines(
        TITLE,
        "The project builds a computing continuum.",
        "Role of Clust-ER Innovate",
        "Clust-ER Innovate is a partner of the project in Italy.",
    )

    (project,) = extract_text(text).projects

    assert [country.value for country in project.countries] == ["Italy"]


def test_facts_facts_of_another_section_are_not_read() -> None:
    text = joined_lines(
        "First Project",
        "The first project is funded by Horizon Europe and works in Spain.",
        *ROLE,
        "",
        "Second Project",
        "The second project is funded by Erasmus+ and works in Greece.",
        *ROLE,
    )

    first, second = extract_text(text).projects

    assert (first.programme.value if first.programme else None) == "Horizon Europe"
    assert (second.programme.value if second.programme else None) == "Erasmus+"
    assert [c.value for c in first.countries] == ["Spain"]
    assert [c.value for c in second.countries] == ["Greece"]


@pytest.mark.parametrize(
    ("intro", "kind"),
    [
        ("Main functions of the ICC HUB:", "functions"),
        ("A summary of the activities that will be carried out:", "activities"),
        ("The objective of the investigation is to:", "objectives"),
        ("The expected impacts and benefits from the activation of SLP mainly concern:", "impacts"),
        ("Specific project initiatives include:", "initiatives"),
        ("The tool is made up of three areas:", "items"),
    ],
)
def test_facts_list_kind_from_intro(intro: str, kind: str) -> None:
    items = ["Operative Connection: a convergence point", "Promotion of the hub"]
    text, project = project_of(
        "The project coordinates the actors of the regional ecosystem.",
        intro,
        *(f"- {item}" for item in items),
    )

    (item_list,) = project.lists
    assert (item_list.kind, item_list.intro) == (kind, intro)
    assert [item.value for item in item_list.items] == items
    assert [text[i.evidence.start : i.evidence.end] for i in item_list.items] == items
    assert text[item_list.evidence.start : item_list.evidence.end] == joined_lines(
        intro, *(f"- {item}" for item in items)
    )
    assert project.description == "The project coordinates the actors of the regional ecosystem."


def test_facts_list_without_intro_is_items() -> None:
    text, project = project_of(
        "The project coordinates the actors of the regional ecosystem.",
        "- Operative Connection",
        "- Promotion of the hub",
    )

    (item_list,) = project.lists
    assert (item_list.kind, item_list.intro) == ("items", None)
    assert [item.value for item in item_list.items] == [
        "Operative Connection",
        "Promotion of the hub",
    ]


def test_facts_description_joins_paragraphs_with_evidence() -> None:
    first = "The Forum was created to allow the supply chains of companies to contribute."
    second = "The Forum operates as a place for aggregation and discussion."
    text, project = project_of(first, second)

    assert project.description == f"{first}\n\n{second}"
    assert project.description_evidence is not None
    assert text[
        project.description_evidence.start : project.description_evidence.end
    ] == joined_lines(first, second)
