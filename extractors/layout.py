"""From kept text to logical units: lines classified as headings, list items or prose, with
hard-wrapped paragraphs joined back. Offsets stay those of the kept text."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Literal

from extractors.rules import Rules
from extractors.text import fold

UnitKind = Literal["text", "item", "group", "partners_heading", "role_heading", "beneficiary"]

_SENTENCE_END = re.compile(r"[.:;!?]['\"”’)]*$")


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
    in_list: bool = False
    last_line_length: int = 0

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


def classify_line(line: Line, rules: Rules) -> Unit:
    """Given a non-blank line, return it as a one-line unit of the right kind."""
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
    )
    marker = rules.list_marker.match(fold(line.text))
    if marker:
        body_start = line.start + marker.end()
        return replace(
            base,
            kind="item",
            start=body_start,
            text=line.text[marker.end() :].strip(),
            marker=marker.group("marker"),
        )
    if rules.group_heading.match(folded):
        return replace(base, kind="group")
    if rules.partner_heading.match(folded):
        return replace(base, kind="partners_heading")
    role = rules.role_heading.match(folded)
    if role:
        organisation = next(
            (value for key, value in role.groupdict().items() if key == "organisation" and value),
            None,
        )
        return replace(
            base,
            kind="role_heading",
            organisation=organisation.strip().rstrip(":") if organisation else None,
        )
    if rules.beneficiary_heading is not None:
        beneficiary = rules.beneficiary_heading.match(folded)
        if beneficiary:
            return replace(base, kind="beneficiary", value_start=start + beneficiary.start("value"))
    return base


def _continues(previous: Unit, line: Line, rules: Rules) -> bool:
    """Decide whether `line` is a hard-wrapped continuation of the unit before it."""
    if previous.kind not in ("text", "item") or previous.in_list and previous.marker is None:
        return False
    stripped = line.text.strip()
    if not stripped or not stripped[0].islower():
        return False
    if previous.kind == "item" and line.text[:1].isspace():
        return True
    min_length = rules.patterns.layout.wrap_min_previous_length
    return previous.last_line_length >= min_length and not _SENTENCE_END.search(previous.text)


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
    )


def build_units(text: str, rules: Rules) -> list[Unit]:
    """Given kept text, return its logical units in order (blank lines only mark `blank_before`)."""
    units: list[Unit] = []
    blank_before = True
    in_unmarked_list = False
    for line in split_lines(text):
        if line.blank:
            blank_before = True
            in_unmarked_list = False
            continue
        if units and not blank_before and _continues(units[-1], line, rules):
            units[-1] = _join(units[-1], line, text)
            continue
        unit = replace(classify_line(line, rules), blank_before=blank_before)
        if unit.kind != "text":
            in_unmarked_list = False
        elif in_unmarked_list:
            unit = replace(unit, kind="item", in_list=True)
        units.append(unit)
        if unit.kind == "text" and unit.ends_with_colon:
            in_unmarked_list = True
        blank_before = False
    return units
