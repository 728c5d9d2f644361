"""Reading a Word (.docx) document into the kept text, one block per line.

python-docx opens the package and gives the body, its styles and its numbering; the body is
read in order, paragraph by paragraph and table by table:

- a paragraph whose style (or the paragraph itself) has an outline level, or whose style is a
  built-in heading or the title, is a heading: an emphasised line;
- a numbered or bulleted paragraph (numbering on the paragraph or its style) is a list item,
  "- item", indented two spaces per list level;
- a table row is one line, its cells separated by a TAB; a table of one column, or one holding
  another table, lays out blocks, and its cells are read as paragraphs;
- Word's own table of contents (its "TOC" styles, or the content control holding it) is page
  furniture and left out, as are headers, footers, footnotes, comments and deleted text.

A line break inside a paragraph starts a new line, a tab is a space. Text in text boxes and
shapes is not read.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from readers.source import KeptLine, NoText, read_brochure_bytes, structured_source
from schemas import InputError, Settings
from schemas.document import SourceText

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06")
_OLE_SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")
# The stream an encrypted Office document keeps its real package in (its name, UTF-16).
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
_HEADING_NAME = re.compile(r"heading ([1-9])", re.IGNORECASE)
_TOC_NAME = re.compile(r"toc( |$)|toc heading", re.IGNORECASE)
# Elements of a paragraph whose content is not its text: properties, deletions, field codes,
# drawings and their text boxes, the fallback copy of alternate content.
_NOT_TEXT = frozenset(
    _W + name
    for name in (
        "pPr", "rPr", "del", "moveFrom", "delText", "instrText", "delInstrText", "fldData",
        "sdtPr", "drawing", "pict", "object",
    )
) | {_MC + "AlternateContent"}  # fmt: skip


@dataclass(frozen=True)
class _StyleFacts:
    """What a paragraph style says about its paragraphs."""

    heading_level: int | None = None
    numbered: bool = False
    list_level: int | None = None
    table_of_contents: bool = False
    number_id: str | None = None
    indent: int | None = None


def _value(element: Any | None, name: str) -> str | None:
    """Given an element (or None), return its child `name`'s w:val, or None."""
    if element is None:
        return None
    child = element.find(_W + name)
    return None if child is None else child.get(_W + "val")


def _numbering(p_pr: Any | None) -> tuple[bool | None, int | None, str | None]:
    """Given a w:pPr, return whether it turns numbering on (None: it says nothing), its list
    level and its numbering id."""
    if p_pr is None:
        return None, None, None
    num_pr = p_pr.find(_W + "numPr")
    if num_pr is None:
        return None, None, None
    number_id = _value(num_pr, "numId")
    level = _value(num_pr, "ilvl")
    return (
        number_id is None or number_id != "0",
        int(level) if level and level.isdigit() else None,
        number_id,
    )


def _left_indent(p_pr: Any | None) -> int | None:
    """Given a w:pPr (or a numbering level's), return its left indent in twips, or None."""
    if p_pr is None:
        return None
    indent = p_pr.find(_W + "ind")
    if indent is None:
        return None
    value = indent.get(_W + "left") or indent.get(_W + "start")
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


