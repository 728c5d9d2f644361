"""Organisation identities: one record per organisation named anywhere in the brochures.

A partner is a string in the export; resolution (`extractors/organisations.py`) ties the strings
that name one organisation into an `Organisation` with a stable id, and every tie says which
rule made it (`Merge`), so a reviewer can see why two names are one. `organisations.json` is an
`OrganisationsExport`.

A reviewer corrects identities in `organisation_corrections.yaml` (`IdentityCorrection`): a
`join` makes names one organisation, a `split` keeps names apart from one (`KeptApart`).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

ORGANISATIONS_SCHEMA_VERSION = "1.1"

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
    "reviewer",
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

- `reviewer`: a reviewer said they are one (a `join` of organisation_corrections.yaml; its
  note is the merge's detail); it holds against stated countries and the `distinct` entries
  of the identity rules, never against a reviewer's `split`;
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

No rule ties names a reviewer's `split` keeps apart (`KeptApart`).
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


class KeptApart(OrganisationRecord):
    """A reviewer's split: names kept apart from an organisation they had been tied to, and the
    ids the two sides have now (listed on the organisations of both sides)."""

    names: list[str] = Field(description="The names split off, as the correction gives them.")
    split_from: str = Field(description="The organisation they are apart from: a name or an id.")
    split_from_id: str | None = Field(
        default=None, description="The id of that organisation now (null: it is named nowhere)."
    )
    ids: list[str] = Field(
        default_factory=list, description="The ids of the organisations the names split off have."
    )
    note: str = Field(default="", description="The reviewer's reason.")


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
    kept_apart: list[KeptApart] = Field(
        default_factory=list,
        description="The reviewer's splits this organisation is a side of: why names are apart.",
    )
    projects: list[ProjectReference] = Field(default_factory=list)
    brochures: list[str] = Field(default_factory=list)


class RememberedName(OrganisationRecord):
    """A name of an organisation as the catalogue keeps it: with the country it was stated with
    (null: none), and the id of the organisation it resolved to."""

    name: str
    country: str | None = None
    organisation_id: str


class IdentityCorrectionsFile(OrganisationRecord):
    """A reviewer's identity corrections file a resolution applied, and the digest of its bytes
    then: a run that finds it changed resolves the organisations again."""

    path: str
    sha256: str


class OrganisationsExport(OrganisationRecord):
    """organisations.json: every organisation of the brochures, sorted by id, and the identity
    corrections files their resolution applied."""

    schema_version: str = ORGANISATIONS_SCHEMA_VERSION
    identity_corrections: list[IdentityCorrectionsFile] = Field(default_factory=list)
    stale_identity_corrections: list[str] = Field(
        default_factory=list,
        description="Each identity correction that did not apply in full: where it is written "
        "and why ('names nothing now: ...').",
    )
    organisations: list[Organisation] = Field(default_factory=list)


IDENTITY_ACTIONS = ("join", "split")
"""The actions of an identity correction, in the order the README documents them."""


def identity_key(name: str) -> str:
    """Given a name or an id as a reviewer writes it, return what it is matched by: its words
    casefolded, one space apart ("University of  bologna" names "University of Bologna")."""
    return " ".join(name.casefold().split())


class IdentityCorrection(OrganisationRecord):
    """One entry of organisation_corrections.yaml: a `join` of names (or ids) into one
    organisation, or a `split` of names away `from` an organisation (a name or an id)."""

    join: list[str] | None = Field(
        default=None,
        min_length=2,
        description="Names or ids of organisations that are one: resolution ties them.",
    )
    split: list[str] | None = Field(
        default=None,
        min_length=1,
        description="Names that are not the organisation `from` names: they stay apart from it, "
        "whatever rule or remembered id would tie them, and form their own organisation(s).",
    )
    split_from: str | None = Field(
        default=None,
        alias="from",
        min_length=1,
        description="With `split`: the organisation the names leave (one of its names, or its id).",
    )
    note: str | None = Field(default=None, description="Why: free text for the next reviewer.")

    @field_validator("split", mode="before")
    @classmethod
    def _from_one_name(cls, data: Any) -> Any:
        """Accept one name: `split: Alpha Lab Foundation`."""
        return [data] if isinstance(data, str) else data

    @field_validator("join", "split")
    @classmethod
    def _names(cls, names: list[str] | None) -> list[str] | None:
        if names is None:
            return None
        tidied = [" ".join(name.split()) for name in names]
        if not all(tidied):
            raise ValueError("a name is empty")
        seen: dict[str, str] = {}
        for name in tidied:
            if identity_key(name) in seen:
                raise ValueError(f"{name!r} is given twice")
            seen[identity_key(name)] = name
        return tidied

    @model_validator(mode="after")
    def _one_action(self) -> IdentityCorrection:
        given = [action for action in IDENTITY_ACTIONS if getattr(self, action) is not None]
        if len(given) != 1:
            found = ", ".join(given) if given else "none"
            raise ValueError(f"give exactly one action of join, split; found {found}")
        if self.split is not None:
            if self.split_from is None:
                raise ValueError("a split needs 'from': the organisation the names leave")
            self.split_from = " ".join(self.split_from.split())
            if identity_key(self.split_from) in {identity_key(name) for name in self.split}:
                raise ValueError(f"{self.split_from!r} cannot be split from itself")
        elif self.split_from is not None:
            raise ValueError("'from' goes only with split")
        return self

    @property
    def action(self) -> str:
        """The one action this correction takes: 'join' or 'split'."""
        return "join" if self.join is not None else "split"

    @property
    def names(self) -> list[str]:
        """The names (or ids) it joins, or the names it splits off."""
        return list(self.join if self.join is not None else self.split or [])


class IdentityCorrectionEntry(BaseModel):
    """A loaded identity correction and where it was written."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    correction: IdentityCorrection
    file: str | None = None
    line: int | None = None

    @property
    def where(self) -> str:
        """'organisation_corrections.yaml, line 3', or the action when read from no file."""
        if self.file is None:
            return f"{self.correction.action} of {', '.join(self.correction.names)}"
        return f"{self.file}, line {self.line}" if self.line is not None else self.file


class IdentityCorrections(BaseModel):
    """Every identity correction read, in file order."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    entries: tuple[IdentityCorrectionEntry, ...] = ()
    files: tuple[str, ...] = Field(default=(), description="The files they were read from.")

    @property
    def joins(self) -> list[IdentityCorrectionEntry]:
        """The joins, in file order."""
        return [entry for entry in self.entries if entry.correction.join is not None]

    @property
    def splits(self) -> list[IdentityCorrectionEntry]:
        """The splits, in file order."""
        return [entry for entry in self.entries if entry.correction.split is not None]

    def __add__(self, other: IdentityCorrections) -> IdentityCorrections:
        return IdentityCorrections(
            entries=self.entries + other.entries, files=self.files + other.files
        )
