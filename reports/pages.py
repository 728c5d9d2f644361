"""Review reports: one self-contained HTML page per brochure, an index over them, and a Markdown
summary.

The page has two panes: on the left the projects with every value, and the doubtful places; on
the right the whole kept text with every evidence span wrapped in a marked element. A value links
to its span's id; a small inline script scrolls the source pane to it and highlights it. What was
not extracted stays unmarked, so it shows. The pages are Jinja2 templates (`templates/`) rendered
with autoescape, so every piece of brochure text, in an element or an attribute, is escaped once
by the template; the marked source pane is built here, every piece of its text and every title
through `html.escape`, and handed to the template as markup. The page loads nothing from
anywhere (no URL, no font, no script from outside): its styles and script (`assets/`) are inlined.
The Markdown summary escapes what Markdown would read as markup.
"""

from __future__ import annotations

import html
import json
import re
from bisect import bisect_right
from collections.abc import Callable, Container, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from itertools import accumulate, pairwise
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, PackageLoader, StrictUndefined, Template
from markupsafe import Markup, escape

from schemas.changes import ChangeReport
from schemas.corrections import AppliedCorrections, CorrectionOutcome
from schemas.records import (
    BrochureExtraction,
    Evidence,
    ExtractionWarning,
    GroundedCount,
    GroundedText,
    Partner,
    Project,
    ReviewMark,
    Role,
    WorkPackage,
)
from schemas.run import IndexCounts

if TYPE_CHECKING:
    # Only the index takes a picture; its layout library is loaded by whoever draws it.
    from reports.network import NetworkPicture

# --- confidence ---------------------------------------------------------------------------------

_INFERRED_TITLE_REASONS = {
    "named_project": "no title line; the title is the name in 'the NAME project'",
    "subject_focus": "no title line; the title is made from what the section says it focuses on",
    "first_words": "no title line; the title is the first words of the text",
}


@dataclass(frozen=True)
class LowConfidence:
    """A value the rule that produced it may well have got wrong, and why."""

    project_id: str
    field: str
    value: str
    reason: str
    evidence: Evidence | None


def low_confidence_values(
    extraction: BrochureExtraction, source_text: str | None = None
) -> list[LowConfidence]:
    """Given an extraction (and its kept text), return the values read by a guessing rule.

    Four rules, from the rule that produced the value: an inferred title; an acronym found in
    the prose rather than on the title line; a role category 'other' (no cue matched); and, when
    the text is given, a partner read from a line without a list marker. A value a reviewer
    corrected is trusted.
    """
    found: list[LowConfidence] = []
    for project in extraction.projects:
        reviewed = {mark.field for mark in project.review}
        if project.title_inferred and "title" not in reviewed:
            rule = project.title_evidence.rule or ""
            found.append(
                LowConfidence(
                    project.id,
                    "title",
                    project.title,
                    _INFERRED_TITLE_REASONS.get(rule, f"no title line; inferred ({rule})"),
                    project.title_evidence,
                )
            )
        acronym_evidence = project.acronym_evidence
        if (
            project.acronym
            and acronym_evidence is not None
            and "acronym" not in reviewed
            and not project.title_inferred
            and acronym_evidence.line_start > project.title_evidence.line_end
        ):
            found.append(
                LowConfidence(
                    project.id,
                    "acronym",
                    project.acronym,
                    "found in the prose, not on the title line",
                    acronym_evidence,
                )
            )
        role = project.role
        if role is not None and role.category == "other" and "role.category" not in reviewed:
            found.append(
                LowConfidence(
                    project.id,
                    "role.category",
                    role.category,
                    "no role cue matched the role paragraph",
                    role.evidence,
                )
            )
        if source_text is not None:
            for partner in project.partners:
                if partner.evidence is not None and _is_unmarked(source_text, partner.evidence):
                    found.append(
                        LowConfidence(
                            project.id,
                            "partners",
                            partner.name,
                            "read from a line without a list marker",
                            partner.evidence,
                        )
                    )
    return found


def _is_unmarked(source_text: str, evidence: Evidence) -> bool:
    """True when nothing but white space stands before the value on its line (no bullet)."""
    line_start = source_text.rfind("\n", 0, evidence.start) + 1
    return not source_text[line_start : evidence.start].strip()


# --- doubts ------------------------------------------------------------------------------------

# Low-confidence values a warning of the same project already calls out.
_COVERED_BY_WARNING = {"title": "title_inferred", "role.category": "role_category_unknown"}


@dataclass(frozen=True)
class Doubt:
    """A place a reviewer should look at: a warning, a dropped duplicate, a low-confidence value
    or a stale correction, with links to the source."""

    kind: str
    code: str
    headline: str
    message: str
    project_id: str | None
    links: tuple[tuple[str, Evidence], ...] = ()
    field: str | None = None  # the project's field in doubt ('title', 'partners'...), if one

    @property
    def position(self) -> int:
        """Where it stands in the source (doubts without evidence come last)."""
        return self.links[0][1].start if self.links else 1 << 62


# Warnings a reviewer's correction of the field answers: the warning stays in the export (it
# describes the source), the report shows it as resolved.
_RESOLVED_BY_REVIEW = {
    "title_inferred": "title",
    "role_category_unknown": "role.category",
    "role_not_stated": "role.category",
    "partner_heading_without_list": "partners",
    "partner_heading_empty": "partners",
    "pasted_description": "partners",
    "partner_count_without_partners": "partners",
    "partner_list_doubtful": "partners",
    "work_package_unparsed": "work_packages",
}


def find_doubts(extraction: BrochureExtraction, source_text: str | None = None) -> list[Doubt]:
    """Given an extraction, return every doubtful place in source order: warnings (those a
    correction answered or acknowledged as kind 'resolved'), dropped duplicates, low-confidence
    values."""
    return review_of(extraction, source_text).doubts


@dataclass(frozen=True)
class Review:
    """What a reviewer should look at in one extraction: its low-confidence values and every
    doubtful place (`find_doubts`). Found once for a brochure, it serves its review page, its
    row of the index and its Markdown summary alike."""

    lows: list[LowConfidence]
    doubts: list[Doubt]


def review_of(extraction: BrochureExtraction, source_text: str | None = None) -> Review:
    """Given an extraction (and its kept text), return what a reviewer should look at."""
    lows = low_confidence_values(extraction, source_text)
    return Review(lows, _find_doubts(extraction, lows))


