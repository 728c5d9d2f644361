"""Reading a PDF brochure into the kept text the pipeline reads, one logical line per title,
heading, list item and paragraph, as in a plain-text brochure.

pdfplumber's words, once per page -> rows -> running headers and footers dropped -> columns found
from the words' positions -> lines per column -> paragraphs rebuilt across lines, columns and
pages -> kept text with the offset where each page starts and the lines set in a larger or bold
font (evidence for titles).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import math
import re
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfplumber.utils.exceptions import PdfminerException

from extractors.rules import Rules, load_rules
from extractors.text import fold
from readers.source import read_brochure_bytes
from schemas import ExtractionWarning, InputError, Settings
from schemas.document import SourceText

Break = Literal["join", "line", "blank"]

PDF_MAGIC = b"%PDF-"
PDF_END = b"%%EOF"
# The header may follow a little junk; the end marker may be followed by a little junk.
MAGIC_WINDOW = 1024
END_WINDOW = 4096

_BOLD_FONT = re.compile(r"bold|black|heavy|semibold|demibold|extrabold|ultrabold", re.IGNORECASE)
_DIGITS = re.compile(r"\d+")
_SPACES = re.compile(r"\s+")
_HYPHEN_END = re.compile(r"[^\W_][-\u00ad\u2010]$")
_SENTENCE_END = re.compile(r"[.!?;:]['\"”’)]*$")
_COMPOUND = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)+")
_LEADING_WORD = re.compile(r"[^\W\d_]+")
_TRAILING_WORD = re.compile(r"([^\W\d_]+)[-\u2010]$")
_SYMBOL_FONT = re.compile(r"dingbats|wingdings|symbol", re.IGNORECASE)
# Bullets set in a symbol font come out as that font's codes (ZapfDingbats 'l' is a disc; Word's
# Symbol bullets are private-use characters): read them as the bullet glyphs they show.
SYMBOL_BULLETS = {"l": "●", "n": "■", "\uf06c": "●", "\uf06e": "■", "\uf0b7": "•", "\uf0a7": "▪"}

# Rows at the top and at the bottom of a page that may be running headers or footers.
EDGE_ROWS = 2
# A running line repeats on at least this share of the pages with text (and on two pages).
RUNNING_SHARE = 0.4
# Words are read as one when pdfplumber split them only at a change of font (no visible gap).
JOIN_GAP = 0.1
# A column with this many lines ending near its right edge shows where that edge is.
WRAPPED_LINES_FOR_EDGE = 3


@dataclass(frozen=True)
class Word:
    """One word as pdfplumber reports it: text, box in points from the page's top-left, font."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool = False

    @property
    def middle(self) -> float:
        """The word's vertical middle."""
        return (self.top + self.bottom) / 2


@dataclass(frozen=True)
class Frame:
    """One column's text on one page: its extent, how many of its lines end near its right edge
    (wrapped lines show where the edge is), and the right edge the page's margins allow."""

    left: float
    right: float
    wrapped_lines: int = 0
    margin_right: float = 0.0


@dataclass(frozen=True)
class TextLine:
    """One line of one column of one page, with the edges of its column (for indents and fill).

    `segment` numbers the page's columns in reading order; `column_top` is where text usually
    starts in this column, set on the first line of a column at the top of a page.
    """

    page: int
    segment: int
    words: tuple[Word, ...]
    left: float
    right: float
    emphasised: bool = False
    column_top: float | None = None

    @cached_property
    def text(self) -> str:
        """The line's words, one space apart (none where a word was split at a font change)."""
        parts = [self.words[0].text]
        for previous, word in zip(self.words, self.words[1:], strict=False):
            if word.x0 - previous.x1 >= JOIN_GAP * word.size:
                parts.append(" ")
            parts.append(word.text)
        return "".join(parts)

    @property
    def x0(self) -> float:
        """Left edge of the first word."""
        return self.words[0].x0

    @property
    def x1(self) -> float:
        """Right edge of the last word."""
        return self.words[-1].x1

    @cached_property
    def top(self) -> float:
        """Top of the highest word."""
        return min(word.top for word in self.words)

    @cached_property
    def bottom(self) -> float:
        """Bottom of the lowest word."""
        return max(word.bottom for word in self.words)

    @property
    def indent(self) -> float:
        """Distance from the column's left edge to the first word."""
        return self.x0 - self.left

    @cached_property
    def size(self) -> float:
        """The font size most of the line's characters are set in."""
        return dominant_style(self.words)[0]


