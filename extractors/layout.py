"""From kept text to logical units: lines classified as headings, list items or prose, with
hard-wrapped paragraphs joined back. Offsets stay those of the kept text."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

from extractors.partner_text import label_kind
from extractors.rules import Rules
from extractors.text import OPEN_END, fold, is_acronym, normalise_key
from schemas.partner_words import LabelKind

UnitKind = Literal[
    "text",
    "item",
    "group",
    "partners_heading",
    "role_heading",
    "beneficiary",
    "work_package",
    "field",
    "table_row",
    "furniture",
]

_SENTENCE_END = re.compile(r"[.:;!?]['\"”’)]*$")
_MIN_WRAPPED_LINES = 8
_MIN_WRAP_WIDTH = 30
_MAX_WRAP_WIDTH = 200
_WRAP_SLACK = 12
_MIN_BLOCK_WRAP_WIDTH = 60  # a block's lines below this are a list, not wrapped prose
_TITLE_WORDS = 24
_SENTENCE_START = re.compile(
    r"(?:The|This|These|Those|It|Its|Their|Our|We|They|In|An?|Each|Every|Currently|Furthermore|"
    r"Moreover|However|Through|Using|Thanks)\b"
)
_ACRONYM_END = re.compile(r"(?:\(\s*[A-Z][A-Z0-9.\-]+\s*\)|\s[-–—]\s+[A-Z][A-Z0-9.\-]+)\s*$")


@dataclass(frozen=True)
class Line:
    """One physical line of the kept text."""

    number: int
    start: int
    end: int
    text: str

    @property
    def blank(self) -> bool:
        """True when the line holds nothing but white space."""
        return not self.text.strip()


@dataclass(frozen=True)
class Unit:
    """A logical line: a heading, a list item, or a paragraph (possibly several wrapped lines)."""

    kind: UnitKind
    start: int
    end: int
    line_start: int
    line_end: int
    text: str
    marker: str | None = None
    organisation: str | None = None
    value_start: int | None = None
    blank_before: bool = False
    blank_after: bool = False
    in_list: bool = False
    last_line_length: int = 0
    forced_break: bool = False
    indent: int = 0
    label: LabelKind | None = None
    cells: tuple[tuple[int, int], ...] = ()
    number: int | None = None

    @property
    def folded(self) -> str:
        """The unit's text folded for matching (same length, same offsets)."""
        return fold(self.text)

    @property
    def ends_with_colon(self) -> bool:
        """True when the unit introduces what follows ('... include:')."""
        return self.text.rstrip().endswith(":")

    @property
    def word_count(self) -> int:
        """Number of white-space separated words."""
        return len(self.text.split())


def split_lines(text: str) -> list[Line]:
    """Given kept text, return its physical lines with their offsets."""
    lines = []
    start = 0
    for number, raw in enumerate(text.split("\n"), start=1):
        lines.append(Line(number=number, start=start, end=start + len(raw), text=raw))
        start += len(raw) + 1
    return lines


def _stripped_span(line: Line) -> tuple[int, int]:
    left = len(line.text) - len(line.text.lstrip())
    right = len(line.text.rstrip())
    return line.start + left, line.start + right


_LABEL_WORDS = 6
# A dash that may set a coordinator or lead label's value apart ('Coordinator – ALFA').
_DASH_BETWEEN = re.compile(r"\s-\s|[\u2013\u2014]")
_CARD_FIELDS = 2
_SHORT_LINE = 16
_TAB_CELLS = re.compile(r"[^\t]+")
_PIPE = re.compile(r"\s*\|\s*")
_FIELD = re.compile(r"^(?P<key>[A-ZÀ-Þ][\w&/' -]{0,30}?)\s?:\s+(?P<value>\S.*)$")


def _cells(line: Line, start: int, text: str) -> tuple[tuple[int, int], ...]:
    """Given a line, return the spans of its table cells (TAB or ' | ' separated), or ()."""
    if "\t" in text:
        spans = []
        for match in _TAB_CELLS.finditer(line.text):
            left = len(match.group()) - len(match.group().lstrip())
            right = len(match.group().rstrip())
            if right > left:
                spans.append(
                    (line.start + match.start() + left, line.start + match.start() + right)
                )
        return tuple(spans) if len(spans) >= 2 else ()
    if text.count("|") >= 2:
        spans = []
        position = 0
        for part in text.split("|"):
            stripped = part.strip()
            if stripped:
                offset = position + part.index(stripped)
                spans.append((start + offset, start + offset + len(stripped)))
            position += len(part) + 1
        return tuple(spans) if len(spans) >= 2 else ()
    return ()


