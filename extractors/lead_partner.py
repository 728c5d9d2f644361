"""The partner that coordinates or leads a project: stated on its own entry ('Lead partner: X',
'X - Project Coordinator', 'capofila'), else named by a sentence of the section's prose
('coordinated by X', 'X is the lead partner') among the partners already read."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Literal, cast

from extractors.context import Extractor, SectionContext
from extractors.draft import ProjectDraft
from extractors.segment import Slot
from schemas import LeadPartner, Partner

LeadRole = Literal["coordinator", "lead_partner"]
_LEAD_ROLES: tuple[LeadRole, ...] = ("coordinator", "lead_partner")
_PROSE_SLOTS: tuple[Slot, ...] = ("description", "partner_prose", "list_item", "field")
"""The slots whose prose the partners extractor reads for partner cues."""


def extract_lead_partner(context: SectionContext, draft: ProjectDraft) -> ProjectDraft:
    """Set the project's lead partner: the first partner whose entry states that it coordinates
    or leads the consortium, else the first partner a coordinator cue of the prose names."""
    draft.lead_partner = stated_lead_partner(draft.partners) or _named_in_prose(
        context, draft.partners
    )
    return draft


def stated_lead_partner(partners: list[Partner]) -> LeadPartner | None:
    """Given a project's partners, return the first whose consortium role is coordinator or lead
    partner, with the evidence of its entry, or None."""
    for index, partner in enumerate(partners):
        if partner.consortium_role in _LEAD_ROLES and partner.evidence is not None:
            return LeadPartner(
                name=partner.name,
                partner_index=index,
                role=cast(LeadRole, partner.consortium_role),
                evidence=partner.evidence,
            )
    return None


def _named_in_prose(context: SectionContext, partners: list[Partner]) -> LeadPartner | None:
    """The first listed partner that a coordinator or lead-partner cue of the section's prose
    names: after the cue ('coordinated by the X'), or before it ('X is the project leader')."""
    if not partners:
        return None
    names: list[tuple[int, re.Pattern[str]]] = []  # made when a cue is first found
    for unit in context.section.units(*_PROSE_SLOTS):
        text = context.locator.text[unit.start : unit.end]
        for cue, kind, role in _lead_cues(context, text):
            names = names or [(index, _name_pattern(p)) for index, p in enumerate(partners)]
            for index, name in names:
                span = _named_by(cue, kind, name, text)
                if span is not None:
                    return LeadPartner(
                        name=partners[index].name,
                        partner_index=index,
                        role=role,
                        evidence=context.locator.evidence(
                            unit.start + span[0], unit.start + span[1], "lead_partner_prose"
                        ),
                    )
    return None


def _lead_cues(context: SectionContext, text: str) -> Iterator[tuple[re.Match[str], str, LeadRole]]:
    """Each coordinator or lead-partner cue in the text, with its kind and role."""
    lowered = text.casefold()
    for pattern, kind, role, cue_words in context.rules.partner_cues:
        if role not in _LEAD_ROLES or kind not in ("single", "subject"):
            continue
        if cue_words and not any(word in lowered for word in cue_words):
            continue
        for cue in pattern.finditer(text):
            yield cue, kind, cast(LeadRole, role)


def _named_by(
    cue: re.Match[str], kind: str, name: re.Pattern[str], text: str
) -> tuple[int, int] | None:
    """Where the cue and the name it gives stand together: the name right after a `single` cue,
    right before a `subject` one; None when the name is not there."""
    if kind == "single":
        found = name.match(text, cue.end())
        return (cue.start(), found.end()) if found else None
    found = _last_match(name, text[: cue.start()].rstrip())
    return (found.start(), cue.end()) if found else None


def _name_pattern(partner: Partner) -> re.Pattern[str]:
    """The partner's names as a prose sentence may write them: its entry, its name or its short
    name, any spacing, any case, as whole words."""
    names = sorted(
        {name for name in (partner.text, partner.name, partner.short_name) if name},
        key=len,
        reverse=True,
    )
    written = "|".join(r"\s+".join(map(re.escape, name.split())) for name in names)
    return re.compile(rf"(?<!\w)(?:{written})(?!\w)", re.IGNORECASE)


def _last_match(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    """The match of the pattern that ends the text, if any."""
    found = None
    for match in pattern.finditer(text):
        if match.end() == len(text):
            found = match
    return found


LEAD_PARTNER_EXTRACTOR = Extractor(
    "lead_partner",
    extract_lead_partner,
    requires=("partners",),
    assigns=("lead_partner",),
)