@dataclass(frozen=True)
class Metrics:
    """The document's typography, measured from its lines: what counts as a normal line gap,
    a paragraph gap and a blank line, how wide a space is, how far an indent goes."""

    body_size: float
    line_gap: float
    space_ratio: float

    @property
    def paragraph_space(self) -> float:
        """Extra white space between two lines from which they are two paragraphs."""
        return max(1.0, 0.15 * self.body_size)

    @property
    def blank_space(self) -> float:
        """Extra white space from which a blank line stands between two lines (most of a line)."""
        return 0.8 * (self.body_size + self.line_gap)

    @property
    def indent_step(self) -> float:
        """Smallest shift to the right that counts as an indent."""
        return 0.3 * self.body_size


@dataclass(frozen=True)
class LaidOut:
    """The kept text of a PDF with the offset where each page starts and its emphasised lines."""

    text: str
    page_starts: tuple[int, ...]
    emphasised_lines: frozenset[int]


# --- words ---------------------------------------------------------------------------------------


def is_bold_font(fontname: str) -> bool:
    """Given a PDF font name ('ABCDEF+Arial-BoldMT'), say whether it is a bold face."""
    return bool(_BOLD_FONT.search(fontname.rpartition("+")[2]))


def words_from_pdfplumber(raw: Iterable[dict[str, Any]]) -> list[Word]:
    """Given pdfplumber's word dicts (with `fontname` and `size`), return the upright ones as
    `Word`s, bullets from symbol fonts read as bullet glyphs."""
    bold: dict[str, bool] = {}
    words = []
    for item in raw:
        if not item.get("upright", True):
            continue
        fontname = str(item.get("fontname", ""))
        if fontname not in bold:
            bold[fontname] = is_bold_font(fontname)
        text = item["text"]
        if text in SYMBOL_BULLETS and (not text.isascii() or _SYMBOL_FONT.search(fontname)):
            text = SYMBOL_BULLETS[text]
        words.append(
            Word(
                text=text,
                x0=float(item["x0"]),
                x1=float(item["x1"]),
                top=float(item["top"]),
                bottom=float(item["bottom"]),
                size=float(item.get("size") or item["bottom"] - item["top"]),
                bold=bold[fontname],
            )
        )
    return words


def group_rows(words: Iterable[Word]) -> list[tuple[Word, ...]]:
    """Given words, group them into rows top to bottom (a word joins a row when its vertical
    middle lies within the band of the row's first word), each row sorted left to right."""
    rows: list[list[Word]] = []
    for word in sorted(words, key=lambda item: (item.top, item.x0)):
        if rows and rows[-1][0].top <= word.middle <= rows[-1][0].bottom:
            rows[-1].append(word)
        else:
            rows.append([word])
    return [tuple(sorted(row, key=lambda item: item.x0)) for row in rows]


def row_text(row: Sequence[Word]) -> str:
    """Given a row, return its words joined by spaces."""
    return " ".join(word.text for word in row)


def dominant_style(words: Iterable[Word]) -> tuple[float, bool]:
    """Given words, return the (size, bold) that most of their characters are set in."""
    counts: Counter[tuple[float, bool]] = Counter()
    for word in words:
        counts[(round(word.size, 1), word.bold)] += len(word.text)
    return counts.most_common(1)[0][0] if counts else (0.0, False)


def is_emphasised(line: Sequence[Word], body: tuple[float, bool]) -> bool:
    """Given a line's words and the page's body style, say whether the line is set apart: in a
    font at least 15% larger than the body, or bold where the body is not."""
    size, bold = dominant_style(line)
    body_size, body_bold = body
    return size >= 1.15 * body_size or (bold and not body_bold)


# --- running headers and footers -----------------------------------------------------------------


def running_key(text: str) -> str:
    """Given a row's text, return the key it is compared by across pages: digits as '#'
    ('Page 3' and 'Page 12' are one footer), case and spacing ignored."""
    return _SPACES.sub(" ", _DIGITS.sub("#", text)).strip().casefold()


