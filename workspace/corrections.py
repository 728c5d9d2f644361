"""Reviewer corrections: read a corrections file, apply it to an extraction, append to it.

A corrections file (YAML or JSON) is a list of entries addressed by stable project id. Applying
them is pure: the extraction goes in, the corrected extraction and the outcome of every
correction (applied, or stale with the reason) come out. A correction is never applied to a
project it was not written for and never dropped without a word: when it no longer applies it is
reported as stale, in the outcome and as a `correction_stale` warning of the extraction.
"""

from __future__ import annotations

import difflib
import hashlib
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from extractors.ids import project_id
from extractors.text import normalise_key
from schemas.corrections import (
    ACTIONS,
    AppliedCorrections,
    Correction,
    CorrectionEntry,
    CorrectionError,
    CorrectionOutcome,
    CorrectionSet,
    CorrectionStatus,
    PartnerAddition,
    WorkPackageAddition,
    WorkPackageReference,
    describe_work_package,
)
from schemas.records import (
    BrochureExtraction,
    Evidence,
    ExtractionWarning,
    LeadPartner,
    Partner,
    Project,
    ReviewMark,
    Unassigned,
    WorkPackage,
)
from schemas.warnings import WarningCode
from workspace.entry_files import (
    JSON_SUFFIXES,
    EntryFile,
    append_entry,
    parse_entries,
    read_entry_file,
    validate_entry,
)
from workspace.export import write_atomic
from workspace.layout import brochure_name, named_brochure

SHARED_FILE_STEM = "corrections"
CORRECTIONS_SUFFIXES = (".yaml", ".yml", ".json")
"""A corrections file with this stem (`corrections.yaml`) holds entries for several brochures."""

IDENTITY_FILE_STEM = "organisation_corrections"
"""The reviewer's joins and splits of organisations (`organisation_corrections.yaml`, or .yml,
.json) live beside the shared corrections file, not in `corrections/`, where every file is
a brochure's (a brochure may be called anything, `organisations` too)."""

YAML_SUFFIXES = frozenset({".yaml", ".yml"})

# Actions that add or remove one of several values: their default id names that value too.
CORRECTIONS_FILE = EntryFile(
    what="corrections file",
    a_what="a corrections file",
    list_fix="Start each entry with '- project: <project id>' (YAML) or write a JSON list.",
    mapping_fix="Write each entry as 'project: <id>' and one action such as 'set_title: ...'.",
    guide="See 'Corrections' in the README for every action and its value.",
    known_keys=lambda key: f"Known keys: id, brochure, project, {', '.join(ACTIONS)}, was, note.",
)
_LIST_ACTIONS = frozenset(
    {"add_partner", "remove_partner", "add_work_package", "remove_work_package"}
)


# --- reading -----------------------------------------------------------------------------------


def corrections_root_for(brochure: str | Path) -> Path:
    """Given a brochure file, return the folder its corrections live in, whichever folder the
    command runs from: the nearest folder, from the brochure's own upward, that holds a
    `corrections.yaml` (or .yml, .json), an `organisation_corrections.yaml` or a `corrections/`
    folder, the way tools find their configuration; when none does, the folder above the
    brochure's (in this repository, `raw/clust-er-innovate.txt` has its corrections in
    `corrections/`, beside `raw/`)."""
    folder = Path(brochure).resolve().parent
    for candidate in (folder, *folder.parents):
        if (candidate / "corrections").is_dir() or any(
            (candidate / f"{stem}{suffix}").is_file()
            for stem in (SHARED_FILE_STEM, IDENTITY_FILE_STEM)
            for suffix in CORRECTIONS_SUFFIXES
        ):
            return candidate
    return folder.parent


