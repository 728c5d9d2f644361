"""The publishing organisation's role in a project, and the work packages it leads or supports."""

from __future__ import annotations

import re
from dataclasses import replace
from functools import cache

from extractors.context import Extractor, SectionContext
from extractors.draft import ProjectDraft
from extractors.layout import Unit
from extractors.role_sentences import same_organisation
from extractors.rules import Rules
from extractors.text import fold, normalise_key
from schemas import ExtractionWarning, GroundedText, Role

_TITLE_END = r"(?=\s*(?:,|;|\(|\.\s|\.$|\bwhich\b|\bin which\b|\bwhere\b|$))"


@cache
def work_package_patterns(rules: Rules) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Given the rules, return the regexes for numbered and unnumbered work packages."""
    roles = rules.patterns.roles
    verbs = sorted(
        roles.work_package_lead_verbs + roles.work_package_support_verbs, key=len, reverse=True
    )
    verb = "|".join(re.escape(v) for v in verbs)
    numbered = re.compile(
        rf"(?P<verb>{verb})\s+(?:the\s+)?(?:work\s*package\s*)?"
        rf"(?:WP\s*(?P<number>\d+)|work\s*package\s*(?P<number_words>\d+))\s*[.:\-]?\s*"
        rf"(?P<title>[^,;()]+?){_TITLE_END}",
        re.IGNORECASE,
    )
    unnumbered = re.compile(
        rf"(?P<verb>{verb})\s+(?:the\s+)?work\s*package\s+(?:on|for|of|about|dedicated to)\s+"
        rf"(?:the\s+)?(?P<title>.+?)(?=\s*(?:\.\s|\.$|;|,\s*which\b|$))",
        re.IGNORECASE,
    )
    return numbered, unnumbered


def find_work_packages(unit: Unit, rules: Rules) -> list[tuple[int | None, str, bool, int, int]]:
    """Given a role paragraph, return (number, title, lead, start, end) for each work package."""
    numbered, unnumbered = work_package_patterns(rules)
    lead_verbs = {fold(verb).casefold() for verb in rules.patterns.roles.work_package_lead_verbs}
    text = unit.folded
    found = []
    for pattern in (numbered, unnumbered):
        for match in pattern.finditer(text):
            number_text = match.groupdict().get("number") or match.groupdict().get("number_words")
            title = unit.text[match.start("title") : match.end("title")].strip()
            lead = match.group("verb").casefold() in lead_verbs
            found.append(
                (
                    int(number_text) if number_text else None,
                    title,
                    lead,
                    unit.start + match.start("title")
                    if number_text is None
                    else unit.start + match.start(),
                    unit.start + match.end("title"),
                )
            )
    return found


def categorise_role(context: SectionContext, units: list[Unit], leads_work_package: bool) -> str:
    """Given role paragraphs, return the first category (in the rules' order) whose cue occurs."""
    cues: set[str] = set()
    for unit in units:
        span = context.span(unit.start, unit.end)
        cues.update(
            context.toolkit.nlp.vocab.strings[match_id]
            for match_id, _, _ in context.toolkit.role_cues(span)
        )
    for entry in context.rules.patterns.roles.categories:
        if entry.category in cues or (
            entry.category == "work_package_leader" and leads_work_package
        ):
            return entry.category
    return "other"


def _role_in_prose(context: SectionContext, leads: bool) -> Role | None:
    """The publisher's role stated in the section's own sentences, if any."""
    publisher = context.publisher
    if publisher is None:
        return None
    sentences = [
        sentence
        for sentence in context.role_sentences
        if same_organisation(sentence.organisation, publisher)
    ]
    if not sentences:
        return None
    spans = [context.span(sentence.start, sentence.end) for sentence in sentences]
    cues = {
        context.toolkit.nlp.vocab.strings[match_id]
        for span in spans
        for match_id, _, _ in context.toolkit.role_cues(span)
    }
    category = next(
        (
            entry.category
            for entry in context.rules.patterns.roles.categories
            if entry.category in cues or (entry.category == "work_package_leader" and leads)
        ),
        "other",
    )
    text = " ".join(" ".join(context.locator.text[s.start : s.end].split()) for s in sentences)
    return Role(
        organisation=publisher,
        text=text,
        category=category,  # type: ignore[arg-type]
        evidence=context.locator.evidence(sentences[0].start, sentences[-1].end, "role_sentence"),
    )


def extract_role(context: SectionContext, draft: ProjectDraft) -> ProjectDraft:
    """Set the role of the organisation named in the section's 'Role of ...' heading, or the
    role the publisher states in the section's sentences."""
    section = context.section
    leads = any(package.lead for package in draft.work_packages)
    headings = [part for part in section.parts if part.slot == "role_heading"]
    if not headings:
        draft.role = _role_in_prose(context, leads)
        return draft
    with_text = [
        h
        for h in headings
        if any(p.slot == "role_text" and p.block == h.block for p in section.parts)
    ]
    heading = (with_text or headings)[-1]
    texts = [p.unit for p in section.parts if p.slot == "role_text" and p.block == heading.block]
    if heading.unit.value_start is not None:
        # "VSM role: project leader": the heading carries its role.
        value = replace(heading.unit, start=heading.unit.value_start)
        texts = [replace(value, text=context.locator.text[value.start : value.end]), *texts]
    items = [p.unit for p in section.parts if p.slot == "role_item" and p.block == heading.block]
    organisation = heading.unit.organisation or ""
    canonical = context.rules.alias_to_organisation.get(normalise_key(organisation), organisation)
    locate = context.locator.evidence
    if not texts:
        draft.role = Role(
            organisation=canonical,
            text="",
            category="none_stated",
            evidence=locate(heading.unit.start, heading.unit.end, "role_heading"),
        )
        draft.warnings.append(
            ExtractionWarning(
                code="role_not_stated",
                message=f"the heading '{heading.unit.text}' has no text under it",
                evidence=locate(heading.unit.start, heading.unit.end),
            )
        )
        return draft
    category = categorise_role(context, texts, leads)
    start, end = texts[0].start, (items or texts)[-1].end
    draft.role = Role(
        organisation=canonical,
        text=" ".join(unit.text for unit in texts),
        category=category,  # type: ignore[arg-type]
        activities=[
            GroundedText(
                value=item.text,
                text=item.text,
                evidence=locate(item.start, item.end, "role_activity"),
            )
            for item in items
        ],
        evidence=locate(start, end, "role_paragraph"),
    )
    if category == "other":
        draft.warnings.append(
            ExtractionWarning(
                code="role_category_unknown",
                message="the role text matches no category cue; category set to 'other'",
                evidence=locate(start, end),
            )
        )
    return draft


ROLE_EXTRACTOR = Extractor("role", extract_role, requires=("work_packages",), assigns=("role",))
