from __future__ import annotations

import os
from pathlib import Path

import pytest

from schemas import InputError
from workspace.discovery import discover_brochures


def touch(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("text\n", encoding="utf-8")
    return path


def test_discovery_finds_every_brochure_kind_recursively_in_any_case(tmp_path: Path) -> None:
    expected = [
        touch(tmp_path / "a.txt"),
        touch(tmp_path / "nested" / "deeper" / "b.PDF"),
        touch(tmp_path / "nested" / "c.Txt"),
        touch(tmp_path / "page.html"),
        touch(tmp_path / "nested" / "old.HTM"),
        touch(tmp_path / "notes.md"),
        touch(tmp_path / "nested" / "word.docx"),
    ]
    touch(tmp_path / "notes.odt")
    touch(tmp_path / "nested" / "d.json")
    touch(tmp_path / "nested" / "txt")

    assert discover_brochures([tmp_path]).brochures == sorted(expected)


def test_discovery_skips_hidden_files_and_folders(tmp_path: Path) -> None:
    kept = touch(tmp_path / "kept.txt")
    touch(tmp_path / ".hidden.txt")
    touch(tmp_path / ".git" / "inside.txt")
    touch(tmp_path / "visible" / ".cache" / "deep.pdf")

    assert discover_brochures([tmp_path]).brochures == [kept]


def test_discovery_takes_a_hidden_file_named_directly(tmp_path: Path) -> None:
    hidden = touch(tmp_path / ".draft.txt")

    assert discover_brochures([hidden]).brochures == [hidden]


def test_discovery_sorts_and_removes_repeats(tmp_path: Path) -> None:
    first = touch(tmp_path / "b" / "z.txt")
    second = touch(tmp_path / "a.txt")

    found = discover_brochures([first, tmp_path, second, tmp_path / "b", first])

    assert found.brochures == [second, first]


def test_discovery_counts_two_spellings_of_one_file_once(tmp_path: Path) -> None:
    brochure = touch(tmp_path / "dir" / "one.txt")
    other_spelling = tmp_path / "dir" / ".." / "dir" / "one.txt"

    assert len(discover_brochures([brochure, other_spelling]).brochures) == 1


def test_discovery_of_an_empty_folder_is_empty(tmp_path: Path) -> None:
    assert discover_brochures([tmp_path]).brochures == []


def test_discovery_missing_path_raises_input_error_naming_it(tmp_path: Path) -> None:
    touch(tmp_path / "real.txt")
    missing = tmp_path / "nowhere" / "ghost.txt"

    with pytest.raises(InputError) as caught:
        discover_brochures([tmp_path, missing])

    assert caught.value.path == str(missing)
    assert str(missing) in str(caught.value)
    assert "does not exist" in str(caught.value)


def test_discovery_file_named_directly_with_other_suffix_raises(tmp_path: Path) -> None:
    notes = touch(tmp_path / "notes.odt")

    with pytest.raises(InputError, match="notes.odt") as raised:
        discover_brochures([notes])
    assert ".html/.htm, .md or .docx" in str(raised.value)


def test_discovery_refuses_a_fifo_named_like_a_brochure_and_keeps_the_others(
    tmp_path: Path,
) -> None:
    kept = touch(tmp_path / "a.txt")
    os.mkfifo(tmp_path / "pipe.txt")

    found = discover_brochures([tmp_path])

    assert found.brochures == [kept]
    assert "not a regular file" in found.refused[tmp_path / "pipe.txt"]
    assert found.found == [kept, tmp_path / "pipe.txt"]


def test_discovery_a_link_to_a_brochure_does_not_take_its_name(tmp_path: Path) -> None:
    real = touch(tmp_path / "zeta.txt")
    os.symlink(real, tmp_path / "alpha.txt")

    assert discover_brochures([tmp_path]).brochures == [real]
