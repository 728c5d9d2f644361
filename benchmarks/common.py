"""What every benchmark script shares: timing and printing the results."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

SAMPLE = Path(__file__).resolve().parents[1] / "raw" / "clust-er-innovate.txt"


def write_sample_copies(folder: Path, copies: int) -> list[Path]:
    """Write `copies` copies of the sample, each with one title renamed so that no two files are
    identical; return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    text = SAMPLE.read_text(encoding="utf-8")
    paths = []
    for index in range(copies):
        variant = text.replace("Skills Intelligence\n", f"Skills Intelligence {index}\n", 1)
        path = folder / f"brochure-{index:05d}.txt"
        path.write_text(variant, encoding="utf-8")
        paths.append(path)
    return paths


def best_of(repeat: int, run: Callable[[], Any]) -> float:
    """Run `run` `repeat` times and return the fastest wall time in seconds."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return min(times)


def best_of_alternating(repeat: int, runs: dict[str, Callable[[], Any]]) -> dict[str, float]:
    """Run each callable `repeat` times, taking turns, and return each one's fastest wall time:
    a slow spell of the machine then falls on both sides of a ratio, not on one."""
    best = {name: float("inf") for name in runs}
    for _ in range(repeat):
        for name, run in runs.items():
            started = time.perf_counter()
            run()
            best[name] = min(best[name], time.perf_counter() - started)
    return best


def report(result: Mapping[str, Any], json_path: Path | None = None) -> None:
    """Print the results one per line, and write them as JSON when a path is given."""
    width = max(len(key) for key in result)
    for key, value in result.items():
        print(f"{key:<{width}}  {value}")
    if json_path:
        json_path.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
