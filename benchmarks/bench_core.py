"""Core pipeline throughput next to its floor, measured in the same run on the same files.

The floor is reading a file and running spaCy's blank English pipeline over it: no pipeline of
ours can tokenise faster. The core is `extract_brochure` on the file. The two take turns brochure
by brochure, and each brochure counts with its fastest of `--repeat` runs on each side, so a slow
spell of a shared machine falls on neither side of the ratio.

    python benchmarks/bench_core.py [--copies 200] [--repeat 3] [--json FILE]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import spacy
from common import SAMPLE, best_of_alternating, report, write_sample_copies

from workspace.service import extract_brochure


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", type=Path)
    options = parser.parse_args()
    nlp = spacy.blank("en")
    extract_brochure(SAMPLE)  # build rules and the spaCy toolkit once, as a long run would
    with tempfile.TemporaryDirectory() as folder:
        paths = write_sample_copies(Path(folder), options.copies)
        megabytes = sum(path.stat().st_size for path in paths) / 1e6
        floor_seconds = core_seconds = 0.0
        for path in paths:
            seconds = best_of_alternating(
                options.repeat,
                {
                    "floor": lambda path=path: nlp(path.read_text(encoding="utf-8")),
                    "core": lambda path=path: extract_brochure(path),
                },
            )
            floor_seconds += seconds["floor"]
            core_seconds += seconds["core"]
    result = {
        "brochures": options.copies,
        "megabytes": round(megabytes, 3),
        "floor_seconds": round(floor_seconds, 3),
        "core_seconds": round(core_seconds, 3),
        "floor_brochures_per_second": round(options.copies / floor_seconds, 1),
        "core_brochures_per_second": round(options.copies / core_seconds, 1),
        "core_megabytes_per_second": round(megabytes / core_seconds, 2),
        "core_over_floor": round(core_seconds / floor_seconds, 2),
    }
    report(result, options.json)


if __name__ == "__main__":
    main()
