"""The Prefect flow that (re-)ingests a batch of brochures into JSON exports and the catalogue.

    plan the run (`workspace.run.plan_run`) -> one task per new or changed brochure, each running
    `workspace.service.process_brochure` in the run's pool of processes -> run summary and index
    page (`workspace.run.finish_run`) -> Prefect artifacts

Unchanged brochures are decided before any task exists, so they cost a file hash and no task run
(the server falls behind past about 30 task runs a second, and a task run costs about 6 ms).
A brochure the pipeline refuses is recorded as failed and the batch goes on; a transient I/O
error is retried. The flow only orchestrates: every decision lives in `workspace` and below.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any, Literal

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.futures import PrefectFuture, as_completed
from prefect.task_runners import ThreadPoolTaskRunner

from flows.pool import RUN_POOL, ExtractionPool
from flows.runners import MIN_THREADS, THREADS_PER_WORKER
from reports.changes import format_change_report
from schemas import OutputError, Settings
from schemas.run import BrochureOutcome, PlanReason, RunSummary
from workspace.catalogue import kept_open
from workspace.config import settings_from_mapping
from workspace.layout import OutputLayout
from workspace.locking import run_lock
from workspace.planning import PlannedBrochure
from workspace.run import finish_run, plan_run
from workspace.service import NEAREST, Workspace, failed_outcome, process_brochure
from workspace.version import pipeline_version

# A second run on the same output folder waits this long for the first, then refuses.
LOCK_WAIT_SECONDS = 60.0
DEFAULT_PATHS = ("raw",)
TASK_RETRIES = 2
TASK_RETRY_DELAY_SECONDS = 1
# Task runs overlap in a few threads; the work on each brochure goes to `workers` processes.
# `brochures run` sizes the threads (or picks a Dask cluster) with
# `ingest_brochures.with_options(task_runner=...)`, see flows/runners.py.
MAX_PARALLEL_BROCHURES = 4
# A large run sends its brochures in batches: a task run costs this process and the Prefect
# server about as much CPU as a third of an extraction (its three state events, above all), so
# one per brochure would take a third of the machine from the workers. Each thread gets about
# this many tasks of what is left, of at most `MAX_BATCH` brochures: the number of task runs
# then grows with the logarithm of the brochures, not with them.
TASKS_PER_THREAD = 2
MAX_BATCH = 64
TABLE_ARTIFACT_KEY = "brochure-ingestion"
CHANGES_ARTIFACT_KEY = "brochure-changes"
REVIEW_ARTIFACT_KEY = "brochure-review"


def ingest_brochure(
    path: str, workspace: Workspace, reason: PlanReason | None = None
) -> BrochureOutcome:
    """Process one brochure (see `process_brochure`), in the flow run's pool when it has one;
    an I/O error (`OSError`, `OutputError`) is retried `TASK_RETRIES` times, a second apart,
    and then makes the brochure fail: nothing of it was published."""
    # Imported here: on a Dask cluster the task is sent by value, and a module-level context
    # variable cannot be pickled with it.
    from flows.pool import current_pool

    pool = current_pool()
    for attempt in range(TASK_RETRIES + 1):
        try:
            if pool is None:
                return process_brochure(Path(path), workspace, reason)
            return pool.run(path, process_brochure, Path(path), workspace, reason)
        except (OSError, OutputError) as error:
            if attempt == TASK_RETRIES:
                return failed_outcome(path, error, reason)
            time.sleep(TASK_RETRY_DELAY_SECONDS)
    raise AssertionError("unreachable")  # the loop returns


@task(
    name="ingest-brochures",
    task_run_name="ingest {label}",
    # Whether a brochure needs work is decided before its task exists (see the flow); a Prefect
    # cache would still create a task run and could not see the catalogue. Each brochure is
    # retried on its own (`ingest_brochure`), so that a retry never redoes a stored brochure.
    cache_policy=NO_CACHE,
    persist_result=False,
)
def ingest_batch(
    items: list[tuple[str, PlanReason | None]], workspace: Workspace, label: str = ""
) -> list[BrochureOutcome]:
    """Process a few brochures one after the other; report each outcome to the run's listener
    as it comes; log a failure as it comes, and the others in one record at the end (a log
    record costs this process and the server about a millisecond each); return them."""
    from flows.progress import outcome_listener

    logger = get_run_logger()
    listener = outcome_listener.get()
    outcomes = []
    for path, reason in items:
        outcome = ingest_brochure(path, workspace, reason)
        if outcome.status == "failed":
            logger.warning(outcome.describe())
        if listener is not None:
            listener(outcome)
        outcomes.append(outcome)
    done = [outcome.describe() for outcome in outcomes if outcome.status != "failed"]
    if done:
        logger.info("\n".join(done))
    return outcomes


def batches(items: Sequence[PlannedBrochure], threads: int) -> list[list[PlannedBrochure]]:
    """Given the brochures to process and the task runner's threads, return them in batches of
    one task each, in order: one brochure a task for a small run; for a large one, as many
    brochures a task as keep every thread busy with a few tasks (at most `MAX_BATCH`), so that
    the server and this process handle a task per batch, not per brochure. Batches shrink as
    the brochures left do, down to one brochure at the end: the threads run their tasks in the
    order given, so the last ones finish together instead of one thread working through a
    long batch while the others wait."""
    found: list[list[PlannedBrochure]] = []
    start = 0
    while start < len(items):
        left = len(items) - start
        size = max(1, min(MAX_BATCH, left // (threads * TASKS_PER_THREAD)))
        found.append(list(items[start : start + size]))
        start += size
    return found


@flow(
    name="ingest-brochures",
    # Prefect types this parameter as TaskRunner[PrefectFuture[Any]], an invariant generic its
    # own ThreadPoolTaskRunner does not match.
    task_runner=ThreadPoolTaskRunner(max_workers=MAX_PARALLEL_BROCHURES),  # type: ignore[arg-type]
)
def ingest_brochures(
    paths: list[str] | None = None,
    out_dir: str = "output",
    settings: dict[str, Any] | None = None,
    catalogue: str | None = None,
    force: bool = False,
    corrections_root: str | None = NEAREST,
    workers: int = 1,
) -> RunSummary:
    """Ingest every brochure under `paths` into `out_dir` and the catalogue, skipping those
    unchanged since their last edition (unless `force`); write and return the run summary.

    `workers` > 1 processes the brochures in that many processes, started for this run and
    ended with it.

    `catalogue` defaults to `<out_dir>/catalogue.sqlite3`; corrections are read from
    `<root>/corrections.yaml` and `<root>/corrections/<name>.yaml`, where the root is
    `corrections_root`, or with "nearest" (the default) the nearest folder holding corrections
    from each brochure's folder up (see `workspace.corrections.corrections_root_for`); None: no
    corrections. One run at a time writes to an output folder: a second one waits
    for the first, then refuses.
    """
    checked = settings_from_mapping(settings or {}, "settings")
    workspace = Workspace(
        layout=OutputLayout.of(out_dir, catalogue),
        settings=checked,
        pipeline_version=pipeline_version(checked),
        corrections=corrections_place(corrections_root),
    )
    with run_lock(workspace.layout.lock, wait_seconds=LOCK_WAIT_SECONDS):
        return ingest_planned(
            [Path(path) for path in paths or DEFAULT_PATHS], workspace, force, workers
        )


def corrections_place(corrections_root: str | None) -> Path | Literal["nearest"] | None:
    """Given the flow's `corrections_root` parameter, return where the workspace looks."""
    if corrections_root is None or corrections_root == NEAREST:
        return corrections_root
    return Path(corrections_root)


