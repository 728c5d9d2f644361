"""Scoring the pipeline on a corpus folder: precision, recall and F1 per document and in total.

A corpus folder holds `docs/NN_slug.<ext>` (the originals), `text/NN_slug.txt` (their plain-text
renderings) and `gold/NN_slug.json` (the gold, in the format of the corpus README). Everything here
is pure except `load_gold`, `load_corpus_gold` (read files) and `evaluate_corpus` (runs the
pipeline). Six fields are scored: projects, titles, partners, work_packages,
work_package_leaders and roles. A true positive (tp) is an item found and expected, a false
positive (fp) one found but not expected, a false negative (fn) one expected but not found; a
wrong value counts once each way. The totals are micro-averaged: tp, fp and fn summed over all
documents, then precision, recall and F1 computed from the sums.

Matching rules:

1. Strings are compared normalised (`normalise_name`): NFKC, typographic dashes and quotes folded
   (`extractors.text.fold`), casefolded, accents stripped, white space collapsed, surrounding
   punctuation, brackets and quotes stripped (a trailing period with them; brackets only when they
   are unbalanced or wrap the whole string, so "Name (Country)" keeps its parentheses), and a
   leading article dropped (the, a, an, il, lo, la, l', i, gli, le, der, die, das, les, el, los,
   las).
2. Projects are paired one to one, gold projects in order. A gold project matches the first
   unmatched extracted project whose title or acronym equals the gold acronym or one of the gold
   titles, or whose title equals a gold title once an acronym written in it is removed
   ("Full title (ACR)", "ACR - Full title", "ACR: Full title", "Full title - ACR"; the removed
   part must be the project's acronym or a single word). A gold project marked `untitled` (its
   name is not in the text) instead matches the unmatched extracted project whose evidence lines
   overlap its `lines` most; untitled projects are paired after all titled ones, so a match by
   name is never lost to a match by lines. projects: tp = pairs, fp = extracted projects left
   over, fn = gold projects left over.
3. titles: a pair is a tp when the extracted title (normalised, or with its acronym removed as
   above) equals one of the gold titles, else fp + fn. Extracted projects left over count fp, gold
   ones fn. Untitled gold projects (and the project paired with one) are not scored for titles.
4. partners: paired one to one within each project pair, gold partners in order. A gold partner
   matches an extracted partner when it equals the entry as written (`text`), the `name`,
   "name (short_name)", "short_name (name)" or the `short_name`. The partners of projects left
   over count fp (extracted) or fn (gold).
5. work_packages: paired one to one within each project pair, gold work packages in order. They
   match when both numbers are set and equal or, when either number is null, when their titles
   are equal or one contains the other as whole words. work_package_leaders: for a work package
   pair whose gold `leader` is set, a tp when the extracted leader equals it or one contains the
   other as whole words, else fn (and fp when the extraction gave another leader); an extracted
   leader where the gold has none is fp. The leaders of work packages left over count too (fp or
   fn), as do the work packages of projects left over: otherwise an extractor that finds no work
   package would score a perfect leader recall.
6. roles: within a pair, a gold role and an extracted role (category not "none_stated", text not
   empty) is a tp; an extracted role where the gold has none is fp; a gold role with none
   extracted is fn. Roles of projects left over count fp or fn.

A document whose extraction raised the project's root error (`BrochureError`) is recorded as
failed with the message: all its gold items count as false negatives.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from evaluation.brochure import FieldScore, LineRange, Mismatch, prf
from extractors.text import fold
from schemas import BrochureError, InputError, Partner, PatternError, Project, Settings, WorkPackage
from schemas.yaml_files import read_user_text

FIELDS: tuple[str, ...] = (
    "projects",
    "titles",
    "partners",
    "work_packages",
    "work_package_leaders",
    "roles",
)

GOLD_FORMAT_FIX = "See the corpus README for the gold format."

# --------------------------------------------------------------------------------------------
# The gold
# --------------------------------------------------------------------------------------------

NonEmpty = Annotated[str, Field(min_length=1)]


class _GoldModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class GoldWorkPackage(_GoldModel):
    """An expected work package: number and title as the text gives them, and its leader."""

    number: int | None = Field(ge=0)
    title: str | None
    lead: bool = Field(description="True only when the publisher of the document leads it.")
    leader: str | None = Field(default=None, description="Leaders as given, joined with '; '.")

    @model_validator(mode="after")
    def _named(self) -> GoldWorkPackage:
        if self.number is None and not (self.title or "").strip():
            raise ValueError("a work package needs a number or a title, found neither")
        return self


class GoldProject(_GoldModel):
    """One expected project; `key` names it only inside the gold file."""

    key: NonEmpty
    titles: list[NonEmpty] = Field(min_length=1)
    acronym: str | None = None
    untitled: bool = False
    lines: LineRange
    partners: list[NonEmpty] = Field(default_factory=list)
    role: str | None = None
    work_packages: list[GoldWorkPackage] = Field(default_factory=list)


class GoldDocument(_GoldModel):
    """The gold of one corpus document: its files, where it came from and its projects."""

    document: NonEmpty = Field(description="File name of the original, inside docs/.")
    text: NonEmpty = Field(description="Path of the text rendering, relative to the corpus.")
    source: str | None = None
    licence: str | None = None
    language: str | None = None
    notes: str | None = None
    projects: list[GoldProject]
    duplicates: list[Any] = Field(default_factory=list)

    @model_validator(mode="after")
    def _check(self) -> GoldDocument:
        for name, value in (("document", self.document), ("text", self.text)):
            path = PurePosixPath(value)
            if path.is_absolute() or ".." in path.parts:
                raise ValueError(f"{name} must be a path inside the corpus folder, got {value!r}")
        seen: set[str] = set()
        for project in self.projects:
            if project.key in seen:
                raise ValueError(f"project key {project.key!r} appears twice")
            seen.add(project.key)
        return self


def load_gold(path: Path) -> GoldDocument:
    """Given a gold JSON file, return it validated; raise PatternError naming the file."""
    path = Path(path)
    text = read_user_text(
        path,
        "gold file",
        PatternError,
        "Check the path of the corpus folder.",
        "Save the gold file as UTF-8.",
    )
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise PatternError(
            path, f"is not valid JSON ({error.msg})", "Fix the JSON syntax.", line=error.lineno
        ) from None
    try:
        return GoldDocument.model_validate(data)
    except ValidationError as error:
        problems = "; ".join(
            f"{_format_location(item['loc'])}: {item['msg']}" for item in error.errors()
        )
        raise PatternError(path, f"is not valid gold ({problems})", GOLD_FORMAT_FIX) from None


def load_corpus_gold(folder: Path) -> list[tuple[str, GoldDocument]]:
    """Given a corpus folder, return (name, gold) for every `gold/*.json`, sorted by name."""
    folder = Path(folder)
    gold_folder = folder / "gold"
    if not gold_folder.is_dir():
        problem = "has no gold/ folder" if folder.is_dir() else "is not a folder"
        raise InputError(
            folder, problem, "Name a corpus folder holding docs/, text/ and gold/NN_slug.json."
        )
    paths = sorted(gold_folder.glob("*.json"))
    if not paths:
        raise InputError(
            gold_folder, "holds no .json gold files", "Add gold/NN_slug.json files to the corpus."
        )
    return [(path.stem, load_gold(path)) for path in paths]


def _format_location(location: Sequence[int | str]) -> str:
    text = ""
    for step in location:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else str(step))
    return text or "<top>"


# --------------------------------------------------------------------------------------------
# The report
# --------------------------------------------------------------------------------------------


class ProjectPair(BaseModel):
    """A gold project paired with an extracted one, and the rule that paired them."""

    model_config = ConfigDict(extra="forbid")

    key: str
    project_id: str
    matched_by: Literal["name", "title_without_acronym", "lines"]


class DocumentError(BaseModel):
    """Why a document could not be scored: the pipeline's error."""

    model_config = ConfigDict(extra="forbid")

    code: str
    message: str


