"""What every extractor receives and fills in, and how it declares what it reads and sets."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from spacy.tokens import Doc, Span

from extractors.draft import ProjectDraft
from extractors.nlp import Toolkit
from extractors.projects import ProjectName
from extractors.role_sentences import ROLE_PROSE_SLOTS, RoleSentence, find_role_sentences
from extractors.rules import Rules
from extractors.segment import Section
from extractors.text import Locator


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


ExtractFunction = Callable[[SectionContext, ProjectDraft], ProjectDraft]
"""Given a section and the draft of its project, set the draft fields the extractor assigns,
add its warnings, and return the draft."""


@dataclass(frozen=True)
class Extractor:
    """A registered extractor: its name in the settings, its function, the draft fields it
    reads (`requires`) and those it sets (`assigns`)."""

    name: str
    extract: ExtractFunction
    requires: tuple[str, ...] = ()
    assigns: tuple[str, ...] = ()

    def __call__(self, context: SectionContext, draft: ProjectDraft) -> ProjectDraft:
        """Given a section and its draft, return the draft with this extractor's fields set."""
        return self.extract(context, draft)