def find_corrections_files(brochure: str | Path, root: Path) -> list[Path]:
    """Given a brochure and a folder, return the corrections files that may hold its entries.

    The shared `corrections.yaml` (or .yml, .json) in `root` first, then the brochure's own
    `corrections/<stem>.yaml` (or .yml, .json); only those that exist. A link that leads
    outside `root` raises `CorrectionError`: nothing is read through it.
    """
    stem = brochure_name(brochure)
    candidates = [root / f"{SHARED_FILE_STEM}{suffix}" for suffix in CORRECTIONS_SUFFIXES]
    candidates += [root / "corrections" / f"{stem}{suffix}" for suffix in CORRECTIONS_SUFFIXES]
    found = [path for path in candidates if path.is_file()]
    for path in found:
        if path.is_symlink() and not path.resolve().is_relative_to(root.resolve()):
            raise CorrectionError(
                path,
                f"is a link to {path.resolve()}, outside {root}; it is not read",
                "Copy the corrections file into the folder instead of linking to it.",
            )
    return found


def load_corrections(path: Path) -> CorrectionSet:
    """Given a .yaml, .yml or .json corrections file, return its validated corrections.

    In the shared `corrections.yaml` every entry names its `brochure`; in any other file the
    file's stem is the brochure. An empty file holds no corrections. Every problem raises
    `CorrectionError` naming the file and, where known, the line.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in YAML_SUFFIXES | JSON_SUFFIXES:
        raise CorrectionError(
            path,
            f"is not a corrections file: expected a .yaml, .yml or .json suffix, found '{suffix}'",
            "Rename the file to say which format it is written in.",
        )
    return parse_corrections(read_entry_file(path, CORRECTIONS_FILE), path)


def load_corrections_files(paths: Iterable[Path]) -> CorrectionSet:
    """Given corrections files, return all their corrections, file after file."""
    corrections = CorrectionSet()
    for path in paths:
        corrections += load_corrections(path)
    return corrections


def parse_corrections(text: str, path: Path) -> CorrectionSet:
    """Given the text of a corrections file and its path (for its format, brochure and
    messages), return its validated corrections."""
    shared = path.stem == SHARED_FILE_STEM
    entries: list[CorrectionEntry] = []
    first_line: dict[tuple[str, str], int | None] = {}
    for raw in parse_entries(path, text, CORRECTIONS_FILE):
        correction = validate_entry(Correction, raw, path, CORRECTIONS_FILE)
        line = raw.line
        brochure = _entry_brochure(path, correction, shared, raw.key_lines.get("brochure", line))
        identifier = correction.id or default_correction_id(correction)
        key = (brochure, identifier)
        if key in first_line:
            first = first_line[key]
            raise CorrectionError(
                path,
                f"correction {identifier!r} is given twice"
                + (f" (first on line {first})" if first is not None else ""),
                "Keep one of the two; give an 'id' to tell apart two corrections meant both.",
                line=line,
            )
        first_line[key] = line
        entries.append(
            CorrectionEntry(
                id=identifier,
                brochure=brochure,
                correction=correction,
                file=str(path),
                line=line,
            )
        )
    return CorrectionSet(entries=tuple(entries))


def default_correction_id(correction: Correction) -> str:
    """Given a correction, return its default id: 'project/action', and the value for actions
    on one of several partners or work packages ('move-up/add_partner/Legacoop Romagna')."""
    identifier = f"{correction.project}/{correction.action}"
    if correction.action in _LIST_ACTIONS and correction.target:
        identifier += f"/{correction.target}"
    return identifier


def _entry_brochure(path: Path, correction: Correction, shared: bool, line: int | None) -> str:
    """Given an entry, return the brochure it is for: its own `brochure`, or the file's stem."""
    if shared:
        if correction.brochure is None:
            raise CorrectionError(
                path,
                f"the entry for project {correction.project!r} names no brochure",
                "In the shared corrections file every entry needs 'brochure: <file stem>'.",
                line=line,
            )
        return named_brochure(correction.brochure)
    if correction.brochure is not None and named_brochure(correction.brochure) != path.stem:
        raise CorrectionError(
            path,
            f"the entry is for brochure {correction.brochure!r}, "
            f"but this file holds the corrections of {path.stem!r}",
            f"Move the entry to corrections/{named_brochure(correction.brochure)}.yaml "
            "or to the shared corrections.yaml.",
            line=line,
        )
    return path.stem


