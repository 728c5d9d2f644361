"""Planning a run before anything of Prefect starts, and finishing it."""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path
from typing import Any

from schemas import Settings
from schemas.run import RunSummary
from workspace.layout import OutputLayout
from workspace.run import finish_run, plan_run
from workspace.service import Workspace, process_brochure


def workspace_in(out: Path) -> Workspace:
    return Workspace(OutputLayout.of(out), Settings(), "v1")


def run(raw: Path, workspace: Workspace) -> RunSummary:
    """A run of the brochures in `raw`, without Prefect: planned, processed, finished."""
    plan = plan_run([raw], workspace)
    processed = {item.path: process_brochure(item.path, workspace) for item in plan.to_process}
    return finish_run(plan, processed, workspace)


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


def _organisations(out: Path) -> list[dict[str, Any]]:
    data = json.loads((out / "organisations.json").read_text("utf-8"))
    return list(data["organisations"])


def _projects(organisation: dict[str, Any]) -> int:
    """How many projects (brochure and project id) an organisation of organisations.json is in."""
    return len({(p["brochure"], p["project_id"]) for p in organisation["projects"]})


def test_run_finish_draws_who_works_with_whom_on_the_index(
    tmp_path: Path, sample_path: Path
) -> None:
    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    (raw / "agency.txt").write_bytes(sample_path.read_bytes())
    workspace = workspace_in(out)
    run(raw, workspace)

    index = (out / "index.html").read_text("utf-8")
    drawn = [o for o in _organisations(out) if o["type"] != "person" and o["projects"]]
    most = min(drawn, key=lambda o: (-_projects(o), str(o["name"]).casefold()))
    assert "Who works with whom" in index and "<svg" in index
    named = index[index.index("<h3>Most connected organisations</h3>") :]
    listed = re.findall(r"<code>([^<]+)</code>", named[: named.index("</ol>")])
    ranked = sorted(drawn, key=lambda o: (-_projects(o), str(o["name"]).casefold()))
    assert listed == [o["id"] for o in ranked[: len(listed)]]
    assert listed[0] == most["id"] and len(listed) == min(10, len(drawn))


def test_run_tables_follow_the_identity_corrections_without_a_changed_brochure(
    tmp_path: Path, sample_path: Path
) -> None:
    raw, out, reviewed = tmp_path / "raw", tmp_path / "out", tmp_path / "reviewed"
    raw.mkdir()
    reviewed.mkdir()
    (raw / "agency.txt").write_bytes(sample_path.read_bytes())
    workspace = Workspace(OutputLayout.of(out), Settings(), "v1", corrections=reviewed)
    run(raw, workspace)
    first, second = [o for o in _organisations(out) if o["type"] != "person"][:2]
    assert first["id"] != second["id"]
    identity = reviewed / "organisation_corrections.yaml"
    identity.write_text(
        f"- join: [{first['id']}, {second['id']}]\n- join: [{first['id']}, Nowhere Lab]\n",
        encoding="utf-8",
    )

    again = plan_run([raw], workspace)
    assert again.to_process == []  # no brochure changed
    summary = finish_run(again, {}, workspace)

    ids = {o["id"]: o for o in _organisations(out)}
    joined = [
        o
        for o in ids.values()
        if {first["name"], second["name"]} <= {n["name"] for n in o["names"]}
    ]
    assert len(joined) == 1 and "reviewer" in {m["rule"] for m in joined[0]["merges"]}
    export = json.loads((out / "organisations.json").read_text("utf-8"))
    assert export["identity_corrections"] == [
        {"path": str(identity), "sha256": hashlib.sha256(identity.read_bytes()).hexdigest()}
    ]
    assert export["stale_identity_corrections"] == [
        f"{identity}, line 2: join: names nothing now: 'Nowhere Lab'"
    ]
    assert summary.identity_corrections_files == [str(identity)]
    assert summary.tables_error is None
    made = (out / "organisations.json").stat().st_mtime_ns

    finish_run(plan_run([raw], workspace), {}, workspace)  # nothing changed at all

    assert (out / "organisations.json").stat().st_mtime_ns == made


def test_run_invalid_identity_corrections_leave_the_tables_and_say_why(
    tmp_path: Path, sample_path: Path
) -> None:
    raw, out, reviewed = tmp_path / "raw", tmp_path / "out", tmp_path / "reviewed"
    raw.mkdir()
    reviewed.mkdir()
    brochure = raw / "agency.txt"
    brochure.write_bytes(sample_path.read_bytes())
    workspace = Workspace(OutputLayout.of(out), Settings(), "v1", corrections=reviewed)
    run(raw, workspace)
    tables = {path.name: path.read_bytes() for path in out.glob("*.csv")}
    organisations = (out / "organisations.json").read_bytes()
    identity = reviewed / "organisation_corrections.yaml"
    identity.write_text("- joins: [A Lab, B Lab]\n", encoding="utf-8")
    brochure.write_text(sample_path.read_text("utf-8") + "\nOne more line.\n", encoding="utf-8")

    summary = run(raw, workspace)

    assert [o.status for o in summary.outcomes] == ["ok"]
    assert json.loads((out / "agency.json").read_text("utf-8"))["document"]["sha256"] == (
        hashlib.sha256(brochure.read_bytes()).hexdigest()
    )
    assert summary.tables_error is not None
    assert str(identity) in summary.tables_error and "unknown key 'joins'" in summary.tables_error
    assert {path.name: path.read_bytes() for path in out.glob("*.csv")} == tables
    assert (out / "organisations.json").read_bytes() == organisations
