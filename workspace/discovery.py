"""Finding the brochures to read: files named directly, or found under folders."""

from __future__ import annotations

import os
from collections.abc import Collection, Iterator, Sequence
from pathlib import Path

from readers.source import DOCX_SUFFIXES, HTML_SUFFIXES, MARKDOWN_SUFFIXES
from schemas import InputError
from workspace.export import export_name

BROCHURE_SUFFIXES = frozenset({".txt", ".pdf"}) | HTML_SUFFIXES | MARKDOWN_SUFFIXES | DOCX_SUFFIXES
# How messages name the accepted kinds of file.
BROCHURE_KINDS = ".txt, .pdf, .html/.htm, .md or .docx"


def discover_brochures(paths: Sequence[Path]) -> list[Path]:
    """Given files and folders, return the brochures they name, sorted and without repeats.

    A file given directly is taken when its suffix is one of `BROCHURE_SUFFIXES` (any case: .txt,
    .pdf, .html, .htm, .md, .markdown, .docx); any other suffix is refused rather than silently
    dropped. A folder is searched recursively for such files,
    skipping hidden files and folders (names starting with '.') below it. Two paths reaching the
    same file count once. A path that does not exist raises `InputError` naming it.
    """
    found: list[Path] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            found.extend(_brochures_under(path))
        elif path.is_file():
            if not _is_brochure_name(path.name):
                raise InputError(
                    path,
                    f"is not a brochure: expected a {BROCHURE_KINDS} file, found '{path.suffix}'",
                    f"Name a {BROCHURE_KINDS} file, or a folder holding them.",
                )
            found.append(path)
        elif path.exists() or path.is_symlink():
            raise InputError(
                path,
                "is neither a file nor a folder",
                f"Name a {BROCHURE_KINDS} file, or a folder holding them.",
            )
        else:
            raise InputError(
                path,
                "does not exist",
                "Check the spelling, or run the command from the project's root folder.",
            )
    return _sorted_unique(found)


def _is_brochure_name(name: str) -> bool:
    """Given a file name, return True when its suffix is one of the brochure suffixes."""
    return Path(name).suffix.lower() in BROCHURE_SUFFIXES


def _brochures_under(folder: Path) -> Iterator[Path]:
    """Given a folder, yield the brochure files below it, skipping hidden files and folders.

    A link that leads outside the folder is refused: a brochure folder must not become a way to
    read files elsewhere on the machine.
    """
    inside = folder.resolve()
    for root, folders, files in os.walk(folder):
        folders[:] = [name for name in folders if not name.startswith(".")]
        for name in files:
            path = Path(root, name)
            if name.startswith(".") or not _is_brochure_name(name) or not path.is_file():
                continue
            if path.is_symlink() and not path.resolve().is_relative_to(inside):
                raise InputError(
                    path,
                    f"is a link to {path.resolve()}, outside {folder}",
                    "Copy the brochure into the folder instead of linking to it.",
                )
            yield path


def _sorted_unique(paths: list[Path]) -> list[Path]:
    """Given paths, return them sorted, keeping the first of any that reach the same file."""
    seen: set[Path] = set()
    unique: list[Path] = []
    for path in sorted(paths):
        key = path.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(path)
    return unique


def find_export_clashes(
    brochures: Sequence[Path], reserved: Collection[str] = ()
) -> dict[Path, str]:
    """Given brochures in run order, return those whose export file name is already taken.

    Exports are named after the brochure's stem, so `a.txt` and `a.pdf` (or two `a.txt` in
    different folders) would write the same file: the first keeps the name, each later one is
    returned with the reason, and is not read rather than silently overwriting the first.
    """
    owners: dict[str, Path] = {}
    clashes: dict[Path, str] = {}
    for path in brochures:
        name = export_name(path)
        if name in reserved:
            clashes[path] = f"its export name {name} is reserved for the run's own file"
        elif name in owners:
            clashes[path] = f"its export name {name} is already that of {owners[name]}"
        else:
            owners[name] = path
    return clashes
