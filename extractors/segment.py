"""From units to groups and project sections, each unit placed in a slot of its section."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Literal

from extractors.layout import Unit
from extractors.partner_text import ORGANISATION_THRESHOLD
from extractors.rules import Rules
from extractors.text import OPEN_END, normalise_key
from schemas import Settings
from schemas.partner_words import LEAD_LABELS
from schemas.warnings import WarningCode

Slot = Literal[
    "title",
    "description",
    "list_intro",
    "list_item",
    "partners_heading",
    "partner",
    "partner_note",
    "partner_prose",
    "role_heading",
    "role_text",
    "role_item",
    "beneficiary",
    "work_package",
    "work_package_text",
    "field",
    "table_row",
    "duplicate",
]

_TERMINAL = re.compile(r"[.;,!?…]$")
_LEADER_KEY = re.compile(
    r"^[^:]{0,20}(?:lead|leiter|coordinat|responsab|capofila)[^:]{0,10}:", re.IGNORECASE
)
_NOT_TITLE = re.compile(r"@\w|https?://|www\.|^©|^[>»›]")
_SENTENCE_BREAK = re.compile(r"[a-z0-9)\]][.!?]\s+[A-Z]")
_ABBREVIATION_END = re.compile(r"\b[A-Za-z]{1,5}\.$")
_SENTENCE_END_TEXT = re.compile(r"[.!?]['\"”’)]*$")
_ROMAN = re.compile(r"^[IVXLC]+$")
_PARENTHESISED = re.compile(r"^\(.*\)$")
_BLOCK_KINDS = frozenset(
    {
        "partners_heading",
        "role_heading",
        "beneficiary",
        "item",
        "field",
        "table_row",
        "work_package",
    }
)
TITLE_THRESHOLD = 2.0
_STYLE_CUE = 1.0  # what the document's own title shape adds to a line that has another cue
_LONG_LINE_WORDS = 8
_CARD_TITLE_WORDS = 3


@dataclass(frozen=True)
class Placed:
    """A unit and the slot it fills in its section; `block` numbers role blocks and lists."""

    unit: Unit
    slot: Slot
    block: int = 0


@dataclass(frozen=True)
class SectionNote:
    """Something the segmentation was unsure of, for the section's warnings."""

    code: WarningCode
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

    @property
    def has_project_blocks(self) -> bool:
        """True when the section holds a partner list, a role or a work package."""
        return any(
            part.slot in ("partners_heading", "partner", "role_heading", "work_package")
            or (part.slot == "table_row" and part.unit.text.lstrip()[:2].upper() == "WP")
            for part in self.parts
        )


@dataclass
class Segmentation:
    """Groups and sections of a document, and units that belong to no section."""

    groups: list[Unit]
    sections: list[Section]
    unassigned: list[Unit]


@dataclass(frozen=True)
class LayoutCues:
    """What the document says about its own layout: the lines a PDF sets larger or bold, the
    entries of its table of contents, and the shape of the lines that open its project sections
    (learned from the sections that hold partner or role blocks)."""

    emphasised_lines: frozenset[int] = frozenset()
    contents: frozenset[str] = frozenset()
    title_shapes: frozenset[tuple[bool, bool, bool]] = frozenset()


@lru_cache(maxsize=16384)
def is_name_token(token: str) -> bool:
    """Given a word, decide whether it is written as a name: an acronym ('AARC', 'Ultra-DD'), a
    word with a capital inside ('BioExcel', 'iPIE') or with letters and digits ('Eudat2020');
    numbers, Roman numerals and capitalised compounds ('Emilia-Romagna') are not."""
    token = token.strip(".,;:()[]\"'“”‘’!?")
    letters = [char for char in token if char.isalpha()]
    if len(letters) < 2 or _ROMAN.match(token):
        return False
    for part in re.split(r"[-–/]", token):
        part_letters = [char for char in part if char.isalpha()]
        if not part_letters:
            continue
        if any(char.isupper() for char in part[1:] if char.isalpha()):
            return True
        if any(char.isdigit() for char in part) and len(part_letters) >= 1:
            return True
    return False


