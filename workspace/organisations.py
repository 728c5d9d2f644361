"""Organisation identities across brochures and editions, kept in the catalogue.

    names of every brochure's latest edition -> resolution against the names the catalogue
    remembers (`extractors.organisations.resolve_brochures`) -> organisations, names and
    mentions stored in one transaction (`Catalogue.update_organisations`)

Resolution is pure; this module only reads and stores. Because every name an organisation has
had stays in the catalogue with its id, the same organisation keeps its id in every brochure
and in the next edition, even when the new edition spells it another way.

The reviewer's identity corrections (joins and splits, `workspace.identity_corrections`) are
applied at every resolution.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from pathlib import Path

from extractors.organisation_rules import IdentityRules
from extractors.organisations import BrochureNames, Resolution, resolve_brochures
from schemas import InputError
from schemas.organisations import (
    IdentityCorrections,
    Organisation,
    OrganisationsExport,
    RememberedName,
)
from workspace.catalogue import Catalogue, OrganisationUpdate
from workspace.identity_corrections import (
    identity_corrections_paths,
    load_identity_corrections_files,
)
from workspace.layout import ORGANISATIONS_JSON


def resolve_in_catalogue(
    catalogue: Catalogue,
    brochures: Mapping[str, BrochureNames],
    rules: IdentityRules | None = None,
    *,
    at: datetime | None = None,
    corrections: IdentityCorrections | None = None,
) -> Resolution:
    """Given the catalogue and the names of every brochure's latest edition (by brochure name,
    `extractors.organisations.brochure_names`), resolve their organisations against the names
    the catalogue remembers, with the reviewer's identity corrections (None: those of the
    brochures' corrections folders, see `identity_corrections_paths`), store the result, and
    return it.

    An invalid identity corrections file raises `CorrectionError` naming it and the line."""
    if corrections is None:
        corrections = load_identity_corrections_files(identity_corrections_paths(catalogue))
    found: list[Resolution] = []
    latest = catalogue.latest_editions()

    def resolve(remembered: list[RememberedName]) -> OrganisationUpdate:
        resolution = resolve_brochures(brochures, rules, remembered, corrections)
        found.append(resolution)
        return OrganisationUpdate(
            organisations=resolution.organisations,
            names=resolution.names,
            mentions=resolution.mentions,
            editions={name: latest[name].number if name in latest else None for name in brochures},
        )

    catalogue.update_organisations(resolve, at=at)
    return found[-1]


def read_organisations(path: str | Path) -> list[Organisation]:
    """Given a catalogue's path, return the organisations of its latest resolution, sorted by id
    (none when the catalogue does not exist yet; reading never creates it)."""
    if not Path(path).exists():
        return []
    with Catalogue(path, create=False) as catalogue:
        return catalogue.organisations()


def read_organisations_export(folder: str | Path) -> OrganisationsExport | None:
    """Given an output folder, return its organisations.json; None when it is missing or
    unreadable (the tables have not been written yet, or are to be written again)."""
    try:
        return OrganisationsExport.model_validate_json(
            (Path(folder) / ORGANISATIONS_JSON).read_bytes()
        )
    except (OSError, ValueError):
        return None


def stale_identity_corrections(folder: str | Path) -> list[str]:
    """Given an output folder, return the identity corrections its organisations.json says no
    longer apply in full, each with where it is written and why (none without the file)."""
    export = read_organisations_export(folder)
    return export.stale_identity_corrections if export is not None else []


def format_stale_identity_corrections(stale: list[str]) -> str:
    """Given the identity corrections that no longer apply in full, return the lines that list
    them ("" when there are none)."""
    if not stale:
        return ""
    rows = [f"{len(stale)} identity correction(s) no longer apply in full:"]
    rows.extend(f"  {item}" for item in stale)
    return "\n".join(rows) + "\n"


def find_organisations(organisations: list[Organisation], name: str) -> list[Organisation]:
    """Given organisations and what a user typed (an id, a name, a short name, a part of one),
    return those it names: the one whose id or one of whose names it is exactly (case aside),
    else every one with a name holding it."""
    wanted = " ".join(name.casefold().split())
    exact = [
        organisation
        for organisation in organisations
        if wanted == organisation.id
        or wanted in {" ".join(n.name.casefold().split()) for n in organisation.names}
        or wanted == organisation.name.casefold()
        or wanted in {short.casefold() for short in organisation.short_names}
    ]
    if exact:
        return exact
    return [
        organisation
        for organisation in organisations
        if any(wanted in n.name.casefold() for n in organisation.names)
        or wanted in organisation.name.casefold()
    ]


def format_organisations(catalogue: str | Path, name: str | None = None) -> str:
    """`brochures organisations [NAME]`: given a catalogue's path, return the list of its
    organisations (id, type, country, projects, name), or, with NAME, each organisation it
    names with its names, facts, merges and projects. An unknown NAME raises `InputError`."""
    organisations = read_organisations(catalogue)
    if name is None:
        return _format_list(organisations)
    found = find_organisations(organisations, name)
    if not found:
        raise InputError(
            Path(catalogue),
            f"no organisation named {name!r}",
            "Run `brochures organisations` to list them; give an id, a name or a short name.",
        )
    return "\n".join(_format_one(organisation, organisations) for organisation in found)


def _format_list(organisations: list[Organisation]) -> str:
    if not organisations:
        return "No organisations yet: run `brochures run` first.\n"
    width = max(len(organisation.id) for organisation in organisations)
    rows = [f"{'id':<{width}}  {'type':<36}  {'country':<14}  projects  name"]
    for organisation in organisations:
        rows.append(
            f"{organisation.id:<{width}}  {organisation.type or '-':<36}  "
            f"{organisation.country or '-':<14}  {len(organisation.projects):>8}  "
            f"{organisation.name}"
        )
    rows.append(f"{len(organisations)} organisations")
    return "\n".join(rows) + "\n"


def _format_one(organisation: Organisation, organisations: list[Organisation]) -> str:
    by_id = {item.id: item for item in organisations}
    children = [item for item in organisations if item.parent_id == organisation.id]
    rows = [f"{organisation.name} ({organisation.id})"]
    facts = [
        ("type", organisation.type, organisation.type_rule),
        ("country", organisation.country, organisation.country_rule),
        ("parent", organisation.parent_name, organisation.parent_rule),
    ]
    for label, value, rule in facts:
        if value:
            rows.append(f"  {label}: {value} (from {rule})")
    if organisation.short_names:
        rows.append(f"  short names: {', '.join(organisation.short_names)}")
    rows.append("  names:")
    rows.extend(f"    {name.name} ({name.mentions}x)" for name in organisation.names)
    if organisation.merges:
        rows.append("  merged:")
        for merge in organisation.merges:
            score = f", {merge.score}" if merge.score is not None else ""
            detail = f": {merge.detail}" if merge.detail else ""
            rows.append(f"    {merge.name} = {merge.joined} [{merge.rule}{score}{detail}]")
    if organisation.kept_apart:
        rows.append("  kept apart (reviewer's split):")
        for split in organisation.kept_apart:
            split_off = ", ".join(split.names)
            ids = ", ".join(split.ids) or "named nowhere"
            from_id = split.split_from_id or "named nowhere"
            note = f": {split.note}" if split.note else ""
            rows.append(f"    {split_off} ({ids}) from {split.split_from} ({from_id}){note}")
    if children:
        rows.append("  part of it: " + ", ".join(child.name for child in children))
    rows.append(f"  projects ({len(organisation.projects)}):")
    for project in organisation.projects:
        roles = ", ".join(project.consortium_roles)
        shown = f" ({roles})" if roles else ""
        rows.append(f"    {project.brochure} / {project.project_id}: {project.title}{shown}")
    if organisation.parent_id and organisation.parent_id not in by_id:
        rows.append(f"  (its parent {organisation.parent_id} is named nowhere any more)")
    return "\n".join(rows) + "\n"
