"""Scoring an extraction against a hand annotation: precision, recall and F1 per field.

The annotation format is described in `tests/data/README.md`. Everything here is pure except
`load_annotations` (reads a file) and `evaluate_brochure` (runs the pipeline).

Each field is scored on items: an item found and expected is a true positive, an item found but
not expected a false positive, an item expected but not found a false negative, and a wrong value
counts once each way. Items of projects that were not matched count too: the values of an extracted
project with no annotated counterpart are false positives, those of a missed project false
negatives.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Sequence
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, model_validator

from evaluation.organisations import (
    ORGANISATION_FIELDS,
    AnnotatedOrganisation,
    check_identities,
    score_organisations,
)
from schemas import BrochureExtraction, Partner, PatternError, Project, Settings
from schemas.records import RoleCategory

FIELDS: tuple[str, ...] = (
    "projects",
    "title",
    "title_inferred",
    "acronym",
    "group",
    "partners",
    "partner_short_name",
    "partner_person",
    "partner_via",
    "partner_publisher",
    "role_category",
    "work_packages",
    "duplicates",
    "programme",
    "countries",
    "partner_count",
    "country_count",
    *ORGANISATION_FIELDS,
)


# --------------------------------------------------------------------------------------------
# The annotation
# --------------------------------------------------------------------------------------------


def _ordered_range(value: tuple[int, int]) -> tuple[int, int]:
    if value[0] > value[1]:
        raise ValueError(f"line range [{value[0]}, {value[1]}] ends before it starts")
    return value


LineRange = Annotated[
    tuple[Annotated[int, Field(ge=1)], Annotated[int, Field(ge=1)]],
    AfterValidator(_ordered_range),
]


class _AnnotationModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AnnotatedGroup(_AnnotationModel):
    """A group heading and its 1-based line."""

    name: str = Field(min_length=1)
    line: int = Field(ge=1)


class AnnotatedPartner(_AnnotationModel):
    """One expected partner of a project."""

    name: str = Field(min_length=1)
    short_name: str | None = None
    kind: Literal["organisation", "person"] = "organisation"
    affiliation: str | None = None
    via: str | None = None
    publisher: bool = False


class AnnotatedRole(_AnnotationModel):
    """The expected role of the publisher in a project."""

    category: RoleCategory
    lines: LineRange


class AnnotatedWorkPackage(_AnnotationModel):
    """An expected work package: its number (if stated), title and whether it is led."""

    number: int | None
    title: str = Field(min_length=1)
    lead: bool


class AnnotatedProject(_AnnotationModel):
    """One expected project; `key` names it only inside the annotation."""

    key: str = Field(min_length=1)
    lines: LineRange
    title: str = Field(min_length=1)
    title_inferred: bool = False
    title_keywords: list[str] = Field(default_factory=list)
    acronym: str | None = None
    group: str | None = None
    partners: list[AnnotatedPartner] = Field(default_factory=list)
    role: AnnotatedRole | None = None
    work_packages: list[AnnotatedWorkPackage] = Field(default_factory=list)
    programme: str | None = None
    countries: list[str] = Field(default_factory=list)
    partner_count: int | None = Field(default=None, ge=0)
    country_count: int | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _check(self) -> AnnotatedProject:
        if self.title_inferred and not self.title_keywords:
            raise ValueError("an inferred title needs title_keywords")
        if not self.title_inferred and self.title_keywords:
            raise ValueError("title_keywords are only for inferred titles (title_inferred: true)")
        missing = [word for word in self.title_keywords if not _contains_word(self.title, word)]
        if missing:
            raise ValueError(f"title {self.title!r} lacks its own keywords {missing}")
        if self.role is not None and not _within(self.role.lines, self.lines):
            raise ValueError(f"role lines {list(self.role.lines)} are outside {list(self.lines)}")
        return self


class AnnotatedDuplicate(_AnnotationModel):
    """Lines that repeat earlier text, and the key of the project holding the original."""

    lines: LineRange
    duplicate_of: str = Field(min_length=1)


class NotPartners(_AnnotationModel):
    """Lines looking like a list that must yield no partner, and why."""

    lines: LineRange
    why: str = Field(min_length=1)


class Annotations(_AnnotationModel):
    """The hand annotation of one brochure."""

    source: str = Field(min_length=1)
    publisher: str = Field(min_length=1)
    groups: list[AnnotatedGroup] = Field(default_factory=list)
    projects: list[AnnotatedProject] = Field(default_factory=list)
    duplicates: list[AnnotatedDuplicate] = Field(default_factory=list)
    not_partners: list[NotPartners] = Field(default_factory=list)
    # Organisation identities; None: not annotated, and organisation resolution is not scored.
    organisations: list[AnnotatedOrganisation] | None = None

    @model_validator(mode="after")
    def _check(self) -> Annotations:
        if self.organisations:
            check_identities(self.organisations, normalise)
        keys = [project.key for project in self.projects]
        repeated = sorted({key for key in keys if keys.count(key) > 1})
        if repeated:
            raise ValueError(f"project keys used more than once: {repeated}")
        group_names = {group.name for group in self.groups}
        for project in self.projects:
            if project.group is not None and project.group not in group_names:
                raise ValueError(f"project {project.key!r}: unknown group {project.group!r}")
        for duplicate in self.duplicates:
            if duplicate.duplicate_of not in keys:
                raise ValueError(
                    f"duplicate {list(duplicate.lines)}: unknown project {duplicate.duplicate_of!r}"
                )
        ordered = sorted(self.projects, key=lambda project: project.lines)
        for before, after in zip(ordered, ordered[1:], strict=False):
            if _overlap(before.lines, after.lines):
                raise ValueError(f"projects {before.key!r} and {after.key!r} overlap")
        return self

    def project(self, key: str) -> AnnotatedProject:
        """Given a project key, return the annotated project (KeyError if unknown)."""
        for project in self.projects:
            if project.key == key:
                return project
        raise KeyError(key)

    def partner_total(self) -> int:
        """Return the number of annotated partners over all projects."""
        return sum(len(project.partners) for project in self.projects)


def load_annotations(path: Path) -> Annotations:
    """Read and validate an annotation file; raise PatternError naming the file (and line)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise PatternError(
            path, f"annotation file could not be read ({error})", "Check the path."
        ) from error
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(error, "problem", None) or str(error)
        raise PatternError(
            path, f"is not valid YAML ({problem})", "Fix the YAML syntax.", line=line
        ) from error
    if not isinstance(data, dict) or root is None:
        raise PatternError(
            path,
            f"must hold a mapping at the top, found {type(data).__name__}",
            "Start the file with 'source:', 'publisher:', 'groups:' and 'projects:'.",
        )
    repeated = _repeated_key(root)
    if repeated is not None:
        key, line = repeated
        raise PatternError(
            path, f"key {key!r} appears twice in one mapping", "Keep one of them.", line=line
        )
    try:
        return Annotations.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        location = first["loc"]
        messages = "; ".join(
            f"{_format_location(item['loc'])}: {item['msg']}" for item in error.errors()
        )
        raise PatternError(
            path,
            f"is not a valid annotation ({messages})",
            "See tests/data/README.md for the annotation format.",
            line=_node_line(root, location),
        ) from error


