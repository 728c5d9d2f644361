"""Which Prefect task runner a batch runs on, and how many worker processes extract.

Prefect's task runs stay in threads of the flow's process, where they are cheap; the CPU-bound
extraction of each brochure goes to a pool of `workers` processes (see
`flows.ingest.read_and_extract`), so every core extracts. A Dask cluster is one address: Prefect's
own `DaskTaskRunner` spreads the tasks of one batch over its workers, on any number of machines,
and each of its workers extracts in its own process.
"""

from __future__ import annotations

import os
from typing import Any

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