def _find_doubts(extraction: BrochureExtraction, lows: list[LowConfidence]) -> list[Doubt]:
    """The doubtful places of an extraction (see `find_doubts`), its low-confidence values
    found already."""
    doubts: list[Doubt] = []
    reviewed: dict[tuple[str | None, str], str] = {
        (project.id, mark.field): mark.correction_id
        for project in extraction.projects
        for mark in project.review
    }
    for warning in extraction.warnings:
        kind = "stale_correction" if warning.code == "correction_stale" else "warning"
        links = (("source", warning.evidence),) if warning.evidence is not None else ()
        headline = warning.code.replace("_", " ")
        message = warning.message
        resolving = reviewed.get((warning.project_id, _RESOLVED_BY_REVIEW.get(warning.code, "")))
        if resolving is not None:
            kind, message = "resolved", f"{message} (answered by correction {resolving})"
        elif warning.acknowledged_by is not None:
            kind, message = "resolved", f"{message} (acknowledged by {warning.acknowledged_by})"
        doubts.append(
            Doubt(
                kind,
                warning.code,
                headline,
                message,
                warning.project_id,
                links,
                _RESOLVED_BY_REVIEW.get(warning.code),
            )
        )
    for duplicate in extraction.duplicates:
        doubts.append(
            Doubt(
                "duplicate",
                f"duplicate_{duplicate.kind}",
                f"repeated {duplicate.kind} dropped",
                f"{_where(duplicate.evidence)} "
                f"{'repeats' if _single(duplicate.evidence) else 'repeat'} "
                f"{_where(duplicate.original)} ({duplicate.similarity:.0%} alike)",
                duplicate.duplicate_of if not duplicate.duplicate_of.startswith("lines") else None,
                (("dropped copy", duplicate.evidence), ("original", duplicate.original)),
            )
        )
    warned = {(w.project_id, w.code) for w in extraction.warnings}
    for value in lows:
        covering = _COVERED_BY_WARNING.get(value.field)
        if covering is not None and (value.project_id, covering) in warned:
            continue
        doubts.append(
            Doubt(
                "low_confidence",
                "low_confidence",
                f"uncertain {_FIELD_NAMES.get(value.field, value.field)}",
                f"'{value.value}': {value.reason}",
                value.project_id,
                (("source", value.evidence),) if value.evidence is not None else (),
                value.field,
            )
        )
    return sorted(doubts, key=lambda doubt: doubt.position)


_FIELD_NAMES = {
    "title": "title",
    "acronym": "acronym",
    "role.category": "role category",
    "partners": "partner",
    "work_packages": "work package",
    "project": "project",
}


# --- counts ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Counts:
    """The numbers of the summary."""

    projects: int
    partners: int
    work_packages: int
    warnings: int
    duplicates: int
    doubts: int  # doubtful places not yet answered by a correction


def _counts(extraction: BrochureExtraction, doubts: Iterable[Doubt]) -> Counts:
    """The numbers an extraction's summary shows, its doubts found already."""
    projects = extraction.projects
    return Counts(
        projects=len(projects),
        partners=sum(len(project.partners) for project in projects),
        work_packages=sum(len(project.work_packages) for project in projects),
        warnings=len(extraction.warnings),
        duplicates=len(extraction.duplicates),
        doubts=sum(doubt.kind != "resolved" for doubt in doubts),
    )


def count_changes(changes: ChangeReport | None) -> int:
    """Given a change report, return the number of projects it adds, removes or changes (0 when
    there is none)."""
    if changes is None:
        return 0
    return (
        len(changes.projects_added) + len(changes.projects_removed) + len(changes.projects_changed)
    )


# --- the marked source -------------------------------------------------------------------------

# When several values share one span, the element's look is that of the first kind here.
_KIND_ORDER = (
    "dup",
    "unassigned",
    "title",
    "acronym",
    "partner",
    "wp",
    "fact",
    "item",
    "role",
    "list",
    "desc",
    "orig",
    "group",
    "reviewed",
    "warn",
    "section",
)
_KIND_RANK = {kind: rank for rank, kind in enumerate(_KIND_ORDER)}


@dataclass
class SourceMark:
    """One evidence span of the source pane and everything that points at it."""

    start: int
    end: int
    kinds: set[str] = field(default_factory=set)
    labels: list[str] = field(default_factory=list)

    @property
    def ident(self) -> str:
        return evidence_id_for(self.start, self.end)

    @property
    def classes(self) -> str:
        if len(self.kinds) == 1:  # most spans have one value: nothing to rank
            (primary,) = self.kinds
            return f"m k-{primary}"
        primary = min(self.kinds, key=_KIND_RANK.__getitem__)
        classes = f"m k-{primary}"
        if "warn" in self.kinds and primary != "warn":
            classes += " has-warn"
        if "reviewed" in self.kinds and primary != "reviewed":
            classes += " has-review"
        return classes


def evidence_id_for(start: int, end: int) -> str:
    """Given a span's offsets, return the id of its element in the source pane."""
    return f"ev-{start}-{end}"


def evidence_id(evidence: Evidence) -> str:
    """Given evidence, return the id of its element in the source pane."""
    return evidence_id_for(evidence.start, evidence.end)


class _MarkCollector:
    """The evidence spans of an extraction, one per distinct (start, end)."""

    def __init__(self) -> None:
        self.by_span: dict[tuple[int, int], SourceMark] = {}

    def add(self, evidence: Evidence | None, kind: str, label: str) -> None:
        if evidence is None:
            return
        span = (evidence.start, evidence.end)
        mark = self.by_span.get(span)
        if mark is None:
            self.by_span[span] = SourceMark(evidence.start, evidence.end, {kind}, [label])
        else:
            mark.kinds.add(kind)
            if label not in mark.labels:
                mark.labels.append(label)


def collect_marks(extraction: BrochureExtraction) -> dict[tuple[int, int], SourceMark]:
    """Given an extraction, return every evidence span it holds, with what points at it."""
    marks = _MarkCollector()
    for group in extraction.groups:
        marks.add(group.evidence, "group", f"group: {group.name}")
    for project in extraction.projects:
        where = f"[{project.id}]"
        marks.add(project.evidence, "section", f"project section {where}")
        marks.add(project.title_evidence, "title", f"title {where}")
        marks.add(project.acronym_evidence, "acronym", f"acronym {where}")
        marks.add(project.description_evidence, "desc", f"description {where}")
        for partner in project.partners:
            marks.add(partner.evidence, "partner", f"partner {where}")
        if project.role is not None:
            marks.add(project.role.evidence, "role", f"role: {project.role.category} {where}")
            for activity in project.role.activities:
                marks.add(activity.evidence, "item", f"role activity {where}")
        for package in project.work_packages:
            marks.add(package.evidence, "wp", f"work package {where}")
        for name, fact in _facts(project):
            marks.add(fact.evidence, "fact", f"{name} {where}")
        for item_list in project.lists:
            marks.add(item_list.evidence, "list", f"{item_list.kind} list {where}")
            for item in item_list.items:
                marks.add(item.evidence, "item", f"{item_list.kind} item {where}")
        for mark in project.review:
            marks.add(mark.evidence, "reviewed", f"corrected in review: {mark.field} {where}")
    for duplicate in extraction.duplicates:
        marks.add(duplicate.evidence, "dup", f"dropped duplicate {duplicate.kind}")
        marks.add(duplicate.original, "orig", "original of a dropped duplicate")
    for unassigned in extraction.unassigned:
        marks.add(unassigned.evidence, "unassigned", f"unassigned: {unassigned.reason}")
        for mark in unassigned.review:
            marks.add(mark.evidence, "reviewed", "marked as not a project in review")
    for warning in extraction.warnings:
        marks.add(warning.evidence, "warn", f"warning: {warning.code}")
    return marks.by_span


