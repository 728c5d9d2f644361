from __future__ import annotations

import pytest

from extractors.text import Locator, fingerprint_words, fold, normalise_key


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("IT\u2013ER", "IT-ER"),  # en dash
        ("IT\u2014ER", "IT-ER"),  # em dash
        ("IT\u2011ER", "IT-ER"),  # non-breaking hyphen
        ("a \u2212 b", "a - b"),  # minus sign
        ("\u201chow\u201d", '"how"'),
        ("\u201ehow\u201f", '"how"'),
        ("\u00abhow\u00bb", '"how"'),
        ("workers\u2019 community", "workers' community"),
        ("\u2018out of the box\u2019", "'out of the box'"),
        ("Clust-ER\u00a0Innovate", "Clust-ER Innovate"),  # no-break space
        ("Clust-ER\u2009Innovate", "Clust-ER Innovate"),  # thin space
        ("soft\u00adhyphen", "soft hyphen"),
        ("zero\u200bwidth", "zero width"),
        ("\ufeffTitle", " Title"),  # byte-order mark
        ("\uff21\uff22", "AB"),  # full-width letters fold one to one
        ("plain ascii text", "plain ascii text"),
    ],
)
def test_text_fold_unifies_typographic_variants(text: str, folded: str) -> None:
    assert fold(text) == folded


@pytest.mark.parametrize("ligature", ["\ufb01", "\ufb02", "\ufb00", "\ufb03"])
def test_text_fold_keeps_ligatures_that_would_change_length(ligature: str) -> None:
    text = f"the {ligature}nal report"

    folded = fold(text)

    assert folded == text
    assert folded.index("nal report") == text.index("nal report")


def test_text_fold_keeps_length_and_offsets_of_every_word() -> None:
    text = (
        "The \u201cLab MOVE\u2013UP\u201d project\u00a0\u2014 port workers\u2019 "
        "\ufb01nancial welfare \u2018plan\u2019 (Clust\u2011ER)."
    )

    folded = fold(text)

    assert len(folded) == len(text)
    for word in ("Lab", "MOVE", "UP", "project", "port", "workers", "nancial", "plan", "ER"):
        assert folded.index(word) == text.index(word)
    assert folded[text.index("\u2013")] == "-"
    assert folded[text.index("\u00a0")] == " "


def test_text_fold_keeps_newlines_and_tabs() -> None:
    assert fold("a\u2013b\nc\td\u00a0") == "a-b\nc\td "


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Clust-ER Innovate", "clust-er innovate"),
        ("  Clust\u2013ER\u00a0\u00a0INNOVATE. ", "clust-er innovate"),
        ("Role of Clust-ER Innovate:", "role of clust-er innovate"),
        ("Regione\nEmilia   Romagna,", "regione emilia romagna"),
        ("\ufb01nance", "finance"),  # NFKC first: the key may change length
        ("\u201cQuoted\u201d", '"quoted"'),
    ],
)
def test_text_normalise_key_folds_casefolds_and_tidies(text: str, key: str) -> None:
    assert normalise_key(text) == key


def test_text_fingerprint_words_ignores_case_punctuation_and_dashes() -> None:
    assert fingerprint_words("The Lab MOVE\u2013UP project, \u201cnow\u201d!") == [
        "the",
        "lab",
        "move",
        "up",
        "project",
        "now",
    ]


TEXT = "first line\nsecond line\n\nfourth line"


@pytest.mark.parametrize(
    ("word", "line"),
    [("first", 1), ("second", 2), ("fourth", 4)],
)
def test_text_locator_line_of_word(word: str, line: int) -> None:
    assert Locator(TEXT).line_of(TEXT.index(word)) == line


def test_text_locator_line_of_newline_and_blank_line() -> None:
    locator = Locator(TEXT)

    assert locator.line_of(TEXT.index("\n")) == 1  # the newline ends line 1
    assert locator.line_of(TEXT.index("\n\n") + 1) == 3  # the empty third line
    assert locator.line_of(len(TEXT)) == 4


def test_text_locator_evidence_spans_lines() -> None:
    locator = Locator(TEXT)
    start, end = TEXT.index("line"), TEXT.index("fourth") + len("fourth")

    evidence = locator.evidence(start, end, "rule")

    assert (evidence.start, evidence.end) == (start, end)
    assert (evidence.line_start, evidence.line_end) == (1, 4)
    assert evidence.rule == "rule"
    assert evidence.page is None


def test_text_locator_evidence_ending_at_a_newline_stays_on_its_line() -> None:
    locator = Locator(TEXT)
    end = TEXT.index("\n") + 1  # includes the newline after "first line"

    evidence = locator.evidence(0, end)

    assert (evidence.line_start, evidence.line_end) == (1, 1)


def test_text_locator_empty_span_has_one_line() -> None:
    offset = TEXT.index("second")

    evidence = Locator(TEXT).evidence(offset, offset)

    assert (evidence.line_start, evidence.line_end) == (2, 2)


def test_text_locator_pages() -> None:
    text = "page one\fpage two\fpage three"
    starts = [0, text.index("page two"), text.index("page three")]
    locator = Locator(text, starts)

    assert locator.page_of(text.index("one")) == 1
    assert locator.page_of(text.index("two")) == 2
    assert locator.evidence(text.index("three"), len(text)).page == 3