@dataclass
class _Styles:
    """The document's paragraph styles, each resolved through the styles it is based on."""

    elements: dict[str, Any]
    default_id: str | None
    levels_by_style: dict[str, int]
    # numbering id -> list level -> left indent (twips) of that level
    level_indents: dict[str, dict[int, int]] = field(default_factory=dict)
    _facts: dict[str, _StyleFacts] = field(default_factory=dict)

    def numbering_indent(self, number_id: str | None, level: int) -> int | None:
        """Given a numbering id and a list level, return the level's left indent, or None."""
        if number_id is None:
            return None
        return self.level_indents.get(number_id, {}).get(level)

    def facts(self, style_id: str | None) -> _StyleFacts:
        """Given a paragraph's style id (None: the default style), return what it says."""
        style_id = style_id or self.default_id
        if style_id is None:
            return _StyleFacts()
        known = self._facts.get(style_id)
        if known is None:
            known = self._resolve(style_id)
            self._facts[style_id] = known
        return known

    def _resolve(self, style_id: str) -> _StyleFacts:
        heading: int | None = None
        numbered: bool | None = None
        level: int | None = None
        number_id: str | None = None
        indent: int | None = None
        toc = False
        seen: set[str] = set()
        current: str | None = style_id
        while current is not None and current not in seen and current in self.elements:
            seen.add(current)
            element = self.elements[current]
            name = _value(element, "name") or ""
            p_pr = element.find(_W + "pPr")
            outline = _value(p_pr, "outlineLvl")
            if heading is None and outline is not None and outline.isdigit() and int(outline) < 9:
                heading = int(outline) + 1
            if heading is None and (match := _HEADING_NAME.fullmatch(name)):
                heading = int(match.group(1))
            if heading is None and name.lower() == "title":
                heading = 1
            toc = toc or bool(_TOC_NAME.match(name))
            style_numbered, style_level, style_number_id = _numbering(p_pr)
            if numbered is None:
                numbered, number_id = style_numbered, style_number_id
            if level is None:
                level = style_level
            if indent is None:
                indent = _left_indent(p_pr)
            current = _value(element, "basedOn")
        if numbered and level is None:
            level = self.levels_by_style.get(style_id)
        return _StyleFacts(heading, bool(numbered), level, toc, number_id, indent)


def _load_styles(document: Any) -> _Styles:
    """Given a python-docx document, index its paragraph styles and the list levels its
    numbering definitions give to styles ('List Bullet 2' is level 1 of its list)."""
    elements: dict[str, Any] = {}
    default_id = None
    for style in document.styles.element.findall(_W + "style"):
        if style.get(_W + "type") != "paragraph":
            continue
        style_id = style.get(_W + "styleId")
        if style_id:
            elements[style_id] = style
            if style.get(_W + "default") in {"1", "true", "on"}:
                default_id = style_id
    levels: dict[str, int] = {}
    level_indents: dict[str, dict[int, int]] = {}
    try:
        numbering = document.part.numbering_part.element
    except (KeyError, NotImplementedError, AttributeError):
        numbering = None
    if numbering is not None:
        abstract_indents: dict[str, dict[int, int]] = {}
        for abstract in numbering.findall(_W + "abstractNum"):
            indents = abstract_indents.setdefault(abstract.get(_W + "abstractNumId") or "", {})
            for level in abstract.findall(_W + "lvl"):
                style_id = _value(level, "pStyle")
                number = level.get(_W + "ilvl")
                if not (number and number.isdigit()):
                    continue
                if style_id:
                    levels.setdefault(style_id, int(number))
                left = _left_indent(level.find(_W + "pPr"))
                if left is not None:
                    indents[int(number)] = left
        for number in numbering.findall(_W + "num"):
            abstract_id = _value(number, "abstractNumId") or ""
            level_indents[number.get(_W + "numId") or ""] = abstract_indents.get(abstract_id, {})
    return _Styles(elements, default_id, levels, level_indents)


def paragraph_text(paragraph: Any) -> str:
    """Given a w:p element, return its text: runs, hyperlinks, insertions and field results, a
    line break as '\\n', a tab as a space; deletions, field codes and text boxes left out."""
    parts: list[str] = []

    def collect(element: Any) -> None:
        for child in element:
            tag = child.tag
            if not isinstance(tag, str) or tag in _NOT_TEXT:
                continue
            if tag == _W + "t":
                parts.append(child.text or "")
            elif tag in {_W + "tab", _W + "ptab"}:
                parts.append(" ")
            elif tag in {_W + "br", _W + "cr"}:
                parts.append("\n")
            elif tag == _W + "noBreakHyphen":
                parts.append("-")
            else:
                collect(child)

    collect(paragraph)
    return "".join(parts)


def _body_blocks(container: Any) -> Iterator[Any]:
    """Given the body (or a content control's content), yield its paragraphs and tables in
    order, leaving out a content control that holds Word's table of contents."""
    for child in container:
        tag = child.tag
        if tag in {_W + "p", _W + "tbl"}:
            yield child
        elif tag == _W + "sdt":
            gallery = child.find(f"{_W}sdtPr/{_W}docPartObj/{_W}docPartGallery")
            if gallery is not None and "contents" in (gallery.get(_W + "val") or "").lower():
                continue
            content = child.find(_W + "sdtContent")
            if content is not None:
                yield from _body_blocks(content)
        elif tag == _W + "customXml":
            yield from _body_blocks(child)


