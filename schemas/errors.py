"""The project's one exception root and its kinds.

Every error names the file (and where known the line or page), says what was expected and what was
found, and ends with what to do about it.
"""

from __future__ import annotations

from pathlib import Path


class BrochureError(Exception):
    """Root of every error the pipeline raises on purpose."""

    code = "brochure_error"

    def __init__(
        self,
        path: str | Path | None,
        problem: str,
        fix: str = "",
        *,
        line: int | None = None,
        page: int | None = None,
    ) -> None:
        self.path = str(path) if path is not None else None
        self.problem = problem
        self.fix = fix
        self.line = line
        self.page = page
        super().__init__(self.describe())

    def __reduce__(self) -> tuple[object, ...]:
        # Rebuilt with its context when it crosses a process boundary (a pool of workers).
        return (
            _rebuild,
            (type(self), self.path, self.problem, self.fix, self.line, self.page),
        )

    def describe(self) -> str:
        """Given the stored context, return the one-line message shown to users."""
        where = self.path or "<input>"
        if self.page is not None:
            where += f", page {self.page}"
        if self.line is not None:
            where += f", line {self.line}"
        message = f"{where}: {self.problem}"
        return f"{message}. {self.fix}" if self.fix else message


def _rebuild(
    kind: type[BrochureError],
    path: str | None,
    problem: str,
    fix: str,
    line: int | None,
    page: int | None,
) -> BrochureError:
    return kind(path, problem, fix, line=line, page=page)


class InputError(BrochureError):
    """The file cannot be read as a brochure: empty, binary, undecodable, unsupported."""

    code = "input_error"


class StructureError(BrochureError):
    """The text was read but has no structure the pipeline recognises."""

    code = "structure_error"


class PatternError(BrochureError):
    """A pattern file or a settings file is invalid."""

    code = "pattern_error"


class OutputError(BrochureError):
    """An output could not be written."""

    code = "output_error"