_NEW_FILE_HEADER = (
    "# Reviewer corrections, applied after extraction at every run.\n"
    "# Format: see 'Corrections' in the README.\n"
)

# --- writing -----------------------------------------------------------------------------------


def render_correction_yaml(correction: Correction) -> str:
    """Given a correction, return it as one YAML list entry ('- project: ...')."""
    data = correction.model_dump(exclude_none=True, exclude_defaults=True)
    return yaml.safe_dump([data], sort_keys=False, allow_unicode=True, width=100)


def add_correction(path: Path, correction: Correction) -> CorrectionSet:
    """Append a correction to a corrections file (created when missing); return the file's
    corrections. The file is validated with the new entry before it is written, so a bad
    correction leaves the file as it was. YAML keeps its comments; JSON is rewritten."""
    path = Path(path)
    text = read_entry_file(path, CORRECTIONS_FILE) if path.is_file() else None
    parse_corrections(text or "", path)  # a broken file is reported as it is, before anything
    data = correction.model_dump(exclude_none=True, exclude_defaults=True)
    updated = append_entry(path, text, data, render_correction_yaml(correction), _NEW_FILE_HEADER)
    corrections = parse_corrections(updated, path)
    write_atomic(path, updated)
    return corrections


# --- applying ----------------------------------------------------------------------------------


class _Stale(Exception):
    """Raised inside an action: the correction no longer applies, for the given reason."""


def apply_corrections(
    extraction: BrochureExtraction,
    corrections: CorrectionSet,
    brochure: str,
    source_text: str | None = None,
) -> tuple[BrochureExtraction, AppliedCorrections]:
    """Given an extraction and corrections, return the corrected extraction and the outcome of
    each correction for this brochure (applied, or stale with the reason).

    The extraction given is not changed. Each corrected value is listed in its project's
    `review` with the value the pipeline read; partners and work packages a correction adds
    carry `source: "review"`. A project marked as not a project moves to `unassigned` (its
    text sliced from `source_text` when given, else its title and description). Every stale
    correction also becomes a `correction_stale` warning.
    """
    brochure = brochure_name(brochure)
    entries = corrections.for_brochure(brochure)
    if not entries:
        return extraction, AppliedCorrections(brochure=brochure)
    corrected = extraction.model_copy(deep=True)
    known = known_organisations(extraction)
    partners = _PartnerIndex()
    projects = {project.id: project for project in corrected.projects}
    not_projects: dict[str, str] = {}
    outcomes: list[CorrectionOutcome] = []
    for entry in entries:
        correction = entry.correction
        status: CorrectionStatus = "applied"
        try:
            reason = _apply_entry(
                corrected, projects, known, partners, entry, not_projects, source_text
            )
        except _Stale as stale:
            reason, status = str(stale), "stale"
        outcomes.append(
            CorrectionOutcome(
                correction_id=entry.id,
                project=correction.project,
                action=correction.action,
                target=correction.target,
                status=status,
                reason=reason,
                file=entry.file,
                line=entry.line,
            )
        )
    for project in corrected.projects:
        project.lead_partner = _lead_partner_in(project)
    ids = {project.id for project in corrected.projects}
    for entry, outcome in zip(entries, outcomes, strict=True):
        if outcome.status == "stale":
            corrected.warnings.append(
                ExtractionWarning(
                    code=_stale_warning_code(outcome),
                    message=_stale_message(entry, outcome),
                    project_id=outcome.project if outcome.project in ids else None,
                )
            )
    return corrected, AppliedCorrections(brochure=brochure, outcomes=outcomes)


def _lead_partner_in(project: Project) -> LeadPartner | None:
    """The project's lead partner, pointing at its place in the corrected list of partners; None
    when a correction removed it (or moved it to another project)."""
    lead = project.lead_partner
    if lead is None:
        return None
    for index, partner in enumerate(project.partners):
        if partner.name == lead.name:
            return (
                lead
                if index == lead.partner_index
                else lead.model_copy(update={"partner_index": index})
            )
    return None


def _stale_warning_code(outcome: CorrectionOutcome) -> WarningCode:
    """A checked project that changed asks for a second look; any other stale correction is
    just stale."""
    return "checked_project_changed" if outcome.action == "checked" else "correction_stale"


