"""Tables analysts load as they are: CSV files of projects, partners, work packages and
organisations, and `organisations.json`, written whole into the output folder.

    each edition, as it is stored: its share of the tables (`brochure_tables`, pure: its names
    for resolution, and one row per project, partner and work package, without organisation
    ids), kept with the edition in the catalogue -> the shares of every brochure's latest
    edition (`latest_tables`) -> organisations resolved in the catalogue
    (`workspace.organisations.resolve_in_catalogue`) -> the ids filled in, one row per
    organisation (`render_tables`, pure) -> files written whole (`write_tables`)

A brochure's share is made where it is extracted, in the run's worker processes, so the end of a
run resolves names and writes rows instead of reading every extraction again. A share made by
other code or rules than this process's (or none: an edition stored before shares were kept) is
made again from the edition's extraction, and stored.

Every row names its brochure and project, so the tables join on (`brochure`, `project_id`) and
on `organisation_id`. A CSV cell holding several values joins them with "; ". Booleans are
`true` / `false`, a missing value is an empty cell.
"""

from __future__ import annotations

import csv
import gc
import hashlib
import io
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, fields, replace
from functools import cache
from pathlib import Path

from extractors.organisation_rules import IdentityRules, packaged_identity_rules
from extractors.organisations import BrochureNames, NameMention, Resolution, brochure_names
from schemas import BrochureExtraction, Evidence, GroundedAmount, GroundedDate, Project
from schemas.organisations import (
    IdentityCorrections,
    IdentityCorrectionsFile,
    Organisation,
    OrganisationsExport,
)
from workspace.catalogue import Catalogue
from workspace.export import write_atomic
from workspace.layout import (
    ORGANISATIONS_JSON,
    ORGANISATIONS_TABLE,
    PARTNERS_TABLE,
    PROJECTS_TABLE,
    TABLE_FILES,
    WORK_PACKAGES_TABLE,
    OutputLayout,
)
from workspace.organisations import resolve_in_catalogue
from workspace.version import code_fingerprint

PROJECT_COLUMNS = (
    "brochure",
    "project_id",
    "title",
    "title_inferred",
    "acronym",
    "group",
    "publisher",
    "publisher_organisation_id",
    "role_category",
    "programme",
    "beneficiary",
    "partners",
    "partner_count_stated",
    "lead_partner",
    "lead_partner_role",
    "lead_partner_index",
    "lead_partner_organisation_id",
    "work_packages",
    "countries",
    "country_count",
    "region_count",
    "dates",
    "dates_iso",
    "budgets",
    "budget_amount",
    "budget_currency",
    "budget_kind",
    "laws",
    "targets",
    "description",
    "line_start",
    "line_end",
    "page",
)
PARTNER_COLUMNS = (
    "brochure",
    "project_id",
    "position",
    "name",
    "short_name",
    "kind",
    "affiliation",
    "via",
    "country",
    "consortium_role",
    "is_publisher",
    "organisation_id",
    "organisation_name",
    "organisation_type",
    "affiliation_organisation_id",
    "via_organisation_id",
    "text",
    "source",
    "line_start",
    "line_end",
    "page",
)
WORK_PACKAGE_COLUMNS = (
    "brochure",
    "project_id",
    "position",
    "number",
    "title",
    "lead",
    "leader",
    "leader_organisation_id",
    "source",
    "line_start",
    "line_end",
    "page",
)
ORGANISATION_COLUMNS = (
    "organisation_id",
    "name",
    "type",
    "country",
    "parent_id",
    "parent_name",
    "short_names",
    "names",
    "projects",
    "brochures",
    "merges",
    "type_rule",
    "country_rule",
    "parent_rule",
)

# Where each column's cell is in a row of the table.
_PROJECT = {column: position for position, column in enumerate(PROJECT_COLUMNS)}
_PARTNER = {column: position for position, column in enumerate(PARTNER_COLUMNS)}
_WORK_PACKAGE = {column: position for position, column in enumerate(WORK_PACKAGE_COLUMNS)}