def find_running_rows(
    pages: Sequence[Sequence[Sequence[Word]]], tolerance: float = 3.0
) -> set[tuple[int, int]]:
    """Given each page's rows, return the (page index, row index) of running headers and footers:
    rows among the first or last `EDGE_ROWS` of a page whose text (digits normalised) repeats at
    the same height on at least `RUNNING_SHARE` of the pages with text, and on two at least."""
    with_text = sum(1 for rows in pages if rows)
    needed = max(2, math.ceil(RUNNING_SHARE * with_text))
    candidates: dict[str, list[tuple[float, int, int]]] = defaultdict(list)
    for page_index, rows in enumerate(pages):
        edge = {*range(min(EDGE_ROWS, len(rows))), *range(max(0, len(rows) - EDGE_ROWS), len(rows))}
        for row_index in sorted(edge):
            row = rows[row_index]
            candidates[running_key(row_text(row))].append((row[0].top, page_index, row_index))
    running: set[tuple[int, int]] = set()
    for places in candidates.values():
        if len(places) < needed:
            continue
        places.sort()
        cluster: list[tuple[float, int, int]] = []
        for place in [*places, (math.inf, -1, -1)]:
            if cluster and place[0] - cluster[0][0] > tolerance:
                if len({page for _, page, _ in cluster}) >= needed:
                    running.update((page, row) for _, page, row in cluster)
                cluster = []
            cluster.append(place)
    return running


# --- columns -------------------------------------------------------------------------------------


def _crosses(row: Sequence[Word], low: float, high: float) -> bool:
    return any(word.x0 < high and word.x1 > low for word in row)


def coverage(words: Sequence[Word]) -> list[tuple[float, float, int]]:
    """Given words, return how many of them cover each stretch of x, as (start, end, count)
    stretches from the leftmost word to the rightmost."""
    events = sorted([(word.x0, 1) for word in words] + [(word.x1, -1) for word in words])
    stretches = []
    count = 0
    for (x, step), (following, _) in zip(events, events[1:], strict=False):
        count += step
        if following > x:
            stretches.append((x, following, count))
    return stretches


def low_coverage_runs(
    stretches: Sequence[tuple[float, float, int]], tolerance: int
) -> list[tuple[float, float]]:
    """Given coverage stretches, return the cores of the runs covered at most `tolerance` times:
    in each run, the widest stretch at the run's lowest count."""
    runs: list[list[tuple[float, float, int]]] = [[]]
    for stretch in stretches:
        if stretch[2] <= tolerance:
            runs[-1].append(stretch)
        elif runs[-1]:
            runs.append([])
    cores = []
    for run in runs:
        if not run:
            continue
        lowest = min(count for _, _, count in run)
        best: tuple[float, float] | None = None
        start: float | None = None
        for x0, x1, count in [*run, (math.inf, math.inf, lowest + 1)]:
            if count == lowest:
                start = x0 if start is None else start
                end = x1
                continue
            if start is not None and (best is None or end - start > best[1] - best[0]):
                best = (start, end)
            start = None
        if best is not None:
            cores.append(best)
    return cores


def gutter_at(
    rows: Sequence[Sequence[Word]], split: float, min_width: float
) -> tuple[float, float] | None:
    """Given a page's rows and an x where columns may meet, return the gutter there: from the
    right end of the text on the left to the leftmost x where two rows on the right start (a
    column's left edge); None without two rows on the left and such an edge on the right, or
    when they are closer than `min_width`."""
    left_ends: list[float] = []
    right_starts: list[float] = []
    for row in rows:
        before = [word for word in row if word.x1 <= split]
        after = [word for word in row if word.x0 >= split]
        if len(before) + len(after) < len(row):
            continue  # a word straddles the split: the row crosses it
        if before and after and after[0].x0 - before[-1].x1 < min_width:
            continue  # only a word space at the split: the row crosses it
        if before:
            left_ends.append(before[-1].x1)
        if after:
            right_starts.append(after[0].x0)
    aligned = [x for x in right_starts if sum(abs(x - other) <= 1 for other in right_starts) >= 2]
    if len(left_ends) < 2 or not aligned:
        return None
    low, high = max(left_ends), min(aligned)
    if high - low < min_width:
        return None
    return low, high


