"""From units to groups and project sections, each unit placed in a slot of its section."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from extractors.layout import Unit
from extractors.rules import Rules
from extractors.text import normalise_key
from schemas import Settings

Slot = Literal[
    "title",
    "description",
    "list_intro",
    "list_item",
    "partners_heading",
    "partner",
    "partner_prose",
    "role_heading",
    "role_text",
    "role_item",
    "beneficiary",
    "duplicate",
]

_TERMINAL = re.compile(r"[.;,!?]$")
_SENTENCE_BREAK = re.compile(r"[a-z0-9)\]][.!?]\s+[A-Z]")
_ABBREVIATION_END = re.compile(r"\b[A-Za-z]{1,5}\.$")


@dataclass(frozen=True)
class Placed:
    """A unit and the slot it fills in its section; `block` numbers role blocks and lists."""

    unit: Unit
    slot: Slot
    block: int = 0


@dataclass(frozen=True)
class SectionNote:
    """Something the segmentation was unsure of, for the section's warnings."""

    code: str
    message: str
    unit: Unit


@dataclass
class Section:
    """A project section: its group, its title line if it has one, and its placed units."""

    group: Unit | None
    title: Unit | None
    parts: list[Placed] = field(default_factory=list)
    notes: list[SectionNote] = field(default_factory=list)

    def units(self, *slots: Slot) -> list[Unit]:
        """Return the units in the given slots, in document order."""
        return [part.unit for part in self.parts if part.slot in slots]

    def has(self, slot: Slot) -> bool:
        """True when some unit fills `slot`."""
        return any(part.slot == slot for part in self.parts)

    @property
    def own_parts(self) -> list[Placed]:
        """The parts that are not dropped duplicates."""
        return [part for part in self.parts if part.slot != "duplicate"] or self.parts

    @property
    def start(self) -> int:
        """Offset where the section's own text starts (dropped duplicates left out)."""
        return self.own_parts[0].unit.start

    @property
    def end(self) -> int:
        """Offset where the section's own text ends."""
        return max(part.unit.end for part in self.own_parts)

    @property
    def closed(self) -> bool:
        """True once a partner list or a role has been seen: prose after a blank starts anew."""
        return self.has("partners_heading") or self.has("role_heading")


@dataclass
class Segmentation:
    """Groups and sections of a document, and units that belong to no section."""

    groups: list[Unit]
    sections: list[Section]
    unassigned: list[Unit]


def is_title_line(
    unit: Unit, following: Unit | None, settings: Settings, *, emphasised: bool = False
) -> bool:
    """Given a prose unit and the unit after it, decide whether it reads as a section title.

    `emphasised` is font evidence from a PDF (the line is larger or bold): such a line is a title
    even when the unit after it stands after a blank line or is short.
    """
    text = unit.text.strip()
    first_letter = next((char for char in text if char.isalpha()), "")
    if unit.kind != "text" or unit.line_start != unit.line_end or unit.in_list:
        return False
    if not first_letter.isupper() or unit.ends_with_colon or _TERMINAL.search(text):
        return False
    if unit.word_count > settings.max_title_words or _SENTENCE_BREAK.search(text):
        return False
    if following is None or following.kind == "group":
        return False
    if emphasised:
        return True
    if following.blank_before:
        return False
    # A title introduces prose or a block; a short line followed by another short line is a list.
    return following.kind != "text" or following.word_count >= 8 or following.text.endswith(".")


def looks_like_name(unit: Unit) -> bool:
    """Given an unmarked line under a partner heading, decide whether it is a name, not prose."""
    text = unit.text.strip()
    if unit.word_count > 14 or _SENTENCE_BREAK.search(text):
        return False
    return not text.endswith(".") or bool(_ABBREVIATION_END.search(text))


