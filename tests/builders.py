"""Builders the tests share: texts from their lines, records built by hand, the committed PDFs.

Imported by name (`from builders import lines`): `tests` is no package, and pytest's default
import mode puts this folder on `sys.path`. Nothing here imports reportlab: only
tests/data/make_pdfs.py, which writes the PDFs, does.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from extractors.organisations import BrochureNames, brochure_names
from extractors.rules import Rules, load_rules
from schemas import (
    BrochureExtraction,
    DocumentInfo,
    Evidence,
    Partner,
    Project,
    Role,
    WorkPackage,
)
from schemas.organisations import Organisation, ProjectReference

DATA = Path(__file__).parent / "data"
PDF_DATA = DATA / "pdf"

# The list markers the sample and its copies use, and a line's marker with the space after it.
GLYPHS = ["-", "–", "•", "●", "*", "▪"]
MARKER = re.compile(r"^([-–•●*▪])\s+")


# --- texts ---------------------------------------------------------------------------------------


def lines(*rows: str) -> str:
    """Given lines, return them as a text, each ending with a newline."""
    return "\n".join(rows) + "\n"


def joined_lines(*rows: str) -> str:
    """Given lines, return them joined by newlines, the last without one (as `lines` ends it)."""
    return "\n".join(rows)


def write_file(folder: Path, name: str, data: str | bytes) -> Path:
    """Write `data` (a text as UTF-8) to `folder / name`; return the path."""
    path = folder / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


@cache
def packaged_rules() -> Rules:
    """The rules of the packaged pattern files, read once per test process (they are frozen)."""
    return load_rules()


# --- records built by hand -----------------------------------------------------------------------


def make_evidence(first: int = 1, last: int | None = None) -> Evidence:
    """Evidence on lines `first` to `last` (`first` alone by default); the offsets are 0 to 1,
    for the tests that never slice the text with them."""
    return Evidence(start=0, end=1, line_start=first, line_end=last or first)


def make_partner(name: str, line: int = 1, **fields: Any) -> Partner:
    """A partner named `name`, its text the name unless `fields` give one, on `line`."""
    return Partner(**{"name": name, "text": name, "evidence": make_evidence(line), **fields})


def make_role(
    category: str = "coordinator", text: str = "It leads it.", organisation: str = "Publisher"
) -> Role:
    """The publisher's role in a project, on line 1."""
    return Role(
        organisation=organisation,
        text=text,
        category=category,  # type: ignore[arg-type]
        evidence=make_evidence(),
    )


def make_work_package(number: int | None, title: str, lead: bool = False) -> WorkPackage:
    """A work package whose text is its title, on line 1."""
    return WorkPackage(number=number, title=title, lead=lead, text=title, evidence=make_evidence())


def make_project(
    project_id: str, title: str, lines: tuple[int, int] = (1, 1), **fields: Any
) -> Project:
    """A project with its title on the first of `lines` and its section over all of them."""
    return Project(
        id=project_id,
        title=title,
        title_evidence=make_evidence(lines[0]),
        evidence=make_evidence(*lines),
        **fields,
    )


def make_document(
    source: str = "agency.txt", sha256: str = "0" * 64, characters: int = 100, lines: int = 10
) -> DocumentInfo:
    """A UTF-8 text brochure with LF newlines."""
    return DocumentInfo(
        source=source,
        sha256=sha256,
        format="text",
        encoding="utf-8",
        newline="lf",
        characters=characters,
        lines=lines,
    )


def make_extraction(
    *projects: Project, document: DocumentInfo | None = None, **fields: Any
) -> BrochureExtraction:
    """An extraction of `projects` from `document` (`make_document()` by default)."""
    return BrochureExtraction(
        document=document or make_document(), projects=list(projects), **fields
    )


def names_of(extractions: Mapping[str, BrochureExtraction]) -> dict[str, BrochureNames]:
    """Given extractions by brochure name, return their names for resolution by the same name."""
    return {name: brochure_names(name, extraction) for name, extraction in extractions.items()}


