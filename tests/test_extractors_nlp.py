"""The spaCy toolkit: fact patterns rewritten for speed must match exactly what they say."""

from __future__ import annotations

import spacy
from spacy.matcher import Matcher

from extractors.nlp import cheap_first_tokens


def _matches(patterns: list[list[dict]], text: str) -> set[tuple[int, int]]:
    nlp = spacy.blank("en")
    matcher = Matcher(nlp.vocab)
    matcher.add("FACT", patterns)
    return {(start, end) for _, start, end in matcher(nlp.make_doc(text))}


TEXT = (
    "Funded by 2026 and running until 2027, the law no. 12/2023 and Regional Law 2/2023 "
    "apply; more than 600 firms and over 20 regions, a Decree 4/2021 too."
)


def test_a_small_set_on_the_first_token_becomes_one_literal_pattern_per_value() -> None:
    pattern = [{"LOWER": {"IN": ["by", "until", "since"]}}, {"SHAPE": "dddd"}]
    expanded = cheap_first_tokens(pattern)
    assert expanded == [
        [{"LOWER": "by"}, {"SHAPE": "dddd"}],
        [{"LOWER": "until"}, {"SHAPE": "dddd"}],
        [{"LOWER": "since"}, {"SHAPE": "dddd"}],
    ]
    assert _matches(expanded, TEXT) == _matches([pattern], TEXT) != set()


def test_an_optional_first_token_becomes_a_pattern_with_it_and_one_without() -> None:
    pattern = [
        {"LOWER": {"IN": ["regional", "national"]}, "OP": "?"},
        {"LOWER": {"IN": ["law", "decree"]}},
        {"TEXT": {"REGEX": r"^\d+/\d{4}$"}},
    ]
    expanded = cheap_first_tokens(pattern)
    assert len(expanded) == 4
    assert all("OP" not in tokens[0] and isinstance(tokens[0]["LOWER"], str) for tokens in expanded)
    found = _matches(expanded, TEXT)
    assert found == _matches([pattern], TEXT)
    # "Regional Law 2/2023" with and without its adjective, and "Decree 4/2021"; "law no. 12/2023"
    # is not one (a word between).
    assert len(found) == 3


def test_large_sets_repeats_and_regexes_on_the_first_token_stay_as_they_are() -> None:
    months = {"LOWER": {"IN": ["january", "february", "march", "april", "may"]}}
    for pattern in (
        [months, {"SHAPE": "dd"}],
        [{"LOWER": "at", "OP": "+"}, {"LOWER": "least"}],
        [{"TEXT": {"REGEX": "^x"}}],
        [{"LOWER": {"IN": ["a", "b"]}, "SHAPE": {"IN": ["x", "xx"]}}],
    ):
        assert cheap_first_tokens(pattern) == [pattern]


def test_the_fact_ruler_matches_patterns_not_the_word_tables_read_inside_them() -> None:
    from extractors.pipeline import extract_text, shared_pipeline
    from schemas.patterns import FACT_WORD_TABLES

    ruler = shared_pipeline().toolkit.nlp.get_pipe("fact_ruler")
    labels = {pattern["label"] for pattern in ruler.patterns}  # type: ignore[attr-defined]
    assert {"DATE", "BUDGET", "COUNTRY"} <= labels
    assert not labels & FACT_WORD_TABLES
    text = (
        "Lab Move Up\n\n"
        "The laboratory opened in March 2023 with a total budget of € 1.2 million.\n"
        "Partners: University of Bologna, Port Authority of Ravenna.\n"
    )
    (project,) = extract_text(text, "agency.txt").projects
    assert [(date.value, date.precision) for date in project.dates] == [("2023-03", "month")]
    assert [(b.amount, b.currency, b.kind) for b in project.budgets] == [
        (1200000.0, "EUR", "total")
    ]
