"""Processing one brochure from its file, as every command and the flow do it."""

from __future__ import annotations

from pathlib import Path

from extractors.pipeline import extract_source
from readers.formats import read_source
from schemas import BrochureExtraction, Settings


def extract_brochure(path: Path, settings: Settings | None = None) -> BrochureExtraction:
    """Given a brochure file of any supported kind, return everything extracted from it."""
    settings = Settings.resolve(settings)
    return extract_source(read_source(Path(path), settings), settings)
