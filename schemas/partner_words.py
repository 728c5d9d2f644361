"""The shape of partner_words.yaml: the lexicons that read partner text, validated when loaded.

Every lexicon is a list of plain words or phrases (never regular expressions), so a domain expert
can edit it; most are grouped by language. The model refuses unknown keys, empty words, and a name
or code given to two countries or regions, so an edit that would silently change a reading fails
at load time instead.
"""

from __future__ import annotations

import unicodedata
from typing import Literal

from pydantic import Field, field_validator, model_validator

from schemas.patterns import PatternModel

Language = Literal["en", "it", "de", "fr", "es", "other"]
PartnerRole = Literal["coordinator", "lead_partner", "partner", "associated"]
LabelKind = Literal["partners", "coordinator", "lead", "associated"]
LEAD_LABELS: tuple[LabelKind, ...] = ("coordinator", "lead")
"""The kinds of label that open a block of one partner: the coordinator, the lead partner."""

Lexicon = dict[Language, list[str]]


def _key(text: str) -> str:
    # The same comparison key the readers use: NFKC, casefolded, spaces collapsed.
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def _check_words(lexicon: Lexicon) -> Lexicon:
    for language, words in lexicon.items():
        for word in words:
            if not word.strip():
                raise ValueError(f"{language}: empty word")
            if word != word.strip():
                raise ValueError(f"{language}: {word!r} has surrounding white space")
    return lexicon


def _check_plain(words: list[str]) -> list[str]:
    for word in words:
        if not word.strip() or word != word.strip():
            raise ValueError(f"{word!r} is empty or has surrounding white space")
    return words


class Country(PatternModel):
    """A country: its English name (the normalised value), ISO codes and names per language."""

    name: str = Field(min_length=2)
    iso2: str = Field(pattern=r"^[A-Z]{2}$")
    iso3: str = Field(pattern=r"^[A-Z]{3}$")
    # Codes in use besides ISO's ("UK", "EL" for Greece in EU documents).
    other_codes: list[str] = Field(default_factory=list)
    names: Lexicon = Field(default_factory=dict)

    _valid_names = field_validator("names")(_check_words)

    @field_validator("other_codes")
    @classmethod
    def _codes_upper(cls, codes: list[str]) -> list[str]:
        for code in codes:
            if not (2 <= len(code) <= 3 and code.isalpha() and code.isupper()):
                raise ValueError(f"code {code!r} must be 2 or 3 capital letters")
        return codes

    def codes(self) -> list[str]:
        """Return every code of the country, ISO first."""
        return [self.iso2, self.iso3, *self.other_codes]

    def all_names(self) -> list[str]:
        """Return the English name and every name in the other languages."""
        return [self.name, *(name for names in self.names.values() for name in names)]


class Region(PatternModel):
    """A region written next to a partner ("(Lombardia)"): kept as a region, never a country."""

    name: str = Field(min_length=2)
    aliases: list[str] = Field(default_factory=list)

    _valid_aliases = field_validator("aliases")(_check_plain)


class RoleWords(PatternModel):
    """Phrases that state a partner's role, per role, per language."""

    coordinator: Lexicon
    lead_partner: Lexicon
    partner: Lexicon
    associated: Lexicon

    _valid = field_validator("coordinator", "lead_partner", "partner", "associated")(_check_words)


class LabelWords(PatternModel):
    """Spellings of the labels that open a partner block, per kind, per language: the
    coordinator and lead labels name the partner whose role they are."""

    partners: Lexicon
    coordinator: Lexicon
    lead: Lexicon
    associated: Lexicon

    _valid = field_validator("partners", "coordinator", "lead", "associated")(_check_words)


class LabelHeads(PatternModel):
    """Head words of category headings ("Industrial Partners", "Partner istituzionali")."""

    # Languages that put the head last (en, de): "Technology Providers".
    last: Lexicon
    # Languages that put the head first (it, fr, es): "Partenaires industriels".
    first: Lexicon
    # Words that make a category heading one of associated partners.
    associated: Lexicon
    # A category heading has at most this many words.
    max_words: int = Field(default=5, ge=1)

    _valid = field_validator("last", "first", "associated")(_check_words)