def _stale_message(entry: CorrectionEntry, outcome: CorrectionOutcome) -> str:
    if outcome.action == "checked":
        return (
            f"{entry.where}: the project was checked in review ({entry.id!r}), but {outcome.reason}"
        )
    return f"{entry.where}: correction {entry.id!r} no longer applies: {outcome.reason}"


def _apply_entry(
    extraction: BrochureExtraction,
    projects: dict[str, Project],
    known: KnownOrganisations,
    partners: _PartnerIndex,
    entry: CorrectionEntry,
    not_projects: dict[str, str],
    source_text: str | None,
) -> str:
    """Apply one correction to `extraction` (whose projects `projects` holds by id) in place;
    return what it did or raise _Stale."""
    correction = entry.correction
    project = projects.get(correction.project)
    if project is None:
        raise _Stale(_gone(extraction, correction.project, not_projects))
    if correction.action == "not_a_project":
        _reject_project(extraction, project, entry, source_text)
        del projects[project.id]
        not_projects[project.id] = entry.id
        return "moved to unassigned: not a project"
    if correction.action == "add_partner":
        return _add_partner(known, partners.of(project), project, entry)
    # Any other action may change the project's partners (and a merge those of another).
    partners.forget(project.id, correction.merge_into or "")
    if correction.action == "acknowledge":
        return _acknowledge(extraction, project, entry)
    if correction.action == "merge_into":
        target = projects.get(correction.merge_into or "")
        if target is None or target is project:
            ids = [p.id for p in extraction.projects if p is not project]
            raise _Stale(
                f"no other project {correction.merge_into!r} to merge into"
                + _did_you_mean(correction.merge_into or "", ids)
            )
        _merge(extraction, project, target, entry)
        del projects[project.id]
        return f"merged into {target.id!r}"
    if correction.action == "split_at_line":
        new = _split(extraction, project, entry, source_text, set(projects))
        projects[new.id] = new
        return f"split: a new project {new.id!r} starts at line {correction.split_at_line}"
    action = _ACTIONS[correction.action]
    return action(project, entry)


def _gone(extraction: BrochureExtraction, project_id: str, not_projects: dict[str, str]) -> str:
    """Say why no project has this id: marked as not a project, or gone (with the nearest id)."""
    if project_id in not_projects:
        return f"the project was marked as not a project by correction {not_projects[project_id]!r}"
    reason = f"project gone: no project {project_id!r} in this edition"
    return reason + _did_you_mean(project_id, [project.id for project in extraction.projects])


def _earlier_review(project: Project, field: str) -> ReviewMark | None:
    """The review mark an earlier correction left on this field, if any."""
    return next((mark for mark in project.review if mark.field == field), None)


def _check_value_change(
    project: Project, entry: CorrectionEntry, field: str, current: str | None, new: str | None
) -> None:
    """Raise _Stale when a one-value correction no longer applies: already corrected by another
    correction, written against a value the source no longer says, or equal to the source."""
    earlier = _earlier_review(project, field)
    if earlier is not None:
        raise _Stale(f"the {field} was already corrected by {earlier.correction_id!r}")
    was = entry.correction.was
    if was is not None and current != was and current != new:
        raise _Stale(
            f"the source now says {current!r}, not {was!r} as when the correction was written"
        )
    if current == new:
        said = f"{current!r}" if current is not None else "nothing"
        raise _Stale(f"the source now says the same: {said}")


def _mark(
    project: Project,
    entry: CorrectionEntry,
    field: str,
    value: str | None,
    original: str | None,
    evidence: Evidence | None,
) -> None:
    """Record on the project that the correction set `field` from `original` to `value`."""
    project.review.append(
        ReviewMark(
            field=field,
            value=value,
            original=original,
            correction_id=entry.id,
            evidence=evidence,
        )
    )


def _set_title(project: Project, entry: CorrectionEntry) -> str:
    value = _tidy(entry.correction.set_title)
    _check_value_change(project, entry, "title", project.title, value)
    _mark(project, entry, "title", value, project.title, project.title_evidence)
    original, project.title = project.title, value
    return f"title {original!r} -> {value!r}"