Cell = str | int | float | bool | None
Row = Mapping[str, Cell]
# A row as its CSV cells, in its table's column order.
Cells = list[str]


@dataclass(frozen=True)
class BrochureTables:
    """One brochure's share of the tables: its names for resolution, and its rows of projects,
    partners and work packages as their CSV cells, the organisation ids' left empty
    (`render_tables` fills them in)."""

    names: BrochureNames
    projects: list[Cells]
    partners: list[Cells]
    work_packages: list[Cells]


def brochure_tables(
    brochure: str, extraction: BrochureExtraction, rules: IdentityRules | None = None
) -> BrochureTables:
    """Given a brochure's name and its extraction, return its share of the tables; pure."""
    return BrochureTables(
        names=brochure_names(brochure, extraction, rules),
        projects=[row_cells(PROJECT_COLUMNS, row) for row in project_rows(brochure, extraction)],
        partners=[row_cells(PARTNER_COLUMNS, row) for row in partner_rows(brochure, extraction)],
        work_packages=[
            row_cells(WORK_PACKAGE_COLUMNS, row) for row in work_package_rows(brochure, extraction)
        ],
    )


def tables_of(
    extractions: Mapping[str, BrochureExtraction], rules: IdentityRules | None = None
) -> dict[str, BrochureTables]:
    """Given extractions by brochure name, return their shares of the tables by the same name."""
    return {
        name: brochure_tables(name, extraction, rules) for name, extraction in extractions.items()
    }


_MENTION_FIELDS = tuple(item.name for item in fields(NameMention) if item.name != "brochure")


@cache
def tables_fingerprint(rules: IdentityRules) -> str:
    """What a share of the tables is made with: the code of the extractors and schemas, this
    module's and the identity rules. A share stored with another is made again."""
    digest = hashlib.sha256(code_fingerprint().encode("ascii"))
    digest.update(Path(__file__).read_bytes())
    digest.update(rules.fingerprint.encode("utf-8"))
    return digest.hexdigest()


