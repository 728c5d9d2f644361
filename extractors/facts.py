"""The description, its lists, and facts read from the prose: programme, countries, counts, dates,
budgets, laws, targets and the beneficiary."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from spacy.tokens import Doc, Span, Token
from spacy.util import filter_spans

from extractors.context import Extractor, SectionContext
from extractors.draft import ProjectDraft
from extractors.fact_words import FactWords, phrase_key
from extractors.nlp import FACTS_KEY
from extractors.segment import Placed, Slot
from extractors.text import fold
from schemas import (
    GroundedAmount,
    GroundedCount,
    GroundedDate,
    GroundedText,
    ItemList,
)
from schemas.records import AmountKind, DatePrecision, DateQualifier

_PROSE_SLOTS: tuple[Slot, ...] = (
    "description",
    "list_intro",
    "list_item",
    "partner_prose",
    "role_text",
    "role_item",
    "beneficiary",
    "field",
)


def extract_description(context: SectionContext, draft: ProjectDraft) -> ProjectDraft:
    """Set the section's description paragraphs and its non-partner lists."""
    section = context.section
    locate = context.locator.evidence
    paragraphs = section.units("description")
    draft.description = "\n\n".join(unit.text for unit in paragraphs)
    if paragraphs:
        draft.description_evidence = locate(paragraphs[0].start, paragraphs[-1].end, "description")
    blocks: dict[int, list[Placed]] = {}
    for part in section.parts:
        if part.slot in ("list_intro", "list_item"):
            blocks.setdefault(part.block, []).append(part)
    lists = []
    for parts in blocks.values():
        intro = next((p.unit for p in parts if p.slot == "list_intro"), None)
        items = [p.unit for p in parts if p.slot == "list_item"]
        if not items:
            continue
        lists.append(
            ItemList(
                kind=list_kind(intro.text if intro else "", context),  # type: ignore[arg-type]
                intro=intro.text if intro else None,
                items=[
                    GroundedText(
                        value=item.text,
                        text=item.text,
                        evidence=locate(item.start, item.end, "list_item"),
                    )
                    for item in items
                ],
                evidence=locate((intro or items[0]).start, items[-1].end, "list"),
            )
        )
    draft.lists = lists
    return draft


DESCRIPTION_EXTRACTOR = Extractor(
    "description",
    extract_description,
    assigns=("description", "description_evidence", "lists"),
)


def list_kind(intro: str, context: SectionContext) -> str:
    """Given a list's introduction, return its kind from the words the layout rules give."""
    words = intro.casefold()
    for kind, cues in context.rules.patterns.layout.list_kinds.items():
        if any(re.search(rf"\b{re.escape(cue.casefold())}\b", words) for cue in cues):
            return kind
    return "items"


def _spans_in(context: SectionContext) -> dict[str, list[Span]]:
    """Every span the fact patterns found in the section's prose, by label, overlaps and all."""
    found = sorted(context.doc.spans[FACTS_KEY], key=lambda span: span.start_char)
    starts = [span.start_char for span in found]
    by_label: dict[str, list[Span]] = {}
    for unit in context.section.units(*_PROSE_SLOTS):
        for span in found[bisect_left(starts, unit.start) : bisect_left(starts, unit.end)]:
            if span.end_char <= unit.end:
                by_label.setdefault(span.label_, []).append(span)
    return by_label


def _longest(spans: Iterable[Span]) -> list[Span]:
    """The longest of overlapping spans (the first of equally long ones), in document order."""
    return sorted(filter_spans(spans), key=lambda span: span.start)


def _grounded(context: SectionContext, span: Span, rule: str) -> GroundedText:
    text = context.locator.text[span.start_char : span.end_char]
    return GroundedText(
        value=span.id_ or text,
        text=text,
        evidence=context.locator.evidence(span.start_char, span.end_char, rule),
    )


def _count(context: SectionContext, spans: list[Span], rule: str) -> GroundedCount | None:
    for span in spans:
        digits = span[0].text.replace(",", "").replace(".", "")
        if digits.isdigit():
            text = context.locator.text[span.start_char : span.end_char]
            return GroundedCount(
                value=int(digits),
                text=text,
                evidence=context.locator.evidence(span.start_char, span.end_char, rule),
            )
    return None


