"""Partners: only from a section's partner list, each entry parsed into a name and its parts."""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractors.context import Extractor, SectionContext
from extractors.draft import ProjectDraft
from extractors.layout import Unit
from extractors.partner_reading import STRONG_ORGANISATION, names_organisation_kind, not_a_partner
from extractors.partner_text import (
    Item,
    is_contact_line,
    label_kind,
    organisation_score,
    read_partner_item,
    split_enumeration,
)
from extractors.role_sentences import same_organisation
from extractors.rules import ORGANISATION, Rules
from extractors.segment import is_name_token
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


@dataclass(frozen=True)
class Mention:
    """A partner found in a section: the words naming it, their span, the rule that found it,
    and its consortium role where the text states it."""

    text: str
    start: int
    end: int
    rule: str
    role: str | None = None


# The consortium role of the one partner a coordinator or lead label names.
_LABEL_ROLES = {"coordinator": "coordinator", "lead": "lead_partner", "associated": "associated"}
_SINGLE_END = re.compile(
    r"\s*(?:[,;(]|\.\s|\.$|\s[-–—]\s|\s(?:in|and|e|ed|und|et|y|together|che|which|who|con|with|"
    r"through|per|pour|für|para)\s)"
)
_SENTENCE_END = re.compile(r"\.(?=\s+[A-ZÀ-Þ])|\.$|;\s")
_SLASH = re.compile(r"\s*/\s*")
_COMMA_ITEMS = 3
_SEMICOLON_ITEMS = 2
_COLON_REACH = 60
_SKIPPED_ITEMS = 3
_CLEAR_ORGANISATION = 3
_ORGANISATION_SHARE = 2 / 3
_LIST_ITEMS = 3
_TABLE_PARTNER_HEADS = re.compile(
    r"\b(?:lead\s+partner|partner|beneficiar(?:y|ies)|organi[sz]ation|institution|coordinator|"
    r"capofila|ente|soggetto|partenaire|socio|leader)\b",
    re.IGNORECASE,
)
_TABLE_PERSON_HEADS = re.compile(r"\b(?:name|pi|person|contact|team|member|e-?mail)\b", re.I)
_TABLE_ROLE_HEADS = re.compile(r"\b(?:role|ruolo|rolle|rôle|rol)\b", re.IGNORECASE)


def _score(context: SectionContext, text: str) -> int | None:
    words = context.rules.partner_words
    return organisation_score(text, words) if words is not None else None


def _reads_as_organisations(context: SectionContext, items: list[Item], least: int) -> bool:
    """True when enough of the items (two thirds) read as organisations (score from `least`)."""
    readable = [item for item in items if (_score(context, item.text) or -1) >= least]
    return bool(items) and len(readable) >= _ORGANISATION_SHARE * len(items)


def _enumerate(context: SectionContext, text: str, start: int) -> list[Item]:
    words = context.rules.partner_words
    return split_enumeration(text, start, words) if words is not None else []


def _listed_in_line(context: SectionContext, unit: Unit) -> list[Mention] | None:
    """An unmarked line of several organisations ('AstraZeneca, Bayer, BSC, ...'; two are
    enough when a semicolon, which no name holds, sets them apart), or None."""
    needed = _SEMICOLON_ITEMS if ";" in unit.text else _COMMA_ITEMS
    if unit.text.count(",") + unit.text.count(";") < needed - 1:
        return None  # fewer separators than a list of several needs
    items = _enumerate(context, unit.text, unit.start)
    if len(items) < needed or not _reads_as_organisations(context, items, 1):
        return None
    return [
        Mention(item.text, item.start, item.end, "partner_enumeration", item.role) for item in items
    ]


