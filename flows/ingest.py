"""The Prefect flow that (re-)ingests a batch of brochures into JSON exports and the catalogue.

    find brochures -> hash them (and their corrections) -> plan against the catalogue -> one
    task per new or changed brochure (read, extract, carry ids over, apply the reviewer's
    corrections, compare with the previous edition, export, report, store the edition) -> run
    summary and index page -> Prefect artifacts

Unchanged brochures are decided before any task exists, so they cost a file hash and no task run
(the server falls behind past about 30 task runs a second, and a task run costs about 6 ms).
A brochure the pipeline refuses is recorded as failed and the batch goes on; a transient I/O
error is retried. The flow only orchestrates: every decision lives in `extractors`.
"""

from __future__ import annotations

import json
import multiprocessing
import os
from collections.abc import Collection, Sequence
from concurrent.futures import ProcessPoolExecutor
from functools import cache
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.client.schemas.objects import TaskRun
from prefect.futures import PrefectFuture, wait
from prefect.states import State
from prefect.task_runners import ThreadPoolTaskRunner

from extractors.pipeline import extract_source
from readers.formats import read_source
from reports.changes import (
    carry_over_ids,
    changes_name,
    compare_editions,
    format_change_report,
    render_changes_json,
)
from reports.pages import (
    IndexEntry,
    index_summary,
    render_index,
    render_markdown_summary,
    render_report,
    report_name,
)
from schemas import BrochureError, BrochureExtraction, InputError, OutputError, Settings
from schemas.changes import ChangeReport
from schemas.document import SourceText
from workspace.catalogue import (
    Catalogue,
    default_catalogue_path,
    read_latest_editions,
    read_latest_extraction,
)
from workspace.config import settings_from_mapping
from workspace.corrections import apply_corrections, find_corrections_files, load_corrections_files
from workspace.discovery import discover_brochures, find_export_clashes
from workspace.export import export_name, output_path, write_atomic, write_extraction
from workspace.locking import run_lock
from workspace.planning import (
    PlannedBrochure,
    brochure_name,
    brochure_version,
    corrections_digest,
    count_plan,
    fingerprint_brochures,
    plan_ingestion,
)
from workspace.version import pipeline_version as current_pipeline_version

SUMMARY_NAME = "run-summary.json"
INDEX_NAME = "index.html"
DEFAULT_CORRECTIONS_ROOT = "."
# A second run on the same output folder waits this long for the first, then refuses.
LOCK_WAIT_SECONDS = 60.0
DEFAULT_PATHS = ("raw",)
TASK_RETRIES = 2
TASK_RETRY_DELAY_SECONDS = 1
# Task runs overlap in a few threads; the CPU-bound extraction goes to `workers` processes.
# `brochures run` sizes the threads (or picks a Dask cluster) with
# `ingest_brochures.with_options(task_runner=...)`, see flows/runners.py.
MAX_PARALLEL_BROCHURES = 4
TABLE_ARTIFACT_KEY = "brochure-ingestion"
CHANGES_ARTIFACT_KEY = "brochure-changes"
REVIEW_ARTIFACT_KEY = "brochure-review"


def _is_transient(task: Any, task_run: TaskRun, state: State) -> bool:
    """Retry condition: retry only I/O errors, not bugs that would fail the same way again."""
    return isinstance(state.data, OSError | OutputError)