def ingest_planned(
    paths: Sequence[Path], workspace: Workspace, force: bool, workers: int
) -> RunSummary:
    """Plan the run, process its new and changed brochures, finish it; return its summary."""
    logger = get_run_logger()
    plan = plan_run(paths, workspace, force)
    counts = plan.counts
    logger.info(
        "Found %d brochure(s): %d new, %d changed, %d unchanged (skipped), %d refused; "
        "writing to %s",
        len(plan.brochures),
        counts["new"],
        counts["changed"],
        counts["unchanged"],
        counts["refused"],
        workspace.layout.folder,
    )
    for outcome in plan.settled.values():
        logger.debug(outcome.describe())
    with long_lived_left_out():
        processed = process_planned(plan.to_process, workspace, workers)
        summary = finish_run(plan, processed, workspace)
    publish_artifacts(summary)
    return summary


def process_planned(
    items: Sequence[PlannedBrochure], workspace: Workspace, workers: int
) -> dict[Path, BrochureOutcome]:
    """Process the brochures to process, in batches of one task run each, in the run's pool of
    `workers` processes; return the outcome of each by path."""
    processed: dict[Path, BrochureOutcome] = {}
    with (
        kept_open(workspace.layout.catalogue) if items else nullcontext(),
        _pool_for(workers if items else 1, workspace.settings),
    ):
        futures = {
            ingest_batch.submit(
                [(str(item.path), item.reason) for item in batch],
                workspace,
                _label(batch),
            ): batch
            for batch in batches(items, max(MIN_THREADS, THREADS_PER_WORKER * workers))
        }
        for future in as_completed(list(futures)):
            for item, outcome in zip(
                futures[future], outcomes_of(future, futures[future]), strict=True
            ):
                processed[item.path] = outcome
    return processed


