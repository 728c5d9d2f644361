from __future__ import annotations

import hashlib
from pathlib import Path

from workspace.catalogue import Edition
from workspace.corrections import find_corrections_files
from workspace.planning import (
    BrochureFingerprint,
    brochure_version,
    count_plan,
    fingerprint_brochure,
    plan_ingestion,
)

VERSION = "v1"


def fingerprint(name: str, sha256: str | None) -> BrochureFingerprint:
    return BrochureFingerprint(path=Path("raw") / f"{name}.txt", name=name, sha256=sha256)


def edition(name: str, sha256: str, version: str = VERSION, number: int = 1) -> Edition:
    return Edition(
        brochure=name,
        number=number,
        source=f"raw/{name}.txt",
        sha256=sha256,
        pipeline_version=version,
        ingested_at="2026-01-01T00:00:00+00:00",
        projects=1,
        warnings=0,
    )


def test_planning_sorts_brochures_into_new_changed_and_unchanged() -> None:
    brochures = [
        fingerprint("fresh", "f"),
        fingerprint("edited", "e2"),
        fingerprint("same", "s"),
        fingerprint("locked", None),
    ]
    catalogue = {
        "edited": edition("edited", "e1", number=3),
        "same": edition("same", "s", number=2),
        "locked": edition("locked", "l"),
        "gone": edition("gone", "g"),
    }

    plan = plan_ingestion(brochures, catalogue, VERSION)

    assert [(item.name, item.status, item.reason, item.previous_edition) for item in plan] == [
        ("fresh", "new", "first_ingestion", None),
        ("edited", "changed", "content_changed", 3),
        ("same", "unchanged", "unchanged", 2),
        ("locked", "changed", "unreadable", 1),
    ]
    assert count_plan(plan) == {"new": 1, "changed": 2, "unchanged": 1}


def test_planning_a_new_pipeline_version_changes_everything() -> None:
    brochures = [fingerprint("a", "1"), fingerprint("b", "2")]
    catalogue = {"a": edition("a", "1"), "b": edition("b", "2")}

    plan = plan_ingestion(brochures, catalogue, "v2")

    assert [(item.status, item.reason) for item in plan] == [("changed", "pipeline_changed")] * 2


def test_planning_force_extracts_unchanged_brochures() -> None:
    plan = plan_ingestion([fingerprint("a", "1")], {"a": edition("a", "1")}, VERSION, force=True)

    assert [(item.status, item.reason) for item in plan] == [("changed", "forced")]


def test_planning_missing_export_is_extracted_again() -> None:
    brochures = [fingerprint("a", "1"), fingerprint("b", "2")]
    catalogue = {"a": edition("a", "1"), "b": edition("b", "2")}

    plan = plan_ingestion(brochures, catalogue, VERSION, exports={"b.json", "run-summary.json"})

    assert [(item.name, item.reason) for item in plan] == [
        ("a", "export_missing"),
        ("b", "unchanged"),
    ]


def test_planning_fingerprint_hashes_the_bytes(tmp_path: Path) -> None:
    path = tmp_path / "agency.txt"
    path.write_bytes(b"Project partners\r\n- A\r\n")

    result = fingerprint_brochure(path)

    assert result == BrochureFingerprint(
        path=path, name="agency", sha256=hashlib.sha256(path.read_bytes()).hexdigest()
    )


def test_planning_fingerprint_of_an_unreadable_file_is_none(tmp_path: Path) -> None:
    assert fingerprint_brochure(tmp_path / "gone.txt").sha256 is None


def test_planning_an_edited_correction_re_ingests_only_its_brochure(tmp_path: Path) -> None:
    (tmp_path / "corrections").mkdir()
    corrections = tmp_path / "corrections" / "alpha.yaml"
    corrections.write_text("- project: x\n  set_title: X\n", encoding="utf-8")
    for name in ("alpha", "beta"):
        (tmp_path / f"{name}.txt").write_bytes(name.encode())
    paths = [tmp_path / "alpha.txt", tmp_path / "beta.txt"]
    before = {
        f.name: f
        for f in (
            fingerprint_brochure(path, lambda path: find_corrections_files(path, tmp_path))
            for path in paths
        )
    }
    stored = {
        name: edition(name, f.sha256 or "", brochure_version(VERSION, f.corrections))
        for name, f in before.items()
    }
    assert before["alpha"].corrections and not before["beta"].corrections

    corrections.write_text("- project: x\n  set_title: Y\n", encoding="utf-8")
    after = [
        fingerprint_brochure(path, lambda path: find_corrections_files(path, tmp_path))
        for path in paths
    ]
    plan = plan_ingestion(after, stored, VERSION)

    assert [(item.name, item.status, item.reason) for item in plan] == [
        ("alpha", "changed", "corrections_changed"),
        ("beta", "unchanged", "unchanged"),
    ]
    assert [item.status for item in plan_ingestion(after, stored, "v2")] == ["changed", "changed"]
