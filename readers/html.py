"""Reading an HTML page into the kept text: its main content, one block per line, with the page's
furniture (navigation, banners, sidebars, tables of contents) left out by its structure.

The page is parsed with selectolax (the Lexbor HTML5 parser), so it is read as a browser reads
it: entities decoded, unclosed tags closed, comments, scripts and styles apart from the text.
Then, in order (`html_lines`):

1. `drop_never_read`: what a reader never sees: scripts, styles, templates, media, form
   controls, the head, hidden elements (processing instructions such as PHP's `<?php ... ?>` are
   cut out before parsing);
2. `drop_landmark_furniture`: the landmarks that are never content: `nav`, `aside`, the page's
   own `header` and `footer`, the ARIA navigation, banner, search, menu and dialog roles, consent
   banners;
3. `find_content_root`: the `main` element (or `role="main"`) holding the most text, else the
   body, where `drop_side_columns` removes the columns beside the main column that are mostly
   links (sidebars, tag clouds);
4. `drop_tables_of_contents`: lists made only of links to anchors of the page ("On this page")
   and heading permalinks ("#", "¶"); then every container that lost most of its text to these
   steps and keeps only a label's few words ("On this page", "Categories") goes too;
5. `_LineWriter`: the blocks left, one `KeptLine` each: headings, paragraphs, list items as
   "- item" (two spaces of indent per nesting level), table rows with their cells separated by a
   TAB, definition terms and descriptions, a `<br>` starting a new line.

The document's `<title>` is the first line, as front matter's title is for Markdown.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from selectolax.lexbor import LexborHTMLParser, LexborNode

from readers.source import (
    KeptLine,
    NoText,
    check_is_text,
    decode_text,
    detect_newline,
    read_brochure_bytes,
    structured_source,
)
from schemas import ExtractionWarning, InputError, Settings
from schemas.document import SourceText

# Never read: code, embedded media, form controls, the document head.
_IGNORED_TAGS = frozenset(
    {
        "script", "style", "noscript", "template", "svg", "math", "iframe", "frame", "frameset",
        "object", "embed", "applet", "canvas", "video", "audio", "map", "button", "input",
        "select", "option", "optgroup", "datalist", "textarea", "output", "progress", "meter",
        "label", "dialog", "head", "meta", "link", "base",
    }
)  # fmt: skip
# Block-level elements: each starts and ends a line. Every other element is read inline.
_BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "body", "caption", "center", "dd",
        "details", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer",
        "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "html", "legend",
        "li", "listing", "main", "menu", "nav", "ol", "p", "pre", "section", "summary", "table",
        "tbody", "td", "tfoot", "th", "thead", "tr", "ul", "xmp", "search", "noframes",
    }
)  # fmt: skip
_HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_LIST_TAGS = frozenset({"ul", "ol", "menu", "dir"})
# Elements whose presence among a container's children means the container holds content
# itself, not columns of other containers.
_CONTENT_TAGS = _HEADING_TAGS | _LIST_TAGS | {"p", "table", "dl", "blockquote", "pre", "figure"}
# Landmarks that are never a page's content, by element and by ARIA role.
_FURNITURE_TAGS = frozenset({"nav", "aside", "search"})
_FURNITURE_ROLES = frozenset(
    {
        "navigation", "banner", "contentinfo", "complementary", "search", "dialog",
        "alertdialog", "menu", "menubar", "toolbar",
    }
)  # fmt: skip
# A header or footer inside one of these belongs to it (an article's title, a section's
# footer); elsewhere it is the page's banner or footer.
_SECTIONING = frozenset({"article", "aside", "main", "nav", "section"})
# Consent banners carry no landmark role; their naming convention is the only sign of them.
_CONSENT_NAME = re.compile(r"cookie|consent|gdpr", re.IGNORECASE)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_WORD = re.compile(r"\w")
_SIMPLE_ID = re.compile(r"[A-Za-z][\w-]*")
# Processing instructions (PHP's "<?php ... ?>", an XML declaration): server code, not text.
# An HTML parser would end one at its first ">", leaking the rest as text.
_PROCESSING_INSTRUCTION = re.compile(r"<\?.*?(?:\?>|\Z)", re.DOTALL)
# At least one tag: what makes bytes an HTML page rather than plain text.
_TAG = re.compile(r"<(?:!doctype|!--|/?[a-z][a-z0-9-]*)(?:\s|/?>)", re.IGNORECASE)
_META_CHARSET = re.compile(
    rb"<meta\s[^>]*?charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.IGNORECASE
)
_XML_ENCODING = re.compile(rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9_.:-]+)")
# The share of a block's text in links above which it is a list of links, not prose.
_LINK_DENSE = 0.5
# A container that lost at least half of its text as furniture and keeps at most this many
# words ("On this page", "Section navigation") is furniture too.
_LABEL_WORDS = 5
# Deeper than this, an element's text is read as one paragraph (no stack overflow on hostile
# nesting).
_MAX_DEPTH = 200


@dataclass(frozen=True)
class HtmlText:
    """A page's kept lines, and whether its body held any text before furniture was removed."""

    lines: list[KeptLine]
    had_text: bool


