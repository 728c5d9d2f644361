"""Hostile and odd inputs: huge files, one enormous line, mixed line endings, odd names, links
that leave the brochure folder, names that would write outside the output folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from builders import pdf_of_objects

from extractors.pipeline import extract_text
from schemas import InputError, Settings
from workspace.discovery import discover_brochures
from workspace.export import write_atomic
from workspace.layout import OutputLayout, brochure_name
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


@pytest.mark.slow
def test_hostile_one_enormous_line_is_a_text_without_projects() -> None:
    line = "The consortium works on innovation and talent attraction in the region " * 20000
    assert len(line) > 1_000_000  # past spaCy's default max_length
    extraction = extract_text(line, source="one-line.txt")
    assert extraction.projects == []
    assert "no_project_found" in [warning.code for warning in extraction.warnings]


@pytest.mark.slow
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
    (brochure,) = discover_brochures([raw]).brochures
    extraction = extract_brochure(brochure)
    written = write_atomic(
        OutputLayout.of(out).export(brochure_name(extraction.document.source)), "{}"
    )
    assert written.parent == out
    assert written.name == Path(name).stem + ".json"


def test_hostile_link_leading_outside_the_brochure_folder_is_refused(
    sample_path: Path, tmp_path: Path
) -> None:
    raw, elsewhere = tmp_path / "raw", tmp_path / "elsewhere"
    raw.mkdir()
    elsewhere.mkdir()
    secret = elsewhere / "secret.txt"
    secret.write_text("not a brochure", encoding="utf-8")
    os.symlink(secret, raw / "innocent.txt")
    (raw / "good.txt").write_bytes(sample_path.read_bytes())
    found = discover_brochures([raw])
    assert found.brochures == [raw / "good.txt"]
    assert list(found.refused) == [raw / "innocent.txt"]
    assert "outside" in found.refused[raw / "innocent.txt"]


def test_hostile_link_inside_the_brochure_folder_is_read(sample_path: Path, tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    (raw / "2024").mkdir(parents=True)
    (raw / "2024" / "sample.txt").write_bytes(sample_path.read_bytes())
    os.symlink(raw / "2024" / "sample.txt", raw / "latest.txt")
    found = discover_brochures([raw]).brochures
    assert [path.name for path in found] == ["sample.txt"]  # one file, reached twice, by its name


def test_hostile_file_that_disappears_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "gone.txt"
    path.write_text("Skills Intelligence\nThe tool shows data.\n", encoding="utf-8")
    (found,) = discover_brochures([tmp_path]).brochures
    path.unlink()
    with pytest.raises(InputError, match="gone.txt.*does not exist"):
        extract_brochure(found, Settings())


def pdf_with_a_self_referencing_length() -> bytes:
    """A one-page PDF whose content stream's /Length is the stream object itself."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R >>",
        b"<< /Length 4 0 R >>\nstream\nBT (Hello) Tj ET\nendstream",
    ]
    return pdf_of_objects(objects)


def test_hostile_pdf_whose_length_refers_to_itself_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "loop.pdf"
    path.write_bytes(pdf_with_a_self_referencing_length())
    with pytest.raises(InputError, match="loop.pdf: could not be parsed as a PDF"):
        extract_brochure(path)
