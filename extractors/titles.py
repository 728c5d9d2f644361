"""Titles and acronyms: from the title line when there is one, inferred from the prose when not."""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractors.context import Extractor, SectionContext
from extractors.draft import ProjectDraft
from extractors.layout import Unit
from extractors.text import is_acronym
from schemas import ExtractionWarning

_PARENTHESISED = re.compile(r"^(?P<title>.+?)\s*\((?P<acronym>[^()\s]{2,20})\)\s*$")
_DASHED = re.compile(r"^(?P<title>.+?)\s+[-–—]\s+(?P<acronym>\S{2,20})\s*$")
# "AQUAMAR: Aquaculture for the Mediterranean", "GREENPORT - Green Ports for the Baltic": the
# acronym first, then the full title, capitalised and spelled out (a lower-case word in it).
_LEADING = re.compile(r"^(?P<acronym>\S{2,20}?)(?::|\s+[-–—])\s+(?P<title>\S+(?:\s+\S+)+)\s*$")
_EXPANDED = re.compile(
    r"(?P<acronym>(?:\b[A-Z][A-Z0-9.\-]+\s+){0,2}[A-Z][A-Z0-9.\-]+)\s*"
    r"\((?P<expansion>[^()]{4,120})\)"
)
_FOCUS = re.compile(
    r"^(?:the|this)\s+(?P<noun>laboratory|lab|project|initiative|hub|platform|network|programme|"
    r"program|observatory|centre|center|partnership|study)\s+"
    r"(?:focuses on|aims to|aims at|is dedicated to|deals with|will develop|develops|studies)\s+"
    r"(?:the\s+)?(?P<topic>[^,.;]+?)(?=\s+to\s+|\s+in order\b|\s+with the aim\b|[,.;]|$)",
    re.IGNORECASE,
)
_STOPWORDS = {"and", "of", "the", "for", "in", "on", "a", "an", "to", "with", "by", "at"}
_FIRST_WORDS = 8
_PROJECT_NAME_WORDS = 6


@dataclass(frozen=True)
class Found:
    """A value and its span in the kept text."""

    value: str
    start: int
    end: int


def is_acronym_name(name: str) -> bool:
    """Given a project's name, decide whether it is written as an acronym ('UniMaaS', 'MED
    STAR', 'AI REDGIO 5.0'): every word an acronym or a number, and a capital inside a word."""
    words = name.split()
    return bool(words) and all(
        is_acronym(word) or not any(char.isalpha() for char in word) for word in words
    )


_PROJECT_WORD = re.compile(
    r"^(?:(?:the|il|le|das|el)\s+)?(?:project|progetto|projekt|projet|proyecto|projecte)\s+"
    r"(?=[A-Z0-9\u00c0-\u00de“\"«„])",
    re.IGNORECASE,
)


def split_title_line(unit: Unit) -> tuple[Found, Found | None]:
    """Given a title line, return the title and, when the line carries one, the acronym. A
    title line 'Project NAME' ('Progetto VERDEMARE', 'Projekt NORDLICHT') names NAME."""
    prefix = _PROJECT_WORD.match(unit.text)
    if prefix and len(unit.text.split()) <= _PROJECT_NAME_WORDS:
        rest = unit.text[prefix.end() :]
        name = Found(rest.strip('“”"«»„'), unit.start + prefix.end(), unit.end)
        acronym = Found(name.value, name.start, name.end) if is_acronym(name.value) else None
        return name, acronym
    text = unit.text
    first, _, rest = text.partition(" ")
    rest = rest.strip()
    if (
        unit.line_end == unit.line_start + 1
        and is_acronym(first)
        and len(rest) == unit.last_line_length
    ):
        # The acronym on a line of its own above the full title (see `layout.build_units`).
        return (
            Found(rest, unit.end - len(rest), unit.end),
            Found(first, unit.start, unit.start + len(first)),
        )
    for pattern in (_PARENTHESISED, _DASHED, _LEADING):
        match = pattern.match(text)
        if match is None or not is_acronym(match.group("acronym")):
            continue
        title = match.group("title")
        if pattern is _LEADING and not (
            title[:1].isupper() and any(word.islower() for word in title.split())
        ):
            continue
        return _found(unit, match, "title"), _found(unit, match, "acronym")
    return Found(text, unit.start, unit.end), None


def _found(unit: Unit, match: re.Match[str], group: str) -> Found:
    """Given a unit, a match in its text and one of the match's groups, return the group's
    value and its span in the kept text."""
    return Found(match.group(group), unit.start + match.start(group), unit.start + match.end(group))


def _content_words(text: str) -> set[str]:
    return {word for word in re.findall(r"\w+", text.casefold()) if word not in _STOPWORDS}


def acronym_from_prose(title: str, title_unit: Unit, units: list[Unit]) -> Found | None:
    """Given a title with no acronym on its line, find one the prose gives for it.

    Three rules, in order: 'ICC HUB (Cultural and Creative Industries)' whose expansion repeats
    the title's words; the title's own last word written as an acronym and used again in the text
    ('... Multistakeholder IT-ER'); the title written again in capitals ('Lab Move Up' /
    'Lab MOVE-UP').
    """
    title_words = _content_words(title)
    for unit in units:
        for match in _EXPANDED.finditer(unit.text):
            if len(_content_words(match.group("expansion")) & title_words) >= 2:
                return _found(unit, match, "acronym")
    words = title.split()
    last = words[-1] if words else ""
    reused = any(re.search(rf"(?<!\w){re.escape(last)}(?!\w)", unit.text) for unit in units)
    spelled_out = not all(is_acronym(word) for word in words[:-1])
    if len(words) >= 3 and is_acronym(last) and spelled_out and reused:
        start = title_unit.start + title.rfind(last)
        return Found(last, start, start + len(last))
    return _title_in_capitals(title, units)


