"""The publisher's role stated in a page's own sentences, with no 'Role of ...' heading
(extractors/roles.py), through the pipeline and `find_role_sentences` / `detect_speaker`."""

from __future__ import annotations

import pytest
from builders import lines, only_project, packaged_rules

from extractors.layout import build_units
from extractors.pipeline import extract_text
from extractors.role_sentences import detect_speaker, find_role_sentences

rules = packaged_rules()


ENGLISH = [
    "Orchard Water Pilot (AQUORCH)",
    "The pilot tests sensor-driven irrigation in apple orchards of the upper valley.",
    "AcmeOrg assumed the role of partner in the AQUORCH project and trains the growers.",
]
ITALIAN = [
    "Acque Alpine",
    "Il progetto Acque Alpine misura le sorgenti di dodici comuni di montagna, di cui è "
    "capofila la Regione Valverde.",
    "I comuni condividono i dati con i gestori della rete idrica.",
]


@pytest.mark.parametrize(
    ("rows", "organisation", "category", "sentence"),
    [
        pytest.param(ENGLISH, "AcmeOrg", "partner", ENGLISH[2], id="assumed-the-role-of"),
        pytest.param(ITALIAN, "Regione Valverde", "coordinator", ITALIAN[1], id="e-capofila"),
    ],
)
def test_roles_prose_role_sentence_gives_publisher_and_role(
    rows: list[str], organisation: str, category: str, sentence: str
) -> None:
    extraction = extract_text(lines(*rows), source="x.txt")
    role = only_project(extraction).role
    assert extraction.publisher == organisation
    assert role is not None
    assert (role.organisation, role.category, role.text) == (organisation, category, sentence)
    assert role.evidence.rule == "role_sentence"


@pytest.mark.parametrize(
    ("rows", "speaker"),
    [
        pytest.param(ENGLISH, "AcmeOrg", id="assumed-the-role-of"),
        pytest.param(ITALIAN, "Regione Valverde", id="e-capofila"),
    ],
)
def test_roles_prose_detect_speaker_names_the_organisation(rows: list[str], speaker: str) -> None:
    text = lines(*rows)
    prose = [unit for unit in build_units(text, rules) if unit.line_start > 1]
    assert detect_speaker(find_role_sentences(text, prose, rules)) == speaker


def test_roles_prose_find_role_sentences_spans_the_sentence() -> None:
    text = lines(*ENGLISH)
    prose = [unit for unit in build_units(text, rules) if unit.line_start > 1]
    (found,) = find_role_sentences(text, prose, rules)
    assert found.organisation == "AcmeOrg"
    assert text[found.start : found.end] == ENGLISH[2]


PROFILES = [
    "GlacierWatch (GLAWA)",
    "GlacierWatch maps the ice of the northern valleys with drones and open data.",
    "",
    "Partners",
    "",
    "Northfield Robotics GmbH",
    "Northfield Robotics builds the drones that fly over the glaciers. Northfield Robotics is "
    "the project coordinator.",
    "",
    "Alpine Institute of Glaciology",
    "The institute analyses the images and models how the ice moves over the seasons.",
]


def test_roles_prose_partner_profile_is_not_the_publishers_role() -> None:
    extraction = extract_text(lines(*PROFILES), source="x.txt")
    project = only_project(extraction)
    assert extraction.publisher is None
    assert project.role is None
    assert [partner.name for partner in project.partners] == [
        "Northfield Robotics GmbH",
        "Alpine Institute of Glaciology",
    ]


def test_roles_prose_page_voice_wins_over_a_partner_profile() -> None:
    extraction = extract_text(
        lines(
            *PROFILES[:2],
            "AcmeOrg assumed the role of partner in the GlacierWatch project.",
            *PROFILES[2:],
        ),
        source="x.txt",
    )
    role = only_project(extraction).role
    assert extraction.publisher == "AcmeOrg"
    assert role is not None
    assert (role.organisation, role.category) == ("AcmeOrg", "partner")
