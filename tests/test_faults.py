"""Faults the unattended job must survive: killed mid-write, and the next run completes."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from schemas import BrochureExtraction, OutputError, Settings
from workspace.catalogue import Catalogue, read_latest_editions
from workspace.layout import OutputLayout
from workspace.planning import fingerprint_brochure, plan_ingestion
from workspace.service import Workspace, process_brochure

INGEST_ALL = """
import sys
from pathlib import Path
from schemas import Settings
from workspace.layout import OutputLayout
from workspace.service import Workspace, process_brochure
raw, out = Path(sys.argv[1]), sys.argv[2]
workspace = Workspace(OutputLayout.of(out), Settings(), "v1")
for path in sorted(raw.glob("*.txt")):
    process_brochure(path, workspace)
    print(path.name, flush=True)
"""


def workspace_in(out: Path) -> Workspace:
    return Workspace(OutputLayout.of(out), Settings(), "v1")


def ingest_in_a_child(raw: Path, out: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", INGEST_ALL, str(raw), str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )


@pytest.mark.slow
def test_faults_killed_mid_run_leaves_whole_files_and_the_next_run_completes(
    tmp_path: Path, sample_path: Path
) -> None:
    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    text = sample_path.read_text(encoding="utf-8")
    for number in range(12):
        (raw / f"brochure-{number:02d}.txt").write_text(
            text.replace("Skills Intelligence\n", f"Skills Intelligence {number}\n", 1),
            encoding="utf-8",
        )

    child = ingest_in_a_child(raw, out)
    assert child.stdout is not None
    done = [child.stdout.readline().strip() for _ in range(3)]  # three brochures finished
    time.sleep(0.05)  # and the fourth under way
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL

    written = sorted(out.glob("*.json"))
    assert len(written) < 12, "the child finished before it was killed"
    for path in written:  # every export on disk is whole
        BrochureExtraction.model_validate_json(path.read_text(encoding="utf-8"))
    for path in out.glob("*.changes.json"):
        json.loads(path.read_text(encoding="utf-8"))
    database = sqlite3.connect(out / "catalogue.sqlite3")
    assert database.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    database.close()
    with Catalogue(out / "catalogue.sqlite3") as catalogue:
        stored = set(catalogue.brochures())
    assert {name.removesuffix(".txt") for name in done} <= stored

    again = ingest_in_a_child(raw, out)
    assert again.wait(timeout=300) == 0
    assert len(list(out.glob("brochure-??.json"))) == 12
    with Catalogue(out / "catalogue.sqlite3") as catalogue:
        assert len(set(catalogue.brochures())) == 12


def test_faults_file_changed_between_plan_and_read_is_stored_as_read(
    tmp_path: Path, sample_path: Path
) -> None:
    from workspace.catalogue import read_latest_editions
    from workspace.planning import fingerprint_brochure, plan_ingestion

    brochure, out = tmp_path / "b.txt", tmp_path / "out"
    brochure.write_bytes(sample_path.read_bytes())
    planned = fingerprint_brochure(brochure)
    brochure.write_bytes(sample_path.read_bytes().replace(b"Lab Move Up", b"Lab Move On"))

    outcome = process_brochure(brochure, workspace_in(out))

    assert outcome.status == "ok"
    latest = read_latest_editions(out / "catalogue.sqlite3")["b"]
    assert latest.sha256 == fingerprint_brochure(brochure).sha256 != planned.sha256
    (item,) = plan_ingestion([fingerprint_brochure(brochure)], {"b": latest}, "v1")
    assert item.status == "unchanged"


def test_faults_a_brochure_whose_edition_cannot_be_stored_leaves_its_files_as_they_were(
    tmp_path: Path, sample_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    brochure, out = tmp_path / "b.txt", tmp_path / "out"
    brochure.write_bytes(sample_path.read_bytes())
    process_brochure(brochure, workspace_in(out))
    before = {path.name: path.read_bytes() for path in out.iterdir() if path.is_file()}
    brochure.write_bytes(sample_path.read_bytes().replace(b"Lab Move Up", b"Lab Move On"))

    def full_disk(*args: object, **kwargs: object) -> None:
        raise OutputError(out / "catalogue.sqlite3", "could not be written (disk full)")

    monkeypatch.setattr(Catalogue, "add_edition", full_disk)
    with pytest.raises(OutputError, match="disk full"):
        process_brochure(brochure, workspace_in(out))

    after = {path.name: path.read_bytes() for path in out.iterdir() if path.is_file()}
    assert after == before  # no export, page or change report of the edition never stored
    assert not (out / "b.changes.json").exists()


def test_faults_a_stop_between_storing_and_publishing_is_extracted_again(
    tmp_path: Path, sample_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    brochure, out = tmp_path / "b.txt", tmp_path / "out"
    brochure.write_bytes(sample_path.read_bytes())

    def stopped(self: Catalogue, edition: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(Catalogue, "mark_published", stopped)
    with pytest.raises(KeyboardInterrupt):
        process_brochure(brochure, workspace_in(out))
    monkeypatch.undo()

    latest = read_latest_editions(out / "catalogue.sqlite3")["b"]
    assert not latest.published
    (item,) = plan_ingestion([fingerprint_brochure(brochure)], {"b": latest}, "v1")
    assert (item.status, item.reason) == ("changed", "unpublished")
    assert process_brochure(brochure, workspace_in(out)).edition == 2
    assert read_latest_editions(out / "catalogue.sqlite3")["b"].published
    assert not list(out.glob(".*.tmp"))
