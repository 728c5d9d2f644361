"""Properties over the sample: layout noise never changes the records, no input loses text, and
no input makes the pipeline raise anything but the project's own errors."""

from __future__ import annotations

import contextlib
import textwrap
from pathlib import Path
from typing import Any

import pytest
from builders import GLYPHS, MARKER
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extractors.pipeline import extract_text
from schemas import BrochureError, BrochureExtraction

SAMPLE = (Path(__file__).parents[1] / "raw" / "clust-er-innovate.txt").read_text(encoding="utf-8")
PROPERTY_SETTINGS = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def record_view(extraction: BrochureExtraction) -> dict[str, Any]:
    """The records without offsets: what must not change when only the layout changes."""
    return {
        "groups": [group.name for group in extraction.groups],
        "projects": [
            {
                "id": p.id,
                "title": p.title,
                "title_inferred": p.title_inferred,
                "acronym": p.acronym,
                "group": p.group,
                "partners": [
                    (x.name, x.short_name, x.kind, x.affiliation, x.via, x.is_publisher)
                    for x in p.partners
                ],
                "role": (p.role.category, " ".join(p.role.text.split())) if p.role else None,
                "work_packages": [(w.number, w.title, w.lead) for w in p.work_packages],
                "programme": p.programme.value if p.programme else None,
                "countries": [c.value for c in p.countries],
                "partner_count": p.partner_count.value if p.partner_count else None,
            }
            for p in extraction.projects
        ],
        "duplicates": [(d.kind, d.duplicate_of) for d in extraction.duplicates],
        "warnings": sorted((w.code, w.project_id) for w in extraction.warnings),
    }


BASELINE = record_view(extract_text(SAMPLE))


def with_newlines(text: str, newline: str) -> str:
    return text.replace("\n", newline)


def with_glyphs(text: str, choices: list[int]) -> str:
    lines = text.split("\n")
    out = []
    for index, line in enumerate(lines):
        match = MARKER.match(line)
        glyph = GLYPHS[choices[index % len(choices)]]
        out.append(MARKER.sub(glyph + " ", line, count=1) if match else line)
    return "\n".join(out)


def with_blank_lines(text: str, extra: list[int]) -> str:
    lines = text.split("\n")
    out = []
    for index, line in enumerate(lines):
        out.append(line)
        if not line.strip():
            out.extend([""] * extra[index % len(extra)])
    return "\n" * extra[0] + "\n".join(out) + "\n" * extra[-1]


def with_trailing_spaces(text: str, widths: list[int]) -> str:
    lines = text.split("\n")
    return "\n".join(line + " " * widths[i % len(widths)] for i, line in enumerate(lines))


def with_wrapped_prose(text: str, width: int) -> str:
    """Hard-wrap long prose lines at `width`, as an editor or a PDF copy does; headings, titles
    and list items stay on their lines."""
    out = []
    for line in text.split("\n"):
        if len(line) > width and line.rstrip().endswith((".", ":", "”")) and not MARKER.match(line):
            out.extend(
                textwrap.wrap(line, width=width, break_long_words=False, break_on_hyphens=False)
            )
        else:
            out.append(line)
    return "\n".join(out)


@pytest.mark.parametrize("newline", ["\r\n", "\r"], ids=["crlf", "cr"])
def test_properties_line_endings_do_not_change_records(newline: str) -> None:
    assert record_view(extract_text(with_newlines(SAMPLE, newline))) == BASELINE


@pytest.mark.slow
@PROPERTY_SETTINGS
@given(st.lists(st.integers(0, len(GLYPHS) - 1), min_size=1, max_size=8))
def test_properties_bullet_glyphs_do_not_change_records(choices: list[int]) -> None:
    assert record_view(extract_text(with_glyphs(SAMPLE, choices))) == BASELINE


@pytest.mark.slow
@PROPERTY_SETTINGS
@given(st.lists(st.integers(0, 3), min_size=1, max_size=8))
def test_properties_extra_blank_lines_do_not_change_records(extra: list[int]) -> None:
    assert record_view(extract_text(with_blank_lines(SAMPLE, extra))) == BASELINE


@pytest.mark.slow
@PROPERTY_SETTINGS
@given(st.lists(st.integers(0, 4), min_size=1, max_size=8))
def test_properties_trailing_spaces_do_not_change_records(widths: list[int]) -> None:
    assert record_view(extract_text(with_trailing_spaces(SAMPLE, widths))) == BASELINE


@pytest.mark.slow
@PROPERTY_SETTINGS
@given(st.integers(min_value=50, max_value=200))
def test_properties_rewrapped_prose_does_not_change_records(width: int) -> None:
    assert record_view(extract_text(with_wrapped_prose(SAMPLE, width))) == BASELINE


def owned_lines(extraction: BrochureExtraction) -> set[int]:
    owned: set[int] = set()
    for item in [
        *extraction.projects,
        *extraction.duplicates,
        *extraction.unassigned,
        *extraction.groups,
    ]:
        owned.update(range(item.evidence.line_start, item.evidence.line_end + 1))
    return owned


@pytest.mark.slow
@PROPERTY_SETTINGS
@given(
    st.lists(st.integers(0, 186), min_size=1, max_size=40, unique=True),
    st.sampled_from(["\n", "\r\n"]),
)
def test_properties_no_input_loses_text(dropped: list[int], newline: str) -> None:
    lines = [line for i, line in enumerate(SAMPLE.split("\n")) if i not in set(dropped)]
    text = newline.join(lines)
    try:
        extraction = extract_text(text)
    except BrochureError:
        return
    kept = text.replace("\r\n", "\n").split("\n")
    lost = [
        n for n, line in enumerate(kept, 1) if line.strip() and n not in owned_lines(extraction)
    ]
    assert lost == []


@PROPERTY_SETTINGS
@given(st.text(max_size=3000))
def test_properties_arbitrary_text_raises_only_project_errors(text: str) -> None:
    with contextlib.suppress(BrochureError):
        extract_text(text)


@PROPERTY_SETTINGS
@given(st.lists(st.sampled_from(SAMPLE.split("\n")), max_size=120))
def test_properties_shuffled_sample_lines_raise_only_project_errors(lines: list[str]) -> None:
    try:
        extraction = extract_text("\n".join(lines))
    except BrochureError:
        return
    kept = "\n".join(lines).split("\n")
    lost = [
        n for n, line in enumerate(kept, 1) if line.strip() and n not in owned_lines(extraction)
    ]
    assert lost == []
