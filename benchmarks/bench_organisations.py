"""Organisation resolution on a few thousand partner names: its rate, and that its cost grows
with the number of names, not with its square.

Each size is a generated list of partner names spread over brochures of 40 names each: made-up
organisations of the shapes brochures give ("University of P", "Regione P", "X Research Centre",
"X S.r.l.", "Clust-ER F", "Fondazione X", "Confindustria P", ...), places and stems drawn from
made-up words (each at least three edits from every other, as two real names mostly are) that
share their first letters as real names do, and one name in five planted as
another spelling of an earlier organisation: case and dashes changed, "Centre" written "Center",
a legal form added, the words reordered ("P University"), or one letter of its longest word
dropped. The same size and seed always give the same names. For each size it prints the time
(best of `--repeat`), names per second, the pairs fuzzy matching scored (each name is compared
only with the few that share a rare word with it), and how well the planted spellings were found:
pairs of names tied that are one organisation (precision) and of those planted (recall).

    python benchmarks/bench_organisations.py [--counts 500 1000 2000 4000] [--repeat 3]
        [--seed 7] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import defaultdict
from itertools import combinations
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rapidfuzz import process  # noqa: E402
from rapidfuzz.distance import OSA  # noqa: E402

from extractors.organisation_rules import packaged_identity_rules  # noqa: E402
from extractors.organisations import NameMention, _Resolver, resolve  # noqa: E402

NAMES_PER_BROCHURE = 40
FIELDS = [
    "Energy", "Mobility", "Materials", "Robotics", "Photonics", "Logistics", "Agrifood",
    "Biomedicine", "Aerospace", "Construction", "Manufacturing", "Water", "Climate", "Design",
]  # fmt: skip
SYLLABLES = [
    "ba", "ce", "di", "fo", "gu", "la", "me", "ni", "po", "ru", "sa", "te", "vi", "zo", "mar",
    "len", "tor", "val", "ber", "cas", "del", "fer", "gan", "lor", "mon", "ner", "pal", "ros",
]  # fmt: skip


def _word(rng: random.Random, syllables: int) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(syllables)).capitalize()


def _words(rng: random.Random, count: int, syllables: tuple[int, ...]) -> list[str]:
    """`count` made-up words, each at least three edits from every other one: two different
    organisations are never one slip apart (real names rarely are)."""
    words: list[str] = []
    attempts = 0
    while len(words) < count and attempts < count * 50:
        attempts += 1
        word = _word(rng, rng.choice(syllables))
        if process.extractOne(word, words, scorer=OSA.distance, score_cutoff=2) is None:
            words.append(word)
    return words


def _organisation(rng: random.Random, places: list[str], stems: list[str]) -> list[str]:
    """One made-up organisation's name, as words."""
    place, stem, field = rng.choice(places), rng.choice(stems), rng.choice(FIELDS)
    shapes = [
        ["University", "of", place],
        ["Regione", place],
        ["Comune", "di", place],
        [stem, field, "Research", "Centre"],
        [stem, "Institute", "of", field],
        [stem, field, "S.r.l."],
        [stem, "Technologies"],
        ["Clust-ER", field, place],
        ["Fondazione", stem],
        ["Confindustria", place],
        [stem, "Laboratory", "of", "the", "University", "of", place],
    ]
    return list(rng.choice(shapes))


def _variant(rng: random.Random, words: list[str]) -> list[str]:
    """Another spelling of the same organisation."""
    kind = rng.randrange(5)
    if kind == 0:
        return [word.upper() if len(word) <= 4 else word.replace("-", " ") for word in words]
    if kind == 1 and "Centre" in words:
        return ["Center" if word == "Centre" else word for word in words]
    if kind == 2 and not words[-1].endswith("."):
        return [*words, "S.p.A."]
    if kind == 3 and words[:2] == ["University", "of"] and len(words) == 3:
        return [words[2], "University"]
    longest = max(range(len(words)), key=lambda index: len(words[index]))
    word = words[longest]
    if len(word) < 7:
        return [word.replace("-", "") for word in words]
    middle = len(word) // 2
    return [*words[:longest], word[:middle] + word[middle + 1 :], *words[longest + 1 :]]


