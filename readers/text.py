"""A plain-text brochure read into the document model."""

from __future__ import annotations

import hashlib
from pathlib import Path

from readers.source import (
    check_is_text,
    decode_text,
    detect_newline,
    normalise_newlines,
    read_brochure_bytes,
)
from schemas import Settings
from schemas.document import SourceText


def read_text_source(path: Path, settings: Settings) -> SourceText:
    """Given a plain-text brochure, read it into a `SourceText`."""
    source = str(path)
    data = read_brochure_bytes(path, settings)
    decoded, encoding, warnings = decode_text(data, source)
    check_is_text(decoded, source)
    newline = detect_newline(decoded)
    text = normalise_newlines(decoded)
    if text.startswith("\ufeff"):
        text = text[1:]
    return SourceText(
        source=source,
        text=text,
        sha256=hashlib.sha256(data).hexdigest(),
        format="text",
        encoding=encoding,
        newline=newline,
        warnings=tuple(warnings),
    )