def field_key(text: str) -> str | None:
    """Given a line, return the key of a 'Key: value' field line, or None."""
    match = _FIELD.match(text)
    if match is None or len(match.group("key").split()) > 4:
        return None
    return match.group("key").strip()


def is_furniture(text: str, rules: Rules) -> bool:
    """Given a line's text, decide whether it is page furniture (a table-of-contents entry with
    dot leaders, a page number)."""
    if len(text) > _SHORT_LINE and ".." not in text and ". ." not in text:
        return False  # neither dot leaders nor a bare page number
    return any(pattern.match(text) for pattern in rules.furniture)


def classify_line(
    line: Line,
    rules: Rules,
    field_keys: frozenset[str] = frozenset(),
    blank_before: bool = False,
) -> Unit:
    """Given a non-blank line, return it as a one-line unit of the right kind; `field_keys` are
    the keys the document repeats ('Duration:' on every card)."""
    start, end = _stripped_span(line)
    text = line.text.strip()
    folded = fold(text)
    base = Unit(
        kind="text",
        start=start,
        end=end,
        line_start=line.number,
        line_end=line.number,
        text=text,
        last_line_length=len(text),
        indent=len(line.text) - len(line.text.lstrip()),
        blank_before=blank_before,
    )
    if is_furniture(folded, rules):
        return replace(base, kind="furniture")
    cells = _cells(line, start, text)
    if cells:
        return replace(base, kind="table_row", cells=cells)
    marker = rules.list_marker.match(fold(line.text))
    if marker:
        body_start = line.start + marker.end()
        body = line.text[marker.end() :].strip()
        item = replace(
            base, kind="item", start=body_start, text=body, marker=marker.group("marker")
        )
        label = match_label(body, fold(body), rules)
        if label is not None and label[1] is not None:
            # "- Coordinator: X" in a list of a project's fields: the label and its value.
            return replace(
                item, kind="partners_heading", label=label[0], value_start=body_start + label[1]
            )
        return _work_package(item, rules) or item
    if rules.group_heading.match(folded) and text[:1].isupper():
        return replace(base, kind="group")
    if rules.partner_heading.match(folded):
        return replace(base, kind="partners_heading", label="partners")
    label = match_label(text, folded, rules)
    if label is not None:
        kind, value_start = label
        return replace(
            base,
            kind="partners_heading",
            label=kind,
            value_start=None if value_start is None else start + value_start,
        )
    package = _work_package(base, rules)
    if package is not None:
        return package
    role = rules.role_heading.match(folded)
    inline = None
    if role is None and rules.role_heading_inline is not None and text[:1].isupper():
        role = inline = rules.role_heading_inline.match(folded)
    if role:
        organisation = next(
            (
                value
                for key, value in role.groupdict().items()
                if key.startswith("organisation") and value
            ),
            None,
        )
        return replace(
            base,
            kind="role_heading",
            organisation=organisation.strip().rstrip(":") if organisation else None,
            value_start=start + inline.start("value") if inline else None,
        )
    if rules.beneficiary_heading is not None:
        beneficiary = rules.beneficiary_heading.match(folded)
        if beneficiary:
            return replace(base, kind="beneficiary", value_start=start + beneficiary.start("value"))
    key = field_key(text)
    if key is not None and (
        normalise_key(key) in rules.field_keys or normalise_key(key) in field_keys
    ):
        return replace(base, kind="field", value_start=start + text.index(":") + 1)
    return base


def match_label(text: str, folded: str, rules: Rules) -> tuple[LabelKind, int | None] | None:
    """Given a line, return the kind of partner label it is and where its value starts when it
    carries one after a colon ('Lead partner: IAL FVG') or a dash ('Coordinator – ALFA'), or
    None. Labels are capitalised."""
    if not text[:1].isupper() or rules.partner_words is None:
        return None
    colon = text.find(":")
    head = text[:colon] if colon >= 0 else text
    if len(head.split()) > _LABEL_WORDS and (colon >= 0 or not _DASH_BETWEEN.search(text)):
        return None  # too long for a label, and no dash a lead label's value could follow
    match = label_kind(text, rules.partner_words)
    if match is None:
        return None
    if match.dashed:
        head = text[: match.label_span[1]]
    if len(head.split()) > _LABEL_WORDS:
        return None  # a label is a few words, its value after a colon (or a lead label's dash)
    value = match.value_span[0] if match.value_span else None
    return match.kind, value  # type: ignore[return-value]


