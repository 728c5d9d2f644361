"""The catalogue: every successful ingestion of every brochure, kept as numbered editions.

SQLite from the standard library, embedded in a file (default `<output>/catalogue.sqlite3`). All
access goes through `Catalogue`, so that a server database could replace SQLite behind the same
methods. Writes are single transactions: a crash leaves the previous state, never half an
edition. The database runs in WAL mode, so readers (the planning of a run, `brochures changes`)
do not block the one writer.

One row per edition holds the source, its SHA-256, the pipeline version, the time, and the
extraction as its JSON export; the warnings are also kept one row each, to be queried with SQL.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

from schemas import BrochureExtraction, InputError, OutputError

CATALOGUE_NAME = "catalogue.sqlite3"
SCHEMA_VERSION = 1
# A writer waits this long for another to finish its transaction before giving up.
BUSY_TIMEOUT_SECONDS = 30

_SCHEMA = """
CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS editions (
    brochure TEXT NOT NULL,
    number INTEGER NOT NULL,
    source TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    pipeline_version TEXT NOT NULL,
    ingested_at TEXT NOT NULL,
    projects INTEGER NOT NULL,
    warnings INTEGER NOT NULL,
    extraction TEXT NOT NULL,
    PRIMARY KEY (brochure, number)
);
CREATE TABLE IF NOT EXISTS warnings (
    brochure TEXT NOT NULL,
    edition INTEGER NOT NULL,
    position INTEGER NOT NULL,
    code TEXT NOT NULL,
    project_id TEXT,
    message TEXT NOT NULL,
    PRIMARY KEY (brochure, edition, position),
    FOREIGN KEY (brochure, edition) REFERENCES editions (brochure, number) ON DELETE CASCADE
);
"""

_EDITION_COLUMNS = (
    "brochure, number, source, sha256, pipeline_version, ingested_at, projects, warnings"
)


def default_catalogue_path(out_dir: str | Path) -> Path:
    """Given the output folder, return where its catalogue lives by default."""
    return Path(out_dir) / CATALOGUE_NAME


@dataclass(frozen=True)
class Edition:
    """One stored edition of a brochure, without its extraction."""

    brochure: str
    number: int
    source: str
    sha256: str
    pipeline_version: str
    ingested_at: str
    projects: int
    warnings: int


def _edition(row: sqlite3.Row) -> Edition:
    return Edition(
        brochure=row["brochure"],
        number=row["number"],
        source=row["source"],
        sha256=row["sha256"],
        pipeline_version=row["pipeline_version"],
        ingested_at=row["ingested_at"],
        projects=row["projects"],
        warnings=row["warnings"],
    )


class Catalogue:
    """The editions of every brochure, in one SQLite file.

    `Catalogue(path)` opens (and with `create=True`, the default, creates) the database; use it
    as a context manager, or call `close()`. One object belongs to one thread.
    """

    def __init__(self, path: str | Path, *, create: bool = True) -> None:
        self.path = Path(path)
        if not create and not self.path.is_file():
            raise InputError(
                self.path,
                "no catalogue here",
                "Run `brochures run` first, or name the catalogue with --catalogue.",
            )
        try:
            if create:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            self._connection = sqlite3.connect(
                self.path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None
            )
        except (OSError, sqlite3.Error) as error:
            raise self._write_error(error) from error
        self._connection.row_factory = sqlite3.Row
        try:
            self._prepare()
        except BaseException:
            self._connection.close()
            raise

    def __enter__(self) -> Catalogue:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the database."""
        self._connection.close()

    def _write_error(self, error: Exception) -> OutputError:
        return OutputError(
            self.path,
            f"catalogue could not be opened or written ({error})",
            "Check that its folder is writable and has space; if another run is writing it, "
            "wait for that run to end.",
        )

    def _prepare(self) -> None:
        """Check the file is a catalogue of a known schema version; create the tables if new."""
        try:
            self._connection.execute("PRAGMA foreign_keys = ON")
            self._connection.execute("PRAGMA journal_mode = WAL")
            if not self._has_schema():
                # Checked again inside the write transaction: another process may have
                # created the tables meanwhile.
                with self._transaction():
                    if not self._has_schema():
                        for statement in _SCHEMA.split(";"):
                            if statement.strip():
                                self._connection.execute(statement)
                        self._connection.execute(
                            "INSERT INTO schema_version (version) VALUES (?)", (SCHEMA_VERSION,)
                        )
            row = self._connection.execute("SELECT version FROM schema_version").fetchone()
        except sqlite3.OperationalError as error:
            raise self._write_error(error) from error
        except sqlite3.DatabaseError as error:
            raise self._not_a_catalogue(error) from error
        version = row["version"] if row is not None else None
        if version != SCHEMA_VERSION:
            raise InputError(
                self.path,
                f"catalogue has schema version {version}, this program reads {SCHEMA_VERSION}",
                "Use the brochures release that wrote it, or start a new catalogue "
                "with --catalogue.",
            )

    def _has_schema(self) -> bool:
        found = self._connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'"
        ).fetchone()
        return found is not None

    def _not_a_catalogue(self, error: Exception) -> InputError:
        return InputError(
            self.path,
            f"is not a catalogue database ({error})",
            "Move the file away, or name another catalogue with --catalogue.",
        )

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """Run the block in one write transaction: committed whole, or rolled back whole."""
        self._connection.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._connection.execute("ROLLBACK")
            raise
        self._connection.execute("COMMIT")

    def _query(self, sql: str, parameters: tuple[object, ...] = ()) -> list[sqlite3.Row]:
        try:
            return self._connection.execute(sql, parameters).fetchall()
        except sqlite3.OperationalError as error:
            raise self._write_error(error) from error
        except sqlite3.DatabaseError as error:
            raise self._not_a_catalogue(error) from error

    def brochures(self) -> list[str]:
        """Return the names of the brochures that have at least one edition, sorted."""
        rows = self._query("SELECT DISTINCT brochure FROM editions ORDER BY brochure")
        return [row["brochure"] for row in rows]

    def latest_editions(self) -> dict[str, Edition]:
        """Return the latest edition of every brochure, by name, in one query."""
        rows = self._query(
            f"SELECT {_EDITION_COLUMNS} FROM editions AS e WHERE number = "
            "(SELECT MAX(number) FROM editions WHERE brochure = e.brochure)"
        )
        return {row["brochure"]: _edition(row) for row in rows}

    def editions(self, brochure: str) -> list[Edition]:
        """Given a brochure's name, return its editions, oldest first (empty when unknown)."""
        rows = self._query(
            f"SELECT {_EDITION_COLUMNS} FROM editions WHERE brochure = ? ORDER BY number",
            (brochure,),
        )
        return [_edition(row) for row in rows]

    def latest(self, brochure: str) -> Edition | None:
        """Given a brochure's name, return its latest edition, or None when it has none."""
        editions = self.editions(brochure)
        return editions[-1] if editions else None

    def extraction(self, brochure: str, number: int | None = None) -> BrochureExtraction:
        """Given a brochure's name and an edition (None: the latest), return its extraction.

        An unknown brochure or edition raises `InputError` naming the ones there are.
        """
        editions = self.editions(brochure)
        if not editions:
            known = ", ".join(self.brochures()) or "none yet"
            raise InputError(
                self.path,
                f"catalogue has no brochure named {brochure!r}",
                f"Name one of the brochures it holds: {known}.",
            )
        wanted = editions[-1].number if number is None else number
        rows = self._query(
            "SELECT extraction FROM editions WHERE brochure = ? AND number = ?",
            (brochure, wanted),
        )
        if not rows:
            numbers = ", ".join(str(edition.number) for edition in editions)
            raise InputError(
                self.path,
                f"brochure {brochure!r} has no edition {wanted}",
                f"Its editions are: {numbers}.",
            )
        return BrochureExtraction.model_validate_json(rows[0]["extraction"])

    def add_edition(
        self,
        brochure: str,
        extraction: BrochureExtraction,
        *,
        source: str,
        pipeline_version: str,
        previous: int | None,
        ingested_at: datetime | None = None,
    ) -> Edition:
        """Store `extraction` as the next edition of `brochure`, in one transaction; return it.

        `previous` is the number of the latest edition the caller compared against (None: it
        found none). When another run has added an edition since, nothing is stored and an
        `OutputError` says so: the caller's comparison is stale, and a retry redoes it.
        """
        moment = (ingested_at or datetime.now(UTC)).isoformat(timespec="seconds")
        try:
            with self._transaction():
                row = self._connection.execute(
                    "SELECT MAX(number) AS number FROM editions WHERE brochure = ?",
                    (brochure,),
                ).fetchone()
                latest = row["number"] if row is not None else None
                if latest != previous:
                    raise OutputError(
                        self.path,
                        f"edition {latest} of {brochure!r} was stored by another run while "
                        f"this one compared against edition {previous}",
                        "The brochure is ingested again against the new latest edition.",
                    )
                number = (latest or 0) + 1
                self._connection.execute(
                    f"INSERT INTO editions ({_EDITION_COLUMNS}, extraction) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        brochure,
                        number,
                        source,
                        extraction.document.sha256,
                        pipeline_version,
                        moment,
                        len(extraction.projects),
                        len(extraction.warnings),
                        extraction.model_dump_json(),
                    ),
                )
                self._connection.executemany(
                    "INSERT INTO warnings (brochure, edition, position, code, project_id, "
                    "message) VALUES (?, ?, ?, ?, ?, ?)",
                    [
                        (brochure, number, position, item.code, item.project_id, item.message)
                        for position, item in enumerate(extraction.warnings)
                    ],
                )
        except sqlite3.Error as error:
            raise self._write_error(error) from error
        return Edition(
            brochure=brochure,
            number=number,
            source=source,
            sha256=extraction.document.sha256,
            pipeline_version=pipeline_version,
            ingested_at=moment,
            projects=len(extraction.projects),
            warnings=len(extraction.warnings),
        )


def read_latest_editions(path: str | Path) -> dict[str, Edition]:
    """Given a catalogue's path, return the latest edition of every brochure (none when the
    catalogue does not exist yet; reading never creates it)."""
    if not Path(path).exists():
        return {}
    with Catalogue(path, create=False) as catalogue:
        return catalogue.latest_editions()


def read_latest_extraction(
    path: str | Path, brochure: str
) -> tuple[Edition, BrochureExtraction] | None:
    """Given a catalogue's path and a brochure's name, return its latest edition and extraction
    (None when it has none, or the catalogue does not exist yet)."""
    if not Path(path).exists():
        return None
    with Catalogue(path, create=False) as catalogue:
        latest = catalogue.latest(brochure)
        if latest is None:
            return None
        return latest, catalogue.extraction(brochure, latest.number)
