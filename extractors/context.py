"""What every extractor receives, and what it returns."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from spacy.tokens import Doc, Span

from extractors.nlp import Toolkit
from extractors.projects import ProjectName
from extractors.role_sentences import ROLE_PROSE_SLOTS, RoleSentence, find_role_sentences
from extractors.rules import Rules
from extractors.segment import Section
from extractors.text import Locator
from schemas import ExtractionWarning


@dataclass(frozen=True)
class SectionContext:
    """One section, with the document's spaCy `Doc`, the rules and the evidence locator."""

    section: Section
    doc: Doc
    locator: Locator
    rules: Rules
    toolkit: Toolkit
    publisher: str | None
    name: ProjectName | None = None
    fallback_name: ProjectName | None = None

    @cached_property
    def role_sentences(self) -> list[RoleSentence]:
        """The sentences of the section's own prose that state an organisation's role, read
        once for the extractors that need them."""
        units = self.section.units(*ROLE_PROSE_SLOTS)
        return find_role_sentences(self.locator.text, units, self.rules)

    def span(self, start: int, end: int) -> Span:
        """Return the spaCy span covering the characters start..end (expanded to whole tokens)."""
        span = self.doc.char_span(start, end, alignment_mode="expand")
        if span is None:  # pragma: no cover - expand always aligns inside the document
            raise ValueError(f"no tokens cover characters {start}-{end}")
        return span


@dataclass
class Extracted:
    """An extractor's result: project fields by name, and warnings about this section."""

    fields: dict[str, Any] = field(default_factory=dict)
    warnings: list[ExtractionWarning] = field(default_factory=list)


Extractor = Callable[[SectionContext, dict[str, Any]], Extracted]
"""An extractor takes a section and the fields found so far (by earlier extractors) and returns
its own fields; it never changes what it is given."""