def estimate_wrap_width(lines: list[Line]) -> int | None:
    """Given a document's lines, return the width it was hard-wrapped at, or None if it was not.

    A hard-wrapped text has many lines ending just below one width and almost none just above it
    (titles and list items may run longer); a text whose paragraphs each stand on one line has
    long lines of every length, and a run of short lines (names one to a line) among them is no
    width when the lines running far past it are half as many as those ending near it.
    """
    lengths = [len(line.text.rstrip()) for line in lines]
    lengths = [length for length in lengths if length >= _MIN_WRAP_WIDTH]
    if len(lengths) < _MIN_WRAPPED_LINES:
        return None
    # Lines per length, and running totals, so each window count is one subtraction.
    counts = [0] * (_MAX_WRAP_WIDTH + 1)
    for length in lengths:
        if length <= _MAX_WRAP_WIDTH:
            counts[length] += 1
    running = [0]
    for count in counts:
        running.append(running[-1] + count)

    def window(width: int) -> int:
        return running[width + 1] - running[max(0, width - _WRAP_SLACK)]

    densest = max(
        range(_MIN_WRAP_WIDTH, _MAX_WRAP_WIDTH + 1), key=lambda width: (window(width), -width)
    )
    if window(densest) < 0.3 * len(lengths):
        return None
    width = max(length for length in range(densest + 1) if counts[length])
    if 2 * sum(length > width + _WRAP_SLACK for length in lengths) >= window(densest):
        return None  # paragraphs run far past it: a column of short lines, not a wrap width
    return width


def mask_wrapped_newlines(text: str, units: list[Unit]) -> str:
    """Given text and its units, return it with the newlines inside each unit as spaces.

    Matchers then see a wrapped paragraph as one run of words ('Czech Republic' across a line
    break); the length, and so every offset, is unchanged.
    """
    pieces = []
    position = 0
    for unit in units:
        if unit.line_end > unit.line_start and unit.start >= position:
            pieces.append(text[position : unit.start])
            pieces.append(text[unit.start : unit.end].replace("\n", " "))
            position = unit.end
    pieces.append(text[position:])
    return "".join(pieces)


def block_wrap_widths(lines: list[Line]) -> list[int | None]:
    """Given a document's lines, return for each the width its block was hard-wrapped at, or None.

    A document whose paragraphs mostly stand on one line has no wrap width of its own, yet one
    block may be wrapped (a PDF's boxed paragraph): three or more lines in a row, all but the last
    long and within `_WRAP_SLACK` characters of each other."""
    widths: list[int | None] = [None] * len(lines)
    index = 0
    while index < len(lines):
        end = index
        while not lines[index].blank and end + 1 < len(lines) and not lines[end + 1].blank:
            end += 1
        lengths = [len(line.text.rstrip()) for line in lines[index:end]]  # all but the last
        if (
            len(lengths) >= 2
            and min(lengths) >= _MIN_BLOCK_WRAP_WIDTH
            and max(lengths) - min(lengths) <= _WRAP_SLACK
        ):
            widths[index : end + 1] = [max(lengths)] * (end - index + 1)
        index = end + 1
    return widths


def _is_full(length: int, next_word: str, width: int) -> bool:
    """True when a line of `length` had no room left for `next_word`: the break was forced."""
    return width - len(next_word) - 1 < length <= width


def _looks_like_title(line: Line, following: Line | None, wrap_width: int | None) -> bool:
    """A short line that does not end a sentence, followed by more text: a title, not a tail."""
    text = line.text.strip()
    return (
        following is not None
        and not following.blank
        and (wrap_width is None or not _is_full(len(text), following.text.split()[0], wrap_width))
        and len(text.split()) <= _TITLE_WORDS
        and text[:1].isupper()
        and not _SENTENCE_END.search(text)
        and not text.endswith(",")
    )