# --- bytes to markup ------------------------------------------------------------------------


def declared_encoding(data: bytes) -> str | None:
    """Given an HTML page's bytes, return the Python codec its `<meta charset>` (or XML
    declaration) names, mapped as browsers map it, or None when it declares none we know."""
    head = data[:4096]
    match = _XML_ENCODING.match(head) or _META_CHARSET.search(head)
    if match is None:
        return None
    try:
        name = codecs.lookup(match.group(1).decode("ascii")).name
    except LookupError:
        return None
    # The HTML standard reads these labels as windows-1252, and a UTF-16 label found by an
    # ASCII scan as UTF-8 (the scan could not have read real UTF-16).
    if name in {"latin-1", "iso8859-1", "ascii"}:
        return "cp1252"
    if name.startswith("utf-16") or name.startswith("utf-32"):
        return "utf-8"
    return name


def decode_html(data: bytes, source: str) -> tuple[str, str, list[ExtractionWarning]]:
    """Given an HTML page's bytes, return its markup, the encoding used and any warnings: a
    byte-order mark first, then the declared charset, else the encoding detected as for text."""
    declared = declared_encoding(data)
    has_bom = data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    if declared is not None and not has_bom:
        try:
            return data.decode(declared), declared, []
        except UnicodeDecodeError as error:
            warning = ExtractionWarning(
                code="encoding_guessed",
                message=f"{source}: declares charset {declared} but byte {error.start} is "
                "not valid in it; the encoding was detected instead",
            )
        markup, encoding, warnings = _decode_detected(data, source)
        return markup, encoding, [warning, *warnings]
    return _decode_detected(data, source)


def _decode_detected(data: bytes, source: str) -> tuple[str, str, list[ExtractionWarning]]:
    try:
        return decode_text(data, source)
    except InputError as error:
        raise _not_html(source, error.problem) from error


def _not_html(source: str, why: str) -> InputError:
    return InputError(
        source,
        f"is named {Path(source).suffix or '.html'} but is not an HTML page: {why}",
        "Give the page's HTML source (saved from the browser as 'HTML only'), or rename a "
        "plain-text brochure to .txt.",
    )


def check_is_html(markup: str, source: str) -> None:
    """Raise `InputError` when decoded bytes are empty, binary noise or text without any tag."""
    try:
        check_is_text(markup, source)
    except InputError as error:
        if "empty" in error.problem or "white space" in error.problem:
            raise
        raise _not_html(source, error.problem) from error
    if _TAG.search(markup) is None:
        raise _not_html(source, "it holds no HTML tag")


# --- furniture ------------------------------------------------------------------------------


def _elements(node: LexborNode) -> Iterator[LexborNode]:
    """Given a node, yield its element children."""
    for child in node.iter(include_text=False):
        if child.is_element_node:
            yield child


def _size(text: str) -> int:
    """Given text, return how many characters it holds besides white space."""
    return sum(map(len, text.split()))


def _text_size(node: LexborNode) -> int:
    """Given a node, return how many characters its text holds besides white space."""
    return _size(node.text(deep=True) or "")


def _link_size(node: LexborNode) -> int:
    """Given a node, return how many word characters of its text stand in links."""
    links = node.css("a")
    if node.tag == "a":
        links = [node]
    return sum(_text_size(link) for link in links)


def _is_hidden(node: LexborNode) -> bool:
    attributes = node.attributes
    if "hidden" in attributes or attributes.get("aria-hidden") == "true":
        return True
    style = attributes.get("style")
    return bool(style and _HIDDEN_STYLE.search(style))