class DocumentScore(BaseModel):
    """The scores of one corpus document, its project pairs and every mismatch."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(description="The gold file's stem, NN_slug.")
    document: str = Field(description="The file scored, relative to the corpus folder.")
    fields: list[FieldScore]
    pairs: list[ProjectPair] = Field(default_factory=list)
    mismatches: list[Mismatch] = Field(default_factory=list)
    error: DocumentError | None = Field(
        default=None, description="Set when the pipeline refused the document."
    )

    def score(self, field: str) -> FieldScore:
        """Given a field name, return its score (KeyError if unknown)."""
        return _find_score(self.fields, field)


class CorpusReport(BaseModel):
    """Per-document scores and their micro-averaged totals."""

    model_config = ConfigDict(extra="forbid")

    folder: str
    originals: bool = Field(description="True when docs/ originals were read, not text/.")
    documents: list[DocumentScore]
    totals: list[FieldScore]

    @property
    def failed(self) -> list[DocumentScore]:
        """The documents the pipeline refused."""
        return [document for document in self.documents if document.error is not None]

    def total(self, field: str) -> FieldScore:
        """Given a field name, return its micro-averaged score (KeyError if unknown)."""
        return _find_score(self.totals, field)


def _find_score(scores: Sequence[FieldScore], field: str) -> FieldScore:
    for score in scores:
        if score.field == field:
            return score
    raise KeyError(field)


def field_score(field: str, tp: int, fp: int, fn: int) -> FieldScore:
    """Given a field's counts, return its score with precision, recall and F1."""
    precision, recall, f1 = prf(tp, fp, fn)
    return FieldScore(field=field, tp=tp, fp=fp, fn=fn, precision=precision, recall=recall, f1=f1)


