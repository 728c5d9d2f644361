"""Processing one brochure, the way every command and the flow do it.

    read -> extract -> reconcile (ids carried over from the latest edition, the reviewer's
    corrections applied, compared with the latest edition) -> publish: the export, review page
    and change report written beside their places -> the edition stored (unpublished) with its
    share of the tables (`workspace.tables.brochure_tables`) -> the files put in place -> the
    edition marked published

`brochures extract` stops after reconciling (`prepare_edition`) and `brochures run` goes on to
publish, through the same functions, so the two never disagree about an id or a correction. A
brochure that fails before its edition is stored leaves every file of the output folder as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Literal

from extractors.pipeline import shared_pipeline
from readers.formats import read_source
from reports.changes import (
    carry_over_ids,
    compare_editions,
    compare_reviews,
    render_changes_json,
)
from reports.pages import (
    Review,
    index_summary,
    render_markdown_summary,
    render_report,
    review_of,
)
from schemas import BrochureError, BrochureExtraction, OutputError, Settings
from schemas.changes import ChangeReport
from schemas.corrections import AppliedCorrections
from schemas.document import SourceText
from schemas.run import BrochureOutcome, PlanReason
from workspace.catalogue import Catalogue, Edition, LatestEdition, read_latest_extraction
from workspace.corrections import (
    apply_corrections,
    corrections_root_for,
    find_corrections_files,
    load_corrections_files,
)
from workspace.export import StagedFile, render_json, stage_file
from workspace.layout import OutputLayout, brochure_name
from workspace.planning import brochure_version, corrections_digest
from workspace.tables import brochure_tables, render_brochure_tables

# Where `Workspace.corrections` says to look for each brochure's corrections by default.
NEAREST: Literal["nearest"] = "nearest"
# Read and extract one brochure: in this process, or sent to a pool of processes by the flow.
Extract = Callable[[Path, Settings], tuple[SourceText, BrochureExtraction]]


def read_and_extract(path: Path, settings: Settings) -> tuple[SourceText, BrochureExtraction]:
    """Given a brochure file of any supported kind, return its text and everything extracted."""
    pipeline = shared_pipeline(settings)
    source = read_source(Path(path), settings, pipeline.rules)
    return source, pipeline(source)


def extract_brochure(path: Path, settings: Settings | None = None) -> BrochureExtraction:
    """Given a brochure file of any supported kind, return everything extracted from it, as the
    pipeline reads it (no ids carried over, no corrections)."""
    return read_and_extract(path, Settings.resolve(settings))[1]


@dataclass(frozen=True)
class Workspace:
    """What every brochure of a run shares: where its files go, the settings, the pipeline's
    version, and where the reviewer's corrections are: a folder, `NEAREST` (for each brochure
    the nearest folder holding corrections, see `corrections_root_for`), or None (none)."""

    layout: OutputLayout
    settings: Settings
    pipeline_version: str
    corrections: Path | Literal["nearest"] | None = None

    def corrections_root(self, brochure: Path) -> Path | None:
        """The folder of the brochure's corrections (None: corrections are not read)."""
        if self.corrections == NEAREST:
            return corrections_root_for(brochure)
        return self.corrections

    def corrections_files(self, brochure: Path) -> list[Path]:
        """The corrections files that may hold entries for the brochure."""
        root = self.corrections_root(brochure)
        return find_corrections_files(brochure, root) if root is not None else []

    def latest(self, brochure: Path) -> LatestEdition | None:
        """The brochure's latest edition in the catalogue, or None."""
        return read_latest_extraction(self.layout.catalogue, brochure_name(brochure))


@dataclass(frozen=True)
class Reconciled:
    """An extraction made ready to store: ids carried over, corrections applied (`as_read`:
    before them), and what it changed since the latest edition `previous` (None: none)."""

    path: Path
    extraction: BrochureExtraction
    as_read: BrochureExtraction
    source_text: str
    applied: AppliedCorrections
    changes: ChangeReport | None
    corrections_files: list[Path]
    previous: Edition | None

    @cached_property
    def review(self) -> Review:
        """What a reviewer should look at in the extraction: found once, for the review page,
        the index and the Markdown summary."""
        return review_of(self.extraction, self.source_text)


def reconcile(
    path: Path,
    source: SourceText,
    extraction: BrochureExtraction,
    latest: LatestEdition | None,
    corrections_files: list[Path],
) -> Reconciled:
    """Given a brochure file's fresh extraction, its latest edition and its corrections files,
    return the extraction as the catalogue keeps it.

    The latest edition gives its ids to the matching projects first: corrections address stable
    ids, so they apply after that. The comparison comes last, in two parts: the source's changes
    (the two editions as the pipeline read them) and the review's (corrections that apply now
    and did not, or the other way round).
    """
    corrections = load_corrections_files(corrections_files)
    if latest is not None:
        extraction = carry_over_ids(latest.extraction, extraction)
    corrected, applied = apply_corrections(
        extraction, corrections, brochure_name(extraction.document.source), source.text
    )
    if latest is None:
        return Reconciled(
            path, corrected, extraction, source.text, applied, None, corrections_files, None
        )
    number = latest.edition.number
    changes = compare_editions(latest.as_read, extraction).model_copy(
        update={
            "previous_edition": number,
            "edition": number + 1,
            "review_changes": compare_reviews(latest.extraction, corrected),
        }
    )
    return Reconciled(
        path,
        corrected,
        extraction,
        source.text,
        applied,
        changes,
        corrections_files,
        latest.edition,
    )


