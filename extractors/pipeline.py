"""The core pipeline, with no orchestration: a read brochure in, its records out.

read -> units -> sections -> duplicates dropped -> each section's draft filled by the
extractors -> records
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from extractors.context import Extractor, SectionContext
from extractors.dedupe import DuplicateHit, dedupe_sections
from extractors.draft import ProjectDraft
from extractors.ids import project_id
from extractors.layout import build_units, mask_wrapped_newlines
from extractors.nlp import Toolkit, build_toolkit
from extractors.partner_reading import organisation_reader
from extractors.projects import Decision, decide_projects
from extractors.registry import select_extractors
from extractors.role_sentences import ROLE_PROSE_SLOTS, detect_speaker, find_role_sentences
from extractors.rules import Rules, load_rules
from extractors.segment import Section, segment_units
from extractors.text import Locator, fold, normalise_key
from schemas import (
    BrochureExtraction,
    DocumentInfo,
    Duplicate,
    Evidence,
    ExtractionWarning,
    Group,
    Project,
    Settings,
    StructureError,
    Unassigned,
)
from schemas.document import SourceText
from schemas.warnings import WarningCode

_MANY_TITLED_BLOCKS = 2


def detect_publisher(sections: list[Section], rules: Rules) -> str | None:
    """Given sections, return the organisation most 'Role of ...' headings name (alias-resolved)."""
    names = Counter(
        rules.alias_to_organisation.get(normalise_key(unit.organisation), unit.organisation)
        for section in sections
        for unit in section.units("role_heading")
        if unit.organisation
    )
    return names.most_common(1)[0][0] if names else None


def _is_project(section: Section, draft: ProjectDraft, named: bool) -> bool:
    """An untitled section is a project only when it has a project's blocks, names one, or
    names partners."""
    if named or section.title is not None or section.has_project_blocks:
        return True
    if draft.partners:
        return True  # its prose names partners: "X è partner di un progetto ..., insieme a Y"
    return draft.title_rule == "named_project"


def fill_draft(extractors: Iterable[Extractor], context: SectionContext) -> ProjectDraft:
    """Given extractors in their checked order and a section, return its filled project draft."""
    draft = ProjectDraft()
    for extractor in extractors:
        draft = extractor(context, draft)
    return draft


def _section_warnings(
    section: Section, hits: list[DuplicateHit], locator: Locator, project: str
) -> list[ExtractionWarning]:
    dropped = {unit.start for hit in hits for unit in hit.units}
    warnings: list[ExtractionWarning] = []
    seen: set[tuple[str, str]] = set()
    for note in section.notes:
        code: WarningCode = note.code
        message = note.message
        if code == "partner_heading_without_list" and note.unit.start in dropped:
            code = "pasted_description"
            message = (
                "the text under the partner heading repeats the description; "
                "no partners were read from it"
            )
        if (code, message) in seen:
            continue
        seen.add((code, message))
        warnings.append(
            ExtractionWarning(
                code=code,
                message=message,
                project_id=project,
                evidence=locator.evidence(note.unit.start, note.unit.end),
            )
        )
    return warnings


def _unassigned_warning(evidence: Evidence) -> ExtractionWarning:
    return ExtractionWarning(
        code="unassigned_text",
        evidence=evidence,
        message=f"lines {evidence.line_start}-{evidence.line_end} belong to no project",
    )


def _unique_id(identifier: str, taken: set[str]) -> str:
    """Given an id and those the brochure's earlier projects took, return it, or it with the
    first free suffix ('-2', '-3', ...)."""
    unique, suffix = identifier, 2
    while unique in taken:
        unique, suffix = f"{identifier}-{suffix}", suffix + 1
    return unique


def _project_warnings(
    project: Project, decision: Decision, section: Evidence
) -> list[ExtractionWarning]:
    """A stated partner count with no partner read; a page read as one project although it
    holds several titled blocks."""
    warnings = []
    if project.partner_count is not None and not project.partners:
        warnings.append(
            ExtractionWarning(
                code="partner_count_without_partners",
                message=f"the text states {project.partner_count.value} partners "
                "but no partner was read",
                evidence=project.partner_count.evidence,
            )
        )
    if decision.single_page and len(decision.merged_titles) >= _MANY_TITLED_BLOCKS:
        warnings.append(
            ExtractionWarning(
                code="one_project_from_titled_blocks",
                message="the page was read as one project although it holds "
                f"{len(decision.merged_titles)} titled blocks ("
                + ", ".join(f"'{title.text}'" for title in decision.merged_titles[:4])
                + "); check that they are not projects of their own",
                evidence=section,
            )
        )
    return warnings


def _duplicates(
    hits: list[DuplicateHit], ids_by_section: dict[int, str], text: str, locator: Locator
) -> list[Duplicate]:
    """The dropped copies, each with the project (or lines) holding its original."""
    duplicates = []
    for hit in hits:
        first, last = hit.originals[0], hit.originals[-1]
        duplicate_of = ids_by_section.get(
            hit.original_section, f"lines {first.line_start}-{last.line_end}"
        )
        duplicates.append(
            Duplicate(
                kind=hit.kind,  # type: ignore[arg-type]
                text=text[hit.start : hit.end],
                similarity=hit.similarity,
                duplicate_of=duplicate_of,
                original=locator.evidence(first.start, last.end, "original"),
                evidence=locator.evidence(hit.start, hit.end, f"duplicate_{hit.kind}"),
            )
        )
    return duplicates


def _document_info(source: SourceText) -> DocumentInfo:
    return DocumentInfo(
        source=Path(source.source).name,
        sha256=source.sha256,
        format=source.format,
        encoding=source.encoding,
        newline=source.newline,
        characters=len(source.text),
        lines=source.text.count("\n") + 1,
        pages=len(source.page_starts) if source.page_starts else None,
        heading_lines=sorted(source.emphasised_lines),
    )


def _no_text(source: str) -> StructureError:
    return StructureError(
        source,
        "has no text to read: every line is blank or page furniture",
        "Check that it is a brochure of projects with a text layer (a scanned PDF needs OCR).",
    )


@dataclass(frozen=True)
class Pipeline:
    """The extraction, built once from settings (the rules, the spaCy toolkit, the extractors
    to run) and then called per document: `pipeline(source)`, or `pipeline.pipe(sources)` for
    many."""

    settings: Settings
    rules: Rules
    toolkit: Toolkit
    extractors: tuple[Extractor, ...]
    organisation_score: Callable[[str], int | None]

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> Pipeline:
        """Given settings (None: the defaults), build the pipeline they describe."""
        settings = Settings.resolve(settings)
        rules = load_rules(settings.patterns_dir)
        return cls(
            settings=settings,
            rules=rules,
            toolkit=build_toolkit(settings.spacy_pipeline, rules),
            extractors=tuple(select_extractors(settings.extractors)),
            organisation_score=organisation_reader(rules),
        )

    def __call__(self, source: SourceText) -> BrochureExtraction:
        """Given a read brochure, return everything extracted from it."""
        return self.extract(source)

    def pipe(self, sources: Iterable[SourceText]) -> Iterator[BrochureExtraction]:
        """Given read brochures, yield the extraction of each, in order."""
        for source in sources:
            yield self.extract(source)

    def extract(self, source: SourceText) -> BrochureExtraction:
        """Given a read brochure, return everything extracted from it."""
        settings, rules, toolkit = self.settings, self.rules, self.toolkit
        extractors, organisation_score = self.extractors, self.organisation_score
        locator = Locator(source.text, source.page_starts, source.line_elements)
        units = build_units(source.text, rules, elements=source.line_elements)
        if not any(unit.kind != "furniture" for unit in units):
            raise _no_text(source.source)
        segmentation = segment_units(
            units, rules, settings, organisation_score, source.emphasised_lines
        )
        deduped, hits, deduped_index = dedupe_sections(
            segmentation.sections, settings.near_duplicate_threshold
        )
        decision = decide_projects(deduped, source.text, units, rules, organisation_score)
        position = {id(section): index for index, section in enumerate(deduped)}
        sections = decision.projects
        kept_index = [
            deduped_index[position.get(id(section), 0)] if deduped_index else 0
            for section in sections
        ]
        others = decision.others
        publisher = settings.publisher or detect_publisher(sections, rules)
        if publisher is None and decision.single_page:
            # A page about one project speaks for the organisation whose role its sentences state.
            prose = [unit for section in sections for unit in section.units(*ROLE_PROSE_SLOTS)]
            publisher = detect_speaker(find_role_sentences(source.text, prose, rules))
        doc = toolkit.nlp(mask_wrapped_newlines(fold(source.text), units))

        projects: list[Project] = []
        warnings = list(source.warnings)
        unassigned: list[Unassigned] = []
        ids_by_section: dict[int, str] = {}
        for number, (section, original_index) in enumerate(zip(sections, kept_index, strict=True)):
            context = SectionContext(
                section=section,
                doc=doc,
                locator=locator,
                rules=rules,
                toolkit=toolkit,
                publisher=publisher,
                name=decision.names.get(number),
                fallback_name=decision.fallbacks.get(number),
            )
            draft = fill_draft(extractors, context)
            evidence = locator.evidence(section.start, section.end, "section")
            if not _is_project(
                section, draft, number in decision.names or number in decision.fallbacks
            ):
                unassigned.append(
                    Unassigned(
                        text=source.text[section.start : section.end],
                        reason="prose outside any project section",
                        evidence=evidence,
                    )
                )
                warnings.append(_unassigned_warning(evidence))
                continue
            unique = _unique_id(project_id(draft.acronym, draft.title), {p.id for p in projects})
            ids_by_section[original_index] = unique
            group = section.group.text if section.group else None
            projects.append(draft.to_project(unique, group, evidence))
            section_warnings = [
                *draft.warnings,
                *_project_warnings(
                    projects[-1], decision, locator.evidence(section.start, section.end)
                ),
            ]
            for warning in section_warnings:
                warning.project_id = unique
            warnings.extend(section_warnings)
            warnings.extend(_section_warnings(section, hits, locator, unique))

        for section in others:
            evidence = locator.evidence(section.start, section.end, "section")
            unassigned.append(
                Unassigned(
                    text=source.text[section.start : section.end],
                    reason="a section that is not a project",
                    evidence=evidence,
                )
            )
            warnings.append(_unassigned_warning(evidence))
        for unit in segmentation.unassigned:
            unassigned.append(
                Unassigned(
                    text=source.text[unit.start : unit.end],
                    reason="page furniture (running header or footer, page number, contents)",
                    evidence=locator.evidence(unit.start, unit.end, "furniture"),
                )
            )
        unassigned.sort(key=lambda item: item.evidence.start)
        if not projects:
            warnings.append(
                ExtractionWarning(
                    code="no_project_found",
                    message="the document has text but no project was found in it",
                    evidence=locator.evidence(0, len(source.text)),
                )
            )
        return BrochureExtraction(
            document=_document_info(source),
            publisher=publisher,
            groups=[
                Group(
                    name=unit.text, evidence=locator.evidence(unit.start, unit.end, "group_heading")
                )
                for unit in segmentation.groups
            ],
            projects=projects,
            duplicates=_duplicates(hits, ids_by_section, source.text, locator),
            unassigned=unassigned,
            warnings=warnings,
        )


_SHARED: dict[str, Pipeline] = {}


def shared_pipeline(settings: Settings | None = None) -> Pipeline:
    """Given settings, return this process's pipeline for them, built on first use: the one
    place a process keeps a pipeline between calls of `extract_source` and `extract_text`."""
    settings = Settings.resolve(settings)
    key = settings.model_dump_json()
    if key not in _SHARED:
        _SHARED[key] = Pipeline.from_settings(settings)
    return _SHARED[key]


def extract_source(source: SourceText, settings: Settings | None = None) -> BrochureExtraction:
    """Given a read brochure, return everything extracted from it with the settings' pipeline."""
    return shared_pipeline(settings)(source)


def extract_text(
    text: str, source: str = "<text>", settings: Settings | None = None
) -> BrochureExtraction:
    """Given brochure text already in memory, return everything extracted from it."""
    data = text.encode("utf-8")
    kept = text.replace("\r\n", "\n").replace("\r", "\n")
    return extract_source(
        SourceText(
            source=source,
            text=kept,
            sha256=hashlib.sha256(data).hexdigest(),
            format="text",
            encoding="utf-8",
            newline="lf",
        ),
        settings,
    )