def _unique(values: list[GroundedText]) -> list[GroundedText]:
    seen: set[str] = set()
    unique = []
    for value in values:
        if value.value not in seen:
            seen.add(value.value)
            unique.append(value)
    return unique


def extract_facts(context: SectionContext, draft: ProjectDraft) -> ProjectDraft:
    """Set the facts stated in the section's prose, each with its evidence."""
    found = _spans_in(context)
    spans = {label: _longest(group) for label, group in found.items()}
    words = context.rules.fact_words
    programmes = spans.get("PROGRAMME", [])
    draft.programme = _grounded(context, programmes[0], "programme") if programmes else None
    draft.countries = _unique([_grounded(context, s, "country") for s in spans.get("COUNTRY", [])])
    draft.partner_count = _count(context, spans.get("PARTNER_COUNT", []), "partner_count")
    draft.country_count = _count(context, spans.get("COUNTRY_COUNT", []), "country_count")
    draft.region_count = _count(context, spans.get("REGION_COUNT", []), "region_count")
    draft.dates = _dates(context, found.get("DATE", []), words)
    draft.budgets = _budgets(context, found.get("BUDGET", []), words)
    draft.laws = _unique([_grounded(context, s, "law") for s in spans.get("LAW", [])])
    draft.targets = _unique([_grounded(context, s, "target") for s in spans.get("TARGET", [])])
    draft.beneficiary = _beneficiary(context)
    return draft


@dataclass(frozen=True)
class ReadDate:
    """A date read from its words: ISO 8601 at the precision stated, a range's end, and the
    qualifier that opens it."""

    value: str
    precision: DatePrecision
    end: str | None = None
    qualifier: DateQualifier | None = None


_DATE_PARTS = re.compile(r"\d+|[^\W\d_]+")
_RANGE_GAP = re.compile(r"[^\s\w]|\s\w+\s")  # between a range's ends: '-', ' to ', ' bis '
_CalendarPart = tuple[str, int]  # ("Y", 2023) a year, ("N", 9) a day or month number, ("M", 3)


def read_date(
    words: str,
    months: Mapping[str, int],
    qualifiers: Mapping[str, DateQualifier] | None = None,
) -> ReadDate | None:
    """Given a date's words as written ('21 February 2023', '30/09/2021', 'by 2026', '2021-2024',
    '3-5 October 2024') and the month names, return it in ISO 8601 at the precision stated, or
    None when the words are no calendar date ('31/02/2023', '2024-2021').

    Numbers are read day first (30/09/2021 is 30 September), month first only where day first
    cannot be a date and month first can (12/25/2023), and then for both ends of a range. The
    ends of a range are written apart by a dash or a word ('2021-2024', '22nd to 24th'): '3 4
    March 2023' is no range."""
    found = list(_DATE_PARTS.finditer(words))
    qualifier = (qualifiers or {}).get(found[0].group().casefold()) if found else None
    parts: list[_CalendarPart] = []
    ends: list[int] = []
    cuts: set[int] = set()
    for match in found:
        part = match.group()
        if part.isdigit():
            if len(part) not in (1, 2, 4):
                return None
            kind, number = ("Y" if len(part) == 4 else "N"), int(part)
        elif (month := months.get(part.casefold())) is not None:
            kind, number = "M", month
        else:
            continue  # a qualifier, a separator word, 'of', an ordinal's ending
        if ends and _RANGE_GAP.search(words[ends[-1] : match.start()]):
            cuts.add(len(parts))
        parts.append((kind, number))
        ends.append(match.end())
    for month_first in (False, True):
        single = _calendar_date(parts, month_first)
        if single is not None:
            return ReadDate(single[0], single[1], qualifier=qualifier)
        period = _calendar_range(parts, cuts, month_first)
        if period is not None:
            (start, precision), (end, _) = period
            return ReadDate(start, precision, end=end, qualifier=qualifier)
    return None


