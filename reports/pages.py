"""Review reports: one self-contained HTML page per brochure, an index over them, and a Markdown
summary.

The page has two panes: on the left the projects with every value, and the doubtful places; on
the right the whole kept text with every evidence span wrapped in a marked element. A value links
to its span's id; a small inline script scrolls the source pane to it and highlights it. What was
not extracted stays unmarked, so it shows. Every piece of brochure text goes through
`html.escape`; the page loads nothing from anywhere (no URL, no font, no script from outside).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

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
)

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
    correction answered as kind 'resolved'), dropped duplicates, low-confidence values."""
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
        doubts.append(Doubt(kind, warning.code, headline, message, warning.project_id, links))
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
    for value in low_confidence_values(extraction, source_text):
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


def count_extraction(extraction: BrochureExtraction, source_text: str | None = None) -> Counts:
    """Given an extraction, return the numbers its summary shows."""
    projects = extraction.projects
    return Counts(
        projects=len(projects),
        partners=sum(len(project.partners) for project in projects),
        work_packages=sum(len(project.work_packages) for project in projects),
        warnings=len(extraction.warnings),
        duplicates=len(extraction.duplicates),
        doubts=sum(doubt.kind != "resolved" for doubt in find_doubts(extraction, source_text)),
    )


def count_changes(changes: Mapping[str, Any] | None) -> int:
    """Given a change report, return the number of entries in its lists (0 when none)."""
    if not changes:
        return 0
    return sum(len(value) for value in changes.values() if isinstance(value, list))


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
        primary = next(kind for kind in _KIND_ORDER if kind in self.kinds)
        names = ["m", f"k-{primary}"]
        if "warn" in self.kinds and primary != "warn":
            names.append("has-warn")
        if "reviewed" in self.kinds and primary != "reviewed":
            names.append("has-review")
        return " ".join(names)


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
        mark = self.by_span.setdefault(
            (evidence.start, evidence.end), SourceMark(evidence.start, evidence.end)
        )
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


def _facts(project: Project) -> list[tuple[str, GroundedText | GroundedCount]]:
    """A project's facts stated in the prose, each with its name."""
    facts: list[tuple[str, GroundedText | GroundedCount]] = []
    for name in ("programme", "beneficiary", "partner_count", "country_count", "region_count"):
        value = getattr(project, name)
        if value is not None:
            facts.append((name.replace("_", " "), value))
    for name, values in (
        ("country", project.countries),
        ("date", project.dates),
        ("law", project.laws),
        ("target", project.targets),
    ):
        facts.extend((name, value) for value in values)
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
    ordered = sorted(marks, key=lambda mark: (mark.start, -mark.end))
    opening: dict[int, list[SourceMark]] = {}
    for mark in ordered:
        opening.setdefault(mark.start, []).append(mark)
    line_starts = {0} | {match.end() for match in re.finditer("\n", source_text)}
    line_number = {offset: number for number, offset in enumerate(sorted(line_starts), start=1)}
    points = sorted(
        set(opening) | {mark.end for mark in ordered} | line_starts | {0, len(source_text)}
    )
    out: list[str] = []
    stack: list[SourceMark] = []
    for index, point in enumerate(points):
        if any(mark.end == point for mark in stack):
            reopen: list[SourceMark] = []
            while any(mark.end == point for mark in stack):
                top = stack.pop()
                out.append("</span>")
                if top.end != point:
                    reopen.append(top)
            for mark in reversed(reopen):
                out.append(_open_tag(mark, continuation=True))
                stack.append(mark)
        if point in line_number:
            number = line_number[point]
            kind = "ln h" if number in headings else "ln"
            out.append(f'<span class="{kind}" data-n="{number}"></span>')
        for mark in opening.get(point, []):
            out.append(_open_tag(mark, continuation=False))
            if mark.start == mark.end:
                out.append("</span>")
            else:
                stack.append(mark)
        if index + 1 < len(points):
            out.append(html.escape(source_text[point : points[index + 1]]))
    out.extend("</span>" for _ in stack)
    return "".join(out)


def _open_tag(mark: SourceMark, continuation: bool) -> str:
    """The opening tag of a span's element, or of a continuation piece of it."""
    title = html.escape("\n".join(mark.labels))
    if continuation:
        return f'<span class="{mark.classes} cont" data-of="{mark.ident}" title="{title}">'
    return f'<span class="{mark.classes}" id="{mark.ident}" title="{title}">'