def generate(count: int, seed: int) -> tuple[list[NameMention], list[int]]:
    """`count` partner mentions and, for each, the index of the organisation it names."""
    rng = random.Random(seed)
    vocabulary = _words(rng, max(40, count // 8) + max(80, count // 3), (2, 3, 4))
    places, stems = vocabulary[: max(40, count // 8)], vocabulary[max(40, count // 8) :]
    organisations: list[list[str]] = []
    truth: list[int] = []
    mentions: list[NameMention] = []
    seen: set[str] = set()
    while len(mentions) < count:
        if organisations and rng.random() < 0.2:
            index = rng.randrange(len(organisations))
            words = _variant(rng, organisations[index])
        else:
            words = _organisation(rng, places, stems)
            if " ".join(words) in seen:
                continue
            organisations.append(words)
            index = len(organisations) - 1
        name = " ".join(words)
        seen.add(name)
        brochure = f"brochure-{len(mentions) // NAMES_PER_BROCHURE:04d}"
        mentions.append(NameMention(brochure, "project", "partner", name))
        truth.append(index)
    return mentions, truth


def measure(count: int, seed: int, repeat: int) -> dict[str, float | int]:
    """Resolve `count` generated names `repeat` times; return the best time and the counts."""
    rules = packaged_identity_rules()
    mentions, truth = generate(count, seed)
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        resolution = resolve(mentions, rules)
        times.append(time.perf_counter() - started)
    resolver = _Resolver(mentions, rules)
    resolver.resolve()
    found = [mention.organisation_id for mention in resolution.mentions]

    by_name: dict[str, tuple[str | None, int]] = {}
    for mention, identity, organisation in zip(mentions, found, truth, strict=True):
        by_name.setdefault(mention.name, (identity, organisation))
    tp = fp = fn = 0
    groups: dict[str, list[str]] = defaultdict(list)
    for name, (identity, _) in by_name.items():
        groups[identity or name].append(name)
    expected: dict[int, list[str]] = defaultdict(list)
    for name, (_, organisation) in by_name.items():
        expected[organisation].append(name)
    for members in groups.values():
        for a, b in combinations(members, 2):
            if by_name[a][1] == by_name[b][1]:
                tp += 1
            else:
                fp += 1
    for members in expected.values():
        for a, b in combinations(members, 2):
            if by_name[a][0] != by_name[b][0]:
                fn += 1
    best = min(times)
    return {
        "names": count,
        "distinct_names": len(by_name),
        "organisations": len(resolution.organisations),
        "seconds": round(best, 4),
        "names_per_second": round(count / best),
        "fuzzy_pairs_scored": resolver.compared_pairs,
        "all_pairs": len(by_name) * (len(by_name) - 1) // 2,
        "precision": round(tp / (tp + fp), 3) if tp + fp else 1.0,
        "recall": round(tp / (tp + fn), 3) if tp + fn else 1.0,
        "false_merges": fp,
    }


def main(argv: list[str] | None = None) -> int:
    """Print one row per size, then how the time grew; return 0."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--counts", type=int, nargs="+", default=[500, 1000, 2000, 4000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)

    rows = [measure(count, args.seed, args.repeat) for count in args.counts]
    print(
        f"{'names':>6} {'distinct':>8} {'orgs':>6} {'seconds':>8} {'names/s':>8} "
        f"{'fuzzy pairs':>11} {'all pairs':>10} {'precision':>9} {'recall':>6}"
    )
    for row in rows:
        print(
            f"{row['names']:>6} {row['distinct_names']:>8} {row['organisations']:>6} "
            f"{row['seconds']:>8.3f} {row['names_per_second']:>8} {row['fuzzy_pairs_scored']:>11} "
            f"{row['all_pairs']:>10} {row['precision']:>9.3f} {row['recall']:>6.3f}"
        )
    for before, after in zip(rows, rows[1:], strict=False):
        size = after["names"] / before["names"]
        print(
            f"{before['names']} -> {after['names']} names (x{size:g}): time x"
            f"{after['seconds'] / before['seconds']:.2f}, fuzzy pairs x"
            f"{after['fuzzy_pairs_scored'] / max(1, before['fuzzy_pairs_scored']):.2f} "
            f"(the square would be x{size * size:g})"
        )
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