def _continues(
    previous: Unit, line: Line, following: Line | None, rules: Rules, wrap_width: int | None
) -> bool:
    """Decide whether `line` (a prose line) is a hard-wrapped continuation of the unit before it.

    Two rules. In a hard-wrapped text, the line before was full: the first word of `line` would
    not have fitted on it. In any text, a line starting in lower case continues a long line that
    does not end a sentence (a paragraph wrapped by an editor or a copy from a PDF).
    """
    stripped = line.text.strip()
    if previous.kind not in ("text", "item", "beneficiary", "field") or not stripped:
        return False
    if previous.kind == "item" and previous.marker is not None and line.text[:1].isspace():
        return True
    single_line = previous.line_start == previous.line_end
    if single_line and _ACRONYM_END.search(previous.text) and not stripped[0].islower():
        return False  # "... (DISSEM)" above a new sentence: a title line, whatever its length
    if not _SENTENCE_END.search(previous.text) and _SENTENCE_START.match(stripped):
        return False  # no sentence goes on with a capitalised "The" or "This": a new block
    introduces = previous.text.rstrip().endswith(":")
    if wrap_width is not None and _is_full(
        previous.last_line_length, stripped.split()[0], wrap_width
    ):
        if introduces:
            # "...talents:" may end a full line mid-paragraph; the list items after a real
            # introduction are short lines, a paragraph's next line is full again.
            following_word = following.text.split()[0] if following and not following.blank else ""
            return bool(following_word) and _is_full(
                len(line.text.rstrip()), following_word, wrap_width
            )
        ends_sentence = bool(_SENTENCE_END.search(previous.text))
        if not (ends_sentence and _looks_like_title(line, following, wrap_width)):
            return True
    if introduces or (previous.in_list and previous.marker is None):
        return False
    min_length = rules.patterns.layout.wrap_min_previous_length
    first_letter = next((char for char in stripped if char.isalpha()), "")
    return (
        (stripped[0].islower() or (stripped[0] in "([" and first_letter.islower()))
        and previous.last_line_length >= min_length
        and not _SENTENCE_END.search(previous.text)
    )


def _join(previous: Unit, line: Line, kept_text: str) -> Unit:
    _, end = _stripped_span(line)
    # Newlines inside a joined unit read as spaces; the offsets stay those of the kept text.
    joined = kept_text[previous.start : end].replace("\n", " ")
    return replace(
        previous,
        end=end,
        line_end=line.number,
        text=joined,
        last_line_length=len(line.text.strip()),
        forced_break=False,
    )


_GLOSS = re.compile(r"^\(.*\)$")
_REPEATED_MIN = 3
_TITLE_HALF = 30  # a title wrapped near its middle: each half is at least this long
_REPEATED_MAX_WORDS = 10
_FURNITURE_RUN = 3  # the most short lines in a row around a running header or footer


def _short_heading_like(text: str) -> bool:
    letter = next((char for char in text if char.isalpha()), "")
    return (
        bool(text)
        and len(text.split()) <= _REPEATED_MAX_WORDS
        and not letter.islower()
        and not _SENTENCE_END.search(text)
    )


def repeated_lines(lines: list[Line]) -> frozenset[str]:
    """Given a document's lines, return the texts of the short lines it repeats at least three
    times, most times beside a blank line or another such line, and not inside a run of more than
    three short lines: running headers and footers left in an extracted text (a heading repeated
    above each block, 'Tasks', has its block below; a table's names, one to a line, run longer)."""
    texts = [line.text.strip() for line in lines]
    short = [_short_heading_like(text) for text in texts]
    counts: dict[str, int] = {}
    for text, is_short in zip(texts, short, strict=True):
        if is_short:
            counts[text] = counts.get(text, 0) + 1
    repeated = {text for text, count in counts.items() if count >= _REPEATED_MIN}
    if not repeated:
        return frozenset()
    # The length of the run of short lines each line stands in.
    runs = [0] * len(lines)
    index = 0
    while index < len(lines):
        end = index
        while short[index] and end + 1 < len(lines) and short[end + 1]:
            end += 1
        for position in range(index, end + 1):
            runs[position] = end - index + 1 if short[index] else 0
        index = end + 1
    framed: dict[str, int] = {}
    for index, text in enumerate(texts):
        if text not in repeated or runs[index] > _FURNITURE_RUN:
            continue
        beside = [texts[n] for n in (index - 1, index + 1) if 0 <= n < len(lines)]
        if not beside or any(not other or other in repeated for other in beside):
            framed[text] = framed.get(text, 0) + 1
    return frozenset(text for text in repeated if framed.get(text, 0) * 2 > counts[text])


