"""Work packages: headed ('WP1: Title', 'NA1 (WP2): Title'), in a table with a lead-partner
column, or named in prose ('leads workpackage Multi-scale Modelling', 'leads ... of WP8'),
each with its leader where the text gives one, and whether the publisher leads it."""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractors.context import Extractor, SectionContext
from extractors.draft import ProjectDraft
from extractors.layout import Unit
from extractors.roles import find_work_packages
from extractors.text import fold, normalise_key
from schemas import ExtractionWarning, WorkPackage

_LEAD_VERBS = (
    r"(?:leads|is\s+leading|is\s+the\s+leader\s+of|coordinates|manages|is\s+responsible\s+for)"
)
# "leads workpackage Multi-scale Modelling", "leads work package Software framework, which ..."
_NAMED = re.compile(
    rf"{_LEAD_VERBS}\s+(?:the\s+)?work\s*-?\s*package\s+(?P<title>[A-Z][^.;]*?)"
    r"(?=,\s*(?:which|that|where|including)\b|\.\s|\.$|;|$)"
)
# "leads Communication, Dissemination and Liaisons activities of WP8"
_BEFORE_NUMBER = re.compile(
    rf"{_LEAD_VERBS}\s+(?:the\s+)?(?P<title>[A-Z][^.;]*?)\s+(?:activities\s+|tasks\s+)?"
    r"(?:of|in|within)\s+(?:the\s+)?(?:WP|work\s*package\s*)(?P<number>\d{1,2})\b"
)
# 'work package 6 "Services on European ESMs"'
_QUOTED = re.compile(
    r"\bwork\s*-?\s*package\s+(?P<number>\d{1,2})\s+[\"“”'‘’](?P<title>[^\"“”'‘’]{3,120})[\"“”'‘’]",
    re.IGNORECASE,
)
# "(WP10/JRA3)": a number and the activity code that stands for its title
_CODED = re.compile(r"\(\s*WP\s*(?P<number>\d{1,2})\s*/\s*(?P<title>[A-Z]{2,5}\d{0,2})\s*\)")
_LEADER_LABEL = re.compile(
    r"^(?:WP\s*-?\s*)?(?:leaders?|lead(?:er)?s?|coordinators?|lead\s+partners?|responsible)\s*:?\s*"
    r"(?P<value>.*)$",
    re.IGNORECASE,
)
# A leader written on the heading after the title: "Field trials (lead: X)", "(Leader: X)",
# "(led by X)", "Dissemination, led by X", "Training – Leader: X", "(capofila: X)",
# "(Leitung: X)", "(responsable : X)", "coordinato da X".
_LEADER_WORDS = (
    r"(?:lead(?:er)?|coordinator|responsible|capofila|responsabile|coordinatore|leitung|"
    r"responsable|pilote)"
)
_LED_BY = r"(?:led|coordinated|coordinato|coordinata|guidato|guidata|geleitet|coordonné|piloté)"
_BY = r"(?:by|da|dal|dalla|von|vom|par)"
_HEADING_LEADER = re.compile(
    rf"(?:\s*\(\s*(?:WP\s*)?(?:{_LEADER_WORDS}|{_LED_BY}\s+{_BY})"
    r"\s*:?\s*(?P<inner>[^()\s][^()]*?)\s*\)"
    rf"|\s*[,;]?\s+{_LED_BY}\s+{_BY}\s+(?P<by>[^,;()\s][^,;()]*?)"
    rf"|\s+[–—-]\s+{_LEADER_WORDS}\s*:\s*(?P<labelled>[^()\s][^()]*?))"
    r"\s*$",
    re.IGNORECASE,
)
_EMAIL = re.compile(r"\S+@\S+")
_SUBJECT = re.compile(r"^(?P<subject>[A-Z][^,.;]{1,80}?)(?:,[^,]{1,40},)?\s+" + _LEAD_VERBS)
_TABLE_NUMBER = re.compile(r"\b(?:wp|work\s*package)\b|#", re.IGNORECASE)
_TABLE_TITLE = re.compile(r"\b(?:title|name|work\s*package|description)\b", re.IGNORECASE)
_TABLE_LEADER = re.compile(r"\b(?:lead|leader|partner|coordinator|responsible)\b", re.IGNORECASE)


