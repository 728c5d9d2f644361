"""The tables of a run: CSV files and organisations.json that load as they are."""

from __future__ import annotations

import csv
import gc
import io
import json
from pathlib import Path

import pytest
from builders import (
    make_document,
    make_evidence,
    make_extraction,
    make_partner,
    make_project,
    make_work_package,
)

from extractors.organisations import resolve_brochures
from schemas import (
    BrochureExtraction,
    GroundedAmount,
    GroundedDate,
    GroundedText,
    LeadPartner,
    WorkPackage,
)
from schemas.organisations import OrganisationsExport
from workspace.catalogue import Catalogue
from workspace.layout import OutputLayout
from workspace.organisations import read_organisations
from workspace.tables import (
    ORGANISATION_COLUMNS,
    PARTNER_COLUMNS,
    PROJECT_COLUMNS,
    TABLE_FILES,
    WORK_PACKAGE_COLUMNS,
    brochure_tables,
    latest_tables,
    parse_brochure_tables,
    render_brochure_tables,
    render_csv,
    render_tables,
    row_cells,
    tables_of,
    write_tables,
)


def read_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def tables_for(extractions: dict[str, BrochureExtraction]) -> dict[str, str]:
    """The table files of the extractions, resolved among themselves."""
    shares = tables_of(extractions)
    resolution = resolve_brochures({name: share.names for name, share in shares.items()})
    return render_tables(shares, resolution)


@pytest.fixture(scope="module")
def sample_tables(sample_extraction: BrochureExtraction) -> dict[str, str]:
    extractions = {"clust-er-innovate": sample_extraction}
    return tables_for(extractions)


def test_tables_have_their_columns_and_a_row_per_record(
    sample_tables: dict[str, str], sample_extraction: BrochureExtraction
) -> None:
    projects = read_csv(sample_tables["projects.csv"])
    partners = read_csv(sample_tables["partners.csv"])
    packages = read_csv(sample_tables["work_packages.csv"])
    organisations = read_csv(sample_tables["organisations.csv"])

    assert tuple(projects[0]) == PROJECT_COLUMNS
    assert tuple(partners[0]) == PARTNER_COLUMNS
    assert tuple(packages[0]) == WORK_PACKAGE_COLUMNS
    assert tuple(organisations[0]) == ORGANISATION_COLUMNS
    assert [row["project_id"] for row in projects] == [p.id for p in sample_extraction.projects]
    assert len(partners) == sum(len(p.partners) for p in sample_extraction.projects)
    assert len(packages) == sum(len(p.work_packages) for p in sample_extraction.projects)
    assert {row["brochure"] for row in projects + partners + packages} == {"clust-er-innovate"}


def test_tables_join_on_organisation_ids(sample_tables: dict[str, str]) -> None:
    partners = read_csv(sample_tables["partners.csv"])
    organisations = {
        row["organisation_id"]: row for row in read_csv(sample_tables["organisations.csv"])
    }
    exported = OrganisationsExport.model_validate_json(sample_tables["organisations.json"])

    assert all(row["organisation_id"] in organisations for row in partners)
    assert sorted(organisations) == [organisation.id for organisation in exported.organisations]
    itl = {row["name"] for row in partners if row["organisation_id"].startswith("fondazione-ist")}
    assert itl == {
        "Fondazione Istituto sui Trasporti e la Logistica",
        "Foundation Institute for Transport and Logistics",
    }
    person = next(row for row in partners if row["kind"] == "person")
    assert organisations[person["organisation_id"]]["type"] == "person"
    assert person["affiliation_organisation_id"] == "dipartimento-dicam-unibo"
    chamber = next(row for row in partners if row["via"] == "CISE")
    assert chamber["via_organisation_id"] == "cise"
    assert organisations["cise"]["parent_id"] == chamber["organisation_id"]
    publisher = [row for row in partners if row["is_publisher"] == "true"]
    assert {row["organisation_id"] for row in publisher} == {"clust-er-innovate"}


def test_tables_work_package_leader_is_an_organisation(sample_tables: dict[str, str]) -> None:
    packages = read_csv(sample_tables["work_packages.csv"])
    led = [row for row in packages if row["leader"] == "Clust-ER Innovate"]

    assert led and {row["leader_organisation_id"] for row in led} == {"clust-er-innovate"}
    assert {row["lead"] for row in packages} <= {"true", "false"}


def test_tables_projects_name_their_publisher(sample_tables: dict[str, str]) -> None:
    projects = read_csv(sample_tables["projects.csv"])

    assert {row["publisher_organisation_id"] for row in projects} == {"clust-er-innovate"}
    resist = next(row for row in projects if row["project_id"] == "resist0")
    assert (resist["partners"], resist["work_packages"]) == ("4", "1")