def find_gutter(rows: Sequence[Sequence[Word]], min_width: float) -> tuple[float, float] | None:
    """Given a page's rows, return the gutter between two columns: a strip in the middle 60% of
    the text that few rows' words reach (a quarter of the rows may cross it, as a heading over
    the columns does); of several, the one fewest rows cross, then the widest. None for a
    single column."""
    words = [word for row in rows for word in row]
    if len(rows) < 4:
        return None
    left = min(word.x0 for word in words)
    right = max(word.x1 for word in words)
    tolerance = len(rows) // 4
    candidates: list[tuple[int, float, tuple[float, float]]] = []
    for low, high in low_coverage_runs(coverage(words), tolerance):
        split = (low + high) / 2
        if not left + 0.2 * (right - left) <= split <= left + 0.8 * (right - left):
            continue
        gutter = gutter_at(rows, split, min_width)
        if gutter is None:
            continue
        crossing = sum(1 for row in rows if _crosses(row, *gutter))
        if crossing <= tolerance:
            candidates.append((crossing, gutter[0] - gutter[1], gutter))
    return min(candidates)[2] if candidates else None


def find_gutters(rows: Sequence[Sequence[Word]], min_width: float) -> list[tuple[float, float]]:
    """Given a page's rows, return every gutter between its columns, left to right (a gutter
    found splits the page, and each side is searched again: three columns have two gutters)."""
    gutter = find_gutter(rows, min_width)
    if gutter is None:
        return []
    low, high = gutter
    sides = []
    for keep in (lambda word: word.x1 <= low, lambda word: word.x0 >= high):
        side = [tuple(word for word in row if keep(word)) for row in rows]
        sides.append(find_gutters([row for row in side if row], min_width))
    return [*sides[0], gutter, *sides[1]]


def split_segments(
    rows: Sequence[Sequence[Word]], gutters: Sequence[tuple[float, float]]
) -> list[tuple[list[Word], bool]]:
    """Given a page's rows and gutters, return its text in reading order as segments of words,
    each with whether it is a band across the columns: rows that cross a gutter (a heading over
    the columns) read as one band, and the rows between such bands column by column."""
    if not gutters:
        return [([word for row in rows for word in row], False)] if rows else []
    bounds = [(-math.inf, gutters[0][0])]
    bounds += [(gutters[i][1], gutters[i + 1][0]) for i in range(len(gutters) - 1)]
    bounds.append((gutters[-1][1], math.inf))
    segments: list[tuple[list[Word], bool]] = []
    block: list[Sequence[Word]] = []
    band: list[Word] = []
    for row in [*rows, ()]:
        crossing = bool(row) and any(_crosses(row, low, high) for low, high in gutters)
        if band and not crossing:
            segments.append((band, True))
            band = []
        if block and (crossing or not row):
            for low, high in bounds:
                column = [
                    word for line in block for word in line if low <= (word.x0 + word.x1) / 2 < high
                ]
                if column:
                    segments.append((column, False))
            block = []
        if crossing:
            band.extend(row)
        elif row:
            block.append(row)
    return segments


def measure_frame(lines: Sequence[Sequence[Word]], margin_right: float, size: float) -> Frame:
    """Given a column's lines on a page and the right edge its page's margins allow, return its
    `Frame` (lines ending within two ems of the rightmost one count as wrapped)."""
    right = max(line[-1].x1 for line in lines)
    return Frame(
        left=min(line[0].x0 for line in lines),
        right=right,
        wrapped_lines=sum(1 for line in lines if line[-1].x1 >= right - 2 * size),
        margin_right=max(margin_right, right),
    )


def resolve_frames(frames: Sequence[Frame], tolerance: float) -> list[tuple[float, float]]:
    """Given each column's frame on each page, return its (left, right) edges. A column takes
    the edges of the narrowest column with wrapped lines that starts where it does and holds it,
    so a page of short lines is not read as full; with no such column, its own left edge and the
    right edge its page's margins allow."""
    reliable = [frame for frame in frames if frame.wrapped_lines >= WRAPPED_LINES_FOR_EDGE]
    clusters: list[Frame] = []
    for frame in sorted(reliable, key=lambda item: (item.left, item.right)):
        for index, cluster in enumerate(clusters):
            if (
                abs(cluster.left - frame.left) <= tolerance
                and abs(cluster.right - frame.right) <= 3 * tolerance
            ):
                clusters[index] = replace(
                    cluster,
                    left=min(cluster.left, frame.left),
                    right=max(cluster.right, frame.right),
                )
                break
        else:
            clusters.append(frame)
    edges = []
    for frame in frames:
        holding = [
            cluster
            for cluster in clusters
            if abs(cluster.left - frame.left) <= 2 * tolerance and cluster.right >= frame.right - 1
        ]
        if holding:
            narrowest = min(holding, key=lambda cluster: cluster.right)
            edges.append((min(frame.left, narrowest.left), narrowest.right))
        else:
            edges.append((frame.left, frame.margin_right))
    return edges