def _repeated_key(node: yaml.Node) -> tuple[str, int] | None:
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key in seen:
                return key, key_node.start_mark.line + 1
            seen.add(key)
            found = _repeated_key(value_node)
            if found is not None:
                return found
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            found = _repeated_key(item)
            if found is not None:
                return found
    return None


def _node_line(root: yaml.Node, location: Sequence[int | str]) -> int | None:
    """Follow a validation error's location through the YAML nodes; return the deepest line."""
    node = root
    line: int | None = None
    for step in location:
        if isinstance(node, yaml.MappingNode) and isinstance(step, str):
            match = next((pair for pair in node.value if str(pair[0].value) == step), None)
            if match is None:
                break
            line = match[0].start_mark.line + 1
            node = match[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int):
            if not 0 <= step < len(node.value):
                break
            node = node.value[step]
            line = node.start_mark.line + 1
        else:
            break
    return line


def _format_location(location: Sequence[int | str]) -> str:
    text = ""
    for step in location:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else step)
    return text or "<top>"


# --------------------------------------------------------------------------------------------
# The report
# --------------------------------------------------------------------------------------------


class FieldScore(BaseModel):
    """Counts and scores of one field."""

    model_config = ConfigDict(extra="forbid")

    field: str
    tp: int = 0
    fp: int = 0
    fn: int = 0
    precision: float = 1.0
    recall: float = 1.0
    f1: float = 1.0


