"""The catalogue: every successful ingestion of every brochure, kept as numbered editions.

SQLite from the standard library, embedded in a file (default `<output>/catalogue.sqlite3`). All
access goes through `Catalogue`, so that a server database could replace SQLite behind the same
methods. Writes are single transactions: a crash leaves the previous state, never half an
edition. The database runs in WAL mode, so readers (the planning of a run, `brochures changes`)
do not block the one writer.

One row per edition holds the source, its SHA-256, the pipeline version, the time, and the
extraction as its JSON export; the warnings are also kept one row each, to be queried with SQL.
Organisation identities (schema version 3) are kept too: every organisation with its stable id,
every name it has had (so the next edition's names find their ids again), and the mentions of
the latest editions, so that "which projects is X in" is one SQL join.
An edition is stored unpublished, and marked published once its files are in the output folder:
a run that stops between the two leaves an edition the next run extracts again.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import NamedTuple

from schemas import BrochureExtraction, InputError, OutputError
from schemas.organisations import Organisation, OrganisationMention, RememberedName
from schemas.records import SCHEMA_VERSION as EXPORT_SCHEMA_VERSION

SCHEMA_VERSION = 5
# A writer waits this long for another to finish its transaction before giving up.
BUSY_TIMEOUT_SECONDS = 30

# Brochures failing since their last edition (see `Catalogue.record_failure`).
_FAILURES_TABLE = """CREATE TABLE IF NOT EXISTS failures (
    brochure TEXT PRIMARY KEY,
    sha256 TEXT NOT NULL,
    pipeline_version TEXT NOT NULL,
    error_code TEXT NOT NULL,
    error TEXT NOT NULL,
    failed_at TEXT NOT NULL
)
"""
_SCHEMA = (
    _FAILURES_TABLE
    + """;

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
    published INTEGER NOT NULL DEFAULT 1,
    as_read TEXT,
    tables TEXT,
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
)

# Schema version 3: organisation identities. An id, once given, is never given to another
# organisation: `organisations` keeps every one (`current` = named in the latest resolution),
# `organisation_names` every name with the id it last resolved to.
_ORGANISATION_SCHEMA = """
CREATE TABLE IF NOT EXISTS organisations (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    type TEXT,
    country TEXT,
    parent_id TEXT,
    current INTEGER NOT NULL DEFAULT 1,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    record TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS organisation_names (
    name TEXT NOT NULL,
    country TEXT NOT NULL DEFAULT '',
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    first_seen TEXT NOT NULL,
    PRIMARY KEY (name, country)
);
CREATE TABLE IF NOT EXISTS organisation_mentions (
    brochure TEXT NOT NULL,
    position INTEGER NOT NULL,
    edition INTEGER,
    project_id TEXT,
    role TEXT NOT NULL,
    name TEXT NOT NULL,
    partner_index INTEGER,
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    PRIMARY KEY (brochure, position)
);
CREATE INDEX IF NOT EXISTS organisation_mentions_by_organisation
    ON organisation_mentions (organisation_id);
"""

# Suffixes of brochure files that catalogues of schema version 1 kept in the brochure's name.
_SUFFIXES_KEPT_IN_VERSION_1 = (".html", ".htm", ".md", ".markdown", ".docx")


def _migrate_from_1(connection: sqlite3.Connection) -> None:
    """Version 1 -> 2: editions get their `published` flag (set: they were written whole) and
    their extraction as read (null: only the corrected one was kept), and brochures kept under
    their file name ("page.html") take their name ("page") unless another brochure has it."""
    connection.execute("ALTER TABLE editions ADD COLUMN published INTEGER NOT NULL DEFAULT 1")
    connection.execute("ALTER TABLE editions ADD COLUMN as_read TEXT")
    connection.execute(_FAILURES_TABLE)
    names = {row[0] for row in connection.execute("SELECT DISTINCT brochure FROM editions")}
    connection.execute("PRAGMA defer_foreign_keys = ON")
    for old in sorted(names):
        suffix = next((s for s in _SUFFIXES_KEPT_IN_VERSION_1 if old.lower().endswith(s)), None)
        new = old[: -len(suffix)] if suffix else old
        if new == old or new in names:
            continue
        names.add(new)
        for table in ("editions", "warnings"):
            connection.execute(f"UPDATE {table} SET brochure = ? WHERE brochure = ?", (new, old))


