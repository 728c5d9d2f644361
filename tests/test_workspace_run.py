"""Planning a run before anything of Prefect starts, and finishing it."""

from __future__ import annotations

import json
import os
from pathlib import Path

from schemas import Settings
from workspace.layout import OutputLayout
from workspace.run import finish_run, plan_run
from workspace.service import Workspace, process_brochure


def workspace_in(out: Path) -> Workspace:
    return Workspace(OutputLayout.of(out), Settings(), "v1")


def test_run_plan_sorts_new_unchanged_refused_and_clashing_brochures(
    tmp_path: Path, sample_path: Path
) -> None:
    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    for name in ("done.txt", "fresh.txt", "fresh.md"):
        (raw / name).write_bytes(sample_path.read_bytes())
    os.mkfifo(raw / "pipe.txt")
    workspace = workspace_in(out)
    process_brochure(raw / "done.txt", workspace)

    plan = plan_run([raw], workspace)

    assert plan.brochures == sorted(raw.iterdir())
    assert [(item.path.name, item.reason) for item in plan.to_process] == [
        ("fresh.md", "first_ingestion")
    ]
    settled = {path.name: outcome for path, outcome in plan.settled.items()}
    assert settled["done.txt"].status == "unchanged"
    assert settled["done.txt"].edition == 1
    assert settled["pipe.txt"].status == "failed"
    assert "not a regular file" in (settled["pipe.txt"].error or "")
    assert settled["fresh.txt"].status == "failed"
    assert "already that of" in (settled["fresh.txt"].error or "")
    assert plan.counts == {"new": 1, "changed": 0, "unchanged": 1, "refused": 2, "still_failing": 0}


def test_run_finish_writes_summary_and_index_in_run_order(
    tmp_path: Path, sample_path: Path
) -> None:
    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    (raw / "b.txt").write_bytes(sample_path.read_bytes())
    (raw / "a.txt").write_bytes(b"")
    workspace = workspace_in(out)
    plan = plan_run([raw], workspace)
    processed = {item.path: process_brochure(item.path, workspace) for item in plan.to_process}

    summary = finish_run(plan, processed, workspace)

    assert [(Path(o.source).name, o.status) for o in summary.outcomes] == [
        ("a.txt", "failed"),
        ("b.txt", "ok"),
    ]
    assert (summary.brochures, summary.ok, summary.failed, summary.new) == (2, 1, 1, 1)
    on_disk = json.loads((out / "run-summary.json").read_text("utf-8"))
    assert on_disk == summary.model_dump(mode="json")
    assert "review_markdown" not in on_disk["outcomes"][1]
    index = (out / "index.html").read_text("utf-8")
    assert 'href="./b.report.html"' in index and "a.txt: is empty" in index
    import csv

    with (out / "projects.csv").open(encoding="utf-8", newline="") as table:
        rows = list(csv.DictReader(table))
    assert len(rows) == 18 and {row["brochure"] for row in rows} == {"b"}
    assert "move-up" in {row["project_id"] for row in rows}


def test_run_a_brochure_named_like_a_script_link_gets_an_inert_link(
    tmp_path: Path, sample_path: Path
) -> None:
    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    (raw / "javascript:alert(1).txt").write_bytes(sample_path.read_bytes())
    workspace = workspace_in(out)
    plan = plan_run([raw], workspace)
    processed = {item.path: process_brochure(item.path, workspace) for item in plan.to_process}

    finish_run(plan, processed, workspace)

    index = (out / "index.html").read_text("utf-8")
    assert 'href="./javascript%3Aalert%281%29.report.html"' in index
    assert 'href="javascript:' not in index


def test_run_a_brochure_failing_with_the_same_bytes_is_not_read_again_until_forced(
    tmp_path: Path,
) -> None:
    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    (raw / "empty.txt").write_bytes(b"")
    workspace = workspace_in(out)
    first = plan_run([raw], workspace)
    processed = {item.path: process_brochure(item.path, workspace) for item in first.to_process}
    finish_run(first, processed, workspace)

    again = plan_run([raw], workspace)
    forced = plan_run([raw], workspace, force=True)
    (raw / "empty.txt").write_text("Lab Move Up\n\nThe lab studies mobility.\n", "utf-8")
    edited = plan_run([raw], workspace)

    assert again.to_process == []
    (outcome,) = again.settled.values()
    assert (outcome.status, outcome.reason, outcome.error_code) == (
        "failed",
        "still_failing",
        "input_error",
    )
    assert "is empty" in (outcome.error or "") and "--force reads it again" in (outcome.error or "")
    assert [item.path.name for item in forced.to_process] == ["empty.txt"]
    assert [item.path.name for item in edited.to_process] == ["empty.txt"]