# The records of a card are made afresh for every value of every page and only read after: plain
# slotted dataclasses, which cost half what frozen ones do to make.
@dataclass(slots=True)
class _Fact:
    """A fact of a card: the words as written, their evidence, and what they were read as
    where that differs from the words (a date in ISO 8601, an amount and its currency)."""

    text: str
    evidence: Evidence
    detail: str | None = None


_AMOUNT_NAMES = {"total": "total budget", "funding": "funding", "co_financing": "co-financing"}


def _facts(project: Project) -> list[tuple[str, _Fact]]:
    """A project's facts stated in the text, each with its name: the lead partner, then the
    facts of the prose."""
    facts: list[tuple[str, _Fact]] = []
    lead = project.lead_partner
    if lead is not None:
        detail = f"partner {lead.partner_index + 1} of {len(project.partners)}"
        facts.append((lead.role.replace("_", " "), _Fact(lead.name, lead.evidence, detail)))
    for name in ("programme", "beneficiary", "partner_count", "country_count", "region_count"):
        value: GroundedText | GroundedCount | None = getattr(project, name)
        if value is not None:
            facts.append((name.replace("_", " "), _Fact(value.text, value.evidence)))
    facts.extend(("country", _Fact(value.text, value.evidence)) for value in project.countries)
    for date in project.dates:
        iso = f"{date.value}/{date.end}" if date.end else date.value
        facts.append(("date", _Fact(date.text, date.evidence, iso)))
    for budget in project.budgets:
        amount = f"{budget.amount:,.2f}".removesuffix(".00")
        name = _AMOUNT_NAMES.get(budget.kind or "", "amount")
        facts.append((name, _Fact(budget.text, budget.evidence, f"{amount} {budget.currency}")))
    for name, values in (("law", project.laws), ("target", project.targets)):
        facts.extend((name, _Fact(value.text, value.evidence)) for value in values)
    return facts


def render_marked_source(
    source_text: str, marks: Iterable[SourceMark], heading_lines: Iterable[int] = ()
) -> str:
    """Given the kept text and its evidence spans, return the text as escaped HTML with every
    span wrapped in an element carrying its id, and an empty line-number marker at each line
    (class `h` on the lines the source sets as headings).

    Built from the sorted span boundaries, never by replacing strings: a span inside another
    nests; a span that crosses another's end is closed and reopened as a continuation piece
    (`data-of` names the span it continues), so the elements always nest properly.
    """
    headings = set(heading_lines)  # lines the source sets as headings: shown as such
    opening: dict[int, list[tuple[SourceMark, str]]] = {}  # the spans starting at an offset
    for mark in sorted(marks, key=lambda mark: (mark.start, -mark.end)):
        opening.setdefault(mark.start, []).append((mark, _open_tag(mark, continuation=False)))
    line_markers = {
        offset: f'<span class="{"ln h" if number in headings else "ln"}" data-n="{number}"></span>'
        for number, offset in enumerate(_line_starts(source_text), start=1)
    }
    points = sorted(
        {*opening, *(mark.end for run in opening.values() for mark, _ in run), *line_markers}
        | {len(source_text)}
    )
    out: list[str] = []
    stack: list[SourceMark] = []
    # How many marks of the stack end at each offset: only where some do is the stack unwound.
    ending: dict[int, int] = {}
    for point, text in zip(points, [*_escaped_pieces(source_text, points), ""], strict=True):
        if ending.get(point):
            reopen: list[SourceMark] = []
            while ending[point]:
                top = stack.pop()
                out.append("</span>")
                if top.end == point:
                    ending[point] -= 1
                else:
                    reopen.append(top)
            for mark in reversed(reopen):
                out.append(_open_tag(mark, continuation=True))
                stack.append(mark)
        marker = line_markers.get(point)
        if marker is not None:
            out.append(marker)
        for mark, tag in opening.get(point, ()):
            out.append(tag)
            if mark.start == mark.end:
                out.append("</span>")
            else:
                stack.append(mark)
                ending[mark.end] = ending.get(mark.end, 0) + 1
        out.append(text)
    out.extend("</span>" for _ in stack)
    return "".join(out)


def _line_starts(text: str) -> list[int]:
    """The offset of every line of the text, in order: 0, and each offset after a newline."""
    return list(accumulate([len(line) + 1 for line in text.split("\n")[:-1]], initial=0))


_HTML_SPECIAL = re.compile("[&<>\"']")  # what `html.escape` replaces


def _escaped_pieces(text: str, offsets: list[int]) -> list[str]:
    """Given a text and ascending offsets into it (the first 0, the last at or past its end),
    return the text between each offset and the next, HTML-escaped.

    Only the pieces that hold a character to escape go through `html.escape`; the others are
    already what it would return.
    """
    pieces = [text[start:end] for start, end in pairwise(offsets)]
    for index in {
        bisect_right(offsets, match.start()) - 1 for match in _HTML_SPECIAL.finditer(text)
    }:
        pieces[index] = html.escape(pieces[index])
    return pieces


def _open_tag(mark: SourceMark, continuation: bool) -> str:
    """The opening tag of a span's element, or of a continuation piece of it."""
    title = html.escape("\n".join(mark.labels))
    if continuation:
        return f'<span class="{mark.classes} cont" data-of="{mark.ident}" title="{title}">'
    # Focusable, so that every mark is reached with Tab and shows its value with Enter.
    return f'<span class="{mark.classes}" id="{mark.ident}" title="{title}" tabindex="0">'


# --- the page ----------------------------------------------------------------------------------


def _where(evidence: Evidence) -> str:
    """'line 12' or 'lines 12–14' (and the page, for PDFs)."""
    start, end = evidence.line_start, evidence.line_end
    lines = f"line {start}" if start == end else f"lines {start}–{end}"
    return lines if evidence.page is None else f"{lines}, p. {evidence.page}"


def _single(evidence: Evidence) -> bool:
    return evidence.line_start == evidence.line_end


def _evidence_title(evidence: Evidence, tip: str | None = None) -> str:
    """The tooltip of a value linked to its evidence: the tip, where it stands, its rule."""
    where = f"{_where(evidence)} · rule {evidence.rule}" if evidence.rule else _where(evidence)
    return f"{tip} · {where}" if tip else where


