"""The one settings object, built and validated once and passed explicitly."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

DEFAULT_EXTRACTORS = (
    "title",
    "description",
    "partners",
    "lead_partner",
    "work_packages",
    "role",
    "facts",
)


class Settings(BaseModel):
    """How the pipeline reads brochures. Every field has a default; unknown keys are refused."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    patterns_dir: Path | None = Field(
        default=None, description="Folder of pattern files; None uses the packaged defaults."
    )
    publisher: str | None = Field(
        default=None,
        description="Publishing organisation; None reads it from the 'Role of ...' headings.",
    )
    spacy_pipeline: str = Field(
        default="blank:en",
        description="'blank:en' (default, no model needed) or an installed pipeline's name.",
    )
    extractors: tuple[str, ...] = Field(
        default=DEFAULT_EXTRACTORS, description="Which registered extractors run, in order."
    )
    near_duplicate_threshold: float = Field(
        default=0.9,
        gt=0,
        le=1,
        description="Word-sequence similarity (difflib ratio) from which prose is a duplicate.",
    )
    max_title_words: int = Field(default=24, ge=3, description="Longest line taken as a title.")
    max_file_bytes: int = Field(
        default=20 * 1024 * 1024, ge=1, description="Larger files are refused, not read."
    )
    page_limit: int = Field(
        default=2000, ge=1, description="PDFs with more pages are refused, not read."
    )
    max_characters: int = Field(
        default=5_000_000,
        ge=1,
        description="Brochures whose text, once read, holds more characters are refused before "
        "extraction.",
    )
    max_seconds_per_brochure: float = Field(
        default=300.0,
        gt=0,
        description="A brochure whose processing in a worker process takes longer fails, and its "
        "worker is replaced (runs with --workers 1 have no time limit).",
    )
    max_memory_mb: int = Field(
        default=2048,
        ge=256,
        description="Memory one worker process may use; a brochure that needs more fails alone "
        "(runs with --workers 1 have no memory limit).",
    )

    @classmethod
    def resolve(cls, value: Settings | dict[str, Any] | None) -> Settings:
        """Given None, a dict or a Settings, return a validated Settings."""
        if value is None:
            return cls()
        if isinstance(value, cls):
            return value
        return cls.model_validate(value)