def _slash_line(context: SectionContext, unit: Unit) -> list[Mention]:
    """A line of organisations separated by slashes ('Lab A / CSIC / Universitat de
    Barcelona'): each piece between slashes is one partner, commas and all."""
    text = context.locator.text[unit.start : unit.end]
    if text.count("/") < 2 or "://" in text or is_contact_line(text):
        return []  # a web address, or an address line: "Commission, 1049 Bruxelles/... - Tel."
    pieces, position = [], 0
    for match in [*_SLASH.finditer(text), None]:
        end = match.start() if match else len(text)
        piece = text[position:end]
        stripped = piece.strip().rstrip(".")
        if stripped:
            offset = position + piece.index(stripped)
            pieces.append(Item(stripped, unit.start + offset, unit.start + offset + len(stripped)))
        position = match.end() if match else len(text)
    if len(pieces) < _COMMA_ITEMS or not _reads_as_organisations(context, pieces, 2):
        return []
    return [Mention(p.text, p.start, p.end, "partner_line") for p in pieces]


def _cue_mentions(context: SectionContext, unit: Unit) -> list[Mention]:
    """Partners named in prose after a cue: 'led by CNRS', 'the partners are A, B and C',
    'in collaborazione con i partner A, B e C', 'X ist der Leadpartner'."""
    found: list[Mention] = []
    text = context.locator.text[unit.start : unit.end].replace("\n", " ")
    lowered = text.casefold()
    words = context.rules.patterns.layout.partner_cue_words
    if words and not any(word in lowered for word in words):
        return found  # no cue can match: most paragraphs name no partner
    for pattern, kind, role, cue_words in context.rules.partner_cues:
        if cue_words and not any(word in lowered for word in cue_words):
            continue
        for match in pattern.finditer(text):
            if kind == "subject":
                mention = _subject_before(context, text, unit.start, match.start(), role)
                if mention is not None:
                    found.append(mention)
                continue
            rest = text[match.end() :]
            end = (_SINGLE_END if kind == "single" else _SENTENCE_END).search(rest)
            segment = rest[: end.start()] if end else rest
            offset = unit.start + match.end()
            if kind == "single":
                items = _enumerate(context, segment, offset)[:1]
                found.extend(
                    Mention(item.text, item.start, item.end, "partner_prose", item.role or role)
                    for item in items
                    if _capitalised(item.text) and (_score(context, item.text) or -1) >= 1
                )
                continue
            colon = segment.find(":")
            if 0 <= colon < _COLON_REACH:
                # "... the following partners, cities and regions: A, B, C"
                offset += colon + 1
                segment = segment[colon + 1 :]
            found.extend(_enumerated_organisations(context, segment, offset, role))
    return found


def _capitalised(text: str) -> bool:
    letter = next((char for char in text if char.isalnum()), "")
    return letter.isupper()


def _is_connector(context: SectionContext, word: str) -> bool:
    """True when a lower-case word may stand inside a name ('of', 'di', 'für'): the partner
    lexicon's name connectors."""
    words = context.rules.partner_words
    return words is not None and normalise_key(word) in words.connector_keys


_LOWER_WORDS = 2  # "Communauté de communes du Lac", "Ministero dello Sviluppo economico"


def _named_organisation(context: SectionContext, text: str) -> bool:
    """True when an enumeration item names an organisation: capitalised, read as one, and
    not a phrase (at most two lower-case words besides connectors)."""
    if not _capitalised(text) or (_score(context, text) or -1) < 2:
        return False
    lower = [
        word
        for word in re.findall(r"[^\W\d_][\w'’-]*", text)
        if word[0].islower() and not _is_connector(context, word)
    ]
    # An acronym first ("DiT-BeCs Distretto delle tecnologie ...") names the organisation.
    return len(lower) <= _LOWER_WORDS or is_name_token(text.split()[0])


def _named_tail(context: SectionContext, item: Item) -> Item | None:
    """The shortest run of capitalised words ending an item that reads clearly as an
    organisation ('... sind außer der Universität die Fachhochschule Seestadt' -> 'Fachhochschule
    Seestadt'), or None."""
    words = list(re.finditer(r"\S+", item.text))
    for first in range(len(words) - 1, -1, -1):
        run = words[first:]
        if (
            not all(w.group()[0].isupper() or _is_connector(context, w.group()) for w in run)
            or not run[0].group()[0].isupper()
        ):
            continue
        text = item.text[run[0].start() :]
        if "(" in text or ")" in text:
            continue
        lexicon = context.rules.partner_words
        clear = (_score(context, text) or -1) >= _CLEAR_ORGANISATION and (
            lexicon is None
            or names_organisation_kind(text, lexicon)
            or is_name_token(run[0].group())
        )
        if clear:  # a place and its country ("Laugarvik, Iceland") is no organisation
            return Item(text, item.start + run[0].start(), item.end, item.role)
    return None