def has_name_token(text: str) -> bool:
    """Given a line, decide whether one of its words is written as a name."""
    return any(is_name_token(token) for token in text.split())


def title_shape(unit: Unit) -> tuple[bool, bool, bool]:
    """Given a title line, return its shape: blank line after it, indented, written in
    capitals."""
    letters = [char for char in unit.text if char.isalpha()]
    capitals = bool(letters) and all(char.isupper() for char in letters)
    return (unit.blank_after, unit.indent > 0, capitals)


def _shaped_like_title(unit: Unit, settings: Settings) -> bool:
    """A single capitalised line, not too long, not a sentence and not an introduction."""
    text = unit.text.strip()
    first_letter = next((char for char in text if char.isalpha()), "")
    if unit.line_start != unit.line_end and unit.line_end - unit.line_start > 1:
        return False
    capitalised = first_letter.isupper() or is_name_token(text.split()[0])
    if not capitalised or unit.ends_with_colon or _TERMINAL.search(text):
        return False
    if _PARENTHESISED.match(text) or unit.forced_break or "   " in text or _NOT_TITLE.search(text):
        return False  # a gloss, a line of a wrapped paragraph, a row of table columns
    return unit.word_count <= settings.max_title_words and not _SENTENCE_BREAK.search(text)


def _is_paragraph(unit: Unit) -> bool:
    return unit.kind == "text" and (unit.word_count >= 8 or unit.text.endswith("."))


def _is_block(unit: Unit) -> bool:
    return unit.kind in _BLOCK_KINDS or (
        unit.kind == "text" and unit.ends_with_colon and unit.word_count <= 4
    )


def title_score(
    unit: Unit,
    following: Unit | None,
    settings: Settings,
    cues: LayoutCues = LayoutCues(),
    previous: Unit | None = None,
) -> float:
    """Given a unit and the units around it, return how strongly it reads as a section title.

    Cues add up: what follows (a paragraph or a block right after it: 2; after a blank line,
    when the line also stands after one: 1.5; otherwise 0.5), a larger or bold font (3), an
    entry of the document's table of contents (3), a word written as a name (0.5), a body
    indented deeper than the line (0.5), and the shape the document's project titles share (1).
    A unit is a title from `TITLE_THRESHOLD` on.
    """
    if following is None or following.kind == "group":
        return 0.0
    if unit.kind == "item":
        return _card_title_score(unit, following, previous)
    if unit.kind != "text" or unit.in_list or not _shaped_like_title(unit, settings):
        return 0.0
    first = next((char for char in following.text if char.isalpha()), "")
    if following.kind == "text" and first.islower() and unit.word_count >= _LONG_LINE_WORDS:
        return 0.0  # the line goes on in lower case: a wrapped sentence, not a title
    if unit.line_start == unit.line_end and (OPEN_END.search(unit.text) or unit.text.endswith("-")):
        return 0.0  # "... to build a new career in": a line broken inside a sentence
    score = 0.0
    if _is_paragraph(following) or _is_block(following):
        if not following.blank_before:
            score += 2
        elif _after_boundary(unit, previous):
            score += 1.5
        else:
            score += 0.5
    if unit.line_start in cues.emphasised_lines and (score > 0 or following.kind != "text"):
        score += 3
    if score > 0 and normalise_key(unit.text) in cues.contents:
        score += 3
    if has_name_token(unit.text):
        score += 0.5
    if following.indent > unit.indent:
        score += 0.5
    if score > 0 and cues.title_shapes and title_shape(unit) in cues.title_shapes:
        score += _STYLE_CUE
    return score


