"""Reading brochure files: encodings, line endings, byte-order marks, bad input."""

from __future__ import annotations

from pathlib import Path

import pytest
from builders import write_file

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
    source = read_text_source(write_file(tmp_path, "b.txt", encoded), SETTINGS)
    assert source.text == SNIPPET
    assert source.encoding == encoding
    assert source.warnings == ()


def test_ingest_crlf_is_reported_and_lines_stay_those_of_the_file(tmp_path: Path) -> None:
    path = write_file(tmp_path, "b.txt", SNIPPET.replace("\n", "\r\n").encode("utf-8"))
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
    source = read_text_source(write_file(tmp_path, "legacy.txt", text.encode(encoding)), SETTINGS)
    assert "Città dei Motori" in source.text
    assert [warning.code for warning in source.warnings] == ["legacy_encoding"]
    assert "legacy.txt" in source.warnings[0].message


def test_ingest_invalid_utf8_bytes_in_good_text_are_replaced_and_located(tmp_path: Path) -> None:
    data = SNIPPET.encode("utf-8").replace(b"research centres", b"research \xff\xfe centres")
    source = read_text_source(write_file(tmp_path, "broken.txt", data), SETTINGS)
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
    path = write_file(tmp_path, "bad input.txt", data)
    with pytest.raises(InputError) as raised:
        read_text_source(path, SETTINGS)
    assert "bad input.txt" in str(raised.value)
    assert problem in str(raised.value)


def test_ingest_file_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    path = write_file(tmp_path, "big.txt", SNIPPET.encode("utf-8"))
    with pytest.raises(InputError, match="over the limit"):
        read_text_source(path, Settings(max_file_bytes=10))


def test_ingest_missing_file_names_it(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="nowhere.txt.*does not exist"):
        extract_brochure(tmp_path / "nowhere.txt")


def test_pipeline_text_without_projects_gives_an_export_with_a_warning(tmp_path: Path) -> None:
    path = write_file(
        tmp_path, "notes.txt", b"buy milk\ncall the bank about the loan.\nmaybe later\n"
    )

    extraction = extract_brochure(path)

    assert extraction.projects == []
    assert [warning.code for warning in extraction.warnings][-1] == "no_project_found"
    assert [item.text for item in extraction.unassigned] == [
        "buy milk\ncall the bank about the loan.\nmaybe later"
    ]


def test_pipeline_text_of_furniture_only_raises_structure_error(tmp_path: Path) -> None:
    path = write_file(tmp_path, "numbers.txt", b"- 1 -\n\n- 2 -\n\n   \n")
    with pytest.raises(StructureError) as raised:
        extract_brochure(path)
    assert "numbers.txt" in str(raised.value)
    assert "has no text to read" in str(raised.value)


def test_control_characters_are_read_as_spaces_with_a_warning(tmp_path: Path) -> None:
    from readers.formats import read_source

    path = tmp_path / "bell.txt"
    text = "Lab\x07 Move\x1b[31m Up\n\nThe lab studies mobility.\n"
    path.write_text(text, encoding="utf-8")

    source = read_source(path, Settings())

    assert source.text == "Lab  Move [31m Up\n\nThe lab studies mobility.\n"
    assert len(source.text) == len(text)
    (warning,) = [w for w in source.warnings if w.code == "control_characters"]
    assert warning.message == f"{path}: 2 control characters (the first on line 1) read as spaces"


def test_a_file_rewritten_while_it_is_read_is_read_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import readers.source
    from readers.source import read_brochure_bytes

    path = tmp_path / "b.txt"
    path.write_text("Lab Move Up\n\nThe first version.\n", encoding="utf-8")
    real_read = readers.source._read_bytes
    reads: list[bytes] = []

    def read_during_a_rewrite(where: Path, source: str) -> bytes:
        data = real_read(where, source)
        reads.append(data)
        if len(reads) == 1:  # a writer finishes the new version while the first read runs
            where.write_text("Lab Move Up\n\nThe second, longer version.\n", encoding="utf-8")
        return data

    monkeypatch.setattr(readers.source, "_read_bytes", read_during_a_rewrite)

    assert read_brochure_bytes(path, Settings()) == path.read_bytes() == reads[-1]
    assert len(reads) == 2


def test_a_file_that_keeps_changing_while_it_is_read_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import readers.source
    from readers.source import read_brochure_bytes

    path = tmp_path / "b.txt"
    path.write_text("Lab Move Up\n", encoding="utf-8")
    real_read = readers.source._read_bytes

    def read_while_it_grows(where: Path, source: str) -> bytes:
        data = real_read(where, source)
        with where.open("a", encoding="utf-8") as stream:
            stream.write("more\n")
        return data

    monkeypatch.setattr(readers.source, "_read_bytes", read_while_it_grows)
    monkeypatch.setattr(readers.source, "_REREAD_PAUSE_SECONDS", 0)

    with pytest.raises(InputError, match="b.txt: changed while it was being read"):
        read_brochure_bytes(path, Settings())


def test_a_text_over_the_character_limit_is_refused_before_extraction(tmp_path: Path) -> None:
    from readers.formats import read_source

    path = tmp_path / "long.txt"
    path.write_text("Lab Move Up\n\n" + "word " * 100 + "\n", encoding="utf-8")

    with pytest.raises(InputError, match="long.txt: holds 514 characters once read, over the"):
        read_source(path, Settings(max_characters=500))