@dataclass(frozen=True)
class FoundPackage:
    """A work package found in a section, before it becomes a record."""

    number: int | None
    title: str
    start: int
    end: int
    rule: str
    leader: str | None = None
    lead: bool = False


def _headed(context: SectionContext) -> list[FoundPackage]:
    """Work packages under their headings, with the leaders listed in their block."""
    section = context.section
    found = []
    for part in section.parts:
        if part.slot != "work_package" or part.unit.value_start is None:
            continue
        unit = part.unit
        title, named = _heading_leader(
            context.locator.text[unit.value_start : unit.end].strip(" „“”\"«»'")
        )
        block = [
            p.unit for p in section.parts if p.slot == "work_package_text" and p.block == part.block
        ]
        found.append(
            FoundPackage(
                unit.number,
                title,
                unit.start,
                unit.end,
                "work_package_heading",
                leader=_block_leaders(block) or named,
            )
        )
    return found


def _heading_leader(title: str) -> tuple[str, str | None]:
    """Given a work package heading's title, return the title without the leader written
    after it ('Field trials (lead: X)'), and that leader (None: none)."""
    match = _HEADING_LEADER.search(title)
    if match is None or match.start() == 0:
        return title, None
    leader = match.group("inner") or match.group("by") or match.group("labelled")
    return title[: match.start()].rstrip(" ,;–—-"), leader


def _block_leaders(units: list[Unit]) -> str | None:
    """Given the lines of a work package's block, return its leaders as written after a
    'WP leaders' or 'Coordinator:' line: 'Name (Organisation)' each, joined with '; '."""
    leaders: list[str] = []
    collecting = False
    for unit in units:
        text = unit.text.strip()
        match = _LEADER_LABEL.match(text)
        if match and len(text.split()) <= 6 + len(match.group("value").split()):
            collecting = True
            value = match.group("value").strip()
            if value:
                leaders.append(value)
            continue
        if not collecting:
            continue
        if _EMAIL.fullmatch(text) or text.lower().startswith("deputy"):
            continue
        if text.startswith("(") and leaders:
            leaders[-1] = f"{leaders[-1]} {text}"
        elif len(text.split()) <= 6 and not text.endswith("."):
            leaders.append(text)
        else:
            break
    return "; ".join(leaders) or None


def _tabled(context: SectionContext) -> list[FoundPackage]:
    """Work packages in a table whose header has a number column ('WP#') and a title column;
    a lead-partner column gives each one's leader."""
    rows = [part.unit for part in context.section.parts if part.slot == "table_row"]
    found: list[FoundPackage] = []
    text = context.locator.text
    if len(rows) < 2:
        return found
    header = [text[start:end] for start, end in rows[0].cells]
    number = next((i for i, cell in enumerate(header) if _TABLE_NUMBER.search(cell)), None)
    title = next(
        (i for i, cell in enumerate(header) if i != number and _TABLE_TITLE.search(cell)), None
    )
    leader = next(
        (
            i
            for i, cell in enumerate(header)
            if i not in (number, title) and _TABLE_LEADER.search(cell)
        ),
        None,
    )
    if number is None or title is None:
        return found
    for row in rows[1:]:
        cells = [text[start:end] for start, end in row.cells]
        if max(number, title) >= len(cells):
            continue
        digits = re.search(r"\d{1,2}", cells[number])
        if digits is None:
            continue
        start, end = row.cells[title]
        found.append(
            FoundPackage(
                int(digits.group()),
                cells[title].strip(),
                start,
                end,
                "work_package_table",
                leader=cells[leader].strip()
                if leader is not None and leader < len(cells)
                else None,
            )
        )
    return found