def _after_boundary(unit: Unit, previous: Unit | None) -> bool:
    """True when the unit starts after a boundary: a blank line, the start of the document, a
    block of another kind (a list, a heading) or a finished sentence."""
    if unit.blank_before or previous is None or previous.kind != "text":
        return True
    return bool(_SENTENCE_END_TEXT.search(previous.text))


def _card_title_score(unit: Unit, following: Unit, previous: Unit | None) -> float:
    """A list item that is only a name, followed by prose rather than the next item, opens a
    project card ('- PLASTIC0PYR' above its partners and description)."""
    if unit.marker is None or unit.word_count > _CARD_TITLE_WORDS:
        return 0.0
    if previous is not None and previous.kind == "item":
        return 0.0
    if following.kind != "text" or not has_name_token(unit.text):
        return 0.0
    return TITLE_THRESHOLD


def is_title_line(
    unit: Unit,
    following: Unit | None,
    settings: Settings,
    *,
    emphasised: bool = False,
    previous: Unit | None = None,
    cues: LayoutCues | None = None,
) -> bool:
    """Given a unit and the unit after it, decide whether it reads as a section title."""
    cues = cues or LayoutCues()
    if emphasised:
        cues = LayoutCues(
            emphasised_lines=cues.emphasised_lines | {unit.line_start},
            contents=cues.contents,
            title_shapes=cues.title_shapes,
        )
    return title_score(unit, following, settings, cues, previous) >= TITLE_THRESHOLD


def _written_as_name(text: str) -> bool:
    """Two letters or more, and fewer than half of the words in lower case: 'Legacoop', 'Centro
    Ricerche Fiat', not 'R' or 'OG und nachhaltige Lebensstile UE interessiert'."""
    words = [word for word in text.split() if any(char.isalpha() for char in word)]
    letters = sum(char.isalpha() for char in text)
    lower = sum(next(char for char in word if char.isalpha()).islower() for word in words)
    return letters >= 2 and lower * 2 < len(words)


def looks_like_name(unit: Unit) -> bool:
    """Given an unmarked line under a partner heading, decide whether it is a name, not prose."""
    text = unit.text.strip()
    if unit.word_count > 14 or _SENTENCE_BREAK.search(text):
        return False
    return not text.endswith(".") or bool(_ABBREVIATION_END.search(text))


