"""What `brochures run` shows while it works: a line per brochure as it finishes and, on a
terminal, a progress bar with the counts and the rate (rich, which Prefect already uses).

Every line passes through `terminal_safe` first: a file name or a title may hold control
characters, and none of them reaches the terminal as it is.
"""

from __future__ import annotations

import re
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, TextIO

from schemas.run import BrochureOutcome

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

# Told of each brochure's outcome as it finishes (set by `brochures run` for its progress); the
# flow's task runs call it from their threads.
OutcomeListener = Callable[[BrochureOutcome], None]
outcome_listener: ContextVar[OutcomeListener | None] = ContextVar("outcome_listener", default=None)

# C0 and C1 control characters (tab included: it would break a line's columns).
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def terminal_safe(text: str) -> str:
    """Given text for the terminal, return it with every control character written as an
    escape (`\\x1b`, `\\n`), so that it cannot move the cursor, recolour or split a line."""
    return _CONTROL.sub(lambda match: match.group().encode("unicode_escape").decode(), text)


class RunProgress:
    """Shows the outcome of each brochure of a run as it finishes.

    `quiet`: only failures are shown. Without a terminal (a pipe, a log file): plain lines, no
    bar. On a terminal: the lines scroll above a bar with done/total, the rate and the time left.
    """

    def __init__(self, total: int, *, quiet: bool = False, stream: TextIO | None = None) -> None:
        self.total = total
        self.quiet = quiet
        self.stream = stream or sys.stdout
        self._bar: Progress | None = None
        self._task: TaskID | None = None
        # Outcomes come from the threads of the flow's task runs.
        self._lock = threading.Lock()

    @contextmanager
    def shown(self) -> Iterator[RunProgress]:
        """Within the block, the bar is drawn (on a terminal, when not quiet) and then removed."""
        if self.quiet or not self.stream.isatty() or self.total == 0:
            yield self
            return
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TaskProgressColumn,
            TextColumn,
            TimeRemainingColumn,
        )

        console = Console(file=self.stream)
        with Progress(
            TextColumn("brochures"),
            BarColumn(),
            MofNCompleteColumn(),
            TaskProgressColumn(),
            TextColumn("{task.fields[rate]}"),
            TimeRemainingColumn(),
            console=console,
            transient=True,
        ) as bar:
            self._bar = bar
            self._task = bar.add_task("brochures", total=self.total, rate="")
            try:
                yield self
            finally:
                self._bar = None

    def __call__(self, outcome: BrochureOutcome) -> None:
        """Show one brochure's outcome."""
        with self._lock:
            if not self.quiet or outcome.status == "failed":
                self.line(outcome.describe())
            if self._bar is not None and self._task is not None:
                self._bar.advance(self._task)
                speed = self._bar.tasks[0].speed
                self._bar.update(self._task, rate=f"{speed:.1f}/s" if speed else "")

    def note(self, text: str) -> None:
        """Show a line that says how the run works (which server it uses), unless quiet."""
        if not self.quiet:
            self.line(text)

    def line(self, text: str) -> None:
        """Show one line (above the bar, when there is one)."""
        safe = terminal_safe(text)
        if self._bar is not None:
            self._bar.console.print(safe, markup=False, highlight=False, soft_wrap=True)
        else:
            self.stream.write(safe + "\n")
            self.stream.flush()
