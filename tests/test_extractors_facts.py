from __future__ import annotations

from decimal import Decimal

import pytest
from builders import joined_lines, packaged_rules

from extractors.fact_words import FactWords
from extractors.facts import read_date, read_number
from extractors.pipeline import extract_text
from extractors.registry import EXTRACTORS, check_extractor_order
from schemas import (
    GroundedDate,
    GroundedText,
    PatternError,
    Project,
)
from schemas.patterns import FactPattern, FactPatterns

TITLE = "Advanced Computing Continuum Solutions for European Regions - AMBITIOUS"
ROLE = ["Role of Clust-ER Innovate", "Clust-ER Innovate is a partner of the project."]


def project_of(*rows: str) -> tuple[str, Project]:
    text = joined_lines(TITLE, *rows, *ROLE)
    (project,) = extract_text(text).projects
    return text, project


def grounded(text: str, values: list[GroundedText] | list[GroundedDate]) -> list[tuple[str, str]]:
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
    assert grounded(text, project.dates) == [("2023-02-21", "February 21, 2023")]
    assert project.dates[0].precision == "day"


def test_facts_resolution_and_numeric_date() -> None:
    words = "Municipal Council Resolution no. 65 of 30/09/2021"
    text, project = project_of(
        f"Spaces identified in the PUMS of the Municipality of Faenza (approved by {words}) as a "
        "measure to support the extension of the ZTL."
    )

    assert grounded(text, project.laws) == [(words, words)]
    assert grounded(text, project.dates) == [("2021-09-30", "30/09/2021")]


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


# --- dates ---------------------------------------------------------------------------------------


def fact_words() -> FactWords:
    return FactWords.from_patterns(packaged_rules().patterns.facts)


def dates_of(text: str, project: Project) -> list[tuple[str, str, str | None, str | None, str]]:
    """Each date's ISO value, precision, end, qualifier and words (which its evidence slices)."""
    for date in project.dates:
        assert text[date.evidence.start : date.evidence.end] == date.text
        assert date.evidence.rule == "date"
    return [(d.value, d.precision, d.end, d.qualifier, d.text) for d in project.dates]


@pytest.mark.parametrize(
    ("sentence", "date"),
    [
        (
            "The call for proposals closes on 2023-02-21 at noon.",
            ("2023-02-21", "day", None, None, "2023-02-21"),
        ),
        (
            "The partners met in Bologna on 18th of May 2022 for the kick-off.",
            ("2022-05-18", "day", None, None, "18th of May 2022"),
        ),
        (
            "The pilot started in March 2023 with twelve companies.",
            ("2023-03", "month", None, None, "March 2023"),
        ),
        (
            "The network will double its members by 2026.",
            ("2026", "year", None, "by", "by 2026"),
        ),
        (
            "Since 2019 the hub has trained three hundred people.",
            ("2019", "year", None, "since", "Since 2019"),
        ),
        (
            "From 2019 onwards the hub trains three hundred people a year.",
            ("2019", "year", None, "from", "From 2019"),
        ),
        (
            "Starting from 2019 the hub trains three hundred people a year.",
            ("2019", "year", None, "from", "from 2019"),
        ),
        (
            "The hub runs its courses from 2019 until the end of the project.",
            ("2019", "year", None, "from", "from 2019"),
        ),
        (
            "Das Netzwerk wächst ab 2019 um zehn Mitglieder im Jahr.",
            ("2019", "year", None, "from", "ab 2019"),
        ),
        (
            "The project runs from 2019 to 2022 in four regions.",
            ("2019", "year", "2022", "from", "from 2019 to 2022"),
        ),
        (
            "The pilot uses sensor data from March 2019 in the valley.",
            ("2019-03", "month", None, "from", "from March 2019"),
        ),
        (
            "The call stays open until 30/09/2021 - then it closes.",
            ("2021-09-30", "day", None, "until", "until 30/09/2021"),
        ),
        (
            "The partners meet on 3 4 March 2023 in Forlì.",
            ("2023-03-04", "day", None, None, "4 March 2023"),
        ),
        (
            "The programme period 2021\u20132027 funds the regional clusters.",
            ("2021", "year", "2027", None, "2021\u20132027"),
        ),
        (
            "The project runs from January 2022 to December 2024 in six regions.",
            ("2022-01", "month", "2024-12", "from", "from January 2022 to December 2024"),
        ),
        (
            "The summer school takes place on 3-5 October 2024 in Ravenna.",
            ("2024-10-03", "day", "2024-10-05", None, "3-5 October 2024"),
        ),
        (
            "Il progetto è stato approvato il 21 febbraio 2023 dalla Giunta.",
            ("2023-02-21", "day", None, None, "21 febbraio 2023"),
        ),
        (
            "Le projet a démarré le 1er janvier 2022 à Toulouse.",
            ("2022-01-01", "day", None, None, "1er janvier 2022"),
        ),
        (
            "Das Projekt startet am 1. März 2023 in Kiel.",
            ("2023-03-01", "day", None, None, "1. März 2023"),
        ),
        (
            "El proyecto comenzó el 15 de marzo de 2023 en Sevilla.",
            ("2023-03-15", "day", None, None, "15 de marzo de 2023"),
        ),
    ],
)
def test_facts_date_in_iso_with_its_words(
    sentence: str, date: tuple[str, str, str | None, str | None, str]
) -> None:
    text, project = project_of(sentence)

    assert dates_of(text, project) == [date]


