"""Dropping repeated paragraphs and sections: normalise, fingerprint, keep the first in document
order, and record every dropped copy with what it repeats.

Dropped parts stay in their section with the slot "duplicate", so every line keeps an owner;
extractors never read that slot. Only prose is compared (descriptions and prose pasted under a
heading). Role paragraphs and
partner lists are never dropped: the same role sentence in two projects is two facts.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from difflib import SequenceMatcher
from itertools import chain

from extractors.layout import Unit
from extractors.segment import Placed, Section
from extractors.text import fingerprint_words

_COMPARED_SLOTS = ("description", "partner_prose", "list_intro")
_FINGERPRINTED_SLOTS = ("title", *_COMPARED_SLOTS)
_MIN_WORDS_FOR_NEAR = 8
_PREFILTER = 0.3


@dataclass(frozen=True)
class DuplicateHit:
    """Dropped units (adjacent, same original section) and the units they repeat."""

    kind: str
    units: tuple[Unit, ...]
    originals: tuple[Unit, ...]
    original_section: int
    similarity: float

    @property
    def start(self) -> int:
        """Offset where the dropped text starts."""
        return self.units[0].start

    @property
    def end(self) -> int:
        """Offset where the dropped text ends."""
        return self.units[-1].end


def _shingles(words: list[str], size: int = 3) -> set[tuple[str, ...]]:
    if len(words) < size:
        return {tuple(words)}
    # The shifted copies end together with the shortest, the last full shingle.
    return set(zip(*(words[offset:] for offset in range(size)), strict=False))


def similarity(first: list[str], second: list[str]) -> float:
    """Given two word lists, return how alike they are: 2 x matching words / all words."""
    if first == second:
        return 1.0
    return SequenceMatcher(None, first, second, autojunk=False).ratio()


@dataclass
class _Seen:
    words: list[str]
    unit: Unit
    section: int
    shingles: set[tuple[str, ...]]


class _ShingleIndex:
    """Seen paragraphs by shingle, so a new paragraph meets only those sharing a word trigram.

    The prefilter needs a Jaccard overlap of at least `_PREFILTER` (above zero), so a paragraph
    sharing no shingle could never pass it: leaving it out changes no result.
    """

    def __init__(self) -> None:
        self.seen: list[_Seen] = []
        self.postings: dict[tuple[str, ...], list[int]] = {}

    def add(self, seen: _Seen) -> None:
        """Index a paragraph under each of its shingles, after those already seen."""
        position = len(self.seen)
        self.seen.append(seen)
        for shingle in seen.shingles:
            self.postings.setdefault(shingle, []).append(position)

    def candidates(self, words: list[str], shingles: set[tuple[str, ...]]) -> list[_Seen]:
        """Given a paragraph, return the seen ones that pass the prefilter, in the order seen."""
        # How many shingles each seen paragraph shares with this one, counted in one C loop.
        shared = Counter(chain.from_iterable(self.postings.get(s, ()) for s in shingles))
        # Jaccard >= t needs |a & b| >= t * |a | b| >= t * |a|: most paragraphs that share a
        # common phrase or two stop here. Rounded down, so no paragraph that passes is lost.
        least = int(_PREFILTER * len(shingles))
        found = []
        # Sorted positions are the order seen, which decides between equal scores.
        for position in sorted(p for p, count in shared.items() if count >= least):
            seen = self.seen[position]
            common = shared[position]
            # Jaccard of the shingle sets without building them: |a | b| = |a| + |b| - |a & b|.
            overlap = common / (len(shingles) + len(seen.shingles) - common)
            if abs(len(seen.words) - len(words)) <= len(words) // 2 and overlap >= _PREFILTER:
                found.append(seen)
        return found


def _section_key(section: Section, words: list[list[str] | None]) -> tuple[str, ...]:
    return tuple(
        " ".join(part_words)
        for part, part_words in zip(section.parts, words, strict=True)
        if part.slot in ("title", "description") and part_words is not None
    )


def _merge_adjacent(hits: list[DuplicateHit]) -> list[DuplicateHit]:
    merged: list[DuplicateHit] = []
    for hit in hits:
        last = merged[-1] if merged else None
        if (
            last is not None
            and last.kind == hit.kind == "paragraph"
            and last.original_section == hit.original_section
            and hit.units[0].line_start == last.units[-1].line_end + 1
        ):
            merged[-1] = replace(
                last,
                units=last.units + hit.units,
                originals=last.originals + hit.originals,
                similarity=min(last.similarity, hit.similarity),
            )
        else:
            merged.append(hit)
    return merged


def dedupe_sections(
    sections: list[Section], threshold: float
) -> tuple[list[Section], list[DuplicateHit], list[int]]:
    """Given sections in document order, drop repeated prose and repeated sections.

    Returns the kept sections, the duplicates found, and for each kept section the index it had in
    the input (so duplicates can name the section that holds their original).
    """
    seen_sections: dict[tuple[str, ...], int] = {}
    exact: dict[str, _Seen] = {}
    near = _ShingleIndex()
    hits: list[DuplicateHit] = []
    kept: list[Section] = []
    kept_index: list[int] = []
    for index, section in enumerate(sections):
        # Each paragraph is fingerprinted once, for the section's key and for the comparison.
        words_of_parts = [
            fingerprint_words(part.unit.text) if part.slot in _FINGERPRINTED_SLOTS else None
            for part in section.parts
        ]
        key = _section_key(section, words_of_parts)
        if section.title is not None and key in seen_sections:
            original = sections[seen_sections[key]]
            hits.append(
                DuplicateHit(
                    "section",
                    tuple(p.unit for p in section.parts),
                    tuple(p.unit for p in original.parts),
                    seen_sections[key],
                    1.0,
                )
            )
            continue
        if section.title is not None:
            seen_sections[key] = index
        parts = []
        for part, words in zip(section.parts, words_of_parts, strict=True):
            if part.slot not in _COMPARED_SLOTS or words is None:
                parts.append(part)
                continue
            joined = " ".join(words)
            match, score = exact.get(joined), 1.0
            shingles = _shingles(words)
            if match is None and len(words) >= _MIN_WORDS_FOR_NEAR:
                # Shared trigrams are a cheap filter; the word-sequence ratio decides.
                candidates = [
                    (similarity(words, seen.words), seen)
                    for seen in near.candidates(words, shingles)
                ]
                score, best = max(candidates, key=lambda pair: pair[0], default=(0.0, None))
                match = best if score >= threshold else None
            if match is not None:
                hits.append(
                    DuplicateHit(
                        "paragraph", (part.unit,), (match.unit,), match.section, round(score, 3)
                    )
                )
                parts.append(Placed(part.unit, "duplicate", part.block))
                continue
            seen = _Seen(words, part.unit, index, shingles)
            exact.setdefault(joined, seen)
            if len(words) >= _MIN_WORDS_FOR_NEAR:
                near.add(seen)
            parts.append(part)
        if section.title is not None or any(p.slot != "duplicate" for p in parts):
            kept.append(replace(section, parts=parts))
            kept_index.append(index)
    return kept, _merge_adjacent(hits), kept_index