def _migrate_from_2(connection: sqlite3.Connection) -> None:
    """Version 2 -> 3: the organisation tables, empty until the next run resolves the
    organisations of the brochures."""
    _create(connection, _ORGANISATION_SCHEMA)


def _migrate_from_3(connection: sqlite3.Connection) -> None:
    """Version 3 -> 4: the dates of every stored extraction in ISO 8601 (`GroundedDate`), read
    from their words with the packaged patterns, as a new extraction gives them (words that
    name no calendar date are dropped); the extractions take the export's schema version."""
    from extractors.facts import read_date
    from extractors.rules import load_rules

    words = load_rules().fact_words

    def upgraded(stored: str) -> str:
        data = json.loads(stored)
        for project in data.get("projects", []):
            dates = []
            for date in project.get("dates", []):
                read = read_date(date["text"], words.months, words.qualifiers)
                if read is not None:
                    dates.append({**date, **asdict(read)})
            project["dates"] = dates
        if "projects" in data:
            data["schema_version"] = EXPORT_SCHEMA_VERSION
        return json.dumps(data, ensure_ascii=False)

    rows = connection.execute("SELECT brochure, number, extraction, as_read FROM editions")
    for brochure, number, extraction, as_read in rows.fetchall():
        connection.execute(
            "UPDATE editions SET extraction = ?, as_read = ? WHERE brochure = ? AND number = ?",
            (upgraded(extraction), upgraded(as_read) if as_read else None, brochure, number),
        )


def _migrate_from_4(connection: sqlite3.Connection) -> None:
    """Version 4 -> 5: editions get their share of the tables (null: made from the extraction
    when the tables are next written, see `workspace.tables.latest_tables`)."""
    columns = {row[1] for row in connection.execute("PRAGMA table_info(editions)")}
    if "tables" not in columns:  # a catalogue made at version 5 and marked older has it
        connection.execute("ALTER TABLE editions ADD COLUMN tables TEXT")


def _create(connection: sqlite3.Connection, schema: str) -> None:
    for statement in schema.split(";"):
        if statement.strip():
            connection.execute(statement)


# Each older schema version, and the function that brings a catalogue of it to the next one.
_MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {
    1: _migrate_from_1,
    2: _migrate_from_2,
    3: _migrate_from_3,
    4: _migrate_from_4,
}