def test_facts_date_range_of_a_field_line() -> None:
    text, project = project_of(
        "The project builds a shared data platform for regional companies.",
        "Duration: 03.2023\u201302.2027",
    )

    assert dates_of(text, project) == [
        ("2023-03", "month", "2027-02", None, "03.2023\u201302.2027")
    ]


def test_facts_list_number_before_a_month_is_no_day() -> None:
    text, project = project_of(
        "The project builds a shared data platform for regional companies.",
        "The milestones of the project are:",
        "1. March 2023: kick-off meeting",
        "2. June 2023: first pilot",
    )

    assert dates_of(text, project) == [
        ("2023-03", "month", None, None, "March 2023"),
        ("2023-06", "month", None, None, "June 2023"),
    ]


@pytest.mark.parametrize(
    "sentence",
    [
        "The meeting planned on 31/02/2023 was moved online.",
        "The project is funded by Horizon 2020 and Regional Law 2/2023.",
        "The seminar has room for 2021 participants.",
        "The 2021 2024 plan is new.",
        # "from" also says where something comes from: a year alone after it needs a cue.
        "The study compares sensor data from 2019 with the new readings.",
        "The pilots build on results from 2019 surveys of the farms.",
    ],
)
def test_facts_no_calendar_date_is_no_date(sentence: str) -> None:
    _, project = project_of(sentence)

    assert project.dates == []


@pytest.mark.parametrize(
    ("words", "value", "precision", "end"),
    [
        ("30/09/2021", "2021-09-30", "day", None),
        ("1.2.2023", "2023-02-01", "day", None),
        ("12/25/2023", "2023-12-25", "day", None),
        ("1/2/2022 - 12/25/2023", "2022-01-02", "day", "2023-12-25"),
        ("03.2023", "2023-03", "month", None),
        ("January - March 2023", "2023-01", "month", "2023-03"),
        ("29 February 2024", "2024-02-29", "day", None),
    ],
)
def test_facts_read_date_day_first_unless_it_cannot_be(
    words: str, value: str, precision: str, end: str | None
) -> None:
    date = read_date(words, fact_words().months)

    assert date is not None
    assert (date.value, date.precision, date.end) == (value, precision, end)


@pytest.mark.parametrize(
    "words", ["31/02/2023", "29 February 2023", "13.2024", "2024-2021", "30/13/2021", "May"]
)
def test_facts_read_date_refuses_what_is_no_calendar_date(words: str) -> None:
    assert read_date(words, fact_words().months) is None


def test_facts_read_date_qualifier_from_the_first_word() -> None:
    words = fact_words()

    until = read_date("until 30/09/2021", words.months, words.qualifiers)
    german = read_date("bis 2025", words.months, words.qualifiers)

    assert until is not None and (until.value, until.qualifier) == ("2021-09-30", "until")
    assert german is not None and (german.value, german.qualifier) == ("2025", "until")


# --- budgets -------------------------------------------------------------------------------------


def budgets_of(text: str, project: Project) -> list[tuple[float, str, str | None, str]]:
    """Each amount, currency, kind and words (which its evidence slices)."""
    for budget in project.budgets:
        assert text[budget.evidence.start : budget.evidence.end] == budget.text
        assert budget.evidence.rule == "budget"
    return [(b.amount, b.currency, b.kind, b.text) for b in project.budgets]