def _cells(row: Any) -> list[Any]:
    """Given a w:tr, return its cells (also those inside content controls)."""
    cells = []
    for child in row:
        if child.tag == _W + "tc":
            cells.append(child)
        elif child.tag == _W + "sdt":
            content = child.find(_W + "sdtContent")
            if content is not None:
                cells.extend(_cells(content))
    return cells


@dataclass
class _LineWriter:
    """Reads the body's blocks into `KeptLine`s."""

    styles: _Styles
    lines: list[KeptLine] = field(default_factory=list)
    # Left indents of the list items open above the current one: Word's "List Bullet 2" is a
    # list of its own, at level 0, nested only by its larger indent.
    open_indents: list[int] = field(default_factory=list)

    def paragraph_facts(self, paragraph: Any) -> tuple[_StyleFacts, int | None]:
        """Given a w:p, return its style's facts overridden by its own, and its list level
        (None: not a list item)."""
        p_pr = paragraph.find(_W + "pPr")
        facts = self.styles.facts(_value(p_pr, "pStyle"))
        heading = facts.heading_level
        outline = _value(p_pr, "outlineLvl")
        if outline is not None and outline.isdigit():
            heading = int(outline) + 1 if int(outline) < 9 else None
        numbered, level, number_id = _numbering(p_pr)
        if numbered is None:
            numbered, number_id = facts.numbered, facts.number_id
        level = (level if level is not None else facts.list_level) or 0
        # Word takes the indent from the paragraph, else its list level, else its style.
        indent = _left_indent(p_pr)
        if indent is None:
            indent = self.styles.numbering_indent(number_id, level)
        if indent is None:
            indent = facts.indent
        facts = _StyleFacts(heading, numbered, level, facts.table_of_contents, number_id, indent)
        return facts, (level if numbered else None)

    def nesting(self, facts: _StyleFacts, list_level: int) -> int:
        """Given a list item's facts and list level, return how deep it is nested under the
        items just above it: its level, or deeper when it is indented past them."""
        indent = facts.indent if facts.indent is not None else list_level * 720
        while self.open_indents and self.open_indents[-1] > indent:
            self.open_indents.pop()
        if not self.open_indents or self.open_indents[-1] < indent:
            self.open_indents.append(indent)
        return max(list_level, len(self.open_indents) - 1)

    def paragraph(self, paragraph: Any, element: str) -> None:
        """Given a w:p and its path, write its lines."""
        facts, list_level = self.paragraph_facts(paragraph)
        if facts.table_of_contents:
            return
        text = paragraph_text(paragraph)
        if list_level is None:
            self.open_indents.clear()
        if facts.heading_level is not None:
            self.lines.append(KeptLine(" ".join(text.split()), element, heading=True))
            return
        if list_level is not None:
            list_level = self.nesting(facts, list_level)
        indent = "  " * list_level if list_level is not None else ""
        marker = "- " if list_level is not None else ""
        for line in text.split("\n"):
            line = " ".join(line.split())
            if line:
                self.lines.append(KeptLine(indent + marker + line, element))
                marker = ""

    def blocks(self, container: Any, path: str) -> None:
        """Given the body or a layout table's cell, and its path, write the lines of its
        paragraphs and tables."""
        paragraphs = tables = 0
        for block in _body_blocks(container):
            if block.tag == _W + "p":
                paragraphs += 1
                self.paragraph(block, f"{path} > p:nth-of-type({paragraphs})")
            else:
                tables += 1
                self.table(block, f"{path} > tbl:nth-of-type({tables})")

    def cell_text(self, cell: Any) -> str:
        """Given a data table's cell, return its text on one line: paragraphs joined by a space,
        list items by '; '."""
        pieces: list[tuple[str, bool]] = []
        for block in _body_blocks(cell):
            if block.tag != _W + "p":
                continue
            text = " ".join(paragraph_text(block).split())
            if text:
                pieces.append((text, self.paragraph_facts(block)[1] is not None))
        out = ""
        for index, (text, item) in enumerate(pieces):
            if index:
                out += "; " if item or pieces[index - 1][1] else " "
            out += text
        return out

    def table(self, table: Any, path: str) -> None:
        """Given a w:tbl and its path, write a line per row, or read a layout table's cells as
        blocks."""
        self.open_indents.clear()
        rows = table.findall(_W + "tr")
        cells = [_cells(row) for row in rows]
        layout = (
            not rows or max(len(row) for row in cells) < 2 or table.find(f".//{_W}tbl") is not None
        )
        for number, row_cells in enumerate(cells, start=1):
            row_path = f"{path} > tr:nth-of-type({number})"
            if layout:
                for index, cell in enumerate(row_cells, start=1):
                    self.blocks(cell, f"{row_path} > tc:nth-of-type({index})")
                continue
            texts = [self.cell_text(cell) for cell in row_cells]
            if any(texts):
                self.lines.append(KeptLine("\t".join(texts), row_path))