# --- paragraphs ----------------------------------------------------------------------------------


def hyphenated_compounds(texts: Iterable[str]) -> frozenset[str]:
    """Given the document's lines, return the hyphenated word pairs written inside a line
    ('twins-enabled'), casefolded: a line-end hyphen before such a pair is kept."""
    pairs: set[str] = set()
    for text in texts:
        for compound in _COMPOUND.findall(text):
            parts = compound.casefold().split("-")
            pairs.update(f"{a}-{b}" for a, b in zip(parts, parts[1:], strict=False))
    return frozenset(pairs)


def repeats_hyphen(head: str, tail: str) -> bool:
    """Given a line and the one that continues it, say whether the second repeats the first's
    line-end hyphen, as some typesetting does for a compound ('pre-' + '-feasibility')."""
    hyphens = ("-", "\u2010")
    return (
        head.endswith(hyphens)
        and bool(_HYPHEN_END.search(head))
        and tail.startswith(hyphens)
        and tail[1:2].isalpha()
    )


def join_lines(head: str, tail: str, compounds: frozenset[str] = frozenset()) -> str:
    """Given a line and the line that continues it, return them as one: a word hyphenated at the
    line end is joined ('imple-' + 'mentation'), a compound keeps its hyphen ('Emilia-' +
    'Romagna', a pair written with a hyphen elsewhere, or 'pre-' + '-feasibility' where the
    hyphen is repeated), otherwise one space between."""
    if head.endswith("\u00ad"):
        return head[:-1] + tail
    if not _HYPHEN_END.search(head):
        return f"{head} {tail}"
    if repeats_hyphen(head, tail):
        return head + tail[1:]
    if not tail[:1].isalnum():
        return f"{head} {tail}"
    before = _TRAILING_WORD.search(head)
    after = _LEADING_WORD.match(tail)
    if tail[0].islower() and not (
        before and after and f"{before.group(1)}-{after.group(0)}".casefold() in compounds
    ):
        return head[:-1] + tail
    return head + tail


def runs_to_edge(previous: TextLine, line: TextLine, metrics: Metrics) -> bool:
    """Given a line and the next one, say whether the first was filled to its column's edge:
    it ends in a hyphen, or the next line's first word would not have fitted after it."""
    if _HYPHEN_END.search(previous.text) or previous.text.endswith("\u00ad"):
        return True
    first = line.words[0]
    room = previous.right - previous.x1
    return room < metrics.space_ratio * first.size + (first.x1 - first.x0)


def vertical_extra(previous: TextLine, line: TextLine, metrics: Metrics) -> float | None:
    """Given two lines in reading order, return the white space between them beyond the normal
    line gap; at the top of a column, how far below the column's usual top the line starts;
    None across other column or page breaks, where it cannot be measured."""
    if (previous.page, previous.segment) == (line.page, line.segment):
        return line.top - previous.bottom - metrics.line_gap
    if line.column_top is not None:
        return line.top - line.column_top
    return None


def classify_break(
    previous: TextLine,
    line: TextLine,
    metrics: Metrics,
    *,
    item_indent: float | None,
    opens_item: bool,
    opens_heading: bool = False,
) -> Break:
    """Given two lines in reading order, decide whether the second continues the first's
    paragraph ('join'), starts a new line ('line') or starts one after a blank line ('blank').

    A new line starts at a change of emphasis or size, after a paragraph gap, after a line that
    stopped short of its column's edge, at a first-line indent, at a list marker, at a block
    heading of the layout rules ('Project partners'), and (across a column or page break, where
    no gap is seen) after a sentence end before a capital. A list item (`item_indent`: where its
    marker stands) continues only on lines indented past it.
    """
    extra = vertical_extra(previous, line, metrics)
    same_column = (previous.page, previous.segment) == (line.page, line.segment)
    new: Break = "blank" if extra is not None and extra >= metrics.blank_space else "line"
    if previous.emphasised != line.emphasised:
        return new
    if abs(previous.size - line.size) > 0.15 * max(previous.size, line.size):
        return new
    if same_column and extra is not None and extra > metrics.paragraph_space:
        return new
    full = runs_to_edge(previous, line, metrics)
    if item_indent is not None:
        indented = line.indent > item_indent + metrics.indent_step
        return "join" if indented and full else new
    if not full or opens_heading or (opens_item and previous.text.endswith(":")):
        return new
    if line.indent > previous.indent + metrics.indent_step:
        return new
    if not same_column and _SENTENCE_END.search(previous.text) and line.text[:1].isupper():
        return new
    return "join"


