"""Pages that name their project and partners in sentences, as news items and project pages do:
each case a small invented text in the shape real pages use, in five languages."""

from __future__ import annotations

import pytest
from builders import lines, only_project

from extractors.pipeline import extract_text


@pytest.mark.parametrize(
    ("text", "title", "partners"),
    [
        pytest.param(
            lines(
                "Progetto VERDEMARE",
                "Finanziato dal Programma Interreg Marittimo, il progetto è guidato dal Comune di "
                "Borgoalto in qualità di capofila, in collaborazione con i partner Comune di "
                "Valfonda, Camera di Commercio di Riva e Parco Naturale delle Colline.",
            ),
            "VERDEMARE",
            [
                "Comune di Borgoalto",
                "Comune di Valfonda",
                "Camera di Commercio di Riva",
                "Parco Naturale delle Colline",
            ],
            id="it-in-collaborazione-con-i-partner",
        ),
        pytest.param(
            lines(
                "Progetto ALPIVERDI",
                "Il progetto ALPIVERDI è un'iniziativa che coinvolge i seguenti partner, città e "
                "regioni: Regionalmanagement Osttal, GAL Valbruna, Comune di Pietralta, Città di "
                "Fontebella.",
            ),
            "ALPIVERDI",
            [
                "Regionalmanagement Osttal",
                "GAL Valbruna",
                "Comune di Pietralta",
                "Città di Fontebella",
            ],
            id="it-seguenti-partner-colon",
        ),
        pytest.param(
            lines(
                "Projekt NORDLICHT",
                "Die Universität Nordhafen ist der Leadpartner des Projekts NORDLICHT. "
                "Projektpartner auf deutscher Seite sind außer der Universität die Fachhochschule "
                "Seestadt, die Innovationsagentur Küste GmbH und die Stadt Möwenburg.",
            ),
            "NORDLICHT",
            [
                "Universität Nordhafen",
                "Fachhochschule Seestadt",
                "Innovationsagentur Küste GmbH",
                "Stadt Möwenburg",
            ],
            id="de-leadpartner-and-projektpartner-sind",
        ),
        pytest.param(
            lines(
                "Proyecto SOLMAR",
                "Esta iniciativa será coordinada por la Universidad de Costaluz, con la "
                "participación del Instituto Tecnológico del Mar, la Fundación Brisa y la "
                "Universidade do Alto Minho.",
            ),
            "SOLMAR",
            [
                "Universidad de Costaluz",
                "Instituto Tecnológico del Mar",
                "Fundación Brisa",
                "Universidade do Alto Minho",
            ],
            id="es-coordinada-por-con-la-participacion",
        ),
        pytest.param(
            lines(
                "Projet TRAVERSE",
                "Il a pour partenaires la Région Montalpe, en tant que chef de file, la Région "
                "Valbelle, la Communauté de communes du Lac et l'Université de Pierreclaire.",
            ),
            "TRAVERSE",
            [
                "Région Montalpe",
                "Région Valbelle",
                "Communauté de communes du Lac",
                "Université de Pierreclaire",
            ],
            id="fr-pour-partenaires",
        ),
        pytest.param(
            lines(
                "Project GREENCARE",
                "GREENCARE is an action-research project co-financed by the European Union.",
                "The Applied Research Centre of Valfonda is the project leader, in charge of "
                "coordinating activities.",
                "The University of Hillcrest is a partner of the project.",
            ),
            "GREENCARE",
            ["Applied Research Centre of Valfonda", "University of Hillcrest"],
            id="en-is-the-project-leader-is-a-partner",
        ),
    ],
)
def test_prose_forms_partners_named_in_sentences(
    text: str, title: str, partners: list[str]
) -> None:
    project = only_project(extract_text(text))

    assert project.title == title
    assert [partner.text for partner in project.partners] == partners


def test_prose_forms_lead_partner_sentence_sets_the_consortium_role() -> None:
    text = lines(
        "Projekt NORDLICHT",
        "Die Universität Nordhafen ist der Leadpartner des Projekts NORDLICHT.",
        "Weitere Projektpartner sind die Fachhochschule Seestadt und die Stadt Möwenburg.",
    )

    roles = {p.text: p.consortium_role for p in only_project(extract_text(text)).partners}

    assert roles["Universität Nordhafen"] == "coordinator"
    assert roles["Stadt Möwenburg"] == "partner"


