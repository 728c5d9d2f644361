from __future__ import annotations

import gc
import json
import logging
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pytest

import flows.ingest
import workspace.service
from extractors.pipeline import extract_source
from flows.ingest import (
    CHANGES_ARTIFACT_KEY,
    REVIEW_ARTIFACT_KEY,
    TABLE_ARTIFACT_KEY,
    artifact_markdown,
    artifact_table,
    ingest_batch,
    ingest_brochure,
    ingest_brochures,
)
from schemas import BrochureExtraction, DocumentInfo, OutputError, Settings, StructureError
from schemas.changes import (
    ChangeReport,
    ProjectChange,
    ProjectRef,
    RoleChange,
    RoleState,
    TextChange,
)
from schemas.document import SourceText
from schemas.run import BrochureOutcome, RunSummary
from workspace.catalogue import Catalogue
from workspace.config import settings_from_mapping
from workspace.export import render_json
from workspace.layout import SUMMARY_NAME, OutputLayout
from workspace.service import NEAREST, Workspace
from workspace.version import pipeline_version

PNG_BYTES = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02"


@dataclass
class Batch:
    raw: Path
    out: Path
    summary: RunSummary
    kept: Path
    kept_text: str
    kept_inode: int


@pytest.fixture(autouse=True, scope="module")
def _frozen_code(frozen_code_fingerprint: None) -> None:
    """Every flow run of this module sees one code version (see the fixture in conftest.py)."""


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


def outcome_for(summary: RunSummary, name: str) -> BrochureOutcome:
    [outcome] = [item for item in summary.outcomes if Path(item.source).name == name]
    return outcome


def make_workspace(
    out: Path,
    settings: dict[str, Any] | None = None,
    corrections: Path | Literal["nearest"] | None = NEAREST,
) -> Workspace:
    """The workspace a run with these arguments would give each of its brochures."""
    checked = settings_from_mapping(settings or {}, "settings")
    return Workspace(
        layout=OutputLayout.of(out),
        settings=checked,
        pipeline_version=pipeline_version(checked),
        corrections=corrections,
    )


Extraction = Callable[[SourceText, Settings], BrochureExtraction]


@dataclass(frozen=True)
class StubPipeline:
    """A pipeline with the real one's rules (the readers use them) and a test's extraction."""

    rules: Any
    settings: Settings
    extract: Extraction

    def __call__(self, source: SourceText) -> BrochureExtraction:
        return self.extract(source, self.settings)


def replace_extraction(monkeypatch: pytest.MonkeyPatch, extract: Extraction) -> None:
    """Make every brochure processed in this process extract with `extract(source, settings)`."""
    real = workspace.service.shared_pipeline

    def stub(settings: Settings | None = None) -> StubPipeline:
        resolved = Settings.resolve(settings)
        return StubPipeline(real(resolved).rules, resolved, extract)

    monkeypatch.setattr(workspace.service, "shared_pipeline", stub)


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


@pytest.mark.slow
@pytest.mark.flow
def test_flows_ingest_writes_the_sample_export(batch: Batch, sample_path: Path) -> None:
    export = batch.out / "clust-er-innovate.json"

    extraction = BrochureExtraction.model_validate_json(export.read_text(encoding="utf-8"))

    assert len(extraction.projects) == 18
    assert Path(extraction.document.source).name == sample_path.name
    outcome = outcome_for(batch.summary, sample_path.name)
    assert outcome.status == "ok"
    assert Path(outcome.output or "") == export
    assert outcome.projects == 18
    assert outcome.warnings == len(extraction.warnings)
    assert outcome.duplicates == len(extraction.duplicates)


@pytest.mark.slow
@pytest.mark.flow
@pytest.mark.parametrize("name", ["empty.txt", "image.txt"])
def test_flows_ingest_records_bad_files_as_failed(batch: Batch, name: str) -> None:
    outcome = outcome_for(batch.summary, name)

    assert name in (outcome.error or "")
    # Nothing else is set: no edition, no files, no counts.
    assert outcome == BrochureOutcome(
        source=str(batch.raw / name),
        status="failed",
        reason="first_ingestion",
        error_code="input_error",
        error=outcome.error,
    )