def measure(lines: Sequence[TextLine], body_size: float) -> Metrics:
    """Given the document's lines in reading order, return its typography: the usual gap between
    lines of a paragraph (the commonest gap between plain lines of one column) and the width of
    a space relative to the font size (the median gap between words)."""
    gaps: Counter[float] = Counter()
    for previous, line in zip(lines, lines[1:], strict=False):
        if (previous.page, previous.segment) != (line.page, line.segment):
            continue
        if previous.emphasised or line.emphasised:
            continue
        gap = line.top - previous.bottom
        if -0.5 * body_size < gap < 2 * body_size:
            gaps[round(gap * 2) / 2] += 1
    line_gap = min(gaps.most_common(1)[0][0], body_size) if gaps else 0.2 * body_size
    spaces = [
        (word.x0 - previous_word.x1) / word.size
        for line in lines
        for previous_word, word in zip(line.words, line.words[1:], strict=False)
        if JOIN_GAP * word.size <= word.x0 - previous_word.x1 < word.size
    ]
    space_ratio = min(max(statistics.median(spaces), 0.15), 0.6) if spaces else 0.25
    return Metrics(body_size=body_size, line_gap=max(line_gap, 0.0), space_ratio=space_ratio)


def opens_block(text: str, rules: Rules) -> tuple[bool, bool]:
    """Given a line's text, say whether it starts a list item, and whether it is by itself a
    heading of the layout rules (a group, partner or role heading, capitalised as headings are)."""
    folded = fold(text)
    heading = text[:1].isupper() and any(
        pattern.match(folded)
        for pattern in (rules.group_heading, rules.partner_heading, rules.role_heading)
    )
    return bool(rules.list_marker.match(folded)), heading


def assemble_text(
    lines: Sequence[TextLine],
    page_count: int,
    metrics: Metrics,
    rules: Rules,
) -> LaidOut:
    """Given the document's lines in reading order, return the kept text: one line per title,
    heading, list item and paragraph (wrapped lines joined, hyphenation undone, a paragraph
    split by a column or page break joined), blank lines where the layout leaves one, with the
    offset where each page starts and the 1-based numbers of emphasised lines."""
    compounds = hyphenated_compounds(line.text for line in lines)
    finished: list[str] = []
    base = 0
    current: str | None = None
    starts: list[int | None] = [None] * page_count
    emphasised: set[int] = set()
    item_indent: float | None = None
    previous: TextLine | None = None
    for line in lines:
        text = line.text
        opens_item, opens_heading = opens_block(text, rules)
        decision: Break = "line"
        if previous is not None and current is not None:
            decision = classify_break(
                previous,
                line,
                metrics,
                item_indent=item_indent,
                opens_item=opens_item,
                opens_heading=opens_heading,
            )
        kept_tail = len(text)
        if decision == "join" and current is not None:
            if repeats_hyphen(current, text):
                kept_tail -= 1
            current = join_lines(current, text, compounds)
        else:
            if current is not None:
                finished.append(current)
                base += len(current) + 1
                if decision == "blank":
                    finished.append("")
                    base += 1
            current = text
            item_indent = line.indent if opens_item else None
            if line.emphasised:
                emphasised.add(len(finished) + 1)
        if starts[line.page - 1] is None:
            # The line's text (less a repeated hyphen) ends the current line.
            starts[line.page - 1] = base + len(current) - kept_tail
        previous = line
    if current is not None:
        finished.append(current)
    kept = "\n".join(finished)
    page_starts: list[int] = []
    following = len(kept)
    for start in reversed(starts):
        following = start if start is not None else following
        page_starts.append(following)
    page_starts.reverse()
    if page_starts:
        page_starts[0] = 0
    return LaidOut(kept, tuple(page_starts), frozenset(emphasised))


# --- a whole document ----------------------------------------------------------------------------