def _title_in_capitals(title: str, units: list[Unit]) -> Found | None:
    """Find the title written again with a word in capitals ('Lab Move Up' / 'Lab MOVE-UP') and
    return that word: the run of words whose letters, ignoring case and hyphens, are the title's."""
    letters = re.sub(r"[\W_]+", "", title).casefold()
    if len(letters) < 4:
        return None
    for unit in units:
        if letters not in re.sub(r"[\W_]+", "", unit.text).casefold():
            continue  # the words of a match run together: their letters are in the line's
        words = list(re.finditer(r"[\w\-]+", unit.text))
        for first in range(len(words)):
            joined = ""
            for last in range(first, len(words)):
                joined += re.sub(r"[\W_]+", "", words[last].group()).casefold()
                if not letters.startswith(joined):
                    break
                if joined != letters:
                    continue
                capitals = [
                    word
                    for word in words[first : last + 1]
                    if is_acronym(word.group()) and len(word.group()) >= 3
                ]
                if capitals:
                    word = capitals[0]
                    return Found(word.group(), unit.start + word.start(), unit.start + word.end())
                break
    return None


def infer_title(context: SectionContext, units: list[Unit]) -> tuple[Found, Found | None, str]:
    """Given a section without a title line, infer a title (and acronym) and name the rule used."""
    toolkit = context.toolkit
    for unit in units:
        span = context.span(unit.start, unit.end)
        for _, start, _ in toolkit.named_project(span):
            name = span[start]
            acronym = name.text if name.text.isupper() else None
            found = Found(name.text, name.idx, name.idx + len(name.text))
            return (
                found,
                (Found(acronym, found.start, found.end) if acronym else None),
                "named_project",
            )
    for unit in units:
        match = _FOCUS.match(unit.text)
        if match:
            noun = match.group("noun").capitalize()
            topic = match.group("topic").strip()
            found = Found(
                f"{noun}: {topic}",
                unit.start + match.start("topic"),
                unit.start + match.end("topic"),
            )
            return found, None, "subject_focus"
    if context.fallback_name is not None:
        fallback = context.fallback_name
        return Found(fallback.value, fallback.start, fallback.end), None, fallback.rule
    if not units:
        # Only headings, no prose at all: name the section by where it starts.
        first = context.section.parts[0].unit
        return (
            Found(f"Untitled section at line {first.line_start}", first.start, first.end),
            None,
            "no_text",
        )
    first = units[0]
    words = first.text.split()
    title = " ".join(words[:_FIRST_WORDS]).rstrip(",.;:") + (
        "…" if len(words) > _FIRST_WORDS else ""
    )
    prefix = " ".join(words[:_FIRST_WORDS])
    return Found(title, first.start, first.start + len(prefix)), None, "first_words"


def extract_title(context: SectionContext, draft: ProjectDraft) -> ProjectDraft:
    """Set the section's title, whether it was inferred, and its acronym, with evidence."""
    section = context.section
    prose = section.units("description", "list_intro", "list_item", "partner_prose", "role_text")
    locate = context.locator.evidence
    if section.title is not None:
        title, acronym = split_title_line(section.title)
        if acronym is None:
            acronym = acronym_from_prose(title.value, section.title, prose)
        rule, inferred = "title_line", False
    elif context.name is not None:
        name = context.name
        title = Found(name.value, name.start, name.end)
        acronym = Found(name.value, name.start, name.end) if is_acronym_name(name.value) else None
        if acronym is None and len(name.value.split()) > 1:
            # "IS-ENES3 H2020 Research Infrastructure": the name's first acronym is its acronym.
            for match in re.finditer(r"\S+", name.value):
                if is_acronym(match.group()) and any(c.isalpha() for c in match.group()):
                    start = name.start + context.locator.text[name.start : name.end].find(
                        match.group()
                    )
                    acronym = Found(match.group(), start, start + len(match.group()))
                    break
        rule, inferred = name.rule, True
        draft.warnings.append(
            ExtractionWarning(
                code="title_inferred",
                message=f"the page has no title line for its project; named '{title.value}' "
                f"({rule})",
                evidence=locate(title.start, title.end, rule),
            )
        )
    else:
        title, acronym, rule = infer_title(context, prose)
        inferred = True
        draft.warnings.append(
            ExtractionWarning(
                code="title_inferred",
                message=f"the section has no title line; title '{title.value}' inferred ({rule})",
                evidence=locate(title.start, title.end, rule),
            )
        )
    draft.title = title.value.strip()
    draft.title_inferred = inferred
    draft.title_evidence = locate(title.start, title.end, rule)
    draft.acronym = acronym.value if acronym else None
    draft.acronym_evidence = locate(acronym.start, acronym.end, "acronym") if acronym else None
    return draft


TITLE_EXTRACTOR = Extractor(
    "title",
    extract_title,
    assigns=("title", "title_inferred", "title_evidence", "acronym", "acronym_evidence"),
)