def only_project(extraction: BrochureExtraction) -> Project:
    """Given an extraction that must hold exactly one project, return it."""
    (project,) = extraction.projects
    return project


def make_organisation(
    name: str, *project_ids: str, brochure: str = "agency.txt", **fields: Any
) -> Organisation:
    """An organisation called `name`, named as a partner in the projects `project_ids` of
    `brochure` (each titled "Project ID"); its id the name in lower case with dashes, unless
    `fields` give one."""
    projects = [
        ProjectReference(
            brochure=brochure, project_id=project, title=f"Project {project}", roles=["partner"]
        )
        for project in project_ids
    ]
    return Organisation(
        **{
            "id": re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-"),
            "name": name,
            "projects": projects,
            "brochures": [brochure] if projects else [],
            **fields,
        }
    )


# --- the committed PDFs --------------------------------------------------------------------------


@dataclass(frozen=True)
class SamplePdf:
    """A committed PDF of the sample, the text drawn in it, and the page each sample line starts
    on; `layout` says how it was set (tests/data/make_pdfs.py)."""

    path: Path
    text: str
    line_pages: dict[int, int]
    pages: int
    layout: dict[str, Any]


@cache
def sample_pdf_description() -> dict[str, Any]:
    """The description tests/data/make_pdfs.py wrote of the sample's PDFs."""
    return json.loads((PDF_DATA / "sample-pdfs.json").read_text(encoding="utf-8"))


def sample_pdf(entry: dict[str, Any], sample_text: str) -> SamplePdf:
    """Given one PDF's entry in the description and the sample's text, return the PDF with the
    text drawn in it (glyphs the font lacks replaced; blank lines dropped if they were) and the
    page each drawn line starts on (the last page starting at or before it)."""
    text = sample_text
    for char, fallback in sample_pdf_description()["glyph_fallbacks"].items():
        text = text.replace(char, fallback)
    if not entry["blank_lines_drawn"]:
        text = "\n".join(line.strip() for line in text.split("\n") if line.strip())
    starts = entry["page_first_lines"]
    line_pages = {
        number: bisect.bisect_right(starts, number)
        for number, line in enumerate(sample_text.split("\n"), start=1)
        if line.strip()
    }
    return SamplePdf(PDF_DATA / entry["file"], text, line_pages, entry["pages"], entry["layout"])


def pdf_of_objects(objects: list[bytes]) -> bytes:
    """Given the bodies of a PDF's objects (object 1 the catalogue), return the whole file: the
    header, the numbered objects, the cross-reference table and the trailer."""
    data, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(data))
        data += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    table = len(data)
    data += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    data += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    data += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\n".encode()
    data += f"startxref\n{table}\n%%EOF\n".encode()
    return bytes(data)


class HtmlElements(HTMLParser):
    """Collects every element of a page as (tag, attributes decoded, text decoded): with
    `own_text`, only the element's own text; else its children's too."""

    def __init__(self, *, own_text: bool = False) -> None:
        super().__init__(convert_charrefs=True)
        self.own_text = own_text
        self.elements: list[tuple[str, dict[str, str], list[str]]] = []
        self._open: list[list[str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        text: list[str] = []
        self.elements.append((tag, {name: value or "" for name, value in attrs}, text))
        if tag not in ("meta", "br", "img", "input", "link"):
            self._open.append(text)

    def handle_endtag(self, tag: str) -> None:
        if self._open:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        for text in self._open[-1:] if self.own_text else self._open:
            text.append(data)


def html_elements(markup: str, *, own_text: bool = False) -> list[tuple[str, dict[str, str], str]]:
    """The tag, attributes and text (see `HtmlElements`) of every element of `markup`."""
    parser = HtmlElements(own_text=own_text)
    parser.feed(markup)
    parser.close()
    return [(tag, attrs, "".join(text)) for tag, attrs, text in parser.elements]
