"""A reviewer's correction, checked against the brochure's latest export before it is written:
what `brochures correct` and the review page's actions do."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from schemas import BrochureExtraction, InputError
from schemas.corrections import Correction, CorrectionOutcome, CorrectionSet
from workspace.catalogue import Catalogue
from workspace.corrections import (
    add_correction,
    check_correction,
    corrections_root_for,
    project_fingerprint,
)
from workspace.layout import OutputLayout, named_brochure


@dataclass(frozen=True)
class AddedCorrection:
    """A correction written: its file, what it will do, and every correction of the file."""

    path: Path
    outcome: CorrectionOutcome
    corrections: CorrectionSet


def corrections_file(brochure_source: str, name: str, root: Path | None = None) -> Path:
    """Given the source of a brochure's latest edition, its name and the corrections folder the
    user named (None: the one runs find, see `corrections_root_for`), return its own
    corrections file."""
    if root is None:
        source = Path(brochure_source)
        if not source.exists():
            raise InputError(
                source,
                "the brochure of the latest edition is not where it was read",
                "Run from the folder the run was started in, or name the folder holding "
                "corrections/ with --corrections.",
            )
        root = corrections_root_for(source)
    return root / "corrections" / f"{name}.yaml"


# What `checked` says before it is written: "the project as the latest export has it".
LATEST = "latest"


def with_fingerprint(extraction: BrochureExtraction, correction: Correction) -> Correction:
    """Given the latest export and a correction, return it with `checked: latest` replaced by
    the fingerprint of the project in that export (any other correction as it is)."""
    if correction.checked != LATEST:
        return correction
    project = next((p for p in extraction.projects if p.id == correction.project), None)
    if project is None:
        return correction  # the check that follows says the project is gone
    return correction.model_copy(update={"checked": project_fingerprint(project)})


def add_checked_correction(
    layout: OutputLayout, brochure: str, correction: Correction, root: Path | None = None
) -> AddedCorrection:
    """Given the output layout, a brochure as the user names it and a correction, check the
    correction against the brochure's latest export and append it to its corrections file.

    An unknown brochure raises `InputError` naming the brochures there are; a correction that
    would not apply raises `CorrectionError` naming the nearest match. Either way nothing is
    written.
    """
    name = named_brochure(brochure)
    with Catalogue(layout.catalogue, create=False) as catalogue:
        extraction = catalogue.extraction(name)
        latest = catalogue.latest(name)
    assert latest is not None  # the extraction was found
    path = corrections_file(latest.source, name, root)
    correction = with_fingerprint(extraction, correction)
    outcome = check_correction(extraction, correction, path)
    return AddedCorrection(path, outcome, add_correction(path, correction))