def _in_prose(context: SectionContext) -> list[FoundPackage]:
    """Work packages named in prose, with the organisation that leads them: the sentence's
    subject, or the partner whose profile the sentence stands in."""
    section = context.section
    found: list[FoundPackage] = []
    profile: str | None = None
    for part in section.parts:
        if part.slot == "partner":
            profile = part.unit.text
            continue
        if part.slot not in ("description", "partner_note", "list_item", "field", "partner_prose"):
            continue
        unit = part.unit
        text = fold(context.locator.text[unit.start : unit.end].replace("\n", " "))
        for pattern, rule in (
            (_NAMED, "work_package_named"),
            (_BEFORE_NUMBER, "work_package_named"),
        ):
            for match in pattern.finditer(text):
                leader = _subject(text, match.start()) or profile
                number = match.groupdict().get("number")
                found.append(
                    FoundPackage(
                        int(number) if number else None,
                        match.group("title").strip(),
                        unit.start + match.start("title"),
                        unit.start + match.end("title"),
                        rule,
                        leader=leader if part.slot != "partner_note" else profile,
                        lead=_is_publisher(context, leader),
                    )
                )
        for pattern in (_QUOTED, _CODED):
            for match in pattern.finditer(text):
                found.append(
                    FoundPackage(
                        int(match.group("number")),
                        match.group("title").strip(),
                        unit.start + match.start(),
                        unit.start + match.end(),
                        "work_package_mention",
                    )
                )
    return found


def _subject(text: str, verb_at: int) -> str | None:
    """Given a sentence and where its verb stands, return the subject before it when it is a
    name ('AFIL, within the project, leads ...' -> 'AFIL')."""
    start = max(text.rfind(". ", 0, verb_at) + 2, 0) if ". " in text[:verb_at] else 0
    match = _SUBJECT.match(text[start : verb_at + 40])
    if match is None:
        return None
    subject = match.group("subject").strip()
    subject = re.sub(r"^(?:The|the)\s+", "", subject)
    return subject if len(subject.split()) <= 8 else None


def _is_publisher(context: SectionContext, name: str | None) -> bool:
    if not name or not context.publisher:
        return False
    canonical = context.rules.alias_to_organisation.get(normalise_key(name), name)
    return normalise_key(canonical) == normalise_key(context.publisher)


def _unique(packages: list[FoundPackage]) -> list[FoundPackage]:
    """Keep the first of each work package (by number, else by title); a later mention fills a
    leader the first lacked."""
    kept: list[FoundPackage] = []
    for package in packages:
        same = next(
            (
                index
                for index, seen in enumerate(kept)
                if (package.number is not None and seen.number == package.number)
                or normalise_key(seen.title) == normalise_key(package.title)
            ),
            None,
        )
        if same is None:
            kept.append(package)
        elif kept[same].leader is None and package.leader is not None:
            first = kept[same]
            kept[same] = FoundPackage(
                first.number,
                first.title,
                first.start,
                first.end,
                first.rule,
                leader=package.leader,
                lead=first.lead or package.lead,
            )
    return kept


def extract_work_packages(context: SectionContext, draft: ProjectDraft) -> ProjectDraft:
    """Set the section's work packages: the publisher's, from its role paragraphs, and the
    project's, from work-package headings, tables and prose."""
    locate = context.locator.evidence
    packages: list[WorkPackage] = []
    for unit in context.section.units("role_text"):
        role_packages = find_work_packages(unit, context.rules)
        for number, title, lead, start, end in role_packages:
            packages.append(
                WorkPackage(
                    number=number,
                    title=title,
                    lead=lead,
                    leader=context.publisher if lead else None,
                    text=context.locator.text[start:end],
                    evidence=locate(start, end, "work_package"),
                )
            )
        if not role_packages and re.search(
            r"\bWP\s*\d+|\bwork\s*package\b", unit.folded, re.IGNORECASE
        ):
            draft.warnings.append(
                ExtractionWarning(
                    code="work_package_unparsed",
                    message="a work package is mentioned but its number, title or role "
                    "was not read",
                    evidence=locate(unit.start, unit.end),
                )
            )
    known = {(package.number, normalise_key(package.title)) for package in packages}
    numbers = {package.number for package in packages if package.number is not None}
    for package in _unique(_headed(context) + _tabled(context) + _in_prose(context)):
        if package.number in numbers or (package.number, normalise_key(package.title)) in known:
            continue
        packages.append(
            WorkPackage(
                number=package.number,
                title=package.title,
                lead=package.lead,
                leader=package.leader,
                text=context.locator.text[package.start : package.end],
                evidence=locate(package.start, package.end, package.rule),
            )
        )
    draft.work_packages = packages
    return draft


WORK_PACKAGES_EXTRACTOR = Extractor(
    "work_packages", extract_work_packages, assigns=("work_packages",)
)