def _escape(value: object) -> str:
    """Given a value, return its text HTML-escaped exactly as autoescape escapes it (markupsafe's
    `escape`: `&#39;` and `&#34;` for the quotes; markup kept as it is), as a plain string.

    The builders of cards and doubts join about a thousand such pieces a page as plain strings,
    wrapped in `Markup` once per value handed to a template: a `Markup` a piece costs three times
    as much.
    """
    if type(value) is not str:
        return str(escape(value))
    if "&" in value or "<" in value or ">" in value or "'" in value or '"' in value:
        return (
            value.replace("&", "&amp;")
            .replace(">", "&gt;")
            .replace("<", "&lt;")
            .replace("'", "&#39;")
            .replace('"', "&#34;")
        )
    return value  # most values hold nothing to escape: looking is cheaper than five passes


def _attributes(data: Mapping[str, Any] | None) -> str:
    """The data attributes of a value, escaped, each after a space (`None` values left out)."""
    attributes = ""
    for key, value in (data or {}).items():
        if value is not None:
            attributes += f' {key}="{_escape(value)}"'
    return attributes


def _link_html(
    markup: str,
    evidence: Evidence | None,
    classes: str = "v",
    tip: str | None = None,
    data: Mapping[str, Any] | None = None,
) -> str:
    """Given a value's markup, return it linked to its evidence (see `link`), as a string.

    `classes` are markup too: the class names this module writes (`link` escapes the
    templates')."""
    attributes = _attributes(data)
    if evidence is None:
        title = f' title="{_escape(tip)}"' if tip else ""
        return f'<span class="{classes} nolink" tabindex="0"{title}{attributes}>{markup}</span>'
    ident = evidence_id_for(evidence.start, evidence.end)
    return (
        f'<a class="{classes}" href="#{ident}" data-ev="{ident}" '
        f'title="{_escape(_evidence_title(evidence, tip))}"{attributes}>{markup}</a>'
    )


def _linked_html(
    text: object,
    evidence: Evidence | None,
    classes: str = "v",
    tip: str | None = None,
    data: Mapping[str, Any] | None = None,
) -> str:
    """Given a text, return it escaped and linked to its evidence (see `link`), as a string."""
    return _link_html(_escape(text), evidence, classes, tip, data)


def _badge_html(text: object, kind: str, title: str | None = None) -> str:
    """Given a label, return it as a badge (see `badge`), as a string."""
    tip = f' title="{_escape(title)}"' if title else ""
    return f'<span class="badge b-{_escape(kind)}"{tip}>{_escape(text)}</span>'


def link(
    evidence: Evidence | None,
    classes: str = "v",
    tip: str | None = None,
    data: Mapping[str, Any] | None = None,
    *,
    caller: Callable[[], str],
) -> Markup:
    """A value (the `{% call %}` block's markup) linked to its evidence in the source pane;
    plain text when it has none. `data` holds the value's data attributes (`data-act`: the
    field a reviewer can act on, `data-value`). A value without evidence is focusable too, so
    that the keyboard reaches every value. Called from the templates for every value, so built
    here rather than as a template macro, which costs ten times as much a call."""
    return Markup(_link_html(caller(), evidence, _escape(classes), tip, data))


def linked(
    text: object,
    evidence: Evidence | None,
    classes: str = "v",
    tip: str | None = None,
    data: Mapping[str, Any] | None = None,
) -> Markup:
    """A text linked to its evidence (see `link`)."""
    return Markup(_linked_html(text, evidence, _escape(classes), tip, data))


def badge(text: object, kind: str, title: str | None = None) -> Markup:
    """A small label beside a value: 'publisher', 'inferred', '?'."""
    return Markup(_badge_html(text, kind, title))


def _project_anchor(project_id: str) -> str:
    """The id of a project's card."""
    return f"p-{project_id}"


def project_link(project_id: str | None, known: Container[str]) -> Markup:
    """A project id linked to its card; struck out when the project has no card (`known`: the
    ids of the projects with a card); nothing when there is no id."""
    if project_id is None:
        return Markup()
    if project_id in known:
        return Markup(
            f'<a class="plink" href="#{_escape(_project_anchor(project_id))}">'
            f"{_escape(project_id)}</a>"
        )
    return Markup(f'<span class="plink gone">{_escape(project_id)}</span>')


def _truncate(text: str, limit: int) -> str:
    """The text on one line, cut at a word before `limit` characters (marked ' …')."""
    if len(text) > 2 * limit:
        # Its start made one line is the start of the whole made one line: when that is longer
        # than the limit already, it gives the same cut without splitting all of a long text.
        head = " ".join(text[: 2 * limit].split())
        if len(head) > limit:
            return head[:limit].rsplit(" ", 1)[0] + " …"
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"


def _outcome_where(outcome: CorrectionOutcome) -> str:
    """Where a correction stands: 'file:line · id', or its id alone."""
    if outcome.file is None:
        return outcome.correction_id
    line = f":{outcome.line}" if outcome.line is not None else ""
    return f"{outcome.file}{line} · {outcome.correction_id}"


@dataclass(slots=True)
class _PartnerChip:
    """A partner of a card, with the details shown beside its name and why it is doubtful."""

    partner: Partner
    details: tuple[str, ...]
    low_reason: str | None


@dataclass(slots=True)
class _WarningChip:
    """A warning of a card, and the correction that answered it (None: still open)."""

    warning: ExtractionWarning
    resolved_by: str | None


@dataclass(slots=True)
class _Card:
    """What a project's card shows besides the project itself: review marks, doubts, facts."""

    project: Project
    warnings: tuple[_WarningChip, ...]
    title_mark: ReviewMark | None
    title_evidence: Evidence | None
    title_doubtful: bool
    title_reason: str | None
    acronym_mark: ReviewMark | None
    acronym_evidence: Evidence | None
    acronym_reason: str | None
    role_mark: ReviewMark | None
    role_reason: str | None
    partners: tuple[_PartnerChip, ...]
    removed_partners: tuple[ReviewMark, ...]
    removed_packages: tuple[ReviewMark, ...]
    facts: tuple[tuple[str, _Fact], ...]
    doubtful: bool  # an open warning or a low-confidence value: what "only with doubts" shows


@dataclass(frozen=True)
class _CardGroup:
    """A run of cards under one heading (a working group, or 'Projects')."""

    heading: str
    evidence: Evidence | None
    cards: list[_Card]


@dataclass(frozen=True)
class _Stat:
    """A number of the page's top bar."""

    value: int
    label: str
    classes: str = "stat"


def _partner_chip(
    partner: Partner, low: Mapping[tuple[str, int], str], project_id: str
) -> _PartnerChip:
    """Given a partner of a project, return its chip: details and low-confidence reason."""
    details = []
    if partner.short_name:
        details.append(partner.short_name)
    if partner.kind == "person":
        details.append("person" + (f", {partner.affiliation}" if partner.affiliation else ""))
    if partner.via:
        details.append(f"via {partner.via}")
    if partner.canonical_name and partner.canonical_name != partner.name:
        details.append(f"= {partner.canonical_name}")
    reason = low.get((project_id, partner.evidence.start)) if partner.evidence is not None else None
    return _PartnerChip(partner, tuple(details), reason)