def _enumerated_organisations(
    context: SectionContext, segment: str, offset: int, role: str
) -> list[Mention]:
    """The organisations an enumeration names: its items (or the organisation ending an item,
    '... figurano la Regione Marche'), after up to three that name none, up to the first that
    names none once they began. One lone word is not taken: a cue word above a heading
    ('PARTNER INFORMATION') or before another noun ('partner of the WP') is no enumeration."""
    items = [
        piece
        for item in _enumerate(context, segment, offset)
        for piece in _split_joined(_trim_clause(item))
    ]
    found: list[Mention] = []
    skipped = 0
    for item in items:
        item = _without_preposition(item)
        named = item if _named_organisation(context, item.text) else _named_tail(context, item)
        if named is not None:
            found.append(
                Mention(named.text, named.start, named.end, "partner_prose", item.role or role)
            )
            continue
        if found or skipped >= _SKIPPED_ITEMS:
            break  # the enumeration has ended: what follows is no organisation
        skipped += 1
    if len(found) == 1 and len(found[0].text.split()) == 1:
        return []
    return found


_PREPOSITION = re.compile(
    r"^(?:(?:(?:di|del|della|dello|dei|degli|delle|de|du|des|de\s+la|von|vom|mit|of|with|con|"
    r"avec|da|dalla|dal|al|alla|allo|ai|agli|alle|au|aux|zu|zum|zur|in|at|for|to|on)\s+)"
    r"|(?:dell|all|dall|de\s+l|d|l)['’])+(?:(?:der|die|das|dem|den|the|la|le|il|lo|los|las|el|"
    r"les|i|gli)\s+|l['’])?",
    re.IGNORECASE,
)


_JOINED = re.compile(
    r"\s+(?:e|ed|and|und|et|y)\s+(?=(?:al|alla|allo|ai|agli|alle|del|della|dello|dei|the|la|le|il|"
    r"der|die|dem)\s|(?:all|dell|l)['’])",
    re.IGNORECASE,
)


def _split_joined(item: Item) -> list[Item]:
    """Given an enumeration item, split it where a conjunction joins a second organisation
    behind its preposition ('Fondazione Aurora e all'Università di Monteverde')."""
    pieces, position = [], 0
    matches = [
        match
        for match in _JOINED.finditer(item.text)
        if _capitalised(_PREPOSITION.sub("", item.text[match.end() :], count=1))
    ]
    for match in [*matches, None]:
        end = match.start() if match else len(item.text)
        pieces.append(
            Item(item.text[position:end], item.start + position, item.start + end, item.role)
        )
        position = match.end() if match else len(item.text)
    return pieces


def _without_preposition(item: Item) -> Item:
    """Given an enumeration item, drop a leading preposition and its article ('del Instituto
    X' -> 'Instituto X', 'mit der FH Y' -> 'FH Y')."""
    match = _PREPOSITION.match(item.text)
    if not match or match.end() >= len(item.text):
        return item
    return Item(item.text[match.end() :], item.start + match.end(), item.end, item.role)


_SUBJECT = re.compile(rf"(?:{ORGANISATION})\s*,?\s*$")


def _subject_before(
    context: SectionContext, text: str, base: int, at: int, role: str
) -> Mention | None:
    """The organisation standing right before a predicate ('Die Universität Nordhafen' in
    '... ist der Leadpartner'), within its sentence."""
    sentence_start = max(text.rfind(". ", 0, at) + 2, 0) if ". " in text[:at] else 0
    match = _SUBJECT.search(text[sentence_start:at])
    if match is None:
        return None
    name = match.group("name")
    if (_score(context, name) or -1) < 2:
        return None
    start = base + sentence_start + match.start("name")
    return Mention(name, start, start + len(name), "partner_prose", role)


