"""Partner text: enumerations split into items, entries read into parts, labels recognised, and
the lexicon file validated on load. Every case is written for this file (invented names)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractors.partner_text import (
    DEFAULT_PARTNER_WORDS,
    label_kind,
    load_partner_words,
    organisation_evidence,
    read_partner_item,
    reads_as_organisation,
    reads_as_person,
    split_enumeration,
)
from schemas import PatternError

words = load_partner_words()


# Enumerations -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "items"),
    [
        # A conjunction splits when an organisation follows: here a short name.
        (
            "ALFA e BETA (Emilia Romagna), Distretto Alto Brianza (Lombardia)",
            ["ALFA", "BETA (Emilia Romagna)", "Distretto Alto Brianza (Lombardia)"],
        ),
        # Leading articles and the final period go; "e il Ministero" splits.
        (
            "la Regione Umbria, la Regione Molise e il Ministero della Cultura.",
            ["Regione Umbria", "Regione Molise", "Ministero della Cultura"],
        ),
        # "e la Formazione" opens no organisation: the name stays whole.
        (
            "Fondazione Istituto per la Ricerca e la Formazione (IRF); Politecnico di Bari",
            ["Fondazione Istituto per la Ricerca e la Formazione (IRF)", "Politecnico di Bari"],
        ),
        ("Research and Innovation Centre", ["Research and Innovation Centre"]),
        ("Wise & Munro; Brook & Field Ltd", ["Wise & Munro", "Brook & Field Ltd"]),
        ("TU/e, KTH / EMBL-EBI, Nordvik A/S", ["TU/e", "KTH", "EMBL-EBI", "Nordvik A/S"]),
        # A country after a comma stays with its organisation.
        (
            "Nordic Tech Centre, UK, Lakeside University, NL",
            ["Nordic Tech Centre, UK", "Lakeside University, NL"],
        ),
        # Countries alone are not joined to one another.
        ("Italy, Spain, France", ["Italy", "Spain", "France"]),
        # A capitalised article goes only before an organisation word.
        ("The Pixel Works, the University of Tartu", ["The Pixel Works", "University of Tartu"]),
        ("The University of Tartu", ["University of Tartu"]),
        (
            "Universitat de Lleida i Universitat de Vic",
            ["Universitat de Lleida", "Universitat de Vic"],
        ),
        (
            "Universität Kassel und Technische Universität Dresden",
            ["Universität Kassel", "Technische Universität Dresden"],
        ),
        (
            "Alfa S.p.A., Beta S.r.l. e Gamma soc. coop.",
            ["Alfa S.p.A.", "Beta S.r.l.", "Gamma soc. coop."],
        ),
        ("l'Agenzia Alfa, l\u2019Università di Beta", ["Agenzia Alfa", "Università di Beta"]),
        (
            "Comune di Alfa, as well as the Chamber of Commerce of Beta",
            ["Comune di Alfa", "Chamber of Commerce of Beta"],
        ),
        (
            "ALFA (capofila, Italia), BETA [Lazio; Roma]",
            ["ALFA (capofila, Italia)", "BETA [Lazio; Roma]"],
        ),
        ("Alfa Srl, Beta GmbH, and Gamma Ltd.", ["Alfa Srl", "Beta GmbH", "Gamma Ltd."]),
        (" ; , ", []),
    ],
)
def test_partner_text_split_enumeration_items(text: str, items: list[str]) -> None:
    assert [item.text for item in split_enumeration(text, words=words)] == items


@pytest.mark.parametrize(
    ("text", "items"),
    [
        (
            "la Regione Umbria, nel ruolo di lead partner, la Regione Molise",
            [("Regione Umbria", "lead_partner"), ("Regione Molise", None)],
        ),
        (
            "Ente Alfa, in qualità di coordinatore, Ente Beta e Consorzio Gamma",
            [("Ente Alfa", "coordinator"), ("Ente Beta", None), ("Consorzio Gamma", None)],
        ),
        ("Alfa GmbH, als Koordinator, Beta AG", [("Alfa GmbH", "coordinator"), ("Beta AG", None)]),
        (
            "Regione Alfa, capofila, Regione Beta",
            [("Regione Alfa", "lead_partner"), ("Regione Beta", None)],
        ),
    ],
)
def test_partner_text_split_enumeration_appositive_sets_role(
    text: str, items: list[tuple[str, str | None]]
) -> None:
    assert [(item.text, item.role) for item in split_enumeration(text, words=words)] == items


@pytest.mark.parametrize("start", [0, 17, 1000])
@pytest.mark.parametrize(
    "text",
    [
        "  la Regione Umbria, nel ruolo di lead partner, la Regione Molise.  ",
        "ALFA e BETA (Emilia Romagna); Nordic Tech Centre, UK",
        "l\u2019Agenzia Alfa \u2013 Roma, Beta Srl.",
    ],
)
def test_partner_text_split_enumeration_offsets_point_into_the_text(text: str, start: int) -> None:
    items = split_enumeration(text, start, words=words)
    assert items
    for item in items:
        assert text[item.start - start : item.end - start] == item.text


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="Aab e,;/()[]&.'\u2019 -UK", max_size=60))
def test_partner_text_split_enumeration_offsets_hold_for_any_text(text: str) -> None:
    for item in split_enumeration(text, 5, words=words):
        assert text[item.start - 5 : item.end - 5] == item.text
        assert item.text and item.text == item.text.strip()


# Organisations, persons --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("University of Tartu", True),
        ("Lakeside University Glasgow, UK", True),
        ("Politecnico di Bari", True),
        ("Forschungszentrum Kleinstadt", True),
        ("Nordvik-Gesellschaft", True),
        ("Weber Maschinenbau GmbH", True),
        ("Alfa Beta S.r.l.", True),
        ("KORVA", True),
        ("UCLeuven", True),
        ("EMBL-EBI", True),
        ("TU/e", True),
        ("CeRIMA", True),
        ("Brook & Field", True),
        ("Kestrel Data Solutions (Luxembourg)", True),
        ("ZOLTA (Ungarn)", True),
        ("Station de recherche alpine (SRA)", True),
        # One capitalised word is not enough without a cue.
        ("Quillmore", False),
        ("Life Sciences", False),
        ("Smart Cities", False),
        ("Bioinformatics", False),
        ("Technology SME", False),
        ("Greece", False),
        ("Italia", False),
        ("UK", False),
        ("Lombardia", False),
        ("18 partners", False),
        ("25 partner in 11 Paesi", False),
        ("60 imprese", False),
        ("nine partners", False),
        ("Horizon 2020", False),
        ("Interreg Europe", False),
        ("Erasmus+", False),
        ("European Commission", False),
        ("Support the phase of identification", False),
        ("To select datasets", False),
        ("Prof. Aino Laaksonen", False),
        ("contact@alfa-beta.eu", False),
        ("https://www.alfa-beta.eu/partners", False),
        ("12 March 2024", False),
        ("2021-2023", False),
        ("The partners of the project met in Rome.", False),
        ("Alfa Consulting is a small company that works on data for the regions of Europe", False),
        ("University", False),
        ("PARTNER INFORMATION", False),
        ("", False),
    ],
)
def test_partner_text_reads_as_organisation(text: str, expected: bool) -> None:
    assert reads_as_organisation(text, words) is expected


@pytest.mark.parametrize(
    ("text", "cue"),
    [
        ("Weber Maschinenbau GmbH", "legal_form:GmbH"),
        ("University of Tartu", "organisation_word:University"),
        ("KORVA (Griechenland)", "country:Greece"),
        ("Alto Brianza District (Lombardia)", "region:Lombardia"),
        ("Life Sciences", "topic:Sciences"),
        ("Horizon Europe", "veto:programme"),
        ("Prof. Aino Laaksonen", "veto:person"),
        ("60 imprese", "veto:count"),
        ("Support the phase of identification", "veto:activity"),
    ],
)
def test_partner_text_organisation_evidence_names_the_cue(text: str, cue: str) -> None:
    assert cue in organisation_evidence(text, words)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Prof. Aino Laaksonen", True),
        ("Dott.ssa Maria Bianchi (Università di Bari)", True),
        ("Dr. Weber GmbH", False),
        ("Aino Laaksonen", False),
        ("University of Tartu", False),
    ],
)
def test_partner_text_reads_as_person(text: str, expected: bool) -> None:
    assert reads_as_person(text, words) is expected


# One entry ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        (
            "PTUA (Patras Technical University of Achaia, Greece) - Project Coordinator",
            {
                "name": "Patras Technical University of Achaia",
                "short_name": "PTUA",
                "country": "Greece",
                "role": "coordinator",
            },
        ),
        # The parenthesis says what kind of partner it is: it is no name.
        (
            "KEL (Research & Innovation Partner)",
            {"name": "KEL", "short_name": "KEL", "description": "Research & Innovation Partner"},
        ),
        (
            "Lakeside University Glasgow, UK",
            {
                "name": "Lakeside University Glasgow",
                "country": "United Kingdom",
                "country_text": "UK",
            },
        ),
        (
            "Université Lyon IV Claude Bernard; FR",
            {"name": "Université Lyon IV Claude Bernard", "country": "France"},
        ),
        ("Université du Nord, LUX", {"name": "Université du Nord", "country": "Luxembourg"}),
        (
            "ZOLTA (Ungarn)",
            {"name": "ZOLTA", "short_name": "ZOLTA", "country": "Hungary"},
        ),
        ("KIDEA (Griechenland)", {"name": "KIDEA", "country": "Greece"}),
        ("Regione Umbria \u2013 Italia", {"name": "Regione Umbria", "country": "Italy"}),
        (
            "Station de recherche alpine (SRA)",
            {"name": "Station de recherche alpine", "short_name": "SRA"},
        ),
        (
            "ITM \u2013 Foundation Institute for Maritime Studies",
            {"name": "Foundation Institute for Maritime Studies", "short_name": "ITM"},
        ),
        (
            "Fondazione Istituto per la Ricerca e la Formazione (IRF)",
            {"name": "Fondazione Istituto per la Ricerca e la Formazione", "short_name": "IRF"},
        ),
        # A trailing acronym made of the initials of the words before it.
        (
            "Consorcio de trabajo de los valles CTV",
            {"name": "Consorcio de trabajo de los valles", "short_name": "CTV"},
        ),
        (
            "Kestrel Data Solutions (Luxembourg)",
            {"name": "Kestrel Data Solutions", "country": "Luxembourg"},
        ),
        ("University of Tartu", {"name": "University of Tartu", "short_name": None}),
        (
            "Distretto Alto Brianza (Lombardia)",
            {"name": "Distretto Alto Brianza", "region": "Lombardia", "country": None},
        ),
        (
            "SIMA \u2013 Distretto Tecnologico Sistemi Marini Avanzati (Liguria)",
            {
                "name": "Distretto Tecnologico Sistemi Marini Avanzati",
                "short_name": "SIMA",
                "region": "Liguria",
            },
        ),
        ("Regione Abruzzo (capofila)", {"name": "Regione Abruzzo", "role": "lead_partner"}),
        ("Comune di Alfa - Lead Partner", {"name": "Comune di Alfa", "role": "lead_partner"}),
        ("Ente Beta (Associated partner)", {"name": "Ente Beta", "role": "associated"}),
        ("Agenzia Gamma \u2013 Coordinatore", {"name": "Agenzia Gamma", "role": "coordinator"}),
        ("Beta Labor - Koordinator", {"role": "coordinator"}),
        ("Alpha Ingénierie - Chef de file", {"role": "lead_partner"}),
        ("Fundación Delta - Socio líder", {"role": "lead_partner"}),
        # A pilot or kind after the dash that is no role stays as a note.
        (
            "SKYR (Skyr Airways, Iceland) - Aircraft Maintenance",
            {
                "name": "Skyr Airways",
                "short_name": "SKYR",
                "country": "Iceland",
                "note": "Aircraft Maintenance",
            },
        ),
        (
            "BPR (Additive Printing SME) - 3D Construction Printing",
            {
                "name": "BPR",
                "description": "Additive Printing SME",
                "note": "3D Construction Printing",
            },
        ),
        # A single place word after the dash belongs to the name.
        ("Leibnitz IFM - Halle", {"name": "Leibnitz IFM - Halle", "note": None}),
        ("Weber Maschinenbau GmbH", {"name": "Weber Maschinenbau GmbH", "short_name": None}),
        ("Toulouse III", {"name": "Toulouse III", "short_name": None}),
        ("Alfa Beta soc. coop.", {"name": "Alfa Beta soc. coop."}),
        ("  The Pixel Works.  ", {"name": "The Pixel Works"}),
    ],
)
def test_partner_text_read_partner_item(text: str, parts: dict[str, str | None]) -> None:
    read = read_partner_item(text, words)
    assert {part: getattr(read, part) for part in parts} == parts


@pytest.mark.parametrize(
    "text",
    [
        "PTUA (Patras Technical University of Achaia, Greece) - Project Coordinator",
        "SIMA \u2013 Distretto Tecnologico Sistemi Marini Avanzati (Liguria)",
        "BPR (Additive Printing SME) - 3D Construction Printing",
        "Lakeside University Glasgow, UK",
        "Consorcio de trabajo de los valles CTV",
    ],
)
def test_partner_text_read_partner_item_spans_are_slices(text: str) -> None:
    read = read_partner_item(text, words)
    assert text[slice(*read.name_span)] == read.name
    for part in ("short_name", "region", "description", "note"):
        span = getattr(read, f"{part}_span")
        assert span is None or text[slice(*span)] == getattr(read, part)
    assert read.country_span is None or text[slice(*read.country_span)] == read.country_text


@pytest.mark.parametrize(
    ("text", "country"),
    [
        ("Kestrel Data Solutions, IT", "Italy"),
        ("Kestrel Data Solutions (FRA)", "France"),
        ("Kestrel Data Solutions - DE", "Germany"),
        # A code is a country only standing alone after a separator, and written in capitals.
        ("Kestrel Data Solutions IT", None),
        ("Kestrel Data Solutions, it", None),
    ],
)
def test_partner_text_country_codes_only_standalone(text: str, country: str | None) -> None:
    assert read_partner_item(text, words).country == country


# Labels ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind", "label", "value"),
    [
        ("Partners", "partners", "Partners", None),
        ("Partners: ALFA; BETA; GAMMA", "partners", "Partners", "ALFA; BETA; GAMMA"),
        ("Lead partner: IAL FVG", "lead", "Lead partner", "IAL FVG"),
        ("PROJECT CONSORTIUM:", "partners", "PROJECT CONSORTIUM", None),
        ("the other partners involved:", "partners", "the other partners involved", None),
        ("Academic & Research Partners:", "partners", "Academic & Research Partners", None),
        ("Technology Providers", "partners", "Technology Providers", None),
        ("Industrial Pilots", "partners", "Industrial Pilots", None),
        ("Consortium members", "partners", "Consortium members", None),
        ("Partner di progetto:", "partners", "Partner di progetto", None),
        ("Partenariato", "partners", "Partenariato", None),
        ("Partner istituzionali", "partners", "Partner istituzionali", None),
        ("Soggetto capofila: Comune di Alfa", "lead", "Soggetto capofila", "Comune di Alfa"),
        ("Projektpartner", "partners", "Projektpartner", None),
        ("Federführung: Beta GmbH", "lead", "Federführung", "Beta GmbH"),
        ("Chef de file :", "lead", "Chef de file", None),
        ("Socio líder: Ayuntamiento de Alfa", "lead", "Socio líder", "Ayuntamiento de Alfa"),
        ("Coordinated by Fondazione Alfa", "coordinator", "Coordinated by", "Fondazione Alfa"),
        ("Led by Fondazione Alfa", "lead", "Led by", "Fondazione Alfa"),
        ("Koordiniert von Beta GmbH", "coordinator", "Koordiniert von", "Beta GmbH"),
        ("Coordinator: Alfa University", "coordinator", "Coordinator", "Alfa University"),
        ("Project coordinator:", "coordinator", "Project coordinator", None),
        ("Coordinatore: Comune di Alfa", "coordinator", "Coordinatore", "Comune di Alfa"),
        ("Coordinateur : Institut Alfa", "coordinator", "Coordinateur", "Institut Alfa"),
        # A coordinator or lead label carries its value after a dash too.
        ("Coordinator \u2013 Alfa University", "coordinator", "Coordinator", "Alfa University"),
        ("Coordinator - ALFA", "coordinator", "Coordinator", "ALFA"),
        ("Capofila - Comune di Alfa", "lead", "Capofila", "Comune di Alfa"),
        ("Associated partners (3):", "associated", "Associated partners (3)", None),
        ("Partenaires associés", "associated", "Partenaires associés", None),
        ("Assoziierte Partner:", "associated", "Assoziierte Partner", None),
        ("Socios asociados", "associated", "Socios asociados", None),
    ],
)
def test_partner_text_label_kind(text: str, kind: str, label: str, value: str | None) -> None:
    match = label_kind(text, words)
    assert match is not None
    assert match.kind == kind
    assert text[slice(*match.label_span)] == label
    assert (text[slice(*match.value_span)] if match.value_span else None) == value


@pytest.mark.parametrize(
    "text",
    [
        "The partners of the project met in Rome.",
        "Project partners include the University of Tartu and KTH",
        "Partners bring their own data",
        "Objectives:",
        "https://www.alfa-beta.eu",
        "",
        # Before a dash: a partners label is a page heading, one word in capitals an acronym,
        # and what follows the dash must read as an organisation.
        "Partners \u2013 who we are",
        "LEAD \u2013 Low Emission Alpine Districts",
        "Coordinator - to be appointed",
    ],
)
def test_partner_text_label_kind_refuses_non_labels(text: str) -> None:
    assert label_kind(text, words) is None


# The lexicon file --------------------------------------------------------------------------------


def test_partner_text_load_partner_words_is_built_once() -> None:
    assert load_partner_words() is load_partner_words(DEFAULT_PARTNER_WORDS) is words


@pytest.mark.parametrize(
    ("old", "new", "problem", "has_line"),
    [
        # YAML reads an unquoted NO as false: Norway's code must stay quoted.
        ('iso2: "NO"', "iso2: NO", "countries.29.iso2", True),
        ("articles:", "article:", "unknown lexicon 'article'", True),
        ("{name: Austria, iso2: AT,", "{name: Austria, iso2: Austria,", "'Austria'", True),
        ("  en: [the]", "  xx: [the]", "articles.xx", True),
        ("  en: [the]", "  en: [the, '']", "empty word", True),
        ("label_max_words: 6", "label_max_words: [6", "YAML syntax error", True),
        # The whole-file checks name the word given twice, not a line.
        ("it: [Belgio]", "it: [Belgio, Francia]", "'francia' is given to both", False),
        (
            "    en: [partner, project partner,",
            "    en: [lead, project partner,",
            "'lead' is given to both lead_partner and partner",
            False,
        ),
        # A label prefix opens the block of its label: it must be one.
        (
            "  en: [coordinated by, led by]",
            "  en: [coordinated by, led by, steered by]",
            "label prefix 'steered by' (en) is no coordinator or lead label",
            False,
        ),
    ],
)
def test_partner_text_load_partner_words_rejects_a_bad_file(
    tmp_path: Path, old: str, new: str, problem: str, has_line: bool
) -> None:
    text = DEFAULT_PARTNER_WORDS.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "partner_words.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(PatternError) as raised:
        load_partner_words(path)
    assert raised.value.path == str(path)
    assert problem in raised.value.problem
    assert raised.value.fix
    assert (raised.value.line is not None) is has_line


def test_partner_text_load_partner_words_names_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(PatternError, match="does not exist"):
        load_partner_words(tmp_path / "missing.yaml")