def _review_mark(project: Project, field_name: str) -> ReviewMark | None:
    """The review mark of a project's field, if a correction changed it."""
    return next((mark for mark in project.review if mark.field == field_name), None)


def _removed_in_review(project: Project, field_name: str) -> tuple[ReviewMark, ...]:
    """The review marks of the values a correction removed from a project's field."""
    return tuple(mark for mark in project.review if mark.field == field_name and mark.value is None)


def _card(
    project: Project,
    warnings: list[ExtractionWarning],
    low: Mapping[tuple[str, int], str],
    low_fields: Mapping[tuple[str, str], str],
) -> _Card:
    """Given a project, its warnings and its low-confidence values, return its card.

    A warning a correction of its field answered (a title inferred, then set in review) is shown
    as resolved, not as an open warning."""
    title_mark = _review_mark(project, "title")
    acronym_mark = _review_mark(project, "acronym")
    chips = tuple(
        _WarningChip(
            warning, warning.acknowledged_by or _resolving_correction(project, warning.code)
        )
        for warning in warnings
    )
    partners = tuple(_partner_chip(partner, low, project.id) for partner in project.partners)
    return _Card(
        project=project,
        warnings=chips,
        title_mark=title_mark,
        title_evidence=None if title_mark is not None else project.title_evidence,
        title_doubtful=project.title_inferred and title_mark is None,
        title_reason=low_fields.get((project.id, "title")),
        acronym_mark=acronym_mark,
        acronym_evidence=None if acronym_mark is not None else project.acronym_evidence,
        acronym_reason=low_fields.get((project.id, "acronym")),
        role_mark=_review_mark(project, "role.category"),
        role_reason=low_fields.get((project.id, "role.category")),
        partners=partners,
        removed_partners=_removed_in_review(project, "partners"),
        removed_packages=_removed_in_review(project, "work_packages"),
        facts=tuple(_facts(project)),
        doubtful=any(chip.resolved_by is None for chip in chips)
        or any((project.id, name) in low_fields for name in ("title", "acronym", "role.category"))
        or any(chip.low_reason for chip in partners),
    )


def _resolving_correction(project: Project, code: str) -> str | None:
    """The id of the correction that answered a warning of this code on the project, or None."""
    field_name = _RESOLVED_BY_REVIEW.get(code)
    mark = _review_mark(project, field_name) if field_name is not None else None
    return mark.correction_id if mark is not None else None


def _card_groups(extraction: BrochureExtraction, lows: list[LowConfidence]) -> list[_CardGroup]:
    """Given an extraction, return its cards in order, in runs under their group's heading."""
    low_partners = {
        (value.project_id, value.evidence.start): value.reason
        for value in lows
        if value.field == "partners" and value.evidence is not None
    }
    low_fields = {(value.project_id, value.field): value.reason for value in lows}
    warnings_by_project: dict[str, list[ExtractionWarning]] = {}
    for warning in extraction.warnings:
        if warning.project_id is not None:
            warnings_by_project.setdefault(warning.project_id, []).append(warning)
    group_evidence = {group.name: group.evidence for group in extraction.groups}
    groups: list[_CardGroup] = []
    current_group: object = object()
    for project in extraction.projects:
        if project.group != current_group:
            current_group = project.group
            evidence = group_evidence.get(project.group) if project.group else None
            groups.append(_CardGroup(project.group or "Projects", evidence, []))
        groups[-1].cards.append(
            _card(project, warnings_by_project.get(project.id, []), low_partners, low_fields)
        )
    return groups


# --- a project's card ----------------------------------------------------------------------------
# Each value linked to its words in the source. A value a reviewer can act on carries `data-act`
# (its field: title, acronym, role.category, partners, work_packages) and `data-value`; the
# review server's script adds the controls. Built here rather than as template macros: a page
# has a card per project and a chip per partner, and a macro call costs ten times a function's.


def render_card(card: _Card) -> Markup:
    """A project's card: its values, review marks, doubts and facts."""
    project = card.project
    doubtful = " data-doubtful" if card.doubtful else ""
    title = _linked_html(
        project.title,
        card.title_evidence,
        "v title low" if card.title_doubtful else "v title",
        data={"data-act": "title", "data-value": project.title},
    )
    inferred = _badge_html("inferred", "inferred", card.title_reason) if card.title_doubtful else ""
    out = [
        f'<article class="card" id="{_escape(_project_anchor(project.id))}"{doubtful}>\n',
        f"<header><h3>{title}{inferred}</h3>\n",
    ]
    if card.title_mark is not None:
        out.append(f'<div class="reviewed">{_reviewed_note(card.title_mark)}</div>\n')
    out.append('<div class="meta">')
    if project.acronym:
        out.append(
            _linked_html(
                project.acronym,
                card.acronym_evidence,
                "v acronym low" if card.acronym_reason else "v acronym",
                data={"data-act": "acronym", "data-value": project.acronym},
            )
        )
        if card.acronym_reason:
            out.append(_badge_html("?", "low", card.acronym_reason))
        out.append(" ")
    if card.acronym_mark is not None:
        out.append(f"{_reviewed_note(card.acronym_mark)} ")
    out.append(
        f'<code class="pid" title="stable project id">{_escape(project.id)}</code> '
        f"{_linked_html(_where(project.evidence), project.evidence, 'v section-link')}</div>\n"
    )
    if card.warnings:
        out.append('<div class="warns">')
        out.extend([_warning_chip(chip) for chip in card.warnings])
        out.append("</div>\n")
    out.append("</header><dl>\n")
    if project.partners or card.removed_partners:
        out.append(
            f'<dt>Partners <span class="n">{len(project.partners)}</span></dt>'
            '<dd><ul class="chips">'
        )
        out.extend([_partner_item(chip) for chip in card.partners])
        out.extend([_removed_item(mark, "v chip removed") for mark in card.removed_partners])
        out.append("</ul></dd>\n")
    else:
        out.append('<dt>Partners</dt><dd class="muted">none read</dd>\n')
    if project.role is not None:
        out.append(_role(project.role, card))
    if project.work_packages or card.removed_packages:
        out.append('<dt>Work packages</dt><dd><ul class="wps">')
        out.extend([_work_package_item(package) for package in project.work_packages])
        out.extend([_removed_item(mark, "v wp removed") for mark in card.removed_packages])
        out.append("</ul></dd>\n")
    if card.facts:
        out.append('<dt>Facts</dt><dd><ul class="facts">')
        for name, fact in card.facts:
            detail = f' <span class="muted">{_escape(fact.detail)}</span>' if fact.detail else ""
            out.append(
                f'<li><span class="fact-name">{_escape(name)}</span> '
                f"{_linked_html(fact.text, fact.evidence, 'v fact')}{detail}</li>"
            )
        out.append("</ul></dd>\n")
    if project.lists:
        out.append('<dt>Lists</dt><dd><ul class="lists">')
        for item_list in project.lists:
            out.append(
                f"<li>{_linked_html(item_list.intro or item_list.kind, item_list.evidence)} "
                f'<span class="n">{len(item_list.items)} {_escape(item_list.kind)}</span></li>'
            )
        out.append("</ul></dd>\n")
    if project.description:
        description = _linked_html(
            _truncate(project.description, 220), project.description_evidence, "v desc"
        )
        out.append(f"<dt>Description</dt><dd>{description}</dd>\n")
    out.append("</dl></article>")
    return Markup("".join(out))