def repeated_field_keys(lines: list[Line]) -> frozenset[str]:
    """Given a document's lines, return the keys of 'Key: value' lines that it uses at least
    twice: the fields of a card layout ('Duration:', 'Link:')."""
    counts: dict[str, int] = {}
    for line in lines:
        key = field_key(line.text.strip())
        if key is not None:
            folded = normalise_key(key)
            counts[folded] = counts.get(folded, 0) + 1
    repeated = frozenset(key for key, count in counts.items() if count >= 2)
    # Cards have several fields ("Duration:", "Link:"); one repeated "Key:" is a headline's
    # kicker ("Borghi digitali: ...") repeated in a related-article link.
    return repeated if len(repeated) >= _CARD_FIELDS else frozenset()


def _continues_title(
    previous: Unit, line: Line, following: Line | None, wrap_width: int | None
) -> bool:
    """Decide whether `line` continues a title wrapped onto two lines: the first half ends on a
    small word ('... Sustainable and'), or the second starts in lower case and is short, or both
    halves are capitalised title lines and a paragraph follows the second."""
    stripped = line.text.strip()
    if previous.kind != "text" or previous.line_start != previous.line_end or not stripped:
        return False
    text = previous.text
    if not text[:1].isupper() or _SENTENCE_END.search(text) or text.endswith(","):
        return False
    if len(text.split()) + len(stripped.split()) > _TITLE_WORDS:
        return False
    if _SENTENCE_END.search(stripped) and not stripped.endswith(")"):
        return False
    if len(text) < _TITLE_HALF or _ACRONYM_END.search(text):
        return False
    if OPEN_END.search(text) or (stripped[0].islower() and len(stripped) < 60):
        return True
    paragraph_follows = (
        following is not None
        and not following.blank
        and (len(following.text.split()) >= 8 or following.text.rstrip().endswith("."))
    )
    full = wrap_width is not None and len(stripped) > wrap_width - _WRAP_SLACK
    return (
        paragraph_follows
        and not full
        and stripped[:1].isupper()
        and not _SENTENCE_START.match(stripped)
        and len(stripped.split()) <= 12
        and "," not in stripped
        and not OPEN_END.search(stripped)
        and not stripped.endswith(":")
    )


def _acronym_above_title(previous: Unit, line: Line, following: Line | None, rules: Rules) -> bool:
    """Decide whether `line` is the full title under a project's acronym standing alone on the
    line before ('SEAFARM' above 'Sustainable Aquaculture Farming in the Adriatic'), the two
    set apart from what follows: one title line, whose acronym is its first line. The full
    title has three words or more and starts with the acronym's first letter, so two names in
    a row ('5THYPE' above 'Datrix', 'CNR' above 'University of Valverde') stay apart."""
    stripped = line.text.strip()
    acronym = previous.text
    if previous.kind != "text" or previous.line_start != previous.line_end or " " in acronym:
        return False
    if not is_acronym(acronym) or normalise_key(acronym) in rules.generic_headings:
        return False
    if not stripped[:1].isupper() or _SENTENCE_END.search(stripped) or stripped.endswith(","):
        return False
    words = stripped.split()
    if _SENTENCE_START.match(stripped) or not _FULL_TITLE_WORDS <= len(words) <= _TITLE_WORDS:
        return False
    initial = next((char for char in acronym if char.isalpha()), "")
    if initial.casefold() != stripped[:1].casefold():
        return False
    return (
        following is None
        or following.blank
        or len(following.text.split()) >= _PARAGRAPH_WORDS // 2
        or following.text.rstrip().endswith(".")
    )


_PARAGRAPH_WORDS = 20
_FULL_TITLE_WORDS = 3
_HEADING_WORDS = 8


def _ends_unmarked_list(unit: Unit, following: Line | None) -> bool:
    """An unmarked list (lines after '... concern:') ends at a short line that heads a long
    paragraph (a title above its description)."""
    return (
        unit.word_count <= _HEADING_WORDS
        and ":" not in unit.text
        and not _SENTENCE_END.search(unit.text)
        and following is not None
        and not following.blank
        and len(following.text.split()) >= _PARAGRAPH_WORDS
        and unit.text[:1].isupper()
    )