def test_tables_keep_commas_quotes_and_lines_inside_cells() -> None:
    columns = ("a", "b", "c", "d")
    text = render_csv(
        columns,
        [row_cells(columns, {"a": 'Say "hi", then', "b": "two\nlines", "c": True, "d": None})],
    )

    assert read_csv(text) == [{"a": 'Say "hi", then', "b": "two\nlines", "c": "true", "d": ""}]


def test_tables_join_several_values_with_semicolons() -> None:
    evidence = make_evidence(2)
    project = make_project(
        "alpha",
        "Alpha",
        countries=[
            GroundedText(value="Italy", text="Italy", evidence=evidence),
            GroundedText(value="Greece", text="Greece", evidence=evidence),
        ],
        partners=[make_partner("Alpha Lab"), make_partner("Alpha-Lab")],
        work_packages=[
            make_work_package(1, "Management"),
            WorkPackage(number=2, title="Review", lead=False, text="", source="review"),
        ],
    )
    extractions = {"agency": make_extraction(project)}
    tables = tables_for(extractions)
    (row,) = read_csv(tables["projects.csv"])
    (organisation,) = read_csv(tables["organisations.csv"])
    packages = read_csv(tables["work_packages.csv"])

    assert row["countries"] == "Italy; Greece"
    assert organisation["names"] == "Alpha Lab; Alpha-Lab"
    assert organisation["merges"] == "normalised: Alpha-Lab = Alpha Lab"
    assert [(p["source"], p["line_start"]) for p in packages] == [
        ("extraction", "1"),
        ("review", ""),
    ]


def test_tables_projects_dates_in_iso_beside_their_words(sample_tables: dict[str, str]) -> None:
    projects = {row["project_id"]: row for row in read_csv(sample_tables["projects.csv"])}

    committee = projects["regional-committee-for-talent-attraction"]
    assert (committee["dates"], committee["dates_iso"]) == ("February 21, 2023", "2023-02-21")
    assert (projects["debuting"]["dates"], projects["debuting"]["dates_iso"]) == ("by 2026", "2026")
    assert {row["budget_amount"] for row in projects.values()} == {""}


def test_tables_projects_budget_dates_and_lead_partner() -> None:
    evidence = make_evidence(3)
    project = make_project(
        "alpha",
        "Alpha",
        partners=[make_partner("Alpha Lab"), make_partner("Beta University", 2)],
        lead_partner=LeadPartner(
            name="Beta University", partner_index=1, role="coordinator", evidence=make_evidence(2)
        ),
        dates=[
            GroundedDate(value="2023-02-21", precision="day", text="21/02/2023", evidence=evidence),
            GroundedDate(
                value="2021", precision="year", end="2024", text="2021-2024", evidence=evidence
            ),
        ],
        budgets=[
            GroundedAmount(
                amount=800_000.0, currency="EUR", kind="funding", text="€ 0,8 M", evidence=evidence
            ),
            GroundedAmount(
                amount=1_200_000.5,
                currency="EUR",
                kind="total",
                text="€ 1.200.000,50",
                evidence=evidence,
            ),
        ],
    )
    extractions = {"agency": make_extraction(project)}
    tables = tables_for(extractions)
    (row,) = read_csv(tables["projects.csv"])
    partners = read_csv(tables["partners.csv"])

    assert (row["dates"], row["dates_iso"]) == ("21/02/2023; 2021-2024", "2023-02-21; 2021/2024")
    assert row["budgets"] == "€ 0,8 M; € 1.200.000,50"
    assert (row["budget_amount"], row["budget_currency"], row["budget_kind"]) == (
        "1200000.5",
        "EUR",
        "total",
    )
    assert (row["lead_partner"], row["lead_partner_role"], row["lead_partner_index"]) == (
        "Beta University",
        "coordinator",
        "1",
    )
    assert row["lead_partner_organisation_id"] == partners[1]["organisation_id"]
    assert row["lead_partner_organisation_id"] != partners[0]["organisation_id"]


def test_tables_projects_lead_partner_no_longer_listed_is_left_empty() -> None:
    project = make_project(
        "alpha",
        "Alpha",
        partners=[make_partner("Alpha Lab")],
        lead_partner=LeadPartner(
            name="Beta University", partner_index=1, role="lead_partner", evidence=make_evidence()
        ),
    )
    extractions = {"agency": make_extraction(project)}
    (row,) = read_csv(tables_for(extractions)["projects.csv"])

    assert [row[column] for column in PROJECT_COLUMNS if column.startswith("lead_partner")] == [
        "",
        "",
        "",
        "",
    ]