class Mismatch(BaseModel):
    """One disagreement between the extraction and the annotation."""

    model_config = ConfigDict(extra="forbid")

    field: str
    key: str | None = Field(default=None, description="Annotated project key, if matched.")
    project_id: str | None = Field(default=None, description="Extracted project id, if matched.")
    expected: str | None = None
    found: str | None = None
    note: str | None = None


class ProjectMatch(BaseModel):
    """An annotated project paired with an extracted one, and their overlap in lines."""

    model_config = ConfigDict(extra="forbid")

    key: str
    project_id: str
    overlap: int


class EvaluationReport(BaseModel):
    """Per-field scores, the project matching and every mismatch."""

    model_config = ConfigDict(extra="forbid")

    source: str
    fields: list[FieldScore]
    matches: list[ProjectMatch] = Field(default_factory=list)
    mismatches: list[Mismatch] = Field(default_factory=list)

    def score(self, field: str) -> FieldScore:
        """Given a field name, return its score (KeyError if unknown)."""
        for score in self.fields:
            if score.field == field:
                return score
        raise KeyError(field)


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    """Given counts, return precision, recall and F1 (all 1.0 when nothing is expected or found)."""
    precision = tp / (tp + fp) if tp + fp else (1.0 if fn == 0 else 0.0)
    recall = tp / (tp + fn) if tp + fn else (1.0 if fp == 0 else 0.0)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


# --------------------------------------------------------------------------------------------
# Normalisation
# --------------------------------------------------------------------------------------------

