"""A section's project while the extractors fill it in, and the one place it becomes a `Project`."""

from __future__ import annotations

from dataclasses import dataclass, field, fields

from schemas import (
    Evidence,
    ExtractionWarning,
    GroundedAmount,
    GroundedCount,
    GroundedDate,
    GroundedText,
    ItemList,
    LeadPartner,
    Partner,
    Project,
    Role,
    WorkPackage,
)


@dataclass
class ProjectDraft:
    """A section's project as its extractors fill it in. Each field starts at the value a
    `Project` has when no extractor sets it; `warnings` gathers what the extractors noticed."""

    title: str = ""
    title_inferred: bool = False
    title_evidence: Evidence | None = None
    acronym: str | None = None
    acronym_evidence: Evidence | None = None
    description: str = ""
    description_evidence: Evidence | None = None
    lists: list[ItemList] = field(default_factory=list)
    partners: list[Partner] = field(default_factory=list)
    lead_partner: LeadPartner | None = None
    work_packages: list[WorkPackage] = field(default_factory=list)
    role: Role | None = None
    programme: GroundedText | None = None
    beneficiary: GroundedText | None = None
    countries: list[GroundedText] = field(default_factory=list)
    partner_count: GroundedCount | None = None
    country_count: GroundedCount | None = None
    region_count: GroundedCount | None = None
    dates: list[GroundedDate] = field(default_factory=list)
    budgets: list[GroundedAmount] = field(default_factory=list)
    laws: list[GroundedText] = field(default_factory=list)
    targets: list[GroundedText] = field(default_factory=list)
    warnings: list[ExtractionWarning] = field(default_factory=list)

    @property
    def title_rule(self) -> str | None:
        """The rule that found the title, once an extractor has set it."""
        return self.title_evidence.rule if self.title_evidence else None

    def to_project(self, identifier: str, group: str | None, evidence: Evidence) -> Project:
        """Given the project's id, its group and the section's evidence, return the `Project`."""
        if self.title_evidence is None:  # pragma: no cover - the registry keeps 'title'
            raise ValueError("the draft has no title: the 'title' extractor did not run")
        values = {name: getattr(self, name) for name in DRAFT_FIELDS}
        return Project(id=identifier, group=group, evidence=evidence, **values)


DRAFT_FIELDS = frozenset(item.name for item in fields(ProjectDraft)) - {"warnings"}
"""The fields an extractor may declare it requires or assigns."""