def _set_acronym(project: Project, entry: CorrectionEntry) -> str:
    value = _tidy(entry.correction.set_acronym)
    _check_value_change(project, entry, "acronym", project.acronym, value)
    _mark(project, entry, "acronym", value, project.acronym, project.acronym_evidence)
    original, project.acronym = project.acronym, value
    return f"acronym {original!r} -> {value!r}"


def _remove_acronym(project: Project, entry: CorrectionEntry) -> str:
    _check_value_change(project, entry, "acronym", project.acronym, None)
    _mark(project, entry, "acronym", None, project.acronym, project.acronym_evidence)
    original, project.acronym, project.acronym_evidence = project.acronym, None, None
    return f"acronym {original!r} removed"


def _set_role_category(project: Project, entry: CorrectionEntry) -> str:
    value = entry.correction.set_role_category
    assert value is not None  # the action of this correction
    if project.role is None:
        raise _Stale("the project has no 'Role of ...' section to categorise")
    _check_value_change(project, entry, "role.category", project.role.category, value)
    _mark(project, entry, "role.category", value, project.role.category, project.role.evidence)
    original = project.role.category
    project.role.category = value
    return f"role category {original!r} -> {value!r}"


def _partner_keys(partner: Partner) -> frozenset[str]:
    """Every key a reviewer may name a partner by: name, entry as written, short name, canonical."""
    return _keys_of((partner.name, partner.text, partner.short_name, partner.canonical_name))


@lru_cache(maxsize=65536)
def _keys_of(names: tuple[str | None, ...]) -> frozenset[str]:
    # Cached: a corrections file of thousands of entries checks every partner of a project for
    # each of its entries.
    return frozenset(normalise_key(name) for name in names if name)


KnownOrganisations = dict[str, tuple[str, bool]]


def known_organisations(extraction: BrochureExtraction) -> KnownOrganisations:
    """Given an extraction as read, return by name key the canonical name and publisher flag it
    gives each organisation (in some project's list of partners, or as the publisher): what a
    partner a correction adds takes when it names one of them. Built once per brochure, so that
    adding many partners costs one lookup each."""
    known: KnownOrganisations = {}
    if extraction.publisher:
        known[normalise_key(extraction.publisher)] = (extraction.publisher, True)
    for project in reversed(extraction.projects):
        for partner in reversed(project.partners):
            if partner.canonical_name:
                for key in _partner_keys(partner):
                    known[key] = (partner.canonical_name, partner.is_publisher)
    return known


class _PartnerIndex:
    """The partners of each project by every key a reviewer may name them by, built when first
    needed and kept while only partners are added: adding many partners to one project costs one
    lookup each, not a pass over its list."""

    def __init__(self) -> None:
        self._by_project: dict[str, dict[str, Partner]] = {}

    def of(self, project: Project) -> dict[str, Partner]:
        """The project's partners by key (the first partner a key names)."""
        if project.id not in self._by_project:
            index: dict[str, Partner] = {}
            for partner in project.partners:
                for key in _partner_keys(partner):
                    index.setdefault(key, partner)
            self._by_project[project.id] = index
        return self._by_project[project.id]

    def forget(self, *ids: str) -> None:
        """Drop the index of projects an action may have changed otherwise."""
        for changed in ids:
            self._by_project.pop(changed, None)


def _add_partner(
    known: KnownOrganisations, taken: dict[str, Partner], project: Project, entry: CorrectionEntry
) -> str:
    addition = entry.correction.add_partner
    assert isinstance(addition, PartnerAddition)
    name = _tidy(addition.name)
    key = normalise_key(name)
    partner = taken.get(key)
    if partner is not None:
        if partner.source == "review":
            raise _Stale(f"partner {partner.name!r} was already added by another correction")
        raise _Stale(f"the source now says the same: the project lists {partner.name!r}")
    canonical, is_publisher = known.get(key, (None, False))
    project.partners.append(
        Partner(
            name=name,
            short_name=addition.short_name,
            kind=addition.kind,
            affiliation=addition.affiliation,
            via=addition.via,
            canonical_name=canonical,
            is_publisher=is_publisher,
            text=name,
            source="review",
        )
    )
    for added_key in _partner_keys(project.partners[-1]):
        taken.setdefault(added_key, project.partners[-1])
    project.review.append(ReviewMark(field="partners", value=name, correction_id=entry.id))
    return f"partner {name!r} added"