# --- the page ----------------------------------------------------------------------------------


def _esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def _lines(evidence: Evidence) -> str:
    """'12' or '12-14' (and the page, for PDFs)."""
    lines = (
        f"{evidence.line_start}"
        if evidence.line_start == evidence.line_end
        else f"{evidence.line_start}–{evidence.line_end}"
    )
    return f"{lines}, p. {evidence.page}" if evidence.page is not None else lines


def _single(evidence: Evidence) -> bool:
    return evidence.line_start == evidence.line_end


def _where(evidence: Evidence) -> str:
    """'line 12' or 'lines 12–14'."""
    return f"{'line' if _single(evidence) else 'lines'} {_lines(evidence)}"


def _link(
    evidence: Evidence | None, content: str, classes: str = "v", tip: str | None = None
) -> str:
    """A value (already escaped HTML) linked to its evidence; plain text when it has none."""
    if evidence is None:
        title = f' title="{_esc(tip)}"' if tip else ""
        return f'<span class="{classes} nolink"{title}>{content}</span>'
    ident = evidence_id(evidence)
    rule = f" · rule {evidence.rule}" if evidence.rule else ""
    title = _esc((f"{tip} · " if tip else "") + f"{_where(evidence)}{rule}")
    return f'<a class="{classes}" href="#{ident}" data-ev="{ident}" title="{title}">{content}</a>'


def _badge(text: str, kind: str, title: str | None = None) -> str:
    tip = f' title="{_esc(title)}"' if title else ""
    return f'<span class="badge b-{kind}"{tip}>{_esc(text)}</span>'


def _project_anchor(project_id: str) -> str:
    return f"p-{project_id}"


def _project_link(project_id: str | None, known: set[str]) -> str:
    if project_id is None:
        return ""
    if project_id in known:
        anchor = _project_anchor(project_id)
        return f'<a class="plink" href="#{_esc(anchor)}">{_esc(project_id)}</a>'
    return f'<span class="plink gone">{_esc(project_id)}</span>'


