"""The identity rules of organisation resolution, loaded and validated, and the words of a name.

`organisation_identities.yaml` (spelling variants, translations, curated organisations, names
kept apart, type words, parent phrases, places), extended by the aliases of `organisations.yaml`
and the lexicons of `partner_words.yaml` (articles, small words, legal forms, countries), is
compiled once into `IdentityRules`: the lookups `organisation_names.py` and `organisations.py`
use.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import TypeVar

from pydantic import ValidationError

from extractors.partner_text import PartnerWords, load_partner_words
from extractors.text import fold
from schemas import PatternError
from schemas.organisations import OrganisationType
from schemas.patterns import IdentityPatterns, KnownOrganisation, OrganisationPatterns
from schemas.yaml_files import line_at, parse_yaml, read_user_text

DEFAULT_PATTERNS_DIR = Path(__file__).parent / "patterns"
IDENTITIES_FILE = "organisation_identities.yaml"
ALIASES_FILE = "organisations.yaml"
PARTNER_WORDS_FILE = "partner_words.yaml"


TOKEN = re.compile(r"[^\W_]+|&")


# Letters left of an elision ("l'Università", "d'écologie"): small words like articles.
_ELIDED = frozenset({"l", "d", "dell", "all", "nell", "dall", "sull"})


def plain_text(text: str) -> str:
    """Given text, return it folded (typographic variants unified), NFKD with accents dropped."""
    decomposed = unicodedata.normalize("NFKD", fold(unicodedata.normalize("NFKC", text)))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


@lru_cache(maxsize=1 << 16)
def name_tokens(text: str) -> tuple[str, ...]:
    """Given a name, return its words as written (case kept), accents, dashes and punctuation
    dropped ("Clust-ER Innovate" gives "Clust", "ER", "Innovate")."""
    return tuple(TOKEN.findall(plain_text(text)))


def word_key(text: str) -> str:
    """Given a word or phrase of a pattern file, return its words casefolded, one space apart."""
    return " ".join(token.casefold() for token in name_tokens(text))


@dataclass(frozen=True, eq=False)
class IdentityRules:
    """The identity rules, validated, with their lookups built once.

    Compared and hashed by identity, as `Rules` are: each `load_identity_rules` call returns a
    new object.
    """

    patterns: IdentityPatterns
    known: tuple[KnownOrganisation, ...]
    fingerprint: str
    spelling: Mapping[str, str]
    translation: Mapping[str, str]
    connectors: frozenset[str]
    articles: frozenset[str]
    # Legal forms by their last word, casefolded: (words, matched as written, the form).
    legal_forms: Mapping[str, tuple[tuple[tuple[str, ...], bool, str], ...]]
    company_forms: frozenset[tuple[str, ...]]
    known_by_key: Mapping[str, int]
    distinct_by_key: Mapping[str, tuple[tuple[int, int], ...]]
    # Type words by their first word: (rank of the entry, its type, the words).
    type_phrases: Mapping[str, tuple[tuple[int, OrganisationType, tuple[str, ...]], ...]]
    # Parent phrases ("of the", "della") by their first word, the longest first.
    parent_phrases: Mapping[str, tuple[tuple[str, ...], ...]]
    organisation_words: frozenset[str]
    unit_phrases: tuple[tuple[str, ...], ...]
    country_by_name: Mapping[str, str]
    place_country: Mapping[tuple[str, ...], str]
    adjective_country: Mapping[str, str]
    source: str = ""


def _by_first_word(
    phrases: Iterable[tuple[str, ...]],
) -> dict[str, tuple[tuple[str, ...], ...]]:
    """Given phrases (as words), return them by their first word, in their order."""
    grouped: dict[str, list[tuple[str, ...]]] = defaultdict(list)
    for phrase in phrases:
        if phrase:
            grouped[phrase[0]].append(phrase)
    return {first: tuple(found) for first, found in grouped.items()}


def load_identity_rules(patterns_dir: str | Path | None = None) -> IdentityRules:
    """Given a patterns folder (None: the packaged one), return its validated identity rules.

    A folder without `organisation_identities.yaml` or `partner_words.yaml` uses the packaged
    one; `organisations.yaml` is read from the folder. An invalid file raises `PatternError`
    naming the file and the line of the entry at fault.
    """
    folder = Path(patterns_dir) if patterns_dir is not None else DEFAULT_PATTERNS_DIR
    identities = folder / IDENTITIES_FILE
    if not identities.exists():
        identities = DEFAULT_PATTERNS_DIR / IDENTITIES_FILE
    words_file = folder / PARTNER_WORDS_FILE
    return _load_identity_rules(
        identities, folder / ALIASES_FILE, words_file if words_file.exists() else None
    )


@cache
def packaged_identity_rules() -> IdentityRules:
    """The identity rules of the packaged pattern files, read once per process."""
    return load_identity_rules()


def _load_identity_rules(
    identities: Path, aliases: Path, partner_words: Path | None
) -> IdentityRules:
    patterns = _read_model(identities, IdentityPatterns)
    known_aliases = _read_model(aliases, OrganisationPatterns) if aliases.exists() else None
    words = load_partner_words(partner_words)
    digest = hashlib.sha256(identities.read_bytes())
    if aliases.exists():
        digest.update(aliases.read_bytes())
    digest.update(words.source.encode("utf-8"))
    known = _curated(patterns, known_aliases, identities)
    try:
        return compile_identity_rules(patterns, words, known, digest.hexdigest(), str(identities))
    except ValueError as error:
        raise PatternError(
            identities, str(error), "Correct the entry; the identity rules were not used."
        ) from None


_Model = TypeVar("_Model", IdentityPatterns, OrganisationPatterns)


def _read_model(path: Path, model: type[_Model]) -> _Model:
    text = read_user_text(
        path,
        "pattern file",
        PatternError,
        f"Every patterns folder needs {path.name}; start from the packaged one.",
        "Save the file as UTF-8.",
    )
    data, node = parse_yaml(path, text, PatternError)
    try:
        return model.model_validate(data if data is not None else {})
    except ValidationError as error:
        first = next(
            (found for found in error.errors() if found["type"] == "extra_forbidden"),
            error.errors()[0],
        )
        location = tuple(first["loc"])
        where = ".".join(str(part) for part in location) or "the file"
        message = first["msg"].removeprefix("Value error, ")
        fix = (
            f"Known keys: {', '.join(model.model_fields)}."
            if first["type"] == "extra_forbidden" and len(location) == 1
            else "Correct the entry; the identity rules were not used."
        )
        raise PatternError(
            path, f"invalid entry at '{where}': {message}", fix, line=line_at(node, location)
        ) from None


def _curated(
    patterns: IdentityPatterns, aliases: OrganisationPatterns | None, path: Path
) -> tuple[KnownOrganisation, ...]:
    """Given the identity rules and organisations.yaml, return the curated organisations: those
    of organisations.yaml, each extended by the entry of the identity rules with its name."""
    own = {word_key(entry.name): entry for entry in patterns.organisations}
    known: list[KnownOrganisation] = []
    for entry in aliases.organisations if aliases is not None else []:
        extra = own.pop(word_key(entry.name), None)
        names = [*entry.aliases, *(extra.aliases if extra else [])]
        known.append(
            KnownOrganisation(
                name=entry.name,
                aliases=list(dict.fromkeys(names)),
                short_names=extra.short_names if extra else [],
                type=extra.type if extra else None,
                country=extra.country if extra else None,
                parent=extra.parent if extra else None,
            )
        )
    known.extend(own.values())
    owner: dict[str, str] = {}
    for organisation in known:
        for name in [organisation.name, *organisation.aliases, *organisation.short_names]:
            key = word_key(name)
            if owner.setdefault(key, organisation.name) != organisation.name:
                raise PatternError(
                    path,
                    f"{name!r} is a name of both {owner[key]!r} and {organisation.name!r} "
                    f"(with {ALIASES_FILE})",
                    "Keep each name under one organisation.",
                )
    for group in patterns.distinct:
        owners = [owner[key] for name in group if (key := word_key(name)) in owner]
        if len(owners) != len(set(owners)):
            raise PatternError(
                path,
                f"distinct entry {group!r} names one curated organisation twice",
                "Remove the entry, or the alias that makes its names one organisation.",
            )
    return tuple(known)


def compile_identity_rules(
    patterns: IdentityPatterns,
    words: PartnerWords,
    known: Sequence[KnownOrganisation] | None = None,
    fingerprint: str = "",
    source: str = "",
) -> IdentityRules:
    """Given validated identity patterns and partner words, build the lookups of `IdentityRules`
    (`known`: the curated organisations; default: those of the patterns alone)."""
    known = tuple(known if known is not None else patterns.organisations)
    lexicons = words.patterns

    def single_words(groups: list[list[str]], what: str) -> dict[str, str]:
        table: dict[str, str] = {}
        for group in groups:
            keys = [word_key(word) for word in group]
            for word, key in zip(group, keys, strict=True):
                if not key or " " in key:
                    raise ValueError(f"{what}: {word!r} must be one word")
                table[key] = keys[0]
        return table

    connectors = {
        word_key(word) for language in lexicons.name_connectors.values() for word in language
    }
    articles = {word_key(word) for language in lexicons.articles.values() for word in language}
    connectors |= articles | _ELIDED | {"&"}
    non_company = set(patterns.non_company_legal_forms)
    legal_forms: list[tuple[tuple[str, ...], bool, str]] = []
    company_forms: set[tuple[str, ...]] = set()
    for language in lexicons.legal_forms.values():
        for form in language:
            tokens = name_tokens(form)
            if not tokens:
                continue
            as_written = len(form) <= 3
            key = tuple(tokens) if as_written else tuple(t.casefold() for t in tokens)
            legal_forms.append((key, as_written, form))
            if form not in non_company:
                company_forms.add(tuple(t.casefold() for t in tokens))
    # Longest first, so that "S.r.l.s." goes before "S.r.l.".
    legal_forms.sort(key=lambda item: -len(item[0]))
    forms_by_last: dict[str, list[tuple[tuple[str, ...], bool, str]]] = defaultdict(list)
    for item in legal_forms:
        forms_by_last[item[0][-1].casefold()].append(item)
    type_phrases: dict[str, list[tuple[int, OrganisationType, tuple[str, ...]]]] = defaultdict(list)
    rank = 0
    for typed in patterns.types:
        for word in typed.words:
            phrase = tuple(word_key(word).split())
            if phrase:
                type_phrases[phrase[0]].append((rank, typed.type, phrase))
            rank += 1

    known_by_key: dict[str, int] = {}
    for index, entry in enumerate(known):
        for name in [entry.name, *entry.aliases, *entry.short_names]:
            known_by_key[word_key(name)] = index

    distinct: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for group_index, group in enumerate(patterns.distinct):
        for position, name in enumerate(group):
            distinct[word_key(name)].append((group_index, position))

    country_by_name = {
        word_key(name): country.name
        for country in lexicons.countries
        for name in country.all_names()
    }
    place_country = {
        tuple(word_key(place).split()): country
        for country, places in patterns.region_countries.items()
        for place in places
    }
    adjective_country = {
        word_key(adjective): country
        for country, adjectives in patterns.country_adjectives.items()
        for adjective in adjectives
    }
    organisation_words = {
        word_key(word) for language in lexicons.organisation_words.values() for word in language
    } | {word_key(word) for word in patterns.parent_words}
    return IdentityRules(
        patterns=patterns,
        known=known,
        fingerprint=fingerprint,
        spelling=single_words(patterns.spelling_variants, "spelling_variants"),
        translation=single_words(patterns.translations, "translations"),
        connectors=frozenset(connectors),
        articles=frozenset(articles),
        legal_forms={last: tuple(forms) for last, forms in forms_by_last.items()},
        company_forms=frozenset(company_forms),
        known_by_key=known_by_key,
        distinct_by_key={key: tuple(tags) for key, tags in distinct.items()},
        type_phrases={first: tuple(found) for first, found in type_phrases.items()},
        parent_phrases=_by_first_word(
            tuple(word_key(phrase).split())
            for phrase in sorted(patterns.parent_phrases, key=lambda p: -len(p.split()))
        ),
        organisation_words=frozenset(organisation_words),
        unit_phrases=tuple(tuple(word_key(word).split()) for word in patterns.unit_words),
        country_by_name=country_by_name,
        place_country=place_country,
        adjective_country=adjective_country,
        source=source,
    )