@contextmanager
def long_lived_left_out() -> Iterator[None]:
    """Within the block, Python's cycle collector leaves out every object alive when it
    starts (`gc.freeze`); they are handed back to it when the block ends.

    This process holds Prefect's and the pipeline's modules, hundreds of thousands of objects
    that live as long as it does; each full collection the run's outcomes set off would walk
    them all, on the run's critical path (a fifth of the end of a 300-brochure run). When
    something in this process froze objects already, the block leaves the collector to it:
    unfreezing would undo its freeze."""
    if gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


@contextmanager
def _pool_for(workers: int, settings: Settings) -> Iterator[ExtractionPool | None]:
    """Within the block, the flow run's pool of `workers` processes (none for 1 worker), each
    brochure under the settings' limits: shut down when the block ends, its processes
    terminated when the block fails or is cancelled."""
    pool = None
    if workers > 1:
        pool = ExtractionPool(
            workers, memory_mb=settings.max_memory_mb, seconds=settings.max_seconds_per_brochure
        )
    token = RUN_POOL.set(pool)
    failed = False
    try:
        yield pool
    except BaseException:
        failed = True
        raise
    finally:
        RUN_POOL.reset(token)
        if pool is not None:
            pool.close(terminate=failed)


def outcomes_of(
    future: PrefectFuture[list[BrochureOutcome]], batch: Sequence[PlannedBrochure]
) -> list[BrochureOutcome]:
    """Given a finished task's future, return the outcome of each brochure of its batch; a task
    that raised (or was cancelled) makes every brochure of the batch fail with its error."""
    result = future.result(raise_on_failure=False)
    if isinstance(result, list) and len(result) == len(batch):
        return result
    error = (
        result
        if isinstance(result, BaseException)
        else RuntimeError(f"task ended in state {future.state.name}")
    )
    return [failed_outcome(item.path, error, item.reason) for item in batch]


def _label(batch: Sequence[PlannedBrochure]) -> str:
    """How a batch's task run is named: its first brochure, and how many more."""
    first = batch[0].path.name
    return first if len(batch) == 1 else f"{first} and {len(batch) - 1} more"


def artifact_table(summary: RunSummary) -> list[dict[str, Any]]:
    """Given a run summary, return the rows of its table artifact: one per brochure."""
    rows = []
    for outcome in summary.outcomes:
        changes = outcome.changes
        rows.append(
            {
                "brochure": Path(outcome.source).name,
                "status": outcome.change or outcome.status,
                "edition": outcome.edition,
                "projects": outcome.projects,
                "warnings": outcome.warnings,
                "projects added": len(changes.projects_added) if changes else None,
                "projects removed": len(changes.projects_removed) if changes else None,
                "projects changed": len(changes.projects_changed) if changes else None,
                "error": outcome.error,
            }
        )
    return rows


def artifact_markdown(summary: RunSummary) -> str:
    """Given a run summary, return the Markdown artifact: the counts, failures and changes."""
    lines = ["# Brochure ingestion", "", summary.describe_counts() + "."]
    failed = [outcome for outcome in summary.outcomes if outcome.status == "failed"]
    if failed:
        lines.extend(["", "## Failed", ""])
        lines.extend(f"- {outcome.error}" for outcome in failed)
    extracted = [outcome for outcome in summary.outcomes if outcome.status == "ok"]
    new = [outcome for outcome in extracted if outcome.changes is None]
    if new:
        lines.extend(["", "## New brochures", ""])
        lines.extend(
            f"- {Path(outcome.source).name}: edition {outcome.edition}, {outcome.projects} projects"
            for outcome in new
        )
    reports = [outcome.changes for outcome in extracted if outcome.changes is not None]
    if reports:
        lines.extend(["", "## Changes"])
        for report in reports:
            lines.extend(["", format_change_report(report, heading_level=3).rstrip("\n")])
    return "\n".join(lines) + "\n"


def publish_artifacts(summary: RunSummary) -> None:
    """Publish the run's table, its Markdown summary of changes and the review summary of every
    brochure it extracted as Prefect artifacts of this flow run."""
    logger = get_run_logger()
    review_markdown = [
        outcome.review_markdown for outcome in summary.outcomes if outcome.review_markdown
    ]
    try:
        create_table_artifact(
            table=artifact_table(summary),
            key=TABLE_ARTIFACT_KEY,
            description=summary.describe_counts(),
        )
        create_markdown_artifact(
            markdown=artifact_markdown(summary),
            key=CHANGES_ARTIFACT_KEY,
            description="What changed in this run, brochure by brochure.",
        )
        if review_markdown:
            create_markdown_artifact(
                markdown="\n\n---\n\n".join(review_markdown),
                key=REVIEW_ARTIFACT_KEY,
                description="What a reviewer should look at, brochure by brochure.",
            )
    except Exception as error:  # noqa: BLE001
        # The exports, change reports and catalogue are written by now: a server that cannot
        # take the artifacts must not turn a good run into a failed one.
        logger.warning("Could not publish the run's artifacts: %s", error)
