"""Text helpers: a length-preserving fold for matching, keys for comparing, offsets to evidence."""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Sequence
from functools import cache, lru_cache

from schemas import Evidence

_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
_SINGLE_QUOTES = "\u2018\u2019\u201a\u201b\u2032"
_DOUBLE_QUOTES = "\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb"
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_WHITESPACE = re.compile(r"\s+")
# A line ending on one of these words breaks inside a sentence ("... to build a new career in"):
# it is neither a title nor a paragraph's last line.
_OPEN_END_WORDS = (
    "and|or|of|for|the|a|an|in|on|to|with|by|at|from|which|that|who|e|di|del|della|per|und|der|"
    "für|et|de|du|des|pour|y|para"
)
OPEN_END = re.compile(rf"\b(?:{_OPEN_END_WORDS})$", re.IGNORECASE)
"""A text that ends on a word no sentence or title ends on."""


@cache
def _fold_char(char: str) -> str:
    if char in _DASHES:
        return "-"
    if char in _SINGLE_QUOTES:
        return "'"
    if char in _DOUBLE_QUOTES:
        return '"'
    if char in _INVISIBLE or (char.isspace() and char not in "\n\r\t"):
        return " "
    folded = unicodedata.normalize("NFKC", char)
    # Only one-to-one replacements: offsets in the folded text must equal those in the original.
    return folded if len(folded) == 1 else char


_FOLD_TABLE: dict[int, str] = {}
_FOLD_SEEN: set[str] = set()


@lru_cache(maxsize=8192)
def fold(text: str) -> str:
    """Given text, return it with typographic variants unified, one character for one character."""
    if text.isascii():
        return text
    # One translation table, grown with each character first met: a single pass in C.
    new = set(text) - _FOLD_SEEN
    if new:
        _FOLD_SEEN.update(new)
        _FOLD_TABLE.update(
            {ord(char): folded for char in new if (folded := _fold_char(char)) != char}
        )
    return text.translate(_FOLD_TABLE)


def normalise_key(text: str) -> str:
    """Given a name or a paragraph, return the key used to compare it: folded, casefolded, tidy."""
    folded = fold(unicodedata.normalize("NFKC", text)).casefold()
    return _WHITESPACE.sub(" ", folded).strip(" .,;:")


def fingerprint_words(text: str) -> list[str]:
    """Given a paragraph, return its words, lower-cased, punctuation dropped (for duplicates)."""
    return re.findall(r"\w+", fold(text).casefold())


class Locator:
    """Turns character offsets of the kept text into `Evidence` (lines, pages for PDFs, and the
    element of each line for structured documents)."""

    def __init__(
        self,
        text: str,
        page_starts: Sequence[int] | None = None,
        line_elements: Sequence[str] | None = None,
    ) -> None:
        self.text = text
        self.line_starts = [0] + [match.end() for match in re.finditer("\n", text)]
        self.page_starts = list(page_starts) if page_starts else None
        self.line_elements = list(line_elements) if line_elements else None

    def line_of(self, offset: int) -> int:
        """Given an offset, return its 1-based line number."""
        return bisect_right(self.line_starts, offset)

    def page_of(self, offset: int) -> int | None:
        """Given an offset, return its 1-based page, or None for text without pages."""
        if self.page_starts is None:
            return None
        return bisect_right(self.page_starts, offset)

    def element_of(self, line: int) -> str | None:
        """Given a 1-based line, return the path of the element it came from, or None."""
        if self.line_elements is None or not 0 < line <= len(self.line_elements):
            return None
        return self.line_elements[line - 1]

    def evidence(self, start: int, end: int, rule: str | None = None) -> Evidence:
        """Given a span of the kept text, return its evidence."""
        last = max(start, end - 1)
        line_start = self.line_of(start)
        return Evidence(
            start=start,
            end=end,
            line_start=line_start,
            line_end=self.line_of(last),
            page=self.page_of(start),
            rule=rule,
            element=self.element_of(line_start),
        )


def is_acronym(token: str) -> bool:
    """Given a token, decide whether it is written as an acronym: 'CRI4.0', 'IT-ER', 'RESIST0'."""
    letters = [char for char in token if char.isalpha()]
    if len(letters) < 2 or " " in token:
        return False
    return sum(char.isupper() for char in letters) / len(letters) >= 0.6
