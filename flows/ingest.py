"""The Prefect flow that reads a batch of brochures into JSON exports.

One task per brochure (the server falls behind past about 30 task runs a second, so nothing
finer). A brochure the pipeline refuses is recorded as failed and the batch goes on; a transient
I/O error is retried. The flow only orchestrates: every decision lives in `extractors`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.client.schemas.objects import TaskRun
from prefect.futures import PrefectFuture, wait
from prefect.states import State
from prefect.task_runners import ThreadPoolTaskRunner

from extractors.config import settings_from_mapping
from extractors.discovery import discover_brochures, find_export_clashes
from extractors.export import write_atomic, write_extraction
from extractors.pipeline import extract_brochure
from schemas import BrochureError, InputError, OutputError, Settings

SUMMARY_NAME = "run-summary.json"
DEFAULT_PATHS = ("raw",)
TASK_RETRIES = 2
TASK_RETRY_DELAY_SECONDS = 1
# Extraction is CPU-bound and holds the GIL: a few threads overlap the file I/O, more only add
# memory and load on the server.
MAX_PARALLEL_BROCHURES = 4


def _is_transient(task: Any, task_run: TaskRun, state: State) -> bool:
    """Retry condition: retry only I/O errors, not bugs that would fail the same way again."""
    return isinstance(state.data, OSError | OutputError)


@task(
    name="ingest-brochure",
    task_run_name="ingest {path}",
    retries=TASK_RETRIES,
    retry_delay_seconds=TASK_RETRY_DELAY_SECONDS,
    retry_condition_fn=_is_transient,
    cache_policy=NO_CACHE,
    persist_result=False,
)
def ingest_brochure(path: str, out_dir: str, settings: dict[str, Any]) -> dict[str, Any]:
    """Extract one brochure and write its JSON export; return the outcome.

    A `BrochureError` from extraction is the input's fault and would recur: it becomes a
    "failed" outcome and nothing is written, so an earlier export of the file stays as it was.
    An `OSError` (or an `OutputError` while writing) propagates so that the retries apply.
    """
    try:
        extraction = extract_brochure(Path(path), Settings.resolve(settings))
    except BrochureError as error:
        return failure_outcome(path, error)
    output = write_extraction(extraction, Path(out_dir))
    return {
        "source": path,
        "status": "ok",
        "output": str(output),
        "projects": len(extraction.projects),
        "warnings": len(extraction.warnings),
        "duplicates": len(extraction.duplicates),
    }


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
) -> dict[str, Any]:
    """Extract every brochure under `paths` into `out_dir`; write and return the run summary."""
    logger = get_run_logger()
    checked = settings_from_mapping(settings or {}, "settings").model_dump(mode="json")
    brochures = discover_brochures([Path(path) for path in paths or DEFAULT_PATHS])
    logger.info("Found %d brochure(s); writing to %s", len(brochures), out_dir)

    clashes = find_export_clashes(brochures, reserved={SUMMARY_NAME})
    futures = {
        path: ingest_brochure.submit(str(path), out_dir, checked)
        for path in brochures
        if path not in clashes
    }
    wait(list(futures.values()))
    outcomes = [
        outcome_of(futures[path], str(path))
        if path in futures
        else failure_outcome(str(path), InputError(path, clashes[path], "Rename one of them."))
        for path in brochures
    ]
    for outcome in outcomes:
        logger.info(describe_outcome(outcome))

    summary = summarize(outcomes)
    write_atomic(Path(out_dir) / SUMMARY_NAME, render_summary(summary))
    return summary


def outcome_of(future: PrefectFuture[dict[str, Any]], source: str) -> dict[str, Any]:
    """Given a finished task's future, return its outcome; a task that raised counts as failed."""
    result = future.result(raise_on_failure=False)
    if isinstance(result, dict):
        return result
    if isinstance(result, BaseException):
        return failure_outcome(source, result)
    return failure_outcome(source, RuntimeError(f"task ended in state {future.state.name}"))


def failure_outcome(source: str, error: BaseException) -> dict[str, Any]:
    """Given a brochure and the error that stopped it, return its "failed" outcome.

    The message always names the file: a `BrochureError` does so itself, other errors get the
    path in front.
    """
    if isinstance(error, BrochureError):
        return {"source": source, "status": "failed", "error_code": error.code, "error": str(error)}
    code = "os_error" if isinstance(error, OSError) else "unexpected_error"
    message = f"{source}: {type(error).__name__}: {error}"
    return {"source": source, "status": "failed", "error_code": code, "error": message}


def describe_outcome(outcome: dict[str, Any]) -> str:
    """Given an outcome, return the one line that reports it."""
    if outcome["status"] == "ok":
        return (
            f"ok      {outcome['source']} -> {outcome['output']} "
            f"({outcome['projects']} projects, {outcome['warnings']} warnings, "
            f"{outcome['duplicates']} duplicates)"
        )
    return f"failed  {outcome['error']}"


def summarize(outcomes: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Given the outcomes of a run, return its summary with the counts."""
    ok = sum(1 for outcome in outcomes if outcome["status"] == "ok")
    return {
        "brochures": len(outcomes),
        "ok": ok,
        "failed": len(outcomes) - ok,
        "outcomes": list(outcomes),
    }


def render_summary(summary: dict[str, Any]) -> str:
    """Given a run summary, return it as JSON text."""
    return json.dumps(summary, indent=2, ensure_ascii=False) + "\n"
