"""What `brochures run` shows while it works."""

from __future__ import annotations

import io

from flows.progress import RunProgress, terminal_safe
from schemas.run import BrochureOutcome


def test_progress_terminal_safe_escapes_control_characters() -> None:
    assert terminal_safe("Lab\x07 \x1b[31mred\nline\ttab\x9b") == (
        "Lab\\x07 \\x1b[31mred\\nline\\ttab\\x9b"
    )
    assert terminal_safe("città – è") == "città – è"


def failed(name: str) -> BrochureOutcome:
    return BrochureOutcome(source=name, status="failed", error=f"{name}: is empty")


def ok(name: str) -> BrochureOutcome:
    return BrochureOutcome(
        source=name,
        status="ok",
        change="new",
        edition=1,
        output="o",
        projects=1,
        warnings=0,
        duplicates=0,
    )


def test_progress_without_a_terminal_writes_a_plain_line_per_brochure() -> None:
    stream = io.StringIO()
    progress = RunProgress(2, stream=stream)
    with progress.shown():
        progress(ok("a\x1b[2J.txt"))
        progress(failed("b.txt"))
    assert stream.getvalue().splitlines() == [
        "ok      a\\x1b[2J.txt -> o (edition 1, new; 1 projects, 0 warnings, 0 duplicates)",
        "failed  b.txt: is empty",
    ]


def test_progress_quiet_shows_only_failures() -> None:
    stream = io.StringIO()
    progress = RunProgress(2, quiet=True, stream=stream)
    with progress.shown():
        progress(ok("a.txt"))
        progress(failed("b.txt"))
    assert stream.getvalue() == "failed  b.txt: is empty\n"


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_on_a_terminal_draws_a_bar_and_prints_the_lines_above_it() -> None:
    stream = Terminal()
    progress = RunProgress(2, stream=stream)
    with progress.shown():
        progress(ok("a.txt"))
        assert progress._bar is not None
        assert progress._bar.tasks[0].completed == 1
        progress(failed("b.txt"))
    shown = stream.getvalue()
    assert "ok      a.txt" in shown and "failed  b.txt: is empty" in shown
    assert progress._bar is None
