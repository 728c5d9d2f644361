"""Which Prefect task runner a batch runs on, and how many worker processes extract.

Prefect's task runs stay in threads of the flow's process, where they are cheap; the CPU-bound
extraction of each brochure goes to a pool of `workers` processes (see
`flows.ingest.read_and_extract`), so every core extracts. A Dask cluster is one address: Prefect's
own `DaskTaskRunner` spreads the tasks of one batch over its workers, on any number of machines,
and each of its workers extracts in its own process.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

# Where a user turns Prefect's flow-run heartbeats on (the second name is Prefect's older one).
HEARTBEAT_VARIABLES = ("PREFECT_FLOWS_HEARTBEAT_FREQUENCY", "PREFECT_RUNNER_HEARTBEAT_FREQUENCY")
# Threads per extraction process: enough task runs waiting on the pool to keep it busy.
THREADS_PER_WORKER = 2
MIN_THREADS = 4


def default_workers() -> int:
    """Return the number of CPUs this process may use (at least 1)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def task_runner_for(workers: int, dask_address: str | None = None) -> Any:
    """Given the number of extraction processes and an optional Dask scheduler address, return
    the task runner for a batch: the Dask cluster's workers, or threads in this process."""
    # Imported here: the command line reads `default_workers` before Prefect's settings are set.
    from prefect.task_runners import ThreadPoolTaskRunner

    if workers < 1:
        raise ValueError(f"workers must be at least 1, got {workers}")
    if dask_address:
        from prefect_dask import DaskTaskRunner

        return DaskTaskRunner(address=dask_address)
    return ThreadPoolTaskRunner(max_workers=max(MIN_THREADS, THREADS_PER_WORKER * workers))


@contextmanager
def in_process_flow_settings(environ: Mapping[str, str] = os.environ) -> Iterator[None]:
    """Within the block, Prefect's settings for a flow run in this process: no flow-run
    heartbeats unless the environment asks for them.

    A heartbeat only feeds a server automation that marks a silent run as crashed, and Prefect
    ends every flow run by waiting for its heartbeat thread, which checks in one-second steps:
    up to a second added to each run, whatever its size. A run in this process is watched by
    whoever started it. (Runs that `brochures serve` starts keep Prefect's heartbeats.)
    """
    if any(environ.get(name) for name in HEARTBEAT_VARIABLES):
        yield
        return
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        yield