class _Builder:
    """Walks units in order and places each one; the state is which block prose continues."""

    def __init__(
        self,
        rules: Rules,
        settings: Settings,
        cues: LayoutCues,
        organisation_score: Callable[[str], int | None],
    ) -> None:
        self.rules = rules
        self.settings = settings
        self.cues = cues
        self.organisation_score = organisation_score
        self.groups: list[Unit] = []
        self.sections: list[Section] = []
        self.unassigned: list[Unit] = []
        self.current: Section | None = None
        self.group: Unit | None = None
        self.state: Literal["description", "partners", "profiles", "lead", "role", "package"] = (
            "description"
        )
        self.role_block = 0
        self.list_block = 0
        self.package_block = 0
        self.package_number: int | None = None  # the number of the last work package read
        self.near_titles: list[Unit] = []  # cues short of a title: the title style may decide

    def open_section(self, title: Unit | None) -> Section:
        self.current = Section(group=self.group, title=title)
        self.sections.append(self.current)
        self.state = "description"
        if title is not None:
            self.current.parts.append(Placed(title, "title"))
        return self.current

    def place(self, unit: Unit, following: Unit | None, previous: Unit | None) -> None:
        if unit.kind == "furniture":
            self.unassigned.append(unit)
            return
        if (
            unit.kind == "partners_heading"
            and unit.value_start is None
            and not self.sections
            and not self.groups
            and following is not None
        ):
            unit = replace(unit, kind="text", label=None)  # the page's own title: "Consortium"
        if unit.kind == "group":
            self.groups.append(unit)
            self.group = unit
            self.current = None
            return
        section = self.current
        only_title = section is not None and len(section.parts) == 1 and section.title is not None
        score = title_score(unit, following, self.settings, self.cues, previous)
        titled = not only_title and score >= TITLE_THRESHOLD
        if TITLE_THRESHOLD - _STYLE_CUE <= score < TITLE_THRESHOLD:
            # Only these can cross the threshold with the title style's cue in a second pass.
            self.near_titles.append(unit)
        if (
            titled
            and self.state == "package"
            and (
                self._generic(unit)
                or (unit.word_count <= 2 and not has_name_token(unit.text))
                or _LEADER_KEY.match(unit.text)
                or self._heads_next_package(following)
            )
        ):
            # "Tasks", "Deliverables", "WP leaders", "WP-Leader: X": parts of the work package;
            # "Joint research activities" above WP8 after WP7: a heading among the packages.
            # A short heading written as a name ("BLUESKILLS") is the next project's title.
            titled = False
        if titled and self.state == "lead" and (self.organisation_score(unit.text) or 0) >= 2:
            # "Coordinator:" with its organisation on the next line: the lead partner of the
            # section (placed by `_place_in`), not the title of a new one.
            titled = False
        if self.state in ("partners", "profiles") and self._generic(unit):
            self.state = "description"  # "Search", "Contacts": the partner block has ended
        if titled and self.state in ("partners", "profiles") and section is not None:
            # Under a partner heading, a heading that names an organisation is a partner of
            # the section ("University of Oulu" above its profile), not a new project.
            organisation = self.organisation_score(unit.text)
            marked = any(p.slot == "partner" and p.unit.marker for p in section.parts)
            # After a list of names, one to a line, a heading set apart by a blank line above a
            # paragraph opens the next project: the list has ended.
            ended = (
                unit.blank_before
                and any(p.slot == "partner" for p in section.parts)
                and following is not None
                and _is_paragraph(following)
            )
            needed = -10 if self.state == "profiles" else 2
            if (
                organisation is not None
                and organisation >= needed
                and not ((marked or ended) and self.state == "partners")
            ):
                section.parts.append(Placed(unit, "partner"))
                self.state = "profiles"
                return
        if (
            only_title
            and section is not None
            and section.title is not None
            and section.title.blank_after
            and following is not None
            and _is_block(following)
            and title_score(unit, following, self.settings, self.cues, previous) >= TITLE_THRESHOLD
        ):
            # "EU Foundations" above "Windy: Full title" and its fields: a group heading.
            self.sections.pop()
            self.groups.append(section.title)
            self.group = section.title
            titled = True
        if titled:
            self.open_section(unit)
            return
        awaiting = (
            section is not None
            and bool(section.parts)
            and section.parts[-1].slot
            in (
                "role_heading",
                "partners_heading",
            )
        )
        if (
            section is None
            or (unit.blank_before and section.closed and unit.kind == "text" and not awaiting)
            or self._leaves_role(section, unit)
        ):
            section = self.open_section(None)
        self._place_in(section, unit)

    def _introduces_partners(self, unit: Unit) -> bool:
        """A sentence that announces the partners: 'the following organisations ...'."""
        return self.rules.partner_intro is not None and bool(
            self.rules.partner_intro.search(unit.text)
        )

    def _heads_next_package(self, following: Unit | None) -> bool:
        """True when the next unit is the work package that continues the numbering."""
        return (
            following is not None
            and following.kind == "work_package"
            and self.package_number is not None
            and following.number == self.package_number + 1
        )

    def _generic(self, unit: Unit) -> bool:
        return normalise_key(unit.text) in self.rules.generic_headings

    def _leaves_role(self, section: Section, unit: Unit) -> bool:
        """After a role paragraph, a paragraph that is not about the organisation belongs to the
        next (untitled) section: a description comes before a section's blocks."""
        if self.state != "role" or unit.kind != "text" or not _is_paragraph(unit):
            return False
        if not section.parts or section.parts[-1].slot not in ("role_text", "role_item"):
            return False
        heading = next(p for p in reversed(section.parts) if p.slot == "role_heading")
        organisation = heading.unit.organisation
        read = any(
            p.slot == "role_text"
            and p.block == heading.block
            and speaks_of_organisation(p.unit.text, organisation, self.rules)
            for p in section.parts
        )
        return read and not speaks_of_organisation(
            unit.text, organisation, self.rules, only_this=True
        )

    def _place_in(self, section: Section, unit: Unit) -> None:
        parts = section.parts
        if unit.kind == "partners_heading":
            parts.append(Placed(unit, "partners_heading"))
            self.state = "lead" if unit.label in LEAD_LABELS else "partners"
            if unit.value_start is not None:
                self.state = "description"  # the label carries its value on its own line
        elif unit.kind == "role_heading":
            self.role_block += 1
            parts.append(Placed(unit, "role_heading", self.role_block))
            self.state = "role"
        elif unit.kind == "beneficiary":
            parts.append(Placed(unit, "beneficiary"))
            self.state = "description"
        elif unit.kind == "work_package":
            self.package_block += 1
            self.package_number = unit.number
            parts.append(Placed(unit, "work_package", self.package_block))
            self.state = "package"
        elif unit.kind == "table_row":
            parts.append(Placed(unit, "table_row", self.package_block))
        elif unit.kind == "field":
            parts.append(Placed(unit, "field"))
        elif self.state == "lead":
            if (self.organisation_score(unit.text) or 0) >= 2:
                parts.append(Placed(unit, "partner"))
                self.state = "description"
            elif unit.word_count <= 6 and not unit.text.endswith("."):
                parts.append(Placed(unit, "partner_note"))  # a person or an address line
            else:
                self.state = "description"
                self._place_in(section, unit)
        elif self.state in ("partners", "profiles"):
            if (
                self.state == "profiles"
                and unit.kind == "text"
                and _is_paragraph(unit)
                or self.state == "profiles"
                and self.organisation_score(unit.text) is None
            ):
                parts.append(Placed(unit, "partner_note"))
            elif unit.kind == "item":
                parts.append(Placed(unit, "partner"))
            elif looks_like_name(unit):
                # An unmarked line is a partner when it reads as an organisation or is written
                # as a name; otherwise a note under the heading (a flyer's rotated side text).
                reads = (
                    self.organisation_score(unit.text) or 0
                ) >= ORGANISATION_THRESHOLD or _written_as_name(unit.text)
                parts.append(Placed(unit, "partner" if reads else "partner_note"))
            elif self._introduces_partners(unit):
                parts.append(Placed(unit, "partner_note"))
                self.state = "profiles"
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
        elif self.state == "package":
            parts.append(Placed(unit, "work_package_text", self.package_block))
        elif unit.kind == "item":
            previous = parts[-1] if parts else None
            if previous is None or previous.slot not in ("list_intro", "list_item"):
                self.list_block += 1
            parts.append(Placed(unit, "list_item", self.list_block))
        elif unit.ends_with_colon:
            self.list_block += 1
            parts.append(Placed(unit, "list_intro", self.list_block))
            if self._introduces_partners(unit):
                self.state = "partners"
        else:
            parts.append(Placed(unit, "description"))
            if self._introduces_partners(unit):
                self.state = "profiles"