def _truncate(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"


class _Review:
    """A project's review marks, looked up by field and value."""

    def __init__(self, project: Project) -> None:
        self.marks = project.review

    def of(self, field_name: str) -> ReviewMark | None:
        return next((mark for mark in self.marks if mark.field == field_name), None)

    def removed(self, field_name: str) -> list[ReviewMark]:
        return [mark for mark in self.marks if mark.field == field_name and mark.value is None]


def _reviewed_note(mark: ReviewMark) -> str:
    """'review · extracted: <original>' beside a corrected value, the original linked."""
    original = "nothing" if mark.original is None else str(mark.original)
    extracted = _link(mark.evidence, _esc(original), "v orig-value")
    return (
        f'<span class="review-note">{_badge("review", "review", mark.correction_id)} '
        f"extracted: {extracted}</span>"
    )


def _render_partner(partner: Partner, low: dict[tuple[str, int], str], project_id: str) -> str:
    extras = []
    if partner.short_name:
        extras.append(_esc(partner.short_name))
    if partner.kind == "person":
        extras.append("person" + (f", {_esc(partner.affiliation)}" if partner.affiliation else ""))
    if partner.via:
        extras.append(f"via {_esc(partner.via)}")
    if partner.canonical_name and partner.canonical_name != partner.name:
        extras.append(f"= {_esc(partner.canonical_name)}")
    detail = f" <small>{' · '.join(extras)}</small>" if extras else ""
    badges = ""
    if partner.is_publisher:
        badges += _badge("publisher", "publisher")
    if partner.source == "review":
        badges += _badge("added in review", "review")
    key = (project_id, partner.evidence.start) if partner.evidence is not None else None
    classes = "v chip"
    if key is not None and key in low:
        classes += " low"
        badges += _badge("?", "low", low[key])
    return f"<li>{_link(partner.evidence, _esc(partner.name) + detail, classes)}{badges}</li>"


def _render_project(
    project: Project,
    warnings: list[ExtractionWarning],
    low: dict[tuple[str, int], str],
    low_fields: dict[tuple[str, str], str],
) -> str:
    review = _Review(project)
    out = [f'<article class="card" id="{_esc(_project_anchor(project.id))}">']
    title_mark = review.of("title")
    title_badges = ""
    if project.title_inferred and title_mark is None:
        title_badges += _badge("inferred", "inferred", low_fields.get((project.id, "title")))
    title_evidence = None if title_mark is not None else project.title_evidence
    title_classes = "v title" + (" low" if project.title_inferred and title_mark is None else "")
    out.append(
        f"<header><h3>{_link(title_evidence, _esc(project.title), title_classes)}"
        f"{title_badges}</h3>"
    )
    if title_mark is not None:
        out.append(f'<div class="reviewed">{_reviewed_note(title_mark)}</div>')
    meta = []
    acronym_mark = review.of("acronym")
    if project.acronym:
        acronym_evidence = None if acronym_mark is not None else project.acronym_evidence
        low_acronym = low_fields.get((project.id, "acronym"))
        classes = "v acronym low" if low_acronym else "v acronym"
        acronym = _link(acronym_evidence, _esc(project.acronym), classes)
        if low_acronym:
            acronym += _badge("?", "low", low_acronym)
        meta.append(acronym)
    if acronym_mark is not None:
        meta.append(_reviewed_note(acronym_mark))
    meta.append(f'<code class="pid" title="stable project id">{_esc(project.id)}</code>')
    meta.append(_link(project.evidence, _esc(_where(project.evidence)), "v section-link"))
    out.append(f'<div class="meta">{" ".join(meta)}</div>')
    if warnings:
        chips = "".join(
            _link(w.evidence, _esc(w.code.replace("_", " ")), "v warn-chip", w.message)
            for w in warnings
        )
        out.append(f'<div class="warns">{chips}</div>')
    out.append("</header><dl>")

    partners = "".join(_render_partner(p, low, project.id) for p in project.partners)
    partners += "".join(
        f"<li>{_link(mark.evidence, _esc(str(mark.original)), 'v chip removed')}"
        f"{_badge('removed in review', 'review', mark.correction_id)}</li>"
        for mark in review.removed("partners")
    )
    if partners:
        out.append(
            f'<dt>Partners <span class="n">{len(project.partners)}</span></dt>'
            f'<dd><ul class="chips">{partners}</ul></dd>'
        )
    else:
        out.append('<dt>Partners</dt><dd class="muted">none read</dd>')

    role = project.role
    if role is not None:
        category_mark = review.of("role.category")
        low_role = low_fields.get((project.id, "role.category"))
        category = _badge(role.category.replace("_", " "), f"cat-{role.category}", low_role)
        text = (
            _link(role.evidence, _esc(_truncate(role.text, 180)), "v role")
            if role.text
            else _link(role.evidence, "<em>no text under the heading</em>", "v role empty")
        )
        note = _reviewed_note(category_mark) if category_mark is not None else ""
        activities = ""
        if role.activities:
            activities = (
                '<ul class="items">'
                + "".join(
                    f"<li>{_link(a.evidence, _esc(_truncate(a.text, 120)))}</li>"
                    for a in role.activities
                )
                + "</ul>"
            )
        out.append(
            f"<dt>Role of {_esc(role.organisation)}</dt>"
            f'<dd><div class="role-line">{category}{note}</div>'
            f'<div class="role-text">{text}</div>{activities}</dd>'
        )

    packages = "".join(
        "<li>"
        + _link(
            package.evidence,
            (f"<b>WP{package.number}</b> " if package.number is not None else "")
            + _esc(package.title),
            "v wp",
        )
        + _badge("leads" if package.lead else "supports", "lead" if package.lead else "support")
        + (_badge("added in review", "review") if package.source == "review" else "")
        + "</li>"
        for package in project.work_packages
    )
    packages += "".join(
        f"<li>{_link(mark.evidence, _esc(str(mark.original)), 'v wp removed')}"
        f"{_badge('removed in review', 'review', mark.correction_id)}</li>"
        for mark in review.removed("work_packages")
    )
    if packages:
        out.append(f'<dt>Work packages</dt><dd><ul class="wps">{packages}</ul></dd>')

    facts = _facts(project)
    if facts:
        rows = "".join(
            f'<li><span class="fact-name">{_esc(name)}</span> '
            f"{_link(fact.evidence, _esc(fact.text), 'v fact')}</li>"
            for name, fact in facts
        )
        out.append(f'<dt>Facts</dt><dd><ul class="facts">{rows}</ul></dd>')

    if project.lists:
        lists = "".join(
            f"<li>{_link(item_list.evidence, _esc(item_list.intro or item_list.kind), 'v')}"
            f' <span class="n">{len(item_list.items)} {_esc(item_list.kind)}</span></li>'
            for item_list in project.lists
        )
        out.append(f'<dt>Lists</dt><dd><ul class="lists">{lists}</ul></dd>')

    if project.description:
        summary = _esc(_truncate(project.description, 220))
        description = _link(project.description_evidence, summary, "v desc")
        out.append(f"<dt>Description</dt><dd>{description}</dd>")
    out.append("</dl></article>")
    return "\n".join(out)


def _render_doubts(doubts: list[Doubt], known: set[str]) -> str:
    if not doubts:
        return '<p class="muted">Nothing calls for a look.</p>'
    labels = {
        "warning": "warning",
        "duplicate": "duplicate",
        "low_confidence": "low confidence",
        "stale_correction": "stale correction",
        "resolved": "resolved in review",
    }
    rows = []
    for doubt in doubts:
        links = " ".join(
            _link(evidence, _esc(f"{label} · {_where(evidence)}"), "v src-link")
            for label, evidence in doubt.links
        )
        rows.append(
            f'<li class="doubt d-{doubt.kind}">'
            f"{_badge(labels[doubt.kind], doubt.kind)}"
            f'<span class="code">{_esc(doubt.headline)}</span> '
            f"{_project_link(doubt.project_id, known)}"
            f'<div class="msg">{_esc(doubt.message)}</div>'
            f'<div class="links">{links}</div></li>'
        )
    return f'<ol class="doubts">{"".join(rows)}</ol>'


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


def _render_changes_value(value: Any, known: set[str], depth: int = 0) -> str:
    """A change report's value rendered generically: a {before, after} pair as a strike-through
    and its replacement, mappings as definition lists, lists as bullet lists, project ids as
    links to their cards."""
    if isinstance(value, Mapping) and depth < 8:
        if set(value) == {"before", "after"} and not any(
            isinstance(item, Mapping | list) for item in value.values()
        ):
            before, after = value["before"], value["after"]
            return (
                (f"<del>{_esc(before)}</del>" if before is not None else "<em>none</em>")
                + " → "
                + (f"<ins>{_esc(after)}</ins>" if after is not None else "<em>none</em>")
            )
        items = [(key, item) for key, item in value.items() if item not in _EMPTY]
        if not items:
            return '<span class="muted">none</span>'
        return (
            '<dl class="kv">'
            + "".join(
                f"<dt>{_esc(str(key).replace('_', ' '))}</dt>"
                f"<dd>{_render_changes_value(item, known, depth + 1)}</dd>"
                for key, item in items
            )
            + "</dl>"
        )
    if isinstance(value, list | tuple) and depth < 8:
        return (
            "<ul>"
            + "".join(f"<li>{_render_changes_value(item, known, depth + 1)}</li>" for item in value)
            + "</ul>"
        )
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str) and value in known:
        return f'<a class="plink" href="#{_esc(_project_anchor(value))}">{_esc(value)}</a>'
    return _esc(value)