def _remove_partner(project: Project, entry: CorrectionEntry) -> str:
    name = entry.correction.remove_partner or ""
    key = normalise_key(name)
    removed = [partner for partner in project.partners if key in _partner_keys(partner)]
    if not removed:
        names = [partner.name for partner in project.partners]
        raise _Stale(f"the project lists no partner {name!r}" + _did_you_mean(name, names))
    project.partners = [partner for partner in project.partners if partner not in removed]
    for partner in removed:
        project.review.append(
            ReviewMark(
                field="partners",
                value=None,
                original=partner.name,
                correction_id=entry.id,
                evidence=partner.evidence,
            )
        )
    return "partner " + ", ".join(repr(partner.name) for partner in removed) + " removed"


def _matches_work_package(
    package: WorkPackage, reference: WorkPackageAddition | WorkPackageReference
) -> bool:
    """True when the package has the number named, or (when no number is named) the title."""
    if reference.number is not None:
        return package.number == reference.number
    return reference.title is not None and normalise_key(package.title) == normalise_key(
        reference.title
    )


def _add_work_package(project: Project, entry: CorrectionEntry) -> str:
    addition = entry.correction.add_work_package
    assert isinstance(addition, WorkPackageAddition)
    label = describe_work_package(addition.number, addition.title)
    for package in project.work_packages:
        if _matches_work_package(package, addition):
            if package.source == "review":
                raise _Stale(f"work package {label!r} was already added by another correction")
            said = describe_work_package(package.number, package.title)
            raise _Stale(f"the source now says the same: the project has {said!r}")
    project.work_packages.append(
        WorkPackage(
            number=addition.number,
            title=_tidy(addition.title),
            lead=addition.lead,
            text=label,
            source="review",
        )
    )
    project.review.append(ReviewMark(field="work_packages", value=label, correction_id=entry.id))
    return f"work package {label!r} added"


def _remove_work_package(project: Project, entry: CorrectionEntry) -> str:
    reference = entry.correction.remove_work_package
    assert isinstance(reference, WorkPackageReference)
    removed = [p for p in project.work_packages if _matches_work_package(p, reference)]
    if not removed:
        label = describe_work_package(reference.number, reference.title)
        labels = [describe_work_package(p.number, p.title) for p in project.work_packages]
        raise _Stale(f"the project has no work package {label!r}" + _did_you_mean(label, labels))
    project.work_packages = [p for p in project.work_packages if p not in removed]
    labels = [describe_work_package(p.number, p.title) for p in removed]
    for package, label in zip(removed, labels, strict=True):
        project.review.append(
            ReviewMark(
                field="work_packages",
                value=None,
                original=label,
                correction_id=entry.id,
                evidence=package.evidence,
            )
        )
    return "work package " + ", ".join(repr(label) for label in labels) + " removed"


def _reject_project(
    extraction: BrochureExtraction,
    project: Project,
    entry: CorrectionEntry,
    source_text: str | None,
) -> None:
    """Move a project a reviewer says is not one to `unassigned`; its warnings go with it."""
    evidence = project.evidence
    if source_text is not None:
        text = source_text[evidence.start : evidence.end]
    else:
        text = "\n".join(part for part in (project.title, project.description) if part)
    note = entry.correction.note
    extraction.unassigned.append(
        Unassigned(
            text=text,
            reason="marked as not a project in review" + (f": {note}" if note else ""),
            evidence=evidence,
            review=[
                ReviewMark(
                    field="project",
                    value=None,
                    original=project.id,
                    correction_id=entry.id,
                    evidence=evidence,
                )
            ],
        )
    )
    extraction.projects = [p for p in extraction.projects if p.id != project.id]
    extraction.warnings = [w for w in extraction.warnings if w.project_id != project.id]