_CLAUSE = re.compile(r"\s+[–—-]\s+[a-zà-ÿ].*$|\)$")


def _trim_clause(item: Item) -> Item:
    """Given an enumeration item, drop a clause after a dash in lower case ('Regione X – in 11
    Paesi') and an unopened closing bracket ('Autorità Portuale)')."""
    text = item.text
    if text.endswith(")") and text.count("(") < text.count(")"):
        text = text[:-1].rstrip()
    match = re.search(r"\s+[–—-]\s+[a-zà-ÿ]", text)
    if match:
        text = text[: match.start()]
    return Item(text, item.start, item.start + len(text), item.role)


_NAME_WITH_PLACE = re.compile(
    r"(?P<name>[A-ZÀ-Þ][\w&.'’-]*(?:\s+[A-ZÀ-Þ][\w&.'’-]*){0,4})\s*\((?P<place>[^()]{2,30})\)"
)


def _organisation_suffix(context: SectionContext, name: str) -> str | None:
    """Given capitalised words before a bracket, return the longest run ending the words that
    reads clearly as an organisation ('EU. MASZK' -> 'MASZK'), or None."""
    words = name.split()
    cut = max((index + 1 for index, word in enumerate(words) if word.endswith(".")), default=0)
    words = words[cut:]
    for first in range(len(words)):
        candidate = " ".join(words[first:])
        if (_score(context, candidate) or -1) >= _CLEAR_ORGANISATION:
            return name[name.rindex(words[first]) :] if first else name[name.index(words[0]) :]
    return None


def _with_country(context: SectionContext, unit: Unit) -> list[Mention]:
    """Organisations named in prose with their country in brackets ('MASZK (Ungarn)'): a
    page presenting its partners one by one."""
    words = context.rules.partner_words
    if words is None:
        return []
    text = context.locator.text[unit.start : unit.end]
    found: list[Mention] = []
    if "(" not in text:
        return found
    for match in _NAME_WITH_PLACE.finditer(text):
        place = normalise_key(match.group("place"))
        if place not in words.country_by_name:
            continue
        name = _organisation_suffix(context, match.group("name"))
        if name is None:
            continue
        start = unit.start + match.start("name") + match.group("name").rindex(name)
        written = " ".join(text[start - unit.start : match.end()].split())
        found.append(Mention(written, start, unit.start + match.end(), "partner_with_country"))
    return found


def _publisher_mentions(context: SectionContext) -> list[Mention]:
    """The publisher as a partner, where its own sentence says it is one ('AFIL assumed the
    role of partner in ...', 'di cui è capofila la Regione ...')."""
    publisher = context.publisher
    if publisher is None or context.section.has("role_heading"):
        return []
    found = []
    for sentence in context.role_sentences:
        if not same_organisation(sentence.organisation, publisher):
            continue
        words = fold(context.locator.text[sentence.start : sentence.end]).casefold()
        role = "lead_partner" if "capofila" in words or "lead partner" in words else None
        if role is None and not re.search(r"\b(?:partner|coordinator|partenaire|socio)\b", words):
            continue
        found.append(
            Mention(
                sentence.organisation,
                sentence.organisation_start,
                sentence.organisation_end,
                "publisher_role",
                role or ("coordinator" if "coordinator" in words else "partner"),
            )
        )
        break
    return found


def _table_mentions(context: SectionContext, rows: list[Unit]) -> list[Mention]:
    """Partners in a table whose header names a partner column ('Lead Partner'); the cells of
    person columns ('PI', 'Name') are not partners."""
    if len(rows) < 2:
        return []
    header = [context.locator.text[start:end] for start, end in rows[0].cells]
    columns = [
        index
        for index, cell in enumerate(header)
        if _TABLE_PARTNER_HEADS.search(cell) and not _TABLE_PERSON_HEADS.search(cell)
    ]
    role_column = next(
        (
            index
            for index, cell in enumerate(header)
            if _TABLE_ROLE_HEADS.search(cell) and index not in columns
        ),
        None,
    )
    found = []
    for row in rows[1:]:
        role = _table_role(context, row, role_column)
        for index in columns:
            if index < len(row.cells):
                start, end = row.cells[index]
                cell = context.locator.text[start:end]
                if cell.strip():
                    found.append(Mention(cell, start, end, "partner_table", role))
    return found