@task(
    name="ingest-brochure",
    task_run_name="ingest {path}",
    retries=TASK_RETRIES,
    retry_delay_seconds=TASK_RETRY_DELAY_SECONDS,
    retry_condition_fn=_is_transient,
    # Whether a brochure needs work is decided before its task exists (see the flow); a Prefect
    # cache would still create a task run per brochure and could not see the catalogue.
    cache_policy=NO_CACHE,
    persist_result=False,
)
def ingest_brochure(
    path: str,
    out_dir: str,
    settings: dict[str, Any],
    catalogue: str | None = None,
    pipeline_version: str | None = None,
    corrections_root: str | None = DEFAULT_CORRECTIONS_ROOT,
    workers: int = 1,
) -> dict[str, Any]:
    """Extract one brochure, apply its corrections, export it, report its changes and write its
    review page, store it as an edition; return the outcome.

    The previous edition (if any) gives its project ids to the matching projects of the new one
    and is compared with it. The export and the change report are written before the edition
    is stored: a crash in between leaves the catalogue at the previous edition, so the next run
    extracts the brochure again. A `BrochureError` from extraction is the input's fault and
    would recur: it becomes a "failed" outcome and nothing is written. An `OSError` or an
    `OutputError` propagates so that the retries apply.
    """
    checked = Settings.resolve(settings)
    out = Path(out_dir)
    catalogue_path = Path(catalogue) if catalogue else default_catalogue_path(out)
    version = pipeline_version or current_pipeline_version(checked)
    name = brochure_name(path)
    previous = read_latest_extraction(catalogue_path, name)
    corrections_files = (
        find_corrections_files(path, Path(corrections_root)) if corrections_root else []
    )
    try:
        source, extraction = read_and_extract(path, checked, workers)
        corrections = load_corrections_files(corrections_files)
    except BrochureError as error:
        return failure_outcome(path, error)

    report: ChangeReport | None = None
    if previous is not None:
        extraction = carry_over_ids(previous[1], extraction)
    # Corrections address stable ids, so they apply once the ids are carried over.
    extraction, applied = apply_corrections(extraction, corrections, name, source.text)
    if previous is not None:
        latest, earlier = previous
        report = compare_editions(earlier, extraction).model_copy(
            update={"previous_edition": latest.number, "edition": latest.number + 1}
        )
    output = write_extraction(extraction, out)
    changes_path = output_path(out, changes_name(path))
    if report is not None:
        write_atomic(changes_path, render_changes_json(report))
    else:
        changes_path.unlink(missing_ok=True)  # left by a catalogue that no longer exists
    changes = report.model_dump(mode="json") if report is not None else None
    review_path = write_atomic(
        output_path(out, report_name(path)),
        render_report(extraction, source.text, changes=changes, corrections=applied),
    )
    with Catalogue(catalogue_path) as store:
        edition = store.add_edition(
            name,
            extraction,
            source=path,
            pipeline_version=brochure_version(version, corrections_digest(corrections_files)),
            previous=previous[0].number if previous is not None else None,
        )
    return {
        "source": path,
        "status": "ok",
        "change": "new" if report is None else "changed",
        "edition": edition.number,
        "output": str(output),
        "projects": len(extraction.projects),
        "warnings": len(extraction.warnings),
        "duplicates": len(extraction.duplicates),
        "changes_output": str(changes_path) if report is not None else None,
        "changes": changes,
        "report": str(review_path),
        "corrections_applied": len(applied.applied),
        "corrections_stale": len(applied.stale),
        "index": index_summary(extraction, source.text, changes, applied),
        "review_markdown": render_markdown_summary(extraction, changes, applied, source.text),
    }


def read_and_extract(
    path: str, settings: Settings, workers: int = 1
) -> tuple[SourceText, BrochureExtraction]:
    """Read and extract one brochure: in this process, or with `workers` > 1 in the pool of
    extraction processes (the CPU-bound part; the rest of the task stays in its thread)."""
    if workers > 1:
        return extraction_pool(workers).submit(_read_and_extract, path, settings).result()
    return _read_and_extract(path, settings)


def _read_and_extract(path: str, settings: Settings) -> tuple[SourceText, BrochureExtraction]:
    source = read_source(Path(path), settings)
    return source, extract_source(source, settings)


@cache
def extraction_pool(workers: int) -> ProcessPoolExecutor:
    """Return this process's pool of `workers` extraction processes, started once and kept: a
    worker pays spaCy's start-up once, not per brochure. Spawned, not forked, because the flow's
    process already runs threads."""
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))


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
    corrections_root: str | None = DEFAULT_CORRECTIONS_ROOT,
    workers: int = 1,
) -> dict[str, Any]:
    """Ingest every brochure under `paths` into `out_dir` and the catalogue, skipping those
    unchanged since their last edition (unless `force`); write and return the run summary.

    `workers` > 1 extracts in that many processes (see `read_and_extract`).

    `catalogue` defaults to `<out_dir>/catalogue.sqlite3`; corrections are read from
    `<corrections_root>/corrections.yaml` and `<corrections_root>/corrections/<name>.yaml`
    (None: no corrections). One run at a time writes to an output folder: a second one waits
    for the first, then refuses.
    """
    with run_lock(Path(out_dir), wait_seconds=LOCK_WAIT_SECONDS):
        return _ingest_brochures(
            paths, out_dir, settings, catalogue, force, corrections_root, workers
        )