def _merge(
    extraction: BrochureExtraction, project: Project, target: Project, entry: CorrectionEntry
) -> None:
    """Move what `project` holds (partners and work packages it does not repeat, facts) into
    `target`; the project and its warnings go to the target."""
    keys = {key for partner in target.partners for key in _partner_keys(partner)}
    target.partners += [p for p in project.partners if not _partner_keys(p) & keys]
    numbers = {(wp.number, normalise_key(wp.title)) for wp in target.work_packages}
    target.work_packages += [
        wp for wp in project.work_packages if (wp.number, normalise_key(wp.title)) not in numbers
    ]
    for facts in ("countries", "dates", "budgets", "laws", "targets", "lists"):
        getattr(target, facts).extend(getattr(project, facts))
    if target.lead_partner is None:
        target.lead_partner = project.lead_partner
    target.review.append(
        ReviewMark(
            field="project",
            value=f"merged from {project.id}",
            original=project.id,
            correction_id=entry.id,
            evidence=project.evidence,
        )
    )
    extraction.projects = [p for p in extraction.projects if p is not project]
    for warning in extraction.warnings:
        if warning.project_id == project.id:
            warning.project_id = target.id


def _split(
    extraction: BrochureExtraction,
    project: Project,
    entry: CorrectionEntry,
    source_text: str | None,
    taken: set[str],
) -> Project:
    """Cut `project` at a line of its own: a new project, titled by that line, takes the values
    that stand from there on; return it (placed right after the project)."""
    line = entry.correction.split_at_line or 0
    evidence = project.evidence
    if source_text is None or not evidence.line_start < line <= evidence.line_end:
        raise _Stale(
            f"line {line} is not inside the project (lines {evidence.line_start}-"
            f"{evidence.line_end}, its title line excluded)"
        )
    cut = _line_offset(source_text, line)
    end_of_title = source_text.find("\n", cut)
    end_of_title = evidence.end if end_of_title < 0 else min(end_of_title, evidence.end)
    title = " ".join(source_text[cut:end_of_title].split())
    if not title:
        raise _Stale(f"line {line} is empty: give the line of the new project's title")
    new_id = _free_id(project_id(None, title), taken)
    after = _values_from(project, cut)
    new = Project(
        id=new_id,
        title=title,
        title_evidence=_span(source_text, cut, end_of_title, evidence),
        group=project.group,
        description=" ".join(source_text[end_of_title : evidence.end].split()),
        evidence=_span(source_text, cut, evidence.end, evidence),
        review=[
            ReviewMark(
                field="project",
                value=f"split from {project.id}",
                original=project.id,
                correction_id=entry.id,
            )
        ],
        **after,
    )
    if project.description_evidence is not None and project.description_evidence.end > cut:
        project.description = " ".join(
            source_text[project.description_evidence.start : cut].split()
        )
    project.evidence = _span(source_text, evidence.start, cut, evidence)
    extraction.projects.insert(extraction.projects.index(project) + 1, new)
    return new


def _values_from(project: Project, cut: int) -> dict[str, Any]:
    """Take out of `project` the partners, work packages, role and facts standing at `cut` or
    after; return them by field."""
    moved: dict[str, Any] = {}
    for name in (
        "partners",
        "work_packages",
        "countries",
        "dates",
        "budgets",
        "laws",
        "targets",
        "lists",
    ):
        values = getattr(project, name)
        later = [v for v in values if v.evidence is not None and v.evidence.start >= cut]
        setattr(project, name, [v for v in values if v not in later])
        moved[name] = later
    for single in ("role", "lead_partner"):
        value = getattr(project, single)
        if value is not None and value.evidence.start >= cut:
            moved[single] = value
            setattr(project, single, None)
    return moved


def _line_offset(text: str, line: int) -> int:
    """The offset where 1-based `line` of `text` starts."""
    offset = 0
    for _ in range(line - 1):
        offset = text.index("\n", offset) + 1
    return offset


