"""Writing exports: JSON of one extraction, the JSON Schema, always atomically."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from schemas import BrochureExtraction, OutputError


def render_json(extraction: BrochureExtraction) -> str:
    """Given an extraction, return its JSON export as text (stable key order, UTF-8 kept)."""
    return extraction.model_dump_json(indent=2) + "\n"


def render_json_schema() -> str:
    """Return the JSON Schema of the export, generated from the Pydantic records."""
    schema = BrochureExtraction.model_json_schema()
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def export_name(source: str | Path) -> str:
    """Given a brochure's path, return the file name of its JSON export."""
    return Path(source).stem + ".json"


def write_atomic(path: Path, content: str) -> Path:
    """Write `content` to `path` through a temporary file and a rename: never half-written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        # mkstemp creates the file owner-only; exports are meant to be read by others too.
        mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
        os.chmod(temporary, mode)
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(content)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise OutputError(
            path,
            f"could not be written ({error.strerror or error})",
            "Check that the output folder exists, is writable and has space.",
        ) from error
    return path


def output_path(out_dir: Path, name: str) -> Path:
    """Given the output folder and a file name, return its path, refusing any path that would
    land outside the folder (a name with a separator, '..', or an absolute name)."""
    path = out_dir / name
    if (
        Path(name).name != name
        or name in ("", ".", "..")
        or not path.resolve().is_relative_to(out_dir.resolve())
    ):
        raise OutputError(
            path, f"'{name}' is not a plain file name inside {out_dir}", "Rename the brochure."
        )
    return path


def write_extraction(extraction: BrochureExtraction, out_dir: Path) -> Path:
    """Write one extraction's JSON export into `out_dir` atomically; return the file's path."""
    name = export_name(extraction.document.source)
    return write_atomic(output_path(out_dir, name), render_json(extraction))