@pytest.mark.parametrize(
    "sentence",
    [
        "The partner of the WP is responsible for the reports.",  # a cue word before a noun
        "PARTNER INFORMATION",  # a heading, not an enumeration
        "The project partners met on 26th of September 2019 in Laugarvik, Iceland.",
    ],
)
def test_prose_forms_a_cue_word_without_organisations_gives_no_partner(sentence: str) -> None:
    text = lines("Project SEAWAY", "The SEAWAY project studies coastal shipping routes.", sentence)

    assert only_project(extract_text(text)).partners == []


def test_prose_forms_news_subheads_are_not_projects_when_the_text_names_its_project() -> None:
    text = lines(
        "Pressemitteilung Nr. 12 vom 03.05.2021",
        "Über 900.000 Euro für Forschungsprojekt der Universität Nordhafen",
        "Die Universität Nordhafen erhält über 900.000 Euro an EU-Mitteln, gab die Ministerin "
        "heute bekannt.",
        "Projekt widmet sich Zukunftsthema",
        "Mit dem Projekt KÜSTENLICHT (Kooperative Systeme für die Küstenregion) soll die "
        "Grenzregion digital erschlossen werden.",
    )

    project = only_project(extract_text(text))

    assert (project.title, project.acronym) == ("KÜSTENLICHT", "KÜSTENLICHT")


def test_prose_forms_a_quoted_name_in_a_headline_names_the_project() -> None:
    text = lines(
        "Valverde partner del progetto “Alleanza per lo sviluppo delle Valli”",
        "Valverde è partner associato del progetto “Alleanza per lo sviluppo delle Valli”, "
        "finanziato dal programma Interreg Italia-Austria.",
    )

    assert only_project(extract_text(text)).title == "Alleanza per lo sviluppo delle Valli"


def test_prose_forms_a_programme_is_not_the_name_of_the_project() -> None:
    text = lines(
        "Il Comune di Pietralta è partner di un progetto Interreg Alpine Space dedicato ai "
        "borghi digitali, insieme alla Fondazione Aurora e all'Università di Monteverde."
    )

    project = only_project(extract_text(text))

    assert "Interreg" not in project.title
    assert [partner.text for partner in project.partners] == [
        "Comune di Pietralta",
        "Fondazione Aurora",
        "Università di Monteverde",
    ]


def test_prose_forms_a_headline_kicker_repeated_in_a_link_is_not_a_field() -> None:
    text = lines(
        "Borghi digitali: il 4 aprile incontro del progetto Valli Connesse a Trento",
        "Il Comune di Pietralta ospiterà il partenariato del progetto, finanziato dal programma "
        "Interreg Alpine Space, per presentare le attività.",
        "I partner del progetto sono il Comune di Pietralta, la Fondazione Aurora e l'Università "
        "di Monteverde.",
        "LEGGI ANCHE",
        "Borghi digitali: il Comune di Pietralta partner di un progetto europeo",
    )

    project = only_project(extract_text(text))

    assert [partner.text for partner in project.partners] == [
        "Comune di Pietralta",
        "Fondazione Aurora",
        "Università di Monteverde",
    ]


@pytest.mark.parametrize(
    ("heading", "number", "title"),
    [
        ("Work Package 8 „Coordination“", 8, "Coordination"),
        ("WP3 Pilots and validation", 3, "Pilots and validation"),
    ],
)
def test_prose_forms_work_package_heading_without_a_colon(
    heading: str, number: int, title: str
) -> None:
    text = lines(
        "Project GREENGRID",
        "The GREENGRID project builds a regional energy grid with its cities.",
        heading,
        "This work package covers the tasks of the project.",
    )

    packages = only_project(extract_text(text)).work_packages

    assert [(wp.number, wp.title) for wp in packages] == [(number, title)]


def test_prose_forms_wp_leader_line_gives_the_leader() -> None:
    text = lines(
        "WP1: Project Management",
        "WP-Leader: Brightline AG",
        "The aim is to coordinate the overall progress and finances of the project.",
        "WP2: Data Platform",
        "WP-Leader: University of Hillcrest",
        "This work package builds the data platform.",
    )

    packages = only_project(extract_text(text)).work_packages

    assert [(wp.number, wp.leader) for wp in packages] == [
        (1, "Brightline AG"),
        (2, "University of Hillcrest"),
    ]
