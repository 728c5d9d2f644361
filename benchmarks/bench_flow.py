"""The cost of orchestration: `brochures run` (the Prefect flow) next to `brochures extract`.

    python benchmarks/bench_flow.py [--copies 200] [--repeat 3] [--json FILE]

Three measures, each next to the core pipeline on the same input:

1. startup: one sample brochure, each command in a fresh process, wall time. `brochures run`
   starts Prefect's temporary server, `brochures extract` imports no Prefect. `brochures run`
   is timed twice: first ingestion (a new output folder) and again with nothing changed.
2. batch: `--copies` variants of the sample in one process, with a Prefect server already
   running (as under `brochures serve`): the flow's first ingestion next to `extract_brochure`
   on every file (what `brochures extract` runs per file).
3. no change: the flow again on the same files, every brochure skipped, next to extracting
   them all again (what a re-ingestion without the catalogue would cost).

Prefect runs against a temporary PREFECT_HOME, so nothing of the user's Prefect is touched.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from common import SAMPLE, best_of, report, write_sample_copies

ROOT = Path(__file__).resolve().parents[1]
BROCHURES = Path(sys.executable).with_name("brochures")


def timed(run: Callable[[], Any]) -> float:
    """Run `run` once and return its wall time in seconds."""
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


def command(*arguments: str, environment: dict[str, str]) -> Callable[[], None]:
    """Return a function that runs `brochures ARGUMENTS` in a fresh process and checks it."""

    def run() -> None:
        subprocess.run(
            [str(BROCHURES), *arguments],
            cwd=ROOT,
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=True,
            timeout=600,
        )

    return run


def measure_startup(work: Path, repeat: int, environment: dict[str, str]) -> dict[str, float]:
    """Time one brochure through each command in a fresh process (best of `repeat`)."""
    out = work / "startup-out"
    extract = command("extract", str(SAMPLE), environment=environment)

    def first_run() -> None:
        shutil.rmtree(out, ignore_errors=True)
        command("run", str(SAMPLE), "--out", str(out), environment=environment)()

    # The first `brochures run` in a new PREFECT_HOME also creates Prefect's database.
    first_run()
    extract()
    return {
        "extract_seconds": best_of(repeat, extract),
        "run_first_seconds": best_of(repeat, first_run),
        "run_unchanged_seconds": best_of(
            repeat, command("run", str(SAMPLE), "--out", str(out), environment=environment)
        ),
    }


def drain_prefect_workers() -> None:
    """Send the logs and events still queued, while the server is up to take them."""
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    APILogWorker.instance().drain()
    EventsWorker.drain_all()


def measure_batch(work: Path, copies: int, repeat: int) -> dict[str, float]:
    """Time the flow and the core on `copies` brochures in this process, on a running server."""
    from flows.ingest import ingest_brochures
    from flows.serve import start_local_server, stop_local_server
    from workspace.service import extract_brochure

    paths = write_sample_copies(work / "corpus", copies)
    out = work / "batch-out"
    extract_brochure(SAMPLE)  # build rules and the spaCy toolkit once, as a long run would

    def core() -> None:
        for path in paths:
            extract_brochure(path)

    def flow() -> dict[str, Any]:
        summary: dict[str, Any] = ingest_brochures(
            paths=[str(work / "corpus")], out_dir=str(out), catalogue=str(out / "catalogue.sqlite3")
        )
        return summary

    from prefect.settings import PREFECT_API_URL, temporary_settings

    server = start_local_server()
    try:
        with temporary_settings(updates={PREFECT_API_URL: server.api_url}):
            core_seconds = timed(core)
            first_seconds = timed(flow)
            first = json.loads((out / "run-summary.json").read_text(encoding="utf-8"))
            unchanged_seconds = best_of(repeat, flow)
            again = json.loads((out / "run-summary.json").read_text(encoding="utf-8"))
            drain_prefect_workers()
    finally:
        stop_local_server(server)
    if first["new"] != copies or again["unchanged"] != copies:
        raise SystemExit(f"unexpected counts: first {first['new']} new, then {again['unchanged']}")
    return {
        "core_seconds": core_seconds,
        "flow_first_seconds": first_seconds,
        "flow_unchanged_seconds": unchanged_seconds,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", type=Path)
    options = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-flow-") as folder:
        work = Path(folder)
        os.environ["PREFECT_HOME"] = str(work / "prefect-home")
        sys.path.insert(0, str(ROOT))
        from flows.cli import set_prefect_defaults

        set_prefect_defaults(os.environ)  # before Prefect is imported, as the command does
        environment = dict(os.environ)
        startup = measure_startup(work, options.repeat, environment)
        batch = measure_batch(work, options.copies, options.repeat)

    copies = options.copies
    result = {
        "brochures": copies,
        "startup_extract_seconds": round(startup["extract_seconds"], 2),
        "startup_run_first_seconds": round(startup["run_first_seconds"], 2),
        "startup_run_unchanged_seconds": round(startup["run_unchanged_seconds"], 2),
        "batch_core_seconds": round(batch["core_seconds"], 2),
        "batch_flow_first_seconds": round(batch["flow_first_seconds"], 2),
        "batch_flow_over_core": round(batch["flow_first_seconds"] / batch["core_seconds"], 2),
        "batch_flow_overhead_ms_per_brochure": round(
            1000 * (batch["flow_first_seconds"] - batch["core_seconds"]) / copies, 1
        ),
        "unchanged_flow_seconds": round(batch["flow_unchanged_seconds"], 2),
        "unchanged_flow_over_first": round(
            batch["flow_unchanged_seconds"] / batch["flow_first_seconds"], 4
        ),
        "unchanged_flow_ms_per_brochure": round(1000 * batch["flow_unchanged_seconds"] / copies, 2),
    }
    report(result, options.json)


if __name__ == "__main__":
    main()
