"""Which sections are projects, and what a page about one project is called.

A brochure of many projects gives one project per section that reads as one; a page about one
project (an EU project's consortium page, a cluster's news item) gives one project spanning the
whole page, named from the page itself: the title line that names it, else the project its
sentences name ("the UniMaaS consortium", "il progetto ISIDE"), else the name the page repeats.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace

from extractors.layout import Unit
from extractors.rules import Rules
from extractors.segment import Section, has_name_token, title_shape
from extractors.text import fold, normalise_key

_TITLE_WITH_ACRONYM = re.compile(r"\([^()\s]{2,20}\)\s*$|\s[-–—]\s+\S{2,20}$|^\S{2,30}\s?:\s+\S")
_NAME_TOKEN = re.compile(r"(?<![\w-])[\w][\w.+-]*[\w+]|(?<![\w-])[A-Z]{2,}(?![\w-])")
_CODE = re.compile(r"^[A-Z]{1,4}\d{1,2}$")
_MIN_PROJECT_SECTIONS = 2
_NAME_WORDS = 8


@dataclass(frozen=True)
class ProjectName:
    """A name found for a project: its words, their span in the kept text, and the rule."""

    value: str
    start: int
    end: int
    rule: str


@dataclass
class Decision:
    """The sections read as projects (each with the name found for it, if the section has no
    title line of its own) and those that are not projects."""

    projects: list[Section]
    names: dict[int, ProjectName] = field(default_factory=dict)
    others: list[Section] = field(default_factory=list)
    single_page: bool = False


_ARTICLES = frozenset(
    "the our my your their its il lo la le les l' das der die el los las unsere nos nuestro".split()
)
_GENERIC_WORDS = 4


def is_generic(unit: Unit, rules: Rules) -> bool:
    """Given a heading, decide whether it names a part of any page ('Agenda', 'Contacts', 'The
    Squads'): a generic heading of the layout rules, or a short phrase opened by an article or
    a possessive and written without a name."""
    key = normalise_key(unit.text)
    if key in rules.generic_headings:
        return True
    words = key.split()
    return (
        bool(words)
        and words[0] in _ARTICLES
        and len(words) <= _GENERIC_WORDS
        and not has_name_token(unit.text)
    )


def is_strong_project(section: Section, rules: Rules) -> bool:
    """A section that is certainly a project: it holds partner, role or work-package blocks, or
    its title is written as a project name (an acronym, 'Title (ACR)', 'Name: Full title')."""
    if section.has_project_blocks:
        return True
    title = section.title
    if title is None or is_generic(title, rules):
        return False
    return has_name_token(title.text) or bool(_TITLE_WITH_ACRONYM.search(title.text))


def is_project_section(section: Section, rules: Rules) -> bool:
    """A section of a brochure of many projects is a project when it is strong, or when it has
    a title that is not a generic heading and text of its own under it."""
    if is_strong_project(section, rules):
        return True
    title = section.title
    if title is None or is_generic(title, rules):
        return False
    return any(part.slot not in ("title", "duplicate") for part in section.parts)


def named_projects(text: str, units: list[Unit], rules: Rules) -> list[ProjectName]:
    """Given the kept text, return the projects its sentences name, in document order."""
    folded = fold(text)
    found: list[ProjectName] = []
    spans = [(unit.start, unit.end) for unit in units if unit.kind not in ("furniture", "item")]
    for pattern in rules.named_project:
        for start, end in spans:
            for match in pattern.finditer(folded, start, end):
                name = _trim_name(text, match.start("name"), match.end("name"), rules)
                if name is not None:
                    found.append(name)
    found.sort(key=lambda name: name.start)
    return found


def _trim_name(text: str, start: int, end: int, rules: Rules) -> ProjectName | None:
    """Given the span a named-project pattern caught, drop leading articles and generic words
    and keep it only when it is written as a name."""
    value = text[start:end]
    words = value.split()
    if not words or len(words) > _NAME_WORDS:
        return None
    if normalise_key(value) in rules.generic_headings or normalise_key(value) in rules.field_keys:
        return None
    if not (has_name_token(value) or sum(word[:1].isupper() for word in words) >= 2):
        return None
    return ProjectName(" ".join(words), start, end, "named_project")


def dominant_name(text: str, units: list[Unit]) -> ProjectName | None:
    """Given the kept text, return the name-like word the page repeats most in its prose and
    headings (a mixed-case name such as 'FAIRplus' counts double), or None."""
    counts: Counter[str] = Counter()
    first: dict[str, tuple[int, int]] = {}
    for unit in units:
        if unit.kind in ("furniture", "item", "table_row", "work_package"):
            continue
        segment = text[unit.start : unit.end]
        for match in _NAME_TOKEN.finditer(segment):
            token = match.group()
            if not has_name_token(token) or _CODE.match(token):
                continue
            mixed = any(char.islower() for char in token) and any(c.isupper() for c in token)
            counts[token] += 2 if mixed else 1
            first.setdefault(token, (unit.start + match.start(), unit.start + match.end()))
    if not counts:
        return None
    token, count = max(counts.items(), key=lambda item: (item[1], -first[item[0]][0]))
    if count < 2:
        return None
    start, end = first[token]
    return ProjectName(token, start, end, "dominant_name")


def merge_sections(sections: list[Section]) -> Section:
    """Given the sections of a page about one project, return them as one section in document
    order; the first title line stays its title, later ones become description."""
    title = next((section.title for section in sections if section.title is not None), None)
    parts = [
        replace(part, slot="description")
        if part.slot == "title" and part.unit is not title
        else part
        for section in sections
        for part in section.parts
    ]
    notes = [note for section in sections for note in section.notes]
    return Section(group=sections[0].group, title=title, parts=parts, notes=notes)


def lists_titles(section: Section, titles: set[str]) -> bool:
    """Given a section and the titles of the document's projects, decide whether the section is
    a summary of them: at least two of its list items name a project ('- Ultra-DD (Full
    title)'), so it is an index, not a project of its own."""
    named = 0
    for unit in section.units("list_item"):
        head = re.split(r"\s*[(:–—]|\s-\s", unit.text, maxsplit=1)[0]
        if normalise_key(head) in titles:
            named += 1
    return named >= _MIN_PROJECT_SECTIONS


def is_many_projects(sections: list[Section], strong: list[Section], rules: Rules) -> bool:
    """Decide whether a document is a brochure of many projects: at least two strong project
    sections; or one, and another titled section whose title line has its shape (the document's
    title style); or, with none, at least two titled sections with text, all of one shape."""
    if len(strong) >= _MIN_PROJECT_SECTIONS:
        return True
    candidates = [
        section
        for section in sections
        if section.title is not None and is_project_section(section, rules)
    ]
    shapes = {title_shape(section.title) for section in strong if section.title is not None}
    if strong and sum(
        1 for section in candidates if section.title and title_shape(section.title) in shapes
    ) >= _MIN_PROJECT_SECTIONS:
        return True
    counts = Counter(title_shape(section.title) for section in candidates if section.title)
    return bool(counts) and max(counts.values()) >= _MIN_PROJECT_SECTIONS


def decide_projects(
    sections: list[Section], text: str, units: list[Unit], rules: Rules
) -> Decision:
    """Given a document's sections, decide which are projects.

    With at least two strong project sections the document is a brochure of many projects. With
    fewer, it is a page about one project: its sections become one project, named by a title
    line written as a name, else by the project its sentences name most, else by the name the
    page repeats most.
    """
    strong = [section for section in sections if is_strong_project(section, rules)]
    if is_many_projects(sections, strong, rules):
        titles = {
            normalise_key(section.title.text) for section in strong if section.title is not None
        }
        projects, others = [], []
        for section in sections:
            if is_project_section(section, rules) and not (
                section not in strong and lists_titles(section, titles)
            ):
                projects.append(section)
            else:
                others.append(section)
        return Decision(projects=projects, others=others)
    if not sections:
        return Decision(projects=[])
    merged = merge_sections(sections)
    decision = Decision(projects=[merged], single_page=True)
    title = strong[0].title if strong else None
    if title is not None and has_name_token(title.text):
        merged.title = title
        return decision
    merged_title = merged.title
    merged.title = None
    if merged_title is not None:
        merged.parts = [
            replace(part, slot="description") if part.unit is merged_title else part
            for part in merged.parts
        ]
    name = _page_name(text, units, rules)
    if name is not None:
        decision.names[0] = name
    elif merged_title is not None and not is_generic(merged_title, rules):
        decision.names[0] = ProjectName(
            merged_title.text, merged_title.start, merged_title.end, "page_heading"
        )
    return decision


def _page_name(text: str, units: list[Unit], rules: Rules) -> ProjectName | None:
    named = named_projects(text, units, rules)
    if named:
        counts = Counter(normalise_key(name.value) for name in named)
        best = max(named, key=lambda name: (counts[normalise_key(name.value)], -name.start))
        return best
    return dominant_name(text, units)
