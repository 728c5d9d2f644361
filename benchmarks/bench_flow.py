"""The cost of orchestration: `brochures run` (the Prefect flow) next to the core, in one run.

    python benchmarks/bench_flow.py [--small 100] [--large 300] [--workers 2] [--repeat 2]
                                    [--json FILE]

Three measures:

1. start-up: one sample brochure, each command in a fresh process, wall time (best of
   `--repeat`): `brochures extract`; `brochures run` on a new output folder with no Prefect
   server (Prefect starts a temporary one), and with a running server (as `brochures serve`
   leaves one, or PREFECT_API_URL names one); `brochures run` with nothing to do (decided
   before Prefect starts).
2. throughput: the flow with `--workers` processes on `--small` and on `--large` variants of the
   sample, on a running server, each run into a new output folder; its marginal rate is
   (large - small) / (time large - time small): what each further brochure costs once the run
   is under way. Next to it, the core in one process (`extract_brochure` on each file, rules and
   spaCy built once) on `--small` files. The three take turns `--repeat` times (core, small,
   large), the core once more at the end, and each counts its fastest time: the machine's slow
   spells then fall on the baseline as on the flow, and a spell during one run does not make the
   ratio. The flow does more per brochure than the core (export, review page, change report,
   catalogue), so the ratio measures whether that work serialises the batch; the target is at
   least 1.6 with 2 workers. For scale, the core alone in `--workers` processes, each on its
   share of the `--small` files (before and after the flow runs, the mean rate): the most any
   flow with that many workers could do on this machine.
3. no change: the flow again on the last large folder, every brochure skipped.

Prefect runs against a temporary PREFECT_HOME, so nothing of the user's Prefect is touched.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from common import SAMPLE, best_of, report, write_sample_copies

ROOT = Path(__file__).resolve().parents[1]
BROCHURES = Path(sys.executable).with_name("brochures")
TARGET_RATIO = 1.6


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


def first_run(out: Path, environment: dict[str, str]) -> Callable[[], None]:
    """Return a function that runs `brochures run` on the sample into a new output folder."""

    def run() -> None:
        shutil.rmtree(out, ignore_errors=True)
        command("run", str(SAMPLE), "--out", str(out), "--workers", "1", environment=environment)()

    return run


def measure_startup(work: Path, repeat: int, environment: dict[str, str]) -> dict[str, float]:
    """Time one brochure through each command in a fresh process (best of `repeat`)."""
    from flows.serve import start_local_server, stop_local_server

    out = work / "startup-out"
    extract = command("extract", str(SAMPLE), "--out", str(out), environment=environment)
    first_run(out, environment)()  # the first run in a new PREFECT_HOME creates its database
    result = {
        "extract": best_of(repeat, extract),
        "run_no_server": best_of(repeat, first_run(out, environment)),
        "run_nothing_to_do": best_of(
            repeat, command("run", str(SAMPLE), "--out", str(out), environment=environment)
        ),
    }
    server = start_local_server()
    try:
        with_server = {**environment, "PREFECT_API_URL": server.api_url}
        result["run_with_server"] = best_of(repeat, first_run(out, with_server))
    finally:
        stop_local_server(server)
    return result


def _core_share(paths: list[str]) -> float:
    """In a worker process: warm the core up, then extract `paths`; return the seconds taken."""
    sys.path.insert(0, str(ROOT))
    from workspace.service import extract_brochure

    extract_brochure(SAMPLE)
    started = time.perf_counter()
    for path in paths:
        extract_brochure(Path(path))
    return time.perf_counter() - started


def measure_parallel_core(paths: list[Path], workers: int) -> float:
    """The core alone in `workers` processes, each on its share of `paths` after a warm-up:
    brochures per second. The most any flow with that many workers can do on this machine."""
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    shares = [[str(path) for path in paths[index::workers]] for index in range(workers)]
    with ProcessPoolExecutor(workers, mp_context=get_context("spawn")) as pool:
        seconds = list(pool.map(_core_share, shares))
    return len(paths) / max(seconds)


def measure_throughput(
    work: Path, small: int, large: int, workers: int, repeat: int
) -> dict[str, float]:
    """Time the core on `small` files in this process, and the flow with `workers` processes on
    `small` and on `large` files on a running server, taking turns `repeat` times (fastest time
    of each); then the flow again with nothing to do."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from flows.ingest import ingest_brochures
    from flows.runners import in_process_flow_settings, task_runner_for
    from flows.serve import send_queued_logs_and_events, start_local_server, stop_local_server
    from workspace.service import extract_brochure

    folders = {count: work / f"corpus-{count}" for count in (small, large)}
    paths = {count: write_sample_copies(folder, count) for count, folder in folders.items()}
    extract_brochure(SAMPLE)  # rules and the spaCy toolkit built once, as a long run would

    def core() -> None:
        for path in paths[small]:
            extract_brochure(path)

    def flow(count: int, out: Path) -> Any:
        batch = ingest_brochures.with_options(task_runner=task_runner_for(workers))
        return batch(
            paths=[str(folders[count])], out_dir=str(out), corrections_root=None, workers=workers
        )

    times: dict[str, list[float]] = {"core": [], "small": [], "large": []}
    server = start_local_server()
    try:
        with (
            temporary_settings(updates={PREFECT_API_URL: server.api_url}),
            in_process_flow_settings(),  # as `brochures run` runs the flow
        ):
            parallel_before = measure_parallel_core(paths[small], workers)
            for turn in range(repeat):
                times["core"].append(timed(core))
                for name, count in (("small", small), ("large", large)):
                    times[name].append(timed(partial(flow, count, work / f"out-{count}-{turn}")))
            times["core"].append(timed(core))
            parallel_after = measure_parallel_core(paths[small], workers)
            started = time.perf_counter()
            again = flow(large, work / f"out-{large}-{repeat - 1}")  # the last large run's
            unchanged_seconds = time.perf_counter() - started
            send_queued_logs_and_events()
    finally:
        stop_local_server(server)
    if again.unchanged != large:
        raise SystemExit(f"unexpected: {again.unchanged} of {large} unchanged on the second run")
    return {
        "core_seconds": min(times["core"]),
        "core_seconds_first": times["core"][0],
        "core_seconds_last": times["core"][-1],
        "flow_small_seconds": min(times["small"]),
        "flow_large_seconds": min(times["large"]),
        "flow_unchanged_seconds": unchanged_seconds,
        "parallel_core_rate": (parallel_before + parallel_after) / 2,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=100)
    parser.add_argument("--large", type=int, default=300)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--json", type=Path)
    options = parser.parse_args()
    if options.large <= options.small:
        parser.error("--large must be more than --small")
    if options.repeat < 1:
        parser.error("--repeat must be at least 1")

    with tempfile.TemporaryDirectory(prefix="bench-flow-") as folder:
        work = Path(folder)
        os.environ["PREFECT_HOME"] = str(work / "prefect-home")
        sys.path.insert(0, str(ROOT))
        from flows.cli import set_prefect_defaults

        set_prefect_defaults(os.environ)  # before Prefect is imported, as the command does
        environment = dict(os.environ)
        startup = measure_startup(work, options.repeat, environment)
        batch = measure_throughput(
            work, options.small, options.large, options.workers, options.repeat
        )

    small, large = options.small, options.large
    core_rate = small / batch["core_seconds"]
    marginal = (large - small) / (batch["flow_large_seconds"] - batch["flow_small_seconds"])
    result = {
        "startup_extract_seconds": round(startup["extract"], 2),
        "startup_run_no_server_seconds": round(startup["run_no_server"], 2),
        "startup_run_with_server_seconds": round(startup["run_with_server"], 2),
        "startup_run_nothing_to_do_seconds": round(startup["run_nothing_to_do"], 2),
        "workers": options.workers,
        "core_brochures_per_second": round(core_rate, 2),
        "core_first_brochures_per_second": round(small / batch["core_seconds_first"], 2),
        "core_last_brochures_per_second": round(small / batch["core_seconds_last"], 2),
        "core_in_workers_brochures_per_second": round(batch["parallel_core_rate"], 2),
        "core_in_workers_over_core": round(batch["parallel_core_rate"] / core_rate, 2),
        "flow_small_seconds": round(batch["flow_small_seconds"], 2),
        "flow_large_seconds": round(batch["flow_large_seconds"], 2),
        "flow_marginal_brochures_per_second": round(marginal, 2),
        "flow_marginal_over_core": round(marginal / core_rate, 2),
        "target": TARGET_RATIO,
        "within_target": marginal / core_rate >= TARGET_RATIO,
        "flow_unchanged_seconds": round(batch["flow_unchanged_seconds"], 2),
        "flow_unchanged_ms_per_brochure": round(1000 * batch["flow_unchanged_seconds"] / large, 2),
    }
    report(result, options.json)


if __name__ == "__main__":
    main()
