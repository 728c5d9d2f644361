"""PDF stage throughput next to pdfplumber's own `extract_words`, in the same run on the same pages.

The PDFs are the sample typeset as the tests' PDFs are (tests/data/make_pdfs.py: one column with a
running header, footer and hyphenation; two columns; bold, larger titles), the sample repeated
`--copies` times in each. The floor opens each PDF with pdfplumber and calls `extract_words()` on
every page; the stage is `read_pdf_source` (the same words with their fonts, then columns, running
lines, paragraphs and page offsets). Both are timed alternately, best of `--repeat`.

    python benchmarks/bench_pdf.py [--copies 4] [--repeat 3] [--json FILE]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import pdfplumber
from common import best_of_alternating, report

from readers.pdf import read_pdf_source
from schemas import Settings
from workspace.service import extract_brochure

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "raw" / "clust-er-innovate.txt"
TARGET = 1.5

sys.path.insert(0, str(ROOT / "tests" / "data"))
from make_pdfs import LAYOUTS, render_sample  # noqa: E402


def make_pdfs(folder: Path, copies: int) -> list[Path]:
    """Typeset the sample, repeated `copies` times, in every test layout; return the PDFs."""
    text = SAMPLE.read_text(encoding="utf-8")
    line_count = text.count("\n") + 1
    titles = {
        project.title_evidence.line_start
        for project in extract_brochure(SAMPLE).projects
        if not project.title_inferred
    }
    repeated = "\n\n".join([text] * copies)
    every_title = {line + copy * (line_count + 1) for copy in range(copies) for line in titles}
    return [
        render_sample(folder / f"{name}.pdf", layout, repeated, every_title).path
        for name, layout in LAYOUTS.items()
    ]


def count_pages(paths: list[Path]) -> int:
    """Given PDFs, return their number of pages."""
    total = 0
    for path in paths:
        with pdfplumber.open(path) as pdf:
            total += len(pdf.pages)
    return total


def floor(paths: list[Path]) -> None:
    """pdfplumber alone: open each PDF and extract every page's words."""
    for path in paths:
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                page.extract_words()
                page.close()


def stage(paths: list[Path], settings: Settings) -> None:
    """The pipeline's PDF stage: each PDF read into its kept text."""
    for path in paths:
        read_pdf_source(path, settings)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--copies", type=int, default=4)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", type=Path)
    options = parser.parse_args()
    settings = Settings()
    with tempfile.TemporaryDirectory() as folder:
        paths = make_pdfs(Path(folder), options.copies)
        pages = count_pages(paths)
        megabytes = sum(path.stat().st_size for path in paths) / 1e6
        stage(paths[:1], settings)  # load the rules once, as a long run would
        seconds = best_of_alternating(
            options.repeat,
            {"floor": lambda: floor(paths), "stage": lambda: stage(paths, settings)},
        )
    ratio = seconds["stage"] / seconds["floor"]
    result = {
        "pdfs": len(paths),
        "pages": pages,
        "megabytes": round(megabytes, 3),
        "floor_seconds": round(seconds["floor"], 3),
        "stage_seconds": round(seconds["stage"], 3),
        "floor_pages_per_second": round(pages / seconds["floor"], 1),
        "stage_pages_per_second": round(pages / seconds["stage"], 1),
        "stage_over_floor": round(ratio, 2),
        "target": TARGET,
        "within_target": ratio <= TARGET,
    }
    report(result, options.json)


if __name__ == "__main__":
    main()