@pytest.mark.parametrize(
    ("sentence", "budget"),
    [
        (
            "The project has a total budget of € 1.2 million over three years.",
            (1_200_000.0, "EUR", "total", "€ 1.2 million"),
        ),
        (
            "The EU contribution is EUR 2,500,000 for the whole consortium.",
            (2_500_000.0, "EUR", "funding", "EUR 2,500,000"),
        ),
        (
            "Il progetto ha un budget complessivo di 1.500.000 € in tre anni.",
            (1_500_000.0, "EUR", "total", "1.500.000 €"),
        ),
        (
            "The regions add 2.3 M€ of co-financing to the programme.",
            (2_300_000.0, "EUR", "co_financing", "2.3 M€"),
        ),
        (
            "Il cofinanziamento regionale è pari a €1,2 mln per le imprese.",
            (1_200_000.0, "EUR", "co_financing", "€1,2 mln"),
        ),
        (
            "The partner in Leeds receives £300k to run the pilots.",
            (300_000.0, "GBP", None, "£300k"),
        ),
        (
            "Das Projekt wird mit 2,5 Mio. Euro vom Land gefördert.",
            (2_500_000.0, "EUR", None, "2,5 Mio. Euro"),
        ),
        (
            "La dotazione complessiva del bando è di euro 12.345.678,90 per le imprese.",
            (12_345_678.90, "EUR", "total", "euro 12.345.678,90"),
        ),
        (
            "The Swiss partner brings CHF 1'200'000 of own funds to the pilots.",
            (1_200_000.0, "CHF", "co_financing", "CHF 1'200'000"),
        ),
        (
            "The project has a total budget of US$ 2.5 million for the pilots.",
            (2_500_000.0, "USD", "total", "US$ 2.5 million"),
        ),
        (
            "The foundation grant of US$2,500,000 pays for the pilots.",
            (2_500_000.0, "USD", "funding", "US$2,500,000"),
        ),
        (
            "The partners raise 1.5 million US$ for the pilots.",
            (1_500_000.0, "USD", None, "1.5 million US$"),
        ),
    ],
)
def test_facts_budget_amount_currency_and_kind(
    sentence: str, budget: tuple[float, str, str | None, str]
) -> None:
    text, project = project_of(sentence)

    assert budgets_of(text, project) == [budget]


def test_facts_budget_kind_from_the_nearest_words_before_each_amount() -> None:
    text, project = project_of(
        "The consortium manages a total budget of €3,100,000: the grant brings €2,400,000, "
        "and the regions add €700,000 of co-financing."
    )

    assert budgets_of(text, project) == [
        (3_100_000.0, "EUR", "total", "€3,100,000"),
        (2_400_000.0, "EUR", "funding", "€2,400,000"),
        (700_000.0, "EUR", "co_financing", "€700,000"),
    ]


@pytest.mark.parametrize(
    "sentence",
    [
        "The project reaches 1.500.000 citizens in twelve regions.",
        "The total budget is 2 million over three years.",
        "New buses must meet the Euro 6 standard.",
        "The partner brings A$ 3 million to the pilots.",
        "The fee of 1,234,5 € is paid by the partners.",
    ],
)
def test_facts_number_without_currency_or_reading_is_no_budget(sentence: str) -> None:
    _, project = project_of(sentence)

    assert project.budgets == []


def test_facts_same_amount_stated_twice_is_one_budget() -> None:
    text, project = project_of(
        "The project has a total budget of € 1.2 million.",
        "Of its € 1.2 million, most goes to the pilots.",
    )

    assert budgets_of(text, project) == [(1_200_000.0, "EUR", "total", "€ 1.2 million")]


@pytest.mark.parametrize(
    ("words", "value"),
    [
        ("1.500.000", Decimal("1500000")),
        ("2,500,000", Decimal("2500000")),
        ("350,000", Decimal("350000")),
        ("1,2", Decimal("1.2")),
        ("2.25", Decimal("2.25")),
        ("12.345.678,90", Decimal("12345678.90")),
        ("1,234.56", Decimal("1234.56")),
        ("1 200 000", Decimal("1200000")),
        ("1 200,50", Decimal("1200.50")),
        ("1'000'000", Decimal("1000000")),
        ("300", Decimal("300")),
    ],
)
def test_facts_read_number_decimal_marks_and_thousands(words: str, value: Decimal) -> None:
    assert read_number(words) == value


@pytest.mark.parametrize("words", ["1.50.0", "1,234,5", "1234,567.8", "12,34.5", "", "1..2"])
def test_facts_read_number_refuses_what_is_no_number(words: str) -> None:
    assert read_number(words) is None


@pytest.mark.parametrize(
    ("entries", "fault"),
    [
        ([FactPattern(label="MONTH", id="13", phrases=["smarch"])], "id '13'"),
        ([FactPattern(label="CURRENCY", id="EUR", phrases=["euro cents"])], "one word each"),
        (
            [FactPattern(label="CURRENCY", id="EUR", pattern=[{"LOWER": "euro"}])],
            "list of phrases",
        ),
        (
            [
                FactPattern(label="CURRENCY", id="EUR", phrases=["€"]),
                FactPattern(label="CURRENCY", id="USD", phrases=["€"]),
            ],
            "two ids",
        ),
        ([FactPattern(label="BUDGET_KIND", id="loan", phrases=["bank loan"])], "id 'loan'"),
        ([FactPattern(label="PERIOD_CUE", id="later", phrases=["onwards"])], "id 'later'"),
        (
            [
                FactPattern(label="DATE_QUALIFIER", id="from", phrases=["from"]),
                FactPattern(label="SOURCE_QUALIFIER", id="from", phrases=["from"]),
            ],
            "both DATE_QUALIFIER and SOURCE_QUALIFIER",
        ),
    ],
)
def test_facts_word_entries_must_say_what_their_words_mean(
    entries: list[FactPattern], fault: str
) -> None:
    with pytest.raises(PatternError, match=fault):
        FactWords.from_patterns(FactPatterns(patterns=entries))