_YEARS = range(1900, 2100)
"""The years a brochure's dates fall in; another four-digit number is a count."""


def _calendar_date(
    parts: list[_CalendarPart], month_first: bool
) -> tuple[str, DatePrecision] | None:
    """Given the parts of one date, return its ISO 8601 form and precision, or None."""
    shape = "".join(kind for kind, _ in parts)
    numbers = [number for _, number in parts]
    if any(kind == "Y" and number not in _YEARS for kind, number in parts):
        return None
    if shape in ("YNN", "NNY", "NMY", "MNY"):
        if shape == "YNN":
            year, month, day = numbers
        elif shape == "NNY":
            day, month, year = numbers
            if month_first:
                day, month = month, day
        elif shape == "NMY":
            day, month, year = numbers
        else:
            month, day, year = numbers
        try:
            return date(year, month, day).isoformat(), "day"
        except ValueError:
            return None  # 31/02/2023
    if shape in ("NY", "MY"):
        month, year = numbers
        return (f"{year:04d}-{month:02d}", "month") if 1 <= month <= 12 else None
    if shape == "Y":
        return f"{numbers[0]:04d}", "year"
    return None


def _calendar_range(
    parts: list[_CalendarPart], cuts: set[int], month_first: bool
) -> tuple[tuple[str, DatePrecision], tuple[str, DatePrecision]] | None:
    """Given the parts of two dates and where they may be cut in two, return the first date and
    the last, or None. A start written short takes the month and year of the end ('7-12 April
    2019', 'January - March 2023')."""
    for cut in sorted(cuts):
        first, last = parts[:cut], parts[cut:]
        end = _calendar_date(last, month_first)
        if end is None:
            continue
        if len(last) > cut and [kind for kind, _ in last[:cut]] == [kind for kind, _ in first]:
            first = first + last[cut:]
        start = _calendar_date(first, month_first)
        if start is not None:
            common = min(len(start[0]), len(end[0]))
            return (start, end) if start[0][:common] <= end[0][:common] else None
    return None


def _dates(context: SectionContext, spans: list[Span], words: FactWords) -> list[GroundedDate]:
    """The dates of the spans that read as calendar dates, each with the qualifier just before
    it (a year alone only with one), the longest of overlapping ones, each once."""
    read: dict[tuple[int, int], ReadDate] = {}
    for span in spans:
        date = _read_date_span(context.doc, span, words)
        if date is not None:
            read[(span.start, span.end)] = date
    dates: list[GroundedDate] = []
    seen: set[tuple[str, str | None, str | None]] = set()
    for span in _longest(span for span in spans if (span.start, span.end) in read):
        found = read[(span.start, span.end)]
        if (found.value, found.end, found.qualifier) in seen:
            continue
        seen.add((found.value, found.end, found.qualifier))
        start = context.doc[span.start - 1].idx if found.qualifier else span.start_char
        dates.append(
            GroundedDate(
                value=found.value,
                precision=found.precision,
                end=found.end,
                qualifier=found.qualifier,
                text=context.locator.text[start : span.end_char],
                evidence=context.locator.evidence(start, span.end_char, "date"),
            )
        )
    return dates


def _read_date_span(doc: Doc, span: Span, words: FactWords) -> ReadDate | None:
    """The date a span's words state, read with the qualifier word just before it on its line;
    None when they state none, or only a year that the words around it do not make a date
    ('2021 participants', 'data from 2019')."""
    if not span[-1].text[:1].isdigit():
        return None  # a dash or 'to' with nothing after it: '30/09/2021 -'
    before = _beside(doc, span.start, -1)
    qualifier = before if before is not None and before.lower_ in words.qualifiers else None
    text = f"{qualifier.text} {span.text}" if qualifier is not None else span.text
    date = read_date(text, words.months, words.qualifiers)
    if date is None:
        return None
    if date.precision == "year" and date.end is None and not _dates_a_year(qualifier, span, words):
        return None
    return date