def _render_change_item(item: Any, known: set[str]) -> str:
    """One entry of a change list: a project (id linked, title) and what changed in it."""
    if not isinstance(item, Mapping) or "id" not in item:
        return _render_changes_value(item, known, 1)
    head = _render_changes_value(str(item["id"]), known, 1)
    if item.get("title"):
        head += f' <span class="ctitle">{_esc(item["title"])}</span>'
    if item.get("acronym"):
        head += f' <span class="muted">({_esc(item["acronym"])})</span>'
    rest = {
        key: value
        for key, value in item.items()
        if key not in ("id", "title", "acronym") and value not in _EMPTY
    }
    body = _render_changes_value(rest, known, 1) if rest else ""
    return head + body


def _render_changes(changes: Mapping[str, Any] | None, known: set[str]) -> str:
    """A change report as HTML: its editions, then each non-empty list of changes."""
    if changes is None:
        return '<p class="muted">No previous edition to compare with.</p>'
    parts = []
    if changes.get("edition") is not None or changes.get("previous_edition") is not None:
        parts.append(
            f'<p class="muted">edition {_esc(changes.get("edition", "?"))}, compared with '
            f"edition {_esc(changes.get('previous_edition', '?'))}</p>"
        )
    lists = [(key, value) for key, value in changes.items() if isinstance(value, list) and value]
    if not lists:
        parts.append('<p class="muted">No change since the previous edition.</p>')
    for key, items in lists:
        parts.append(
            f'<h4 class="chead">{_esc(str(key).replace("_", " ").capitalize())} '
            f'<span class="n">{len(items)}</span></h4><ul class="changes">'
            + "".join(f"<li>{_render_change_item(item, known)}</li>" for item in items)
            + "</ul>"
        )
    others = {
        key: value
        for key, value in changes.items()
        if key not in _CHANGE_METADATA and not isinstance(value, list) and value not in _EMPTY
    }
    if others:
        parts.append(_render_changes_value(others, known, 1))
    return "".join(parts)