def _table_role(context: SectionContext, row: Unit, column: int | None) -> str | None:
    """The consortium role a row's role cell states ('Lead partner', 'Coordinator'); None for
    a plain partner, an empty cell or no role column."""
    words = context.rules.partner_words
    if column is None or column >= len(row.cells) or words is None:
        return None
    start, end = row.cells[column]
    label = label_kind(context.locator.text[start:end], words)
    return _LABEL_ROLES.get(label.kind) if label is not None and label.value_span is None else None


def _organisation_list(context: SectionContext, items: list[Unit]) -> list[Mention]:
    """A list with no partner label whose items read as organisations (an organisation word,
    a legal form or a country in most of them: 'Imperial College London, UK')."""
    if len(items) < _LIST_ITEMS:
        return []
    strong = [unit for unit in items if (_score(context, unit.text) or -1) >= STRONG_ORGANISATION]
    if len(strong) < _ORGANISATION_SHARE * len(items):
        return []
    return [Mention(unit.text, unit.start, unit.end, "organisation_list") for unit in strong]


def find_mentions(context: SectionContext) -> list[Mention]:
    """Given a section, return every partner it names, in document order."""
    section = context.section
    found: list[Mention] = []
    label: str | None = None
    lists: dict[tuple[int, int, int], list[Unit]] = {}
    sublist = 0
    tables: list[list[Unit]] = []
    prose: list[Unit] = []
    for index, part in enumerate(section.parts):
        unit = part.unit
        if part.slot == "partners_heading":
            label = unit.label
            if unit.value_start is not None:
                value = context.locator.text[unit.value_start : unit.end]
                items = _enumerate(context, value, unit.value_start) or []
                role = _LABEL_ROLES.get(label or "")
                found.extend(
                    Mention(item.text, item.start, item.end, "partner_label", item.role or role)
                    for item in items
                )
            continue
        if part.slot == "partner":
            listed = None if unit.marker else _listed_in_line(context, unit)
            if listed:
                found.extend(listed)
            else:
                role = _LABEL_ROLES.get(label or "")
                rule = (
                    "partner_heading"
                    if unit.kind == "text" and not unit.in_list
                    else "partner_list"
                )
                found.append(Mention(unit.text, unit.start, unit.end, rule, role))
            continue
        if part.slot == "partner_prose":
            listed = _listed_in_line(context, unit)
            if listed:
                found.extend(listed)
                continue
        if part.slot == "list_item":
            if unit.ends_with_colon:
                sublist += 1  # "- at one of these universities:" introduces the items after it
                continue
            lists.setdefault((part.block, unit.indent, sublist), []).append(unit)
        if part.slot == "table_row":
            previous = section.parts[index - 1].slot if index else None
            if previous != "table_row" or not tables:
                tables.append([])
            tables[-1].append(unit)
        if part.slot in ("description", "partner_prose", "list_item", "field"):
            prose.append(unit)
    if not any(part.slot == "partner" for part in section.parts):
        # A section that lists its partners is read from its list; only one that does not is
        # read for the partners its prose names.
        for unit in prose:
            found.extend(_with_country(context, unit))
            found.extend(_slash_line(context, unit))
            found.extend(_cue_mentions(context, unit))
    found.extend(
        mention
        for mention in _publisher_mentions(context)
        if not any(same_organisation(mention.text, other.text) for other in found)
    )
    for rows in tables:
        found.extend(_table_mentions(context, rows))
    for listed_units in lists.values():
        found.extend(_organisation_list(context, listed_units))
    found.sort(key=lambda mention: mention.start)
    return _unique(found)


def _partner_key(text: str) -> str:
    """Given a partner's words, return the key two mentions of it share: 'BSC (ELIXIR-ES)' and
    'BSC' are one partner."""
    return normalise_key(re.sub(r"\s*\([^()]*\)\s*$", "", text) or text)