def _is_landmark_furniture(node: LexborNode) -> bool:
    """Given an element, decide whether it is a landmark that is never the page's content."""
    tag = node.tag
    attributes = node.attributes
    role = (attributes.get("role") or "").strip().lower()
    if tag in _FURNITURE_TAGS or role in _FURNITURE_ROLES or attributes.get("aria-modal"):
        return True
    if tag in {"header", "footer"}:
        parent = node.parent
        while parent is not None and parent.tag not in {"body", "html"}:
            if parent.tag in _SECTIONING or (parent.attributes.get("role") or "") == "main":
                return False
            parent = parent.parent
        return True
    naming = " ".join(
        value or "" for key, value in attributes.items() if key in {"id", "class", "aria-label"}
    )
    return bool(naming and _CONSENT_NAME.search(naming))


def _outermost(nodes: Iterable[LexborNode]) -> list[LexborNode]:
    """Given nodes in document order, keep those not inside another of them."""
    chosen: set[int] = set()
    kept: list[LexborNode] = []
    for node in nodes:
        parent = node.parent
        inside = False
        while parent is not None:
            if parent.mem_id in chosen:
                inside = True
                break
            parent = parent.parent
        if not inside:
            chosen.add(node.mem_id)
            kept.append(node)
    return kept


@dataclass
class _Removal:
    """Nodes removed as furniture, with the ancestors that lost text through them."""

    root: LexborNode
    original_size: dict[int, int] = field(default_factory=dict)
    ancestors: dict[int, LexborNode] = field(default_factory=dict)
    removed: int = 0

    def remove(self, nodes: Iterable[LexborNode], track: bool = True) -> None:
        """Given nodes in document order, remove the outermost ones; with `track`, note their
        ancestors' text size before the removal (what is never read is removed untracked: a
        script's code is no text a container loses)."""
        for node in _outermost(nodes):
            parent = node.parent
            while track and parent is not None and parent.mem_id != self.root.mem_id:
                if parent.mem_id not in self.original_size:
                    self.original_size[parent.mem_id] = _text_size(parent)
                    self.ancestors[parent.mem_id] = parent
                parent = parent.parent
            node.decompose()
            self.removed += 1

    def prune_emptied_containers(self) -> None:
        """Remove the containers that lost at least half of their text to the removals and keep
        no more than a label's few words."""
        emptied = []
        for mem_id, node in self.ancestors.items():
            before = self.original_size[mem_id]
            text = node.text(deep=True) or ""
            after = _size(text)
            if after * 2 <= before and len(text.split()) <= _LABEL_WORDS:
                emptied.append(node)
        # Document order is not known here; an ancestor is always noted before its
        # descendants' removal completes, so outermost-first holds by sorting on depth.
        emptied.sort(key=_depth)
        if emptied:
            self.ancestors = {}
            self.remove(emptied)


def _depth(node: LexborNode) -> int:
    depth = 0
    parent = node.parent
    while parent is not None:
        depth += 1
        parent = parent.parent
    return depth


def drop_never_read(tree: LexborHTMLParser, removal: _Removal) -> None:
    """Given a parsed page, remove what a reader never sees: code, media, form controls, the
    head, and hidden elements."""
    removal.remove(tree.css(",".join(sorted(_IGNORED_TAGS))), track=False)
    body = tree.body
    if body is not None:
        removal.remove(
            (node for node in body.traverse(include_text=False) if _is_hidden(node)),
            track=False,
        )


def drop_landmark_furniture(body: LexborNode, removal: _Removal) -> None:
    """Given a page's body, remove the landmarks that are never content: navigation, asides,
    the page's banner and footer, search, dialogs, consent banners."""
    removal.remove(
        node
        for node in body.traverse(include_text=False)
        if node.is_element_node and node.mem_id != body.mem_id and _is_landmark_furniture(node)
    )


def find_content_root(tree: LexborHTMLParser, body: LexborNode) -> LexborNode:
    """Given a page without its furniture, return the element holding its content: the `main`
    element with the most text, else the body."""
    sized = [
        (_text_size(node), index, node) for index, node in enumerate(tree.css("main, [role=main]"))
    ]
    sized = [candidate for candidate in sized if candidate[0] > 0]
    if sized:
        return max(sized, key=lambda candidate: (candidate[0], -candidate[1]))[2]
    return body


