"""Measure the threshold of fuzzy matching in organisation resolution.

    .venv/bin/python benchmarks/measure_fuzzy_threshold.py [--corpus DIR] [--floor N] [--pairs]

Reads the sample (raw/) and, when it is there, the development corpus's text renderings
(../shared/corpus/text), extracts them, and takes every name organisation resolution sees
(partners, affiliations, parents). The fuzzy rule compares two names that have the same words but
one each, by the `word_similarity` of those two words (rapidfuzz's optimal string
alignment). The script prints:

1. every real pair of distinct names of that shape, with the ratio of its two words, with and
   without the spelling variants and translations of the identity rules (without them: what
   fuzzy matching alone would have to catch), whether the length and number guard lets the
   rule look at it, and whether the resolver ties the pair by any rule (`--pairs`; a person
   labels each pair same or different);
2. the ratios of typing slips, made from every word of at least `fuzzy_min_word_length` letters
   of those names (a letter dropped, a letter replaced, two letters swapped): what the rule must
   tie;
3. the highest ratios between two different words of those names (the names' own vocabulary,
   the same pairs the rule would see were the rest of two names equal): what it must not tie.

The threshold in `organisation_identities.yaml` goes between the two distributions. Only names,
words and scores are printed; nothing of the corpus is stored.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from dataclasses import replace
from itertools import combinations
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extractors.organisation_names import (  # noqa: E402
    differing_words,
    fuzzy_score,
    name_keys,
    word_similarity,
)
from extractors.organisation_rules import IdentityRules, load_identity_rules  # noqa: E402
from extractors.organisations import collect_mentions, resolve_extractions  # noqa: E402
from workspace.layout import brochure_name  # noqa: E402
from workspace.service import extract_brochure  # noqa: E402

DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "text"


def slips(word: str) -> list[tuple[str, str]]:
    """Given a word, return one of each typing slip in its middle: (kind, slipped word)."""
    middle = len(word) // 2
    replaced = "e" if word[middle] != "e" else "a"
    return [
        ("dropped", word[:middle] + word[middle + 1 :]),
        ("replaced", word[:middle] + replaced + word[middle + 1 :]),
        ("swapped", word[: middle - 1] + word[middle] + word[middle - 1] + word[middle + 1 :]),
    ]


def percentile_rows(scores: Iterable[float]) -> str:
    """Given scores, return their minimum, 5th percentile, median and maximum."""
    ordered = sorted(scores)
    if not ordered:
        return "none"

    def at(fraction: float) -> float:
        return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]

    return (
        f"min {ordered[0]:.1f}, 5% {at(0.05):.1f}, median {at(0.5):.1f}, max {ordered[-1]:.1f} "
        f"({len(ordered)})"
    )


def without_tables(rules: IdentityRules) -> IdentityRules:
    """The rules without spelling variants and translations."""
    return replace(
        rules,
        spelling={},
        translation={},
        patterns=rules.patterns.model_copy(update={"spelling_variants": [], "translations": []}),
    )


def main(argv: list[str] | None = None) -> int:
    """Print the measurements; return 0."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--floor", type=float, default=60.0, help="leave out pairs below this")
    parser.add_argument("--pairs", action="store_true", help="list the real pairs one by one")
    args = parser.parse_args(argv)

    sources = [ROOT / "raw" / "clust-er-innovate.txt"]
    if args.corpus.is_dir():
        sources += sorted(args.corpus.glob("*.txt"))
    extractions = {brochure_name(path): extract_brochure(path) for path in sources}
    rules = load_identity_rules()
    bare = without_tables(rules)
    threshold = rules.patterns.fuzzy_threshold
    minimum = rules.patterns.fuzzy_min_word_length
    names = sorted(
        {
            " ".join(mention.name.split())
            for brochure, extraction in extractions.items()
            for mention in collect_mentions(brochure, extraction, rules)
            if not mention.person
        }
    )
    resolution = resolve_extractions(extractions, rules)
    organisation_of = {
        " ".join(mention.name.split()): mention.organisation_id for mention in resolution.mentions
    }
    print(f"{len(sources)} documents, {len(names)} distinct names; threshold now {threshold}")

    # 1. Real pairs of the compared shape.
    rows = []
    for first, second in combinations(names, 2):
        keys_bare = (name_keys(first, bare), name_keys(second, bare))
        words = differing_words(*keys_bare)
        if words is None:
            continue
        ratio_bare = word_similarity(*words)
        scored = fuzzy_score(name_keys(first, rules), name_keys(second, rules), rules)
        guarded = fuzzy_score(*keys_bare, bare) is not None
        tied = organisation_of.get(first) == organisation_of.get(second)
        rows.append((ratio_bare, scored, guarded, tied, words, first, second))
    rows.sort(key=lambda row: (-row[0], row[5], row[6]))
    tied_rows = [row for row in rows if row[3]]
    apart_rows = [row for row in rows if not row[3]]
    print(f"\n1. {len(rows)} real pairs of names that differ in one word each")
    print(f"   tied by the resolver: {percentile_rows(row[0] for row in tied_rows)}")
    print(f"   kept apart:           {percentile_rows(row[0] for row in apart_rows)}")
    print(
        "   kept apart, words long enough for the rule: "
        + percentile_rows(row[0] for row in apart_rows if row[2])
    )
    if args.pairs:
        print("   ratio  with-tables  guard  tied  words  |  name  |  name")
        for ratio_bare, scored, guarded, tied, words, first, second in rows:
            if ratio_bare < args.floor and not tied:
                continue
            shown = f"{scored[0]:5.1f}" if scored is not None else "    -"
            print(
                f"   {ratio_bare:5.1f}  {shown}  {'pass' if guarded else 'skip'}  "
                f"{'yes' if tied else 'no '}  {words[0]} ~ {words[1]}  |  {first}  |  {second}"
            )

    # 2. Typing slips of the names' own long words.
    vocabulary = sorted(
        {
            word
            for name in names
            for word in name_keys(name, bare).content
            if len(word) >= minimum and word.isalpha()
        }
    )
    slipped: dict[str, list[float]] = {"dropped": [], "replaced": [], "swapped": []}
    for word in vocabulary:
        for kind, other in slips(word):
            slipped[kind].append(word_similarity(word, other))
    print(f"\n2. typing slips of the {len(vocabulary)} words of {minimum}+ letters (must tie)")
    for kind, scores in slipped.items():
        caught = sum(score >= threshold for score in scores)
        print(f"   {kind:<9} {percentile_rows(scores)}; >= threshold: {caught}/{len(scores)}")

    # 3. Different words of the same vocabulary (must not tie).
    different = sorted(
        ((word_similarity(a, b), a, b) for a, b in combinations(vocabulary, 2)), reverse=True
    )
    above = [item for item in different if item[0] >= threshold]
    print(
        f"\n3. {len(different)} pairs of different words: >= threshold: {len(above)}; the highest:"
    )
    for score, a, b in different[:25]:
        print(f"   {score:5.1f}  {a} ~ {b}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
