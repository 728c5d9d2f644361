"""Writing exports: atomic, readable by others, never half-written."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from schemas import OutputError
from workspace.export import render_json_schema, write_atomic


def test_export_new_file_is_readable_by_others(tmp_path: Path) -> None:
    path = write_atomic(tmp_path / "a.json", "{}\n")
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    assert path.read_text(encoding="utf-8") == "{}\n"


def test_export_rewrite_keeps_the_file_mode_and_leaves_no_temporary(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text("old\n", encoding="utf-8")
    path.chmod(0o600)
    write_atomic(path, "new\n")
    assert path.read_text(encoding="utf-8") == "new\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.json"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_export_unwritable_folder_raises_and_keeps_the_previous_file(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text("previous\n", encoding="utf-8")
    tmp_path.chmod(0o555)
    try:
        with pytest.raises(OutputError, match="a.json"):
            write_atomic(path, "new\n")
    finally:
        tmp_path.chmod(0o755)
    assert path.read_text(encoding="utf-8") == "previous\n"


def test_export_failed_write_removes_its_temporary_and_keeps_the_previous_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "a.json"
    path.write_text("previous\n", encoding="utf-8")

    def refuse(source: str, target: Path) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OutputError, match="No space left on device"):
        write_atomic(path, "new\n")
    assert path.read_text(encoding="utf-8") == "previous\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.json"]


def test_export_committed_json_schema_is_current() -> None:
    committed = Path(__file__).parents[1] / "schemas" / "brochure-extraction.schema.json"
    assert committed.read_text(encoding="utf-8") == render_json_schema()