def drop_side_columns(root: LexborNode, removal: _Removal) -> None:
    """Given a page's body (a page without `main`), descend through the layout containers into
    the column holding most of the prose, and remove the columns beside it that are mostly
    links: sidebars, menus, tag clouds."""
    node = root
    for _ in range(_MAX_DEPTH):
        children = list(_elements(node))
        if not children or any(child.tag in _CONTENT_TAGS for child in children):
            return
        if any(
            child.is_text_node and _WORD.search(child.text_content or "")
            for child in node.iter(include_text=True)
        ):
            return  # text of its own: this is content, not a layout container
        prose = [_text_size(child) - _link_size(child) for child in children]
        total = sum(prose)
        best = max(range(len(children)), key=prose.__getitem__)
        if total <= 0 or prose[best] * 2 < total:
            return
        beside = []
        for index, child in enumerate(children):
            size = _text_size(child)
            if index != best and size and _link_size(child) >= _LINK_DENSE * size:
                beside.append(child)
        keep = children[best]
        removal.remove(beside)
        node = keep


def _in_page_link(node: LexborNode) -> bool:
    return (node.attributes.get("href") or "").startswith("#")


def drop_tables_of_contents(root: LexborNode, removal: _Removal) -> None:
    """Given the content, remove lists made only of links to anchors of the same page, and the
    permalinks headings carry ('#', '¶')."""
    contents = []
    for listing in root.css("ul, ol"):
        links = listing.css("a")
        if (
            len(links) >= 2
            and all(_in_page_link(link) for link in links)
            and sum(_text_size(link) for link in links) >= 0.9 * _text_size(listing)
        ):
            contents.append(listing)
    removal.remove(contents)
    removal.remove(
        (link for link in root.css("a[href^='#']") if not _WORD.search(link.text(deep=True) or "")),
        track=False,
    )


# --- blocks to lines ------------------------------------------------------------------------


class _PathNamer:
    """Names elements by a CSS-like path: 'body > main > section:nth-of-type(2) > h2', starting
    from the nearest ancestor with an id ('section#team > table > tbody > tr:nth-of-type(3)')."""

    def __init__(self) -> None:
        self._positions: dict[int, dict[int, str]] = {}
        self._paths: dict[int, str] = {}

    def _step(self, node: LexborNode) -> str:
        parent = node.parent
        tag = node.tag or "?"
        if parent is None:
            return tag
        positions = self._positions.get(parent.mem_id)
        if positions is None:
            counts: dict[str, int] = {}
            order: list[tuple[int, str]] = []
            for child in _elements(parent):
                child_tag = child.tag or "?"
                counts[child_tag] = counts.get(child_tag, 0) + 1
                order.append((child.mem_id, child_tag))
            seen: dict[str, int] = {}
            positions = {}
            for mem_id, child_tag in order:
                seen[child_tag] = seen.get(child_tag, 0) + 1
                positions[mem_id] = (
                    f"{child_tag}:nth-of-type({seen[child_tag]})"
                    if counts[child_tag] > 1
                    else child_tag
                )
            self._positions[parent.mem_id] = positions
        return positions.get(node.mem_id, tag)

    def path(self, node: LexborNode) -> str:
        """Given an element, return its path."""
        # Climb to the nearest ancestor already named (or with an id, or the root), then name
        # the elements on the way back down from its path: each element is named once.
        pending: list[LexborNode] = []
        current: LexborNode | None = node
        prefix = ""
        while current is not None:
            known = self._paths.get(current.mem_id)
            if known is not None:
                prefix = known
                break
            if current.tag in {"html", None}:
                break
            identifier = current.attributes.get("id")
            if identifier and _SIMPLE_ID.fullmatch(identifier):
                prefix = f"{current.tag}#{identifier}"
                self._paths[current.mem_id] = prefix
                break
            pending.append(current)
            current = current.parent
        for element in reversed(pending):
            step = self._step(element)
            prefix = f"{prefix} > {step}" if prefix else step
            self._paths[element.mem_id] = prefix
        return prefix


def _collapse(text: str) -> str:
    return " ".join(text.split())


_ITEM_BOUNDARY = "\x00"


