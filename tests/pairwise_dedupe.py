"""The pairwise scan that near-duplicate detection used before the shingle index: the reference
the index must agree with (tests/test_extractors_dedupe.py) and the baseline it is timed against
(benchmarks/bench_dedupe.py)."""

from __future__ import annotations

from dataclasses import replace

from extractors.dedupe import (
    _COMPARED_SLOTS,
    _MIN_WORDS_FOR_NEAR,
    _PREFILTER,
    DuplicateHit,
    _merge_adjacent,
    _Seen,
    similarity,
)
from extractors.segment import Placed, Section
from extractors.text import fingerprint_words

Result = tuple[list[Section], list[DuplicateHit], list[int]]


# The baseline: `extractors/dedupe.py` as it was before the shingle index (its helpers that
# changed since are copied with it; the others are imported unchanged).


def _old_shingles(words: list[str], size: int = 3) -> set[tuple[str, ...]]:
    if len(words) < size:
        return {tuple(words)}
    return {tuple(words[index : index + size]) for index in range(len(words) - size + 1)}


def _old_jaccard(a: set[tuple[str, ...]], b: set[tuple[str, ...]]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def _old_section_key(section: Section) -> tuple[str, ...]:
    units = section.units("title", "description")
    return tuple(" ".join(fingerprint_words(unit.text)) for unit in units)


def pairwise_dedupe_sections(sections: list[Section], threshold: float) -> Result:
    """`dedupe_sections` as it was before the shingle index: every paragraph against all seen."""
    seen_sections: dict[tuple[str, ...], int] = {}
    exact: dict[str, _Seen] = {}
    near: list[_Seen] = []
    hits: list[DuplicateHit] = []
    kept: list[Section] = []
    kept_index: list[int] = []
    for index, section in enumerate(sections):
        key = _old_section_key(section)
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
            shingles = _old_shingles(words)
            if match is None and len(words) >= _MIN_WORDS_FOR_NEAR:
                candidates = [
                    (similarity(words, seen.words), seen)
                    for seen in near
                    if abs(len(seen.words) - len(words)) <= len(words) // 2
                    and _old_jaccard(shingles, seen.shingles) >= _PREFILTER
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
