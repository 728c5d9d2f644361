"""A run of many brochures, without its orchestration: what it must do, and what it did.

    find the brochures -> refuse those that cannot be read or would clash -> hash them (and
    their corrections) -> plan against the catalogue (`plan_run`) -> [the flow processes the
    new and changed ones, `workspace.service.process_brochure`] -> one outcome per brochure ->
    run summary and index page (`finish_run`)

`brochures run` plans before anything of Prefect starts, so a run with nothing to do ends here.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from reports.network import render_network
from reports.pages import IndexEntry, render_index
from schemas import InputError
from schemas.corrections import CorrectionError
from schemas.organisations import IdentityCorrectionsFile, Organisation, OrganisationsExport
from schemas.run import BrochureOutcome, IndexCounts, RunSummary
from workspace.catalogue import Catalogue, Failure, read_failures, read_latest_editions
from workspace.discovery import discover_brochures
from workspace.export import write_atomic
from workspace.identity_corrections import (
    identity_corrections_files,
    identity_corrections_in,
    load_identity_corrections_files,
)
from workspace.layout import (
    OutputLayout,
    brochure_name,
    find_name_clashes,
    review_href,
)
from workspace.organisations import read_organisations_export
from workspace.planning import (
    PlannedBrochure,
    brochure_version,
    count_plan,
    fingerprint_brochures,
    plan_ingestion,
)
from workspace.service import NEAREST, Workspace, failed_outcome
from workspace.tables import TABLE_FILES, latest_tables, write_tables

# Failures that say nothing about the brochure (a full disk, a bug): retried at the next run.
TRANSIENT_ERRORS = frozenset({"os_error", "output_error", "unexpected_error", "run_stopped"})


@dataclass(frozen=True)
class RunPlan:
    """Every brochure a run found, in run order: those to process, with the reason, and the
    outcome of every other one (skipped as unchanged, still failing, or refused); and the bytes
    and version each brochure to process is read at, to record a failure against."""

    brochures: list[Path]
    to_process: list[PlannedBrochure]
    settled: dict[Path, BrochureOutcome]
    versions: dict[Path, tuple[str, str]] = field(default_factory=dict)

    @property
    def counts(self) -> dict[str, int]:
        """How many brochures are new, changed, unchanged and refused."""
        counts = {str(status): count for status, count in count_plan(self.to_process).items()}
        counts["unchanged"] = sum(o.status == "unchanged" for o in self.settled.values())
        counts["refused"] = sum(o.status == "failed" for o in self.settled.values())
        counts["still_failing"] = sum(o.reason == "still_failing" for o in self.settled.values())
        return counts


def plan_run(paths: Sequence[Path], workspace: Workspace, force: bool = False) -> RunPlan:
    """Given the paths of a run, plan it: which brochures to process and why, and the outcome
    of the others. A path that does not exist raises `InputError`; a brochure that cannot be
    read through (a link outside its folder, a FIFO) or whose name another took is refused, on
    its own. A brochure that failed with the same bytes, pipeline version and corrections at an
    earlier run is reported as still failing, not read again (unless `force`)."""
    found = discover_brochures(paths)
    clashes = find_name_clashes(found.brochures)
    readable = [path for path in found.brochures if path not in clashes]
    fingerprints = fingerprint_brochures(readable, workspace.corrections_files)
    latest = read_latest_editions(workspace.layout.catalogue)
    plan = plan_ingestion(
        fingerprints,
        latest,
        workspace.pipeline_version,
        force,
        exports=files_in(workspace.layout.folder),
    )
    settled = {
        path: failed_outcome(path, InputError(path, why)) for path, why in found.refused.items()
    }
    for path, why in clashes.items():
        settled[path] = failed_outcome(path, InputError(path, why, "Rename one of them."))
    failures = read_failures(workspace.layout.catalogue)
    versions = {
        fingerprint.path: (
            fingerprint.sha256 or "",
            brochure_version(workspace.pipeline_version, fingerprint.corrections),
        )
        for fingerprint in fingerprints
    }
    for item in plan:
        failure = failures.get(item.name)
        if item.status == "unchanged":
            settled[item.path] = unchanged_outcome(item, workspace)
        elif not force and failure is not None and versions[item.path] == failure.key:
            settled[item.path] = still_failing_outcome(item, failure)
    return RunPlan(
        brochures=found.found,
        to_process=[item for item in plan if item.path not in settled],
        settled=settled,
        versions={item.path: versions[item.path] for item in plan if item.path not in settled},
    )


def still_failing_outcome(item: PlannedBrochure, failure: Failure) -> BrochureOutcome:
    """The outcome of a brochure not read again: its bytes and version are those it failed with."""
    return BrochureOutcome(
        source=str(item.path),
        status="failed",
        reason="still_failing",
        edition=item.previous_edition,
        error_code=failure.error_code,
        error=f"{failure.error} (unchanged since it failed at {failure.failed_at}; "
        "--force reads it again)",
    )


def unchanged_outcome(item: PlannedBrochure, workspace: Workspace) -> BrochureOutcome:
    """The outcome of a brochure skipped because its latest edition stands."""
    latest = item.latest
    return BrochureOutcome(
        source=str(item.path),
        status="unchanged",
        reason=item.reason,
        edition=item.previous_edition,
        output=str(workspace.layout.export(item.name)),
        report=str(workspace.layout.review(item.name)),
        projects=latest.projects if latest is not None else None,
        warnings=latest.warnings if latest is not None else None,
        corrections_files=[str(path) for path in workspace.corrections_files(item.path)],
    )


def files_in(folder: Path) -> Collection[str]:
    """Given a folder, return the names of the entries in it (none when it does not exist)."""
    try:
        return set(os.listdir(folder))
    except FileNotFoundError:
        return set()


def finish_run(
    plan: RunPlan, processed: Mapping[Path, BrochureOutcome], workspace: Workspace
) -> RunSummary:
    """Given a run's plan and the outcome of every brochure it processed, write the run summary
    and the index page; return the summary, its outcomes in run order."""
    outcomes = [
        processed.get(path) or plan.settled.get(path) or _lost(path) for path in plan.brochures
    ]
    record_failures(plan, processed, workspace)
    tables = update_tables(workspace.layout, bool(processed), workspace.corrections)
    summary = RunSummary.of(
        outcomes,
        pipeline_version=workspace.pipeline_version,
        catalogue=str(workspace.layout.catalogue),
    ).model_copy(
        update={
            "identity_corrections_files": [str(path) for path in tables.corrections_files],
            "tables_error": tables.error,
        }
    )
    write_atomic(workspace.layout.summary, render_summary(summary))
    network = render_network(tables.organisations) if tables.organisations else None
    write_atomic(workspace.layout.index, render_index(index_entries(outcomes), network))
    return summary


@dataclass(frozen=True)
class TablesUpdate:
    """What `update_tables` left: the organisations as they now are, the identity corrections
    files read, and, when those could not be used, why the tables were left as they were."""

    organisations: list[Organisation]
    corrections_files: list[Path]
    error: str | None = None


def update_tables(
    layout: OutputLayout,
    changed: bool,
    corrections: Path | Literal["nearest"] | None = NEAREST,
) -> TablesUpdate:
    """Resolve the organisations of every brochure's latest edition with the reviewer's
    identity corrections (read from `corrections`, as a run reads a brochure's) and write the
    tables and `organisations.json` (see `workspace.tables`): when the run processed some
    brochure, a table is missing, or the identity corrections are not those the tables were
    made with; otherwise leave them as they are.

    Invalid identity corrections leave the tables as they were, and the error says why: the
    brochures of the run are published all the same."""
    with Catalogue(layout.catalogue) as catalogue:
        try:
            paths = identity_corrections_in(catalogue, corrections)
            identity = load_identity_corrections_files(paths)
            files = identity_corrections_files(paths)
        except (CorrectionError, OSError) as error:
            return TablesUpdate(catalogue.organisations(), [], str(error))
        made = None if changed else _tables_made_with(layout, files)
        if made is not None:
            return TablesUpdate(made.organisations, paths)
        tables = latest_tables(catalogue)
    organisations = write_tables(layout, tables, corrections=identity, corrections_files=files)
    return TablesUpdate(organisations, paths)


def _tables_made_with(
    layout: OutputLayout, files: list[IdentityCorrectionsFile]
) -> OrganisationsExport | None:
    """The tables' organisations.json when every table is in the output folder, made with
    these identity corrections; None otherwise (they are to be made)."""
    if not all((layout.folder / name).is_file() for name in TABLE_FILES):
        return None
    made = read_organisations_export(layout.folder)
    return made if made is not None and made.identity_corrections == files else None


def record_failures(
    plan: RunPlan, processed: Mapping[Path, BrochureOutcome], workspace: Workspace
) -> None:
    """Record in the catalogue every brochure the run processed that failed for a reason of its
    own (not a transient one), with the bytes and version it failed at."""
    failed = [
        (path, outcome)
        for path, outcome in processed.items()
        if outcome.status == "failed"
        and outcome.error_code not in TRANSIENT_ERRORS
        and path in plan.versions
    ]
    if not failed:
        return
    with Catalogue(workspace.layout.catalogue) as catalogue:
        for path, outcome in failed:
            sha256, version = plan.versions[path]
            catalogue.record_failure(
                brochure_name(path), sha256, version, outcome.error_code or "", outcome.error or ""
            )


def _lost(path: Path) -> BrochureOutcome:
    return failed_outcome(path, RuntimeError("the run ended before this brochure was processed"))


def render_summary(summary: RunSummary) -> str:
    """Given a run summary, return it as JSON text."""
    return summary.model_dump_json(indent=2) + "\n"


def index_entries(outcomes: Sequence[BrochureOutcome]) -> list[IndexEntry]:
    """Given a run's outcomes, return the rows of the index page: every brochure of the run."""
    entries = []
    for outcome in outcomes:
        name = Path(outcome.source).name
        href = review_href(brochure_name(outcome.source))
        if outcome.status == "failed":
            entries.append(IndexEntry(name=name, report_href=None, error=outcome.error))
        elif outcome.status == "unchanged":
            summary = IndexCounts(projects=outcome.projects, warnings=outcome.warnings)
            note = f"unchanged since edition {outcome.edition}"
            entries.append(IndexEntry(name=name, report_href=href, summary=summary, note=note))
        else:
            entries.append(IndexEntry(name=name, report_href=href, summary=outcome.index))
    return entries