def total_scores(documents: Sequence[DocumentScore]) -> list[FieldScore]:
    """Given document scores, return the micro-average: counts summed, then scored."""
    return [
        field_score(
            name,
            sum(document.score(name).tp for document in documents),
            sum(document.score(name).fp for document in documents),
            sum(document.score(name).fn for document in documents),
        )
        for name in FIELDS
    ]


# --------------------------------------------------------------------------------------------
# Normalisation
# --------------------------------------------------------------------------------------------

_WHITESPACE = re.compile(r"\s+")
_OPENERS = "([{"
_CLOSERS = ")]}"
_ARTICLES = frozenset(
    ("the", "a", "an", "il", "lo", "la", "i", "gli", "le", "der", "die", "das", "les", "el")
    + ("los", "las")
)
_ELIDED_ARTICLE = "l'"


def _is_edge_mark(char: str) -> bool:
    """Punctuation, quotes, bullets and spaces stripped from the ends; brackets apart."""
    if char in _OPENERS or char in _CLOSERS:
        return False
    category = unicodedata.category(char)
    return char.isspace() or category.startswith("P") or category == "So"


def _bracket_pairs(text: str) -> tuple[dict[int, int], set[int]]:
    """Given text, return its matched brackets (opening index -> closing) and the unmatched."""
    pairs: dict[int, int] = {}
    unmatched: set[int] = set()
    stack: list[int] = []
    for index, char in enumerate(text):
        if char in _OPENERS:
            stack.append(index)
        elif char in _CLOSERS:
            if stack and _OPENERS.index(text[stack[-1]]) == _CLOSERS.index(char):
                pairs[stack.pop()] = index
            else:
                unmatched.add(index)
    unmatched.update(stack)
    return pairs, unmatched


def _strip_surrounding(text: str) -> str:
    """Given text, strip surrounding punctuation and quotes, and brackets that wrap it whole or
    stand unbalanced at an end."""
    while True:
        start, end = 0, len(text)
        while start < end and _is_edge_mark(text[start]):
            start += 1
        while end > start and _is_edge_mark(text[end - 1]):
            end -= 1
        text = text[start:end]
        if not text:
            return text
        pairs, unmatched = _bracket_pairs(text)
        if pairs.get(0) == len(text) - 1:
            text = text[1:-1]
        elif 0 in unmatched:
            text = text[1:]
        elif len(text) - 1 in unmatched:
            text = text[:-1]
        else:
            return text


