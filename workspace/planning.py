"""Deciding, before any work starts, which brochures of a run need extracting.

The flow hashes every brochure (`fingerprint_brochures`), reads the latest edition of each from
the catalogue, and `plan_ingestion` sorts them into new, changed and unchanged. Only new and
changed brochures become tasks, so an unchanged one costs one file hash and no task run.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from schemas import BrochureError
from schemas.run import PlanReason
from workspace.catalogue import Edition
from workspace.layout import EXPORT_SUFFIX, brochure_name

PlanStatus = Literal["new", "changed", "unchanged"]
# The corrections digest of a brochure whose corrections files are refused: never unchanged.
REFUSED = "refused"


@dataclass(frozen=True)
class BrochureFingerprint:
    """A brochure file, the SHA-256 of its bytes (None when it could not be read) and a digest
    of the reviewer's corrections that may apply to it ("" when there are none)."""

    path: Path
    name: str
    sha256: str | None
    corrections: str = ""


def brochure_version(pipeline_version: str, corrections: str) -> str:
    """Given the pipeline's version and a brochure's corrections digest, return the version its
    edition is stored under: editing a correction re-ingests that brochure, and only it."""
    return f"{pipeline_version}+corrections:{corrections}" if corrections else pipeline_version


def corrections_digest(paths: Iterable[Path]) -> str:
    """Given corrections files, return a digest of their names and contents ("" for none)."""
    digest = hashlib.sha256()
    found = False
    for path in paths:
        found = True
        digest.update(path.name.encode("utf-8") + b"\0")
        try:
            digest.update(path.read_bytes())
        except OSError:
            digest.update(b"<unreadable>")
    return digest.hexdigest()[:16] if found else ""


@dataclass(frozen=True)
class PlannedBrochure:
    """What a run does with one brochure, and why."""

    path: Path
    name: str
    sha256: str | None
    status: PlanStatus
    reason: PlanReason
    latest: Edition | None

    @property
    def previous_edition(self) -> int | None:
        """The number of the brochure's latest edition before this run (None: it has none)."""
        return self.latest.number if self.latest is not None else None


def fingerprint_brochure(
    path: Path, corrections_files: Callable[[Path], list[Path]] | None = None
) -> BrochureFingerprint:
    """Given a brochure file, return its fingerprint; an unreadable file gets sha256 None.

    The file is not judged here: the task that extracts it reports why it cannot be read.
    With `corrections_files` (which gives a brochure's corrections files), their contents count
    too.
    """
    try:
        with path.open("rb") as stream:
            sha256: str | None = hashlib.file_digest(stream, "sha256").hexdigest()
    except OSError:
        sha256 = None
    corrections = ""
    if corrections_files is not None:
        try:
            corrections = corrections_digest(corrections_files(path))
        except BrochureError:
            corrections = REFUSED  # the task that processes it reports why

    return BrochureFingerprint(
        path=path, name=brochure_name(path), sha256=sha256, corrections=corrections
    )


def fingerprint_brochures(
    paths: Iterable[Path], corrections_files: Callable[[Path], list[Path]] | None = None
) -> list[BrochureFingerprint]:
    """Given brochure files, return their fingerprints in the same order."""
    return [fingerprint_brochure(Path(path), corrections_files) for path in paths]


def plan_brochure(
    brochure: BrochureFingerprint,
    latest: Edition | None,
    pipeline_version: str,
    force: bool = False,
    export_present: bool = True,
) -> PlannedBrochure:
    """Given a brochure, its latest edition (None: none yet) and the pipeline version, plan it.

    Unchanged means: same bytes, same pipeline version and same corrections as the latest
    edition, that edition published and its export still in place, and no `force`. Anything
    else is extracted again.
    """
    version = brochure_version(pipeline_version, brochure.corrections)
    reason: PlanReason
    if latest is None:
        status: PlanStatus = "new"
        reason = "first_ingestion"
    else:
        status = "changed"
        if brochure.sha256 is None:
            reason = "unreadable"
        elif brochure.sha256 != latest.sha256:
            reason = "content_changed"
        elif latest.pipeline_version.split("+", 1)[0] != pipeline_version:
            reason = "pipeline_changed"
        elif latest.pipeline_version != version:
            reason = "corrections_changed"
        elif force:
            reason = "forced"
        elif not latest.published:
            reason = "unpublished"
        elif not export_present:
            reason = "export_missing"
        else:
            status, reason = "unchanged", "unchanged"
    return PlannedBrochure(
        path=brochure.path,
        name=brochure.name,
        sha256=brochure.sha256,
        status=status,
        reason=reason,
        latest=latest,
    )


def plan_ingestion(
    brochures: Sequence[BrochureFingerprint],
    catalogue: Mapping[str, Edition],
    pipeline_version: str,
    force: bool = False,
    exports: Collection[str] | None = None,
) -> list[PlannedBrochure]:
    """Given fingerprinted brochures and the latest edition of each brochure in the catalogue
    (by name), return the plan of the run, in the brochures' order.

    `exports` names the files present in the output folder; a brochure whose export is missing
    there is extracted again even when unchanged (None: not checked).
    """
    return [
        plan_brochure(
            brochure,
            catalogue.get(brochure.name),
            pipeline_version,
            force,
            exports is None or brochure.name + EXPORT_SUFFIX in exports,
        )
        for brochure in brochures
    ]


def count_plan(plan: Iterable[PlannedBrochure]) -> dict[PlanStatus, int]:
    """Given a plan, return how many brochures are new, changed and unchanged."""
    counts: dict[PlanStatus, int] = {"new": 0, "changed": 0, "unchanged": 0}
    for item in plan:
        counts[item.status] += 1
    return counts
