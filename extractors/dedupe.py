"""Dropping repeated paragraphs and sections: normalise, fingerprint, keep the first in document
order, and record every dropped copy with what it repeats.

Dropped parts stay in their section with the slot "duplicate", so every line keeps an owner;
extractors never read that slot. Only prose is compared (descriptions and prose pasted under a
heading). Role paragraphs and
partner lists are never dropped: the same role sentence in two projects is two facts.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from difflib import SequenceMatcher

from extractors.layout import Unit
from extractors.segment import Placed, Section
from extractors.text import fingerprint_words

_COMPARED_SLOTS = ("description", "partner_prose", "list_intro")
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
    return {tuple(words[index : index + size]) for index in range(len(words) - size + 1)}


def similarity(first: list[str], second: list[str]) -> float:
    """Given two word lists, return how alike they are: 2 x matching words / all words."""
    if first == second:
        return 1.0
    return SequenceMatcher(None, first, second, autojunk=False).ratio()


def _jaccard(a: set[tuple[str, ...]], b: set[tuple[str, ...]]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


@dataclass
class _Seen:
    words: list[str]
    unit: Unit
    section: int
    shingles: set[tuple[str, ...]]


def _section_key(section: Section) -> tuple[str, ...]:
    units = section.units("title", "description")
    return tuple(" ".join(fingerprint_words(unit.text)) for unit in units)


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
    near: list[_Seen] = []
    hits: list[DuplicateHit] = []
    kept: list[Section] = []
    kept_index: list[int] = []
    for index, section in enumerate(sections):
        key = _section_key(section)
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
        for part in section.parts:
            if part.slot not in _COMPARED_SLOTS:
                parts.append(part)
                continue
            words = fingerprint_words(part.unit.text)
            joined = " ".join(words)
            match, score = exact.get(joined), 1.0
            shingles = _shingles(words)
            if match is None and len(words) >= _MIN_WORDS_FOR_NEAR:
                # Trigram overlap is a cheap filter; the word-sequence ratio decides.
                candidates = [
                    (similarity(words, seen.words), seen)
                    for seen in near
                    if abs(len(seen.words) - len(words)) <= len(words) // 2
                    and _jaccard(shingles, seen.shingles) >= _PREFILTER
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
                near.append(seen)
            parts.append(part)
        if section.title is not None or any(p.slot != "duplicate" for p in parts):
            kept.append(replace(section, parts=parts))
            kept_index.append(index)
    return kept, _merge_adjacent(hits), kept_index