def _dates_a_year(qualifier: Token | None, span: Span, words: FactWords) -> bool:
    """Given the qualifier before a year alone (or None) and the year's span, decide whether
    they make the year a date: any qualifier does ('by 2026', 'seit 2019'), but one that may
    also name a source only with a period cue before it or after the year ('starting from 2019',
    'from 2019 onwards'), which 'data from 2019' and 'results from 2019 surveys' do not have."""
    if qualifier is None:
        return False
    if qualifier.lower_ not in words.source_qualifiers:
        return True
    opening = _beside(span.doc, qualifier.i, -1)
    following = _beside(span.doc, span.end - 1, 1)
    return (opening is not None and words.period_cues.get(opening.lower_) == "before") or (
        following is not None and words.period_cues.get(following.lower_) == "after"
    )


def _beside(doc: Doc, index: int, step: int) -> Token | None:
    """The token just before (`step` -1) or just after (`step` 1) the one at `index`, when there
    is one on the same line."""
    other = index + step
    if not 0 <= other < len(doc):
        return None
    return doc[other] if "\n" not in doc[min(index, other)].whitespace_ else None


_GROUPING = " '"
_MARKS = ".,"


def read_number(words: str) -> Decimal | None:
    """Given a number as written ('1.500.000', '2,500,000', '1,2', '12.345.678,90', '1 200 000',
    "1'000"), return its value, or None when its separators do not read as one number
    ('1.50.0', '1,234,5').

    Spaces and apostrophes group thousands. Of two marks ('1.234,56', '1,234.56') the last is the
    decimal mark. One mark written once is the decimal mark ('1,2', '2.25'), unless three digits
    follow it and no space groups the thousands ('1.500', '350,000'); written twice or more, it
    groups thousands."""
    if not words or not (words[0].isdigit() and words[-1].isdigit()):
        return None
    separators = [char for char in words if not char.isdigit()]
    if any(char not in _GROUPING + _MARKS for char in separators):
        return None
    marks = sorted(set(separators) & set(_MARKS))
    decimal_mark: str | None = None
    if len(marks) == 2:
        decimal_mark = separators[-1]
    elif len(marks) == 1:
        (mark,) = marks
        grouped = set(separators) & set(_GROUPING)
        if separators.count(mark) == 1 and (len(words.rsplit(mark, 1)[1]) != 3 or grouped):
            decimal_mark = mark
    whole, fraction = words.rsplit(decimal_mark, 1) if decimal_mark else (words, "")
    if not fraction.isdigit() and fraction:
        return None  # the decimal mark written twice: '1,234,5' read with ',' as decimal mark
    if len({char for char in whole if not char.isdigit()}) > 1:
        return None  # thousands grouped two ways: '1.234,567.890'
    groups = re.split(f"[{re.escape(_GROUPING + _MARKS)}]", whole)
    if len(groups) > 1 and (
        not 1 <= len(groups[0]) <= 3 or any(len(group) != 3 for group in groups[1:])
    ):
        return None
    try:
        return Decimal("".join(groups) + (f".{fraction}" if fraction else ""))
    except InvalidOperation:  # pragma: no cover - only digits reach Decimal
        return None


_NUMBER_WORD = re.compile(r"^(\d(?:[\d.,']*\d)?)([^\W\d_]*)\.?$")


def _amount(span: Span, words: FactWords) -> tuple[Decimal, str] | None:
    """Given an amount's tokens ('€', '1,2', 'mln'), return its value and currency, or None when
    its number does not read as one or it has no currency or two scales."""
    currency: str | None = None
    scale, scales = Decimal(1), 0
    numbers: list[str] = []
    for token in span:
        key = token.text.casefold()
        number = _NUMBER_WORD.match(token.text)
        if number is not None:
            numbers.append(number.group(1))
            key = number.group(2).casefold()  # '300k', '1.2bn': a scale written on the number
            if not key:
                continue
            if key not in words.scales:
                return None
        currency = currency or words.currencies.get(key)
        if key in words.scales:
            scale, scales = scale * words.scales[key], scales + 1
    value = read_number(" ".join(numbers))
    if value is None or currency is None or scales > 1:
        return None
    return value * scale, currency


