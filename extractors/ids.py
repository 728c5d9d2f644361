"""Project ids: a stable slug of a project's acronym, else of its title.

An id is made once, when a project is first extracted; later editions keep it through
`reports.changes.carry_over_ids`, so a change of scheme alters only the ids of new projects.
"""

from __future__ import annotations

import unicodedata

from slugify import slugify

from extractors.text import fold

ID_SCHEME = 2
"""The way ids are made: 1 dropped every letter that does not decompose to a-z ('Łódź' gave
'odz', a Greek or Cyrillic title gave 'project'); 2 transliterates such letters with
python-slugify ('Łódź' gives 'lodz') and leaves every other id as scheme 1 made it."""

ID_MAX_LENGTH = 60
FALLBACK_ID = "project"
_SEPARATOR = "-"


def _is_word_char(char: str) -> bool:
    """Given a character, return whether it belongs to a word: a letter, a digit or a mark."""
    return char.isalnum() or unicodedata.category(char).startswith("M")


def _words_text(text: str) -> str:
    """Given a name, return it folded, casefolded and decomposed, accents dropped, and every
    character that is not part of a word (punctuation, symbols, spaces) replaced by a space."""
    decomposed = unicodedata.normalize("NFKD", fold(text).casefold())
    base = "".join(char for char in decomposed if not unicodedata.combining(char))
    return "".join(char if _is_word_char(char) else " " for char in base)


def cut_to_length(slug: str, max_length: int = ID_MAX_LENGTH) -> str:
    """Given a slug, return it unchanged when at most `max_length` long, else its first
    `max_length` characters without the last (possibly partial) word when they hold a separator,
    or those characters alone when they are one word."""
    if len(slug) <= max_length:
        return slug
    return slug[:max_length].rsplit(_SEPARATOR, 1)[0]


def project_id(acronym: str | None, title: str) -> str:
    """Given a project's acronym and title, return its id under `ID_SCHEME`: a lower-case ASCII
    slug of the acronym (else of the title), letters transliterated, at most `ID_MAX_LENGTH`
    long and cut at a word boundary; `FALLBACK_ID` when no letter or digit is left.

    Transliteration always uses text-unidecode, so an id does not depend on whether the
    Unidecode package happens to be installed too."""
    slug = slugify(
        _words_text(acronym or title),
        entities=False,
        decimal=False,
        hexadecimal=False,
        separator=_SEPARATOR,
        backend="text-unidecode",
    )
    return cut_to_length(slug) or FALLBACK_ID