def _render_corrections(corrections: AppliedCorrections | None) -> str:
    if corrections is None or not corrections.outcomes:
        return '<p class="muted">No corrections for this brochure.</p>'
    rows = []
    for outcome in corrections.outcomes:
        rows.append(
            f'<li class="corr c-{outcome.status}">'
            f"{_badge(outcome.status, 'applied' if outcome.status == 'applied' else 'stale')}"
            f'<span class="code">{_esc(outcome.action.replace("_", " "))}</span> '
            f"<code>{_esc(outcome.project)}</code>"
            f'<div class="msg">{_esc(outcome.reason)}</div>'
            f'<div class="where">{_esc(_outcome_where(outcome))}</div></li>'
        )
    return f'<ol class="corrections">{"".join(rows)}</ol>'


def _outcome_where(outcome: CorrectionOutcome) -> str:
    if outcome.file is None:
        return outcome.correction_id
    line = f":{outcome.line}" if outcome.line is not None else ""
    return f"{outcome.file}{line} · {outcome.correction_id}"


def render_report(
    extraction: BrochureExtraction,
    source_text: str,
    changes: Mapping[str, Any] | None = None,
    corrections: AppliedCorrections | None = None,
    index_href: str | None = "index.html",
) -> str:
    """Given an extraction and the kept text its offsets index, return the review page: one
    self-contained HTML document (styles and script inline, nothing loaded from elsewhere).

    `changes` is a change report against the previous edition as a plain JSON dict; its lists
    are rendered generically. `corrections` is the outcome of applying the reviewer's
    corrections. `index_href` links back to the index page (None: no link).
    """
    if len(source_text) != extraction.document.characters:
        raise ValueError(
            f"the source text has {len(source_text)} characters but the extraction of "
            f"{extraction.document.source} was made from {extraction.document.characters}; "
            "give the kept text the offsets index (readers.formats.read_source(...).text)"
        )
    counts = count_extraction(extraction, source_text)
    doubts = find_doubts(extraction, source_text)
    known = {project.id for project in extraction.projects}
    lows = low_confidence_values(extraction, source_text)
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

    name = extraction.document.source
    group_evidence = {group.name: group.evidence for group in extraction.groups}
    cards: list[str] = []
    current_group: object = object()
    for project in extraction.projects:
        if project.group != current_group:
            current_group = project.group
            heading = project.group or "Projects"
            evidence = group_evidence.get(project.group) if project.group else None
            cards.append(f'<h2 class="group">{_link(evidence, _esc(heading), "v")}</h2>')
        cards.append(
            _render_project(
                project, warnings_by_project.get(project.id, []), low_partners, low_fields
            )
        )
    unassigned = ""
    if extraction.unassigned:
        unassigned = (
            '<h2 class="group">Not in any project</h2><ul class="unassigned">'
            + "".join(
                f"<li>{_link(item.evidence, _esc(_truncate(item.text, 160)), 'v')}"
                f'<div class="msg">{_esc(item.reason)}</div></li>'
                for item in extraction.unassigned
            )
            + "</ul>"
        )

    stats = [
        ("projects", counts.projects),
        ("partners", counts.partners),
        ("work packages", counts.work_packages),
        ("warnings", counts.warnings),
        ("duplicates", counts.duplicates),
    ]
    stat_html = "".join(
        f'<span class="stat"><b>{value}</b> {_esc(label)}</span>' for label, value in stats
    )
    if corrections is not None and corrections.outcomes:
        stat_html += (
            f'<span class="stat"><b>{len(corrections.applied)}</b> corrections applied</span>'
        )
        if corrections.stale:
            stat_html += f'<span class="stat bad"><b>{len(corrections.stale)}</b> stale</span>'
    if changes is not None:
        stat_html += f'<span class="stat"><b>{count_changes(changes)}</b> changes</span>'
    back = f'<a class="back" href="{_esc(index_href)}">All brochures</a>' if index_href else ""
    publisher = f" · {_esc(extraction.publisher)}" if extraction.publisher else ""
    document = extraction.document
    source_info = (
        f"{_esc(document.source)} · {document.lines} lines · {_esc(document.encoding)}"
        + (f" · {document.pages} pages" if document.pages else "")
    )
    marked = render_marked_source(
        source_text, collect_marks(extraction).values(), extraction.document.heading_lines
    )
    corrections_section = ""
    if corrections is not None:
        corrections_section = (
            '<details class="panel" open><summary>Corrections '
            f'<span class="n">{len(corrections.outcomes)}</span></summary>'
            f"{_render_corrections(corrections)}</details>"
        )
    changes_section = ""
    if changes is not None:
        changes_section = (
            '<details class="panel" open><summary>Changes since the previous edition '
            f'<span class="n">{count_changes(changes)}</span></summary>'
            f"{_render_changes(changes, known)}</details>"
        )
    return _PAGE.format(
        title=_esc(f"Review: {name}"),
        style=_asset("report.css"),
        script=_asset("report.js"),
        back=back,
        name=_esc(name),
        publisher=publisher,
        stats=stat_html,
        doubt_count=counts.doubts,
        doubts=_render_doubts(doubts, known),
        changes=changes_section,
        corrections=corrections_section,
        cards="\n".join(cards) + unassigned,
        source_info=source_info,
        legend=_LEGEND,
        source=marked,
    )