def lay_out_pages(
    pages: Sequence[Sequence[Word]],
    rules: Rules,
    page_widths: Sequence[float] | None = None,
) -> LaidOut:
    """Given each page's words (and widths), return the document's kept text: running headers
    and footers dropped, columns read one after the other, paragraphs rebuilt."""
    all_words = [word for words in pages for word in words]
    if not all_words:
        return LaidOut("", tuple(0 for _ in pages), frozenset())
    body_size = dominant_style(all_words)[0] or 10.0
    page_rows = [group_rows(words) for words in pages]
    running = find_running_rows(page_rows)

    segments: list[tuple[int, int, list[tuple[Word, ...]], tuple[float, bool], bool]] = []
    frames: list[Frame] = []
    for page_index, rows in enumerate(page_rows):
        body_rows = [row for index, row in enumerate(rows) if (page_index, index) not in running]
        if not body_rows:
            continue
        body = dominant_style(word for row in body_rows for word in row)
        gutters = find_gutters(body_rows, min_width=max(6.0, 0.8 * body[0]))
        page_left = min(row[0].x0 for row in body_rows)
        page_right = max(row[-1].x1 for row in body_rows)
        # Without wrapped lines to show it, the right edge mirrors the left margin.
        mirrored = page_widths[page_index] - page_left if page_widths else page_right
        at_top = True
        for number, (words, is_band) in enumerate(split_segments(body_rows, gutters)):
            column_rows = group_rows(words)
            rightmost = max(row[-1].x1 for row in column_rows) >= page_right - 1
            frames.append(measure_frame(column_rows, mirrored if rightmost else 0.0, body[0]))
            # The columns of a page's first block (or a band above them) start at the top.
            segments.append((page_index + 1, number, column_rows, body, at_top))
            at_top = at_top and not is_band

    edges = resolve_frames(frames, tolerance=max(3.0, 0.5 * body_size))
    lines: list[TextLine] = []
    opens_page_column: list[bool] = []
    for (page, number, rows, body, at_top), (left, right) in zip(segments, edges, strict=True):
        for index, row in enumerate(rows):
            lines.append(
                TextLine(
                    page=page,
                    segment=number,
                    words=row,
                    left=left,
                    right=right,
                    emphasised=is_emphasised(row, body),
                )
            )
            opens_page_column.append(index == 0 and at_top)
    # A column's usual top is where most pages start it (the higher one on a tie).
    tops: dict[float, Counter[int]] = defaultdict(Counter)
    for line, opens in zip(lines, opens_page_column, strict=True):
        if opens:
            tops[line.left][round(line.top)] += 1
    usual_top = {
        left: float(max(counts.items(), key=lambda item: (item[1], -item[0]))[0])
        for left, counts in tops.items()
    }
    lines = [
        replace(line, column_top=usual_top[line.left]) if opens else line
        for line, opens in zip(lines, opens_page_column, strict=True)
    ]
    metrics = measure(lines, body_size)
    return assemble_text(lines, len(pages), metrics, rules)


# --- reading the file ----------------------------------------------------------------------------


def pages_phrase(numbers: Sequence[int]) -> str:
    """Given page numbers, return them as words: 'page 2', 'pages 2, 5 and 7'."""
    if len(numbers) == 1:
        return f"page {numbers[0]}"
    listed = ", ".join(str(number) for number in numbers[:-1])
    return f"pages {listed} and {numbers[-1]}"


def check_pdf_bytes(data: bytes, source: str) -> None:
    """Given a file's bytes, raise `InputError` when they are not a PDF or a PDF cut short."""
    if PDF_MAGIC not in data[:MAGIC_WINDOW]:
        raise InputError(
            source,
            "is named .pdf but is not a PDF (it does not start with '%PDF-')",
            "Give the brochure's PDF, or rename a plain-text brochure to .txt.",
        )
    if PDF_END not in data[-END_WINDOW:]:
        raise InputError(
            source,
            "is truncated: the PDF stops before its end-of-file marker ('%%EOF')",
            "The file is incomplete; download or export the PDF again.",
        )


def describe_pdf_error(error: BaseException) -> tuple[str, str]:
    """Given an exception raised while pdfplumber (pdfminer) read a PDF, return the problem and
    the fix to report, never a parser traceback. Running out of memory (a compressed stream that
    inflates beyond the worker's limit) is no fault of the parser: the `MemoryError` is raised
    again, for the worker pool to report the limit."""
    cause = error
    if isinstance(error, PdfminerException) and error.args:
        first = error.args[0]
        cause = first if isinstance(first, BaseException) else error
    if isinstance(cause, MemoryError):
        raise cause
    if isinstance(cause, PDFPasswordIncorrect):
        return (
            "is password-protected (encrypted); its text cannot be read without the password",
            "Save a copy without a password and give that.",
        )
    if isinstance(cause, PDFEncryptionError):
        return (
            f"is encrypted in a way that cannot be read ({cause})",
            "Save a copy without encryption and give that.",
        )
    reason = _SPACES.sub(" ", f"{type(cause).__name__}: {cause}").strip()
    if len(reason) > 160:
        reason = reason[:157] + "..."
    return (
        f"could not be parsed as a PDF ({reason})",
        "The file is damaged; export or download it again.",
    )