def render_brochure_tables(tables: BrochureTables, rules: IdentityRules | None = None) -> str:
    """Given a brochure's share of the tables, return it as the JSON text the catalogue keeps,
    with what it was made with (`tables_fingerprint`)."""
    data = {
        "made_with": tables_fingerprint(rules or packaged_identity_rules()),
        "mentions": [
            [getattr(mention, name) for name in _MENTION_FIELDS]
            for mention in tables.names.mentions
        ],
        "titles": tables.names.titles,
        "projects": tables.projects,
        "partners": tables.partners,
        "work_packages": tables.work_packages,
    }
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def parse_brochure_tables(
    brochure: str, text: str, rules: IdentityRules | None = None
) -> BrochureTables | None:
    """Given a brochure's name and its share of the tables as the catalogue keeps it, return the
    share; None when it was made with other code or rules than this process's (or is not
    one): it is to be made again from the extraction."""
    try:
        data = json.loads(text)
        if data.get("made_with") != tables_fingerprint(rules or packaged_identity_rules()):
            return None
        mentions = []
        for row in data["mentions"]:
            if len(row) != len(_MENTION_FIELDS):
                return None
            mention = NameMention(brochure, *row)
            if mention.type_hint is not None:  # a pair, which JSON keeps as a list
                kind, words = mention.type_hint
                mention = replace(mention, type_hint=(kind, words))
            mentions.append(mention)
        return BrochureTables(
            names=BrochureNames(mentions=mentions, titles=data["titles"]),
            projects=data["projects"],
            partners=data["partners"],
            work_packages=data["work_packages"],
        )
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector while the shares of every brochure are read, resolved and
    written: they are many long-lived objects, and each of the full collections their number
    sets off walks every object alive (about a third of the time for 300 brochures). Reference
    counting still frees what is dropped; what cycles are left is collected afterwards."""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


@_collector_paused()
def latest_tables(
    catalogue: Catalogue, rules: IdentityRules | None = None
) -> dict[str, BrochureTables]:
    """Given the catalogue, return the share of the tables of every brochure's latest published
    edition, by name (a brochure whose only editions are unpublished is left out). A share the
    catalogue lacks, or that was made with other code or rules, is made from the edition's
    extraction and stored with it."""
    rules = rules or packaged_identity_rules()
    stored = catalogue.published_tables()
    tables: dict[str, BrochureTables] = {}
    for name, (_, text) in stored.items():
        found = parse_brochure_tables(name, text, rules) if text is not None else None
        if found is not None:
            tables[name] = found
    missing = sorted(set(stored) - set(tables))
    if missing:
        made = tables_of(catalogue.published_extractions(missing), rules)
        catalogue.store_tables(
            {name: (stored[name][0], render_brochure_tables(made[name], rules)) for name in made}
        )
        tables.update(made)
    return tables


@_collector_paused()
def write_tables(
    layout: OutputLayout,
    tables: Mapping[str, BrochureTables],
    rules: IdentityRules | None = None,
    *,
    corrections: IdentityCorrections | None = None,
    corrections_files: Sequence[IdentityCorrectionsFile] = (),
) -> list[Organisation]:
    """Given the output layout and the share of the tables of every brochure's latest edition
    (by name), resolve their organisations in the catalogue (ids carried over from earlier
    runs) with the reviewer's identity corrections (None: those of the brochures' corrections
    folders; their files, with digests, go into organisations.json) and write the four CSV
    tables and organisations.json into the output folder, each whole; return the organisations,
    sorted by id (those the catalogue now holds as current).

    Raises `OutputError` when the catalogue or a file cannot be written, `CorrectionError` when
    the identity corrections found are invalid.
    """
    names = {name: share.names for name, share in tables.items()}
    with Catalogue(layout.catalogue) as catalogue:
        resolution = resolve_in_catalogue(catalogue, names, rules, corrections=corrections)
    contents = render_tables(tables, resolution, corrections_files)
    for name in TABLE_FILES:
        write_atomic(layout.folder / name, contents[name])
    return sorted(resolution.organisations, key=lambda organisation: organisation.id)


def render_tables(
    tables: Mapping[str, BrochureTables],
    resolution: Resolution,
    corrections_files: Sequence[IdentityCorrectionsFile] = (),
) -> dict[str, str]:
    """Given the shares of the tables by brochure name, their organisations and the identity
    corrections files applied, return the text of every table file by its name; pure."""
    projects, partners, packages = _with_ids(tables, resolution)
    organisations = [row_cells(ORGANISATION_COLUMNS, row) for row in organisation_rows(resolution)]
    return {
        PROJECTS_TABLE: render_csv(PROJECT_COLUMNS, projects),
        PARTNERS_TABLE: render_csv(PARTNER_COLUMNS, partners),
        WORK_PACKAGES_TABLE: render_csv(WORK_PACKAGE_COLUMNS, packages),
        ORGANISATIONS_TABLE: render_csv(ORGANISATION_COLUMNS, organisations),
        ORGANISATIONS_JSON: render_organisations_json(resolution, corrections_files),
    }


def _with_ids(
    tables: Mapping[str, BrochureTables], resolution: Resolution
) -> tuple[list[Cells], list[Cells], list[Cells]]:
    """The rows of projects, partners and work packages of every brochure, brochures in the
    order of their names, with the organisation each names: a partner's as its mention
    resolved, a project's lead partner's as its partner row's, a work package leader's where
    the leader is the name of one."""
    ids = _ids_by_place(resolution)
    by_id = {organisation.id: organisation for organisation in resolution.organisations}
    projects: list[Cells] = []
    partners: list[Cells] = []
    packages: list[Cells] = []
    for brochure in sorted(tables):
        share = tables[brochure]
        of_partner: dict[tuple[str, str], str | None] = {}
        for cells in share.partners:
            project, position = cells[_PARTNER["project_id"]], cells[_PARTNER["position"]]
            index = int(position)
            role = "person" if cells[_PARTNER["kind"]] == "person" else "partner"
            identity = ids.get((brochure, project, role, index))
            organisation = by_id.get(identity or "")
            of_partner[(project, position)] = identity
            row = list(cells)
            row[_PARTNER["organisation_id"]] = identity or ""
            if organisation is not None:
                row[_PARTNER["organisation_name"]] = organisation.name
                row[_PARTNER["organisation_type"]] = organisation.type or ""
            row[_PARTNER["affiliation_organisation_id"]] = (
                ids.get((brochure, project, "affiliation", index)) or ""
            )
            row[_PARTNER["via_organisation_id"]] = ids.get((brochure, project, "via", index)) or ""
            partners.append(row)
        publisher = ids.get((brochure, None, "publisher", None)) or ""
        for cells in share.projects:
            lead = cells[_PROJECT["lead_partner_index"]]
            row = list(cells)
            row[_PROJECT["publisher_organisation_id"]] = publisher
            if lead:
                row[_PROJECT["lead_partner_organisation_id"]] = (
                    of_partner.get((cells[_PROJECT["project_id"]], lead)) or ""
                )
            projects.append(row)
        for cells in share.work_packages:
            leader = cells[_WORK_PACKAGE["leader"]]
            row = list(cells)
            if leader:
                row[_WORK_PACKAGE["leader_organisation_id"]] = resolution.find(leader) or ""
            packages.append(row)
    return projects, partners, packages


def render_csv(columns: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """Given the columns and the rows as their cells, return the CSV text: a header, then one
    line per row (RFC 4180 quoting, `\\n` line ends)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(rows)
    return buffer.getvalue()