def test_tables_written_whole_with_stable_ids(
    tmp_path: Path, sample_extraction: BrochureExtraction
) -> None:
    layout = OutputLayout.of(tmp_path / "output")
    extractions = {"clust-er-innovate": sample_extraction}
    written = write_tables(layout, tables_of(extractions))
    first = (layout.folder / "organisations.csv").read_text(encoding="utf-8")
    again = write_tables(layout, tables_of(extractions))

    assert all((layout.folder / name).is_file() for name in TABLE_FILES)
    # The organisations written are those the catalogue now holds, sorted by id.
    assert written == again == read_organisations(layout.catalogue)
    assert [organisation.id for organisation in written] == sorted(o.id for o in written)
    assert (layout.folder / "organisations.csv").read_text(encoding="utf-8") == first
    assert sorted(p.name for p in layout.folder.iterdir() if p.name.startswith(".")) == []
    data = json.loads((layout.folder / "organisations.json").read_text(encoding="utf-8"))
    assert data["schema_version"] == "1.1"
    assert layout.catalogue.exists()


def test_tables_share_of_a_brochure_reads_back_as_made(
    sample_extraction: BrochureExtraction,
) -> None:
    share = brochure_tables("clust-er-innovate", sample_extraction)
    read = parse_brochure_tables("clust-er-innovate", render_brochure_tables(share))

    assert read == share
    # The sample has every kind of mention a share keeps: parents, a company a partner acts
    # through (with its type hint), persons with their affiliation.
    roles = {mention.role for mention in share.names.mentions}
    assert {"publisher", "partner", "person", "affiliation", "via", "parent"} <= roles
    via = next(mention for mention in read.names.mentions if mention.role == "via")
    assert via.type_hint == ("company", "via") and via.parent is not None


def test_tables_share_made_with_other_code_or_rules_is_not_read(
    sample_extraction: BrochureExtraction,
) -> None:
    text = render_brochure_tables(brochure_tables("clust-er-innovate", sample_extraction))
    data = json.loads(text)
    data["made_with"] = "another version"

    assert parse_brochure_tables("clust-er-innovate", json.dumps(data)) is None
    assert parse_brochure_tables("clust-er-innovate", "not json") is None


def test_tables_share_missing_from_an_edition_is_made_and_kept(
    tmp_path: Path, sample_extraction: BrochureExtraction
) -> None:
    with Catalogue(tmp_path / "catalogue.sqlite3") as catalogue:
        # Stored without its share, as editions of a catalogue before version 5 were.
        catalogue.add_edition(
            "clust-er-innovate",
            sample_extraction,
            source="x.txt",
            pipeline_version="v",
            previous=None,
        )
        assert catalogue.published_tables() == {"clust-er-innovate": (1, None)}

        found = latest_tables(catalogue)
        (number, kept) = catalogue.published_tables()["clust-er-innovate"]

    assert found == {"clust-er-innovate": brochure_tables("clust-er-innovate", sample_extraction)}
    assert number == 1 and kept is not None
    assert parse_brochure_tables("clust-er-innovate", kept) == found["clust-er-innovate"]


def test_tables_from_kept_shares_equal_tables_from_extractions(
    tmp_path: Path, sample_extraction: BrochureExtraction
) -> None:
    other = make_extraction(
        make_project("alpha", "Alpha", partners=[make_partner("Alpha Lab")]),
        document=make_document(source="raw/agency.txt"),
    )
    extractions = {"clust-er-innovate": sample_extraction, "agency": other}
    with Catalogue(tmp_path / "catalogue.sqlite3") as catalogue:
        for name, extraction in extractions.items():
            share = render_brochure_tables(brochure_tables(name, extraction))
            catalogue.add_edition(
                name, extraction, source=name, pipeline_version="v", previous=None, tables=share
            )
        kept = latest_tables(catalogue)

    assert render_tables(kept, resolve_brochures({n: s.names for n, s in kept.items()})) == (
        tables_for(extractions)
    )


def test_tables_leave_the_cycle_collector_as_they_found_it(
    tmp_path: Path, sample_extraction: BrochureExtraction
) -> None:
    layout = OutputLayout.of(tmp_path / "output")
    shares = tables_of({"clust-er-innovate": sample_extraction})
    assert gc.isenabled()
    write_tables(layout, shares)
    assert gc.isenabled()

    gc.disable()
    try:
        write_tables(layout, shares)
        assert not gc.isenabled()
    finally:
        gc.enable()