@pytest.mark.slow
@pytest.mark.flow
def test_flows_ingest_summary_counts_and_file(batch: Batch) -> None:
    summary = batch.summary

    assert (summary.brochures, summary.ok, summary.failed) == (3, 1, 2)
    assert (summary.new, summary.changed, summary.unchanged) == (1, 0, 0)
    assert summary.catalogue == str(batch.out / "catalogue.sqlite3")
    assert [Path(item.source).name for item in summary.outcomes] == [
        "clust-er-innovate.txt",
        "empty.txt",
        "image.txt",
    ]
    on_disk = json.loads((batch.out / SUMMARY_NAME).read_text(encoding="utf-8"))
    assert on_disk == summary.model_dump(mode="json")
    # Every outcome has every key, null where not set; the review summary is left out.
    keys = set(BrochureOutcome.model_fields) - {"review_markdown"}
    assert [set(outcome) for outcome in on_disk["outcomes"]] == [keys, keys, keys]
    assert on_disk["outcomes"][1]["edition"] is None


@pytest.mark.slow
@pytest.mark.flow
def test_flows_ingest_failed_brochure_leaves_existing_export_alone(batch: Batch) -> None:
    assert batch.kept.read_text(encoding="utf-8") == batch.kept_text
    assert batch.kept.stat().st_ino == batch.kept_inode
    assert not (batch.out / "empty.json").exists()
    assert sorted(path.name for path in batch.out.iterdir()) == [
        ".brochures.lock",
        "catalogue.sqlite3",
        "clust-er-innovate.json",
        "clust-er-innovate.report.html",
        "image.json",
        "index.html",
        "organisations.csv",
        "organisations.json",
        "partners.csv",
        "projects.csv",
        SUMMARY_NAME,
        "work_packages.csv",
    ]
    with Catalogue(batch.out / "catalogue.sqlite3") as catalogue:
        assert catalogue.brochures() == ["clust-er-innovate"]
        latest = catalogue.latest("clust-er-innovate")
        assert latest is not None and latest.published


@pytest.mark.slow
@pytest.mark.flow
def test_flows_ingest_retries_transient_io_errors(
    prefect_harness: None,
    tmp_path: Path,
    sample_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    real = workspace.service.read_source
    calls: list[Path] = []

    def flaky(path: Path, settings: Any, rules: Any = None) -> SourceText:
        calls.append(path)
        if path.name == "flaky.txt" and len(calls) < 3:
            raise OSError(5, "Input/output error")
        if path.name == "broken.txt":
            raise OSError(5, "Input/output error")
        return real(sample_path, settings, rules)

    monkeypatch.setattr(flows.ingest, "TASK_RETRY_DELAY_SECONDS", 0)
    monkeypatch.setattr(workspace.service, "read_source", flaky)
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "flaky.txt").write_text("x", encoding="utf-8")
    caplog.set_level(logging.INFO)

    summary = ingest_brochures(paths=[str(raw / "flaky.txt")], out_dir=str(tmp_path / "out"))

    assert len(calls) == 3
    assert summary.ok == 1
    assert any(
        "ok" in record.getMessage() and "flaky.txt" in record.getMessage()
        for record in caplog.records
    )

    calls.clear()
    (raw / "broken.txt").write_text("x", encoding="utf-8")
    summary = ingest_brochures(paths=[str(raw / "broken.txt")], out_dir=str(tmp_path / "out"))

    assert len(calls) == 3
    outcome = outcome_for(summary, "broken.txt")
    assert outcome.error_code == "os_error"
    assert "broken.txt" in (outcome.error or "")


