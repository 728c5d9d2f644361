"""The tables of words read inside the dates and amounts the fact patterns find: month names,
date qualifiers (and those that may also name a source, with the cues that make them a date's),
currencies, scale words and budget kinds, the word-table entries of facts.yaml
(`schemas.patterns.FACT_WORD_TABLES`), checked when the rules load."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal, cast, get_args

from schemas import PatternError
from schemas.patterns import FactPattern, FactPatterns
from schemas.records import AmountKind, DateQualifier

PeriodCue = Literal["before", "after"]
"""Where a period cue stands: just before the qualifier ('starting from'), or just after the
year ('2019 onwards')."""


@dataclass(frozen=True)
class FactWords:
    """The words read inside dates and amounts, casefolded, each with what it means: the MONTH,
    DATE_QUALIFIER (with SOURCE_QUALIFIER), PERIOD_CUE, CURRENCY, AMOUNT_SCALE and BUDGET_KIND
    entries of facts.yaml. `source_qualifiers` are the qualifiers that may also name where
    something comes from ('data from 2019'): a year alone after one is a date only with a
    period cue next to it."""

    months: Mapping[str, int]
    qualifiers: Mapping[str, DateQualifier]
    currencies: Mapping[str, str]
    scales: Mapping[str, Decimal]
    kinds: Mapping[str, AmountKind]
    source_qualifiers: frozenset[str]
    period_cues: Mapping[str, PeriodCue]

    @classmethod
    def from_patterns(cls, patterns: FactPatterns) -> FactWords:
        """Given the fact patterns, return their tables of words, refusing an entry that is not
        a list of phrases (of one word each, but for BUDGET_KIND), or whose id does not say what
        its words mean."""
        months = _word_table(patterns, "MONTH", _MONTH_ID, "a month's number, 1 to 12")
        qualifiers = _word_table(
            patterns, "DATE_QUALIFIER", _QUALIFIER_ID, f"one of {get_args(DateQualifier)}"
        )
        sources = _word_table(
            patterns, "SOURCE_QUALIFIER", _QUALIFIER_ID, f"one of {get_args(DateQualifier)}"
        )
        both = sorted(sources.keys() & qualifiers.keys())
        if both:
            raise PatternError(
                "facts.yaml",
                f"the words {both} are both DATE_QUALIFIER and SOURCE_QUALIFIER words",
                "Keep each in one entry: SOURCE_QUALIFIER if it may also name a source.",
            )
        cues = _word_table(patterns, "PERIOD_CUE", _CUE_ID, f"one of {get_args(PeriodCue)}")
        currencies = _word_table(patterns, "CURRENCY", _CURRENCY_ID, "an ISO 4217 code, 'EUR'")
        scales = _word_table(patterns, "AMOUNT_SCALE", _SCALE_ID, "a multiplier, '1000000'")
        kinds = _word_table(
            patterns, "BUDGET_KIND", _KIND_ID, f"one of {get_args(AmountKind)}", phrases=True
        )
        return cls(
            months={word: int(value) for word, value in months.items()},
            qualifiers={
                word: cast(DateQualifier, value) for word, value in (qualifiers | sources).items()
            },
            currencies=currencies,
            scales={word: Decimal(value) for word, value in scales.items()},
            kinds={phrase: cast(AmountKind, value) for phrase, value in kinds.items()},
            source_qualifiers=frozenset(sources),
            period_cues={word: cast(PeriodCue, value) for word, value in cues.items()},
        )


_MONTH_ID = re.compile(r"[1-9]|1[0-2]")
_QUALIFIER_ID = re.compile("|".join(get_args(DateQualifier)))
_CURRENCY_ID = re.compile(r"[A-Z]{3}")
_SCALE_ID = re.compile(r"[1-9]\d*")
_KIND_ID = re.compile("|".join(get_args(AmountKind)))
_CUE_ID = re.compile("|".join(get_args(PeriodCue)))


def _word_table(
    patterns: FactPatterns,
    label: str,
    valid_id: re.Pattern[str],
    meaning: str,
    phrases: bool = False,
) -> dict[str, str]:
    """Each word (or, with `phrases`, each phrase) of the entries of `label`, casefolded, with
    its entry's id."""
    table: dict[str, str] = {}
    for entry in patterns.patterns:
        if entry.label != label:
            continue
        words = entry.phrases if phrases else _one_word_phrases(entry)
        if words is None or entry.id is None or not valid_id.fullmatch(entry.id):
            shape = "phrases" if phrases else "one word each"
            raise PatternError(
                "facts.yaml",
                f"the {label} entry with id {entry.id!r} is not a list of phrases ({shape}) "
                f"with an id that is {meaning}",
                f"Write it as {{label: {label}, id: ..., phrases: [...]}}.",
            )
        for word in words:
            if table.setdefault(phrase_key(word), entry.id) != entry.id:
                raise PatternError(
                    "facts.yaml",
                    f"the {label} word {word!r} has two ids: {table[phrase_key(word)]!r} and "
                    f"{entry.id!r}",
                    "Keep the word in one entry.",
                )
    return table


def _one_word_phrases(entry: FactPattern) -> list[str] | None:
    """The phrases of an entry when each is one word, else None."""
    if entry.phrases is None or any(len(phrase.split()) != 1 for phrase in entry.phrases):
        return None
    return entry.phrases


def phrase_key(words: str) -> str:
    """A phrase as the tables key it: casefolded, single spaces."""
    return " ".join(words.casefold().split())
