"""The sample re-formatted as another edition of it could be: the same words, laid out otherwise.

Each re-formatter is a pure function from the sample's text (and, where it needs them, the
numbers of its title lines, taken from the hand annotation, not from an extraction) to a copy.
The fourth copy, a PDF whose only cues are white space and bold, is typeset from these by
tests/data/make_pdfs.py (`render_spacing_only`) and committed as tests/data/pdf/.

Imported by name (`import reformat`), as the test modules here import each other: `tests` is no
package, and pytest's default import mode puts this folder on `sys.path`.
"""

from __future__ import annotations

import re
import textwrap

from builders import MARKER

from evaluation.brochure import Annotations

WRAP_WIDTH = 78
LONG_TITLE = 60
# The sample's block headings: "Project partners", "Project Partner", "Role of Clust-ER Innovate".
BLOCK_HEADING = re.compile(r"(project partners?|role of \S.*)", re.IGNORECASE)


def title_lines(annotations: Annotations) -> set[int]:
    """Given the sample's annotation, return the numbers of its title lines: the first line of
    each project whose title is not inferred."""
    return {project.lines[0] for project in annotations.projects if not project.title_inferred}


def group_lines(annotations: Annotations) -> set[int]:
    """Given the sample's annotation, return the numbers of its group heading lines."""
    return {group.line for group in annotations.groups}


def is_block_heading(line: str) -> bool:
    """Given a line, say whether it is a partner or role heading by itself."""
    return BLOCK_HEADING.fullmatch(line.strip()) is not None


def wrap_line(line: str, width: int = WRAP_WIDTH) -> list[str]:
    """Given a line, return it hard-wrapped at `width` with textwrap (a list item's later lines
    indented under its text, as an editor indents them), or unchanged when it fits."""
    if len(line) <= width:
        return [line]
    marker = MARKER.match(line)
    return textwrap.wrap(
        line,
        width=width,
        subsequent_indent=" " * marker.end() if marker else "",
        break_long_words=False,
        break_on_hyphens=False,
    )


def remove_blank_lines(text: str, width: int = WRAP_WIDTH) -> str:
    """Given the sample, drop every blank line and hard-wrap every line longer than `width`
    (paragraphs, and the few titles and list items that long)."""
    return "\n".join(
        wrapped for line in text.split("\n") if line.strip() for wrapped in wrap_line(line, width)
    )


def add_blank_after_titles(text: str, titles: set[int]) -> str:
    """Given the sample and its title lines, put one blank line after each title line and each
    block heading, unless one follows it already (an empty role)."""
    lines = text.split("\n")
    out: list[str] = []
    for number, line in enumerate(lines, start=1):
        out.append(line)
        following = lines[number] if number < len(lines) else ""
        if (number in titles or is_block_heading(line)) and following.strip():
            out.append("")
    return "\n".join(out)


def split_near_middle(line: str) -> tuple[str, str]:
    """Given a line of several words, split it at the space nearest its middle."""
    spaces = [index for index, char in enumerate(line) if char == " "]
    at = min(spaces, key=lambda index: abs(index - len(line) / 2))
    return line[:at], line[at + 1 :]


def wrap_long_titles(text: str, titles: set[int], longer_than: int = LONG_TITLE) -> str:
    """Given the sample and its title lines, set each title line longer than `longer_than`
    characters on two lines, broken at the word boundary nearest its middle."""
    out: list[str] = []
    for number, line in enumerate(text.split("\n"), start=1):
        if number in titles and len(line) > longer_than:
            out.extend(split_near_middle(line))
        else:
            out.append(line)
    return "\n".join(out)