def speaks_of_organisation(
    text: str, organisation: str | None, rules: Rules, *, only_this: bool = False
) -> bool:
    """Given a role paragraph, decide whether it is about the organisation (or a role at all);
    `only_this`: by the organisation's own names only, not those of every known organisation."""
    key = normalise_key(text)
    names = set(rules.alias_to_organisation) | set(rules.mention_to_organisation)
    if only_this:
        canonical = rules.alias_to_organisation.get(normalise_key(organisation or ""))
        names = {
            name
            for name, owner in [
                *rules.alias_to_organisation.items(),
                *rules.mention_to_organisation.items(),
            ]
            if canonical is not None and owner == canonical
        }
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


def table_of_contents(units: list[Unit], rules: Rules) -> frozenset[str]:
    """Given a document's units, return the entries of its table of contents (furniture lines
    with dot leaders), normalised: the same words later open the sections they name."""
    entries = set()
    for unit in units:
        if unit.kind != "furniture":
            continue
        for pattern in rules.furniture:
            match = pattern.match(unit.text)
            if match and "entry" in match.groupdict() and match.group("entry"):
                entries.add(normalise_key(match.group("entry")))
    return frozenset(entries)


def _build(
    units: list[Unit],
    rules: Rules,
    settings: Settings,
    cues: LayoutCues,
    organisation_score: Callable[[str], int | None],
) -> _Builder:
    builder = _Builder(rules, settings, cues, organisation_score)
    kept = [unit for unit in units if unit.kind != "furniture"]
    position = {id(unit): index for index, unit in enumerate(kept)}
    for unit in units:
        index = position.get(id(unit))
        if index is None:
            builder.place(unit, None, None)
            continue
        following = kept[index + 1] if index + 1 < len(kept) else None
        previous = kept[index - 1] if index > 0 else None
        builder.place(unit, following, previous)
    return builder