_EDITION_COLUMNS = (
    "brochure, number, source, sha256, pipeline_version, ingested_at, projects, warnings"
)


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
    published: bool = True


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
        published=bool(row["published"]),
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
            # A commit waits for no disk flush (the log is flushed at checkpoints): a power
            # loss may undo the last commits, never half of one, and a brochure whose edition
            # was undone is extracted again at the next run (see `mark_published`).
            self._connection.execute("PRAGMA synchronous = NORMAL")
            if not self._has_schema():
                # Checked again inside the write transaction: another process may have
                # created the tables meanwhile.
                with self._transaction():
                    if not self._has_schema():
                        _create(self._connection, _SCHEMA)
                        _create(self._connection, _ORGANISATION_SCHEMA)
                        self._connection.execute(
                            "INSERT INTO schema_version (version) VALUES (?)", (SCHEMA_VERSION,)
                        )
            version = self._schema_version()
            if version in _MIGRATIONS:
                version = self._migrate()
        except sqlite3.OperationalError as error:
            raise self._write_error(error) from error
        except sqlite3.DatabaseError as error:
            raise self._not_a_catalogue(error) from error
        if version != SCHEMA_VERSION:
            raise InputError(
                self.path,
                f"catalogue has schema version {version}, this program reads {SCHEMA_VERSION}",
                "Use the brochures release that wrote it, or start a new catalogue "
                "with --catalogue.",
            )

    def _schema_version(self) -> int | None:
        row = self._connection.execute("SELECT version FROM schema_version").fetchone()
        return row["version"] if row is not None else None

    def _migrate(self) -> int | None:
        """Bring a catalogue of an older schema version to this one, in one transaction; return
        the version it has then."""
        with self._transaction():
            version = self._schema_version()
            while version in _MIGRATIONS:
                _MIGRATIONS[version](self._connection)
                version += 1
            self._connection.execute("UPDATE schema_version SET version = ?", (version,))
        return version

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
            f"SELECT {_EDITION_COLUMNS}, published FROM editions AS e WHERE number = "
            "(SELECT MAX(number) FROM editions WHERE brochure = e.brochure)"
        )
        return {row["brochure"]: _edition(row) for row in rows}

    def published_extractions(
        self, brochures: Iterable[str] | None = None
    ) -> dict[str, BrochureExtraction]:
        """Return the extraction of the latest published edition of every brochure (or of those
        named), by name, in one query (a brochure whose only editions are unpublished is left
        out)."""
        rows = self._query(
            "SELECT brochure, extraction FROM editions AS e WHERE number = "
            "(SELECT MAX(number) FROM editions WHERE brochure = e.brochure AND published = 1) "
            "ORDER BY brochure"
        )
        wanted = set(brochures) if brochures is not None else None
        return {
            row["brochure"]: BrochureExtraction.model_validate_json(row["extraction"])
            for row in rows
            if wanted is None or row["brochure"] in wanted
        }

    def published_tables(self) -> dict[str, tuple[int, str | None]]:
        """Return the edition number and the share of the tables (None: none kept) of the
        latest published edition of every brochure, by name, in one query."""
        rows = self._query(
            "SELECT brochure, number, tables FROM editions AS e WHERE number = "
            "(SELECT MAX(number) FROM editions WHERE brochure = e.brochure AND published = 1) "
            "ORDER BY brochure"
        )
        return {row["brochure"]: (row["number"], row["tables"]) for row in rows}

    def store_tables(self, tables: Mapping[str, tuple[int, str]]) -> None:
        """Given shares of the tables by brochure name, with the edition each belongs to, keep
        each with its edition, in one transaction."""
        if not tables:
            return
        try:
            with self._transaction():
                self._connection.executemany(
                    "UPDATE editions SET tables = ? WHERE brochure = ? AND number = ?",
                    [(text, name, number) for name, (number, text) in tables.items()],
                )
        except sqlite3.Error as error:
            raise self._write_error(error) from error

    def editions(self, brochure: str) -> list[Edition]:
        """Given a brochure's name, return its editions, oldest first (empty when unknown)."""
        rows = self._query(
            f"SELECT {_EDITION_COLUMNS}, published FROM editions WHERE brochure = ? "
            "ORDER BY number",
            (brochure,),
        )
        return [_edition(row) for row in rows]

    def latest(self, brochure: str) -> Edition | None:
        """Given a brochure's name, return its latest edition, or None when it has none."""
        editions = self.editions(brochure)
        return editions[-1] if editions else None

    def extraction(
        self, brochure: str, number: int | None = None, *, as_read: bool = False
    ) -> BrochureExtraction:
        """Given a brochure's name and an edition (None: the latest), return its extraction:
        as exported (the reviewer's corrections applied), or with `as_read` as the pipeline
        read it (the exported one where the edition kept no other).

        An unknown brochure or edition raises `InputError` naming the ones there are.
        """
        row = self._stored(brochure, number)
        kept = row["as_read"] if as_read else None
        return BrochureExtraction.model_validate_json(kept or row["extraction"])

    def latest_edition(self, brochure: str) -> LatestEdition | None:
        """Given a brochure's name, return its latest edition with its extraction as exported
        and as read (one object when the edition kept no other), or None when it has none."""
        latest = self.latest(brochure)
        if latest is None:
            return None
        row = self._stored(brochure, latest.number)
        exported = BrochureExtraction.model_validate_json(row["extraction"])
        as_read = row["as_read"]
        read = BrochureExtraction.model_validate_json(as_read) if as_read else exported
        return LatestEdition(latest, exported, read)

    def _stored(self, brochure: str, number: int | None) -> sqlite3.Row:
        """The stored extractions of an edition (None: the latest); an unknown brochure or
        edition raises `InputError` naming the ones there are."""
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
            "SELECT extraction, as_read FROM editions WHERE brochure = ? AND number = ?",
            (brochure, wanted),
        )
        if not rows:
            numbers = ", ".join(str(edition.number) for edition in editions)
            raise InputError(
                self.path,
                f"brochure {brochure!r} has no edition {wanted}",
                f"Its editions are: {numbers}.",
            )
        row: sqlite3.Row = rows[0]
        return row

    def add_edition(
        self,
        brochure: str,
        extraction: BrochureExtraction,
        *,
        source: str,
        pipeline_version: str,
        previous: int | None,
        ingested_at: datetime | None = None,
        published: bool = True,
        as_read: BrochureExtraction | None = None,
        tables: str | None = None,
    ) -> Edition:
        """Store `extraction` as the next edition of `brochure`, in one transaction; return it.

        An edition stored with `published=False` stays so until `mark_published`: the next run
        extracts the brochure again rather than trusting files that may not have been written.
        `as_read` is the extraction before the reviewer's corrections (None: it equals
        `extraction`), kept so that a later edition tells source changes from review changes.
        `tables` is the edition's share of the tables (`workspace.tables`), kept as given.

        `previous` is the number of the latest edition the caller compared against (None: it
        found none). When another run has added an edition since, nothing is stored and an
        `OutputError` says so: the caller's comparison is stale, and a retry redoes it.
        """
        moment = (ingested_at or datetime.now(UTC)).isoformat(timespec="seconds")
        # Serialised before the write transaction, which holds the catalogue's one write lock.
        stored = extraction.model_dump_json()
        stored_as_read = as_read.model_dump_json() if as_read is not None else None
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
                    f"INSERT INTO editions ({_EDITION_COLUMNS}, extraction, published, as_read, "
                    "tables) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        brochure,
                        number,
                        source,
                        extraction.document.sha256,
                        pipeline_version,
                        moment,
                        len(extraction.projects),
                        len(extraction.warnings),
                        stored,
                        int(published),
                        stored_as_read,
                        tables,
                    ),
                )
                self._connection.execute("DELETE FROM failures WHERE brochure = ?", (brochure,))
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
            published=published,
        )

    def failures(self) -> dict[str, Failure]:
        """The brochures failing since their last edition, by name."""
        rows = self._query(
            "SELECT brochure, sha256, pipeline_version, error_code, error, failed_at FROM failures"
        )
        return {row["brochure"]: Failure(**dict(row)) for row in rows}

    def record_failure(
        self, brochure: str, sha256: str, pipeline_version: str, error_code: str, error: str
    ) -> None:
        """Record that `brochure`, with these bytes and this version, failed (the last failure
        only); storing an edition of it clears the record."""
        moment = datetime.now(UTC).isoformat(timespec="seconds")
        try:
            with self._transaction():
                self._connection.execute(
                    "INSERT OR REPLACE INTO failures VALUES (?, ?, ?, ?, ?, ?)",
                    (brochure, sha256, pipeline_version, error_code, error, moment),
                )
        except sqlite3.Error as error_found:
            raise self._write_error(error_found) from error_found

    def update_organisations(
        self,
        resolve: Callable[[list[RememberedName]], OrganisationUpdate],
        *,
        at: datetime | None = None,
    ) -> OrganisationUpdate:
        """Resolve organisations against the names the catalogue remembers and store the result,
        in one transaction (so two runs never give one id to two organisations); return it.

        `resolve` is given every remembered (name, country, organisation id) and returns the
        organisations, their names and the mentions of the latest editions; the mentions stored
        before are replaced, organisations not named any more stay (`current = 0`) with their
        ids and names.
        """
        moment = (at or datetime.now(UTC)).isoformat(timespec="seconds")
        try:
            with self._transaction():
                remembered = [
                    RememberedName(
                        name=row["name"],
                        country=row["country"] or None,
                        organisation_id=row["organisation_id"],
                    )
                    for row in self._connection.execute(
                        "SELECT name, country, organisation_id FROM organisation_names "
                        "ORDER BY first_seen, name, country"
                    )
                ]
                update = resolve(remembered)
                self._store_organisations(update, moment, remembered)
        except sqlite3.Error as error:
            raise self._write_error(error) from error
        return update

    def _store_organisations(
        self, update: OrganisationUpdate, moment: str, remembered: Iterable[RememberedName]
    ) -> None:
        """Store a resolution's result over the last one, given the names stored before
        (`remembered`): every organisation (its `last_seen` moves on), and only the names and
        mentions that changed, since from one run to the next most stay as they were."""
        connection = self._connection
        connection.execute("UPDATE organisations SET current = 0")
        connection.executemany(
            "INSERT INTO organisations (id, name, type, country, parent_id, current, first_seen, "
            "last_seen, record) VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
            "name = excluded.name, type = excluded.type, country = excluded.country, "
            "parent_id = excluded.parent_id, current = 1, last_seen = excluded.last_seen, "
            "record = excluded.record",
            [
                (
                    item.id,
                    item.name,
                    item.type,
                    item.country,
                    item.parent_id,
                    moment,
                    moment,
                    item.model_dump_json(),
                )
                for item in update.organisations
            ],
        )
        # A name given twice (a person's and an organisation's) keeps the id it is given last.
        stored_ids = {(item.name, item.country or ""): item.organisation_id for item in remembered}
        name_ids = {(item.name, item.country or ""): item.organisation_id for item in update.names}
        connection.executemany(
            "INSERT INTO organisation_names (name, country, organisation_id, first_seen) "
            "VALUES (?, ?, ?, ?) ON CONFLICT (name, country) DO UPDATE SET "
            "organisation_id = excluded.organisation_id",
            [
                (name, country, identity, moment)
                for (name, country), identity in name_ids.items()
                if stored_ids.get((name, country)) != identity
            ],
        )
        # A brochure's mentions are rewritten when any of them changed (a new edition changes
        # them all), those of a brochure named no more are deleted; the others stay.
        stored: defaultdict[str, list[tuple[object, ...]]] = defaultdict(list)
        for row in connection.execute(
            "SELECT brochure, position, edition, project_id, role, name, partner_index, "
            "organisation_id FROM organisation_mentions"
        ):
            stored[row[0]].append(tuple(row))
        current = _mention_rows(update)
        changed = [
            brochure
            for brochure, rows in current.items()
            if sorted(stored.pop(brochure, [])) != rows
        ]
        connection.executemany(
            "DELETE FROM organisation_mentions WHERE brochure = ?",
            [(brochure,) for brochure in [*stored, *changed]],
        )
        connection.executemany(
            "INSERT INTO organisation_mentions (brochure, position, edition, project_id, role, "
            "name, partner_index, organisation_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [row for brochure in changed for row in current[brochure]],
        )

    def organisations(self, *, current: bool = True) -> list[Organisation]:
        """Return the organisations of the latest resolution (`current=False`: every one ever
        given an id), sorted by id."""
        rows = self._query(
            "SELECT record FROM organisations"
            + (" WHERE current = 1" if current else "")
            + " ORDER BY id"
        )
        return [Organisation.model_validate_json(row["record"]) for row in rows]

    def mark_published(self, edition: Edition) -> None:
        """Record that the files of `edition` are in the output folder."""
        try:
            with self._transaction():
                self._connection.execute(
                    "UPDATE editions SET published = 1 WHERE brochure = ? AND number = ?",
                    (edition.brochure, edition.number),
                )
        except sqlite3.Error as error:
            raise self._write_error(error) from error