def _ingest_brochures(
    paths: list[str] | None,
    out_dir: str,
    settings: dict[str, Any] | None,
    catalogue: str | None,
    force: bool,
    corrections_root: str | None,
    workers: int,
) -> dict[str, Any]:
    logger = get_run_logger()
    checked = settings_from_mapping(settings or {}, "settings")
    version = current_pipeline_version(checked)
    out = Path(out_dir)
    catalogue_path = Path(catalogue) if catalogue else default_catalogue_path(out)
    brochures = discover_brochures([Path(path) for path in paths or DEFAULT_PATHS])

    clashes = find_export_clashes(brochures, reserved=reserved_names(brochures))
    fingerprints = fingerprint_brochures(
        (path for path in brochures if path not in clashes),
        Path(corrections_root) if corrections_root else None,
    )
    latest = read_latest_editions(catalogue_path)
    plan = plan_ingestion(fingerprints, latest, version, force, exports=files_in(out))
    counts = count_plan(plan)
    logger.info(
        "Found %d brochure(s): %d new, %d changed, %d unchanged (skipped); writing to %s",
        len(brochures),
        counts["new"],
        counts["changed"],
        counts["unchanged"],
        out_dir,
    )

    settings_json = checked.model_dump(mode="json")
    futures = {
        item.path: ingest_brochure.submit(
            str(item.path),
            out_dir,
            settings_json,
            str(catalogue_path),
            version,
            corrections_root,
            workers,
        )
        for item in plan
        if item.status != "unchanged"
    }
    wait(list(futures.values()))
    planned = {item.path: item for item in plan}
    outcomes = [
        planned_outcome(planned[path], futures.get(path), out)
        if path in planned
        else failure_outcome(str(path), InputError(path, clashes[path], "Rename one of them."))
        for path in brochures
    ]
    for outcome in outcomes:
        if outcome["status"] == "unchanged":
            logger.debug(describe_outcome(outcome))
        else:
            logger.info(describe_outcome(outcome))

    review_markdown = [
        outcome.pop("review_markdown") for outcome in outcomes if "review_markdown" in outcome
    ]
    summary = summarize(outcomes, pipeline_version=version, catalogue=str(catalogue_path))
    write_atomic(out / SUMMARY_NAME, render_summary(summary))
    write_atomic(out / INDEX_NAME, render_index(index_entries(outcomes)))
    publish_artifacts(summary, review_markdown)
    return summary


def index_entries(outcomes: Sequence[dict[str, Any]]) -> list[IndexEntry]:
    """Given a run's outcomes, return the rows of the index page: every brochure of the run."""
    entries = []
    for outcome in outcomes:
        name = Path(outcome["source"]).name
        href = report_name(outcome["source"])
        if outcome["status"] == "failed":
            entries.append(IndexEntry(name=name, report_href=None, error=outcome["error"]))
        elif outcome["status"] == "unchanged":
            summary = {"projects": outcome.get("projects"), "warnings": outcome.get("warnings")}
            note = f"unchanged since edition {outcome.get('edition')}"
            entries.append(IndexEntry(name=name, report_href=href, summary=summary, note=note))
        else:
            entries.append(IndexEntry(name=name, report_href=href, summary=outcome["index"]))
    return entries


def reserved_names(brochures: Sequence[Path]) -> set[str]:
    """Given the run's brochures, return the output names no export may take: the run summary
    and every brochure's change report."""
    return {SUMMARY_NAME} | {changes_name(path) for path in brochures}


def files_in(folder: Path) -> Collection[str]:
    """Given a folder, return the names of the entries in it (none when it does not exist)."""
    try:
        return set(os.listdir(folder))
    except FileNotFoundError:
        return set()


def planned_outcome(
    item: PlannedBrochure, future: PrefectFuture[dict[str, Any]] | None, out: Path
) -> dict[str, Any]:
    """Given a planned brochure and its task's future (None: it was skipped), return its outcome,
    with the reason the plan gave."""
    if future is None:
        return {
            "source": str(item.path),
            "status": "unchanged",
            "reason": item.reason,
            "edition": item.previous_edition,
            "output": str(out / export_name(item.path)),
            "projects": item.latest.projects if item.latest is not None else None,
            "warnings": item.latest.warnings if item.latest is not None else None,
        }
    return {**outcome_of(future, str(item.path)), "reason": item.reason}


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


REASON_WORDS = {
    "content_changed": "content changed",
    "pipeline_changed": "pipeline changed",
    "forced": "forced",
    "export_missing": "export was missing",
    "unreadable": "could not be hashed",
}


def describe_change(outcome: dict[str, Any]) -> str:
    """Given an "ok" outcome, return a few words on why it was extracted and what changed."""
    changes = outcome["changes"]
    if changes is None:
        return "new"
    why = REASON_WORDS.get(outcome.get("reason", ""), "changed")
    if changes["unchanged"]:
        return f"{why}, no project changed"
    return (
        f"{why}: {len(changes['projects_added'])} project(s) added, "
        f"{len(changes['projects_removed'])} removed, {len(changes['projects_changed'])} changed"
    )


