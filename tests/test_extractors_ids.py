"""Project ids (scheme 2): letters transliterated, every plain Latin id as scheme 1 made it."""

from __future__ import annotations

import pytest

from extractors.ids import FALLBACK_ID, ID_MAX_LENGTH, ID_SCHEME, cut_to_length, project_id


def test_ids_scheme_is_two() -> None:
    assert ID_SCHEME == 2


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Łódź Smart Port", "lodz-smart-port"),
        ("Gdańsk – Żegluga Śródlądowa", "gdansk-zegluga-srodladowa"),
        ("Wrocław", "wroclaw"),
    ],
)
def test_ids_polish_letters_are_transliterated(title: str, expected: str) -> None:
    assert project_id(None, title) == expected


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Straße der Zukunft: Mobilität für Bürger", "strasse-der-zukunft-mobilitat-fur-burger"),
        ("Große Äcker, schöne Öfen", "grosse-acker-schone-ofen"),
    ],
)
def test_ids_german_sharp_s_and_umlauts(title: str, expected: str) -> None:
    assert project_id(None, title) == expected


def test_ids_greek_title_is_transliterated() -> None:
    assert project_id(None, "Ψηφιακή Καινοτομία") == "psephiake-kainotomia"


def test_ids_cyrillic_title_is_transliterated() -> None:
    assert project_id(None, "Цифровая экономика") == "tsifrovaia-ekonomika"


def test_ids_different_non_latin_titles_give_different_ids() -> None:
    greek = [project_id(None, "Ψηφιακή Καινοτομία"), project_id(None, "Έξυπνη Ενέργεια")]
    cyrillic = [project_id(None, "Цифровая экономика"), project_id(None, "Умный город")]

    assert greek == ["psephiake-kainotomia", "exupne-energeia"]
    assert cyrillic == ["tsifrovaia-ekonomika", "umnyi-gorod"]
    assert len(set(greek + cyrillic)) == 4


@pytest.mark.parametrize("title", ["© ® € ★ — !!!", "", "  ...  "])
def test_ids_a_title_of_symbols_only_falls_back(title: str) -> None:
    assert project_id(None, title) == FALLBACK_ID == "project"


def test_ids_acronym_is_preferred_over_the_title() -> None:
    assert project_id("ŁÓDŹ-SP", "Łódź Smart Port") == "lodz-sp"
    assert project_id("CRI4.0", "Cyber Range for Industrial Security") == "cri4-0"


def test_ids_an_empty_acronym_gives_the_title() -> None:
    assert project_id("", "Alpha Beta") == "alpha-beta"


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Città – Innovation “Lab”", "citta-innovation-lab"),
        ("L’Aquila: 1,000 Ideas & More", "l-aquila-1-000-ideas-more"),
        ("Regional Committee for Talent Attraction", "regional-committee-for-talent-attraction"),
    ],
)
def test_ids_latin_titles_keep_their_scheme_one_id(title: str, expected: str) -> None:
    assert project_id(None, title) == expected


def test_ids_a_long_title_is_cut_at_a_word_boundary() -> None:
    title = "Regional Committee for Talent Attraction and Retention in the Emilia-Romagna Region"

    identifier = project_id(None, title)

    assert identifier == "regional-committee-for-talent-attraction-and-retention-in"
    assert len(identifier) <= ID_MAX_LENGTH == 60


def test_ids_a_long_single_word_is_cut_at_the_cap() -> None:
    identifier = project_id(None, "Supercalifragilisticexpialidocious" * 3)

    assert identifier == "supercalifragilisticexpialidocioussupercalifragilisticexpial"
    assert len(identifier) == ID_MAX_LENGTH


def test_ids_a_word_ending_at_the_cap_is_dropped_as_under_scheme_one() -> None:
    title = "a" * 20 + " " + "b" * 19 + " " + "c" * 19 + " dd"

    assert project_id(None, title) == "a" * 20 + "-" + "b" * 19


def test_ids_a_long_transliterated_title_is_cut_too() -> None:
    title = "Цифровая экономика и умный город для всех жителей Российской Федерации"

    identifier = project_id(None, title)

    assert identifier == "tsifrovaia-ekonomika-i-umnyi-gorod-dlia-vsekh-zhitelei"
    assert len(identifier) <= ID_MAX_LENGTH


@pytest.mark.parametrize(
    ("slug", "expected"),
    [("short-slug", "short-slug"), ("x" * 60, "x" * 60), ("abc-" + "d" * 60, "abc")],
)
def test_ids_cut_to_length(slug: str, expected: str) -> None:
    assert cut_to_length(slug) == expected