def _drop_article(text: str) -> str:
    """Given normalised text, drop one leading article when words remain after it."""
    if text.startswith(_ELIDED_ARTICLE) and len(text) > len(_ELIDED_ARTICLE):
        return text[len(_ELIDED_ARTICLE) :].lstrip()
    head, space, rest = text.partition(" ")
    return rest if space and rest and head in _ARTICLES else text


def normalise_name(text: str) -> str:
    """Given a title, acronym, partner or leader, return the form used to compare it (rule 1)."""
    text = fold(unicodedata.normalize("NFKC", text)).casefold()
    text = "".join(
        char for char in unicodedata.normalize("NFKD", text) if not unicodedata.combining(char)
    )
    text = _WHITESPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()
    previous = None
    while text != previous:
        previous = text
        text = _drop_article(_strip_surrounding(text))
    return text


def contains_words(text: str, part: str) -> bool:
    """Given two normalised strings, say whether `part` stands in `text` as whole words."""
    if not part or not text:
        return False
    return re.search(rf"(?<!\w){re.escape(part)}(?!\w)", text) is not None


def _same_or_within(first: str, second: str) -> bool:
    """Given two raw strings, say whether they are equal or one holds the other as words."""
    a, b = normalise_name(first), normalise_name(second)
    return bool(a and b) and (a == b or contains_words(a, b) or contains_words(b, a))


# --------------------------------------------------------------------------------------------
# Projects and titles
# --------------------------------------------------------------------------------------------


def _acronym_splits(title: str) -> Iterator[tuple[str, str]]:
    """Given a title, yield (acronym part, the rest) for each way it may carry an acronym."""
    title = _WHITESPACE.sub(" ", fold(title)).strip()
    parenthesised = re.fullmatch(r"(?P<rest>.+?)\s*\((?P<acronym>[^()]+)\)\s*\.?", title)
    if parenthesised:
        yield parenthesised["acronym"], parenthesised["rest"]
    for separator in (":", " - "):
        head, found, tail = title.partition(separator)
        if found and head.strip() and tail.strip():
            yield head, tail
    head, found, tail = title.rpartition(" - ")
    if found and head.strip() and tail.strip():
        yield tail, head


def titles_without_acronym(title: str, acronym: str | None = None) -> set[str]:
    """Given an extracted title (and acronym), return the normalised title with an acronym
    written in it removed, in each form that applies: "Full title (ACR)", "ACR - Full title",
    "ACR: Full title", "Full title - ACR". The removed part must be the acronym or one word."""
    known = normalise_name(acronym) if acronym else None
    forms: set[str] = set()
    for part, rest in _acronym_splits(title):
        normalised = normalise_name(part)
        if normalised and (normalised == known or " " not in part.strip()):
            forms.add(normalise_name(rest))
    forms.discard("")
    return forms


def extracted_names(project: Project) -> set[str]:
    """Given an extracted project, return its normalised title and acronym."""
    names = {normalise_name(project.title)}
    if project.acronym:
        names.add(normalise_name(project.acronym))
    names.discard("")
    return names


def gold_titles(gold: GoldProject) -> set[str]:
    """Given a gold project, return its normalised titles."""
    return {name for name in (normalise_name(title) for title in gold.titles) if name}


def gold_names(gold: GoldProject) -> set[str]:
    """Given a gold project, return its normalised titles and acronym."""
    names = gold_titles(gold)
    if gold.acronym:
        names.add(normalise_name(gold.acronym))
    names.discard("")
    return names


def _overlap(first: tuple[int, int], second: tuple[int, int]) -> int:
    return max(0, min(first[1], second[1]) - max(first[0], second[0]) + 1)


def _lines(project: Project) -> tuple[int, int]:
    return project.evidence.line_start, project.evidence.line_end


MatchRule = Literal["name", "title_without_acronym", "lines"]


