from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from builders import make_document, make_extraction, make_project

from schemas import (
    BrochureExtraction,
    ExtractionWarning,
    InputError,
    OutputError,
)
from schemas.warnings import WARNING_MEANINGS
from workspace.catalogue import SCHEMA_VERSION, Catalogue, kept_open

CODES = list(WARNING_MEANINGS)


def extraction(sha256: str, *titles: str, warnings: int = 0) -> BrochureExtraction:
    return make_extraction(
        *(make_project(title.lower(), title) for title in titles),
        document=make_document("agency.txt", sha256, characters=10, lines=2),
        warnings=[
            ExtractionWarning(code=code, message=f"message {index}", project_id="alpha")
            for index, code in enumerate(CODES[:warnings])
        ],
    )


@pytest.fixture
def catalogue(tmp_path: Path):
    with Catalogue(tmp_path / "out" / "catalogue.sqlite3") as opened:
        yield opened


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


VERSION_1_SCHEMA = """
CREATE TABLE schema_version (version INTEGER NOT NULL);
CREATE TABLE editions (
    brochure TEXT NOT NULL, number INTEGER NOT NULL, source TEXT NOT NULL,
    sha256 TEXT NOT NULL, pipeline_version TEXT NOT NULL, ingested_at TEXT NOT NULL,
    projects INTEGER NOT NULL, warnings INTEGER NOT NULL, extraction TEXT NOT NULL,
    PRIMARY KEY (brochure, number)
);
CREATE TABLE warnings (
    brochure TEXT NOT NULL, edition INTEGER NOT NULL, position INTEGER NOT NULL,
    code TEXT NOT NULL, project_id TEXT, message TEXT NOT NULL,
    PRIMARY KEY (brochure, edition, position),
    FOREIGN KEY (brochure, edition) REFERENCES editions (brochure, number) ON DELETE CASCADE
);
INSERT INTO schema_version VALUES (1);
"""


def test_catalogue_of_version_1_is_migrated_and_web_pages_take_their_name(
    tmp_path: Path,
) -> None:
    import sqlite3

    path = tmp_path / "catalogue.sqlite3"
    database = sqlite3.connect(path)
    database.executescript(VERSION_1_SCHEMA)
    for brochure in ("page.html", "notes.md", "clash.docx", "clash"):
        database.execute(
            "INSERT INTO editions VALUES (?, 1, ?, 'abc', 'v1', 'now', 0, 1, '{}')",
            (brochure, brochure),
        )
        database.execute("INSERT INTO warnings VALUES (?, 1, 0, 'w', NULL, 'm')", (brochure,))
    database.commit()
    database.close()

    with Catalogue(path) as catalogue:
        assert catalogue.brochures() == ["clash", "clash.docx", "notes", "page"]
        (edition,) = catalogue.editions("page")
        assert (edition.source, edition.published) == ("page.html", True)
    database = sqlite3.connect(path)
    assert database.execute("SELECT version FROM schema_version").fetchall() == [(SCHEMA_VERSION,)]
    assert sorted(row[0] for row in database.execute("SELECT brochure FROM warnings")) == [
        "clash",
        "clash.docx",
        "notes",
        "page",
    ]
    database.close()


def catalogue_of_one_edition(folder: Path) -> Path:
    """A catalogue holding one edition of "agency", closed, to make older by hand."""
    path = folder / "catalogue.sqlite3"
    with Catalogue(path) as catalogue:
        catalogue.add_edition(
            "agency",
            extraction("1" * 64, "Alpha"),
            source="a.txt",
            pipeline_version="v",
            previous=None,
        )
    return path


def test_catalogue_of_version_3_has_its_dates_read_into_iso_8601(tmp_path: Path) -> None:
    import json

    path = catalogue_of_one_edition(tmp_path)
    database = sqlite3.connect(path)
    (stored,) = database.execute("SELECT extraction FROM editions").fetchone()
    old = json.loads(stored)
    evidence = old["projects"][0]["evidence"]
    old["schema_version"] = "1.0"
    old["projects"][0]["dates"] = [
        {"value": words, "text": words, "evidence": evidence}
        for words in ("30/09/2021", "by 2026", "31/02/2023")
    ]
    database.execute("UPDATE editions SET extraction = ?", (json.dumps(old),))
    database.execute("UPDATE schema_version SET version = 3")
    database.commit()
    database.close()

    with Catalogue(path) as catalogue:
        migrated = catalogue.extraction("agency")

    assert [(d.value, d.precision, d.qualifier, d.text) for d in migrated.projects[0].dates] == [
        ("2021-09-30", "day", None, "30/09/2021"),
        ("2026", "year", "by", "by 2026"),
    ]
    assert migrated.schema_version == BrochureExtraction.model_fields["schema_version"].default


def test_catalogue_of_version_4_gets_a_place_for_shares_of_the_tables(tmp_path: Path) -> None:
    path = catalogue_of_one_edition(tmp_path)
    database = sqlite3.connect(path)
    database.execute("ALTER TABLE editions DROP COLUMN tables")
    database.execute("UPDATE schema_version SET version = 4")
    database.commit()
    database.close()

    with Catalogue(path) as catalogue:
        assert catalogue.published_tables() == {"agency": (1, None)}
        catalogue.store_tables({"agency": (1, "{}")})
        assert catalogue.published_tables() == {"agency": (1, "{}")}
    database = sqlite3.connect(path)
    assert database.execute("SELECT version FROM schema_version").fetchall() == [(SCHEMA_VERSION,)]
    database.close()


def test_catalogue_kept_open_spares_each_closing_connection_the_checkpoint(
    tmp_path: Path,
) -> None:
    path = tmp_path / "catalogue.sqlite3"
    wal = tmp_path / "catalogue.sqlite3-wal"

    def store(number: int) -> None:
        with Catalogue(path) as catalogue:
            catalogue.add_edition(
                "agency",
                extraction(str(number) * 64, "Alpha"),
                source="a.txt",
                pipeline_version="v",
                previous=number - 1 or None,
            )

    store(1)
    assert not wal.exists()  # the last connection to close checkpointed the log away
    with kept_open(path):
        store(2)
        assert wal.stat().st_size > 0  # not checkpointed: another connection is open
    assert not wal.exists()
    with Catalogue(path) as catalogue:
        assert [edition.number for edition in catalogue.editions("agency")] == [1, 2]


def test_catalogue_kept_open_leaves_a_damaged_catalogue_to_the_brochures(tmp_path: Path) -> None:
    path = tmp_path / "catalogue.sqlite3"
    path.write_bytes(b"not a database at all" * 100)

    with kept_open(path), pytest.raises(InputError):
        Catalogue(path)
