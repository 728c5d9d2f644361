from __future__ import annotations

import json
import logging
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import flows.ingest
from extractors.export import render_json
from flows.ingest import SUMMARY_NAME, ingest_brochure, ingest_brochures
from schemas import BrochureExtraction, DocumentInfo, StructureError

PNG_BYTES = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02"


@dataclass
class Batch:
    raw: Path
    out: Path
    summary: dict[str, Any]
    kept: Path
    kept_text: str
    kept_inode: int


def make_raw(folder: Path, sample_path: Path) -> Path:
    """A raw folder holding the sample, an empty file and a binary file named .txt."""
    folder.mkdir(parents=True)
    shutil.copyfile(sample_path, folder / sample_path.name)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "image.txt").write_bytes(PNG_BYTES)
    return folder


def previous_export(source: str) -> str:
    """A good export of `source` as an earlier run would have left it."""
    document = DocumentInfo(
        source=source,
        sha256="0" * 64,
        format="text",
        encoding="utf-8",
        newline="lf",
        characters=5,
        lines=1,
    )
    return render_json(BrochureExtraction(document=document))


def outcome_for(summary: dict[str, Any], name: str) -> dict[str, Any]:
    [outcome] = [item for item in summary["outcomes"] if Path(item["source"]).name == name]
    return outcome


@pytest.fixture(scope="module")
def batch(prefect_harness: None, tmp_path_factory: pytest.TempPathFactory, sample_path: Path):
    root = tmp_path_factory.mktemp("batch")
    raw = make_raw(root / "raw", sample_path)
    out = root / "output"
    out.mkdir()
    kept = out / "image.json"
    kept_text = previous_export("image.txt")
    kept.write_text(kept_text, encoding="utf-8")
    inode = kept.stat().st_ino

    summary = ingest_brochures(paths=[str(raw)], out_dir=str(out))

    return Batch(raw, out, summary, kept, kept_text, inode)


@pytest.mark.flow
def test_flows_ingest_writes_the_sample_export(batch: Batch, sample_path: Path) -> None:
    export = batch.out / "clust-er-innovate.json"

    extraction = BrochureExtraction.model_validate_json(export.read_text(encoding="utf-8"))

    assert len(extraction.projects) == 18
    assert Path(extraction.document.source).name == sample_path.name
    outcome = outcome_for(batch.summary, sample_path.name)
    assert outcome["status"] == "ok"
    assert Path(outcome["output"]) == export
    assert outcome["projects"] == 18
    assert outcome["warnings"] == len(extraction.warnings)
    assert outcome["duplicates"] == len(extraction.duplicates)


@pytest.mark.flow
@pytest.mark.parametrize("name", ["empty.txt", "image.txt"])
def test_flows_ingest_records_bad_files_as_failed(batch: Batch, name: str) -> None:
    outcome = outcome_for(batch.summary, name)

    assert outcome["status"] == "failed"
    assert outcome["error_code"] == "input_error"
    assert name in outcome["error"]
    assert set(outcome) == {"source", "status", "error_code", "error"}


@pytest.mark.flow
def test_flows_ingest_summary_counts_and_file(batch: Batch) -> None:
    summary = batch.summary

    assert (summary["brochures"], summary["ok"], summary["failed"]) == (3, 1, 2)
    assert [Path(item["source"]).name for item in summary["outcomes"]] == [
        "clust-er-innovate.txt",
        "empty.txt",
        "image.txt",
    ]
    on_disk = json.loads((batch.out / SUMMARY_NAME).read_text(encoding="utf-8"))
    assert on_disk == summary


@pytest.mark.flow
def test_flows_ingest_failed_brochure_leaves_existing_export_alone(batch: Batch) -> None:
    assert batch.kept.read_text(encoding="utf-8") == batch.kept_text
    assert batch.kept.stat().st_ino == batch.kept_inode
    assert not (batch.out / "empty.json").exists()
    assert sorted(path.name for path in batch.out.iterdir()) == [
        "clust-er-innovate.json",
        "image.json",
        SUMMARY_NAME,
    ]


