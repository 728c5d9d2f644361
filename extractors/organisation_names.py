"""What one name of an organisation is compared by, and the facts a name gives.

Small pure functions, each "given a name (or two), return ...": its keys from the strictest to
the loosest (`name_keys`), whether a short name abbreviates it (`abbreviates`), the parent it
names ("... of the University of Bologna", `split_parent`), its type and country from its words
(`name_type`, `name_country`), the similarity of the one word two names differ in
(`fuzzy_score`), and the id made from it (`organisation_slug`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache

from rapidfuzz.distance import OSA
from slugify import slugify

from extractors.organisation_rules import (
    TOKEN,
    IdentityRules,
    name_tokens,
    plain_text,
)
from schemas.organisations import OrganisationType

ORGANISATION_ID_MAX_LENGTH = 60
FALLBACK_ORGANISATION_ID = "organisation"


_ROMAN = re.compile(r"^(?=[ivxlcdm]+$)m{0,3}(cm|cd|d?c{0,3})(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})$")


def _is_place(word: str, rules: IdentityRules) -> bool:
    return word in rules.country_by_name or (word,) in rules.place_country


def _is_number(token: str) -> bool:
    return any(char.isdigit() for char in token) or bool(_ROMAN.match(token))


@dataclass(frozen=True)
class NameKeys:
    """The keys of one name, from the strictest to the loosest, and its short names.

    `normalised`: words casefolded, a leading article and trailing legal forms dropped;
    `spelled`: spelling variants unified; `ordered`: its content words (small words dropped),
    sorted; `translated`: the same once translated.
    """

    normalised: str
    spelled: str
    ordered: str
    translated: str
    content: tuple[str, ...]


def strip_legal_forms(tokens: Sequence[str], rules: IdentityRules) -> tuple[list[str], str | None]:
    """Given a name's words as written, return them without their trailing legal forms (and the
    small words between them: "Adient Ltd & Co KG" gives "Adient"), and the last form dropped."""
    kept = list(tokens)
    dropped: str | None = None
    changed = True
    while changed and len(kept) > 1:
        changed = False
        if kept[-1].casefold() in {"&", "and", "e", "und", "et", "y"}:
            kept.pop()
            changed = True
            continue
        for form, as_written, written in rules.legal_forms.get(kept[-1].casefold(), ()):
            size = len(form)
            if size >= len(kept):
                continue
            tail = tuple(kept[-size:]) if as_written else tuple(t.casefold() for t in kept[-size:])
            if tail == form:
                dropped = written
                del kept[-size:]
                changed = True
                break
    return kept, dropped


def name_keys(name: str, rules: IdentityRules) -> NameKeys:
    """Given a name, return its keys (see `NameKeys`)."""
    tokens, _ = strip_legal_forms(name_tokens(name), rules)
    lowered = [token.casefold() for token in tokens]
    if len(lowered) > 1 and lowered[0] in rules.articles:
        lowered = lowered[1:]
    spelled = [rules.spelling.get(token, token) for token in lowered]
    content = tuple(token for token in spelled if token not in rules.connectors) or tuple(spelled)
    translated = sorted(rules.translation.get(token, token) for token in content)
    return NameKeys(
        normalised=" ".join(lowered),
        spelled=" ".join(spelled),
        ordered=" ".join(sorted(content)),
        translated=" ".join(translated),
        content=content,
    )


def abbreviates(short_name: str, name: str, rules: IdentityRules) -> bool:
    """Given a short name and a name, decide whether the short name abbreviates it: its letters
    are the first letters of the name's words, in order ("ITL": Istituto sui Trasporti e la
    Logistica; "UCLouvain": Université Catholique de Louvain), or the initials of its words in
    another order ("Ctna": National aerospace technology Cluster)."""
    letters = "".join(token.casefold() for token in name_tokens(short_name))
    words = [token.casefold() for token in name_tokens(name)]
    if len(letters) < 2 or not words or letters == "".join(words):
        return False
    content = [word for word in words if word not in rules.connectors]
    if sorted(letters) == sorted(word[0] for word in content):
        return True
    return _prefixes_spell(letters, tuple(words))


@cache
def _prefixes_spell(letters: str, words: tuple[str, ...]) -> bool:
    """Given letters and words, decide whether the letters are non-empty prefixes of some of the
    words, in their order."""
    if not letters:
        return True
    for index, word in enumerate(words):
        size = 1
        while size <= min(len(word), len(letters)) and letters[:size] == word[:size]:
            if _prefixes_spell(letters[size:], words[index + 1 :]):
                return True
            size += 1
    return False


@lru_cache(maxsize=1 << 14)
def split_parent(name: str, rules: IdentityRules) -> tuple[str, str, str] | None:
    """Given a name, return (own part, parent, rule) when it names the organisation it belongs
    to: "CIRI-ICT, ... of the University of Bologna" (rule `of_phrase`: the words after "of the"
    start or end with an organisation word), "Dipartimento DICAM – UniBo" (rule `unit`: a unit
    word first, the parent after a dash or a comma); None otherwise."""
    unit = _split_unit(name, rules)
    if unit is not None:
        return unit
    spans = [(match.group(), match.start(), match.end()) for match in TOKEN.finditer(name)]
    words = [plain_text(text).casefold() for text, _, _ in spans]
    for index in range(1, len(words) - 1):
        for phrase in rules.parent_phrases.get(words[index], ()):
            size = len(phrase)
            if tuple(words[index : index + size]) != phrase or index + size >= len(words):
                continue
            tail = [w for w in words[index + size :] if w not in rules.connectors]
            # "the University of Bologna", "the Ferrara Tecnopolo"; not "Commerce of Romagna".
            heads = bool(tail) and (
                _is_organisation_word(tail[0], rules)
                or (_is_organisation_word(tail[-1], rules) and len(tail) <= 3)
            )
            if not heads:
                continue
            own = name[: spans[index][1]].rstrip(" ,;–-")
            parent = name[spans[index + size][1] :].strip(" ,;.")
            if own and parent and _has_own_words(own, rules):
                return own, parent, "of_phrase"
    return None


def _split_unit(name: str, rules: IdentityRules) -> tuple[str, str, str] | None:
    for separator in (" – ", " — ", " - ", ", "):
        if separator not in name:
            continue
        own, parent = (part.strip() for part in name.split(separator, 1))
        words = tuple(token.casefold() for token in name_tokens(own))
        if own and parent and any(words[: len(unit)] == unit for unit in rules.unit_phrases):
            return own, parent, "unit"
    return None


def _is_organisation_word(word: str, rules: IdentityRules) -> bool:
    return word in rules.organisation_words or rules.translation.get(word) in (
        rules.organisation_words
    )


def _has_own_words(own: str, rules: IdentityRules) -> bool:
    """The part before "of the" must be a name of its own, not a bare organisation word
    ("University of the Basque Country" has no parent)."""
    words = [token.casefold() for token in name_tokens(own)]
    content = [word for word in words if word not in rules.connectors]
    return len(content) >= 2 or (len(content) == 1 and not _is_organisation_word(content[0], rules))


def differing_words(first: NameKeys, second: NameKeys) -> tuple[str, str] | None:
    """Given the keys of two names, return the one content word each has that the other lacks
    when that is all they differ in; None otherwise (they differ in more, or in nothing)."""
    if first.spelled == second.spelled:
        return None
    only_a = Counter(first.content) - Counter(second.content)
    only_b = Counter(second.content) - Counter(first.content)
    if sum(only_a.values()) != 1 or sum(only_b.values()) != 1:
        return None
    (word_a,), (word_b,) = only_a, only_b
    return word_a, word_b


def word_similarity(first: str, second: str) -> float:
    """Given two words, return their similarity, 0 to 100: 100 x (1 - edits / longer length),
    an edit being a letter added, dropped, replaced, or two letters swapped (rapidfuzz's optimal
    string alignment distance), so every typing slip counts once."""
    return 100.0 * OSA.normalized_similarity(first, second)


def fuzzy_score(
    first: NameKeys, second: NameKeys, rules: IdentityRules
) -> tuple[float, str] | None:
    """Given the keys of two names, return the `word_similarity` of the one word each has that
    the other lacks, and those words, when that is all they differ in and both words are long
    and hold no number; None otherwise."""
    words = differing_words(first, second)
    if words is None:
        return None
    word_a, word_b = words
    minimum = rules.patterns.fuzzy_min_word_length
    if min(len(word_a), len(word_b)) < minimum or _is_number(word_a) or _is_number(word_b):
        return None
    if any(_is_place(word, rules) for word in words):
        # "Iceland" / "Ireland": one slip apart, two countries.
        return None
    return word_similarity(word_a, word_b), f"{word_a} ~ {word_b}"


def organisation_slug(name: str) -> str:
    """Given an organisation's preferred name, return the id it gets when the catalogue has none
    for it: a lower-case ASCII slug, at most 60 characters, cut at a word boundary."""
    slug = slugify(
        " ".join(name_tokens(name)),
        separator="-",
        backend="text-unidecode",
    )
    if len(slug) > ORGANISATION_ID_MAX_LENGTH:
        slug = slug[:ORGANISATION_ID_MAX_LENGTH].rsplit("-", 1)[0]
    return slug or FALLBACK_ORGANISATION_ID


def name_type(name: str, rules: IdentityRules) -> tuple[OrganisationType, str] | None:
    """Given a name, return the type its words give and the rule ('word:university',
    'legal_form:GmbH'), or None."""
    split = split_parent(name, rules)
    own = split[0] if split is not None else name
    written = name_tokens(own)
    words = [token.casefold() for token in written]
    best: tuple[int, OrganisationType, tuple[str, ...]] | None = None
    for index, word in enumerate(words):
        for found in rules.type_phrases.get(word, ()):
            phrase = found[2]
            if tuple(words[index : index + len(phrase)]) == phrase and (
                best is None or found[0] < best[0]
            ):
                best = found
    if best is not None:
        return best[1], "word:" + " ".join(best[2])
    _, form = strip_legal_forms(written, rules)
    if form is not None and tuple(name_tokens(form.casefold())) in rules.company_forms:
        return "company", "legal_form:" + form
    return None


def name_country(name: str, rules: IdentityRules) -> str | None:
    """Given a name, return the country a word of it names ("University of Luxembourg",
    "Regione Emilia-Romagna", "Italian Air Force"), or None."""
    words = [token.casefold() for token in name_tokens(name)]
    for size in (3, 2, 1):
        for start in range(len(words) - size + 1):
            phrase = tuple(words[start : start + size])
            joined = " ".join(phrase)
            found = (
                rules.place_country.get(phrase)
                or rules.country_by_name.get(joined)
                or (rules.adjective_country.get(joined) if size == 1 else None)
            )
            if found:
                return found
    return None
