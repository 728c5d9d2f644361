"""Which reader reads which brochure: by the file's suffix."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from readers.source import (
    DOCX_SUFFIXES,
    HTML_SUFFIXES,
    MARKDOWN_SUFFIXES,
    blank_control_characters,
)
from readers.text import read_text_source
from schemas import InputError, Settings
from schemas.document import SourceText

if TYPE_CHECKING:
    from extractors.rules import Rules


def read_source(path: Path, settings: Settings, rules: Rules | None = None) -> SourceText:
    """Given a brochure file of any supported kind, read it into a `SourceText`: by its suffix,
    a PDF, an HTML page, a Markdown file or a Word document; anything else as plain text.

    A PDF's layout needs the pattern rules: `rules` (the pipeline's), or loaded from the
    settings' patterns folder. Control characters of the kept text are read as spaces (see
    `blank_control_characters`)."""
    source = blank_control_characters(_read(path, settings, rules))
    if len(source.text) > settings.max_characters:
        raise InputError(
            path,
            f"holds {len(source.text):,} characters once read, over the limit of "
            f"{settings.max_characters:,} (max_characters)",
            "Split the document, or raise max_characters in the settings.",
        )
    return source


def _read(path: Path, settings: Settings, rules: Rules | None) -> SourceText:
    # Each reader is imported when a file of its kind is read: it brings its parser with it.
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        from readers.pdf import read_pdf_source

        return read_pdf_source(path, settings, rules)
    if suffix in HTML_SUFFIXES:
        from readers.html import read_html_source

        return read_html_source(path, settings)
    if suffix in MARKDOWN_SUFFIXES:
        from readers.markdown import read_markdown_source

        return read_markdown_source(path, settings)
    if suffix in DOCX_SUFFIXES:
        from readers.docx import read_docx_source

        return read_docx_source(path, settings)
    return read_text_source(path, settings)
