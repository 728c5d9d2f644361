"""Organisation identities: one record per organisation named anywhere in the brochures.

A partner is a string in the export; resolution (`extractors/organisations.py`) ties the strings
that name one organisation into an `Organisation` with a stable id, and every tie says which
rule made it (`Merge`), so a reviewer can see why two names are one. `organisations.json` is an
`OrganisationsExport`.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

ORGANISATIONS_SCHEMA_VERSION = "1.0"

OrganisationType = Literal[
    "public_body",
    "university_or_research_centre",
    "cluster_association",
    "company",
    "trade_union_or_business_association",
    "foundation",
    "person",
]

MergeRule = Literal[
    "normalised",
    "spelling_variant",
    "word_order",
    "translation",
    "alias",
    "short_name",
    "fuzzy",
    "catalogue",
]
"""Why two names are one organisation, from the surest rule to the least sure:

- `normalised`: equal once case, accents, dashes, punctuation, a leading article and legal forms
  are set aside ("Regione Emilia Romagna", "Regione Emilia-Romagna");
- `spelling_variant`: equal once the spelling variants of the identity rules are unified
  ("Research Centre", "Research Center");
- `word_order`: the same words in another order, small words aside ("Oxford University",
  "University of Oxford");
- `translation`: the same words once translated ("Université du Luxembourg", "University of
  Luxembourg");
- `alias`: names of one curated organisation of the identity rules or of organisations.yaml;
- `short_name`: one name's short name is the other's short name, or the other name itself, and
  abbreviates both ("Fondazione Istituto sui Trasporti e la Logistica (ITL)", "ITL – Foundation
  Institute for Transport and Logistics");
- `fuzzy`: names alike above the measured threshold that differ only in long words
  ("Innovative Secure Tehnologies");
- `catalogue`: names the catalogue already holds under one id (an earlier run tied them).
"""

MentionRole = Literal["partner", "person", "affiliation", "via", "parent", "publisher"]
"""Where a name stands: a partner entry, a person's own name, the organisation a person belongs
to, the company "X through its special company Y" names, the organisation a name says it is part
of ("... of the University of Bologna"), the brochure's publisher. (A work package's leader is
looked up among the organisations, never makes one: `Resolution.find`.)"""


class OrganisationRecord(BaseModel):
    """Base of the organisation records: unknown keys are refused."""

    model_config = ConfigDict(extra="forbid")


class OrganisationMention(OrganisationRecord):
    """One place a brochure names an organisation (or a person), and the identity it resolved to."""

    brochure: str = Field(description="The brochure's name (its export's file name).")
    project_id: str | None = Field(description="The project it is named in; null for a parent.")
    role: MentionRole
    name: str = Field(description="The name as the record gives it.")
    short_name: str | None = None
    country: str | None = Field(default=None, description="The country the entry states.")
    partner_index: int | None = Field(
        default=None,
        description="Position (0-based) in its project's list of the partner it belongs to.",
    )
    organisation_id: str | None = Field(default=None, description="The identity it resolved to.")


class Merge(OrganisationRecord):
    """Two names tied into one organisation, and the rule that tied them."""

    rule: MergeRule
    name: str = Field(description="The name that joined the organisation.")
    joined: str = Field(description="The name of the organisation it was tied to.")
    score: float | None = Field(
        default=None, description="For `fuzzy`: the similarity (0-100) of the two names."
    )
    detail: str = Field(default="", description="What the rule saw: the short name, the words.")


class OrganisationName(OrganisationRecord):
    """One way the brochures write an organisation."""

    name: str
    mentions: int = Field(ge=0, description="How many mentions use it (0: a remembered name).")


class ProjectReference(OrganisationRecord):
    """A project an organisation is named in, and how."""

    brochure: str
    project_id: str
    title: str | None = None
    roles: list[MentionRole] = Field(default_factory=list)
    consortium_roles: list[str] = Field(
        default_factory=list, description="Its consortium roles there (coordinator, ...)."
    )


class Organisation(OrganisationRecord):
    """One organisation (or person) with a stable id, its names, facts and why names are one."""

    id: str = Field(description="Stable id: kept by the catalogue for every name it has had.")
    name: str = Field(description="The preferred name: a curated one, else the most used.")
    short_names: list[str] = Field(default_factory=list)
    names: list[OrganisationName] = Field(default_factory=list)
    type: OrganisationType | None = None
    type_rule: str | None = Field(
        default=None, description="What gave the type: 'word:university', 'alias', 'person'."
    )
    country: str | None = None
    country_rule: str | None = Field(
        default=None, description="What gave the country: 'stated', 'name', 'alias', 'parent'."
    )
    parent_id: str | None = None
    parent_name: str | None = None
    parent_rule: str | None = Field(
        default=None, description="What gave the parent: 'of_phrase', 'unit', 'via', 'alias'."
    )
    merges: list[Merge] = Field(default_factory=list)
    projects: list[ProjectReference] = Field(default_factory=list)
    brochures: list[str] = Field(default_factory=list)


class RememberedName(OrganisationRecord):
    """A name of an organisation as the catalogue keeps it: with the country it was stated with
    (null: none), and the id of the organisation it resolved to."""

    name: str
    country: str | None = None
    organisation_id: str


class OrganisationsExport(OrganisationRecord):
    """organisations.json: every organisation of the brochures, sorted by id."""

    schema_version: str = ORGANISATIONS_SCHEMA_VERSION
    organisations: list[Organisation] = Field(default_factory=list)