def inline_text(node: LexborNode, item_separator: str = " ") -> str:
    """Given an element, return its text on one line: a `<br>` or a block boundary is a space,
    a boundary between list items `item_separator`."""
    parts: list[str] = []

    def collect(current: LexborNode, depth: int) -> None:
        for child in current.iter(include_text=True):
            if child.is_text_node:
                parts.append(child.text_content or "")
            elif not child.is_element_node or child.tag in _IGNORED_TAGS:
                continue
            elif child.tag == "br" or depth > _MAX_DEPTH:
                parts.append(" " if child.tag == "br" else child.text(deep=True) or "")
            elif child.tag == "li":
                parts.append(_ITEM_BOUNDARY)
                collect(child, depth + 1)
                parts.append(_ITEM_BOUNDARY)
            elif child.tag in _BLOCK_TAGS:
                parts.append(" ")
                collect(child, depth + 1)
                parts.append(" ")
            else:
                collect(child, depth + 1)

    collect(node, 0)
    pieces = (_collapse(piece) for piece in "".join(parts).split(_ITEM_BOUNDARY))
    return item_separator.join(piece for piece in pieces if piece)


def _is_layout_table(table: LexborNode, rows: list[list[LexborNode]]) -> bool:
    """Given a table and its rows of cells, decide whether it lays out blocks rather than
    holding data: a presentation role, a table or heading inside it, or one column."""
    role = (table.attributes.get("role") or "").lower()
    if role in {"presentation", "none"} or not rows:
        return True
    if max(len(cells) for cells in rows) < 2:
        return True
    return any(
        cell.css_first("table, h1, h2, h3, h4, h5, h6") is not None
        for cells in rows
        for cell in cells
    )


def _table_rows(table: LexborNode) -> tuple[list[LexborNode], list[list[LexborNode]]]:
    """Given a table, return its rows (not those of tables inside it) and each row's cells."""
    rows: list[LexborNode] = []
    for child in _elements(table):
        if child.tag == "tr":
            rows.append(child)
        elif child.tag in {"thead", "tbody", "tfoot"}:
            rows.extend(row for row in _elements(child) if row.tag == "tr")
    cells = [[cell for cell in _elements(row) if cell.tag in {"td", "th"}] for row in rows]
    return rows, cells


@dataclass
class _LineWriter:
    """Walks the content's blocks, writing one `KeptLine` per heading, paragraph, list item
    line and table row."""

    namer: _PathNamer = field(default_factory=_PathNamer)
    lines: list[KeptLine] = field(default_factory=list)
    buffer: list[str] = field(default_factory=list)
    blocks: list[LexborNode] = field(default_factory=list)
    list_depth: int = 0
    item_pending: bool = False
    last_heading: LexborNode | None = None

    def _prefix(self) -> str:
        if self.list_depth == 0:
            return ""
        indent = "  " * (self.list_depth - 1)
        if self.item_pending:
            self.item_pending = False
            return indent + "- "
        return indent

    def emit(
        self, text: str, element: LexborNode, heading: bool = False, cells: bool = False
    ) -> None:
        """Given a line's text and its element, write it (nothing for an empty text) with its
        white space collapsed; with `cells`, the text is a table row whose TABs stay."""
        text = "\t".join(_collapse(cell) for cell in text.split("\t")) if cells else _collapse(text)
        if not text.strip():
            return
        if heading and self._opens_inner_container(element):
            # The heading just above stands outside the container this one opens: it heads a
            # group of such containers ("EU projects" above the projects' cards).
            self.lines[-1] = replace(self.lines[-1], heads_group=True)
        self.last_heading = element if heading else None
        self.lines.append(
            KeptLine(self._prefix() + text, self.namer.path(element), heading=heading)
        )

    def _opens_inner_container(self, heading: LexborNode) -> bool:
        """Given a heading, decide whether it follows another heading at once from inside a
        container that one does not stand in."""
        previous = self.last_heading
        if previous is None or not self.lines or not self.lines[-1].heading:
            return False
        parent, previous_parent = heading.parent, previous.parent
        return (
            parent is not None
            and previous_parent is not None
            and parent.mem_id != previous_parent.mem_id
        )

    def flush(self) -> None:
        """Write the inline text gathered so far as a line of the innermost open block."""
        if self.buffer:
            text = "".join(self.buffer)
            self.buffer.clear()
            if self.blocks:
                self.emit(text, self.blocks[-1])

    def walk(self, node: LexborNode, depth: int = 0) -> None:
        """Given an element, write the lines of its content."""
        for child in node.iter(include_text=True):
            if child.is_text_node:
                self.buffer.append(child.text_content or "")
                continue
            if not child.is_element_node:
                continue  # comments
            tag = child.tag or ""
            if tag in _IGNORED_TAGS:
                continue
            if tag == "br":
                self.flush()
            elif tag in _HEADING_TAGS or child.attributes.get("role") == "heading":
                self.flush()
                self.emit(inline_text(child), child, heading=True)
            elif depth > _MAX_DEPTH:
                self.flush()
                self.emit(child.text(deep=True) or "", child)
            elif tag == "table":
                self.flush()
                self._table(child, depth)
            elif tag == "pre":
                self.flush()
                for line in (child.text(deep=True) or "").split("\n"):
                    self.emit(line.replace("\t", " "), child)
            elif tag in _BLOCK_TAGS:
                self._block(child, depth)
            else:
                self.walk(child, depth + 1)

    def _block(self, node: LexborNode, depth: int) -> None:
        self.flush()
        tag = node.tag
        if tag in _LIST_TAGS:
            self.list_depth += 1
        elif tag == "li":
            self.item_pending = True
        self.blocks.append(node)
        self.walk(node, depth + 1)
        self.flush()
        self.blocks.pop()
        if tag in _LIST_TAGS:
            self.list_depth -= 1
        elif tag == "li":
            self.item_pending = False

    def _table(self, table: LexborNode, depth: int) -> None:
        rows, cells = _table_rows(table)
        if _is_layout_table(table, cells):
            self._block(table, depth)
            return
        caption = table.css_first("caption")
        if caption is not None:
            self.emit(inline_text(caption), caption)
        for row, row_cells in zip(rows, cells, strict=True):
            texts = [inline_text(cell, item_separator="; ") for cell in row_cells]
            if any(texts):
                self.emit("\t".join(texts), row, cells=True)