def match_projects(
    gold: Sequence[GoldProject], extracted: Sequence[Project]
) -> list[tuple[int, int, MatchRule]]:
    """Given gold and extracted projects, pair them one to one (rule 2); return
    (gold index, extracted index, rule) in gold order."""
    used: set[int] = set()
    pairs: list[tuple[int, int, MatchRule]] = []
    for g_index, wanted in enumerate(gold):
        if wanted.untitled:
            continue
        names, titles = gold_names(wanted), gold_titles(wanted)
        for e_index, found in enumerate(extracted):
            if e_index in used:
                continue
            rule: MatchRule | None = None
            if extracted_names(found) & names:
                rule = "name"
            elif titles_without_acronym(found.title, found.acronym) & titles:
                rule = "title_without_acronym"
            if rule is not None:
                used.add(e_index)
                pairs.append((g_index, e_index, rule))
                break
    for g_index, wanted in enumerate(gold):
        if not wanted.untitled:
            continue
        best, best_overlap = None, 0
        for e_index, found in enumerate(extracted):
            if e_index in used:
                continue
            overlap = _overlap(wanted.lines, _lines(found))
            if overlap > best_overlap:  # strictly greater: the first of equal overlaps wins
                best, best_overlap = e_index, overlap
        if best is not None:
            used.add(best)
            pairs.append((g_index, best, "lines"))
    pairs.sort(key=lambda pair: pair[0])
    return pairs


def same_title(gold: GoldProject, found: Project) -> bool:
    """Given a pair, say whether the extracted title is one of the gold titles (rule 3)."""
    titles = gold_titles(gold)
    forms = {normalise_name(found.title)} | titles_without_acronym(found.title, found.acronym)
    return bool(forms & titles)


# --------------------------------------------------------------------------------------------
# Partners, work packages, roles
# --------------------------------------------------------------------------------------------


def partner_forms(partner: Partner) -> set[str]:
    """Given an extracted partner, return every normalised form a gold string may take (rule 4)."""
    forms = [partner.text, partner.name]
    if partner.short_name:
        forms += [
            f"{partner.name} ({partner.short_name})",
            f"{partner.short_name} ({partner.name})",
            partner.short_name,
        ]
    return {name for name in (normalise_name(form) for form in forms) if name}


def match_partners(gold: Sequence[str], extracted: Sequence[Partner]) -> list[tuple[int, int]]:
    """Given gold partner strings and extracted partners, pair them one to one, gold in order."""
    forms = [partner_forms(partner) for partner in extracted]
    used: set[int] = set()
    pairs: list[tuple[int, int]] = []
    for g_index, wanted in enumerate(gold):
        key = normalise_name(wanted)
        hit = next(
            (index for index, found in enumerate(forms) if index not in used and key in found),
            None,
        )
        if hit is not None:
            used.add(hit)
            pairs.append((g_index, hit))
    return pairs


def same_work_package(gold: GoldWorkPackage, found: WorkPackage) -> bool:
    """Given a gold and an extracted work package, say whether they are the same (rule 5)."""
    if gold.number is not None and found.number is not None:
        return gold.number == found.number
    return _same_or_within(gold.title or "", found.title)


def match_work_packages(
    gold: Sequence[GoldWorkPackage], extracted: Sequence[WorkPackage]
) -> list[tuple[int, int]]:
    """Given gold and extracted work packages, pair them one to one, gold in order."""
    used: set[int] = set()
    pairs: list[tuple[int, int]] = []
    for g_index, wanted in enumerate(gold):
        hit = next(
            (
                index
                for index, found in enumerate(extracted)
                if index not in used and same_work_package(wanted, found)
            ),
            None,
        )
        if hit is not None:
            used.add(hit)
            pairs.append((g_index, hit))
    return pairs


def work_package_leader(work_package: WorkPackage) -> str | None:
    """Given an extracted work package, return its leader, if the records carry one."""
    # The records have no `leader` yet; read it when a later schema version adds it.
    value = getattr(work_package, "leader", None)
    if value is None:
        return None
    text = value if isinstance(value, str) else str(getattr(value, "name", None) or value)
    return text if text.strip() else None


def has_role(project: Project) -> bool:
    """Given an extracted project, say whether it states a role of the publisher (rule 6)."""
    role = project.role
    return role is not None and role.category != "none_stated" and bool(role.text.strip())


# --------------------------------------------------------------------------------------------
# Scoring
# --------------------------------------------------------------------------------------------