@dataclass(frozen=True)
class OrganisationUpdate:
    """What one resolution stores: the organisations, every name with its id, the mentions of
    the latest editions, and the edition number of each brochure."""

    organisations: list[Organisation]
    names: list[RememberedName]
    mentions: list[OrganisationMention]
    editions: dict[str, int | None]


_MentionRow = tuple[str, int, int | None, str | None, str, str, int | None, str | None]


def _mention_rows(update: OrganisationUpdate) -> dict[str, list[_MentionRow]]:
    """The rows of `organisation_mentions` for an update, by brochure: its mentions numbered
    from 0, in order, with its edition."""
    rows: defaultdict[str, list[_MentionRow]] = defaultdict(list)
    for mention in update.mentions:
        brochure = mention.brochure
        own = rows[brochure]
        own.append(
            (
                brochure,
                len(own),
                update.editions.get(brochure),
                mention.project_id,
                mention.role,
                mention.name,
                mention.partner_index,
                mention.organisation_id,
            )
        )
    return rows


@contextmanager
def kept_open(path: str | Path) -> Iterator[None]:
    """Within the block, keep a connection to the catalogue open in this process (creating the
    catalogue if need be).

    SQLite checkpoints the write-ahead log into the database whenever its last connection
    closes, with a disk flush: a few milliseconds each time. The workers of a run open and close
    the catalogue for every brochure; with one connection held open meanwhile, none of theirs is
    the last, and the log is checkpointed as it grows (every thousand pages) instead. A
    catalogue that cannot be opened is not held: each brochure meets the error and reports it."""
    try:
        held: Catalogue | None = Catalogue(path)
    except (InputError, OutputError):
        held = None
    try:
        yield
    finally:
        if held is not None:
            held.close()


