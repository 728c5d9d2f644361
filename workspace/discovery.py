"""Finding the brochures to read: files named directly, or found under folders."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from schemas import InputError
from workspace.layout import BROCHURE_KINDS, is_brochure_file_name


@dataclass(frozen=True)
class Discovery:
    """The brochures a run reads, in run order, and those it found but will not read, each with
    the reason (a link leading outside its folder, a FIFO or other non-file): they fail alone."""

    brochures: list[Path]
    refused: dict[Path, str] = field(default_factory=dict)

    @property
    def found(self) -> list[Path]:
        """Every brochure found, to be read or refused, sorted."""
        return sorted([*self.brochures, *self.refused])


def discover_brochures(paths: Sequence[Path]) -> Discovery:
    """Given files and folders, return the brochures they name, sorted and without repeats.

    A file given directly is taken when its suffix is one of `BROCHURE_SUFFIXES` (any case: .txt,
    .pdf, .html, .htm, .md, .markdown, .docx); any other suffix is refused rather than silently
    dropped. A folder is searched recursively for such files,
    skipping hidden files and folders (names starting with '.') below it. Two paths reaching the
    same file count once. A path that does not exist raises `InputError` naming it.

    Under a folder, a link that leads outside it, or an entry that is no regular file (a FIFO, a
    socket), is refused with its reason rather than stopping the run: nothing is read through it.
    """
    found: list[Path] = []
    refused: dict[Path, str] = {}
    for given in paths:
        path = Path(given)
        if path.is_dir():
            for entry, reason in _brochures_under(path):
                if reason is None:
                    found.append(entry)
                else:
                    refused[entry] = reason
        elif path.is_file():
            if not is_brochure_file_name(path.name):
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
    return Discovery(_sorted_unique(found), refused)


def _brochures_under(folder: Path) -> Iterator[tuple[Path, str | None]]:
    """Given a folder, yield the brochure files below it, skipping hidden files and folders,
    each with None, or with the reason it is refused.

    A link that leads outside the folder is refused: a brochure folder must not become a way to
    read files elsewhere on the machine.
    """
    inside = folder.resolve()
    for root, folders, files in os.walk(folder):
        folders[:] = [name for name in folders if not name.startswith(".")]
        for name in files:
            path = Path(root, name)
            if name.startswith(".") or not is_brochure_file_name(name):
                continue
            yield path, _refusal(path, inside)


def _refusal(path: Path, inside: Path) -> str | None:
    """Given a brochure found under a folder (resolved), return why it must not be read, or
    None when it may be."""
    if path.is_symlink() and not path.resolve().is_relative_to(inside):
        return (
            f"is a link to {path.resolve()}, outside {inside}; nothing is read through it. "
            "Copy the brochure into the folder instead of linking to it."
        )
    try:
        mode = path.stat().st_mode
    except OSError as error:
        return f"cannot be examined ({error.strerror or error})"
    if not stat.S_ISREG(mode):
        return "is not a regular file (a FIFO, socket or device); it is not read"
    return None


def _sorted_unique(paths: list[Path]) -> list[Path]:
    """Given paths, return them sorted, keeping one of any that reach the same file: the file
    itself rather than a link to it, so that a link never takes over a brochure's name."""
    kept: dict[Path, Path] = {}
    for path in sorted(paths, key=lambda path: (path.is_symlink(), path)):
        kept.setdefault(path.resolve(), path)
    return sorted(kept.values())
