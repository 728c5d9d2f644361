"""Reading brochure files: encodings, line endings, byte-order marks, bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from readers.text import read_text_source
from schemas import InputError, Settings, StructureError
from workspace.service import extract_brochure

SETTINGS = Settings()
SNIPPET = (
    "Working groups and regional projects\n"
    "Città dei Motori – Innovation Lab\n"
    "The lab connects “motor valley” companies with universities and research centres.\n"
    "Project partners\n"
    "• Università di Bologna\n"
    "• Clust-ER MECH\n"
    "Role of Clust-ER Innovate\n"
    "Clust-ER Innovate is a partner of the project.\n"
)


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("encoded", "encoding"),
    [
        (SNIPPET.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + SNIPPET.encode("utf-8"), "utf-8-sig"),
        (SNIPPET.encode("utf-16"), "utf-16"),
        (SNIPPET.replace("\n", "\r\n").encode("utf-8"), "utf-8"),
    ],
    ids=["utf8", "utf8-bom", "utf16-bom", "crlf"],
)
def test_ingest_reads_unicode_variants_to_the_same_text(
    tmp_path: Path, encoded: bytes, encoding: str
) -> None:
    source = read_text_source(write(tmp_path, "b.txt", encoded), SETTINGS)
    assert source.text == SNIPPET
    assert source.encoding == encoding
    assert source.warnings == ()


def test_ingest_crlf_is_reported_and_lines_stay_those_of_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "b.txt", SNIPPET.replace("\n", "\r\n").encode("utf-8"))
    extraction = extract_brochure(path)
    assert extraction.document.newline == "crlf"
    partner = extraction.projects[0].partners[0]
    assert partner.name == "Università di Bologna"
    assert (partner.evidence.line_start, partner.evidence.line_end) == (5, 5)


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1"])
def test_ingest_legacy_single_byte_text_is_read_with_a_warning(
    tmp_path: Path, encoding: str
) -> None:
    text = SNIPPET.replace("“", '"').replace("”", '"').replace("–", "-").replace("•", "-")
    source = read_text_source(write(tmp_path, "legacy.txt", text.encode(encoding)), SETTINGS)
    assert "Città dei Motori" in source.text
    assert [warning.code for warning in source.warnings] == ["legacy_encoding"]
    assert "legacy.txt" in source.warnings[0].message


def test_ingest_invalid_utf8_bytes_in_good_text_are_replaced_and_located(tmp_path: Path) -> None:
    data = SNIPPET.encode("utf-8").replace(b"research centres", b"research \xff\xfe centres")
    source = read_text_source(write(tmp_path, "broken.txt", data), SETTINGS)
    assert "\ufffd" in source.text
    assert "Città" in source.text
    assert [warning.code for warning in source.warnings] == ["invalid_utf8"]
    assert "line 3" in source.warnings[0].message


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"", "empty"),
        (b"   \n\t\n  ", "white space"),
        (bytes(range(256)) * 4, "binary"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200), "binary"),
    ],
    ids=["empty", "whitespace", "binary", "png"],
)
def test_ingest_bad_input_raises_an_error_naming_the_file(
    tmp_path: Path, data: bytes, problem: str
) -> None:
    path = write(tmp_path, "bad input.txt", data)
    with pytest.raises(InputError) as raised:
        read_text_source(path, SETTINGS)
    assert "bad input.txt" in str(raised.value)
    assert problem in str(raised.value)


def test_ingest_file_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "big.txt", SNIPPET.encode("utf-8"))
    with pytest.raises(InputError, match="over the limit"):
        read_text_source(path, Settings(max_file_bytes=10))


def test_ingest_missing_file_names_it(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="nowhere.txt.*does not exist"):
        extract_brochure(tmp_path / "nowhere.txt")


def test_pipeline_text_without_projects_gives_an_export_with_a_warning(tmp_path: Path) -> None:
    path = write(tmp_path, "notes.txt", b"buy milk\ncall the bank about the loan.\nmaybe later\n")

    extraction = extract_brochure(path)

    assert extraction.projects == []
    assert [warning.code for warning in extraction.warnings][-1] == "no_project_found"
    assert [item.text for item in extraction.unassigned] == [
        "buy milk\ncall the bank about the loan.\nmaybe later"
    ]


def test_pipeline_text_of_furniture_only_raises_structure_error(tmp_path: Path) -> None:
    path = write(tmp_path, "numbers.txt", b"- 1 -\n\n- 2 -\n\n   \n")
    with pytest.raises(StructureError) as raised:
        extract_brochure(path)
    assert "numbers.txt" in str(raised.value)
    assert "has no text to read" in str(raised.value)
