"""Hostile and odd inputs: huge files, one enormous line, mixed line endings, odd names, links
that leave the brochure folder, names that would write outside the output folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from extractors.pipeline import extract_text
from schemas import InputError, OutputError, Settings
from workspace.discovery import discover_brochures
from workspace.export import output_path, write_extraction
from workspace.service import extract_brochure


def test_hostile_50_mb_file_is_refused_from_its_size_without_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as stream:  # sparse: 50 MB on disk costs nothing
        stream.truncate(50 * 1000 * 1000)
    with pytest.raises(InputError) as raised:
        extract_brochure(path)
    assert "huge.txt" in str(raised.value)
    assert "50,000,000 bytes" in str(raised.value)
    assert "max_file_bytes" in str(raised.value)


def test_hostile_one_enormous_line_is_a_text_without_projects() -> None:
    line = "The consortium works on innovation and talent attraction in the region " * 20000
    assert len(line) > 1_000_000  # past spaCy's default max_length
    extraction = extract_text(line, source="one-line.txt")
    assert extraction.projects == []
    assert "no_project_found" in [warning.code for warning in extraction.warnings]


def test_hostile_long_brochure_over_a_million_characters_is_read() -> None:
    text = "Skills Intelligence\n" + "The tool shows data on skills sought by companies. " * 25000
    extraction = extract_text(text)
    assert [project.title for project in extraction.projects] == ["Skills Intelligence"]


def test_hostile_mixed_line_endings_keep_lines_and_records(
    sample_text: str, tmp_path: Path
) -> None:
    lines = sample_text.split("\n")
    endings = ["\r\n", "\n", "\r"]
    mixed = "".join(line + endings[i % 3] for i, line in enumerate(lines[:-1])) + lines[-1]
    path = tmp_path / "mixed.txt"
    path.write_bytes(mixed.encode("utf-8"))
    extraction = extract_brochure(path)
    assert extraction.document.newline == "mixed"
    assert extraction.document.lines == len(lines)
    resist = next(project for project in extraction.projects if project.id == "resist0")
    assert resist.title_evidence.line_start == 76
    assert [partner.evidence.line_start for partner in resist.partners] == [82, 83, 84, 85]


@pytest.mark.parametrize(
    "name", ["brochure 2024 (final).txt", "città – è.txt", "a..b.txt", "name..txt"]
)
def test_hostile_odd_names_are_read_and_exported_inside_the_output_folder(
    name: str, sample_path: Path, tmp_path: Path
) -> None:
    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    (raw / name).write_bytes(sample_path.read_bytes())
    (brochure,) = discover_brochures([raw])
    written = write_extraction(extract_brochure(brochure), out)
    assert written.parent == out
    assert written.name == Path(name).stem + ".json"


@pytest.mark.parametrize("name", ["../escape.json", "/etc/escape.json", "..", "sub/a.json"])
def test_hostile_output_names_that_leave_the_folder_are_refused(name: str, tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="not a plain file name"):
        output_path(tmp_path, name)


def test_hostile_link_leading_outside_the_brochure_folder_is_refused(
    sample_path: Path, tmp_path: Path
) -> None:
    raw, elsewhere = tmp_path / "raw", tmp_path / "elsewhere"
    raw.mkdir()
    elsewhere.mkdir()
    secret = elsewhere / "secret.txt"
    secret.write_text("not a brochure", encoding="utf-8")
    os.symlink(secret, raw / "innocent.txt")
    with pytest.raises(InputError, match="outside"):
        discover_brochures([raw])


def test_hostile_link_inside_the_brochure_folder_is_read(sample_path: Path, tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    (raw / "2024").mkdir(parents=True)
    (raw / "2024" / "sample.txt").write_bytes(sample_path.read_bytes())
    os.symlink(raw / "2024" / "sample.txt", raw / "latest.txt")
    found = discover_brochures([raw])
    assert sorted(path.name for path in found) == ["sample.txt"]  # one file, reached twice


def test_hostile_file_that_disappears_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "gone.txt"
    path.write_text("Skills Intelligence\nThe tool shows data.\n", encoding="utf-8")
    (found,) = discover_brochures([tmp_path])
    path.unlink()
    with pytest.raises(InputError, match="gone.txt.*does not exist"):
        extract_brochure(found, Settings())