_SINGLE_QUOTES = "\u2018\u2019\u201a\u201b\u2032\u2035\u0060\u00b4\u2039\u203a\uff07"
_DOUBLE_QUOTES = "\u201c\u201d\u201e\u201f\u2033\u2036\u00ab\u00bb\uff02"
_QUOTES = str.maketrans(
    {**dict.fromkeys(_SINGLE_QUOTES, "'"), **dict.fromkeys(_DOUBLE_QUOTES, '"')}
)
_WHITESPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Given text, return it NFKC, casefolded, dashes as '-', quotes unified, spaces collapsed."""
    text = unicodedata.normalize("NFKC", text.translate(_QUOTES))
    text = "".join(
        "-" if unicodedata.category(char) == "Pd" or char == "\u2212" else char for char in text
    )
    text = text.translate(_QUOTES).casefold()
    return _WHITESPACE.sub(" ", text).strip()


def normalise_country(text: str) -> str:
    """Given a country name, return it normalised without a leading 'the '."""
    text = normalise(text)
    return text[4:] if text.startswith("the ") else text


def _contains_word(text: str, word: str) -> bool:
    return normalise(word) in normalise(text)


def _overlap(first: tuple[int, int], second: tuple[int, int]) -> int:
    return max(0, min(first[1], second[1]) - max(first[0], second[0]) + 1)


def _within(inner: tuple[int, int], outer: tuple[int, int]) -> bool:
    return outer[0] <= inner[0] and inner[1] <= outer[1]


def _lines(project: Project) -> tuple[int, int]:
    return project.evidence.line_start, project.evidence.line_end


# --------------------------------------------------------------------------------------------
# Evaluation
# --------------------------------------------------------------------------------------------


def match_projects(
    extracted: Sequence[Project], annotated: Sequence[AnnotatedProject]
) -> list[tuple[int, int, int]]:
    """Pair projects greedily by largest line overlap: (annotated, extracted index, overlap)."""
    candidates = [
        (overlap, a_index, e_index)
        for a_index, wanted in enumerate(annotated)
        for e_index, found in enumerate(extracted)
        if (overlap := _overlap(wanted.lines, _lines(found))) > 0
    ]
    candidates.sort(key=lambda item: (-item[0], item[1], item[2]))
    used_a: set[int] = set()
    used_e: set[int] = set()
    pairs: list[tuple[int, int, int]] = []
    for overlap, a_index, e_index in candidates:
        if a_index in used_a or e_index in used_e:
            continue
        used_a.add(a_index)
        used_e.add(e_index)
        pairs.append((a_index, e_index, overlap))
    return sorted(pairs)


class _Tally:
    """Counts per field and the mismatches, filled while comparing."""

    def __init__(self) -> None:
        self.counts: dict[str, list[int]] = {field: [0, 0, 0] for field in FIELDS}
        self.mismatches: list[Mismatch] = []

    def add(self, field: str, tp: int = 0, fp: int = 0, fn: int = 0) -> None:
        counts = self.counts[field]
        counts[0] += tp
        counts[1] += fp
        counts[2] += fn

    def miss(
        self, field: str, pair: _Pair, expected: Any, found: Any, note: str | None = None
    ) -> None:
        self.mismatches.append(
            Mismatch(
                field=field,
                key=pair.key,
                project_id=pair.project_id,
                expected=_show(expected),
                found=_show(found),
                note=note,
            )
        )

    def scores(self) -> list[FieldScore]:
        result = []
        for field in FIELDS:
            tp, fp, fn = self.counts[field]
            precision, recall, f1 = prf(tp, fp, fn)
            result.append(
                FieldScore(
                    field=field, tp=tp, fp=fp, fn=fn, precision=precision, recall=recall, f1=f1
                )
            )
        return result


class _Pair:
    """An annotated project, an extracted one, or both when they were matched."""

    def __init__(self, wanted: AnnotatedProject | None, found: Project | None) -> None:
        self.wanted = wanted
        self.found = found
        self.key = wanted.key if wanted is not None else None
        self.project_id = found.id if found is not None else None


def _show(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, tuple):
        return "(" + ", ".join("null" if part is None else str(part) for part in value) + ")"
    return str(value)


def _compare_value(
    tally: _Tally,
    field: str,
    pair: _Pair,
    expected: Any,
    found: Any,
    same: Callable[[Any, Any], bool] | None = None,
    note: str | None = None,
) -> None:
    """Score one optional value: equal is a TP, extra an FP, missing an FN, wrong both."""
    if expected is None and found is None:
        return
    if expected is None:
        tally.add(field, fp=1)
    elif found is None:
        tally.add(field, fn=1)
    elif (same or (lambda a, b: a == b))(expected, found):
        tally.add(field, tp=1)
        return
    else:
        tally.add(field, fp=1, fn=1)
    tally.miss(field, pair, expected, found, note)


def _compare_multiset(
    tally: _Tally,
    field: str,
    pair: _Pair,
    expected: Iterable[Hashable],
    found: Iterable[Hashable],
) -> None:
    """Score two multisets: shared items are TPs, extra ones FPs, missing ones FNs."""
    wanted, got = Counter(expected), Counter(found)
    common = wanted & got
    tally.add(
        field,
        tp=sum(common.values()),
        fp=sum((got - common).values()),
        fn=sum((wanted - common).values()),
    )
    for item in sorted((wanted - common).elements(), key=repr):
        tally.miss(field, pair, item, None)
    for item in sorted((got - common).elements(), key=repr):
        tally.miss(field, pair, None, item)


def _same_text(expected: str, found: str) -> bool:
    return normalise(expected) == normalise(found)


def _compare_title(tally: _Tally, pair: _Pair) -> None:
    wanted, found = pair.wanted, pair.found
    if wanted is None or found is None:
        tally.add("title", fp=int(found is not None), fn=int(wanted is not None))
        if wanted is not None:
            tally.miss("title", pair, wanted.title, None)
        elif found is not None:
            tally.miss("title", pair, None, found.title)
        return
    if wanted.title_inferred:
        right = found.title_inferred and all(
            _contains_word(found.title, word) for word in wanted.title_keywords
        )
        expected = f"inferred title with {', '.join(wanted.title_keywords)}"
    else:
        right = _same_text(wanted.title, found.title)
        expected = wanted.title
    if right:
        tally.add("title", tp=1)
    else:
        tally.add("title", fp=1, fn=1)
        shown = f"{found.title} (inferred)" if found.title_inferred else found.title
        tally.miss("title", pair, expected, shown)


def _compare_flag(
    tally: _Tally, field: str, pair: _Pair, expected: bool, found: bool, note: str | None = None
) -> None:
    """Score a flag as a detection: expected and set TP, set only FP, expected only FN."""
    if expected and found:
        tally.add(field, tp=1)
    elif expected or found:
        tally.add(field, fp=int(found), fn=int(expected))
        tally.miss(field, pair, expected, found, note)


def _not_partner_note(partner: Partner, annotations: Annotations) -> str | None:
    if partner.evidence is None:  # added by a reviewer's correction: stands on no line
        return None
    lines = (partner.evidence.line_start, partner.evidence.line_end)
    for entry in annotations.not_partners:
        if _overlap(entry.lines, lines):
            return f"lines {entry.lines[0]}-{entry.lines[1]} are not partners: {entry.why}"
    return None


def _compare_partners(tally: _Tally, pair: _Pair, annotations: Annotations) -> None:
    wanted = list(pair.wanted.partners) if pair.wanted is not None else []
    found = list(pair.found.partners) if pair.found is not None else []
    unmatched_found = list(range(len(found)))
    matched: list[tuple[AnnotatedPartner | None, Partner | None]] = []
    for expected in wanted:
        name = normalise(expected.name)
        index = next((i for i in unmatched_found if normalise(found[i].name) == name), None)
        if index is None:
            matched.append((expected, None))
        else:
            unmatched_found.remove(index)
            matched.append((expected, found[index]))
    matched.extend((None, found[i]) for i in unmatched_found)

    for expected_partner, found_partner in matched:
        if expected_partner is not None and found_partner is not None:
            tally.add("partners", tp=1)
        elif expected_partner is not None:
            tally.add("partners", fn=1)
            tally.miss("partners", pair, expected_partner.name, None)
        elif found_partner is not None:
            tally.add("partners", fp=1)
            note = _not_partner_note(found_partner, annotations)
            tally.miss("partners", pair, None, found_partner.name, note)

        either = expected_partner or found_partner
        note = f"partner {either.name}" if either is not None else None
        _compare_value(
            tally,
            "partner_short_name",
            pair,
            expected_partner.short_name if expected_partner else None,
            found_partner.short_name if found_partner else None,
            _same_text,
            note,
        )
        _compare_value(
            tally,
            "partner_person",
            pair,
            _person(expected_partner),
            _person(found_partner),
            _same_person,
            note,
        )
        _compare_value(
            tally,
            "partner_via",
            pair,
            expected_partner.via if expected_partner else None,
            found_partner.via if found_partner else None,
            _same_text,
            note,
        )
        _compare_flag(
            tally,
            "partner_publisher",
            pair,
            bool(expected_partner and expected_partner.publisher),
            bool(found_partner and found_partner.is_publisher),
            note,
        )


def _person(partner: AnnotatedPartner | Partner | None) -> tuple[str, str | None] | None:
    if partner is None or partner.kind != "person":
        return None
    return partner.name, partner.affiliation


def _same_person(expected: tuple[str, str | None], found: tuple[str, str | None]) -> bool:
    return normalise(expected[1] or "") == normalise(found[1] or "")


def _work_package_key(number: int | None, title: str, lead: bool) -> tuple[int | None, str, bool]:
    return number, normalise(title), lead


def _compare_project(tally: _Tally, pair: _Pair, annotations: Annotations) -> None:
    wanted, found = pair.wanted, pair.found
    _compare_title(tally, pair)
    _compare_flag(
        tally,
        "title_inferred",
        pair,
        bool(wanted and wanted.title_inferred),
        bool(found and found.title_inferred),
    )
    _compare_value(
        tally,
        "acronym",
        pair,
        wanted.acronym if wanted else None,
        found.acronym if found else None,
        _same_text,
    )
    _compare_value(
        tally,
        "group",
        pair,
        wanted.group if wanted else None,
        found.group if found else None,
        _same_text,
    )
    _compare_partners(tally, pair, annotations)
    _compare_value(
        tally,
        "role_category",
        pair,
        wanted.role.category if wanted and wanted.role else None,
        found.role.category if found and found.role else None,
    )

    wanted_wps = [
        _work_package_key(wp.number, wp.title, wp.lead)
        for wp in (wanted.work_packages if wanted else [])
    ]
    found_wps = [
        _work_package_key(wp.number, wp.title, wp.lead)
        for wp in (found.work_packages if found else [])
    ]
    _compare_multiset(tally, "work_packages", pair, wanted_wps, found_wps)

    programme = found.programme if found else None
    _compare_value(
        tally,
        "programme",
        pair,
        wanted.programme if wanted else None,
        programme.value if programme else None,
        lambda expected, _: (
            programme is not None
            and normalise(expected) in {normalise(programme.value), normalise(programme.text)}
        ),
    )

    wanted_countries = {normalise_country(name) for name in (wanted.countries if wanted else [])}
    found_countries: set[str] = set()
    for country in found.countries if found else []:
        by_text = normalise_country(country.text)
        by_value = normalise_country(country.value)
        found_countries.add(by_text if by_text in wanted_countries else by_value)
    _compare_multiset(tally, "countries", pair, wanted_countries, found_countries)

    for field in ("partner_count", "country_count"):
        count = getattr(found, field) if found else None
        _compare_value(
            tally,
            field,
            pair,
            getattr(wanted, field) if wanted else None,
            count.value if count is not None else None,
        )


def _compare_duplicates(
    tally: _Tally,
    extraction: BrochureExtraction,
    annotations: Annotations,
    id_of_key: dict[str, str],
) -> None:
    remaining = list(range(len(extraction.duplicates)))
    for wanted in annotations.duplicates:
        target = id_of_key.get(wanted.duplicate_of)
        hit = next(
            (
                index
                for index in remaining
                if target is not None
                and extraction.duplicates[index].duplicate_of == target
                and _overlap(
                    wanted.lines,
                    (
                        extraction.duplicates[index].evidence.line_start,
                        extraction.duplicates[index].evidence.line_end,
                    ),
                )
            ),
            None,
        )
        if hit is None:
            tally.add("duplicates", fn=1)
            tally.mismatches.append(
                Mismatch(
                    field="duplicates",
                    key=wanted.duplicate_of,
                    project_id=target,
                    expected=f"lines {wanted.lines[0]}-{wanted.lines[1]}",
                )
            )
        else:
            remaining.remove(hit)
            tally.add("duplicates", tp=1)
    for index in remaining:
        duplicate = extraction.duplicates[index]
        tally.add("duplicates", fp=1)
        tally.mismatches.append(
            Mismatch(
                field="duplicates",
                project_id=duplicate.duplicate_of,
                found=f"lines {duplicate.evidence.line_start}-{duplicate.evidence.line_end}",
            )
        )


def _compare_organisations(
    tally: _Tally, extraction: BrochureExtraction, identities: list[AnnotatedOrganisation]
) -> None:
    """Score organisation resolution: merges pairwise, types and parents per identity."""
    score = score_organisations(extraction, identities, normalise)
    for field, (tp, fp, fn) in score.counts.items():
        tally.add(field, tp=tp, fp=fp, fn=fn)
    for field, expected, found, note in score.mismatches:
        tally.mismatches.append(Mismatch(field=field, expected=expected, found=found, note=note))


def evaluate(extraction: BrochureExtraction, annotations: Annotations) -> EvaluationReport:
    """Score an extraction against its annotation, field by field; pure."""
    tally = _Tally()
    pairs = match_projects(extraction.projects, annotations.projects)
    matched_a = {a_index for a_index, _, _ in pairs}
    matched_e = {e_index for _, e_index, _ in pairs}

    compared: list[_Pair] = []
    for a_index, e_index, _ in pairs:
        compared.append(_Pair(annotations.projects[a_index], extraction.projects[e_index]))
    for a_index, wanted in enumerate(annotations.projects):
        if a_index not in matched_a:
            compared.append(_Pair(wanted, None))
    for e_index, found in enumerate(extraction.projects):
        if e_index not in matched_e:
            compared.append(_Pair(None, found))

    for pair in compared:
        if pair.wanted is not None and pair.found is not None:
            tally.add("projects", tp=1)
        elif pair.wanted is not None:
            tally.add("projects", fn=1)
            tally.miss(
                "projects", pair, f"lines {pair.wanted.lines[0]}-{pair.wanted.lines[1]}", None
            )
        elif pair.found is not None:
            tally.add("projects", fp=1)
            tally.miss(
                "projects", pair, None, f"lines {_lines(pair.found)[0]}-{_lines(pair.found)[1]}"
            )
        _compare_project(tally, pair, annotations)

    id_of_key = {
        annotations.projects[a_index].key: extraction.projects[e_index].id
        for a_index, e_index, _ in pairs
    }
    _compare_duplicates(tally, extraction, annotations, id_of_key)
    if annotations.organisations is not None:
        _compare_organisations(tally, extraction, annotations.organisations)

    return EvaluationReport(
        source=annotations.source,
        fields=tally.scores(),
        matches=[
            ProjectMatch(
                key=annotations.projects[a_index].key,
                project_id=extraction.projects[e_index].id,
                overlap=overlap,
            )
            for a_index, e_index, overlap in pairs
        ],
        mismatches=tally.mismatches,
    )


def evaluate_brochure(
    brochure: Path, annotations: Path, settings: Settings | None = None
) -> EvaluationReport:
    """Extract a brochure with the pipeline and score the result against an annotation file."""
    from workspace.service import extract_brochure

    annotation = load_annotations(annotations)
    if Path(brochure).name != annotation.source:
        raise PatternError(
            annotations,
            f"annotates {annotation.source!r}, not {Path(brochure).name!r}",
            "Pass the annotation file written for this brochure.",
        )
    return evaluate(extract_brochure(brochure, settings), annotation)


def format_report(report: EvaluationReport, verbose: bool = False) -> str:
    """Render a report as a plain-text table; with verbose, list every mismatch below it."""
    width = max(len("field"), *(len(score.field) for score in report.fields))
    header = (
        f"{'field':<{width}}  {'precision':>9}  {'recall':>6}  {'F1':>5}  "
        f"{'tp':>4}  {'fp':>4}  {'fn':>4}"
    )
    rows = [f"Evaluation of {report.source}", header, "-" * len(header)]
    for score in report.fields:
        rows.append(
            f"{score.field:<{width}}  {score.precision:>9.3f}  {score.recall:>6.3f}  "
            f"{score.f1:>5.3f}  {score.tp:>4}  {score.fp:>4}  {score.fn:>4}"
        )
    if verbose:
        rows.append("")
        if not report.mismatches:
            rows.append("No mismatches.")
        else:
            rows.append(f"Mismatches ({len(report.mismatches)}):")
        for mismatch in report.mismatches:
            who = mismatch.key or "-"
            if mismatch.project_id is not None and mismatch.project_id != mismatch.key:
                who += f" (extracted {mismatch.project_id})"
            line = (
                f"  {mismatch.field}  {who}: expected {_quoted(mismatch.expected)}, "
                f"found {_quoted(mismatch.found)}"
            )
            if mismatch.note:
                line += f"  [{mismatch.note}]"
            rows.append(line)
    return "\n".join(rows) + "\n"


def _quoted(value: str | None) -> str:
    return "nothing" if value is None else repr(value)
