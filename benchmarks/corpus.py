"""A deterministic corpus of brochures made from the sample, for benchmarks.

Each brochure recombines the sample's project sections (line ranges from the hand annotation),
renames titles and acronyms so every project is new, shuffles partner lists, and varies the
formatting (bullet glyphs, line endings, blank lines, hard-wrapped prose). The same N and seed
always give the same files.
"""

from __future__ import annotations

import argparse
import random
import re
import textwrap
from collections.abc import Iterator
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "raw" / "clust-er-innovate.txt"
ANNOTATIONS = ROOT / "tests" / "data" / "clust-er-innovate.annotations.yaml"
GLYPHS = ["-", "–", "•", "●", "*"]
PLACES = ["Bologna", "Modena", "Parma", "Ravenna", "Ferrara", "Rimini", "Piacenza", "Forlì"]
MARKER = re.compile(r"^([-–•●*])\s+")


def load_sections() -> tuple[list[str], dict[str, list[list[str]]]]:
    """Return the sample's lines and, per group name, the sections' lines in that group."""
    lines = SAMPLE.read_text(encoding="utf-8").split("\n")
    annotations = yaml.safe_load(ANNOTATIONS.read_text(encoding="utf-8"))
    groups: dict[str, list[list[str]]] = {}
    for project in annotations["projects"]:
        first, last = project["lines"]
        groups.setdefault(project["group"], []).append(lines[first - 1 : last])
    return lines, groups


def _rename(section: list[str], tag: str) -> list[str]:
    """Make a section's title and acronyms unique: 'RESIST0' -> 'RESIST0-B17'."""
    text = "\n".join(section)
    for acronym in sorted(
        set(re.findall(r"\b[A-Z][A-Z0-9]{3,}\b", section[0])), key=len, reverse=True
    ):
        text = re.sub(rf"\b{re.escape(acronym)}\b", f"{acronym}{tag}", text)
    out = text.split("\n")
    if not re.search(r"[A-Z]{4,}", section[0]) and len(section[0].split()) <= 24:
        out[0] = f"{out[0]} {tag.strip('-')}"
    return out


def _shuffle_partners(section: list[str], rng: random.Random) -> list[str]:
    out, index = [], 0
    while index < len(section):
        out.append(section[index])
        if section[index].strip().lower().startswith("project partner"):
            items = []
            while index + 1 < len(section) and MARKER.match(section[index + 1]):
                index += 1
                items.append(section[index])
            rng.shuffle(items)
            out.extend(items)
        index += 1
    return out


def _format(lines: list[str], rng: random.Random) -> str:
    glyph = rng.choice(GLYPHS)
    width = rng.choice([None, None, 72, 90, 110])
    out = []
    for line in lines:
        line = MARKER.sub(glyph + " ", line, count=1)
        if width and len(line) > width and line.rstrip().endswith(".") and not MARKER.match(line):
            out.extend(textwrap.wrap(line, width, break_long_words=False, break_on_hyphens=False))
        else:
            out.append(line)
    return rng.choice(["\n", "\n", "\r\n"]).join(out) + "\n"


def generate(count: int, seed: int = 7) -> Iterator[tuple[str, str]]:
    """Yield (file name, text) for `count` brochures, one at a time (nothing is held)."""
    _, groups = load_sections()
    for number in range(count):
        rng = random.Random(seed * 1_000_003 + number)
        lines: list[str] = []
        for group, sections in groups.items():
            chosen = rng.sample(sections, k=rng.randint(max(1, len(sections) // 2), len(sections)))
            lines.append(group)
            for index, section in enumerate(chosen):
                tag = f"-{rng.choice(PLACES)[:2].upper()}{number}{index}"
                lines.extend(_shuffle_partners(_rename(section, tag), rng))
                if rng.random() < 0.5:
                    lines.append("")
        yield f"brochure-{number:05d}.txt", _format(lines, rng)


def write_corpus(folder: Path, count: int, seed: int = 7) -> list[Path]:
    """Write `count` brochures into `folder` and return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text in generate(count, seed):
        path = folder / name
        path.write_bytes(text.encode("utf-8"))
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description="Write a benchmark corpus made from the sample.")
    parser.add_argument("folder", type=Path)
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--seed", type=int, default=7)
    options = parser.parse_args()
    paths = write_corpus(options.folder, options.count, options.seed)
    print(f"wrote {len(paths)} brochures to {options.folder}")


if __name__ == "__main__":
    main()