def read_latest_editions(path: str | Path) -> dict[str, Edition]:
    """Given a catalogue's path, return the latest edition of every brochure (none when the
    catalogue does not exist yet; reading never creates it)."""
    if not Path(path).exists():
        return {}
    with Catalogue(path, create=False) as catalogue:
        return catalogue.latest_editions()


@dataclass(frozen=True)
class Failure:
    """The last failure of a brochure that has failed since its last edition: the bytes and the
    version it failed with, and why."""

    brochure: str
    sha256: str
    pipeline_version: str
    error_code: str
    error: str
    failed_at: str

    @property
    def key(self) -> tuple[str, str]:
        """The bytes and the version it failed with."""
        return (self.sha256, self.pipeline_version)


def read_failures(path: str | Path) -> dict[str, Failure]:
    """Given a catalogue's path, return the brochures failing since their last edition, by name
    (none when the catalogue does not exist yet)."""
    if not Path(path).exists():
        return {}
    with Catalogue(path, create=False) as catalogue:
        return catalogue.failures()


class LatestEdition(NamedTuple):
    """A brochure's latest edition, its extraction as exported and as the pipeline read it."""

    edition: Edition
    extraction: BrochureExtraction
    as_read: BrochureExtraction


def read_latest_extraction(path: str | Path, brochure: str) -> LatestEdition | None:
    """Given a catalogue's path and a brochure's name, return its latest edition and extraction
    (None when it has none, or the catalogue does not exist yet)."""
    if not Path(path).exists():
        return None
    with Catalogue(path, create=False) as catalogue:
        return catalogue.latest_edition(brochure)
