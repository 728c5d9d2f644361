"""Tables analysts load as they are: CSV files of projects, partners, work packages and
organisations, and `organisations.json`, written whole into the output folder.

    latest extraction of every brochure -> organisations resolved in the catalogue
    (`workspace.organisations.resolve_in_catalogue`) -> one row per project, partner, work
    package and organisation (`render_tables`, pure) -> files written whole (`write_tables`)

Every row names its brochure and project, so the tables join on (`brochure`, `project_id`) and
on `organisation_id`. A CSV cell holding several values joins them with "; ". Booleans are
`true` / `false`, a missing value is an empty cell.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from extractors.organisation_rules import IdentityRules
from extractors.organisations import Resolution
from schemas import BrochureExtraction, Evidence, GroundedAmount, GroundedDate, Project
from schemas.organisations import (
    IdentityCorrections,
    IdentityCorrectionsFile,
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

Cell = str | int | float | bool | None
Row = Mapping[str, Cell]


def write_tables(
    layout: OutputLayout,
    extractions: Mapping[str, BrochureExtraction],
    rules: IdentityRules | None = None,
    *,
    corrections: IdentityCorrections | None = None,
    corrections_files: Sequence[IdentityCorrectionsFile] = (),
) -> list[Path]:
    """Given the output layout and the latest extraction of every brochure (by name), resolve
    their organisations in the catalogue (ids carried over from earlier runs) with the
    reviewer's identity corrections (None: those of the brochures' corrections folders; their
    files, with digests, go into organisations.json) and write the four CSV tables and
    organisations.json into the output folder, each whole; return their paths.

    Raises `OutputError` when the catalogue or a file cannot be written, `CorrectionError` when
    the identity corrections found are invalid.
    """
    with Catalogue(layout.catalogue) as catalogue:
        resolution = resolve_in_catalogue(catalogue, extractions, rules, corrections=corrections)
    contents = render_tables(extractions, resolution, corrections_files)
    return [write_atomic(layout.folder / name, contents[name]) for name in TABLE_FILES]


def render_tables(
    extractions: Mapping[str, BrochureExtraction],
    resolution: Resolution,
    corrections_files: Sequence[IdentityCorrectionsFile] = (),
) -> dict[str, str]:
    """Given extractions by brochure name, their organisations and the identity corrections
    files applied, return the text of every table file by its name; pure."""
    return {
        PROJECTS_TABLE: render_csv(PROJECT_COLUMNS, project_rows(extractions, resolution)),
        PARTNERS_TABLE: render_csv(PARTNER_COLUMNS, partner_rows(extractions, resolution)),
        WORK_PACKAGES_TABLE: render_csv(
            WORK_PACKAGE_COLUMNS, work_package_rows(extractions, resolution)
        ),
        ORGANISATIONS_TABLE: render_csv(ORGANISATION_COLUMNS, organisation_rows(resolution)),
        ORGANISATIONS_JSON: render_organisations_json(resolution, corrections_files),
    }


def render_csv(columns: Sequence[str], rows: Iterable[Row]) -> str:
    """Given the columns and the rows, return the CSV text: a header, then one line per row
    (RFC 4180 quoting, `\\n` line ends)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(column)) for column in columns])
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


def project_rows(
    extractions: Mapping[str, BrochureExtraction], resolution: Resolution
) -> list[dict[str, Cell]]:
    """One row per project, brochures in the order of their names, projects in document order."""
    ids = _ids_by_place(resolution)
    rows: list[dict[str, Cell]] = []
    for brochure in sorted(extractions):
        extraction = extractions[brochure]
        publisher_id = ids.get((brochure, None, "publisher", None))
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
                    "publisher_organisation_id": publisher_id,
                    "role_category": project.role.category if project.role else None,
                    "programme": project.programme.value if project.programme else None,
                    "beneficiary": project.beneficiary.value if project.beneficiary else None,
                    "partners": len(project.partners),
                    "partner_count_stated": _count(project.partner_count),
                    **_lead_partner(brochure, project, ids),
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


def _lead_partner(
    brochure: str, project: Project, ids: Mapping[tuple[str, str | None, str, int | None], str]
) -> dict[str, Cell]:
    """The lead partner's columns: its name, role, position among the project's partners and
    organisation, found as its partner row finds it."""
    lead = project.lead_partner
    listed = project.partners
    if (
        lead is None
        or lead.partner_index >= len(listed)
        or listed[lead.partner_index].name != lead.name
    ):
        return dict.fromkeys(
            (
                "lead_partner",
                "lead_partner_role",
                "lead_partner_index",
                "lead_partner_organisation_id",
            )
        )
    role = "person" if listed[lead.partner_index].kind == "person" else "partner"
    return {
        "lead_partner": lead.name,
        "lead_partner_role": lead.role,
        "lead_partner_index": lead.partner_index,
        "lead_partner_organisation_id": ids.get((brochure, project.id, role, lead.partner_index)),
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


def partner_rows(
    extractions: Mapping[str, BrochureExtraction], resolution: Resolution
) -> list[dict[str, Cell]]:
    """One row per partner of every project, with the organisation (or person) it resolved to."""
    ids = _ids_by_place(resolution)
    by_id = {organisation.id: organisation for organisation in resolution.organisations}
    rows: list[dict[str, Cell]] = []
    for brochure in sorted(extractions):
        for project in extractions[brochure].projects:
            for position, partner in enumerate(project.partners):
                role = "person" if partner.kind == "person" else "partner"
                identity = ids.get((brochure, project.id, role, position))
                organisation = by_id.get(identity or "")
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
                        "organisation_id": identity,
                        "organisation_name": organisation.name if organisation else None,
                        "organisation_type": organisation.type if organisation else None,
                        "affiliation_organisation_id": ids.get(
                            (brochure, project.id, "affiliation", position)
                        ),
                        "via_organisation_id": ids.get((brochure, project.id, "via", position)),
                        "text": partner.text,
                        "source": partner.source,
                        **_where(partner.evidence),
                    }
                )
    return rows


def work_package_rows(
    extractions: Mapping[str, BrochureExtraction], resolution: Resolution
) -> list[dict[str, Cell]]:
    """One row per work package, with the organisation of its leader where the leader is the
    name of one."""
    rows: list[dict[str, Cell]] = []
    for brochure in sorted(extractions):
        for project in extractions[brochure].projects:
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
                        "leader_organisation_id": (
                            resolution.find(package.leader) if package.leader else None
                        ),
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
