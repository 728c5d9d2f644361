"""The description, its lists, and facts read from the prose: programme, countries, counts, dates,
laws, targets and the beneficiary."""

from __future__ import annotations

import re
from bisect import bisect_left

from spacy.tokens import Span
from spacy.util import filter_spans

from extractors.context import Extractor, SectionContext
from extractors.draft import ProjectDraft
from extractors.nlp import FACTS_KEY
from extractors.segment import Placed, Slot
from schemas import GroundedCount, GroundedText, ItemList

_PROSE_SLOTS: tuple[Slot, ...] = (
    "description",
    "list_intro",
    "list_item",
    "partner_prose",
    "role_text",
    "role_item",
    "beneficiary",
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
    found = sorted(context.doc.spans[FACTS_KEY], key=lambda span: span.start_char)
    starts = [span.start_char for span in found]
    by_label: dict[str, list[Span]] = {}
    for unit in context.section.units(*_PROSE_SLOTS):
        for span in found[bisect_left(starts, unit.start) : bisect_left(starts, unit.end)]:
            if span.end_char <= unit.end:
                by_label.setdefault(span.label_, []).append(span)
    return {
        label: sorted(filter_spans(group), key=lambda s: s.start)
        for label, group in by_label.items()
    }


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
    spans = _spans_in(context)
    programmes = spans.get("PROGRAMME", [])
    draft.programme = _grounded(context, programmes[0], "programme") if programmes else None
    draft.countries = _unique([_grounded(context, s, "country") for s in spans.get("COUNTRY", [])])
    draft.partner_count = _count(context, spans.get("PARTNER_COUNT", []), "partner_count")
    draft.country_count = _count(context, spans.get("COUNTRY_COUNT", []), "country_count")
    draft.region_count = _count(context, spans.get("REGION_COUNT", []), "region_count")
    draft.dates = _unique([_grounded(context, s, "date") for s in spans.get("DATE", [])])
    draft.laws = _unique([_grounded(context, s, "law") for s in spans.get("LAW", [])])
    draft.targets = _unique([_grounded(context, s, "target") for s in spans.get("TARGET", [])])
    draft.beneficiary = _beneficiary(context)
    return draft


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
        "laws",
        "targets",
        "beneficiary",
    ),
)