def _unique(mentions: list[Mention]) -> list[Mention]:
    seen: dict[str, Mention] = {}
    spans: list[tuple[int, int]] = []
    kept = []
    for mention in mentions:
        key = _partner_key(mention.text)
        if key in seen or any(start <= mention.start < end for start, end in spans):
            continue
        seen[key] = mention
        spans.append((mention.start, mention.end))
        kept.append(mention)
    return kept


def extract_partners(context: SectionContext, draft: ProjectDraft) -> ProjectDraft:
    """Set the partners the section names: its partner lists and labels, partner headings,
    tables with a partner column, lists of organisations, and partners named in its prose."""
    section = context.section
    partners: list[Partner] = []
    publisher = context.publisher
    words = context.rules.partner_words
    for mention in find_mentions(context):
        if not any(char.isalpha() for char in mention.text) or (
            words is not None and not_a_partner(mention.text, words)
        ):
            continue  # "18 partners from 6 countries", "Horizon Europe": under a heading or not
        parsed = parse_partner(mention.text, context.rules)
        country = None
        if words is not None and parsed.kind == "organisation" and parsed.via is None:
            parts = read_partner_item(" ".join(mention.text.split()), words)
            country = parts.country
            if parts.role is not None:
                # The entry's own words ("- Project Coordinator") say more than its label.
                mention = Mention(
                    mention.text, mention.start, mention.end, mention.rule, parts.role
                )
            if country or parts.role or parts.description or parts.region:
                parsed = ParsedName(name=parts.name, short_name=parts.short_name)
        canonical = canonical_organisation(parsed, mention.text, context.rules)
        partners.append(
            Partner(
                name=parsed.name,
                short_name=parsed.short_name,
                kind=parsed.kind,  # type: ignore[arg-type]
                affiliation=parsed.affiliation,
                via=parsed.via,
                canonical_name=canonical,
                is_publisher=canonical is not None and canonical == publisher,
                country=country,
                consortium_role=_consortium_role(mention.role),  # type: ignore[arg-type]
                text=" ".join(mention.text.split()),
                evidence=context.locator.evidence(mention.start, mention.end, mention.rule),
            )
        )
    draft.partners = partners
    draft.warnings.extend(_doubtful_lists(context))
    for index, part in enumerate(section.parts):
        following = section.parts[index + 1].slot if index + 1 < len(section.parts) else None
        if (
            part.slot == "partners_heading"
            and part.unit.value_start is None
            and following in (None, "role_heading", "partners_heading", "beneficiary")
        ):
            draft.warnings.append(
                ExtractionWarning(
                    code="partner_heading_empty",
                    message="the partner heading has nothing under it",
                    evidence=context.locator.evidence(part.unit.start, part.unit.end),
                )
            )
    return draft


PARTNERS_EXTRACTOR = Extractor("partners", extract_partners, assigns=("partners",))


def _doubtful_lists(context: SectionContext) -> list[ExtractionWarning]:
    """A partner label whose entries are, for half of them or more, not read as organisations:
    the list may be of activities or people, and its partners need a second look."""
    warnings = []
    blocks: list[list[Unit]] = []
    for part in context.section.parts:
        if part.slot == "partners_heading":
            blocks.append([])
        elif part.slot == "partner" and blocks and part.unit.kind == "item":
            blocks[-1].append(part.unit)
    for units in blocks:
        unread = [unit for unit in units if (_score(context, unit.text) or -1) < 1]
        if len(units) >= _LIST_ITEMS and len(unread) * 2 >= len(units):
            warnings.append(
                ExtractionWarning(
                    code="partner_list_doubtful",
                    message=f"{len(unread)} of the {len(units)} entries under the partner "
                    "heading do not read as organisations",
                    evidence=context.locator.evidence(units[0].start, units[-1].end),
                )
            )
    return warnings


def _consortium_role(role: str | None) -> str | None:
    return {"lead": "lead_partner"}.get(role or "", role) if role else None
