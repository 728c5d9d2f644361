"""Comparing two editions of a brochure: stable ids carried over, then a change report.

`carry_over_ids` runs first, so that a project whose title was reworded keeps the id it had in the
previous edition; `compare_editions` then matches projects by id.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Literal

from extractors.dedupe import similarity
from extractors.text import fingerprint_words, normalise_key
from schemas import BrochureExtraction, Project, WorkPackage
from schemas.changes import (
    ChangeReport,
    ProjectChange,
    ProjectRef,
    ReviewChange,
    RoleChange,
    RoleState,
    TextChange,
    WorkPackageChange,
    WorkPackageState,
)
from schemas.records import ReviewMark

# Word-sequence similarity from which two titles name the same project ("Lab Move Up" and
# "Lab Move-Up for the port" are the same project reworded; two different projects of a
# brochure share far fewer words).
TITLE_SIMILARITY = 0.75
# Title ratios this close count as a tie, which partner overlap then breaks.
_RATIO_PRECISION = 2


def render_changes_json(report: ChangeReport) -> str:
    """Given a change report, return it as JSON text."""
    return report.model_dump_json(indent=2) + "\n"


def title_similarity(first: str, second: str) -> float:
    """Given two titles, return how alike their word sequences are (0 to 1)."""
    return similarity(fingerprint_words(first), fingerprint_words(second))


def partner_keys(project: Project) -> list[str]:
    """Given a project, return the normalised names of its partners, in order, without repeats."""
    return list(dict.fromkeys(normalise_key(partner.name) for partner in project.partners))


def _partner_overlap(first: Project, second: Project) -> float:
    """Given two projects, return the share of partners they have in common (Jaccard)."""
    a, b = set(partner_keys(first)), set(partner_keys(second))
    return len(a & b) / len(a | b) if a and b else 0.0


def _same_acronym(first: Project, second: Project) -> bool:
    return bool(
        first.acronym
        and second.acronym
        and normalise_key(first.acronym) == normalise_key(second.acronym)
    )


def match_renamed_projects(
    previous: Sequence[Project], current: Sequence[Project]
) -> dict[str, str]:
    """Given the projects of two editions, return new id -> old id for projects that match.

    Only projects whose id appears in one edition alone are candidates. A pair matches when the
    acronyms are equal or the titles are at least `TITLE_SIMILARITY` alike; the best pairs win
    (same acronym first, then title similarity, then partner overlap as the tie-breaker), each
    project taking part in one pair at most.
    """
    previous_ids = {project.id for project in previous}
    current_ids = {project.id for project in current}
    unmatched_new = [project for project in current if project.id not in previous_ids]
    unmatched_old = [project for project in previous if project.id not in current_ids]
    candidates: list[tuple[tuple[bool, float, float], int, int]] = []
    for new_index, new in enumerate(unmatched_new):
        for old_index, old in enumerate(unmatched_old):
            same_acronym = _same_acronym(new, old)
            ratio = title_similarity(new.title, old.title)
            if not same_acronym and ratio < TITLE_SIMILARITY:
                continue
            score = (same_acronym, round(ratio, _RATIO_PRECISION), _partner_overlap(new, old))
            candidates.append((score, new_index, old_index))
    # Highest score first; equal scores keep document order, so the result is deterministic.
    candidates.sort(
        key=lambda candidate: (candidate[0], -candidate[1], -candidate[2]), reverse=True
    )
    renamed: dict[str, str] = {}
    taken_old: set[int] = set()
    for _, new_index, old_index in candidates:
        new_id = unmatched_new[new_index].id
        if new_id in renamed or old_index in taken_old:
            continue
        renamed[new_id] = unmatched_old[old_index].id
        taken_old.add(old_index)
    return renamed


def carry_over_ids(previous: BrochureExtraction, current: BrochureExtraction) -> BrochureExtraction:
    """Given two editions, return the new one with ids carried over from the previous edition.

    A project of the new edition that matches a project of the previous one under another id
    (see `match_renamed_projects`) takes the old id, and so do the warnings and duplicates that
    name it. Everything else is returned as it was.
    """
    renamed = match_renamed_projects(previous.projects, current.projects)
    if not renamed:
        return current
    return current.model_copy(
        update={
            "projects": [
                project.model_copy(update={"id": renamed[project.id]})
                if project.id in renamed
                else project
                for project in current.projects
            ],
            "warnings": [
                warning.model_copy(update={"project_id": renamed[warning.project_id]})
                if warning.project_id in renamed
                else warning
                for warning in current.warnings
            ],
            "duplicates": [
                duplicate.model_copy(update={"duplicate_of": renamed[duplicate.duplicate_of]})
                if duplicate.duplicate_of in renamed
                else duplicate
                for duplicate in current.duplicates
            ],
        }
    )


def _reference(project: Project) -> ProjectRef:
    return ProjectRef(id=project.id, title=project.title, acronym=project.acronym)


def _text_change(before: str | None, after: str | None) -> TextChange | None:
    """Given a value in two editions, return the change, or None when equal once normalised."""
    if normalise_key(before or "") == normalise_key(after or ""):
        return None
    return TextChange(before=before, after=after)


def _role_state(project: Project) -> RoleState | None:
    if project.role is None:
        return None
    return RoleState(category=project.role.category, text=project.role.text)


def _role_change(previous: Project, current: Project) -> RoleChange | None:
    """Given a project in two editions, return its role change, compared by category and text."""
    before, after = _role_state(previous), _role_state(current)

    def key(state: RoleState | None) -> tuple[str, str] | None:
        return (state.category, normalise_key(state.text)) if state is not None else None

    if key(before) == key(after):
        return None
    return RoleChange(before=before, after=after)


def _names_missing(names: Iterable[tuple[str, str]], keys: set[str]) -> list[str]:
    """Given (key, name) pairs, return the names whose key is not in `keys`, once each."""
    missing: dict[str, str] = {}
    for key, name in names:
        if key not in keys:
            missing.setdefault(key, name)
    return list(missing.values())


def _partner_changes(previous: Project, current: Project) -> tuple[list[str], list[str]]:
    """Given a project in two editions, return the partner names added and removed."""
    before = [(normalise_key(partner.name), partner.name) for partner in previous.partners]
    after = [(normalise_key(partner.name), partner.name) for partner in current.partners]
    added = _names_missing(after, {key for key, _ in before})
    removed = _names_missing(before, {key for key, _ in after})
    return added, removed


def _work_package_state(package: WorkPackage) -> WorkPackageState:
    return WorkPackageState(number=package.number, title=package.title, lead=package.lead)


def _work_package_identities() -> tuple[Callable[[WorkPackage], object], ...]:
    """The keys that pair work packages across editions, strictest first (None: no key)."""
    return (
        lambda package: (package.number, normalise_key(package.title)),
        lambda package: package.number,
        lambda package: normalise_key(package.title),
    )


def _work_package_changes(
    previous: Sequence[WorkPackage], current: Sequence[WorkPackage]
) -> tuple[list[WorkPackageState], list[WorkPackageState], list[WorkPackageChange]]:
    """Given a project's work packages in two editions, return those added, removed, changed.

    Work packages are the same when their (number, normalised title) are; failing that, a pair
    with the same number, then a pair with the same normalised title, is one work package whose
    title or number changed. A pair whose lead flag differs is changed too.
    """
    old = list(previous)
    new = list(current)
    pairs: list[tuple[WorkPackage, WorkPackage]] = []
    for identity in _work_package_identities():
        for package in list(new):
            key = identity(package)
            if key is None:
                continue
            match = next((candidate for candidate in old if identity(candidate) == key), None)
            if match is not None:
                pairs.append((match, package))
                old = [candidate for candidate in old if candidate is not match]
                new = [candidate for candidate in new if candidate is not package]
    position = {id(package): index for index, package in enumerate(current)}
    pairs.sort(key=lambda pair: position[id(pair[1])])
    changed = [
        WorkPackageChange(before=_work_package_state(before), after=_work_package_state(after))
        for before, after in pairs
        if (before.number, normalise_key(before.title), before.lead)
        != (after.number, normalise_key(after.title), after.lead)
    ]
    return (
        [_work_package_state(package) for package in new],
        [_work_package_state(package) for package in old],
        changed,
    )


def compare_projects(previous: Project, current: Project) -> ProjectChange | None:
    """Given one project in two editions, return what changed in it, or None when nothing did."""
    partners_added, partners_removed = _partner_changes(previous, current)
    packages_added, packages_removed, packages_changed = _work_package_changes(
        previous.work_packages, current.work_packages
    )
    change = ProjectChange(
        id=current.id,
        title=current.title,
        title_change=_text_change(previous.title, current.title),
        acronym_change=_text_change(previous.acronym, current.acronym),
        description_changed=normalise_key(previous.description)
        != normalise_key(current.description),
        partners_added=partners_added,
        partners_removed=partners_removed,
        role_change=_role_change(previous, current),
        work_packages_added=packages_added,
        work_packages_removed=packages_removed,
        work_packages_changed=packages_changed,
    )
    empty = ProjectChange(id=current.id, title=current.title)
    return None if change == empty else change


def compare_editions(previous: BrochureExtraction, current: BrochureExtraction) -> ChangeReport:
    """Given the previous and the new edition of a brochure, return what changed between them.

    Projects are matched by id, so call `carry_over_ids` on the new edition first. Edition
    numbers are left empty for the caller (the catalogue) to fill in.
    """
    previous_by_id = {project.id: project for project in previous.projects}
    current_ids = {project.id for project in current.projects}
    added = [
        _reference(project) for project in current.projects if project.id not in previous_by_id
    ]
    removed = [
        _reference(project) for project in previous.projects if project.id not in current_ids
    ]
    changed = [
        change
        for project in current.projects
        if project.id in previous_by_id
        and (change := compare_projects(previous_by_id[project.id], project)) is not None
    ]
    return ChangeReport(
        brochure=current.document.source,
        previous_sha256=previous.document.sha256,
        sha256=current.document.sha256,
        unchanged=not (added or removed or changed),
        projects_added=added,
        projects_removed=removed,
        projects_changed=changed,
    )


def compare_reviews(
    previous: BrochureExtraction, current: BrochureExtraction
) -> list[ReviewChange]:
    """Given two editions as exported (the reviewer's corrections applied), return the
    corrections that apply in the new one and did not in the previous one, and the other way
    round, in the order of the editions."""
    before, after = _review_marks(previous), _review_marks(current)
    applied = [_review_change("applied", *mark) for key, mark in after.items() if key not in before]
    withdrawn = [
        _review_change("withdrawn", *mark) for key, mark in before.items() if key not in after
    ]
    return applied + withdrawn


def _review_marks(
    extraction: BrochureExtraction,
) -> dict[tuple[str, str, str, str, str], tuple[str, ReviewMark]]:
    """Every review mark of an extraction (its projects', and those of the projects a reviewer
    moved to `unassigned`) with its project's id, by what it says."""
    owned = [(project.id, project.review) for project in extraction.projects]
    owned += [
        (str(item.review[0].original), item.review)
        for item in extraction.unassigned
        if item.review and item.review[0].field == "project"
    ]
    return {
        (project_id, mark.field, mark.correction_id, repr(mark.value), repr(mark.original)): (
            project_id,
            mark,
        )
        for project_id, review in owned
        for mark in review
    }


def _review_change(
    change: Literal["applied", "withdrawn"], project_id: str, mark: ReviewMark
) -> ReviewChange:
    return ReviewChange(
        change=change,
        project=project_id,
        field=mark.field,
        correction_id=mark.correction_id,
        value=mark.value,
        original=mark.original,
    )


_QUOTE_LENGTH = 160


def _quote(text: str | None) -> str:
    """Given a value, return it quoted for a report line (long text shortened); None: 'none'."""
    if text is None:
        return "none"
    if len(text) > _QUOTE_LENGTH:
        text = text[: _QUOTE_LENGTH - 1].rstrip() + "…"
    return f'"{text}"'


def _describe_role(state: RoleState | None) -> str:
    return "none" if state is None else f"{state.category} {_quote(state.text)}"


def _describe_package(package: WorkPackageState) -> str:
    number = f"WP {package.number}" if package.number is not None else "WP (unnumbered)"
    return f'{number} "{package.title}" ({"leads" if package.lead else "supports"})'


def _project_lines(change: ProjectChange) -> list[str]:
    """Given a project's changes, return one Markdown list line per change."""
    lines: list[str] = []
    if change.title_change is not None:
        before, after = change.title_change.before, change.title_change.after
        lines.append(f"- title: {_quote(before)} -> {_quote(after)}")
    if change.acronym_change is not None:
        before, after = change.acronym_change.before, change.acronym_change.after
        lines.append(f"- acronym: {_quote(before)} -> {_quote(after)}")
    if change.description_changed:
        lines.append("- description changed")
    lines.extend(f"- partner added: {name}" for name in change.partners_added)
    lines.extend(f"- partner removed: {name}" for name in change.partners_removed)
    if change.role_change is not None:
        before_role, after_role = change.role_change.before, change.role_change.after
        lines.append(f"- role: {_describe_role(before_role)} -> {_describe_role(after_role)}")
    lines.extend(
        f"- work package added: {_describe_package(item)}" for item in change.work_packages_added
    )
    lines.extend(
        f"- work package removed: {_describe_package(item)}"
        for item in change.work_packages_removed
    )
    lines.extend(
        f"- work package changed: {_describe_package(item.before)} -> "
        f"{_describe_package(item.after)}"
        for item in change.work_packages_changed
    )
    return lines


def _edition_label(number: int | None, default: str) -> str:
    return f"edition {number}" if number is not None else default


def format_change_report(report: ChangeReport, heading_level: int = 1) -> str:
    """Given a change report, return it as Markdown, readable as plain text in a terminal."""
    hashes = "#" * heading_level
    previous = _edition_label(report.previous_edition, "the previous edition")
    current = _edition_label(report.edition, "the new edition")
    lines = [f"{hashes} {report.brochure}: {previous} -> {current}", ""]
    if report.unchanged:
        lines.append(
            f"Unchanged: {current} has the same projects, partners, roles and work packages "
            f"as {previous} in the source."
        )
        lines.extend(_review_lines(report, "#" * (heading_level + 1)))
        return "\n".join(lines) + "\n"
    sub = "#" * (heading_level + 1)
    lines.append(
        f"{len(report.projects_added)} project(s) added, {len(report.projects_removed)} "
        f"removed, {len(report.projects_changed)} changed."
    )
    for title, projects in (
        ("Projects added", report.projects_added),
        ("Projects removed", report.projects_removed),
    ):
        if projects:
            lines.extend(["", f"{sub} {title}", ""])
            lines.extend(f"- `{project.id}`: {project.title}" for project in projects)
    if report.projects_changed:
        lines.extend(["", f"{sub} Projects changed"])
        for change in report.projects_changed:
            lines.extend(["", f"{sub}# `{change.id}`: {change.title}", ""])
            lines.extend(_project_lines(change))
    lines.extend(_review_lines(report, sub))
    return "\n".join(lines) + "\n"


def _review_lines(report: ChangeReport, sub: str) -> list[str]:
    """The report's review changes under their own heading (none: no lines)."""
    if not report.review_changes:
        return []
    lines = ["", f"{sub} Review changes (corrections, not the source)", ""]
    for item in report.review_changes:
        what = f"{item.field} {_value(item.original)} -> {_value(item.value)}"
        lines.append(f"- {item.change}: `{item.project}` {what} ({item.correction_id})")
    return lines


def _value(value: object) -> str:
    return "none" if value is None else _quote(str(value))