@dataclass
class _Tally:
    """Counts per field and the mismatches behind them, while one document is scored."""

    counts: dict[str, list[int]] = field(
        default_factory=lambda: {name: [0, 0, 0] for name in FIELDS}
    )
    mismatches: list[Mismatch] = field(default_factory=list)

    def add(self, name: str, tp: int = 0, fp: int = 0, fn: int = 0) -> None:
        counts = self.counts[name]
        counts[0] += tp
        counts[1] += fp
        counts[2] += fn

    def note(
        self,
        name: str,
        wanted: GoldProject | None,
        found: Project | None,
        expected: str | None = None,
        extracted: str | None = None,
        where: str | None = None,
    ) -> None:
        self.mismatches.append(
            Mismatch(
                field=name,
                key=wanted.key if wanted is not None else None,
                project_id=found.id if found is not None else None,
                expected=expected,
                found=extracted,
                note=where,
            )
        )

    def scores(self) -> list[FieldScore]:
        return [field_score(name, *self.counts[name]) for name in FIELDS]


def _describe_project(title: str, lines: tuple[int, int]) -> str:
    return f"{title} (lines {lines[0]}-{lines[1]})"


def _describe_work_package(number: int | None, title: str | None) -> str:
    if number is None:
        return title or "?"
    return f"WP{number}: {title}" if title else f"WP{number}"


def _score_title(tally: _Tally, wanted: GoldProject | None, found: Project | None) -> None:
    if wanted is not None and wanted.untitled:
        return  # its name is not in the text: nothing to read a title from
    if wanted is None:
        tally.add("titles", fp=1)
    elif found is None:
        tally.add("titles", fn=1)
    elif same_title(wanted, found):
        tally.add("titles", tp=1)
    else:
        tally.add("titles", fp=1, fn=1)
        tally.note("titles", wanted, found, wanted.titles[0], found.title)


def _score_partners(tally: _Tally, wanted: GoldProject | None, found: Project | None) -> None:
    gold = wanted.partners if wanted is not None else []
    extracted = found.partners if found is not None else []
    pairs = match_partners(gold, extracted)
    paired_gold = {g_index for g_index, _ in pairs}
    paired_found = {e_index for _, e_index in pairs}
    tally.add("partners", tp=len(pairs))
    for g_index, partner in enumerate(gold):
        if g_index not in paired_gold:
            tally.add("partners", fn=1)
            tally.note("partners", wanted, found, expected=partner)
    for e_index, extracted_partner in enumerate(extracted):
        if e_index not in paired_found:
            tally.add("partners", fp=1)
            tally.note("partners", wanted, found, extracted=extracted_partner.text)


def _score_leader(
    tally: _Tally,
    wanted: GoldProject | None,
    found: Project | None,
    gold: GoldWorkPackage | None,
    extracted: WorkPackage | None,
) -> None:
    expected = gold.leader if gold is not None else None
    leader = work_package_leader(extracted) if extracted is not None else None
    if expected is None and leader is None:
        return
    if expected is not None and leader is not None and _same_or_within(expected, leader):
        tally.add("work_package_leaders", tp=1)
        return
    tally.add("work_package_leaders", fp=int(leader is not None), fn=int(expected is not None))
    if gold is not None and extracted is not None:
        # A package left over is listed once, as a work package; only pairs list their leader.
        where = _describe_work_package(gold.number, gold.title)
        tally.note("work_package_leaders", wanted, found, expected, leader, where)


def _score_work_packages(tally: _Tally, wanted: GoldProject | None, found: Project | None) -> None:
    gold = wanted.work_packages if wanted is not None else []
    extracted = found.work_packages if found is not None else []
    pairs = match_work_packages(gold, extracted)
    paired_gold = {g_index for g_index, _ in pairs}
    paired_found = {e_index for _, e_index in pairs}
    tally.add("work_packages", tp=len(pairs))
    for g_index, e_index in pairs:
        _score_leader(tally, wanted, found, gold[g_index], extracted[e_index])
    for g_index, package in enumerate(gold):
        if g_index not in paired_gold:
            tally.add("work_packages", fn=1)
            expected = _describe_work_package(package.number, package.title)
            tally.note("work_packages", wanted, found, expected=expected)
            _score_leader(tally, wanted, found, package, None)
    for e_index, extracted_package in enumerate(extracted):
        if e_index not in paired_found:
            tally.add("work_packages", fp=1)
            described = _describe_work_package(extracted_package.number, extracted_package.title)
            tally.note("work_packages", wanted, found, extracted=described)
            _score_leader(tally, wanted, found, None, extracted_package)