def prepare_edition(
    path: Path, workspace: Workspace, extract: Extract = read_and_extract
) -> Reconciled:
    """Given a brochure file, return its extraction reconciled with its latest edition and its
    corrections: what a run would store, without writing anything."""
    source, extraction = extract(Path(path), workspace.settings)
    return reconcile(
        Path(path), source, extraction, workspace.latest(path), workspace.corrections_files(path)
    )


def process_brochure(
    path: Path,
    workspace: Workspace,
    reason: PlanReason | None = None,
    extract: Extract = read_and_extract,
) -> BrochureOutcome:
    """Extract one brochure, reconcile it, publish its files and store it as an edition; return
    the outcome.

    A `BrochureError` while reading, extracting or reading corrections is the input's fault and
    would recur: it becomes a "failed" outcome and nothing is written. An `OSError` or an
    `OutputError` propagates (the flow retries it), and leaves the output folder as it was.
    """
    try:
        result = prepare_edition(path, workspace, extract)
    except OutputError:
        raise  # the catalogue or the output folder, not the input: the flow retries it
    except BrochureError as error:
        return failed_outcome(path, error, reason)
    edition = publish(result, workspace)
    return ok_outcome(path, result, workspace.layout, edition, reason)


def publish(result: Reconciled, workspace: Workspace) -> Edition:
    """Write the files of a reconciled extraction and store it as the brochure's next edition;
    return the edition.

    The files are staged first; the edition is stored unpublished; then the files are put in
    place and the edition marked published. A failure before the edition is stored discards
    the staged files, so the folder keeps the previous edition's; a stop after it leaves an
    unpublished edition, which the next run extracts again.
    """
    layout = workspace.layout
    source = result.extraction.document.source
    name = brochure_name(source)
    staged = stage_files(result, layout)
    tables = render_brochure_tables(brochure_tables(name, result.extraction))
    try:
        with Catalogue(layout.catalogue) as catalogue:
            edition = catalogue.add_edition(
                name,
                result.extraction,
                source=str(result.path),
                pipeline_version=edition_version(workspace, result.corrections_files),
                previous=result.previous.number if result.previous is not None else None,
                published=False,
                # Kept only where corrections made it differ from the export.
                as_read=result.as_read if result.as_read is not result.extraction else None,
                tables=tables,
            )
            for file in staged:
                file.commit()
            if result.changes is None:
                layout.changes(name).unlink(missing_ok=True)  # left by an earlier catalogue
            catalogue.mark_published(edition)
    finally:
        for file in staged:
            file.discard()
    return edition


def stage_files(result: Reconciled, layout: OutputLayout) -> list[StagedFile]:
    """Write the export, the review page and (when there is an earlier edition) the change
    report of an extraction beside their places; return them staged."""
    name = brochure_name(result.extraction.document.source)
    contents = [
        (layout.export(name), render_json(result.extraction)),
        (
            layout.review(name),
            render_report(
                result.extraction,
                result.source_text,
                changes=result.changes,
                corrections=result.applied,
                review=result.review,
            ),
        ),
    ]
    if result.changes is not None:
        contents.append((layout.changes(name), render_changes_json(result.changes)))
    staged: list[StagedFile] = []
    try:
        for path, text in contents:
            staged.append(stage_file(path, text))
    except BaseException:
        for file in staged:
            file.discard()
        raise
    return staged


def edition_version(workspace: Workspace, corrections_files: list[Path]) -> str:
    """The version an edition is stored under: the pipeline's, and the corrections' digest."""
    return brochure_version(workspace.pipeline_version, corrections_digest(corrections_files))


def ok_outcome(
    path: Path,
    result: Reconciled,
    layout: OutputLayout,
    edition: Edition,
    reason: PlanReason | None = None,
) -> BrochureOutcome:
    """The outcome of a brochure stored as `edition`."""
    extraction = result.extraction
    name = brochure_name(path)
    return BrochureOutcome(
        source=str(path),
        status="ok",
        reason=reason,
        change="new" if result.changes is None else "changed",
        edition=edition.number,
        output=str(layout.export(name)),
        projects=len(extraction.projects),
        warnings=len(extraction.warnings),
        duplicates=len(extraction.duplicates),
        changes_output=str(layout.changes(name)) if result.changes is not None else None,
        changes=result.changes,
        report=str(layout.review(name)),
        corrections_files=[str(file) for file in result.corrections_files],
        corrections_applied=len(result.applied.applied),
        corrections_stale=len(result.applied.stale),
        index=index_summary(
            extraction, result.source_text, result.changes, result.applied, result.review
        ),
        review_markdown=render_markdown_summary(
            extraction, result.changes, result.applied, result.source_text, result.review
        ),
    )


def failed_outcome(
    path: str | Path, error: BaseException, reason: PlanReason | None = None
) -> BrochureOutcome:
    """Given a brochure and the error that stopped it, return its "failed" outcome.

    The message always names the file: a `BrochureError` does so itself, other errors get the
    path in front.
    """
    if isinstance(error, BrochureError):
        code, message = error.code, str(error)
    else:
        code = "os_error" if isinstance(error, OSError) else "unexpected_error"
        message = f"{path}: {type(error).__name__}: {error}"
    return BrochureOutcome(
        source=str(path), status="failed", reason=reason, error_code=code, error=message
    )