def check_docx_bytes(data: bytes, source: str) -> None:
    """Raise `InputError` when a .docx file's bytes are not a Word document's zip package: an
    encrypted document, an old binary .doc, or anything else."""
    if data.startswith(_OLE_SIGNATURE):
        if _ENCRYPTED_STREAM in data:
            raise InputError(
                source,
                "is a password-protected (encrypted) Word document",
                "Open it in Word, remove the password (File > Info > Protect Document > "
                "Encrypt with Password) and save it again as .docx.",
            )
        raise InputError(
            source,
            "is named .docx but is an OLE compound file, not a .docx package (an old Word "
            "97-2003 .doc renamed, or a protected document)",
            "Open it in Word and save it as a Word Document (.docx).",
        )
    if not data.startswith(_ZIP_SIGNATURES):
        raise InputError(
            source,
            f"is named {Path(source).suffix or '.docx'} but is not a Word document (it is not "
            "a zip archive: it does not start with 'PK')",
            "Give the brochure's .docx file, or rename a plain-text brochure to .txt.",
        )


def open_document(data: bytes, source: str, settings: Settings) -> Any:
    """Given a .docx file's bytes, return the python-docx document; a damaged package, another
    kind of Office file or an XML part larger than `max_file_bytes` is an `InputError`."""
    import docx

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            members = package.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise InputError(
            source,
            f"is a damaged zip archive, not a readable Word document ({error})",
            "Open it in Word and save it again, or export it again.",
        ) from error
    names = {member.filename for member in members}
    if "[Content_Types].xml" not in names or not any(n.startswith("word/") for n in names):
        raise InputError(
            source,
            "is a zip archive but not a Word document (it has no word/ part)",
            "Give the brochure's .docx file.",
        )
    unpacked = sum(
        member.file_size for member in members if member.filename.endswith((".xml", ".rels"))
    )
    if unpacked > settings.max_file_bytes:
        raise InputError(
            source,
            f"unpacks to {unpacked:,} bytes of XML, over the limit of {settings.max_file_bytes:,}",
            "Raise max_file_bytes in the settings.",
        )
    try:
        return docx.Document(io.BytesIO(data))
    except Exception as error:  # python-docx and lxml raise many kinds for a broken package
        reason = (str(error).strip().splitlines() or [type(error).__name__])[0]
        raise InputError(
            source,
            f"could not be read as a Word document ({reason})",
            "Open it in Word and save it again as a Word Document (.docx).",
        ) from error


def docx_lines(document: Any) -> list[KeptLine]:
    """Given a python-docx document, return its kept lines, body paragraphs and tables in
    order."""
    writer = _LineWriter(_load_styles(document))
    writer.blocks(document.element.body, "body")
    return writer.lines


def read_docx_source(path: Path, settings: Settings) -> SourceText:
    """Given a Word document, read its body into a `SourceText`: format 'docx', one line per
    block, headings as emphasised lines, each line's element path."""
    source = str(path)
    data = read_brochure_bytes(path, settings)
    check_docx_bytes(data, source)
    document = open_document(data, source, settings)
    return structured_source(
        source,
        data,
        docx_lines(document),
        format="docx",
        encoding="docx",
        newline="lf",
        no_text=NoText(
            "has no text in its paragraphs and tables (text in text boxes, headers, footers "
            "or images is not read)",
            "Give a Word document with the brochure's text in its body.",
        ),
    )