class _Builder:
    """Walks units in order and places each one; the state is which block prose continues."""

    def __init__(
        self, rules: Rules, settings: Settings, emphasised_lines: frozenset[int] = frozenset()
    ) -> None:
        self.rules = rules
        self.settings = settings
        self.emphasised_lines = emphasised_lines
        self.groups: list[Unit] = []
        self.sections: list[Section] = []
        self.current: Section | None = None
        self.group: Unit | None = None
        self.state: Literal["description", "partners", "role"] = "description"
        self.role_block = 0
        self.list_block = 0

    def open_section(self, title: Unit | None) -> Section:
        self.current = Section(group=self.group, title=title)
        self.sections.append(self.current)
        self.state = "description"
        if title is not None:
            self.current.parts.append(Placed(title, "title"))
        return self.current

    def place(self, unit: Unit, following: Unit | None) -> None:
        if unit.kind == "group":
            self.groups.append(unit)
            self.group = unit
            self.current = None
            return
        section = self.current
        only_title = section is not None and len(section.parts) == 1 and section.title is not None
        emphasised = unit.line_start in self.emphasised_lines
        if not only_title and is_title_line(unit, following, self.settings, emphasised=emphasised):
            self.open_section(unit)
            return
        if section is None or (unit.blank_before and section.closed and unit.kind == "text"):
            section = self.open_section(None)
        self._place_in(section, unit)

    def _place_in(self, section: Section, unit: Unit) -> None:
        parts = section.parts
        if unit.kind == "partners_heading":
            parts.append(Placed(unit, "partners_heading"))
            self.state = "partners"
        elif unit.kind == "role_heading":
            self.role_block += 1
            parts.append(Placed(unit, "role_heading", self.role_block))
            self.state = "role"
        elif unit.kind == "beneficiary":
            parts.append(Placed(unit, "beneficiary"))
            self.state = "description"
        elif self.state == "partners":
            if unit.kind == "item" or looks_like_name(unit):
                parts.append(Placed(unit, "partner"))
            else:
                parts.append(Placed(unit, "partner_prose"))
                section.notes.append(
                    SectionNote(
                        "partner_heading_without_list",
                        "the partner heading is followed by prose, not a list of partners",
                        unit,
                    )
                )
                self.state = "description"
        elif self.state == "role":
            slot: Slot = "role_item" if unit.kind == "item" else "role_text"
            parts.append(Placed(unit, slot, self.role_block))
        elif unit.kind == "item":
            previous = parts[-1] if parts else None
            if previous is None or previous.slot not in ("list_intro", "list_item"):
                self.list_block += 1
            parts.append(Placed(unit, "list_item", self.list_block))
        elif unit.ends_with_colon:
            self.list_block += 1
            parts.append(Placed(unit, "list_intro", self.list_block))
        else:
            parts.append(Placed(unit, "description"))


def speaks_of_organisation(text: str, organisation: str | None, rules: Rules) -> bool:
    """Given a role paragraph, decide whether it is about the organisation (or a role at all)."""
    key = normalise_key(text)
    names = set(rules.alias_to_organisation) | set(rules.mention_to_organisation)
    if organisation:
        names.add(normalise_key(organisation))
    if any(name and name in key for name in names):
        return True
    return any(word in key for word in rules.patterns.roles.role_words)


def reassign_misplaced_roles(section: Section, rules: Rules) -> None:
    """Move role paragraphs that are not about the organisation back into the description."""
    for index, part in enumerate(section.parts):
        if part.slot != "role_text":
            continue
        heading = next(
            p.unit for p in section.parts if p.slot == "role_heading" and p.block == part.block
        )
        if speaks_of_organisation(part.unit.text, heading.organisation, rules):
            continue
        section.parts[index] = Placed(part.unit, "description")
        section.notes.append(
            SectionNote(
                "misplaced_heading",
                f"the heading on line {heading.line_start} ('{heading.text}') stands above "
                "a paragraph "
                "that is not about the organisation's role; the paragraph was read as description",
                part.unit,
            )
        )


def segment_units(
    units: list[Unit],
    rules: Rules,
    settings: Settings,
    emphasised_lines: frozenset[int] = frozenset(),
) -> Segmentation:
    """Given the units of a document (and the lines a PDF sets in a larger or bold font), return
    its groups and project sections."""
    builder = _Builder(rules, settings, emphasised_lines)
    for index, unit in enumerate(units):
        following = units[index + 1] if index + 1 < len(units) else None
        builder.place(unit, following)
    for section in builder.sections:
        reassign_misplaced_roles(section, rules)
    return Segmentation(groups=builder.groups, sections=builder.sections, unassigned=[])
