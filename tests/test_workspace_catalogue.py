from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from schemas import (
    BrochureExtraction,
    DocumentInfo,
    Evidence,
    ExtractionWarning,
    InputError,
    OutputError,
    Project,
)
from schemas.warnings import WARNING_MEANINGS
from workspace.catalogue import SCHEMA_VERSION, Catalogue, default_catalogue_path

EVIDENCE = Evidence(start=0, end=1, line_start=1, line_end=1)


CODES = list(WARNING_MEANINGS)


def extraction(sha256: str, *titles: str, warnings: int = 0) -> BrochureExtraction:
    return BrochureExtraction(
        document=DocumentInfo(
            source="agency.txt",
            sha256=sha256,
            format="text",
            encoding="utf-8",
            newline="lf",
            characters=10,
            lines=2,
        ),
        projects=[
            Project(id=title.lower(), title=title, title_evidence=EVIDENCE, evidence=EVIDENCE)
            for title in titles
        ],
        warnings=[
            ExtractionWarning(code=code, message=f"message {index}", project_id="alpha")
            for index, code in enumerate(CODES[:warnings])
        ],
    )


@pytest.fixture
def catalogue(tmp_path: Path):
    with Catalogue(tmp_path / "out" / "catalogue.sqlite3") as opened:
        yield opened


def test_catalogue_default_path_is_in_the_output_folder() -> None:
    assert default_catalogue_path("output") == Path("output/catalogue.sqlite3")


def test_catalogue_numbers_editions_and_returns_them(catalogue: Catalogue) -> None:
    first = extraction("1" * 64, "Alpha", warnings=2)
    second = extraction("2" * 64, "Alpha", "Beta")
    moment = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)

    stored = catalogue.add_edition(
        "agency",
        first,
        source="raw/agency.txt",
        pipeline_version="v1",
        previous=None,
        ingested_at=moment,
    )
    catalogue.add_edition(
        "agency", second, source="raw/agency.txt", pipeline_version="v2", previous=1
    )
    catalogue.add_edition(
        "other", first, source="raw/other.txt", pipeline_version="v1", previous=None
    )

    assert stored.number == 1
    assert stored.ingested_at == "2026-03-02T06:00:00+00:00"
    assert [
        (item.number, item.sha256[0], item.pipeline_version, item.projects, item.warnings)
        for item in catalogue.editions("agency")
    ] == [(1, "1", "v1", 1, 2), (2, "2", "v2", 2, 0)]
    assert catalogue.extraction("agency") == second
    assert catalogue.extraction("agency", 1) == first
    latest = catalogue.latest_editions()
    assert {name: item.number for name, item in latest.items()} == {"agency": 2, "other": 1}
    assert catalogue.brochures() == ["agency", "other"]
    assert catalogue.latest("absent") is None


def test_catalogue_keeps_warnings_one_row_each(tmp_path: Path) -> None:
    path = tmp_path / "catalogue.sqlite3"
    with Catalogue(path) as catalogue:
        catalogue.add_edition(
            "agency",
            extraction("1" * 64, "Alpha", warnings=3),
            source="a.txt",
            pipeline_version="v1",
            previous=None,
        )

    rows = (
        sqlite3.connect(path)
        .execute("SELECT edition, position, code, project_id FROM warnings ORDER BY position")
        .fetchall()
    )

    assert rows == [(1, index, code, "alpha") for index, code in enumerate(CODES[:3])]


def test_catalogue_refuses_an_edition_compared_against_a_stale_one(catalogue: Catalogue) -> None:
    catalogue.add_edition(
        "agency", extraction("1" * 64), source="a.txt", pipeline_version="v", previous=None
    )
    catalogue.add_edition(
        "agency", extraction("2" * 64), source="a.txt", pipeline_version="v", previous=1
    )

    with pytest.raises(OutputError, match="edition 2 of 'agency' was stored by another run"):
        catalogue.add_edition(
            "agency", extraction("3" * 64), source="a.txt", pipeline_version="v", previous=1
        )

    assert [item.number for item in catalogue.editions("agency")] == [1, 2]


def test_catalogue_failed_write_leaves_no_half_edition(tmp_path: Path) -> None:
    path = tmp_path / "catalogue.sqlite3"
    with Catalogue(path) as catalogue:
        catalogue.add_edition(
            "agency", extraction("1" * 64), source="a.txt", pipeline_version="v", previous=None
        )
    # The edition row goes in first; make the warning rows after it fail.
    with sqlite3.connect(path) as connection:
        connection.execute(
            "CREATE TRIGGER refuse BEFORE INSERT ON warnings "
            "BEGIN SELECT RAISE(ABORT, 'disk full'); END"
        )

    with Catalogue(path) as catalogue:
        with pytest.raises(OutputError, match="disk full"):
            catalogue.add_edition(
                "agency",
                extraction("2" * 64, warnings=1),
                source="a.txt",
                pipeline_version="v",
                previous=1,
            )

        assert [item.number for item in catalogue.editions("agency")] == [1]
        assert catalogue.extraction("agency").document.sha256 == "1" * 64


def test_catalogue_uses_write_ahead_logging_and_records_its_schema(tmp_path: Path) -> None:
    path = tmp_path / "catalogue.sqlite3"
    Catalogue(path).close()

    connection = sqlite3.connect(path)

    assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert connection.execute("SELECT version FROM schema_version").fetchall() == [
        (SCHEMA_VERSION,)
    ]


def test_catalogue_reopens_an_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "catalogue.sqlite3"
    with Catalogue(path) as catalogue:
        catalogue.add_edition(
            "agency", extraction("1" * 64), source="a.txt", pipeline_version="v", previous=None
        )

    with Catalogue(path, create=False) as catalogue:
        assert [item.number for item in catalogue.editions("agency")] == [1]


def test_catalogue_missing_file_without_create_names_the_fix(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no catalogue here. Run `brochures run` first"):
        Catalogue(tmp_path / "absent.sqlite3", create=False)

    assert not (tmp_path / "absent.sqlite3").exists()


def test_catalogue_refuses_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "catalogue.sqlite3"
    path.write_bytes(b"these are not the bytes of a database" * 100)

    with pytest.raises(InputError, match="is not a catalogue database"):
        Catalogue(path)


def test_catalogue_refuses_another_schema_version(tmp_path: Path) -> None:
    path = tmp_path / "catalogue.sqlite3"
    Catalogue(path).close()
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE schema_version SET version = ?", (SCHEMA_VERSION + 1,))

    with pytest.raises(InputError, match=f"schema version {SCHEMA_VERSION + 1}"):
        Catalogue(path)


def test_catalogue_unknown_brochure_or_edition_names_what_there_is(catalogue: Catalogue) -> None:
    catalogue.add_edition(
        "agency", extraction("1" * 64), source="a.txt", pipeline_version="v", previous=None
    )

    with pytest.raises(InputError, match="no brochure named 'agenzia'.*: agency"):
        catalogue.extraction("agenzia")
    with pytest.raises(InputError, match="has no edition 4. Its editions are: 1"):
        catalogue.extraction("agency", 4)