def report_name(source: str | Path) -> str:
    """Given a brochure's path, return the file name of its review page."""
    return Path(source).stem + ".report.html"


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
    changes: Mapping[str, Any] | None = None
    corrections: AppliedCorrections | None = None
    source_text: str | None = None
    summary: Mapping[str, Any] | None = None
    note: str | None = None


def index_summary(
    extraction: BrochureExtraction,
    source_text: str | None = None,
    changes: Mapping[str, Any] | None = None,
    corrections: AppliedCorrections | None = None,
) -> dict[str, Any]:
    """Given one brochure's results, return the plain (JSON-able) row the index shows."""
    counts = count_extraction(extraction, source_text)
    return {
        "publisher": extraction.publisher,
        "projects": counts.projects,
        "partners": counts.partners,
        "work_packages": counts.work_packages,
        "warnings": counts.warnings,
        "duplicates": counts.duplicates,
        "doubts": counts.doubts,
        "corrections_applied": len(corrections.applied) if corrections else 0,
        "corrections_stale": len(corrections.stale) if corrections else 0,
        "changes": None if changes is None else count_changes(changes),
    }


def _cell(summary: Mapping[str, Any], key: str) -> str:
    value = summary.get(key)
    return "–" if value is None else _esc(value)


def render_index(entries: list[IndexEntry]) -> str:
    """Given the brochures of a run, return the index page linking every review page."""
    rows = []
    for entry in entries:
        name = (
            f'<a href="{_esc(entry.report_href)}">{_esc(entry.name)}</a>'
            if entry.report_href
            else _esc(entry.name)
        )
        if entry.extraction is None and entry.summary is None:
            rows.append(
                f'<tr class="failed"><td>{name}</td>'
                f'<td colspan="9">{_badge("failed", "stale")} {_esc(entry.error or "")}</td></tr>'
            )
            continue
        summary = entry.summary
        if entry.extraction is not None:
            summary = index_summary(
                entry.extraction, entry.source_text, entry.changes, entry.corrections
            )
        assert summary is not None
        corrections = "–"
        if summary.get("corrections_applied") or summary.get("corrections_stale"):
            corrections = f"{summary.get('corrections_applied', 0)} applied"
            if summary.get("corrections_stale"):
                corrections += f', <span class="bad">{summary["corrections_stale"]} stale</span>'
        doubts = _cell(summary, "doubts")
        if summary.get("doubts"):
            doubts = f'<span class="bad">{doubts}</span>'
        changes = _esc(entry.note) if entry.note else _cell(summary, "changes")
        rows.append(
            f"<tr><td>{name}</td><td>{_esc(summary.get('publisher') or '')}</td>"
            f'<td class="num">{_cell(summary, "projects")}</td>'
            f'<td class="num">{_cell(summary, "partners")}</td>'
            f'<td class="num">{_cell(summary, "work_packages")}</td>'
            f'<td class="num">{_cell(summary, "warnings")}</td>'
            f'<td class="num">{_cell(summary, "duplicates")}</td><td class="num">{doubts}</td>'
            f"<td>{corrections}</td><td>{changes}</td></tr>"
        )
    body = "".join(rows) or '<tr><td colspan="10" class="muted">No brochures.</td></tr>'
    return _INDEX_PAGE.format(style=_asset("report.css"), rows=body, count=len(entries))


