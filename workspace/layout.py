"""The output folder's layout, and the name a brochure goes by everywhere.

A brochure `raw/<name>.<suffix>` is known as `<name>`: its editions in the catalogue, its
corrections file `corrections/<name>.yaml`, and its files in the output folder:

    <name>.json           the JSON export of its latest edition
    <name>.report.html    its review page
    <name>.changes.json   what its latest edition changed (only once there is an earlier one)
    run-summary.json      the last run: one outcome per brochure
    index.html            links to every review page
    projects.csv, partners.csv, work_packages.csv, organisations.csv, organisations.json
                          the tables of every brochure's latest edition (workspace/tables.py)
    catalogue.sqlite3     every edition of every brochure (unless --catalogue names another)
    .brochures.lock       held by the run writing to the folder

A brochure file's name is `brochure_name(path)`; a command names a brochure the way its user
types it (`named_brochure`): `clust-er-innovate`, `clust-er-innovate.txt`, or the name of one of
its output files, such as `clust-er-innovate.report.html`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from readers.source import DOCX_SUFFIXES, HTML_SUFFIXES, MARKDOWN_SUFFIXES
from schemas import OutputError

BROCHURE_SUFFIXES = frozenset({".txt", ".pdf"}) | HTML_SUFFIXES | MARKDOWN_SUFFIXES | DOCX_SUFFIXES
# How messages name the accepted kinds of file.
BROCHURE_KINDS = ".txt, .pdf, .html/.htm, .md or .docx"

EXPORT_SUFFIX = ".json"
REVIEW_SUFFIX = ".report.html"
CHANGES_SUFFIX = ".changes.json"
SUMMARY_NAME = "run-summary.json"
INDEX_NAME = "index.html"
CATALOGUE_NAME = "catalogue.sqlite3"
LOCK_NAME = ".brochures.lock"
PROJECTS_TABLE = "projects.csv"
PARTNERS_TABLE = "partners.csv"
WORK_PACKAGES_TABLE = "work_packages.csv"
ORGANISATIONS_TABLE = "organisations.csv"
ORGANISATIONS_JSON = "organisations.json"
TABLE_FILES = (
    PROJECTS_TABLE,
    PARTNERS_TABLE,
    WORK_PACKAGES_TABLE,
    ORGANISATIONS_TABLE,
    ORGANISATIONS_JSON,
)

# Longest first, so that `x.changes.json` loses `.changes.json`, not only `.json`.
_OUTPUT_SUFFIXES = (CHANGES_SUFFIX, REVIEW_SUFFIX, EXPORT_SUFFIX)


def brochure_name(source: str | Path) -> str:
    """Given a brochure file's path or name, return the name the brochure goes by: the file name
    without its brochure suffix (any case); a name without one is returned as it is, so a name
    with dots of its own ("report.v2") stays whole."""
    base = Path(source).name
    suffix = Path(base).suffix
    return base[: -len(suffix)] if suffix.lower() in BROCHURE_SUFFIXES else base


def named_brochure(given: str) -> str:
    """Given a brochure as a user names it (its name, its file's name or path, or the name of
    one of its output files), return the name it goes by."""
    base = Path(given).name
    for suffix in _OUTPUT_SUFFIXES:
        if base.lower().endswith(suffix) and len(base) > len(suffix):
            return base[: -len(suffix)]
    return brochure_name(base)


def is_brochure_file_name(name: str) -> bool:
    """Given a file name, return True when its suffix is one of the brochure suffixes."""
    return Path(name).suffix.lower() in BROCHURE_SUFFIXES


@dataclass(frozen=True)
class OutputLayout:
    """Where everything of a run goes: the output folder, and the catalogue (by default in it)."""

    folder: Path
    catalogue: Path

    @classmethod
    def of(cls, folder: str | Path, catalogue: str | Path | None = None) -> OutputLayout:
        """Given the output folder and the catalogue the user named (None: the default one in
        the folder), return the layout."""
        out = Path(folder)
        return cls(out, Path(catalogue) if catalogue is not None else out / CATALOGUE_NAME)

    def export(self, name: str) -> Path:
        """The JSON export of the latest edition of the brochure called `name`."""
        return self._file(name + EXPORT_SUFFIX)

    def review(self, name: str) -> Path:
        """The review page of the brochure called `name`."""
        return self._file(name + REVIEW_SUFFIX)

    def changes(self, name: str) -> Path:
        """The change report of the latest edition of the brochure called `name`."""
        return self._file(name + CHANGES_SUFFIX)

    @property
    def summary(self) -> Path:
        """The run summary."""
        return self.folder / SUMMARY_NAME

    @property
    def index(self) -> Path:
        """The index page."""
        return self.folder / INDEX_NAME

    @property
    def lock(self) -> Path:
        """The file whose lock one run at a time holds."""
        return self.folder / LOCK_NAME

    def _file(self, name: str) -> Path:
        """Given a file name, return its path in the folder, refusing any name that would land
        outside it (a separator, '..', an absolute name)."""
        path = self.folder / name
        if Path(name).name != name or not path.resolve().is_relative_to(self.folder.resolve()):
            raise OutputError(
                path,
                f"'{name}' is not a plain file name inside {self.folder}",
                "Rename the brochure.",
            )
        return path


def review_href(name: str) -> str:
    """Given a brochure's name, return the link from the index page to its review page: relative
    and URL-encoded, so that no name can become a `javascript:` link or lose its `#` or `%`."""
    return "./" + quote(name + REVIEW_SUFFIX)


def find_name_clashes(brochures: Iterable[Path]) -> dict[Path, str]:
    """Given brochures in run order, return those whose name another took first, or whose export
    would take a file of the run (the run summary, a brochure's change report), with the reason.

    Two brochures with one name (`a.txt` and `a.pdf`, or two `a.txt` in different folders)
    would share their editions and files: the first keeps the name; each later one is not read
    rather than silently overwriting the first.
    """
    listed = list(brochures)
    reserved = {SUMMARY_NAME, ORGANISATIONS_JSON}
    reserved |= {brochure_name(path) + CHANGES_SUFFIX for path in listed}
    owners: dict[str, Path] = {}
    clashes: dict[Path, str] = {}
    for path in listed:
        export = brochure_name(path) + EXPORT_SUFFIX
        if export in reserved:
            clashes[path] = f"its export name {export} is reserved for the run's own file"
        elif export in owners:
            clashes[path] = f"its export name {export} is already that of {owners[export]}"
        else:
            owners[export] = path
    return clashes