def html_lines(markup: str, remove_furniture: bool = True) -> HtmlText:
    """Given HTML markup, return its kept lines: the `<title>`, then the content's blocks; with
    `remove_furniture`, the page's furniture left out (a fragment, as Markdown renders, keeps
    everything it holds but what is never read)."""
    tree = LexborHTMLParser(_PROCESSING_INSTRUCTION.sub("", markup))
    body = tree.body
    if body is None:
        return HtmlText([], False)
    title_node = tree.css_first("head > title") if remove_furniture else None
    title = inline_text(title_node) if title_node is not None else ""
    removal = _Removal(body)
    drop_never_read(tree, removal)
    had_text = _text_size(body) > 0
    root = body
    if remove_furniture:
        drop_landmark_furniture(body, removal)
        root = find_content_root(tree, body)
        removal.root = root
        if root.mem_id == body.mem_id:
            drop_side_columns(root, removal)
        drop_tables_of_contents(root, removal)
        removal.prune_emptied_containers()
    writer = _LineWriter()
    writer.blocks.append(root)
    writer.walk(root)
    writer.flush()
    lines = writer.lines
    if title and not (lines and _collapse(lines[0].text).casefold() == title.casefold()):
        lines.insert(0, KeptLine(title, "head > title", heading=False))
    return HtmlText(lines, had_text)


def read_html_source(path: Path, settings: Settings) -> SourceText:
    """Given an HTML page, read its content into a `SourceText`: format 'html', one line per
    block, headings as emphasised lines, each line's element path."""
    source = str(path)
    data = read_brochure_bytes(path, settings)
    markup, encoding, warnings = decode_html(data, source)
    if markup.startswith("\ufeff"):
        markup = markup[1:]
    check_is_html(markup, source)
    read = html_lines(markup)
    problem = (
        "has no text once its page furniture (navigation, header, footer, sidebars, "
        "tables of contents) is left out"
        if read.had_text
        else "has no visible text (only markup, scripts or styles)"
    )
    return structured_source(
        source,
        data,
        read.lines,
        format="html",
        encoding=encoding,
        newline=detect_newline(markup),
        warnings=warnings,
        no_text=NoText(
            problem,
            "Give the page that holds the brochure's text (a page that loads its text with "
            "scripts must be saved from the browser after it has loaded).",
        ),
    )