class PartnerWordPatterns(PatternModel):
    """partner_words.yaml."""

    articles: Lexicon
    conjunctions: Lexicon
    name_connectors: Lexicon
    organisation_words: Lexicon
    compound_suffixes: Lexicon = Field(default_factory=dict)
    legal_forms: Lexicon
    abbreviations: list[str] = Field(default_factory=list)
    type_heads: Lexicon = Field(default_factory=dict)
    person_titles: list[str] = Field(default_factory=list)
    programmes: list[str] = Field(default_factory=list)
    programme_words: Lexicon = Field(default_factory=dict)
    topic_words: Lexicon = Field(default_factory=dict)
    topic_suffixes: list[str] = Field(default_factory=list)
    number_words: Lexicon = Field(default_factory=dict)
    months: Lexicon = Field(default_factory=dict)
    sentence_verbs: Lexicon = Field(default_factory=dict)
    activity_starts: Lexicon = Field(default_factory=dict)
    sentence_max_words: int = Field(default=14, ge=3)
    short_name_max_length: int = Field(default=12, ge=2)
    countries: list[Country] = Field(min_length=1)
    regions: list[Region] = Field(default_factory=list)
    roles: RoleWords
    labels: LabelWords
    label_prefixes: Lexicon = Field(default_factory=dict)
    label_max_words: int = Field(default=6, ge=1)
    label_heads: LabelHeads

    _valid_lexicons = field_validator(
        "articles",
        "conjunctions",
        "name_connectors",
        "organisation_words",
        "compound_suffixes",
        "legal_forms",
        "type_heads",
        "programme_words",
        "topic_words",
        "number_words",
        "months",
        "sentence_verbs",
        "activity_starts",
        "label_prefixes",
    )(_check_words)
    _valid_lists = field_validator(
        "abbreviations", "person_titles", "programmes", "topic_suffixes"
    )(_check_plain)

    @model_validator(mode="after")
    def _places_unique(self) -> PartnerWordPatterns:
        owner: dict[str, str] = {}
        for country in self.countries:
            for written in [*country.all_names(), *country.codes()]:
                _claim(owner, _key(written), country.name)
        for region in self.regions:
            for written in [region.name, *region.aliases]:
                _claim(owner, _key(written), f"region {region.name}")
        return self

    @model_validator(mode="after")
    def _roles_unique(self) -> PartnerWordPatterns:
        owner: dict[str, str] = {}
        for role in ("coordinator", "lead_partner", "partner", "associated"):
            lexicon: Lexicon = getattr(self.roles, role)
            for words in lexicon.values():
                for word in words:
                    _claim(owner, _key(word), role)
        return self

    @model_validator(mode="after")
    def _labels_unique(self) -> PartnerWordPatterns:
        owner: dict[str, str] = {}
        for kind in ("partners", "coordinator", "lead", "associated"):
            lexicon: Lexicon = getattr(self.labels, kind)
            for words in lexicon.values():
                for word in words:
                    _claim(owner, _key(word), f"{kind} labels")
        return self

    @model_validator(mode="after")
    def _prefixes_are_lead_labels(self) -> PartnerWordPatterns:
        # A prefix stands where a label does, and its kind is the label's: without one, a line
        # "Koordiniert von X" would read as no label at all.
        labels = {
            _key(word)
            for kind in LEAD_LABELS
            for words in getattr(self.labels, kind).values()
            for word in words
        }
        for language, words in self.label_prefixes.items():
            for word in words:
                if _key(word) not in labels:
                    raise ValueError(
                        f"label prefix {word!r} ({language}) is no coordinator or lead label; "
                        "add it to labels.coordinator or labels.lead"
                    )
        return self


def _claim(owner: dict[str, str], key: str, claimant: str) -> None:
    previous = owner.setdefault(key, claimant)
    if previous != claimant:
        raise ValueError(f"{key!r} is given to both {previous} and {claimant}")
