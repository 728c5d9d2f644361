"""Which sections are projects, and what a page about one project is called.

A brochure of many projects gives one project per section that reads as one; a page about one
project (an EU project's consortium page, a cluster's news item) gives one project spanning the
whole page, named from the page itself: the title line that names it, else the project its
sentences name ("the UniMaaS consortium", "il progetto ISIDE"), else the name the page repeats.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from extractors.layout import Unit
from extractors.partner_reading import names_organisation_kind
from extractors.partner_text import PartnerWords, is_legal_form, organisation_evidence
from extractors.rules import Rules
from extractors.segment import Section, has_name_token, is_name_token, title_shape
from extractors.text import fold, is_acronym, normalise_key

_TITLE_WITH_ACRONYM = re.compile(r"\([^()\s]{2,20}\)\s*$|\s[-–—]\s+\S{2,20}$|^\S{2,30}\s?:\s+\S")
_NAME_TOKEN = re.compile(r"(?<![\w-])[\w][\w.+-]*[\w+]|(?<![\w-])[A-Z]{2,}(?![\w-])")
_WORK_PACKAGE_TOKEN = re.compile(r"^WP(?:\b|[-\d])", re.IGNORECASE)
_CODE = re.compile(r"^[A-Z]{1,4}\d{1,2}$")
_MIN_PROJECT_SECTIONS = 2
_MIN_PROFILES = 3
_NAME_SHARE = 0.6
_SHORT_TITLE_WORDS = 8
_MENU_WORDS = 3
_PROFILE_SHARE = 0.6
_STRONG_ORGANISATION = 4
_ORGANISATION = 2
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
    fallbacks: dict[int, ProjectName] = field(default_factory=dict)
    merged_titles: list[Unit] = field(default_factory=list)
    others: list[Section] = field(default_factory=list)
    single_page: bool = False


_ARTICLES = frozenset(
    [
        "the",
        "our",
        "my",
        "your",
        "their",
        "its",
        "il",
        "lo",
        "la",
        "le",
        "les",
        "l'",
        "i",
        "gli",
        "un",
        "una",
        "das",
        "der",
        "die",
        "el",
        "los",
        "las",
        "unsere",
        "nos",
        "nuestro",
    ]
)
_GENERIC_WORDS = 4
# Programmes and calls head their own pages; they are not projects ("Programme Interreg X").
_PROGRAMME = re.compile(
    r"^(?:programme|program|programma|programm|programa|call|calls|avviso|bando|appel|convocatoria)\b"
)
_JOINERS = frozenset(["and", "or", "of", "the", "e", "ed", "di", "und", "et", "y"])
# A heading that speaks of the project in general ("How the project is organised").
_THE_PROJECT = re.compile(
    r"\b(?:the|this|our|il|lo|questo|le|ce|notre|das|dieses|unser|el|este|nuestro)\s+"
    r"(?:project|progetto|projet|projekt|proyecto)\b"
)


def is_generic(unit: Unit, rules: Rules) -> bool:
    """Given a heading, decide whether it names a part of any page ('Agenda', 'Contacts', 'The
    Squads'): a generic heading of the layout rules, or a short phrase opened by an article or
    a possessive and written without a name."""
    key = normalise_key(unit.text)
    if key in rules.generic_headings or _THE_PROJECT.search(key) or _PROGRAMME.match(key):
        return True
    words = key.split()
    content = [word for word in re.split(r"[\s&,/]+", key) if word not in _JOINERS and word]
    if content and all(word in rules.generic_headings for word in content):
        return True  # "Partners and Consortium", "Objectives & Results"
    return (
        bool(words)
        and words[0] in _ARTICLES
        and len(words) <= _GENERIC_WORDS
        and not has_name_token(unit.text)
    )


def has_prose(section: Section) -> bool:
    """True when the section has text of its own beyond its title and bare list items (a menu
    or a tag list under a heading has none)."""
    return any(
        part.slot not in ("title", "duplicate", "list_item", "list_intro")
        or (part.slot == "list_item" and part.unit.word_count > _MENU_WORDS)
        for part in section.parts
    )


def is_strong_project(section: Section, rules: Rules) -> bool:
    """A section that is certainly a project: it holds partner, role or work-package blocks, or
    its title is written as a project name (an acronym, 'Title (ACR)', 'Name: Full title');
    a section under a generic heading ('The Work Packages') is not, whatever it holds."""
    title = section.title
    if title is not None and is_generic(title, rules):
        return False
    if section.has_project_blocks:
        return True
    if title is None or not has_prose(section):
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
    return has_prose(section)


def named_projects(text: str, units: list[Unit], rules: Rules) -> list[ProjectName]:
    """Given the kept text, return the projects its sentences name, in document order."""
    found: list[ProjectName] = []
    words = rules.patterns.layout.named_project_words
    for unit in units:
        if unit.kind == "furniture":
            continue
        lowered = " ".join(unit.text.casefold().split())
        if words and not any(word in lowered for word in words):
            continue  # no project word: no sentence here names a project
        folded = fold(text[unit.start : unit.end])  # one character for one: offsets hold
        for pattern, pattern_words in rules.named_project:
            if pattern_words and not any(word in lowered for word in pattern_words):
                continue
            for match in pattern.finditer(folded):
                name = _trim_name(
                    text, unit.start + match.start("name"), unit.start + match.end("name"), rules
                )
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
    if rules.partner_words is not None and "veto:programme" in organisation_evidence(
        value, rules.partner_words
    ):
        return None  # "un progetto Interreg Alpine Space": the programme, not the project
    acronyms = [is_acronym(word) or not any(char.isalpha() for char in word) for word in words]
    if any(acronyms) and not all(acronyms) and acronyms[-1]:
        # "the European Interreg Europe DEBUTING project": the name is the trailing acronym.
        keep = len(words)
        while keep > 0 and acronyms[keep - 1]:
            keep -= 1
        tail = " ".join(words[keep:])
        offset = value.rindex(words[keep])
        return ProjectName(tail, start + offset, end, "named_project")
    return ProjectName(" ".join(words), start, end, "named_project")


def dominant_name(
    text: str, units: list[Unit], words: PartnerWords | None = None
) -> ProjectName | None:
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
            if (
                not has_name_token(token)
                or _CODE.match(token)
                or (words is not None and is_legal_form(token, words))
            ):
                continue
            if _WORK_PACKAGE_TOKEN.match(token):
                continue  # "WP-Leader", "WP3": work-package words, not the project's name
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


def is_project_part(section: Section, rules: Rules) -> bool:
    """A section under a generic heading that holds a project's blocks ('Work packages' and
    its packages, 'Partners' and its list): right after a project, a part of it."""
    title = section.title
    return title is not None and is_generic(title, rules) and section.has_project_blocks


def absorb(project: Section, part: Section) -> None:
    """Given a project's section and the section of one of its parts that follows it, make the
    part's units the project's; its heading introduces the blocks under it."""
    project.parts.extend(
        replace(placed, slot="list_intro", block=-1) if placed.slot == "title" else placed
        for placed in part.parts
    )
    project.notes.extend(part.notes)


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


def _one_subject(strong: list[Section]) -> bool:
    """True when one name stands in at least half of the strong sections' titles (and in two or
    more): the sections are articles about one project ('IS-ENES3 at the HPCKP')."""
    counts: Counter[str] = Counter()
    for section in strong:
        if section.title is None:
            continue
        tokens = {
            token.strip(".,;:()[]\"'“”‘’!?@")
            for token in re.split(r"[\s@]+", section.title.text)
            if is_name_token(token)
        }
        counts.update(tokens)
    if not counts:
        return False
    _, count = counts.most_common(1)[0]
    return count >= _MIN_PROJECT_SECTIONS and count * 2 >= len(strong)


def is_many_projects(
    sections: list[Section], strong: list[Section], rules: Rules, named: bool = False
) -> bool:
    """Decide whether a document is a brochure of many projects: at least two strong project
    sections; or one, and another titled section whose title line has its shape (the document's
    title style); or, with none, at least two titled sections with text, all of one shape,
    unless the text names its project in a sentence (`named`: a news item's subheads are not
    projects)."""
    if len(strong) >= _MIN_PROJECT_SECTIONS:
        return not _one_subject(strong)
    candidates = [
        section
        for section in sections
        if section.title is not None and is_project_section(section, rules)
    ]
    shapes = {title_shape(section.title) for section in strong if section.title is not None}
    if (
        strong
        and sum(
            1 for section in candidates if section.title and title_shape(section.title) in shapes
        )
        >= _MIN_PROJECT_SECTIONS
    ):
        return True
    counts = Counter(title_shape(section.title) for section in candidates if section.title)
    return bool(counts) and max(counts.values()) >= _MIN_PROJECT_SECTIONS and not named


def fold_partner_profiles(
    sections: list[Section], rules: Rules, organisation_score: Callable[[str], int | None]
) -> bool:
    """Given a document's sections, turn partner profiles into partners: when most titled
    sections (at least three) are headed by an organisation's name ('Siemens AG', 'Uppsala
    Universitet') and hold no project blocks, the page presents one project's partners; each
    such heading becomes a partner and its text a note. Returns whether it did."""
    titled = [
        s
        for s in sections
        if s.title is not None and not is_generic(s.title, rules) and has_prose(s)
    ]
    profiles = [
        section
        for section in titled
        if section.title is not None
        and not section.has_project_blocks
        and (organisation_score(section.title.text) or 0) >= _STRONG_ORGANISATION
        and (
            rules.partner_words is None
            or names_organisation_kind(section.title.text, rules.partner_words)
        )
    ]
    if len(profiles) < _MIN_PROFILES or len(profiles) < _PROFILE_SHARE * len(titled):
        return False
    profiles = [
        section
        for section in titled
        if section.title is not None
        and not section.has_project_blocks
        and (organisation_score(section.title.text) or 0) >= _ORGANISATION
    ]
    for section in profiles:
        section.parts = [
            replace(part, slot="partner")
            if part.unit is section.title
            else replace(part, slot="partner_note")
            if part.slot in ("description", "field", "list_intro", "list_item")
            else part
            for part in section.parts
        ]
        section.title = None
    return True


def decide_projects(
    sections: list[Section],
    text: str,
    units: list[Unit],
    rules: Rules,
    organisation_score: Callable[[str], int | None] | None = None,
) -> Decision:
    """Given a document's sections, decide which are projects.

    With at least two strong project sections the document is a brochure of many projects. With
    fewer, it is a page about one project: its sections become one project, named by a title
    line written as a name, else by the project its sentences name most, else by the name the
    page repeats most.
    """
    folded = organisation_score is not None and fold_partner_profiles(
        sections, rules, organisation_score
    )
    strong = [section for section in sections if is_strong_project(section, rules)]
    found_names = named_projects(text, units, rules)
    named_in_text = bool(found_names)
    if not folded and is_many_projects(sections, strong, rules, named_in_text):
        previous: Section | None = None
        titles = {
            normalise_key(section.title.text) for section in strong if section.title is not None
        }
        projects: list[Section] = []
        others: list[Section] = []
        for section in sections:
            if is_project_section(section, rules) and not (
                section not in strong and lists_titles(section, titles)
            ):
                projects.append(section)
            elif projects and projects[-1] is previous and is_project_part(section, rules):
                absorb(projects[-1], section)
                continue  # the next section follows the project it joined
            else:
                others.append(section)
            previous = section
        return Decision(projects=projects, others=others)
    if not sections:
        return Decision(projects=[])
    kept = [
        section for section in sections if section.title is not None or section.has_project_blocks
    ] or sections
    merged = merge_sections(kept)
    others = [section for section in sections if all(section is not k for k in kept)]
    decision = Decision(
        projects=[merged],
        single_page=True,
        others=others,
        merged_titles=[
            section.title
            for section in kept
            if section.title is not None
            and not is_generic(section.title, rules)
            and has_prose(section)
            and not folded
        ],
    )
    title = merged.title
    if title is not None and is_generic(title, rules):
        title = None
    if title is not None and _TITLE_WITH_ACRONYM.search(title.text):
        return decision  # "Full title (ACR)": the title line names the project
    first_line = next((unit for unit in units if unit.kind != "furniture"), None)
    if first_line is not None and first_line.kind != "text":
        first_line = None
    token = None
    for heading in (first_line, title):
        if heading is not None and heading.line_start == heading.line_end and token is None:
            token = _recurring_name(heading, text)
    named = found_names
    if named and title is not None and any(_same_letters(n.value, title.text) for n in named):
        named = []  # "The Lab MOVE-UP project" under "Lab Move Up": the title line names it
    if token is not None:
        decision.names[0] = token
    elif named:
        counts = Counter(normalise_key(name.value) for name in named)
        decision.names[0] = max(
            named, key=lambda name: (counts[normalise_key(name.value)], -name.start)
        )
    elif title is not None:
        return decision
    else:
        fallback = dominant_name(text, units, rules.partner_words)
        if fallback is not None:
            decision.fallbacks[0] = fallback
    if merged.title is not None:
        heading = merged.title
        merged.title = None
        merged.parts = [
            replace(part, slot="description") if part.unit is heading else part
            for part in merged.parts
        ]
    return decision


def _same_letters(name: str, title: str) -> bool:
    """True when a name and a title are the same words, case and punctuation aside, or the
    title is the name with a word or two more ('Lab Move Up' for 'Lab MOVE-UP'); a headline
    that quotes the name is not."""
    name_letters = re.sub(r"[\W_]+", "", name).casefold()
    title_letters = re.sub(r"[\W_]+", "", title).casefold()
    return (
        bool(name_letters)
        and name_letters in title_letters
        and len(name_letters) >= _NAME_SHARE * len(title_letters)
    )


def _recurring_name(title: Unit, text: str) -> ProjectName | None:
    """Given a page's title line, return the word in it written as a name that the page uses
    again elsewhere ('MaMMoS' in 'Who we are — MaMMoS documentation'), or None."""
    for match in re.finditer(r"\S+", title.text):
        token = match.group().strip(".,;:()[]\"'“”‘’!?")
        if not is_name_token(token) or normalise_key(token) == normalise_key(title.text):
            continue
        if "+" in token.rstrip("+"):
            continue  # a keyboard shortcut ("Ctrl+K"), not a name
        if match.end() == len(title.text.rstrip()) and title.word_count <= _SHORT_TITLE_WORDS:
            return None  # "Full title ACR": the title line is the project's title
        elsewhere = text[: title.start] + text[title.end :]
        if re.search(rf"(?<![\w-]){re.escape(token)}(?![\w-])", elsewhere):
            start = title.start + match.start() + match.group().index(token)
            end = start + len(token)
            # "VIA ANTICA": the run of acronym words the name is written in.
            for following in re.finditer(r"\S+", title.text[end - title.start :]):
                word = following.group().strip(".,;:()[]\"'“”‘’!?")
                if not is_acronym(word) or following.start() > 1:
                    break
                end = end + following.start() + len(word)
            return ProjectName(text[start:end], start, end, "page_heading")
    return None
