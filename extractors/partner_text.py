"""Reading partner text: enumerations into items, one entry into its parts, block labels.

Pure functions over a `PartnerWords`: the lexicons of `patterns/partner_words.yaml`, validated
and compiled once by `load_partner_words`. Every value returned is a slice of the caller's text
with its offsets (the text is folded only to match, never rewritten), so a reviewer can always go
back from a part to the characters it came from.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import ValidationError

from extractors.text import fold, normalise_key
from schemas import PatternError
from schemas.partner_words import (
    LEAD_LABELS,
    LabelKind,
    Lexicon,
    PartnerRole,
    PartnerWordPatterns,
)
from schemas.yaml_files import line_at, parse_yaml, read_user_text

DEFAULT_PARTNER_WORDS = Path(__file__).parent / "patterns" / "partner_words.yaml"

Span = tuple[int, int]

# Weights of the organisation score (see `organisation_evidence`).
ORGANISATION_WORD = 3
ORGANISATION_WORD_LOWER = 1
LEGAL_FORM = 4
SHORT_NAME = 3
SHORT_NAME_IN_PARENTHESES = 2
SHORT_NAME_TOKEN = 1
PLACE = 2
PROPER_NAME = 2
CAPITALISED_WORD = 1
TOPIC = -3
TYPE_DESCRIPTION = -3
ORGANISATION_THRESHOLD = 2

_ROLE_ORDER: tuple[PartnerRole, ...] = ("coordinator", "lead_partner", "partner", "associated")
_LABEL_ORDER: tuple[LabelKind, ...] = ("partners", "coordinator", "lead", "associated")
_OPENERS = "([{"
_CLOSERS = ")]}"
_ROMAN = re.compile(r"M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_URL = re.compile(
    r"(?:https?://|www\.)\S+|\b[\w-]+(?:\.[\w-]+)*\.(?:eu|com|org|net|int|edu|gov|info|io|it|de|"
    r"fr|es|uk)/\S*",
    re.IGNORECASE,
)
# A telephone or fax number: "Tel. +32 22991111", "phone: 051 123 456", "+39 02 1234 5678".
_PHONE = re.compile(
    r"(?:\b(?:tel|phone|fax|telefono|téléphone|telefon)\b\.?\s*:?\s*|\+\d{2,3}[\s.-]*)"
    r"\(?\d[\d\s()./-]{5,}\d",
    re.IGNORECASE,
)
_COUNT = re.compile(r"\d[\d.,']*\+?\s+\S")
_INITIALS = re.compile(r"(?:[A-Za-z]\.){2,}")
# A spaced hyphen, or an en or em dash with or without spaces: "ITL – Foundation ...".
_DASH = re.compile(r"\s+-\s+|\s*[\u2013\u2014]\s*")
_TRAILING_COUNT = re.compile(r"\s*\(\s*\d+\s*\)$")
_LABEL_WORD = re.compile(r"[\w'-]+")
_WORD = re.compile(r"\w+")
_NON_SPACE = re.compile(r"\S+")
_COMMA = re.compile(r"[,;]")
_BRACKET = re.compile(r"[()\[\]{}]")
# A word of a name: anything between spaces and commas that has a letter or digit ("&" is not).
_CORE_TOKEN = re.compile(r"[^\s,;:]*[^\W_][^\s,;:]*")
_COMMA_OR_DASH = re.compile(r"[,;]|\s+-\s+")


@dataclass(frozen=True)
class Item:
    """One organisation of an enumeration: its text, its offsets in the caller's text, and the
    role an appositive gave it ("la Regione Marche, nel ruolo di lead partner, ...")."""

    text: str
    start: int
    end: int
    role: PartnerRole | None = None


@dataclass(frozen=True)
class PartnerParts:
    """A partner entry read into its parts; each `*_span` is (start, end) into the entry's text.

    `country` is the normalised English name, `country_text` the form written; `region` is kept
    as written. `description` is a parenthesis that says what kind of partner it is ("Technology
    SME"); `note` a suffix after a dash that is neither role, place nor name ("Aircraft
    Maintenance").
    """

    name: str
    name_span: Span
    short_name: str | None = None
    short_name_span: Span | None = None
    country: str | None = None
    country_text: str | None = None
    country_span: Span | None = None
    region: str | None = None
    region_span: Span | None = None
    role: PartnerRole | None = None
    role_span: Span | None = None
    description: str | None = None
    description_span: Span | None = None
    note: str | None = None
    note_span: Span | None = None


@dataclass(frozen=True)
class LabelMatch:
    """A partner-block label: its kind, its span, the span of the value after its colon (or
    prefix, or dash), and whether a dash sets the value apart ('Coordinator – ALFA')."""

    kind: LabelKind
    label_span: Span
    value_span: Span | None = None
    dashed: bool = False


@dataclass(frozen=True, eq=False)
class PartnerWords:
    """partner_words.yaml, validated, with its lookups and regular expressions built once.

    Compared and hashed by identity: `load_partner_words` returns one object per file, and the
    organisation reading is cached per (text, words).
    """

    patterns: PartnerWordPatterns
    source: str
    article: re.Pattern[str]
    conjunction: re.Pattern[str]
    leading_conjunction: re.Pattern[str]
    organisation_phrase: re.Pattern[str] | None
    compound_word: re.Pattern[str] | None
    legal_forms_as_written: frozenset[str]
    legal_forms_any_case: frozenset[str]
    legal_form_phrase: re.Pattern[str] | None
    role_phrase: re.Pattern[str]
    label_prefix: re.Pattern[str] | None
    date: re.Pattern[str]
    country_by_name: dict[str, str]
    country_by_code: dict[str, str]
    region_by_name: dict[str, str]
    role_by_phrase: dict[str, PartnerRole]
    label_by_phrase: dict[str, LabelKind]
    kept_periods: frozenset[str]
    organisation_keys: frozenset[str]
    generic_keys: frozenset[str]
    type_head_keys: frozenset[str]
    connector_keys: frozenset[str]
    person_titles: frozenset[str]
    programmes_as_written: frozenset[str]
    programme_keys: frozenset[str]
    programme_word_keys: frozenset[str]
    topic_keys: frozenset[str]
    topic_suffixes: tuple[str, ...]
    number_keys: frozenset[str]
    sentence_verbs: frozenset[str]
    activity_keys: frozenset[str]
    heads_last: frozenset[str]
    heads_first: frozenset[str]
    heads_associated: frozenset[str]


# Loading ---------------------------------------------------------------------------------------


def load_partner_words(path: str | Path | None = None) -> PartnerWords:
    """Given a partner_words.yaml (None: the packaged one), return its validated, compiled words.

    A missing, unreadable or invalid file raises `PatternError` naming the file and, where known,
    the line of the entry at fault.
    """
    return _load_partner_words(Path(path) if path is not None else DEFAULT_PARTNER_WORDS)


@cache
def _load_partner_words(path: Path) -> PartnerWords:
    text = read_user_text(
        path,
        "partner words file",
        PatternError,
        "Give the path of a partner_words.yaml; the packaged one is "
        f"{DEFAULT_PARTNER_WORDS.name} in extractors/patterns.",
        "Save the file as UTF-8.",
    )
    data, node = parse_yaml(path, text, PatternError)
    if not isinstance(data, dict):
        raise PatternError(
            path,
            f"expected a mapping of lexicon names to words, found {type(data).__name__}",
            "Start from the packaged partner_words.yaml and edit its lists.",
            line=1,
        )
    try:
        patterns = PartnerWordPatterns.model_validate(data)
    except ValidationError as error:
        raise _pattern_error(path, node, error) from None
    return compile_partner_words(patterns, str(path))


def _pattern_error(path: Path, node: yaml.Node | None, error: ValidationError) -> PatternError:
    """Given a validation error of the file, return the `PatternError` that explains it.

    An unknown key is reported before anything else: a misspelt lexicon name is also a missing
    one, and the misspelling is what the editor has to fix.
    """
    errors = error.errors()
    first = next((found for found in errors if found["type"] == "extra_forbidden"), errors[0])
    location = first["loc"]
    message = first["msg"].removeprefix("Value error, ")
    found = first.get("input")
    if isinstance(found, str | int | float | bool) or found is None:
        message += f" (found {found!r})"
    fix = "Correct the entry; the partner words were not used."
    if first["type"] == "extra_forbidden" and len(location) == 1:
        known = ", ".join(PartnerWordPatterns.model_fields)
        return PatternError(
            path,
            f"unknown lexicon {str(location[0])!r}",
            f"Known lexicons: {known}.",
            line=line_at(node, location),
        )
    if not location:
        # Only the whole-file checks have no location: a name or phrase given twice.
        return PatternError(
            path,
            f"invalid partner words: {message}",
            "Keep each name, code or phrase under one entry only; the partner words were not used.",
        )
    where = ".".join(str(part) for part in location)
    return PatternError(
        path, f"invalid entry at '{where}': {message}", fix, line=line_at(node, location)
    )


def _all(lexicon: Lexicon) -> list[str]:
    return [word for words in lexicon.values() for word in words]


def _keys(words: Iterable[str]) -> frozenset[str]:
    return frozenset(normalise_key(word) for word in words)


def _token_key(token: str) -> str:
    """Given one folded word, return its lookup key: the `normalise_key` of a single word."""
    return token.casefold().strip(" .,;:")


def _alternation(words: Iterable[str]) -> str:
    """Given phrases, return a regex alternation, longest first, spaces matching any white space."""
    parts = [
        re.escape(fold(word)).replace(r"\ ", r"\s+")
        for word in sorted(set(words), key=lambda word: (-len(word), word))
    ]
    return "|".join(parts) or r"(?!x)x"


def _date_pattern(months: list[str]) -> re.Pattern[str]:
    month = rf"(?:{_alternation(months)})\.?"
    day = r"\d{1,2}(?:st|nd|rd|th|er|\.)?"
    year = r"(?:19|20)\d{2}"
    forms = [
        rf"{day}\s*[./-]\s*\d{{1,2}}\s*[./-]\s*\d{{2,4}}",
        rf"{year}[./-]\d{{1,2}}[./-]\d{{1,2}}",
        rf"(?:{day}\s+(?:de\s+)?)?{month}(?:\s+de)?,?\s+{year}",
        rf"{month}\s+{day},?\s+{year}",
        rf"{day}\s+(?:de\s+)?{month}",
        rf"{year}(?:\s*[-/]\s*(?:19|20)?\d{{2}})?",
    ]
    return re.compile("|".join(f"(?:{form})" for form in forms), re.IGNORECASE)


def compile_partner_words(patterns: PartnerWordPatterns, source: str = "") -> PartnerWords:
    """Given validated partner-word patterns, return them compiled into `PartnerWords`."""
    articles = _all(patterns.articles)
    spaced = [article for article in articles if not article.endswith("'")]
    elided = [article for article in articles if article.endswith("'")]
    conjunctions = _all(patterns.conjunctions)
    roles: dict[str, PartnerRole] = {}
    role_phrases: list[str] = []
    for role in _ROLE_ORDER:
        for phrase in _all(getattr(patterns.roles, role)):
            roles[normalise_key(phrase)] = role
            role_phrases.append(phrase)
    labels: dict[str, LabelKind] = {}
    for kind in _LABEL_ORDER:
        for phrase in _all(getattr(patterns.labels, kind)):
            labels[normalise_key(phrase)] = kind
    country_by_name: dict[str, str] = {}
    country_by_code: dict[str, str] = {}
    for country in patterns.countries:
        for name in country.all_names():
            country_by_name[normalise_key(name)] = country.name
        for code in country.codes():
            country_by_code[code] = country.name
    region_by_name = {
        normalise_key(written): region.name
        for region in patterns.regions
        for written in [region.name, *region.aliases]
    }
    legal_forms = _all(patterns.legal_forms)
    legal_phrases = [form for form in legal_forms if " " in form]
    suffixes = _all(patterns.compound_suffixes)
    prefixes = _all(patterns.label_prefixes)
    organisation_words = _all(patterns.organisation_words)
    # Single words are looked up in a set; only phrases ("Chamber of Commerce") need a regex.
    phrases = [word for word in organisation_words if not _WORD.fullmatch(fold(word))]
    organisation_keys = frozenset(
        fold(word).casefold() for word in organisation_words if _WORD.fullmatch(fold(word))
    )
    type_head_keys = _keys(_all(patterns.type_heads))
    heads = patterns.label_heads
    generic = (
        organisation_keys
        | type_head_keys
        | frozenset(roles)
        | frozenset(labels)
        | _keys(_all(heads.last))
        | _keys(_all(heads.first))
    )
    programmes = patterns.programmes
    return PartnerWords(
        patterns=patterns,
        source=source,
        article=re.compile(
            rf"(?:(?:{_alternation(spaced)})\s+|(?:{_alternation(elided)})(?=\w))", re.IGNORECASE
        ),
        conjunction=re.compile(rf"\s+(?:{_alternation(conjunctions)})\s+"),
        leading_conjunction=re.compile(rf"(?:{_alternation(conjunctions)})\s+"),
        organisation_phrase=(
            re.compile(rf"(?<!\w)(?:{_alternation(phrases)})(?!\w)", re.IGNORECASE)
            if phrases
            else None
        ),
        compound_word=(
            re.compile(rf"(?<![\w-])\w{{3,}}(?:{_alternation(suffixes)})(?!\w)", re.IGNORECASE)
            if suffixes
            else None
        ),
        # Forms of three characters or fewer match as written ("AG", "SA" are also words).
        legal_forms_as_written=frozenset(form for form in legal_forms if len(form) <= 3),
        legal_forms_any_case=frozenset(
            form.casefold() for form in legal_forms if len(form) > 3 and " " not in form
        ),
        legal_form_phrase=(
            re.compile(rf"(?<![\w.])(?:{_alternation(legal_phrases)})(?!\w)", re.IGNORECASE)
            if legal_phrases
            else None
        ),
        role_phrase=re.compile(rf"(?<!\w)(?:{_alternation(role_phrases)})(?!\w)", re.IGNORECASE),
        label_prefix=(
            re.compile(rf"\s*(?:{_alternation(prefixes)})\s+(?=\S)", re.IGNORECASE)
            if prefixes
            else None
        ),
        date=_date_pattern(_all(patterns.months)),
        country_by_name=country_by_name,
        country_by_code=country_by_code,
        region_by_name=region_by_name,
        role_by_phrase=roles,
        label_by_phrase=labels,
        kept_periods=frozenset(
            [*patterns.abbreviations, *(form for form in legal_forms if form.endswith("."))]
        ),
        organisation_keys=organisation_keys,
        generic_keys=generic,
        type_head_keys=type_head_keys,
        connector_keys=_keys(_all(patterns.name_connectors)),
        person_titles=frozenset(patterns.person_titles),
        programmes_as_written=frozenset(
            programme for programme in programmes if programme.upper() == programme
        ),
        programme_keys=_keys(
            programme for programme in programmes if programme.upper() != programme
        ),
        programme_word_keys=_keys(_all(patterns.programme_words)),
        topic_keys=_keys(_all(patterns.topic_words)),
        topic_suffixes=tuple(suffix.casefold() for suffix in patterns.topic_suffixes),
        number_keys=_keys(_all(patterns.number_words)),
        sentence_verbs=frozenset(_all(patterns.sentence_verbs)),
        activity_keys=_keys(_all(patterns.activity_starts)),
        heads_last=_keys(_all(heads.last)),
        heads_first=_keys(_all(heads.first)),
        heads_associated=_keys(_all(heads.associated)),
    )


# Shared helpers --------------------------------------------------------------------------------


def _bracket_pairs(text: str) -> list[Span]:
    """Given text, return the (open, close) offsets of its matched brackets, unmatched ignored."""
    stack: list[tuple[str, int]] = []
    pairs: list[Span] = []
    for match in _BRACKET.finditer(text):
        index, char = match.start(), match.group()
        if char in _OPENERS:
            stack.append((char, index))
        elif char in _CLOSERS:
            opener = _OPENERS[_CLOSERS.index(char)]
            for depth in range(len(stack) - 1, -1, -1):
                if stack[depth][0] == opener:
                    pairs.append((stack[depth][1], index))
                    del stack[depth:]
                    break
    return sorted(pairs)


def _outside_brackets(text: str, pairs: list[Span]) -> str:
    """Given text and its bracket pairs, return it with every bracketed part blanked."""
    if not pairs:
        return text
    parts = []
    position = 0
    for opened, closed in pairs:
        if opened < position:
            continue  # nested inside a pair already blanked
        parts.append(text[position:opened])
        parts.append(" " * (closed + 1 - opened))
        position = closed + 1
    parts.append(text[position:])
    return "".join(parts)


def _inside_mask(length: int, pairs: list[Span]) -> bytearray:
    """Given a length and bracket pairs, return a mask: 1 where a character is inside brackets."""
    mask = bytearray(length)
    for opened, closed in pairs:
        mask[opened : closed + 1] = b"\x01" * (closed + 1 - opened)
    return mask


def _strip(text: str, start: int, end: int, chars: str | None = None) -> Span:
    """Given a span, return it without leading and trailing white space (or `chars`)."""
    while start < end and (text[start].isspace() if chars is None else text[start] in chars):
        start += 1
    while end > start and (text[end - 1].isspace() if chars is None else text[end - 1] in chars):
        end -= 1
    return start, end


def _drop_final_period(text: str, start: int, end: int, words: PartnerWords) -> int:
    """Given a span, return its end without a final period, unless the period belongs to an
    abbreviation or legal form ("soc. coop.", "S.p.A.", "Inc.") or to initials."""
    if end <= start or text[end - 1] != ".":
        return end
    last = text[start:end].split()[-1]
    if last in words.kept_periods or _INITIALS.fullmatch(last):
        return end
    return _strip(text, start, end - 1)[1]


def is_short_name(token: str, words: PartnerWords) -> bool:
    """Given one token, decide whether it is written as a short name: 'NTUA', 'UCLouvain',
    'EMBL-EBI', 'TU/e', 'CeRICT', '5THYPE' (not a roman numeral, not a plain word)."""
    if not 2 <= len(token) <= words.patterns.short_name_max_length:
        return False
    if not (token[0].isupper() or token[0].isdigit()):
        return False
    if any(not (char.isalnum() or char in "-/&.+'") for char in token):
        return False
    if _ROMAN.fullmatch(token):
        return False
    letters = [char for char in token if char.isalpha()]
    capitals = sum(char.isupper() for char in letters)
    if capitals < 2:
        return False
    if capitals * 2 >= len(letters) or (letters[0].isupper() and letters[1].isupper()):
        return True
    # Camel case with short lower-case runs: "UniBo", "CeSViTer", not "LinkedIn".
    runs = re.findall(r"[^\W\d_A-Z]+", token)
    return max((len(run) for run in runs), default=0) <= 3


def _place(text: str, words: PartnerWords, *, codes: bool) -> tuple[str, str] | None:
    """Given a standalone text, return ('country' or 'region', normalised name), if it is one.

    Codes count only when asked (the text stands alone after a separator or in brackets) and
    only written in capitals.
    """
    stripped = text.strip().rstrip(".").strip()
    if codes and stripped in words.country_by_code:
        return "country", words.country_by_code[stripped]
    key = normalise_key(stripped)
    if key in words.country_by_name:
        return "country", words.country_by_name[key]
    if key in words.region_by_name:
        return "region", words.region_by_name[key]
    return None


def _role_of(text: str, words: PartnerWords) -> PartnerRole | None:
    """Given a text that should be a role phrase as a whole, return its role."""
    return words.role_by_phrase.get(normalise_key(text))


def _role_inside(text: str, words: PartnerWords) -> PartnerRole | None:
    """Given an appositive, return the role its most specific role phrase states."""
    found = [
        role
        for match in words.role_phrase.finditer(fold(text))
        if (role := words.role_by_phrase.get(normalise_key(match.group()))) is not None
    ]
    for role in found:
        if role != "partner":
            return role
    return found[0] if found else None


def _last_top_level(
    pattern: re.Pattern[str], text: str, start: int, end: int, mask: bytearray
) -> re.Match[str] | None:
    """Given a span, return the last match of `pattern` in it that is outside brackets."""
    last = None
    for match in pattern.finditer(text, start, end):
        if not any(mask[match.start() : match.end()]):
            last = match
    return last


# 1. Enumerations -------------------------------------------------------------------------------


def split_enumeration(text: str, start: int = 0, words: PartnerWords | None = None) -> list[Item]:
    """Given an inline enumeration of organisations, return its items with offsets (+ `start`).

    Splits on ",", ";" and "/" (a "/" only when spaced or between two capitalised words of three
    letters or more, so "TU/e" and "A/S" stay whole), and on a conjunction ("and", "e", "und",
    "et", "y", "i", "as well as"...) only when what follows starts like an organisation; never on
    "&" and never inside brackets. Each item loses its white space, a final period and a leading
    article; an appositive that states a role and reads as no organisation ("nel ruolo di lead
    partner") is dropped and gives its role to the item before; a country or region alone
    ("..., UK") is joined to the item before, which keeps it. `text[item.start - start :
    item.end - start] == item.text` always holds.
    """
    words = words or load_partner_words()
    folded = fold(text)
    mask = _inside_mask(len(text), _bracket_pairs(text))
    spans: list[Span] = []
    for piece_start, piece_end in _hard_pieces(folded, mask):
        spans.extend(_conjunction_pieces(text, folded, mask, piece_start, piece_end, words))
    items: list[Item] = []
    joined_place = False
    for span_start, span_end in spans:
        item_start, item_end = _trim_item(text, folded, span_start, span_end, words)
        if item_start >= item_end:
            continue
        piece = text[item_start:item_end]
        place = _place(piece, words, codes=True)
        previous = items[-1] if items else None
        if place is not None:
            if (
                previous is not None
                and not joined_place
                and not _place(previous.text, words, codes=True)
            ):
                items[-1] = Item(
                    text[previous.start : item_end], previous.start, item_end, previous.role
                )
                joined_place = True
                continue
        elif _is_role_appositive(piece, words):
            if previous is not None and previous.role is None:
                role = _role_inside(piece, words)
                items[-1] = Item(previous.text, previous.start, previous.end, role)
            continue
        items.append(Item(piece, item_start, item_end))
        joined_place = False
    return [Item(item.text, item.start + start, item.end + start, item.role) for item in items]


def _hard_pieces(folded: str, mask: bytearray) -> list[Span]:
    """Given folded text, return the spans between its top-level ",", ";" and "/" separators."""
    pieces: list[Span] = []
    piece_start = 0
    for index, char in enumerate(folded):
        if mask[index] or char not in ",;/":
            continue
        before = folded[index - 1] if index else " "
        after = folded[index + 1] if index + 1 < len(folded) else " "
        if char == "," and before.isdigit() and after.isdigit():
            continue  # "1,5 million"
        if char == "/" and not _splits_on_slash(folded, index):
            continue
        pieces.append((piece_start, index))
        piece_start = index + 1
    pieces.append((piece_start, len(folded)))
    return pieces


def _splits_on_slash(folded: str, index: int) -> bool:
    """Given the offset of a "/", decide whether it separates two organisations."""
    before = folded[index - 1] if index else " "
    after = folded[index + 1] if index + 1 < len(folded) else " "
    if before.isspace() or after.isspace():
        return True
    left = re.search(r"[\w.-]*$", folded[:index])
    right = re.match(r"[\w.-]*", folded[index + 1 :])
    left_word = left.group() if left else ""
    right_word = right.group() if right else ""
    return (
        len(left_word) >= 3
        and len(right_word) >= 3
        and left_word[0].isupper()
        and right_word[0].isupper()
    )


def _conjunction_pieces(
    text: str, folded: str, mask: bytearray, start: int, end: int, words: PartnerWords
) -> list[Span]:
    """Given one piece, return it split on the conjunctions that join two organisations."""
    matches = [
        match
        for match in words.conjunction.finditer(folded, start, end)
        if not any(mask[match.start() : match.end()])
    ]
    pieces: list[Span] = []
    piece_start = start
    for index, match in enumerate(matches):
        right_end = matches[index + 1].start() if index + 1 < len(matches) else end
        if not text[piece_start : match.start()].strip():
            continue
        opening = _opens_organisation(text[match.end() : right_end], words)
        if opening == "clearly" or (
            opening == "likely" and reads_as_organisation(text[piece_start : match.start()], words)
        ):
            pieces.append((piece_start, match.start()))
            piece_start = match.end()
    pieces.append((piece_start, end))
    return pieces


def _opens_organisation(text: str, words: PartnerWords) -> Literal["clearly", "likely"] | None:
    """Given what follows a conjunction, say whether it opens a new organisation.

    "clearly": its first word (after an article) is capitalised and an organisation word or a
    short name, or it has a legal form ("e LEPIDA", "e il Ministero", "and Siemens AG").
    "likely": it is capitalised and has an organisation word among its first three words
    ("und Technische Universität Graz"); the split then also needs the words before the
    conjunction to read as an organisation, so "Research and Innovation Centre" stays whole.
    """
    folded = fold(text).lstrip()
    article = words.article.match(folded)
    if article:
        folded = folded[article.end() :]
    tokens = [token.strip(",;.()[]") for token in folded.split(maxsplit=3)[:3]]
    first = tokens[0] if tokens else ""
    if not first or not (first[0].isupper() or first[0].isdigit()):
        return None
    if is_short_name(first, words) or _is_organisation_word(first, words):
        return "clearly"
    if _compound_word(first, words) or _legal_form_after_name(folded, words) is not None:
        return "clearly"
    if any(_is_organisation_word(token, words) for token in tokens[1:]):
        return "likely"
    return None


def _compound_word(token: str, words: PartnerWords) -> bool:
    """Given a capitalised token, decide whether it is a compound ending in an organisation word."""
    return (
        words.compound_word is not None
        and token[:1].isupper()
        and words.compound_word.fullmatch(token) is not None
    )


def _trim_item(text: str, folded: str, start: int, end: int, words: PartnerWords) -> Span:
    """Given an item's raw span, return it without white space, a leading conjunction or
    article, and a final period. A capitalised article goes only before an organisation word
    ("The University of ..."), so "The Hyve" keeps its article."""
    start, end = _strip(text, start, end)
    conjunction = words.leading_conjunction.match(folded, start, end)
    if conjunction:
        start = _strip(text, conjunction.end(), end)[0]
    article = words.article.match(folded, start, end)
    if article:
        rest = _strip(text, article.end(), end)[0]
        following = folded[rest:end].split(maxsplit=1)
        if text[start].islower() or (
            following and _is_organisation_word(following[0].strip(",;."), words)
        ):
            start = rest
    end = _drop_final_period(text, start, end, words)
    return _strip(text, start, end)


def _is_role_appositive(piece: str, words: PartnerWords) -> bool:
    """Given an enumerated piece, decide whether it states a role rather than naming a partner."""
    if _role_of(piece, words) is not None:
        return True
    if not piece[:1].islower() or reads_as_organisation(piece, words):
        return False
    return words.role_phrase.search(fold(piece)) is not None


# 2. Does it read as an organisation? -----------------------------------------------------------


@dataclass(frozen=True)
class _Reading:
    score: int
    cues: tuple[str, ...]
    veto: str | None


def reads_as_organisation(text: str, words: PartnerWords) -> bool:
    """Given a short text, decide whether it reads as the name of an organisation.

    True when no veto fires and the score of `organisation_evidence` reaches 2.
    """
    reading = _read_organisation(text, words)
    return reading.veto is None and reading.score >= ORGANISATION_THRESHOLD


def organisation_score(text: str, words: PartnerWords) -> int | None:
    """Given a short text, return its organisation score, or None when a veto fired."""
    reading = _read_organisation(text, words)
    return None if reading.veto is not None else reading.score


def organisation_evidence(text: str, words: PartnerWords) -> list[str]:
    """Given a short text, return the cues that fired, as 'cue' or 'cue:detail'.

    Vetoes ('veto:<reason>') make the text no organisation whatever its score: empty, email,
    url, date, person (a title such as "Prof."), count ("18 partners"), programme ("Horizon
    2020", funders), country or region alone, sentence (more than `sentence_max_words` words, or
    a finite verb with a final period or six words or more), activity ("Support the ...", "To
    select ..."). Otherwise the score adds:

    - organisation_word +3 (capitalised; +1 lower-case; also German compounds: "Forschungszentrum")
    - legal_form +4 (after a name: "Siemens AG", "S.r.l.")
    - short_name +3 (the whole name: "NTUA", "UCLouvain"), short_name_in_parentheses +2,
      short_name_token +1 (one of several words: "CNRS Grenoble")
    - country / region +2 (after a comma, semicolon or dash, or in brackets: "Name (Greece)")
    - proper_name +2 (two words or more, every one capitalised but connectors: "Wise & Munro"),
      capitalised_word +1 (a single word: "Datrix" alone is not enough)
    - topic -3 (head word a field or topic: "Life Sciences", "Bioinformatics"), without an
      organisation word or legal form
    - type_description -3 (ends in a kind of partner: "Technology SME"), without a legal form
    - generic_word: a lone generic word ("University", "Partners") scores 0.
    A text whose letters are all capitals gets no proper_name or short_name_token cue (headings).
    """
    reading = _read_organisation(text, words)
    return [*reading.cues, f"veto:{reading.veto}"] if reading.veto else list(reading.cues)


def reads_as_person(text: str, words: PartnerWords) -> bool:
    """Given a short text, decide whether it names a person: a title ("Prof.", "Dr.", "Dott.")
    followed by a capitalised name, and no legal form ("Dr. Oetker GmbH" is a company)."""
    tokens = fold(text).split()
    return (
        len(tokens) >= 2
        and tokens[0] in words.person_titles
        and tokens[1][:1].isupper()
        and _legal_form_after_name(fold(text), words) is None
    )


@lru_cache(maxsize=16384)
def _read_organisation(text: str, words: PartnerWords) -> _Reading:
    stripped = text.strip()
    folded = fold(stripped)
    if not folded:
        return _Reading(0, (), "empty")
    cues: list[str] = []
    score = 0
    organisation = _organisation_word_weight(folded, words)
    legal = _legal_form_after_name(folded, words)
    veto = _veto(stripped, folded, words, named=bool(organisation or legal))
    if veto:
        return _Reading(0, (), veto)
    pairs = _bracket_pairs(folded)
    mask = _inside_mask(len(folded), pairs)
    core = _outside_brackets(folded, pairs)
    tokens = _CORE_TOKEN.findall(core)
    capitals = core.isupper()
    if len(tokens) == 1 and _token_key(tokens[0]) in words.generic_keys:
        return _Reading(0, (f"generic_word:{tokens[0]}",), None)
    if organisation:
        weight, word = organisation
        score += weight
        cues.append(f"organisation_word:{word}")
    if legal:
        score += LEGAL_FORM
        cues.append(f"legal_form:{legal}")
    inside = [folded[opened + 1 : closed].strip() for opened, closed in pairs]
    if len(tokens) == 1 and is_short_name(tokens[0], words):
        score += SHORT_NAME
        cues.append(f"short_name:{tokens[0]}")
    elif any(is_short_name(part, words) for part in inside):
        score += SHORT_NAME_IN_PARENTHESES
        cues.append("short_name_in_parentheses")
    elif not capitals and any(
        is_short_name(token, words)
        and token not in words.country_by_code
        and not is_legal_form(token, words)
        for token in tokens
    ):
        score += SHORT_NAME_TOKEN
        cues.append("short_name_token")
    place = _place_cue(folded, mask, inside, words)
    if place and tokens:
        score += PLACE
        cues.append(f"{place[0]}:{place[1]}")
    content = [
        token
        for token in tokens
        if _token_key(token) not in words.connector_keys or token[:1].isupper()
    ]
    if (
        not capitals
        and len(tokens) >= 2
        and all(token[:1].isupper() or token[:1].isdigit() for token in content)
    ):
        score += PROPER_NAME
        cues.append("proper_name")
    elif len(tokens) == 1 and tokens[0][:1].isupper() and not is_short_name(tokens[0], words):
        score += CAPITALISED_WORD
        cues.append("capitalised_word")
    if not organisation and not legal and content:
        topic = _topic_head(content, words)
        if topic:
            score += TOPIC
            cues.append(f"topic:{topic}")
    if not legal and content and _token_key(content[-1]) in words.type_head_keys:
        score += TYPE_DESCRIPTION
        cues.append(f"type_description:{content[-1]}")
    return _Reading(score, tuple(cues), None)


def _organisation_word_weight(folded: str, words: PartnerWords) -> tuple[int, str] | None:
    """Given folded text, return the weight and word of its best organisation word, if any."""
    best: tuple[int, str] | None = None
    found = [
        match.group()
        for match in _WORD.finditer(folded)
        if _is_organisation_word(match.group(), words)
    ]
    if words.organisation_phrase is not None:
        found.extend(match.group() for match in words.organisation_phrase.finditer(folded))
    for word in found:
        weight = ORGANISATION_WORD if word[:1].isupper() else ORGANISATION_WORD_LOWER
        if best is None or weight > best[0]:
            best = (weight, word)
    if best is None or best[0] < ORGANISATION_WORD:
        for match in _WORD.finditer(folded):
            if _compound_word(match.group(), words):
                return ORGANISATION_WORD, match.group()
    return best


def is_legal_form(token: str, words: PartnerWords) -> bool:
    """Given one token, decide whether it is a legal form ("GmbH", "S.r.l.", "AG")."""
    return token in words.legal_forms_as_written or token.casefold() in words.legal_forms_any_case


def _legal_form_after_name(folded: str, words: PartnerWords) -> str | None:
    """Given folded text, return the first legal form that follows a name (never the first word)."""
    tokens = folded.split()
    for token in tokens[1:]:
        token = token.strip(",;()[]")
        if is_legal_form(token, words) or (
            token.endswith(".") and is_legal_form(token.rstrip("."), words)
        ):
            return token
    if words.legal_form_phrase is not None:
        for match in words.legal_form_phrase.finditer(folded):
            if match.start() > 0:
                return match.group()
    return None


def is_contact_line(text: str) -> bool:
    """Given a line, decide whether it gives contact details (an email address, a telephone
    number): an address line, whatever organisation it names."""
    return bool(_EMAIL.search(text) or _PHONE.search(text))


def _is_organisation_word(token: str, words: PartnerWords) -> bool:
    """Given one word, decide whether it is an organisation word (any case)."""
    return token.casefold() in words.organisation_keys


def _veto(stripped: str, folded: str, words: PartnerWords, *, named: bool) -> str | None:
    """Given a text, return why it cannot be an organisation, or None."""
    if _EMAIL.search(folded):
        return "email"
    if _URL.search(folded):
        return "url"
    if _PHONE.search(folded):
        return "phone"
    bare = folded.strip(" .,;:")
    if words.date.fullmatch(bare):
        return "date"
    if reads_as_person(stripped, words):
        return "person"
    tokens = folded.split()
    if _COUNT.match(folded) or (
        len(tokens) >= 2 and _token_key(tokens[0]) in words.number_keys and tokens[1][:1].islower()
    ):
        return "count"
    if _is_programme(stripped, folded, words, named=named):
        return "programme"
    place = _place(stripped, words, codes=True)
    if place:
        return place[0]
    if len(tokens) > words.patterns.sentence_max_words:
        return "sentence"
    if (
        len(tokens) >= 2
        and _token_key(tokens[0]) in words.activity_keys
        and tokens[1][:1].islower()
    ):
        return "activity"
    verbs = any(word in words.sentence_verbs for word in _WORD.findall(folded))
    if verbs and (folded.rstrip()[-1] in ".!?" or len(tokens) >= 6):
        return "sentence"
    return None


def _is_programme(stripped: str, folded: str, words: PartnerWords, *, named: bool) -> bool:
    """Given a text, decide whether it names a funding programme or a funder."""
    key = normalise_key(stripped)
    bare = stripped.rstrip(" .")
    if bare in words.programmes_as_written or key in words.programme_keys:
        return True
    if named:
        return False
    if any(bare.startswith(f"{programme} ") for programme in words.programmes_as_written):
        return True
    if any(key.startswith(f"{programme} ") for programme in words.programme_keys):
        return True
    first = key.split(maxsplit=1)
    return len(first) == 2 and first[0] in words.programme_word_keys


def _place_cue(
    folded: str, mask: bytearray, inside: list[str], words: PartnerWords
) -> tuple[str, str] | None:
    """Given a text, return the country or region it names after a separator or in brackets."""
    for part in inside:
        place = _place(part, words, codes=True) or _place(
            part.rsplit(",", 1)[-1], words, codes=True
        )
        if place:
            return place
    separator = _last_top_level(_COMMA_OR_DASH, folded, 0, len(folded), mask)
    if separator:
        return _place(folded[separator.end() :], words, codes=True)
    return None


def _topic_head(content: list[str], words: PartnerWords) -> str | None:
    """Given the content words of a name, return its head word when that is a field or topic:
    the first or last word in `topic_words`, or a last word with a topic ending ("-ics")."""
    if len(content) == 1 and is_short_name(content[0], words):
        return None
    for token in (content[0], content[-1]):
        if _token_key(token) in words.topic_keys:
            return token
    last = _token_key(content[-1])
    if any(last.endswith(suffix) for suffix in words.topic_suffixes):
        return content[-1]
    return None


# 3. One partner entry --------------------------------------------------------------------------


@lru_cache(maxsize=16384)
def read_partner_item(text: str, words: PartnerWords) -> PartnerParts:
    """Given one partner entry, return its name, short name, country, region, role and notes.

    Reads from the right, repeatedly: a trailing bracket (a role, a place, a kind of partner, a
    short name, or, after a short name, the full name with its country), a trailing ", Country"
    or "; FR", and a tail after a dash (a role, a place, the full name after a short name, or a
    note after a closing bracket). Then a trailing acronym whose letters are the initials of the
    words before it ("Comunidad de trabajo de los pirineos CTP"). A name that is itself a short
    name ("CEL") is also the short name. Every part is a slice of `text` with its span.
    """
    return _EntryReader(text, words).read()


class _EntryReader:
    """The state of reading one entry from the right: the window still unread and the parts."""

    def __init__(self, text: str, words: PartnerWords) -> None:
        pairs = _bracket_pairs(text)
        self.text = text
        self.folded = fold(text)
        self.mask = _inside_mask(len(text), pairs)
        self.opener_of = {closed: opened for opened, closed in pairs}
        self.words = words
        self.parts: dict[str, Any] = {}
        start, end = _strip(text, 0, len(text))
        self.start, self.end = start, _drop_final_period(text, start, end, words)
        self.name_span: Span | None = None

    def read(self) -> PartnerParts:
        """Return the parts of the entry."""
        for _ in range(8):  # each step consumes a part; real entries have at most four
            self.start, self.end = _strip(self.text, self.start, self.end)
            if self.name_span is not None or self.start >= self.end:
                break
            if not (self._bracket() or self._separated_place() or self._dash()):
                break
        if self.name_span is None:
            self._trailing_acronym()
            self.name_span = _strip(self.text, self.start, self.end, " \t\n,;-\u2013\u2014")
        name_start, name_end = self.name_span
        name = self.text[name_start:name_end]
        if "short_name" not in self.parts and is_short_name(name, self.words):
            self._set("short_name", (name_start, name_end))
        return PartnerParts(name=name, name_span=self.name_span, **self.parts)

    def _set(self, part: str, span: Span, value: str | None = None) -> bool:
        """Record a part (once: the rightmost wins); return whether it was recorded."""
        if part in self.parts:
            return False
        start, end = span
        written = self.text[start:end]
        if part == "country":
            self.parts["country"] = value
            self.parts["country_text"] = written
        elif part == "role":
            self.parts["role"] = value
        else:
            self.parts[part] = written
        self.parts[f"{part}_span"] = span
        return True

    def _set_place(self, span: Span) -> bool:
        """Record the span as the country or region it names; return whether it names one."""
        place = _place(self.text[span[0] : span[1]], self.words, codes=True)
        if place is None:
            return False
        kind, normalised = place
        return self._set(kind, span, normalised if kind == "country" else None)

    def _bracket(self) -> bool:
        """Read a bracket that closes the window; return whether it was consumed."""
        opened = self.opener_of.get(self.end - 1)
        if opened is None or opened <= self.start:
            return False
        head = _strip(self.text, self.start, opened)
        inside = _strip(self.text, opened + 1, self.end - 1)
        if inside[0] >= inside[1] or head[0] >= head[1]:
            return False
        inside_text = self.text[inside[0] : inside[1]]
        role = _role_of(inside_text, self.words)
        if role is not None and self._set("role", inside, role):
            self.end = opened
            return True
        if self._set_place(inside):
            self.end = opened
            return True
        rest = inside
        comma = self.folded.rfind(",", inside[0], inside[1])
        placed = False
        if comma > inside[0] and _place(self.text[comma + 1 : inside[1]], self.words, codes=True):
            placed = self._set_place(_strip(self.text, comma + 1, inside[1]))
            rest = _strip(self.text, inside[0], comma)
        rest_text = self.text[rest[0] : rest[1]]
        head_text = self.text[head[0] : head[1]]
        head_short = is_short_name(head_text, self.words)
        rest_short = is_short_name(rest_text, self.words)
        if _is_description(rest_text, self.words):
            self._set("description", rest)
        elif rest_short and not head_short:
            self._set("short_name", rest)
        elif head_short and not rest_short:
            self._set("short_name", head)
            self.name_span = rest
        elif placed:
            self._set("note", rest)
        else:
            return False
        self.end = opened
        return True

    def _separated_place(self) -> bool:
        """Read a country or region after the window's last top-level comma or semicolon."""
        separator = _last_top_level(_COMMA, self.folded, self.start, self.end, self.mask)
        if separator is None or not self.text[self.start : separator.start()].strip():
            return False
        if self._set_place(_strip(self.text, separator.end(), self.end)):
            self.end = separator.start()
            return True
        return False

    def _dash(self) -> bool:
        """Read the tail after the window's last top-level dash."""
        dash = _last_top_level(_DASH, self.text, self.start, self.end, self.mask)
        if dash is None:
            return False
        head = _strip(self.text, self.start, dash.start())
        tail = _strip(self.text, dash.end(), self.end)
        if head[0] >= head[1] or tail[0] >= tail[1]:
            return False
        head_text = self.text[head[0] : head[1]]
        tail_text = self.text[tail[0] : tail[1]]
        role = _role_of(tail_text, self.words)
        if role is not None and self._set("role", tail, role):
            self.end = dash.start()
            return True
        if self._set_place(tail):
            self.end = dash.start()
            return True
        tail_words = len(tail_text.split())
        head_words = len(head_text.split())
        if "short_name" not in self.parts:
            if is_short_name(head_text, self.words) and tail_words >= 2:
                self._set("short_name", head)
                self.start = dash.end()
                return True
            if is_short_name(tail_text, self.words) and head_words >= 2:
                self._set("short_name", tail)
                self.end = dash.start()
                return True
        if "note" in self.parts or tail_words < 2:
            return False  # "Leibnitz IFW - Dresden": a place name that belongs to the name
        if head_text.endswith(tuple(_CLOSERS)) or not reads_as_organisation(tail_text, self.words):
            self._set("note", tail)
            self.end = dash.start()
            return True
        return False

    def _trailing_acronym(self) -> None:
        """Read a final acronym made of the initials of the words before it."""
        if "short_name" in self.parts:
            return
        window = self.text[self.start : self.end]
        tokens = list(_NON_SPACE.finditer(window))
        if len(tokens) < 3:
            return
        last = tokens[-1].group()
        if not is_short_name(last, self.words) or is_legal_form(fold(last), self.words):
            return
        initials = [
            token.group()[0].casefold() for token in tokens[:-1] if token.group()[0].isalpha()
        ]
        letters = [char.casefold() for char in last if char.isupper()]
        if not letters or not initials or letters[0] != initials[0]:
            return
        remaining = iter(initials)
        if all(letter in remaining for letter in letters):
            self._set(
                "short_name", (self.start + tokens[-1].start(), self.start + tokens[-1].end())
            )
            self.end = self.start + tokens[-2].end()


def _is_description(text: str, words: PartnerWords) -> bool:
    """Given a bracket's text, decide whether it says what kind of partner it is rather than
    naming it ("Technology SME", "Research & Innovation Partner", "Logistics Company")."""
    tokens = fold(text).split()
    if not tokens or _token_key(tokens[-1]) not in words.type_head_keys:
        return False
    return _legal_form_after_name(fold(text), words) is None


# 4. Labels -------------------------------------------------------------------------------------


def label_kind(text: str, words: PartnerWords) -> LabelMatch | None:
    """Given a short line (bold markers removed), return the partner-block label it is, if any.

    "Partners", "Lead partner: IAL FVG", "Coordinated by ASTER", "Coordinator – ALFA",
    "Technology Providers" (a category heading ending in partners, providers, pilots, members...)
    are labels; a sentence ("The partners of the project met in Rome.") is not. Case-insensitive;
    the span of the value after the colon (or after a prefix such as "Coordinated by", or after
    the dash of a coordinator or lead label) is returned when there is one.
    """
    folded = fold(text)
    colon = folded.find(":")
    value: Span | None = None
    if colon >= 0:
        label = _strip(text, 0, colon)
        value = _strip(text, colon + 1, len(text))
    else:
        dashed = _dashed_label(text, folded, words)
        if dashed is not None:
            return dashed
        label = _strip(text, 0, len(text))
        prefix = words.label_prefix.match(folded) if words.label_prefix else None
        if prefix:
            label = _strip(text, 0, prefix.end())
            value = _strip(text, prefix.end(), len(text))
    if label[0] >= label[1]:
        return None
    kind = _label_kind_of(text[label[0] : label[1]], words)
    if kind is None:
        return None
    return LabelMatch(kind, label, value if value and value[0] < value[1] else None)


def _dashed_label(text: str, folded: str, words: PartnerWords) -> LabelMatch | None:
    """Given a line without a colon, return it as a coordinator or lead label whose value follows
    a dash ('Coordinator – ALFA', 'Capofila - Comune di Alfa'), or None. A partners label before
    a dash is a page's heading ('Partners – who we are'), one word in capitals a project's
    acronym ('LEAD – Low Emission Districts'), and the value must read as an organisation."""
    dash = _DASH.search(folded)
    if dash is None:
        return None
    label = _strip(text, 0, dash.start())
    value = _strip(text, dash.end(), len(text))
    written = text[label[0] : label[1]]
    if not written or value[0] >= value[1] or (written.isupper() and len(written.split()) == 1):
        return None
    kind = _label_kind_of(written, words)
    if kind is None or kind not in LEAD_LABELS:
        return None
    if not reads_as_organisation(text[value[0] : value[1]], words):
        return None
    return LabelMatch(kind, label, value, dashed=True)


def _label_kind_of(label: str, words: PartnerWords) -> LabelKind | None:
    """Given the label part of a line, return its kind, or None when it is not a label."""
    tokens = label.split()
    if len(tokens) > words.patterns.label_max_words:
        return None
    if label.rstrip().endswith((".", "!", "?")) and len(tokens) > 2:
        return None
    if any(word in words.sentence_verbs for word in _WORD.findall(fold(label))):
        return None
    key = _TRAILING_COUNT.sub("", normalise_key(label))
    article = words.article.match(key)
    for candidate in (key, key[article.end() :] if article else key):
        if candidate in words.label_by_phrase:
            return words.label_by_phrase[candidate]
    heads = _LABEL_WORD.findall(key)
    if not heads or len(heads) > words.patterns.label_heads.max_words:
        return None
    if heads[-1] in words.heads_last or heads[0] in words.heads_first:
        if any(head in words.heads_associated for head in heads):
            return "associated"
        return "partners"
    return None