def _reviewed_note(mark: ReviewMark) -> str:
    """'review · extracted: <original>' beside a corrected value, the original linked."""
    original = "nothing" if mark.original is None else str(mark.original)
    return (
        f'<span class="review-note">{_badge_html("review", "review", mark.correction_id)} '
        f"extracted: {_linked_html(original, mark.evidence, 'v orig-value')}</span>"
    )


def _warning_chip(chip: _WarningChip) -> str:
    """An open or answered warning of a card, linked to its place."""
    warning = chip.warning
    words = warning.code.replace("_", " ")
    if chip.resolved_by is None:
        return _linked_html(
            words,
            warning.evidence,
            "v warn-chip",
            warning.message,
            data={"data-warning": warning.code},
        )
    return _linked_html(
        f"{words} · resolved in review",
        warning.evidence,
        "v warn-chip resolved",
        f"{warning.message} (answered by correction {chip.resolved_by})",
    )


def _partner_item(chip: _PartnerChip) -> str:
    """A partner of a card, with its details and badges."""
    partner = chip.partner
    details = f" <small>{_escape(' · '.join(chip.details))}</small>" if chip.details else ""
    name = _link_html(
        f"{_escape(partner.name)}{details}",
        partner.evidence,
        "v chip low" if chip.low_reason else "v chip",
        data={"data-act": "partners", "data-value": partner.name},
    )
    badges = [
        _badge_html("publisher", "publisher") if partner.is_publisher else "",
        _badge_html("added in review", "review") if partner.source == "review" else "",
        _badge_html("?", "low", chip.low_reason) if chip.low_reason else "",
    ]
    return f"<li>{name}{''.join(badges)}</li>"


def _removed_item(mark: ReviewMark, classes: str) -> str:
    """A partner or work package a reviewer removed, struck out, with its correction."""
    original = _linked_html(str(mark.original), mark.evidence, classes)
    return f"<li>{original}{_badge_html('removed in review', 'review', mark.correction_id)}</li>"


def _work_package_item(package: WorkPackage) -> str:
    """A work package of a card: its number and title, and whether the publisher leads it."""
    number = f"<b>WP{_escape(package.number)}</b> " if package.number is not None else ""
    title = _link_html(
        f"{number}{_escape(package.title)}",
        package.evidence,
        "v wp",
        data={
            "data-act": "work_packages",
            "data-value": package.title,
            "data-wp": package.number,
        },
    )
    lead = _badge_html("leads", "lead") if package.lead else _badge_html("supports", "support")
    review = _badge_html("added in review", "review") if package.source == "review" else ""
    return f"<li>{title}{lead}{review}</li>"


def _role(role: Role, card: _Card) -> str:
    """The card's role of the publishing organisation: its category, words and activities."""
    category = _link_html(
        _escape(role.category.replace("_", " ")),
        role.evidence,
        f"v badge b-cat-{_escape(role.category)}",
        card.role_reason,
        {"data-act": "role.category", "data-value": role.category},
    )
    mark = _reviewed_note(card.role_mark) if card.role_mark is not None else ""
    if role.text:
        text = _linked_html(_truncate(role.text, 180), role.evidence, "v role")
    else:
        text = _link_html("<em>no text under the heading</em>", role.evidence, "v role empty")
    activities = "".join(
        [
            f"<li>{_linked_html(_truncate(activity.text, 120), activity.evidence)}</li>"
            for activity in role.activities
        ]
    )
    listed = f'<ul class="items">{activities}</ul>' if role.activities else ""
    return (
        f'<dt>Role of {_escape(role.organisation)}</dt><dd><div class="role-line">{category}{mark}'
        f'</div><div class="role-text">{text}</div>{listed}</dd>\n'
    )


# --- a doubtful place --------------------------------------------------------------------------

_DOUBT_LABELS = {
    "warning": "warning",
    "duplicate": "duplicate",
    "low_confidence": "low confidence",
    "stale_correction": "stale correction",
    "resolved": "resolved in review",
}


def render_doubt(doubt: Doubt, known: Container[str]) -> Markup:
    """A doubtful place of the list to review: its kind, what it is, its project (linked to the
    card when `known` holds it) and its links to the source. Built here, as the cards are: a
    page lists a doubt per warning and per uncertain value."""
    project = f' data-project="{_escape(doubt.project_id)}"' if doubt.project_id else ""
    field_name = f' data-field="{_escape(doubt.field)}"' if doubt.field else ""
    links = " ".join(
        [
            _linked_html(f"{label} · {_where(evidence)}", evidence, "v src-link")
            for label, evidence in doubt.links
        ]
    )
    return Markup(
        f'<li class="doubt d-{_escape(doubt.kind)}"{project}{field_name}>'
        f"{_badge_html(_DOUBT_LABELS[doubt.kind], doubt.kind)}"
        f'<span class="code">{_escape(doubt.headline)}</span> '
        f"{project_link(doubt.project_id, known)}"
        f'<div class="msg">{_escape(doubt.message)}</div><div class="links">{links}</div></li>'
    )


def _stats(
    counts: Counts,
    corrections: AppliedCorrections | None,
    changes: ChangeReport | None,
) -> list[_Stat]:
    """Given a brochure's counts, corrections and changes, return the numbers of its top bar."""
    stats = [
        _Stat(counts.projects, "projects"),
        _Stat(counts.partners, "partners"),
        _Stat(counts.work_packages, "work packages"),
        _Stat(counts.warnings, "warnings"),
        _Stat(counts.duplicates, "duplicates"),
    ]
    if corrections is not None and corrections.outcomes:
        stats.append(_Stat(len(corrections.applied), "corrections applied"))
        if corrections.stale:
            stats.append(_Stat(len(corrections.stale), "stale", "stat bad"))
    if changes is not None:
        stats.append(_Stat(count_changes(changes), "changes"))
    return stats


_EMPTY: tuple[Any, ...] = (None, "", [], {}, False)
_CHANGE_METADATA = frozenset(
    {
        "schema_version",
        "brochure",
        "sha256",
        "previous_sha256",
        "unchanged",
        "edition",
        "previous_edition",
    }
)