# How far from an amount the words saying what it is may stand, in words within its clause:
# "a total budget of about € 2 million", "€ 2 million of EU funding".
_KIND_WORDS_BEFORE = 5
_KIND_WORDS_AFTER = 2
_KIND_REACH = 200  # characters looked at on each side: more than the words allowed
_CLAUSE_END = re.compile(r"[.;!?]\s")
_WORD = re.compile(r"\w+")


def amount_kind(before: str, after: str, kinds: Mapping[str, AmountKind]) -> AmountKind | None:
    """Given the text before an amount and after it (each up to the amount next to it) and the
    phrases that name kinds of amounts, return the kind the nearest phrase names: the last one
    before it, within five words and its clause, else the first one after it, within two."""
    preceding = list(_phrases_in(before, kinds))
    if preceding:
        between = before[preceding[-1].end() :]
        if len(_WORD.findall(between)) <= _KIND_WORDS_BEFORE and not _CLAUSE_END.search(
            between + " "
        ):
            return kinds[phrase_key(preceding[-1].group())]
    following = next(_phrases_in(after, kinds), None)
    if following is not None:
        between = after[: following.start()]
        if len(_WORD.findall(between)) <= _KIND_WORDS_AFTER and not _CLAUSE_END.search(between):
            return kinds[phrase_key(following.group())]
    return None


def _phrases_in(text: str, kinds: Mapping[str, AmountKind]) -> Iterator[re.Match[str]]:
    """The phrases of `kinds` in the text, whole words, any case and spacing, longest first
    where two start together."""
    if not kinds:
        return iter(())
    phrases = sorted(kinds, key=len, reverse=True)
    written = "|".join(r"\s+".join(map(re.escape, phrase.split())) for phrase in phrases)
    return re.finditer(rf"(?<!\w)(?:{written})(?!\w)", text, re.IGNORECASE)


def _budgets(context: SectionContext, spans: list[Span], words: FactWords) -> list[GroundedAmount]:
    """The amounts of the spans that read as amounts, the longest of overlapping ones, each
    amount once, with what the words around them call them."""
    read = {
        (span.start, span.end): found
        for span in spans
        if (found := _amount(span, words)) is not None
    }
    amounts = _longest(span for span in spans if (span.start, span.end) in read)
    text = context.locator.text
    budgets: list[GroundedAmount] = []
    seen: set[tuple[Decimal, str]] = set()
    for index, span in enumerate(amounts):
        value, currency = read[(span.start, span.end)]
        if (value, currency) in seen:
            continue
        seen.add((value, currency))
        previous = amounts[index - 1].end_char if index else 0
        following = amounts[index + 1].start_char if index + 1 < len(amounts) else len(text)
        kind = amount_kind(
            fold(text[max(previous, span.start_char - _KIND_REACH) : span.start_char]),
            fold(text[span.end_char : min(following, span.end_char + _KIND_REACH)]),
            words.kinds,
        )
        budgets.append(
            GroundedAmount(
                amount=float(value),
                currency=currency,
                kind=kind,
                text=context.locator.text[span.start_char : span.end_char],
                evidence=context.locator.evidence(span.start_char, span.end_char, "budget"),
            )
        )
    return budgets


def _beneficiary(context: SectionContext) -> GroundedText | None:
    """The value of the section's first beneficiary line ('Beneficiary: ...'), if it has one."""
    beneficiary = next(iter(context.section.units("beneficiary")), None)
    if beneficiary is None or beneficiary.value_start is None:
        return None
    value = context.locator.text[beneficiary.value_start : beneficiary.end].strip()
    if not value:
        return None
    return GroundedText(
        value=value,
        text=value,
        evidence=context.locator.evidence(beneficiary.value_start, beneficiary.end, "beneficiary"),
    )


FACTS_EXTRACTOR = Extractor(
    "facts",
    extract_facts,
    assigns=(
        "programme",
        "countries",
        "partner_count",
        "country_count",
        "region_count",
        "dates",
        "budgets",
        "laws",
        "targets",
        "beneficiary",
    ),
)
