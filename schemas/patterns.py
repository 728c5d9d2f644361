"""The shape of the pattern files a domain expert edits; every file is validated when loaded."""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from schemas.organisations import OrganisationType
from schemas.records import ListKind, RoleCategory


class PatternModel(BaseModel):
    """Base of the pattern-file models: unknown keys are errors, so a typo never passes silently."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def _check_regexes(values: list[str]) -> list[str]:
    for value in values:
        try:
            re.compile(value)
        except re.error as error:
            raise ValueError(f"invalid regular expression {value!r}: {error}") from error
    return values


class Headings(PatternModel):
    """Regular expressions for each kind of block heading."""

    partners: list[str] = Field(min_length=1)
    role: list[str] = Field(min_length=1)
    beneficiary: list[str] = Field(default_factory=list)

    _valid = field_validator("partners", "role", "beneficiary")(_check_regexes)


class PartnerCue(PatternModel):
    """A phrase in prose after which partners are named, and how many."""

    pattern: str
    kind: Literal["single", "enumeration", "subject"]
    words: list[str] = Field(
        default_factory=list,
        description="Lower-case words one of which the text must hold for the pattern to run.",
    )
    role: Literal["coordinator", "lead_partner", "partner", "associated"]

    _valid = field_validator("pattern")(lambda value: _check_regexes([value])[0])


class NamedProject(PatternModel):
    """A sentence that names a project ('the X project'); `{name}` stands for the name."""

    pattern: str
    words: list[str] = Field(
        default_factory=list,
        description="Lower-case words one of which the text must hold for the pattern to run.",
    )

    _valid = field_validator("pattern")(lambda value: _check_regexes([value])[0])


class LayoutPatterns(PatternModel):
    """layout.yaml: group headings, block headings, list markers, wrapped lines."""

    group_headings: list[str] = Field(default_factory=list)
    headings: Headings
    list_markers: list[str] = Field(min_length=1)
    list_kinds: dict[ListKind, list[str]] = Field(default_factory=dict)
    wrap_min_previous_length: int = Field(default=60, ge=0)
    partner_intros: list[str] = Field(default_factory=list)
    generic_headings: list[str] = Field(default_factory=list)
    field_keys: list[str] = Field(default_factory=list)
    work_package_headings: list[str] = Field(default_factory=list)
    furniture: list[str] = Field(default_factory=list)
    named_project: list[NamedProject] = Field(default_factory=list)
    named_project_words: list[str] = Field(default_factory=list)
    partner_cues: list[PartnerCue] = Field(default_factory=list)
    partner_cue_words: list[str] = Field(default_factory=list)

    _valid = field_validator(
        "group_headings",
        "list_markers",
        "partner_intros",
        "work_package_headings",
        "furniture",
    )(_check_regexes)


class Organisation(PatternModel):
    """A known organisation, its aliases (names in lists) and mentions (words in prose)."""

    name: str
    aliases: list[str] = Field(default_factory=list)
    mentions: list[str] = Field(default_factory=list)


class OrganisationPatterns(PatternModel):
    """organisations.yaml."""

    organisations: list[Organisation] = Field(default_factory=list)


def _identity_key(text: str) -> str:
    """The comparison key of the checks below: casefolded, spaces collapsed."""
    return " ".join(text.casefold().split())


def _check_plain_words(values: list[str]) -> list[str]:
    for value in values:
        if not value.strip() or value != value.strip():
            raise ValueError(f"{value!r} is empty or has surrounding white space")
    return values


class KnownOrganisation(PatternModel):
    """A curated organisation: its preferred name, the other names it goes by, and facts the
    brochures may not state."""

    name: str = Field(min_length=1)
    aliases: list[str] = Field(default_factory=list)
    short_names: list[str] = Field(default_factory=list)
    type: OrganisationType | None = None
    country: str | None = None
    parent: str | None = Field(default=None, description="The name of the organisation above it.")

    _valid = field_validator("aliases", "short_names")(_check_plain_words)


class TypeWords(PatternModel):
    """Words that make a name one of a type ("Università", "Clust-ER"); matched as whole words."""

    type: OrganisationType
    words: list[str] = Field(min_length=1)

    _valid = field_validator("words")(_check_plain_words)


class IdentityPatterns(PatternModel):
    """organisation_identities.yaml: how the names of organisations are resolved into one
    identity each, and the organisation facts read from a name."""

    fuzzy_threshold: float = Field(
        ge=50, le=100, description="Similarity (rapidfuzz ratio, 0-100) from which names are one."
    )
    fuzzy_min_length: int = Field(default=8, ge=1)
    fuzzy_min_word_length: int = Field(default=4, ge=1)
    fuzzy_max_block: int = Field(default=50, ge=2)
    short_name_min_length_across_brochures: int = Field(default=4, ge=2)
    spelling_variants: list[list[str]] = Field(default_factory=list)
    translations: list[list[str]] = Field(default_factory=list)
    organisations: list[KnownOrganisation] = Field(default_factory=list)
    distinct: list[list[str]] = Field(default_factory=list)
    types: list[TypeWords] = Field(default_factory=list)
    non_company_legal_forms: list[str] = Field(default_factory=list)
    parent_phrases: list[str] = Field(default_factory=list)
    parent_words: list[str] = Field(default_factory=list)
    unit_words: list[str] = Field(default_factory=list)
    region_countries: dict[str, list[str]] = Field(default_factory=dict)
    country_adjectives: dict[str, list[str]] = Field(default_factory=dict)

    _valid = field_validator("non_company_legal_forms", "parent_words", "unit_words")(
        _check_plain_words
    )

    @field_validator("spelling_variants", "translations")
    @classmethod
    def _groups(cls, groups: list[list[str]]) -> list[list[str]]:
        owner: dict[str, int] = {}
        for index, group in enumerate(groups):
            if len(group) < 2:
                raise ValueError(f"group {index + 1} {group!r} needs two words or more")
            for word in _check_plain_words(group):
                key = _identity_key(word)
                if key in owner and owner[key] != index:
                    raise ValueError(
                        f"{word!r} is in group {owner[key] + 1} and group {index + 1}; "
                        "keep it in one"
                    )
                owner[key] = index
        return groups

    @field_validator("distinct")
    @classmethod
    def _distinct_sets(cls, groups: list[list[str]]) -> list[list[str]]:
        for index, group in enumerate(groups):
            if len({_identity_key(name) for name in _check_plain_words(group)}) < 2:
                raise ValueError(f"distinct entry {index + 1} {group!r} needs two names or more")
        return groups

    @model_validator(mode="after")
    def _one_owner(self) -> IdentityPatterns:
        owner: dict[str, str] = {}
        for organisation in self.organisations:
            for name in [organisation.name, *organisation.aliases, *organisation.short_names]:
                key = _identity_key(name)
                if owner.get(key, organisation.name) != organisation.name:
                    raise ValueError(
                        f"{name!r} is a name of both {owner[key]!r} and {organisation.name!r}; "
                        "keep it under one organisation"
                    )
                owner[key] = organisation.name
        for group in self.distinct:
            owners = [owner.get(_identity_key(name)) for name in group]
            known = [name for name in owners if name is not None]
            if len(known) != len(set(known)):
                raise ValueError(
                    f"distinct entry {group!r} names one curated organisation twice; "
                    "remove the entry or the alias"
                )
        return self


class NamePatterns(PatternModel):
    """names.yaml: how partner names are written."""

    person_titles: list[str] = Field(default_factory=list)
    abbreviations: list[str] = Field(default_factory=list)
    via_phrases: list[str] = Field(default_factory=list)
    name_separators: list[str] = Field(default_factory=list)


class RoleCue(PatternModel):
    """Cue phrases that put a role paragraph into a category."""

    category: RoleCategory
    cues: list[str] = Field(min_length=1)


class RolePatterns(PatternModel):
    """roles.yaml."""

    categories: list[RoleCue] = Field(min_length=1)
    work_package_lead_verbs: list[str] = Field(min_length=1)
    work_package_support_verbs: list[str] = Field(min_length=1)
    role_words: list[str] = Field(default_factory=list)
    role_sentences: list[str] = Field(default_factory=list)
    role_sentences_words: list[str] = Field(default_factory=list)

    _valid = field_validator("role_sentences")(_check_regexes)


class FactPattern(PatternModel):
    """One SpanRuler entry: a label, an optional id, and a pattern or a list of phrases."""

    label: str = Field(pattern=r"^[A-Z][A-Z_]*$")
    id: str | None = None
    pattern: str | list[dict[str, Any]] | None = None
    phrases: list[str] | None = None

    @model_validator(mode="after")
    def _one_pattern(self) -> FactPattern:
        if (self.pattern is None) == (self.phrases is None):
            raise ValueError(f"{self.label}: give exactly one of 'pattern' or 'phrases'")
        return self

    def spacy_patterns(self) -> list[dict[str, Any]]:
        """Return the entry as spaCy SpanRuler pattern dicts."""
        patterns = self.phrases if self.phrases is not None else [self.pattern]
        entries = []
        for pattern in patterns:
            entry: dict[str, Any] = {"label": self.label, "pattern": pattern}
            if self.id is not None:
                entry["id"] = self.id
            entries.append(entry)
        return entries


FACT_WORD_TABLES = frozenset(
    {
        "MONTH",
        "DATE_QUALIFIER",
        "SOURCE_QUALIFIER",
        "PERIOD_CUE",
        "CURRENCY",
        "AMOUNT_SCALE",
        "BUDGET_KIND",
    }
)
"""The labels of facts.yaml whose entries are tables of words, read inside the dates and amounts
the other patterns find (`extractors.facts.FactWords`), not patterns to match."""


class FactPatterns(PatternModel):
    """facts.yaml."""

    patterns: list[FactPattern] = Field(min_length=1)

    @property
    def matched(self) -> list[FactPattern]:
        """The entries to match in a text: every one but the word tables."""
        return [entry for entry in self.patterns if entry.label not in FACT_WORD_TABLES]


class PatternSet(PatternModel):
    """All pattern files of one folder, validated."""

    layout: LayoutPatterns
    organisations: OrganisationPatterns
    names: NamePatterns
    roles: RolePatterns
    facts: FactPatterns
