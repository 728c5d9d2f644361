"""Loading the pattern files into validated, compiled rules."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from pydantic import ValidationError

from extractors.fact_words import FactWords
from extractors.partner_text import PartnerWords, load_partner_words
from extractors.text import normalise_key
from schemas import PatternError
from schemas.patterns import PatternSet
from schemas.yaml_files import parse_yaml

DEFAULT_PATTERNS_DIR = Path(__file__).parent / "patterns"
PATTERN_FILES = ("layout", "organisations", "names", "roles", "facts")


@dataclass(frozen=True, eq=False)
class Rules:
    """The pattern files of one folder, validated, with their regular expressions compiled.

    Compared and hashed by identity: each `load_rules` call reads the folder again and returns
    a new object, which a `Pipeline` keeps for its life; caches of derived matchers key on it.
    """

    patterns: PatternSet
    fingerprint: str
    group_heading: re.Pattern[str]
    partner_heading: re.Pattern[str]
    role_heading: re.Pattern[str]
    role_heading_inline: re.Pattern[str] | None
    beneficiary_heading: re.Pattern[str] | None
    list_marker: re.Pattern[str]
    # The words read inside the dates and amounts the fact patterns find.
    fact_words: FactWords
    alias_to_organisation: dict[str, str] = field(default_factory=dict)
    mention_to_organisation: dict[str, str] = field(default_factory=dict)
    partner_words: PartnerWords | None = None
    partner_intro: re.Pattern[str] | None = None
    generic_headings: frozenset[str] = frozenset()
    field_keys: frozenset[str] = frozenset()
    work_package_headings: tuple[re.Pattern[str], ...] = ()
    furniture: tuple[re.Pattern[str], ...] = ()
    named_project: tuple[tuple[re.Pattern[str], tuple[str, ...]], ...] = ()
    patterns_dir: Path | None = None
    partner_cues: tuple[tuple[re.Pattern[str], str, str, tuple[str, ...]], ...] = ()
    role_sentences: tuple[re.Pattern[str], ...] = ()


def _read_yaml(path: Path) -> object:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as error:
        raise PatternError(
            path,
            "pattern file is missing",
            f"Every patterns folder needs {', '.join(PATTERN_FILES)} (.yaml).",
        ) from error
    data, _ = parse_yaml(path, text, PatternError)
    return data


def _numbered_groups(expressions: list[str]) -> list[str]:
    """Given regexes that each name an 'organisation' group, number the groups so that one
    alternation of them compiles ('organisation_1', 'organisation_2', ...)."""
    return [
        expression.replace("(?P<organisation>", f"(?P<organisation_{index}>")
        for index, expression in enumerate(expressions, start=1)
    ]


def _alternation(expressions: list[str], *, colon: bool) -> re.Pattern[str]:
    """Given full-line regexes, compile one case-insensitive regex matching any of them."""
    tail = r"\s*:?\s*" if colon else ""
    body = "|".join(f"(?:{expression})" for expression in expressions) or r"(?!x)x"
    return re.compile(rf"^\s*(?:{body}){tail}$", re.IGNORECASE)


# A word of a name: capitalised, an acronym or a number ("GELATOn", "5.0", "CS-AWARE-NEXT").
NAME_WORD = r"[A-Z0-9\u00c0-\u00de](?:[\w+&'’\u00d8\u00f8-]|\.(?=\w))*"
# A name: name words, with dashes and a few small words between them.
NAME = (
    rf"(?P<name>{NAME_WORD}(?:\s+(?:(?:[-–—&]|the|of|for|on|in|and|di|de|del|della|der|des|"
    rf"du|la|le)\s+)?{NAME_WORD}){{0,7}})"
)


# An organisation in a sentence, with its article: "la Regione Autonoma della Sardegna".
ORGANISATION = rf"(?:(?:[Ll]a|[Ii]l|[Ll]o|[Ll]['’]|[Tt]he|[Ll]e|[Dd]ie|[Dd]er|[Ee]l)\s*)?{NAME}"


def compile_rules(patterns: PatternSet, fingerprint: str = "") -> Rules:
    """Given validated patterns, compile them into `Rules`."""
    layout = patterns.layout
    markers = "|".join(f"(?:{marker})" for marker in layout.list_markers)
    beneficiary = layout.headings.beneficiary
    aliases: dict[str, str] = {}
    mentions: dict[str, str] = {}
    for organisation in patterns.organisations.organisations:
        for alias in [organisation.name, *organisation.aliases]:
            aliases[normalise_key(alias)] = organisation.name
        for mention in organisation.mentions:
            mentions[normalise_key(mention)] = organisation.name
    return Rules(
        patterns=patterns,
        fingerprint=fingerprint,
        fact_words=FactWords.from_patterns(patterns.facts),
        group_heading=_alternation(layout.group_headings, colon=True),
        partner_heading=_alternation(layout.headings.partners, colon=True),
        role_heading=_alternation(_numbered_groups(layout.headings.role), colon=True),
        role_heading_inline=re.compile(
            rf"^\s*(?:{'|'.join(f'(?:{r})' for r in _numbered_groups(layout.headings.role))})"
            r"\s*:\s*(?P<value>\S.*)$",
            re.IGNORECASE,
        ),
        beneficiary_heading=(
            re.compile(
                rf"^\s*(?:{'|'.join(f'(?:{b})' for b in beneficiary)})\s*:\s*(?P<value>.*)$",
                re.IGNORECASE,
            )
            if beneficiary
            else None
        ),
        list_marker=re.compile(rf"^(?P<indent>\s*)(?P<marker>{markers})\s+(?=\S)"),
        alias_to_organisation=aliases,
        mention_to_organisation=mentions,
        partner_intro=(
            re.compile("|".join(f"(?:{p})" for p in layout.partner_intros), re.IGNORECASE)
            if layout.partner_intros
            else None
        ),
        generic_headings=frozenset(normalise_key(word) for word in layout.generic_headings),
        field_keys=frozenset(normalise_key(word) for word in layout.field_keys),
        work_package_headings=tuple(
            re.compile(p, re.IGNORECASE) for p in layout.work_package_headings
        ),
        furniture=tuple(re.compile(p, re.IGNORECASE) for p in layout.furniture),
        partner_cues=tuple(
            (re.compile(cue.pattern, re.IGNORECASE), cue.kind, cue.role, tuple(cue.words))
            for cue in layout.partner_cues
        ),
        role_sentences=tuple(
            re.compile(p.replace("{org}", ORGANISATION)) for p in patterns.roles.role_sentences
        ),
        named_project=tuple(
            (re.compile(entry.pattern.replace("{name}", NAME)), tuple(entry.words))
            for entry in layout.named_project
        ),
    )


def load_rules(patterns_dir: Path | None = None) -> Rules:
    """Given a folder of pattern files (None: the packaged ones), return the validated rules,
    read from the files at each call (`shared_pipeline` is where a process keeps them)."""
    folder = patterns_dir or DEFAULT_PATTERNS_DIR
    raw: dict[str, object] = {}
    digest = hashlib.sha256()
    for name in PATTERN_FILES:
        path = folder / f"{name}.yaml"
        raw[name] = _read_yaml(path)
        digest.update(path.read_bytes())
    try:
        patterns = PatternSet.model_validate(raw)
    except ValidationError as error:
        first = error.errors()[0]
        location = ".".join(str(part) for part in first["loc"])
        file_name = str(first["loc"][0]) if first["loc"] else "patterns"
        raise PatternError(
            folder / f"{file_name}.yaml",
            f"invalid entry at '{location}': {first['msg']}",
            "Correct the entry; the patterns were not used.",
        ) from error
    own_words = folder / "partner_words.yaml"
    return replace(
        compile_rules(patterns, digest.hexdigest()),
        patterns_dir=folder,
        partner_words=load_partner_words(own_words if own_words.exists() else None),
    )