# --- lead partner --------------------------------------------------------------------------------


def test_facts_lead_partner_from_its_label() -> None:
    text, project = project_of(
        "Lead partner: Regione Emilia-Romagna",
        "Partners:",
        "- University of Bologna",
        "- Politecnico di Milano",
    )

    lead = project.lead_partner
    assert lead is not None
    assert (lead.name, lead.partner_index, lead.role) == (
        "Regione Emilia-Romagna",
        0,
        "lead_partner",
    )
    assert lead.evidence == project.partners[0].evidence
    assert text[lead.evidence.start : lead.evidence.end] == "Regione Emilia-Romagna"


@pytest.mark.parametrize(
    "label",
    [
        "Coordinator: University of Bologna",
        "Project coordinator: University of Bologna",
        "Coordinator - University of Bologna",
        "Coordinated by University of Bologna",
    ],
)
def test_facts_lead_partner_from_a_coordinator_label_is_the_coordinator(label: str) -> None:
    text, project = project_of(label, "Partners:", "- Politecnico di Milano")

    lead = project.lead_partner
    assert lead is not None
    assert (lead.name, lead.partner_index, lead.role) == ("University of Bologna", 0, "coordinator")
    assert project.partners[0].consortium_role == "coordinator"
    assert text[lead.evidence.start : lead.evidence.end] == "University of Bologna"


def test_facts_lead_partner_from_its_own_entry() -> None:
    _, project = project_of(
        "Partners:",
        "- Politecnico di Milano",
        "- University of Bologna - Project Coordinator",
    )

    lead = project.lead_partner
    assert lead is not None
    assert (lead.name, lead.partner_index, lead.role) == ("University of Bologna", 1, "coordinator")


@pytest.mark.parametrize(
    ("sentence", "words"),
    [
        (
            "The project is coordinated by the University of Bologna with two universities.",
            "coordinated by the University of Bologna",
        ),
        (
            "The University of Bologna is the project leader.",
            "University of Bologna is the project leader",
        ),
    ],
)
def test_facts_lead_partner_named_in_prose_among_the_listed_partners(
    sentence: str, words: str
) -> None:
    text, project = project_of(
        sentence, "Partners:", "- Politecnico di Milano", "- University of Bologna"
    )

    lead = project.lead_partner
    assert [partner.consortium_role for partner in project.partners] == [None, None]
    assert lead is not None
    assert (lead.name, lead.partner_index, lead.role) == ("University of Bologna", 1, "coordinator")
    assert text[lead.evidence.start : lead.evidence.end] == words
    assert lead.evidence.rule == "lead_partner_prose"


@pytest.mark.parametrize(
    "sentence",
    [
        "The project builds a shared data platform for regional companies.",
        "The project is coordinated by Fraunhofer Society with two universities.",
    ],
)
def test_facts_no_lead_partner_stated_among_the_partners(sentence: str) -> None:
    _, project = project_of(
        sentence, "Partners:", "- Politecnico di Milano", "- University of Bologna"
    )

    assert len(project.partners) == 2
    assert project.lead_partner is None


def test_facts_lead_partner_extractor_needs_the_partners_before_it() -> None:
    with pytest.raises(PatternError, match="Put 'partners' before 'lead_partner'"):
        check_extractor_order([EXTRACTORS["title"], EXTRACTORS["lead_partner"]])


def test_facts_budget_kind_only_within_its_clause() -> None:
    text, project = project_of(
        "The project has a total budget. Each town gets € 20,000 for its pilot."
    )

    assert budgets_of(text, project) == [(20_000.0, "EUR", None, "€ 20,000")]


def test_facts_packaged_month_names_and_currencies_are_read() -> None:
    words = fact_words()

    assert {words.months[name] for name in ("march", "marzo", "mars", "märz")} == {3}
    assert (words.currencies["€"], words.currencies["eur"], words.currencies["£"]) == (
        "EUR",
        "EUR",
        "GBP",
    )
    assert words.scales["mln"] == words.scales["milioni"] == Decimal(1_000_000)
    assert words.kinds["total budget"] == "total"