def learn_title_shapes(sections: list[Section]) -> frozenset[tuple[bool, bool, bool]]:
    """Given sections, return the shapes of the titles of those holding project blocks."""
    return frozenset(
        title_shape(section.title)
        for section in sections
        if section.title is not None and section.has_project_blocks
    )


def promote_group_headings(builder: _Builder) -> None:
    """A lone title-shaped line between blank lines, above a section whose title is followed by
    fields ("Mountain Foundations" above "Glacio: Full title" and its "Duration:" line), heads
    a group of cards: it becomes a group heading, and the sections after it until the next group
    belong to it."""
    sections = builder.sections
    index = 0
    while index + 1 < len(sections):
        section, following = sections[index], sections[index + 1]
        parts = section.parts
        lone = (
            section.title is None
            and len(parts) == 1
            and parts[0].slot == "description"
            and parts[0].unit.blank_after
            and _shaped_like_title(parts[0].unit, builder.settings)
        )
        cards = (
            following.title is not None
            and len(following.parts) > 1
            and following.parts[1].slot == "field"
        )
        if lone and cards:
            heading = parts[0].unit
            builder.groups.append(heading)
            builder.groups.sort(key=lambda unit: unit.start)
            del sections[index]
            previous_group = following.group
            for later in sections[index:]:
                if later.group is not previous_group:
                    break
                later.group = heading
            continue
        index += 1


def segment_units(
    units: list[Unit],
    rules: Rules,
    settings: Settings,
    organisation_score: Callable[[str], int | None],
    emphasised_lines: frozenset[int] = frozenset(),
) -> Segmentation:
    """Given the units of a document (and the lines a PDF sets in a larger or bold font), return
    its groups and project sections.

    Two passes: the first finds the titles the cues alone make certain; the shape of those that
    open sections with partner or role blocks is the document's own title style, which the
    second pass adds as a cue.
    """
    cues = LayoutCues(emphasised_lines=emphasised_lines, contents=table_of_contents(units, rules))
    first = _build(units, rules, settings, cues, organisation_score)
    shapes = learn_title_shapes(first.sections)
    builder = first
    if shapes and any(title_shape(unit) in shapes for unit in first.near_titles):
        cues = LayoutCues(
            emphasised_lines=emphasised_lines, contents=cues.contents, title_shapes=shapes
        )
        builder = _build(units, rules, settings, cues, organisation_score)
    promote_group_headings(builder)
    for section in builder.sections:
        reassign_misplaced_roles(section, rules)
    return Segmentation(
        groups=builder.groups, sections=builder.sections, unassigned=builder.unassigned
    )