def _work_package(unit: Unit, rules: Rules) -> Unit | None:
    """Given a line's unit (a list item's: its text after the marker), return it as a work
    package heading ('WP2: Title', '- WP2 Field trials') when it is one, else None."""
    folded = fold(unit.text)
    for pattern in rules.work_package_headings:
        package = pattern.match(folded)
        if package:
            return replace(
                unit,
                kind="work_package",
                number=int(package.group("number")),
                value_start=unit.start + package.start("title"),
            )
    return None


def _one_element(elements: Sequence[str], first: int, second: int) -> bool:
    """Given each line's element and two 1-based line numbers, say whether both lines come
    from the same element."""
    if first > len(elements) or second > len(elements):
        return False
    return elements[first - 1] == elements[second - 1]


def _joins(
    previous: Unit,
    unit: Unit,
    line: Line,
    following: Line | None,
    rules: Rules,
    wrap_width: int | None,
    elements: Sequence[str] | None,
) -> bool:
    """Decide whether a text line (`unit`, classified) goes on the unit right above it, with no
    blank line between: a paragraph or title broken over lines, or an item's gloss, within one
    element of a structured document (`elements`, see `build_units`); or, across elements too,
    the full title under its acronym."""
    within = elements is None or _one_element(elements, previous.line_end, line.number)
    return (
        within
        and (
            _continues(previous, line, following, rules, wrap_width)
            or (previous.kind == "item" and bool(_GLOSS.match(unit.text)))
            or _continues_title(previous, line, following, wrap_width)
        )
    ) or _acronym_above_title(previous, line, following, rules)  # may be two elements


def build_units(text: str, rules: Rules, *, elements: Sequence[str] | None = None) -> list[Unit]:
    """Given kept text, return its logical units in order (blank lines only mark `blank_before`
    and `blank_after`; page furniture is kept as units of kind 'furniture').

    `elements`: for a structured document (a web page, Markdown or Word file), the element each
    line came from (index 0 is line 1), its reader having put every block on a line of its own.
    Then no line is read as a paragraph broken at a width, and a line continues the one before
    only when both come from one element (a heading broken by `<br>`): a heading is never joined
    to the paragraph below it, nor a list entry to the heading after it. Without it (plain text,
    PDFs) a paragraph may be broken over lines anywhere.
    """
    lines = split_lines(text)
    document_width = estimate_wrap_width(lines) if elements is None else None
    block_widths = block_wrap_widths(lines) if elements is None and document_width is None else None
    repeated = repeated_lines(lines)
    field_keys = repeated_field_keys(lines)
    units: list[Unit] = []
    blank_before = True
    in_unmarked_list = False
    for index, line in enumerate(lines):
        wrap_width = document_width if block_widths is None else block_widths[index]
        if line.blank:
            blank_before = True
            in_unmarked_list = False
            if units:
                units[-1] = replace(units[-1], blank_after=True)
            continue
        unit = classify_line(line, rules, field_keys, blank_before)
        if unit.kind == "text" and unit.text in repeated:
            unit = replace(unit, kind="furniture")
        if unit.kind == "furniture":
            units.append(unit)
            continue
        following = lines[index + 1] if index + 1 < len(lines) else None
        previous = next((u for u in reversed(units) if u.kind != "furniture"), None)
        if (
            unit.kind == "text"
            and previous is not None
            and previous is units[-1]
            and not blank_before
            and _joins(previous, unit, line, following, rules, wrap_width, elements)
        ):
            units[-1] = _join(previous, line, text)
            continue
        if (
            unit.kind == "text"
            and wrap_width is not None
            and following is not None
            and not following.blank
            and _is_full(len(unit.text), following.text.split()[0], wrap_width)
            and not _ACRONYM_END.search(unit.text)
            and (
                not following.text.strip()[:1].isupper()
                or bool(OPEN_END.search(unit.text))
                or unit.text.endswith(",")
            )
        ):
            unit = replace(unit, forced_break=True)
        if unit.kind != "text" or in_unmarked_list and _ends_unmarked_list(unit, following):
            in_unmarked_list = False
        elif in_unmarked_list:
            unit = replace(unit, kind="item", in_list=True)
        units.append(unit)
        if unit.kind == "text" and unit.ends_with_colon:
            in_unmarked_list = True
        blank_before = False
    return units
