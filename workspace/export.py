"""Writing exports: JSON of one extraction, the JSON Schema, always whole (staged, then renamed)."""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from schemas import BrochureExtraction, OutputError


def render_json(extraction: BrochureExtraction) -> str:
    """Given an extraction, return its JSON export as text (stable key order, UTF-8 kept)."""
    return extraction.model_dump_json(indent=2) + "\n"


def render_json_schema() -> str:
    """Return the JSON Schema of the export, generated from the Pydantic records."""
    schema = BrochureExtraction.model_json_schema()
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


@dataclass(frozen=True)
class StagedFile:
    """A file written whole beside its place, not yet in it: `commit` renames it into place,
    `discard` removes it, leaving whatever was there before."""

    path: Path
    temporary: Path

    def commit(self) -> Path:
        """Put the file in its place (one rename: readers see the old file or the new one)."""
        try:
            os.replace(self.temporary, self.path)
        except OSError as error:
            self.discard()
            raise _write_error(self.path, error) from error
        return self.path

    def discard(self) -> None:
        """Remove the staged file."""
        self.temporary.unlink(missing_ok=True)


def stage_file(path: Path, content: str) -> StagedFile:
    """Write `content` into a temporary file beside `path`, flushed to disk; return it staged."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as error:
        raise _write_error(path, error) from error
    temporary = Path(name)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            # mkstemp creates the file owner-only; exports are meant to be read by others too.
            os.fchmod(stream.fileno(), path.stat().st_mode & 0o777 if path.exists() else 0o644)
            stream.write(content)
            stream.flush()
            os.fsync(stream.fileno())
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise _write_error(path, error) from error
    return StagedFile(path, temporary)


def write_atomic(path: Path, content: str) -> Path:
    """Write `content` to `path` through a temporary file and a rename: never half-written."""
    return stage_file(path, content).commit()


def _write_error(path: Path, error: OSError) -> OutputError:
    return OutputError(
        path,
        f"could not be written ({error.strerror or error})",
        "Check that the output folder exists, is writable and has space.",
    )
