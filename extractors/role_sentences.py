"""Sentences in which an organisation states its role ('AFIL assumed the role of partner in
...'), and the organisation a page speaks for."""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractors.layout import Unit
from extractors.rules import Rules
from extractors.segment import Slot
from extractors.text import fold, normalise_key

_SENTENCE = re.compile(r"[^.!?;]+(?:[.!?;]+|$)")
# Where a page states roles in its own voice; a partner's profile speaks of that partner.
ROLE_PROSE_SLOTS: tuple[Slot, ...] = ("description", "list_item", "field", "partner_prose")


@dataclass(frozen=True)
class RoleSentence:
    """A sentence in which an organisation states its role, and the organisation."""

    organisation: str
    start: int
    end: int
    organisation_start: int = 0
    organisation_end: int = 0


def find_role_sentences(text: str, units: list[Unit], rules: Rules) -> list[RoleSentence]:
    """Given the kept text and prose units, return the sentences that state an organisation's
    role ('AFIL assumed the role of partner in ...'), in document order."""
    found: dict[int, RoleSentence] = {}
    words = rules.patterns.roles.role_sentences_words
    for unit in units:
        segment = fold(text[unit.start : unit.end].replace("\n", " "))
        lowered = segment.casefold()
        if words and not any(word in lowered for word in words):
            continue  # no sentence here can state a role
        for pattern in rules.role_sentences:
            for match in pattern.finditer(segment):
                sentence = next(
                    (
                        s
                        for s in _SENTENCE.finditer(segment)
                        if s.start() <= match.start() < s.end()
                    ),
                    None,
                )
                if sentence is None:
                    continue
                start = (
                    unit.start
                    + sentence.start()
                    + (len(sentence.group()) - len(sentence.group().lstrip()))
                )
                found.setdefault(
                    start,
                    RoleSentence(
                        match.group("name"),
                        start,
                        unit.start + sentence.end(),
                        unit.start + match.start("name"),
                        unit.start + match.end("name"),
                    ),
                )
    return [found[start] for start in sorted(found)]


def same_organisation(first: str, second: str) -> bool:
    """True when two names of an organisation are one the other's part ('Emilia-Romagna' and
    'Regione Emilia-Romagna')."""
    a, b = normalise_key(first), normalise_key(second)
    return bool(a and b) and (a in b or b in a)


def detect_speaker(sentences: list[RoleSentence]) -> str | None:
    """Given role sentences, return the organisation most of them are about (its longest name),
    or None: the organisation a page speaks for."""
    groups: list[list[str]] = []
    for sentence in sentences:
        group = next((g for g in groups if same_organisation(g[0], sentence.organisation)), None)
        if group is None:
            groups.append([sentence.organisation])
        else:
            group.append(sentence.organisation)
    if not groups:
        return None
    best = max(groups, key=len)
    return max(best, key=len)
