"""How strongly a line reads as an organisation: the bridge from the partner lexicons to the
segmentation (does a heading open a project or name a partner?) and the partner extractor (does
a list or an enumeration name partners?)."""

from __future__ import annotations

from collections.abc import Callable

from extractors.partner_text import (
    PartnerWords,
    load_partner_words,
    organisation_evidence,
    organisation_score,
)
from extractors.rules import Rules

OrganisationScore = Callable[[str], int | None]
"""Given a line, return its organisation score (see `partner_text.organisation_evidence`), or
None when something in it says it is not an organisation (a sentence, a person, a count)."""

STRONG_ORGANISATION = 4  # an organisation word or a legal form: "Siemens AG", "Uppsala Universitet"
ORGANISATION = 2  # reads as an organisation on its own


def partner_words(rules: Rules) -> PartnerWords:
    """Given the rules, return the partner lexicons of their patterns folder (the packaged ones
    when that folder has no partner_words.yaml)."""
    return rules.partner_words or load_partner_words()


def names_organisation_kind(text: str, words: PartnerWords) -> bool:
    """True when the text holds an organisation word or a legal form ('Siemens AG', 'Uppsala
    Universitet'): the surest cues that a heading names an organisation, not a project."""
    return any(
        cue.startswith(("organisation_word", "legal_form"))
        for cue in organisation_evidence(text, words)
    )


def not_a_partner(text: str, words: PartnerWords) -> bool:
    """True when the text is a count, a programme or funder, a date, an e-mail or a web
    address: never a partner, whatever the heading above it says."""
    return any(
        cue in ("veto:count", "veto:programme", "veto:date", "veto:email", "veto:url")
        for cue in organisation_evidence(text, words)
    )


def organisation_reader(rules: Rules) -> OrganisationScore:
    """Given the rules, return the function that scores a line as an organisation."""
    words = partner_words(rules)
    return lambda text: organisation_score(text, words)