# --- Markdown ----------------------------------------------------------------------------------

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]|#<>])")


def _md(text: object) -> str:
    """Text made inert in Markdown: special characters escaped, no HTML can start."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


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
    changes: Mapping[str, Any] | None = None,
    corrections: AppliedCorrections | None = None,
    source_text: str | None = None,
) -> str:
    """Given an extraction, return the review summary as Markdown (for a Prefect artifact):
    the counts, every doubtful place, the corrections and the changes."""
    counts = count_extraction(extraction, source_text)
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
    doubts = find_doubts(extraction, source_text)
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
        rendered = _markdown_value(changes)
        lines += rendered or ["No change."]
    return "\n".join(lines) + "\n"


# --- style, script, page skeletons ------------------------------------------------------------


@cache
def _asset(name: str) -> str:
    """The text of a file of `assets/` (the page's styles and script), read once."""
    return (files("reports") / "assets" / name).read_text(encoding="utf-8")


_LEGEND = (
    "".join(
        f'<span class="m k-{kind} legend-item">{label}</span>'
        for kind, label in (
            ("title", "title"),
            ("acronym", "acronym"),
            ("partner", "partner"),
            ("role", "role"),
            ("wp", "work package"),
            ("fact", "fact"),
            ("desc", "description"),
            ("item", "list item"),
            ("dup", "dropped duplicate"),
            ("warn", "warning"),
        )
    )
    + '<span class="legend-item plain">not extracted</span>'
)


_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>{style}</style>
</head>
<body>
<header class="topbar">
  {back}
  <h1>{name}<span class="pub">{publisher}</span></h1>
  <div class="stats">{stats}</div>
</header>
<main class="layout">
  <section class="pane left" aria-label="Extracted projects">
    <div class="pane-head"><strong>Extracted</strong> · click a value to see its words in the
      source; click marked words to find their value</div>
    <div class="left-body">
      <details class="panel review" open>
        <summary>To review <span class="n">{doubt_count}</span></summary>
        {doubts}
      </details>
      {changes}
      {corrections}
      {cards}
    </div>
  </section>
  <section class="pane right" aria-label="Source text">
    <div class="pane-head"><strong>Source</strong> · {source_info}
      <div class="legend">{legend}</div></div>
    <div class="src-wrap"><div class="src" id="source">{source}</div></div>
  </section>
</main>
<script>{script}</script>
</body>
</html>
"""

_INDEX_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Brochure extraction: review</title>
<style>{style}</style>
</head>
<body>
<header class="topbar"><h1>Brochure extraction · review <span class="pub">· {count}
  brochures</span></h1></header>
<div class="index-body">
<table class="index">
<thead><tr><th>Brochure</th><th>Publisher</th><th class="num">Projects</th>
<th class="num">Partners</th><th class="num">Work packages</th><th class="num">Warnings</th>
<th class="num">Duplicates</th><th class="num">To review</th>
<th>Corrections</th><th>Changes</th></tr></thead>
<tbody>{rows}</tbody>
</table>
</div>
</body>
</html>
"""