def _close_quietly(pdf: pdfplumber.PDF) -> None:
    """Close a PDF whatever state it is in: closing one whose page tree cannot be read raises the
    same error again, which was reported already."""
    with contextlib.suppress(Exception):
        pdf.close()


def extract_page_words(
    data: bytes, source: str, settings: Settings
) -> tuple[list[list[Word]], list[float], list[int]]:
    """Given a PDF's bytes, return each page's words (pdfplumber's `extract_words`, once per
    page), each page's width, and the pages that hold images but no text; every failure to read
    the file is an `InputError`."""
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as error:  # pdfminer raises many kinds; all mean the file cannot be read
        problem, fix = describe_pdf_error(error)
        raise InputError(source, problem, fix) from error
    try:
        try:
            page_count = len(pdf.pages)
        except Exception as error:
            problem, fix = describe_pdf_error(error)
            raise InputError(source, problem, fix) from error
        if page_count == 0:
            raise InputError(source, "has no pages", "Give a PDF with at least one page of text.")
        if page_count > settings.page_limit:
            raise InputError(
                source,
                f"has {page_count:,} pages, over the limit of {settings.page_limit:,}",
                "Raise page_limit in the settings, or split the PDF.",
            )
        pages: list[list[Word]] = []
        widths: list[float] = []
        image_only: list[int] = []
        for number, page in enumerate(pdf.pages, start=1):
            try:
                raw = page.extract_words(extra_attrs=["fontname", "size"])
                has_images = not raw and bool(page.images)
                widths.append(float(page.width))
            except Exception as error:
                problem, fix = describe_pdf_error(error)
                raise InputError(source, problem, fix, page=number) from error
            finally:
                page.close()
            words = words_from_pdfplumber(raw)
            if not words and has_images:
                image_only.append(number)
            pages.append(words)
    finally:
        _close_quietly(pdf)
    return pages, widths, image_only


def read_pdf_source(path: Path, settings: Settings, rules: Rules | None = None) -> SourceText:
    """Given a PDF brochure, read its text layer into a `SourceText`: format 'pdf', the offset
    where each page starts, and the lines set in a larger or bold font as title evidence.

    The layout rules (headings, list markers) decide where blocks start; give the pipeline's
    (`Pipeline.rules`) to spare loading them again."""
    source = str(path)
    data = read_brochure_bytes(path, settings)
    check_pdf_bytes(data, source)
    pages, widths, image_only = extract_page_words(data, source, settings)
    rules = rules if rules is not None else load_rules(settings.patterns_dir)
    laid_out = lay_out_pages(pages, rules, widths)
    if not laid_out.text.strip():
        if image_only:
            verb = "holds" if len(image_only) == 1 else "hold"
            raise InputError(
                source,
                f"has no text layer: {pages_phrase(image_only)} {verb} only images (a scan?), "
                "so OCR is needed to read it",
                "Run OCR on the PDF (for example with ocrmypdf) and give the result.",
            )
        if any(pages):
            raise InputError(
                source,
                "has no text besides its running headers and footers",
                "Give the brochure's full PDF.",
            )
        raise InputError(source, "has no text on any page", "Give a PDF with a text layer.")
    warnings = []
    if image_only:
        one = len(image_only) == 1
        warnings.append(
            ExtractionWarning(
                code="image_only_pages",
                message=f"{source}: {pages_phrase(image_only)} {'has' if one else 'have'} no "
                f"text layer (only images) and {'was' if one else 'were'} skipped; OCR is "
                f"needed to read {'it' if one else 'them'}",
            )
        )
    return SourceText(
        source=source,
        text=laid_out.text,
        sha256=hashlib.sha256(data).hexdigest(),
        format="pdf",
        encoding="pdf",
        newline="lf",
        page_starts=laid_out.page_starts,
        warnings=tuple(warnings),
        emphasised_lines=laid_out.emphasised_lines,
    )