@dataclass(frozen=True)
class _ChangeValue:
    """A value of a change report, as the page shows it.

    `kind` is 'change' (`before` struck out, `after` beside it), 'fields' (a definition list),
    'items' (a bullet list), 'project' (`text` is the id of a project with a card) or 'text'.
    """

    kind: str
    text: str = ""
    before: str | None = None
    after: str | None = None
    fields: tuple[tuple[str, _ChangeValue], ...] = ()
    items: tuple[_ChangeValue, ...] = ()


@dataclass(frozen=True)
class _ChangeEntry:
    """One entry of a change list: a project (its id, title, acronym) and what changed in it."""

    head: _ChangeValue
    title: str | None = None
    acronym: str | None = None
    rest: _ChangeValue | None = None


@dataclass(frozen=True)
class _ChangeReport:
    """A change report as the page shows it: the editions, the lists, the other values."""

    editions: tuple[str, str] | None
    lists: list[tuple[str, list[_ChangeEntry]]]
    others: _ChangeValue | None


def _change_value(value: Any, known: set[str], depth: int = 0) -> _ChangeValue:
    """Given a value of a change report (plain JSON), return it as the page shows it: a
    {before, after} pair as a change, mappings as fields, lists as items, ids of projects with a
    card as project links (nesting stops at depth 8)."""
    if isinstance(value, Mapping) and depth < 8:
        if set(value) == {"before", "after"} and not any(
            isinstance(item, Mapping | list) for item in value.values()
        ):
            before, after = value["before"], value["after"]
            return _ChangeValue(
                "change",
                before=None if before is None else str(before),
                after=None if after is None else str(after),
            )
        return _ChangeValue(
            "fields",
            fields=tuple(
                (str(key).replace("_", " "), _change_value(item, known, depth + 1))
                for key, item in value.items()
                if item not in _EMPTY
            ),
        )
    if isinstance(value, list | tuple) and depth < 8:
        return _ChangeValue(
            "items", items=tuple(_change_value(item, known, depth + 1) for item in value)
        )
    if isinstance(value, bool):
        return _ChangeValue("text", "yes" if value else "no")
    if isinstance(value, str) and value in known:
        return _ChangeValue("project", value)
    return _ChangeValue("text", str(value))


def _change_entry(item: Any, known: set[str]) -> _ChangeEntry:
    """Given an entry of a change list, return it as the page shows it."""
    if not isinstance(item, Mapping) or "id" not in item:
        return _ChangeEntry(_change_value(item, known, 1))
    rest = {
        key: value
        for key, value in item.items()
        if key not in ("id", "title", "acronym") and value not in _EMPTY
    }
    return _ChangeEntry(
        head=_change_value(str(item["id"]), known, 1),
        title=str(item["title"]) if item.get("title") else None,
        acronym=str(item["acronym"]) if item.get("acronym") else None,
        rest=_change_value(rest, known, 1) if rest else None,
    )


def _change_report(report: ChangeReport, known: set[str]) -> _ChangeReport:
    """Given a change report, return its editions, its non-empty lists of changes (each under
    its heading) and its other values, as the page shows them."""
    changes = report.model_dump(mode="json")
    editions = None
    if changes.get("edition") is not None or changes.get("previous_edition") is not None:
        editions = (str(changes.get("edition", "?")), str(changes.get("previous_edition", "?")))
    lists = [
        (
            str(key).replace("_", " ").capitalize(),
            [_change_entry(item, known) for item in value],
        )
        for key, value in changes.items()
        if isinstance(value, list) and value
    ]
    others = {
        key: value
        for key, value in changes.items()
        if key not in _CHANGE_METADATA and not isinstance(value, list) and value not in _EMPTY
    }
    return _ChangeReport(editions, lists, _change_value(others, known, 1) if others else None)


def render_report(
    extraction: BrochureExtraction,
    source_text: str,
    changes: ChangeReport | None = None,
    corrections: AppliedCorrections | None = None,
    index_href: str | None = "index.html",
    review: Review | None = None,
) -> str:
    """Given an extraction and the kept text its offsets index, return the review page: one
    self-contained HTML document (styles and script inline, nothing loaded from elsewhere).

    `changes` is the change report against the previous edition; its lists are rendered
    generically, field by field. `corrections` is the outcome of applying the reviewer's
    corrections. `index_href` links back to the index page (None: no link). `review` is what
    `review_of` found in the extraction, when the caller has it already.
    """
    if len(source_text) != extraction.document.characters:
        raise ValueError(
            f"the source text has {len(source_text)} characters but the extraction of "
            f"{extraction.document.source} was made from {extraction.document.characters}; "
            "give the kept text the offsets index (readers.formats.read_source(...).text)"
        )
    review = review or review_of(extraction, source_text)
    lows, doubts = review.lows, review.doubts
    counts = _counts(extraction, doubts)
    known = {project.id for project in extraction.projects}
    marked = render_marked_source(
        source_text, collect_marks(extraction).values(), extraction.document.heading_lines
    )
    return _template("page.html.j2").render(
        extraction=extraction,
        index_href=index_href,
        stats=_stats(counts, corrections, changes),
        doubt_count=counts.doubts,
        doubts=doubts,
        known=known,
        changes=None if changes is None else _change_report(changes, known),
        change_count=count_changes(changes),
        corrections=corrections,
        groups=_card_groups(extraction, lows),
        source=Markup(marked),
        style=Markup(_asset("report.css")),
        script=Markup(_asset("report.js")),
    )


def enable_review_actions(page: str, settings: Mapping[str, Any]) -> str:
    """Given a review page made by `render_report` and what the review server tells its page
    (the server's token, the role categories...), return the page with its action controls:
    the settings as JSON and the actions script (`assets/review.js`), before `</body>`.

    Only the server's copy carries them: the page written to disk stays read-only.
    """
    end = page.rfind("</body>")
    if end < 0:
        raise ValueError("the page has no </body>: give a page made by render_report")
    # JSON in a script element: no '<' may close the element, no '&' may start an entity.
    data = json.dumps(dict(settings), ensure_ascii=False)
    data = data.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    controls = (
        f'<script type="application/json" id="review-server">{data}</script>\n'
        f"<script>{_asset('review.js')}</script>\n"
    )
    return page[:end] + controls + page[end:]


# --- the index ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class IndexEntry:
    """One brochure of the index: its page (relative link) and what the summary needs.

    Give the `extraction` (with its changes and corrections), or a ready `summary` (as made by
    `index_summary`, for a brochure this run did not extract again), or the `error` of a
    brochure that failed. `note` says why a row carries no fresh extraction.
    """

    name: str
    report_href: str | None
    extraction: BrochureExtraction | None = None
    error: str | None = None
    changes: ChangeReport | None = None
    corrections: AppliedCorrections | None = None
    source_text: str | None = None
    summary: IndexCounts | None = None
    note: str | None = None