def _score_role(tally: _Tally, wanted: GoldProject | None, found: Project | None) -> None:
    expected = wanted.role if wanted is not None else None
    role = found.role if found is not None and has_role(found) else None
    if expected is not None and role is not None:
        tally.add("roles", tp=1)
    elif expected is not None:
        tally.add("roles", fn=1)
        tally.note("roles", wanted, found, expected=expected)
    elif role is not None:
        tally.add("roles", fp=1)
        tally.note("roles", wanted, found, extracted=f"{role.category}: {role.text}")


def _score_pair(tally: _Tally, wanted: GoldProject | None, found: Project | None) -> None:
    """Count every field but projects of one project pair; either side may be missing."""
    _score_title(tally, wanted, found)
    _score_partners(tally, wanted, found)
    _score_work_packages(tally, wanted, found)
    _score_role(tally, wanted, found)


def score_document(
    gold: GoldDocument,
    projects: Sequence[Project],
    name: str | None = None,
    document: str | None = None,
) -> DocumentScore:
    """Given a document's gold and the projects extracted from it, score every field; pure."""
    tally = _Tally()
    pairs = match_projects(gold.projects, projects)
    paired_gold = {g_index: (e_index, rule) for g_index, e_index, rule in pairs}
    paired_found = {e_index for _, e_index, _ in pairs}
    for g_index, wanted in enumerate(gold.projects):
        if g_index in paired_gold:
            tally.add("projects", tp=1)
            _score_pair(tally, wanted, projects[paired_gold[g_index][0]])
        else:
            tally.add("projects", fn=1)
            expected = _describe_project(wanted.titles[0], wanted.lines)
            tally.note("projects", wanted, None, expected=expected)
            _score_pair(tally, wanted, None)
    for e_index, found in enumerate(projects):
        if e_index not in paired_found:
            tally.add("projects", fp=1)
            described = _describe_project(found.title, _lines(found))
            tally.note("projects", None, found, extracted=described)
            _score_pair(tally, None, found)
    return DocumentScore(
        name=name or Path(gold.document).stem,
        document=document or gold.text,
        fields=tally.scores(),
        pairs=[
            ProjectPair(
                key=gold.projects[g_index].key, project_id=projects[e_index].id, matched_by=rule
            )
            for g_index, e_index, rule in pairs
        ],
        mismatches=tally.mismatches,
    )


def score_failed_document(
    gold: GoldDocument,
    error: BrochureError,
    name: str | None = None,
    document: str | None = None,
) -> DocumentScore:
    """Given a document the pipeline refused, score it with every gold item a false negative."""
    scored = score_document(gold, [], name, document)
    return scored.model_copy(update={"error": DocumentError(code=error.code, message=str(error))})


def evaluate_corpus(
    folder: Path, settings: Settings | None = None, originals: bool = False
) -> CorpusReport:
    """Given a corpus folder, run the pipeline on every document with gold and score it; a
    document the pipeline refuses is recorded as failed and the others go on."""
    from workspace.service import extract_brochure

    folder = Path(folder)
    settings = Settings.resolve(settings)
    documents: list[DocumentScore] = []
    for name, gold in load_corpus_gold(folder):
        relative = f"docs/{gold.document}" if originals else gold.text
        try:
            extraction = extract_brochure(folder / relative, settings)
        except BrochureError as error:
            documents.append(score_failed_document(gold, error, name, relative))
            continue
        documents.append(score_document(gold, extraction.projects, name, relative))
    return CorpusReport(
        folder=str(folder),
        originals=originals,
        documents=documents,
        totals=total_scores(documents),
    )


# --------------------------------------------------------------------------------------------
# The text report
# --------------------------------------------------------------------------------------------

_TABLE_FIELDS = (
    ("projects", "projects"),
    ("partners", "partners"),
    ("work_packages", "work packages"),
    ("roles", "roles"),
)
_CELL_WIDTH = 22