def render_organisations_json(
    resolution: Resolution, corrections_files: Sequence[IdentityCorrectionsFile] = ()
) -> str:
    """Given the organisations and the identity corrections files applied, return
    organisations.json: every organisation, sorted by id."""
    ordered = sorted(resolution.organisations, key=lambda organisation: organisation.id)
    export = OrganisationsExport(
        identity_corrections=list(corrections_files),
        stale_identity_corrections=list(resolution.stale_corrections),
        organisations=ordered,
    )
    return export.model_dump_json(indent=2) + "\n"


def row_cells(columns: Sequence[str], row: Row) -> Cells:
    """Given the columns and a row, return its CSV cells in the order of the columns (a column
    the row lacks is empty)."""
    return [_cell(row.get(column)) for column in columns]


def _cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _joined(values: Iterable[str]) -> str | None:
    listed = [value for value in values if value]
    return "; ".join(listed) if listed else None


def _where(evidence: Evidence | None) -> dict[str, Cell]:
    if evidence is None:
        return {"line_start": None, "line_end": None, "page": None}
    return {
        "line_start": evidence.line_start,
        "line_end": evidence.line_end,
        "page": evidence.page,
    }


def _ids_by_place(resolution: Resolution) -> dict[tuple[str, str | None, str, int | None], str]:
    """Each mention's organisation id by (brochure, project id, role, partner position)."""
    return {
        (mention.brochure, mention.project_id, mention.role, mention.partner_index): identity
        for mention in resolution.mentions
        if (identity := mention.organisation_id) is not None
    }


def project_rows(brochure: str, extraction: BrochureExtraction) -> list[dict[str, Cell]]:
    """One row per project of a brochure, in document order, without organisation ids."""
    rows: list[dict[str, Cell]] = []
    for project in extraction.projects:
        rows.append(
            {
                "brochure": brochure,
                "project_id": project.id,
                "title": project.title,
                "title_inferred": project.title_inferred,
                "acronym": project.acronym,
                "group": project.group,
                "publisher": extraction.publisher,
                "role_category": project.role.category if project.role else None,
                "programme": project.programme.value if project.programme else None,
                "beneficiary": project.beneficiary.value if project.beneficiary else None,
                "partners": len(project.partners),
                "partner_count_stated": _count(project.partner_count),
                **_lead_partner(project),
                "work_packages": len(project.work_packages),
                "countries": _joined(country.value for country in project.countries),
                "country_count": _count(project.country_count),
                "region_count": _count(project.region_count),
                "dates": _joined(date.text for date in project.dates),
                "dates_iso": _joined(_iso(date) for date in project.dates),
                "budgets": _joined(budget.text for budget in project.budgets),
                **_budget(project.budgets),
                "laws": _joined(law.text for law in project.laws),
                "targets": _joined(target.text for target in project.targets),
                "description": project.description,
                **_where(project.evidence),
            }
        )
    return rows