def _span(text: str, start: int, end: int, like: Evidence) -> Evidence:
    """Evidence of text[start:end], with its lines, on the page and element of `like`."""
    return Evidence(
        start=start,
        end=end,
        line_start=text.count("\n", 0, start) + 1,
        line_end=text.count("\n", 0, max(start, end - 1)) + 1,
        page=like.page,
        rule="review_split",
        element=like.element,
    )


def _free_id(wanted: str, taken: set[str]) -> str:
    """`wanted`, or with the first free suffix `-2`, `-3`, ... when a project has it."""
    candidate, number = wanted, 2
    while candidate in taken:
        candidate, number = f"{wanted}-{number}", number + 1
    return candidate


def _acknowledge(extraction: BrochureExtraction, project: Project, entry: CorrectionEntry) -> str:
    code = entry.correction.acknowledge
    found = [w for w in extraction.warnings if w.project_id == project.id and w.code == code]
    if not found:
        codes = sorted({str(w.code) for w in extraction.warnings if w.project_id == project.id})
        raise _Stale(f"the project has no {code!r} warning" + _did_you_mean(str(code), codes))
    for warning in found:
        warning.acknowledged_by = entry.id
    project.review.append(ReviewMark(field="warning", value=code, correction_id=entry.id))
    return f"{len(found)} {code!r} warning(s) acknowledged"


def project_fingerprint(project: Project) -> str:
    """Given a project, return a fingerprint of what the source says of it (its title,
    acronym, description, role, and the partners and work packages read from the source): what
    a reviewer who checks the project checks, so that a later change shows."""
    values = [
        project.title,
        project.acronym or "",
        project.description or "",
        project.role.text if project.role else "",
        *sorted(p.text for p in project.partners if p.source == "extraction"),
        *sorted(p.text for p in project.work_packages if p.source == "extraction"),
    ]
    return hashlib.sha256("\0".join(values).encode("utf-8")).hexdigest()[:16]


def _checked(project: Project, entry: CorrectionEntry) -> str:
    if project_fingerprint(project) != entry.correction.checked:
        raise _Stale("its title, description, role, partners or work packages changed since")
    project.review.append(
        ReviewMark(field="checked", value=entry.correction.checked, correction_id=entry.id)
    )
    return "checked; unchanged since"


def _did_you_mean(given: str, known: list[str]) -> str:
    """' (did you mean 'X'?)' for the known value nearest to the one given, or ''."""
    nearest = difflib.get_close_matches(given, known, n=1, cutoff=0.6)
    return f" (did you mean {nearest[0]!r}?)" if nearest else ""


def check_correction(
    extraction: BrochureExtraction, correction: Correction, path: Path
) -> CorrectionOutcome:
    """Given a brochure's latest export and a new correction for its corrections file `path`,
    return what the correction would do, or raise `CorrectionError` when it would not apply
    (a project, partner or work package that is not there, a value the export already has),
    naming the nearest match: what `brochures correct` and the review page check before they
    write anything."""
    entry = CorrectionEntry(
        id=correction.id or default_correction_id(correction),
        brochure=brochure_name(extraction.document.source),
        correction=correction,
        file=str(path),
    )
    _, applied = apply_corrections(extraction, CorrectionSet(entries=(entry,)), entry.brochure)
    (outcome,) = applied.outcomes
    if outcome.status == "stale":
        raise CorrectionError(
            path,
            f"the correction would not apply to the latest export: {outcome.reason}",
            "Nothing was written; check the project id, the names and the values.",
        )
    return outcome


def _tidy(value: str | None) -> str:
    """A reviewer's value with its surrounding and repeated white space removed."""
    return " ".join((value or "").split())


_ACTIONS: dict[str, Callable[[Project, CorrectionEntry], str]] = {
    "set_title": _set_title,
    "set_acronym": _set_acronym,
    "remove_acronym": _remove_acronym,
    "set_role_category": _set_role_category,
    "remove_partner": _remove_partner,
    "add_work_package": _add_work_package,
    "remove_work_package": _remove_work_package,
    "checked": _checked,
}