@pytest.mark.flow
def test_flows_ingest_batch_logs_a_failure_as_it_comes_and_the_rest_in_one_record(
    prefect_harness: None,
    tmp_path: Path,
    sample_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    from prefect import flow

    raw = make_raw(tmp_path / "raw", sample_path)
    shutil.copyfile(sample_path, raw / "second.txt")
    checked = settings_from_mapping({}, "settings")
    space = Workspace(
        layout=OutputLayout.of(tmp_path / "out"),
        settings=checked,
        pipeline_version=pipeline_version(checked),
    )
    items = [(str(raw / name), None) for name in (sample_path.name, "empty.txt", "second.txt")]

    @flow
    def one_batch() -> list[BrochureOutcome]:
        return ingest_batch(items, space)

    caplog.set_level(logging.INFO)
    outcomes = one_batch()

    assert [outcome.status for outcome in outcomes] == ["ok", "failed", "ok"]
    logged = [
        (record.levelno, record.getMessage())
        for record in caplog.records
        if record.name == "prefect.task_runs"
        and any(name in record.getMessage() for name in ("second.txt", "empty.txt"))
    ]
    assert logged == [
        (logging.WARNING, outcomes[1].describe()),
        (logging.INFO, f"{outcomes[0].describe()}\n{outcomes[2].describe()}"),
    ]


@pytest.mark.flow
def test_flows_ingest_does_not_retry_other_errors(
    prefect_harness: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[Path] = []

    def buggy(source: SourceText, settings: Any = None) -> BrochureExtraction:
        calls.append(Path(source.source))
        raise ValueError("a bug")

    replace_extraction(monkeypatch, buggy)
    (tmp_path / "one.txt").write_text("x", encoding="utf-8")
    (tmp_path / "two.txt").write_text("x", encoding="utf-8")

    summary = ingest_brochures(paths=[str(tmp_path)], out_dir=str(tmp_path / "out"))

    assert len(calls) == 2
    assert (summary.brochures, summary.failed) == (2, 2)
    assert {outcome.error_code for outcome in summary.outcomes} == {"unexpected_error"}


def test_flows_ingest_task_writes_export_and_returns_outcome(
    tmp_path: Path, sample_path: Path
) -> None:
    outcome = ingest_brochure(str(sample_path), make_workspace(tmp_path, corrections=None))

    export = tmp_path / "clust-er-innovate.json"
    index, review = outcome.index, outcome.review_markdown
    assert outcome.model_dump(exclude={"index"}) == {
        "source": str(sample_path),
        "status": "ok",
        "reason": None,
        "change": "new",
        "edition": 1,
        "output": str(export),
        "projects": 18,
        "warnings": outcome.warnings,
        "duplicates": outcome.duplicates,
        "changes_output": None,
        "changes": None,
        "report": str(tmp_path / "clust-er-innovate.report.html"),
        "corrections_files": [],
        "corrections_applied": 0,
        "corrections_stale": 0,
        "error_code": None,
        "error": None,
    }
    assert index is not None
    assert (index.projects, index.partners, index.duplicates) == (18, 44, 2)
    assert review is not None and review.startswith("# Extraction of clust-er-innovate.txt")
    assert "Cultural and Creative Industries Hub" in (
        tmp_path / "clust-er-innovate.report.html"
    ).read_text(encoding="utf-8")
    extraction = BrochureExtraction.model_validate_json(export.read_text(encoding="utf-8"))
    assert outcome.warnings == len(extraction.warnings)
    assert outcome.duplicates == len(extraction.duplicates)
    with Catalogue(tmp_path / "catalogue.sqlite3") as catalogue:
        assert catalogue.extraction("clust-er-innovate", 1) == extraction


def test_flows_ingest_task_turns_brochure_error_into_failed_outcome(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    out = tmp_path / "out"

    outcome = ingest_brochure(str(empty), make_workspace(out))

    assert outcome.status == "failed"
    assert outcome.error_code == "input_error"
    assert "empty.txt" in (outcome.error or "")
    assert not out.exists()


def test_flows_ingest_task_keeps_the_error_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_structure(source: SourceText, settings: Any = None) -> BrochureExtraction:
        raise StructureError(source.source, "no headings found", "Check the file.", line=1)

    replace_extraction(monkeypatch, no_structure)
    plain = tmp_path / "plain.txt"
    plain.write_text("just some words", encoding="utf-8")

    outcome = ingest_brochure(str(plain), make_workspace(tmp_path / "out"))

    assert outcome == BrochureOutcome(
        source=str(plain),
        status="failed",
        error_code="structure_error",
        error=f"{plain}, line 1: no headings found. Check the file.",
    )


def test_flows_ingest_task_retries_an_os_error_then_fails_the_brochure_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[Path] = []

    def unreadable(path: Path, settings: Any = None, rules: Any = None) -> SourceText:
        calls.append(path)
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(workspace.service, "read_source", unreadable)
    monkeypatch.setattr(flows.ingest, "TASK_RETRY_DELAY_SECONDS", 0)

    outcome = ingest_brochure("raw/locked.txt", make_workspace(tmp_path), "first_ingestion")

    assert len(calls) == 1 + flows.ingest.TASK_RETRIES
    assert (outcome.status, outcome.error_code, outcome.reason) == (
        "failed",
        "os_error",
        "first_ingestion",
    )
    assert outcome.error == (
        "raw/locked.txt: PermissionError: [Errno 13] Permission denied: 'raw/locked.txt'"
    )
    assert not (tmp_path / "locked.json").exists()


def test_flows_ingest_task_passes_settings_through(
    tmp_path: Path, sample_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[Any] = []

    def spy(source: SourceText, settings: Any = None) -> BrochureExtraction:
        seen.append(settings)
        return extract_source(source, settings)

    replace_extraction(monkeypatch, spy)

    ingest_brochure(str(sample_path), make_workspace(tmp_path, {"max_title_words": 30}))

    assert seen[0].max_title_words == 30


def test_flows_ingest_task_stores_the_next_edition_with_its_change_report(
    tmp_path: Path, sample_path: Path, edited_sample_text: str
) -> None:
    edited = tmp_path / "raw" / sample_path.name
    edited.parent.mkdir()
    edited.write_text(edited_sample_text, encoding="utf-8")
    out = tmp_path / "out"
    ingest_brochure(str(sample_path), make_workspace(out))

    outcome = ingest_brochure(str(edited), make_workspace(out))

    changes_file = out / "clust-er-innovate.changes.json"
    assert (outcome.change, outcome.edition) == ("changed", 2)
    assert outcome.changes_output == str(changes_file)
    on_disk = json.loads(changes_file.read_text(encoding="utf-8"))
    assert outcome.changes is not None
    assert on_disk == outcome.changes.model_dump(mode="json")
    assert (on_disk["previous_edition"], on_disk["edition"]) == (1, 2)
    with Catalogue(out / "catalogue.sqlite3") as catalogue:
        assert [edition.number for edition in catalogue.editions("clust-er-innovate")] == [1, 2]
        export = (out / "clust-er-innovate.json").read_text(encoding="utf-8")
        assert catalogue.extraction("clust-er-innovate") == (
            BrochureExtraction.model_validate_json(export)
        )


def test_flows_ingest_task_first_edition_removes_a_stale_change_report(
    tmp_path: Path, sample_path: Path
) -> None:
    stale = tmp_path / "clust-er-innovate.changes.json"
    stale.write_text("{}", encoding="utf-8")

    outcome = ingest_brochure(str(sample_path), make_workspace(tmp_path))

    assert outcome.changes is None
    assert not stale.exists()


def test_flows_ingest_task_refuses_to_store_over_an_edition_added_meanwhile(
    tmp_path: Path, sample_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ingest_brochure(str(sample_path), make_workspace(tmp_path))
    export = (tmp_path / "clust-er-innovate.json").read_text(encoding="utf-8")
    real = workspace.service.read_latest_extraction

    def read_then_another_run_stores(path: Path, brochure: str) -> Any:
        latest = real(path, brochure)
        # Another run stores edition 2 while this one works, after it read edition 1.
        assert latest is not None
        with Catalogue(path) as catalogue:
            catalogue.add_edition(
                brochure, latest.extraction, source="x", pipeline_version="v", previous=1
            )
        return latest

    monkeypatch.setattr(workspace.service, "read_latest_extraction", read_then_another_run_stores)
    monkeypatch.setattr(flows.ingest, "TASK_RETRY_DELAY_SECONDS", 0)

    # Each attempt compares against an edition another run has replaced meanwhile.
    outcome = ingest_brochure(str(sample_path), make_workspace(tmp_path))
    assert outcome.status == "failed" and "stored by another run" in (outcome.error or "")
    # The refused edition's staged files are discarded; the first edition's stay.
    assert (tmp_path / "clust-er-innovate.json").read_text(encoding="utf-8") == export
    assert not [path.name for path in tmp_path.iterdir() if path.name.endswith(".tmp")]


# A run of the sample, then of an edited copy (see SAMPLE_EDITS in conftest.py), then of the
# same edited copy again: the three runs of a brochure's life between two publications.


@dataclass
class Editions:
    out: Path
    summaries: list[RunSummary]
    flow_run_ids: list[Any]
    export_after_second: str


@pytest.fixture(scope="module")
def editions(
    prefect_harness: None,
    tmp_path_factory: pytest.TempPathFactory,
    sample_text: str,
    edited_sample_text: str,
) -> Editions:
    root = tmp_path_factory.mktemp("editions")
    brochure = root / "raw" / "clust-er-innovate.txt"
    brochure.parent.mkdir()
    out = root / "output"
    summaries, ids = [], []
    export = ""
    for text in (sample_text, edited_sample_text, edited_sample_text):
        brochure.write_text(text, encoding="utf-8")
        state = ingest_brochures(paths=[str(brochure.parent)], out_dir=str(out), return_state=True)
        summaries.append(state.result())
        ids.append(state.state_details.flow_run_id)
        if len(summaries) == 2:
            export = (out / "clust-er-innovate.json").read_text(encoding="utf-8")
    return Editions(out, summaries, ids, export)


def counts(summary: RunSummary) -> tuple[int, int, int, int]:
    return (summary.new, summary.changed, summary.unchanged, summary.failed)


@pytest.mark.slow
@pytest.mark.flow
def test_flows_ingest_counts_new_changed_and_unchanged_across_editions(
    editions: Editions,
) -> None:
    assert [counts(summary) for summary in editions.summaries] == [
        (1, 0, 0, 0),
        (0, 1, 0, 0),
        (0, 0, 1, 0),
    ]
    [outcome] = editions.summaries[1].outcomes
    assert (outcome.reason, outcome.edition) == ("content_changed", 2)


@pytest.mark.slow
@pytest.mark.flow
def test_flows_ingest_change_report_of_the_edited_edition(editions: Editions) -> None:
    report = ChangeReport.model_validate_json(
        (editions.out / "clust-er-innovate.changes.json").read_text(encoding="utf-8")
    )

    assert (report.previous_edition, report.edition, report.unchanged) == (1, 2, False)
    assert [(item.id, item.title, item.acronym) for item in report.projects_added] == [
        ("greenport", "Green Port Observatory", "GREENPORT")
    ]
    assert report.projects_removed == []
    steering, dissem, move_up = report.projects_changed
    # The reworded title keeps the id of edition 1 and shows as changed, nothing else.
    assert steering.model_dump(exclude_defaults=True) == {
        "id": "steering-committee-of-the-investigation-into-the-academies",
        "title": "Steering Committee of the investigation into the Corporate Academies",
        "title_change": {
            "before": "Steering Committee of the investigation into the Academies",
            "after": "Steering Committee of the investigation into the Corporate Academies",
        },
    }
    assert dissem.model_dump(exclude_defaults=True) == {
        "id": "dissem",
        "title": "Data-driven IT Services for Sustainable and Efficient Manufacturing",
        "partners_removed": [
            "CRIS Interdepartmental Research Center on Safety and Risk Prevention of the "
            "University of Modena and Reggio Emilia"
        ],
    }
    assert move_up.id == "move-up"
    assert move_up.model_dump(exclude_defaults=True).keys() == {"id", "title", "role_change"}
    assert move_up.role_change == RoleChange(
        before=RoleState(
            category="technical_partner",
            text="In the context of the “Lab MOVE-UP” project, Clust-ER Innovate will act as a "
            "TECHNICAL PARTNER and is committed to carrying out the following activities:",
        ),
        after=RoleState(
            category="coordinator",
            text="In the context of the “Lab MOVE-UP” project, Clust-ER Innovate is the "
            "coordinator of the project and is committed to carrying out the following "
            "activities:",
        ),
    )
    assert steering.title_change == TextChange(
        before="Steering Committee of the investigation into the Academies",
        after="Steering Committee of the investigation into the Corporate Academies",
    )


@pytest.mark.slow
@pytest.mark.flow
def test_flows_ingest_export_is_the_latest_edition_with_stable_ids(editions: Editions) -> None:
    export = BrochureExtraction.model_validate_json(editions.export_after_second)

    ids = [project.id for project in export.projects]
    assert len(ids) == 19
    assert ids[2] == "steering-committee-of-the-investigation-into-the-academies"
    assert ids[-1] == "greenport"
    with Catalogue(editions.out / "catalogue.sqlite3") as catalogue:
        assert catalogue.extraction("clust-er-innovate") == export
        assert len(catalogue.extraction("clust-er-innovate", 1).projects) == 18


@pytest.mark.slow
@pytest.mark.flow
def test_flows_ingest_unchanged_brochure_is_skipped_without_a_task_run(
    editions: Editions,
) -> None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    [outcome] = editions.summaries[2].outcomes
    with get_client(sync_client=True) as client:
        task_runs = [
            len(
                client.read_task_runs(
                    flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id]))
                )
            )
            for flow_run_id in editions.flow_run_ids
        ]

    assert outcome == BrochureOutcome(
        source=outcome.source,
        status="unchanged",
        reason="unchanged",
        edition=2,
        output=str(editions.out / "clust-er-innovate.json"),
        report=str(editions.out / "clust-er-innovate.report.html"),
        projects=19,
        warnings=editions.summaries[1].outcomes[0].warnings,
        corrections_files=outcome.corrections_files,
    )
    assert task_runs == [1, 1, 0]
    assert (editions.out / "clust-er-innovate.json").read_text(encoding="utf-8") == (
        editions.export_after_second
    )
    with Catalogue(editions.out / "catalogue.sqlite3") as catalogue:
        assert [item.number for item in catalogue.editions("clust-er-innovate")] == [1, 2]


@pytest.mark.slow
@pytest.mark.flow
def test_flows_ingest_publishes_a_table_and_the_change_report_as_artifacts(
    editions: Editions,
) -> None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId

    with get_client(sync_client=True) as client:
        artifacts = client.read_artifacts(
            artifact_filter=ArtifactFilter(
                flow_run_id=ArtifactFilterFlowRunId(any_=[editions.flow_run_ids[1]])
            )
        )

    by_key = {artifact.key: artifact for artifact in artifacts}
    assert set(by_key) == {TABLE_ARTIFACT_KEY, CHANGES_ARTIFACT_KEY, REVIEW_ARTIFACT_KEY}
    review = by_key[REVIEW_ARTIFACT_KEY].data
    assert review.startswith("# Extraction of clust-er-innovate.txt")
    assert "misplaced heading" in review.casefold()
    assert by_key[TABLE_ARTIFACT_KEY].type == "table"
    table = by_key[TABLE_ARTIFACT_KEY].data
    rows = json.loads(table) if isinstance(table, str) else table
    assert [(row["brochure"], row["status"], row["projects added"]) for row in rows] == [
        ("clust-er-innovate.txt", "changed", 1)
    ]
    markdown = by_key[CHANGES_ARTIFACT_KEY].data
    assert "- `greenport`: Green Port Observatory" in markdown
    assert (
        "- partner removed: CRIS Interdepartmental Research Center on Safety and Risk "
        "Prevention of the University of Modena and Reggio Emilia"
    ) in markdown


@pytest.mark.slow
@pytest.mark.flow
def test_flows_ingest_rule_change_re_extracts_everything_and_force_too(
    prefect_harness: None, tmp_path: Path, sample_path: Path
) -> None:
    from extractors.rules import DEFAULT_PATTERNS_DIR

    patterns = tmp_path / "patterns"
    shutil.copytree(DEFAULT_PATTERNS_DIR, patterns)
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copyfile(sample_path, raw / "one.txt")
    shutil.copyfile(sample_path, raw / "two.txt")
    arguments: dict[str, Any] = {
        "paths": [str(raw)],
        "out_dir": str(tmp_path / "out"),
        "settings": {"patterns_dir": str(patterns)},
    }
    ingest_brochures(**arguments)
    roles = patterns / "roles.yaml"
    roles.write_text(roles.read_text(encoding="utf-8") + "\n# reviewed\n", encoding="utf-8")

    after_rules = ingest_brochures(**arguments)
    unchanged = ingest_brochures(**arguments)
    forced = ingest_brochures(**arguments, force=True)

    assert counts(after_rules) == (0, 2, 0, 0)
    assert {outcome.reason for outcome in after_rules.outcomes} == {"pipeline_changed"}
    assert counts(unchanged) == (0, 0, 2, 0)
    assert counts(forced) == (0, 2, 0, 0)
    assert {outcome.reason for outcome in forced.outcomes} == {"forced"}
    assert all(outcome.changes and outcome.changes.unchanged for outcome in forced.outcomes)


def test_flows_ingest_describes_each_kind_of_outcome() -> None:
    added = ProjectRef(id="added", title="Added")
    changes = ChangeReport(
        brochure="raw/a.txt",
        previous_sha256="0" * 64,
        sha256="1" * 64,
        unchanged=False,
        projects_added=[added],
        projects_changed=[
            ProjectChange(id="one", title="One"),
            ProjectChange(id="two", title="Two"),
        ],
    )
    ok = BrochureOutcome(
        source="raw/a.txt",
        status="ok",
        change="changed",
        reason="content_changed",
        edition=3,
        output="out/a.json",
        projects=4,
        warnings=1,
        duplicates=0,
        changes=changes,
    )
    new = ok.model_copy(update={"change": "new", "edition": 1, "changes": None})
    skipped = BrochureOutcome(source="raw/b.txt", status="unchanged", reason="unchanged", edition=2)

    assert ok.describe() == (
        "ok      raw/a.txt -> out/a.json (edition 3, content changed: 1 project(s) added, "
        "0 removed, 2 changed; 4 projects, 1 warnings, 0 duplicates)"
    )
    assert new.describe().startswith("ok      raw/a.txt -> out/a.json (edition 1, new; 4 projects")
    assert skipped.describe() == "skipped raw/b.txt (unchanged since edition 2)"


def test_flows_ingest_artifacts_list_every_brochure_and_the_failures() -> None:
    summary = RunSummary(
        brochures=3,
        ok=2,
        failed=1,
        new=1,
        changed=0,
        unchanged=1,
        outcomes=[
            BrochureOutcome(
                source="raw/a.txt",
                status="ok",
                change="new",
                edition=1,
                projects=4,
                warnings=1,
                changes=None,
            ),
            BrochureOutcome(source="raw/b.txt", status="unchanged", edition=2),
            BrochureOutcome(source="raw/c.txt", status="failed", error="raw/c.txt: is empty"),
        ],
    )

    rows = artifact_table(summary)
    markdown = artifact_markdown(summary)

    assert [(row["brochure"], row["status"], row["edition"], row["error"]) for row in rows] == [
        ("a.txt", "new", 1, None),
        ("b.txt", "unchanged", 2, None),
        ("c.txt", "failed", None, "raw/c.txt: is empty"),
    ]
    assert "3 brochures: 2 ok, 1 failed (1 new, 0 changed, 1 unchanged and skipped)." in markdown
    assert "- raw/c.txt: is empty" in markdown
    assert "- a.txt: edition 1, 4 projects" in markdown
    assert "## Changes" not in markdown


DRONE_ID = "laboratory-feasibility-study-of-a-drone-delivery-service"


@pytest.mark.slow
@pytest.mark.flow
def test_flows_ingest_applies_corrections_and_a_corrections_edit_re_ingests_that_brochure(
    prefect_harness: None, tmp_path: Path, sample_path: Path
) -> None:
    raw, out, root = tmp_path / "raw", tmp_path / "out", tmp_path / "review"
    raw.mkdir()
    shutil.copy(sample_path, raw / sample_path.name)
    (raw / "other.txt").write_text("Skills Intelligence\nThe tool shows skills data.\n")
    corrections = root / "corrections" / "clust-er-innovate.yaml"
    corrections.parent.mkdir(parents=True)
    corrections.write_text(
        f"- project: {DRONE_ID}\n  set_title: Drone delivery of medicines\n", encoding="utf-8"
    )

    first = ingest_brochures(paths=[str(raw)], out_dir=str(out), corrections_root=str(root))
    export = BrochureExtraction.model_validate_json((out / "clust-er-innovate.json").read_text())
    drone = next(project for project in export.projects if project.id == DRONE_ID)
    assert drone.title == "Drone delivery of medicines"
    assert [(mark.field, mark.original) for mark in drone.review] == [
        ("title", "Laboratory: feasibility study of a drone delivery service for medicines")
    ]
    assert outcome_for(first, "clust-er-innovate.txt").corrections_applied == 1
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="./clust-er-innovate.report.html"' in index
    assert 'href="./other.report.html"' in index

    corrections.write_text(
        f"- project: {DRONE_ID}\n  set_title: Drone delivery for hospitals\n", encoding="utf-8"
    )
    second = ingest_brochures(paths=[str(raw)], out_dir=str(out), corrections_root=str(root))
    edited = outcome_for(second, "clust-er-innovate.txt")
    assert (edited.status, edited.reason) == ("ok", "corrections_changed")
    assert outcome_for(second, "other.txt").status == "unchanged"
    assert "unchanged since edition 1" in (out / "index.html").read_text(encoding="utf-8")


@pytest.mark.flow
def test_flows_ingest_refuses_a_second_run_on_the_same_output_folder(
    prefect_harness: None, tmp_path: Path, sample_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from workspace.locking import run_lock

    monkeypatch.setattr(flows.ingest, "LOCK_WAIT_SECONDS", 0)
    out = tmp_path / "out"
    with run_lock(OutputLayout.of(out).lock), pytest.raises(OutputError, match="another run"):
        ingest_brochures(paths=[str(sample_path)], out_dir=str(out))
    assert not (out / "clust-er-innovate.json").exists()


def test_flows_ingest_batches_keep_one_brochure_a_task_for_small_runs(tmp_path: Path) -> None:
    from flows.ingest import MAX_BATCH, TASKS_PER_THREAD, batches
    from workspace.planning import PlannedBrochure

    def planned(count: int) -> list[PlannedBrochure]:
        return [
            PlannedBrochure(tmp_path / f"b{i}.txt", f"b{i}", "0", "new", "first_ingestion", None)
            for i in range(count)
        ]

    assert [len(batch) for batch in batches(planned(10), threads=4)] == [1] * 10
    large = batches(planned(300), threads=4)
    sizes = [len(batch) for batch in large]
    # A share of what is left for each of the threads' tasks, never growing, down to single
    # brochures for the last tasks of each thread.
    assert sizes[0] == 300 // (4 * TASKS_PER_THREAD)
    assert sizes == sorted(sizes, reverse=True)
    assert sizes[-4 * TASKS_PER_THREAD :] == [1] * 4 * TASKS_PER_THREAD
    assert len(large) <= 40  # far fewer tasks than brochures
    assert [item for batch in large for item in batch] == planned(300)
    # Many brochures: full batches first, then the shrinking tail of a smaller run.
    huge = [len(batch) for batch in batches(planned(3000), threads=4)]
    assert huge[0] == max(huge) == MAX_BATCH
    assert len(huge) <= 3000 // MAX_BATCH + len(large)


def test_long_lived_left_out_freezes_what_is_alive_and_hands_it_back() -> None:
    before = gc.get_freeze_count()
    with flows.ingest.long_lived_left_out():
        inside = gc.get_freeze_count()

    assert inside > before
    assert gc.get_freeze_count() == before


def test_long_lived_left_out_leaves_an_earlier_freeze_alone() -> None:
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        # Frozen objects freed meanwhile (by other threads, too) leave the count: it may only
        # shrink. Freezing again would grow it; unfreezing would empty it.
        with flows.ingest.long_lived_left_out():
            assert 0 < gc.get_freeze_count() <= frozen

        assert 0 < gc.get_freeze_count() <= frozen
    finally:
        gc.unfreeze()


@pytest.mark.slow
@pytest.mark.flow
def test_flows_ingest_finishes_the_run_with_long_lived_objects_left_out(
    prefect_harness: None, tmp_path: Path, sample_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    frozen_at_finish: list[int] = []
    real_finish = flows.ingest.finish_run

    def finish(*args: Any) -> RunSummary:
        frozen_at_finish.append(gc.get_freeze_count())
        return real_finish(*args)

    monkeypatch.setattr(flows.ingest, "finish_run", finish)
    before = gc.get_freeze_count()
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(sample_path, raw / sample_path.name)

    summary = ingest_brochures(paths=[str(raw)], out_dir=str(tmp_path / "out"))

    assert summary.ok == 1
    assert frozen_at_finish[0] > before
    assert gc.get_freeze_count() == before
