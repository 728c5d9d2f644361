"""The document model every reader fills and the extraction reads: the kept text of one brochure
with what its reader saw (pages, emphasised lines, the element of each line)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from schemas.records import ExtractionWarning

Newline = Literal["lf", "crlf", "cr", "mixed", "none"]
SourceFormat = Literal["text", "pdf", "html", "markdown", "docx"]


@dataclass(frozen=True)
class SourceText:
    """A brochure's kept text: decoded, BOM removed, line endings as '\\n'. Offsets index it."""

    source: str
    text: str
    sha256: str
    format: SourceFormat
    encoding: str
    newline: Newline
    page_starts: tuple[int, ...] | None = None
    warnings: tuple[ExtractionWarning, ...] = field(default_factory=tuple)
    # 1-based lines set in a larger or bold font than the body (PDFs), or headings (HTML,
    # Markdown, Word): evidence for titles.
    emphasised_lines: frozenset[int] = frozenset()
    # For structured documents, the CSS-like path of the element each line came from (index 0 is
    # line 1), so evidence can name it; None for plain text and PDFs.
    line_elements: tuple[str, ...] | None = None
