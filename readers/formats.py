"""Which reader reads which brochure: by the file's suffix."""

from __future__ import annotations

from pathlib import Path

from readers.source import DOCX_SUFFIXES, HTML_SUFFIXES, MARKDOWN_SUFFIXES
from readers.text import read_text_source
from schemas import Settings
from schemas.document import SourceText


def read_source(path: Path, settings: Settings) -> SourceText:
    """Given a brochure file of any supported kind, read it into a `SourceText`: by its suffix,
    a PDF, an HTML page, a Markdown file or a Word document; anything else as plain text."""
    # Each reader is imported when a file of its kind is read: it brings its parser with it.
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        from readers.pdf import read_pdf_source

        return read_pdf_source(path, settings)
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