def describe_outcome(outcome: dict[str, Any]) -> str:
    """Given an outcome, return the one line that reports it."""
    if outcome["status"] == "ok":
        return (
            f"ok      {outcome['source']} -> {outcome['output']} "
            f"(edition {outcome['edition']}, {describe_change(outcome)}; "
            f"{outcome['projects']} projects, {outcome['warnings']} warnings, "
            f"{outcome['duplicates']} duplicates)"
        )
    if outcome["status"] == "unchanged":
        return f"skipped {outcome['source']} (unchanged since edition {outcome['edition']})"
    return f"failed  {outcome['error']}"


def summarize(
    outcomes: Sequence[dict[str, Any]],
    pipeline_version: str | None = None,
    catalogue: str | None = None,
) -> dict[str, Any]:
    """Given the outcomes of a run, return its summary with the counts.

    `ok` counts every brochure that did not fail; `new`, `changed` and `unchanged` split it.
    """
    failed = sum(1 for outcome in outcomes if outcome["status"] == "failed")
    extracted = [outcome for outcome in outcomes if outcome["status"] == "ok"]
    return {
        "brochures": len(outcomes),
        "ok": len(outcomes) - failed,
        "failed": failed,
        "new": sum(1 for outcome in extracted if outcome["change"] == "new"),
        "changed": sum(1 for outcome in extracted if outcome["change"] == "changed"),
        "unchanged": sum(1 for outcome in outcomes if outcome["status"] == "unchanged"),
        "pipeline_version": pipeline_version,
        "catalogue": catalogue,
        "outcomes": list(outcomes),
    }


def render_summary(summary: dict[str, Any]) -> str:
    """Given a run summary, return it as JSON text."""
    return json.dumps(summary, indent=2, ensure_ascii=False) + "\n"


def describe_counts(summary: dict[str, Any]) -> str:
    """Given a run summary, return its counts in one sentence."""
    count = summary["brochures"]
    return (
        f"{count} brochure{'' if count == 1 else 's'}: {summary['ok']} ok, "
        f"{summary['failed']} failed ({summary['new']} new, {summary['changed']} changed, "
        f"{summary['unchanged']} unchanged and skipped)"
    )


def artifact_table(summary: dict[str, Any]) -> list[dict[str, Any]]:
    """Given a run summary, return the rows of its table artifact: one per brochure."""
    rows = []
    for outcome in summary["outcomes"]:
        changes = outcome.get("changes")
        status = outcome.get("change", outcome["status"])
        rows.append(
            {
                "brochure": Path(outcome["source"]).name,
                "status": status,
                "edition": outcome.get("edition"),
                "projects": outcome.get("projects"),
                "warnings": outcome.get("warnings"),
                "projects added": len(changes["projects_added"]) if changes else None,
                "projects removed": len(changes["projects_removed"]) if changes else None,
                "projects changed": len(changes["projects_changed"]) if changes else None,
                "error": outcome.get("error"),
            }
        )
    return rows


def artifact_markdown(summary: dict[str, Any]) -> str:
    """Given a run summary, return the Markdown artifact: the counts, failures and changes."""
    lines = ["# Brochure ingestion", "", describe_counts(summary) + "."]
    failed = [outcome for outcome in summary["outcomes"] if outcome["status"] == "failed"]
    if failed:
        lines.extend(["", "## Failed", ""])
        lines.extend(f"- {outcome['error']}" for outcome in failed)
    extracted = [outcome for outcome in summary["outcomes"] if outcome["status"] == "ok"]
    new = [outcome for outcome in extracted if outcome["changes"] is None]
    if new:
        lines.extend(["", "## New brochures", ""])
        lines.extend(
            f"- {Path(outcome['source']).name}: edition {outcome['edition']}, "
            f"{outcome['projects']} projects"
            for outcome in new
        )
    reports = [
        ChangeReport.model_validate(outcome["changes"])
        for outcome in extracted
        if outcome["changes"] is not None
    ]
    if reports:
        lines.extend(["", "## Changes"])
        for report in reports:
            lines.extend(["", format_change_report(report, heading_level=3).rstrip("\n")])
    return "\n".join(lines) + "\n"


def publish_artifacts(summary: dict[str, Any], review_markdown: Sequence[str] = ()) -> None:
    """Publish the run's table, its Markdown summary of changes and the review summary of every
    brochure it extracted as Prefect artifacts of this flow run."""
    logger = get_run_logger()
    try:
        create_table_artifact(
            table=artifact_table(summary),
            key=TABLE_ARTIFACT_KEY,
            description=describe_counts(summary),
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
