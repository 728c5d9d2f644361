"""The spaCy side: a blank English pipeline (or a named installed one) with the fact patterns in a
SpanRuler, and phrase matchers built once from the pattern files."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import spacy
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.pipeline import SpanRuler

from extractors.rules import Rules
from schemas import PatternError

FACTS_KEY = "facts"
_BLANK_MAX_LENGTH = 200_000_000
# A Matcher tests a pattern's first token at every token of the document, and a set or regex
# test there is a Python call per token; a literal test is native. A small set on the first
# token is therefore cheaper as one literal pattern per value.
_MAX_EXPANDED_SET = 4


@dataclass(frozen=True)
class Toolkit:
    """A spaCy pipeline and the matchers the extractors share, built once per settings."""

    nlp: Language
    role_cues: PhraseMatcher
    named_project: Matcher


def _load_pipeline(name: str) -> Language:
    if name.startswith("blank:"):
        nlp = spacy.blank(name.removeprefix("blank:"))
        # The 1,000,000-character default guards the parser's memory; a blank pipeline only
        # tokenises, and the file-size limit in the settings bounds the text.
        nlp.max_length = _BLANK_MAX_LENGTH
        return nlp
    try:
        return spacy.load(name, exclude=["lemmatizer"])
    except OSError as error:
        raise PatternError(
            None,
            f"the spaCy pipeline '{name}' is not installed",
            "Install it as a package, or use the default 'blank:en'.",
        ) from error


def cheap_first_tokens(pattern: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Given a Matcher token pattern, return patterns that match the same spans and test their
    first token natively: an optional first token becomes a pattern with it and one without, and
    a small `IN` set on the first token one pattern per value."""
    if not pattern:
        return [pattern]
    first, rest = pattern[0], pattern[1:]
    if first.get("OP") == "?":
        required = {key: value for key, value in first.items() if key != "OP"}
        return cheap_first_tokens(rest) + cheap_first_tokens([required, *rest])
    if "OP" in first:
        return [pattern]
    sets = [(key, value) for key, value in first.items() if isinstance(value, dict)]
    if len(sets) != 1:
        return [pattern]
    key, test = sets[0]
    values = test.get("IN")
    if set(test) != {"IN"} or not isinstance(values, list) or len(values) > _MAX_EXPANDED_SET:
        return [pattern]
    return [[{**first, key: value}, *rest] for value in values]


def _ruler_patterns(rules: Rules) -> list[dict[str, Any]]:
    entries = []
    for fact in rules.patterns.facts.matched:
        for entry in fact.spacy_patterns():
            if isinstance(entry["pattern"], str):
                entries.append(entry)
            else:
                entries.extend(
                    {**entry, "pattern": tokens} for tokens in cheap_first_tokens(entry["pattern"])
                )
    return entries


def build_toolkit(pipeline: str, rules: Rules) -> Toolkit:
    """Given a pipeline name and the rules, return the spaCy toolkit (built anew: a `Pipeline`
    keeps it)."""
    nlp = _load_pipeline(pipeline)
    ruler: SpanRuler = nlp.add_pipe(  # type: ignore[assignment]
        "span_ruler",
        name="fact_ruler",
        config={"spans_key": FACTS_KEY, "validate": True, "overwrite": False},
    )
    try:
        ruler.add_patterns(_ruler_patterns(rules))
    except ValueError as error:
        raise PatternError(
            "facts.yaml",
            f"a pattern is not a valid spaCy pattern ({error})",
            "Fix the pattern's token keys.",
        ) from error
    role_cues = PhraseMatcher(nlp.vocab, attr="LOWER")
    for cue in rules.patterns.roles.categories:
        role_cues.add(cue.category, [nlp.make_doc(phrase) for phrase in cue.cues])
    named_project = Matcher(nlp.vocab)
    named_project.add(
        "NAMED_PROJECT",
        [
            [
                {"TEXT": {"REGEX": r"^[A-Z][A-Za-z0-9]*[A-Z][A-Za-z0-9]*$"}, "LENGTH": {">=": 4}},
                {"ORTH": "-", "OP": "?"},
                {"LOWER": "project"},
            ]
        ],
    )
    return Toolkit(nlp=nlp, role_cues=role_cues, named_project=named_project)