@pytest.mark.flow
def test_flows_ingest_retries_transient_io_errors(
    prefect_harness: None,
    tmp_path: Path,
    sample_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    real = flows.ingest.extract_brochure
    calls: list[Path] = []

    def flaky(path: Path, settings: Any = None) -> BrochureExtraction:
        calls.append(path)
        if path.name == "flaky.txt" and len(calls) < 3:
            raise OSError(5, "Input/output error")
        if path.name == "broken.txt":
            raise OSError(5, "Input/output error")
        return real(sample_path, settings)

    monkeypatch.setattr(flows.ingest, "TASK_RETRY_DELAY_SECONDS", 0)
    monkeypatch.setattr(flows.ingest, "extract_brochure", flaky)
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "flaky.txt").write_text("x", encoding="utf-8")
    caplog.set_level(logging.INFO)

    summary = ingest_brochures(paths=[str(raw / "flaky.txt")], out_dir=str(tmp_path / "out"))

    assert len(calls) == 3
    assert summary["ok"] == 1
    assert any(
        "ok" in record.getMessage() and "flaky.txt" in record.getMessage()
        for record in caplog.records
    )

    calls.clear()
    (raw / "broken.txt").write_text("x", encoding="utf-8")
    summary = ingest_brochures(paths=[str(raw / "broken.txt")], out_dir=str(tmp_path / "out"))

    assert len(calls) == 3
    outcome = outcome_for(summary, "broken.txt")
    assert outcome["error_code"] == "os_error"
    assert "broken.txt" in outcome["error"]


@pytest.mark.flow
def test_flows_ingest_does_not_retry_other_errors(
    prefect_harness: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[Path] = []

    def buggy(path: Path, settings: Any = None) -> BrochureExtraction:
        calls.append(path)
        raise ValueError("a bug")

    monkeypatch.setattr(flows.ingest, "extract_brochure", buggy)
    (tmp_path / "one.txt").write_text("x", encoding="utf-8")
    (tmp_path / "two.txt").write_text("x", encoding="utf-8")

    summary = ingest_brochures(paths=[str(tmp_path)], out_dir=str(tmp_path / "out"))

    assert len(calls) == 2
    assert (summary["brochures"], summary["failed"]) == (2, 2)
    assert {outcome["error_code"] for outcome in summary["outcomes"]} == {"unexpected_error"}


def test_flows_ingest_task_writes_export_and_returns_outcome(
    tmp_path: Path, sample_path: Path
) -> None:
    outcome = ingest_brochure.fn(str(sample_path), str(tmp_path), {})

    export = tmp_path / "clust-er-innovate.json"
    assert outcome == {
        "source": str(sample_path),
        "status": "ok",
        "output": str(export),
        "projects": 18,
        "warnings": outcome["warnings"],
        "duplicates": outcome["duplicates"],
    }
    extraction = BrochureExtraction.model_validate_json(export.read_text(encoding="utf-8"))
    assert outcome["warnings"] == len(extraction.warnings)
    assert outcome["duplicates"] == len(extraction.duplicates)


def test_flows_ingest_task_turns_brochure_error_into_failed_outcome(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    out = tmp_path / "out"

    outcome = ingest_brochure.fn(str(empty), str(out), {})

    assert outcome["status"] == "failed"
    assert outcome["error_code"] == "input_error"
    assert "empty.txt" in outcome["error"]
    assert not out.exists()


def test_flows_ingest_task_keeps_the_error_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_structure(path: Path, settings: Any = None) -> BrochureExtraction:
        raise StructureError(path, "no headings found", "Check the file.", line=1)

    monkeypatch.setattr(flows.ingest, "extract_brochure", no_structure)

    outcome = ingest_brochure.fn("raw/plain.txt", str(tmp_path), {})

    assert outcome == {
        "source": "raw/plain.txt",
        "status": "failed",
        "error_code": "structure_error",
        "error": "raw/plain.txt, line 1: no headings found. Check the file.",
    }


def test_flows_ingest_task_lets_os_errors_through(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unreadable(path: Path, settings: Any = None) -> BrochureExtraction:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(flows.ingest, "extract_brochure", unreadable)

    with pytest.raises(PermissionError):
        ingest_brochure.fn("raw/locked.txt", str(tmp_path), {})


def test_flows_ingest_task_passes_settings_through(
    tmp_path: Path, sample_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[Any] = []
    real = flows.ingest.extract_brochure

    def spy(path: Path, settings: Any = None) -> BrochureExtraction:
        seen.append(settings)
        return real(path, settings)

    monkeypatch.setattr(flows.ingest, "extract_brochure", spy)

    ingest_brochure.fn(str(sample_path), str(tmp_path), {"max_title_words": 30})

    assert seen[0].max_title_words == 30