def index_summary(
    extraction: BrochureExtraction,
    source_text: str | None = None,
    changes: ChangeReport | None = None,
    corrections: AppliedCorrections | None = None,
    review: Review | None = None,
) -> IndexCounts:
    """Given one brochure's results (and what `review_of` found in it, when the caller has it),
    return the counts its row of the index shows."""
    counts = _counts(extraction, (review or review_of(extraction, source_text)).doubts)
    return IndexCounts(
        publisher=extraction.publisher,
        projects=counts.projects,
        partners=counts.partners,
        work_packages=counts.work_packages,
        warnings=counts.warnings,
        duplicates=counts.duplicates,
        doubts=counts.doubts,
        corrections_applied=len(corrections.applied) if corrections else 0,
        corrections_stale=len(corrections.stale) if corrections else 0,
        changes=None if changes is None else count_changes(changes),
    )


@dataclass(frozen=True)
class _IndexRow:
    """A row of the index: the brochure, its page, and its summary (None: it failed)."""

    name: str
    report_href: str | None
    summary: IndexCounts | None
    error: str | None
    note: str | None


def _index_row(entry: IndexEntry) -> _IndexRow:
    """Given a brochure of the index, return its row (the summary made from a fresh extraction)."""
    summary = entry.summary
    if entry.extraction is not None:
        summary = index_summary(
            entry.extraction, entry.source_text, entry.changes, entry.corrections
        )
    return _IndexRow(entry.name, entry.report_href, summary, entry.error, entry.note)


def render_index(entries: list[IndexEntry], network: NetworkPicture | None = None) -> str:
    """Given the brochures of a run (and the picture of who works with whom, made by
    `reports.network.render_network`), return the index page linking every review page."""
    return _template("index.html.j2").render(
        rows=[_index_row(entry) for entry in entries],
        network=network if network is not None and network.named else None,
        style=Markup(_asset("report.css")),
    )


# --- Markdown ----------------------------------------------------------------------------------

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]|#<>])")


def _md(text: object) -> str:
    """Text made inert in Markdown: special characters escaped, no HTML can start."""
    flat = " ".join(str(text).split())
    # Most values hold no special character: looking for one costs a fifth of a substitution.
    return _MARKDOWN_SPECIAL.sub(r"\\\1", flat) if _MARKDOWN_SPECIAL.search(flat) else flat


def _markdown_value(value: Any, depth: int = 0) -> list[str]:
    indent = "  " * depth
    if isinstance(value, Mapping):
        lines = []
        for key, item in value.items():
            if item in (None, "", [], {}):
                continue
            if isinstance(item, Mapping | list | tuple):
                lines.append(f"{indent}- **{_md(str(key).replace('_', ' '))}**")
                lines.extend(_markdown_value(item, depth + 1))
            else:
                lines.append(f"{indent}- **{_md(str(key).replace('_', ' '))}**: {_md(item)}")
        return lines
    if isinstance(value, list | tuple):
        lines = []
        for item in value:
            if isinstance(item, Mapping | list | tuple):
                nested = _markdown_value(item, depth + 1)
                if nested:
                    lines.append(f"{indent}- " + nested[0].strip().removeprefix("- "))
                    lines.extend(nested[1:])
            else:
                lines.append(f"{indent}- {_md(item)}")
        return lines
    return [f"{indent}- {_md(value)}"]


def render_markdown_summary(
    extraction: BrochureExtraction,
    changes: ChangeReport | None = None,
    corrections: AppliedCorrections | None = None,
    source_text: str | None = None,
    review: Review | None = None,
) -> str:
    """Given an extraction (and what `review_of` found in it, when the caller has it), return
    the review summary as Markdown (for a Prefect artifact): the counts, every doubtful place,
    the corrections and the changes."""
    doubts = (review or review_of(extraction, source_text)).doubts
    counts = _counts(extraction, doubts)
    lines = [
        f"# Extraction of {_md(extraction.document.source)}",
        "",
        f"Publisher: {_md(extraction.publisher or 'not detected')}",
        "",
        "| projects | partners | work packages | warnings | duplicates | to review |",
        "| ---: | ---: | ---: | ---: | ---: | ---: |",
        f"| {counts.projects} | {counts.partners} | {counts.work_packages} | {counts.warnings} "
        f"| {counts.duplicates} | {counts.doubts} |",
        "",
        "## To review",
        "",
    ]
    for doubt in doubts:
        where = ", ".join(f"{label} {_where(evidence)}" for label, evidence in doubt.links)
        about = f" `{doubt.project_id}`" if doubt.project_id else ""
        lines.append(
            f"- **{_md(doubt.headline)}**{about}: {_md(doubt.message)}"
            + (f" ({_md(where)})" if where else "")
        )
    if not doubts:
        lines.append("Nothing calls for a look.")
    lines += [
        "",
        "## Projects",
        "",
        "| id | title | partners | role | work packages |",
        "| --- | --- | ---: | --- | ---: |",
    ]
    for project in extraction.projects:
        title = _md(project.title) + (" (inferred)" if project.title_inferred else "")
        if project.review:
            title += " (reviewed)"
        role = _md(project.role.category.replace("_", " ")) if project.role else ""
        lines.append(
            f"| `{project.id}` | {title} | {len(project.partners)} | {role} "
            f"| {len(project.work_packages)} |"
        )
    if corrections is not None and corrections.outcomes:
        lines += ["", "## Corrections", ""]
        for outcome in corrections.outcomes:
            lines.append(
                f"- **{outcome.status}** {_md(outcome.action.replace('_', ' '))} "
                f"`{outcome.project}`: {_md(outcome.reason)} ({_md(_outcome_where(outcome))})"
            )
    if changes is not None:
        lines += ["", "## Changes since the previous edition", ""]
        rendered = _markdown_value(changes.model_dump(mode="json"))
        lines += rendered or ["No change."]
    return "\n".join(lines) + "\n"


# --- style, script, templates ------------------------------------------------------------------


@cache
def _asset(name: str) -> str:
    """The text of a file of `assets/` (the page's styles and script), read once."""
    return (files("reports") / "assets" / name).read_text(encoding="utf-8")


@cache
def _environment() -> Environment:
    """The Jinja2 environment of the page templates (`templates/`), made once: every value
    HTML-escaped, an undefined name an error, the helpers of this module as filters."""
    environment = Environment(
        loader=PackageLoader("reports", "templates"),
        autoescape=True,
        auto_reload=False,  # the templates are the package's own: never changed while it runs
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.globals.update(
        link=link,
        linked=linked,
        badge=badge,
        project_link=project_link,
        project_card=render_card,
        doubt_item=render_doubt,
    )
    environment.filters.update(
        evidence_id=evidence_id,
        evidence_title=_evidence_title,
        where=_where,
        shorten=_truncate,
        project_anchor=_project_anchor,
        outcome_where=_outcome_where,
    )
    return environment


def _template(name: str) -> Template:
    """The template of `templates/` called `name`."""
    return _environment().get_template(name)