def _ratio(value: float, score: FieldScore) -> str:
    # Nothing expected and nothing found: no evidence either way, shown as a dash, not 1.00.
    return f"{value:>4.2f}" if score.tp + score.fp + score.fn else f"{'-':>4}"


def _cell(score: FieldScore) -> str:
    found = f"{score.tp}/{score.tp + score.fn}"
    return (
        f"{found:>7} {_ratio(score.precision, score)} {_ratio(score.recall, score)} "
        f"{_ratio(score.f1, score)}"
    )


def format_corpus_report(report: CorpusReport, verbose: bool = False) -> str:
    """Render a corpus report as text: a row per document and the totals, the micro-averaged
    scores of every field, the failed documents; with verbose, every mismatch per document."""
    source = "docs/ originals" if report.originals else "text/ renderings"
    width = max(len("total (micro)"), *(len(document.name) for document in report.documents))
    rows = [
        f"Corpus evaluation of {report.folder} ({source}): {len(report.documents)} documents, "
        f"{len(report.failed)} failed",
        "",
        f"{'':<{width}}  " + " ".join(f"{title:<{_CELL_WIDTH}}" for _, title in _TABLE_FIELDS),
        f"{'document':<{width}}  "
        + " ".join(f"{'tp/gold':>7} {'P':>4} {'R':>4} {'F1':>4}" for _ in _TABLE_FIELDS),
    ]
    rows.append("-" * len(rows[-1]))
    for document in report.documents:
        cells = " ".join(_cell(document.score(name)) for name, _ in _TABLE_FIELDS)
        rows.append(f"{document.name:<{width}}  {cells}" + ("  failed" if document.error else ""))
    rows.append("-" * len(rows[3]))
    totals = " ".join(_cell(report.total(name)) for name, _ in _TABLE_FIELDS)
    rows.append(f"{'total (micro)':<{width}}  {totals}")

    rows += ["", f"Totals over {len(report.documents)} documents (micro-averaged):"]
    field_width = max(len(name) for name in FIELDS)
    header = (
        f"  {'field':<{field_width}}  {'precision':>9}  {'recall':>6}  {'F1':>5}  "
        f"{'tp':>4}  {'fp':>4}  {'fn':>4}"
    )
    rows += [header, "  " + "-" * (len(header) - 2)]
    for score in report.totals:
        rows.append(
            f"  {score.field:<{field_width}}  {score.precision:>9.3f}  {score.recall:>6.3f}  "
            f"{score.f1:>5.3f}  {score.tp:>4}  {score.fp:>4}  {score.fn:>4}"
        )

    rows.append("")
    if report.failed:
        rows.append(f"Failed documents ({len(report.failed)}): their gold items count as missed")
        for document in report.failed:
            assert document.error is not None
            rows.append(f"  {document.name}: {document.error.code}: {document.error.message}")
    else:
        rows.append("Failed documents: none")

    if verbose:
        for document in report.documents:
            rows += ["", f"{document.name} ({document.document}):"]
            if not document.mismatches:
                rows.append("  no mismatches")
            rows.extend(f"  {_describe_mismatch(mismatch)}" for mismatch in document.mismatches)
    return "\n".join(rows) + "\n"


def _describe_mismatch(mismatch: Mismatch) -> str:
    """Given a mismatch, return one line: missed, extra, or expected one value and found another."""
    if mismatch.key and mismatch.project_id:
        who = f"{mismatch.key} (extracted {mismatch.project_id})"
    elif mismatch.key:
        who = mismatch.key
    else:
        who = f"extracted {mismatch.project_id or '-'}"
    where = f" [{mismatch.note}]" if mismatch.note else ""
    if mismatch.found is None:
        return f"missed {mismatch.field}  {who}: {mismatch.expected!r}{where}"
    if mismatch.expected is None:
        return f"extra {mismatch.field}  {who}: {mismatch.found!r}{where}"
    return (
        f"wrong {mismatch.field}  {who}: expected {mismatch.expected!r}, "
        f"found {mismatch.found!r}{where}"
    )