def _lead_partner(project: Project) -> dict[str, Cell]:
    """The lead partner's columns: its name, role and position among the project's partners
    (its organisation is its partner row's, see `render_tables`)."""
    lead = project.lead_partner
    listed = project.partners
    if (
        lead is None
        or lead.partner_index >= len(listed)
        or listed[lead.partner_index].name != lead.name
    ):
        return dict.fromkeys(("lead_partner", "lead_partner_role", "lead_partner_index"))
    return {
        "lead_partner": lead.name,
        "lead_partner_role": lead.role,
        "lead_partner_index": lead.partner_index,
    }


def _iso(date: GroundedDate) -> str:
    """A date in ISO 8601, a range as its interval: '2023-02-21', '2021/2024'."""
    return f"{date.value}/{date.end}" if date.end else date.value


def _budget(budgets: list[GroundedAmount]) -> dict[str, Cell]:
    """The project's budget: the first amount the text calls the total budget, else the first
    amount it states; the `budgets` column keeps every amount's words."""
    budget = next((b for b in budgets if b.kind == "total"), budgets[0] if budgets else None)
    if budget is None:
        return dict.fromkeys(("budget_amount", "budget_currency", "budget_kind"))
    return {
        "budget_amount": budget.amount,
        "budget_currency": budget.currency,
        "budget_kind": budget.kind,
    }


def _count(count: object) -> int | None:
    value = getattr(count, "value", None)
    return value if isinstance(value, int) else None


def partner_rows(brochure: str, extraction: BrochureExtraction) -> list[dict[str, Cell]]:
    """One row per partner of every project of a brochure, without organisation ids."""
    rows: list[dict[str, Cell]] = []
    for project in extraction.projects:
        for position, partner in enumerate(project.partners):
            rows.append(
                {
                    "brochure": brochure,
                    "project_id": project.id,
                    "position": position,
                    "name": partner.name,
                    "short_name": partner.short_name,
                    "kind": partner.kind,
                    "affiliation": partner.affiliation,
                    "via": partner.via,
                    "country": partner.country,
                    "consortium_role": partner.consortium_role,
                    "is_publisher": partner.is_publisher,
                    "text": partner.text,
                    "source": partner.source,
                    **_where(partner.evidence),
                }
            )
    return rows


def work_package_rows(brochure: str, extraction: BrochureExtraction) -> list[dict[str, Cell]]:
    """One row per work package of every project of a brochure, without its leader's
    organisation id."""
    rows: list[dict[str, Cell]] = []
    for project in extraction.projects:
        for position, package in enumerate(project.work_packages):
            rows.append(
                {
                    "brochure": brochure,
                    "project_id": project.id,
                    "position": position,
                    "number": package.number,
                    "title": package.title,
                    "lead": package.lead,
                    "leader": package.leader,
                    "source": package.source,
                    **_where(package.evidence),
                }
            )
    return rows


def organisation_rows(resolution: Resolution) -> list[dict[str, Cell]]:
    """One row per organisation, sorted by id."""
    rows: list[dict[str, Cell]] = []
    for organisation in sorted(resolution.organisations, key=lambda item: item.id):
        rows.append(
            {
                "organisation_id": organisation.id,
                "name": organisation.name,
                "type": organisation.type,
                "country": organisation.country,
                "parent_id": organisation.parent_id,
                "parent_name": organisation.parent_name,
                "short_names": _joined(organisation.short_names),
                "names": _joined(name.name for name in organisation.names),
                "projects": len(organisation.projects),
                "brochures": len(organisation.brochures),
                "merges": _joined(
                    f"{merge.rule}: {merge.name} = {merge.joined}" for merge in organisation.merges
                ),
                "type_rule": organisation.type_rule,
                "country_rule": organisation.country_rule,
                "parent_rule": organisation.parent_rule,
            }
        )
    return rows
