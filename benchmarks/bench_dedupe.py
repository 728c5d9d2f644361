"""Near-duplicate detection: the shingle index next to the pairwise scan it replaced, in one run.

Each size is a generated list of titled sections of paragraphs (4 to 96 words, 50 on average,
as in the sample), one in eight planted as a copy of an earlier one: exact, one word changed,
or two neighbouring words swapped. `--prose zipf` (the default) draws words so that a
paragraph shares a word trigram with about 1.4 % of the others, as real prose does;
`--prose chain` follows the sample's own word pairs, so its phrases recur everywhere (a third
of the paragraphs share a trigram with any one): the worst case for the index. The same count,
prose and seed always give the same sections. Both implementations run on the same sections;
their results (kept sections, hits, kept indexes) must be equal or the script stops.

    python benchmarks/bench_dedupe.py [--counts 250 500 1000 2000] [--prose zipf|chain]
        [--repeat 1] [--gc] [--json FILE]
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import re
import sys
import time
from collections import Counter
from collections.abc import Callable
from itertools import accumulate, chain
from pathlib import Path

from common import SAMPLE

# The pairwise scan the index replaced lives beside the tests that compare the two.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from pairwise_dedupe import Result, pairwise_dedupe_sections  # noqa: E402

from extractors.dedupe import (
    _COMPARED_SLOTS,
    _MIN_WORDS_FOR_NEAR,
    _shingles,
    dedupe_sections,
)
from extractors.layout import Unit
from extractors.segment import Placed, Section
from extractors.text import fingerprint_words

THRESHOLD = 0.9  # Settings().near_duplicate_threshold's default


def _sample_words() -> list[str]:
    return re.findall(r"[A-Za-z][A-Za-z'-]*", SAMPLE.read_text(encoding="utf-8"))


def _zipf_writer(rng: random.Random) -> Callable[[int], str]:
    """Return a writer of `count` words drawn from 50,000 (the sample's 980, most frequent
    first, then made-up ones), rank r with weight 1/r: a paragraph then shares a word trigram
    with about 1.4 % of the others, close to real prose (1.1 % between the paragraphs of the
    sample and of the 18 documents of the development corpus)."""
    ranked = [word for word, _ in Counter(w.casefold() for w in _sample_words()).most_common()]
    vocabulary = ranked + [f"term{rank}" for rank in range(50_000 - len(ranked))]
    weights = list(accumulate(1 / rank for rank in range(1, len(vocabulary) + 1)))

    def write(count: int) -> str:
        return " ".join(rng.choices(vocabulary, cum_weights=weights, k=count))

    return write


def _chain_writer(rng: random.Random) -> Callable[[int], str]:
    """Return a writer of `count` words, each drawn from the words that follow the previous one
    in the sample: the sample's phrases recur everywhere (a paragraph shares a trigram with
    about a third of the others), the worst case for an index of trigrams."""
    words = _sample_words()
    following: dict[str, list[str]] = {}
    for word, next_word in zip(words, words[1:], strict=False):
        following.setdefault(word, []).append(next_word)
    starts = sorted(word for word in following if word[0].isupper())

    def write(count: int) -> str:
        written = [rng.choice(starts)]
        while len(written) < count:
            written.append(rng.choice(following.get(written[-1]) or starts))
        return " ".join(written)

    return write


WRITERS = {"zipf": _zipf_writer, "chain": _chain_writer}


def _planted_copy(original: str, rng: random.Random) -> str:
    """Given a paragraph, return an exact copy, a copy with one word changed, or a copy with two
    neighbouring words swapped."""
    words = original.rstrip(".").split()
    kind = rng.randrange(3)
    position = rng.randrange(len(words) - 1)
    if kind == 1:
        words[position] = "altered"
    elif kind == 2:
        words[position], words[position + 1] = words[position + 1], words[position]
    return " ".join(words) + "."


def generate_sections(paragraphs: int, prose: str = "zipf", seed: int = 0) -> list[Section]:
    """Return titled sections holding `paragraphs` description paragraphs in all, one unit a
    line, offsets and line numbers as in one text; the same arguments give the same sections.

    Paragraphs have 4 to 96 words, 50 on average, as the sample's compared paragraphs (4 to
    126, mean 50); one in eight is a planted copy of an earlier one."""
    rng = random.Random(seed)
    write = WRITERS[prose](rng)
    texts: list[str] = []
    while len(texts) < paragraphs:
        if texts and rng.random() < 0.125:
            texts.append(_planted_copy(rng.choice(texts), rng))
        else:
            texts.append(write(rng.randint(4, 96)).capitalize() + ".")
    sections: list[Section] = []
    offset, line, taken = 0, 1, 0
    while taken < len(texts):
        count = min(rng.randint(1, 4), len(texts) - taken)
        rows = [f"Generated Project {len(sections) + 1}", *texts[taken : taken + count]]
        taken += count
        parts: list[Placed] = []
        for text in rows:
            unit = Unit("text", offset, offset + len(text), line, line, text)
            parts.append(Placed(unit, "description" if parts else "title"))
            offset, line = offset + len(text) + 1, line + 1
        sections.append(Section(None, parts[0].unit, parts))
    return sections


def sharing_rate(sections: list[Section]) -> float:
    """Given sections, return the mean share of the other compared paragraphs (of at least 8
    words) with which a paragraph has a word trigram in common."""
    shingle_sets = [
        _shingles(words)
        for section in sections
        for part in section.parts
        if part.slot in _COMPARED_SLOTS
        and len(words := fingerprint_words(part.unit.text)) >= _MIN_WORDS_FOR_NEAR
    ]
    holders: dict[tuple[str, ...], list[int]] = {}
    for position, shingles in enumerate(shingle_sets):
        for shingle in shingles:
            holders.setdefault(shingle, []).append(position)
    others = len(shingle_sets) - 1
    sharing = [
        len(set(chain.from_iterable(holders[shingle] for shingle in shingles))) - 1
        for shingles in shingle_sets
    ]
    return sum(sharing) / len(sharing) / others if others > 0 else 0.0


def _timed(
    dedupe: Callable[[list[Section], float], Result],
    sections: list[Section],
    repeat: int,
    collect: bool,
) -> tuple[float, Result]:
    """Return the fastest of `repeat` runs of `dedupe` on the sections, and its result.

    Unless `collect`, the garbage collector is off while a run is timed, as `timeit` does: its
    passes cost in proportion to every object alive in the process, not to the work measured."""
    best, result = float("inf"), None
    for _ in range(repeat):
        result = None
        gc.collect()
        if not collect:
            gc.disable()
        try:
            started = time.perf_counter()
            result = dedupe(sections, THRESHOLD)
            best = min(best, time.perf_counter() - started)
        finally:
            gc.enable()
    assert result is not None
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counts", type=int, nargs="+", default=[250, 500, 1000, 2000])
    parser.add_argument(
        "--prose",
        choices=sorted(WRITERS),
        default="zipf",
        help="zipf: as repetitive as real prose (default); chain: the sample's phrases everywhere",
    )
    parser.add_argument("--repeat", type=int, default=1, help="best of R runs of each")
    parser.add_argument(
        "--gc", action="store_true", help="keep the garbage collector on while timing"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", type=Path)
    options = parser.parse_args()
    rows = []
    collector = "on" if options.gc else "off"
    print(
        f"prose: {options.prose}, threshold {THRESHOLD}, best of {options.repeat}, "
        f"garbage collector {collector} while timed"
    )
    print(
        f"{'paragraphs':>10}  {'sharing':>7}  {'hits':>5}  {'old s':>8}  {'new s':>8}"
        f"  {'speed-up':>8}"
    )
    for count in options.counts:
        sections = generate_sections(count, options.prose, options.seed)
        old_seconds, old = _timed(pairwise_dedupe_sections, sections, options.repeat, options.gc)
        new_seconds, new = _timed(dedupe_sections, sections, options.repeat, options.gc)
        if new != old:
            raise SystemExit(
                f"{count} paragraphs: the index and the pairwise scan disagree "
                f"({len(new[1])} against {len(old[1])} hits); the index must be fixed"
            )
        sharing = sharing_rate(sections)
        speed_up = old_seconds / new_seconds
        print(
            f"{count:>10}  {sharing:>7.1%}  {len(new[1]):>5}  {old_seconds:>8.3f}"
            f"  {new_seconds:>8.3f}  {speed_up:>7.1f}×"
        )
        rows.append(
            {
                "paragraphs": count,
                "prose": options.prose,
                "garbage_collector": collector,
                "sharing": round(sharing, 4),
                "hits": len(new[1]),
                "old_seconds": round(old_seconds, 4),
                "new_seconds": round(new_seconds, 4),
                "speed_up": round(speed_up, 1),
            }
        )
    if options.json:
        options.json.write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
