"""Partners: only from a section's partner list, each entry parsed into a name and its parts."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from extractors.context import Extracted, SectionContext
from extractors.rules import Rules
from extractors.text import fold, normalise_key
from extractors.titles import is_acronym
from schemas import ExtractionWarning, Partner

_TRAILING_PARENTHESIS = re.compile(r"^(?P<name>.+?)\s*\((?P<inside>[^()]+)\)$")
_SHORT_IN_PARENTHESES = re.compile(r"\s*\((?P<short>[^()\s]{1,15})\)")


@dataclass(frozen=True)
class ParsedName:
    """A partner entry split into its parts (all plain strings, no evidence yet)."""

    name: str
    short_name: str | None = None
    kind: str = "organisation"
    affiliation: str | None = None
    via: str | None = None


def strip_trailing_period(text: str, abbreviations: list[str]) -> str:
    """Given a name, drop a final period unless it ends an abbreviation ('soc. coop.')."""
    text = text.strip()
    if not text.endswith("."):
        return text
    last = text.split()[-1]
    if any(last.casefold() == abbreviation.casefold() for abbreviation in abbreviations):
        return text
    if re.fullmatch(r"(?:[A-Za-z]\.){2,}", last):  # initials such as "S.p.A." are kept
        return text
    return text[:-1].rstrip()


def _split_separator(text: str, separators: list[str]) -> ParsedName:
    folded = fold(text)
    for separator in separators:
        index = folded.find(fold(separator))
        if index < 0:
            continue
        left, right = text[:index].strip(), text[index + len(separator) :].strip()
        if is_acronym(right) and " " not in right:
            return ParsedName(name=left, short_name=right)
        if is_acronym(left) and " " not in left:
            return ParsedName(name=right, short_name=left)
    return ParsedName(name=text)


def parse_partner(text: str, rules: Rules) -> ParsedName:
    """Given one partner-list entry (marker removed), return its name and parts."""
    names = rules.patterns.names
    text = strip_trailing_period(" ".join(text.split()), names.abbreviations)
    for title in sorted(names.person_titles, key=len, reverse=True):
        if text.startswith(title + " "):
            person = text[len(title) :].strip()
            match = _TRAILING_PARENTHESIS.match(person)
            if match:
                return ParsedName(
                    name=match.group("name"),
                    kind="person",
                    affiliation=match.group("inside").strip(),
                )
            return ParsedName(name=person, kind="person")
    lowered = text.casefold()
    for phrase in sorted(names.via_phrases, key=len, reverse=True):
        index = lowered.find(f" {phrase.casefold()} ")
        if index >= 0:
            return ParsedName(
                name=text[:index].strip(), via=text[index + len(phrase) + 2 :].strip()
            )
    short = _SHORT_IN_PARENTHESES.search(text)
    if short and len(short.group("short")) <= 12:
        name = (text[: short.start()] + text[short.end() :]).strip()
        return ParsedName(name=re.sub(r"\s+,", ",", name), short_name=short.group("short"))
    return _split_separator(text, names.name_separators)


def canonical_organisation(parsed: ParsedName, text: str, rules: Rules) -> str | None:
    """Given a parsed entry, return the known organisation it names, if any."""
    for candidate in (parsed.name, text, parsed.short_name):
        if candidate:
            organisation = rules.alias_to_organisation.get(normalise_key(candidate))
            if organisation:
                return organisation
    return None


def extract_partners(context: SectionContext, found: dict[str, Any]) -> Extracted:
    """Return the partners of the section's partner list; other lists never yield partners."""
    section = context.section
    result = Extracted()
    publisher = context.publisher
    for unit in section.units("partner"):
        parsed = parse_partner(unit.text, context.rules)
        canonical = canonical_organisation(parsed, unit.text, context.rules)
        result.fields.setdefault("partners", []).append(
            Partner(
                name=parsed.name,
                short_name=parsed.short_name,
                kind=parsed.kind,  # type: ignore[arg-type]
                affiliation=parsed.affiliation,
                via=parsed.via,
                canonical_name=canonical,
                is_publisher=canonical is not None and canonical == publisher,
                text=" ".join(unit.text.split()),
                evidence=context.locator.evidence(unit.start, unit.end, "partner_list"),
            )
        )
    for index, part in enumerate(section.parts):
        following = section.parts[index + 1].slot if index + 1 < len(section.parts) else None
        if part.slot == "partners_heading" and following in (
            None,
            "role_heading",
            "partners_heading",
            "beneficiary",
        ):
            result.warnings.append(
                ExtractionWarning(
                    code="partner_heading_empty",
                    message="the partner heading has nothing under it",
                    evidence=context.locator.evidence(part.unit.start, part.unit.end),
                )
            )
    return result
