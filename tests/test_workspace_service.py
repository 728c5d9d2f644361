"""Processing one brochure: reconciling it with its latest edition, publishing it, storing it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reports.pages import Review, find_doubts, review_of
from schemas import BrochureExtraction, Settings
from workspace.catalogue import Catalogue
from workspace.layout import OutputLayout
from workspace.service import Workspace, failed_outcome, prepare_edition, process_brochure
from workspace.tables import brochure_tables, parse_brochure_tables


def workspace_in(out: Path, corrections: Path | None = None) -> Workspace:
    return Workspace(OutputLayout.of(out), Settings(), "v1", corrections)


@pytest.fixture
def brochure(tmp_path: Path, sample_path: Path) -> Path:
    path = tmp_path / "raw" / "agency.txt"
    path.parent.mkdir()
    path.write_bytes(sample_path.read_bytes())
    return path


def test_service_first_edition_writes_export_and_page_and_no_change_report(
    brochure: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"

    outcome = process_brochure(brochure, workspace_in(out), "first_ingestion")

    assert (outcome.status, outcome.change, outcome.edition) == ("ok", "new", 1)
    assert outcome.reason == "first_ingestion"
    export = BrochureExtraction.model_validate_json((out / "agency.json").read_text("utf-8"))
    assert outcome.projects == len(export.projects) == 18
    assert outcome.output == str(out / "agency.json")
    assert outcome.report == str(out / "agency.report.html")
    assert (out / "agency.report.html").read_text("utf-8").startswith("<!DOCTYPE html>")
    assert not (out / "agency.changes.json").exists()
    with Catalogue(out / "catalogue.sqlite3") as catalogue:
        (edition,) = catalogue.editions("agency")
        (_, share) = catalogue.published_tables()["agency"]
    assert (edition.number, edition.published, edition.pipeline_version) == (1, True, "v1")
    # The edition keeps its share of the tables, made from the export's extraction.
    assert parse_brochure_tables("agency", share or "") == brochure_tables("agency", export)
    written = sorted(path.name for path in out.iterdir() if not path.name.startswith("catalogue"))
    assert written == ["agency.json", "agency.report.html"]  # no staged file left behind


def test_service_finds_a_brochures_doubts_once_for_its_page_index_and_summary(
    brochure: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = []

    def counted(extraction: BrochureExtraction, source_text: str | None = None) -> Review:
        calls.append(extraction.document.source)
        return review_of(extraction, source_text)

    monkeypatch.setattr("workspace.service.review_of", counted)

    outcome = process_brochure(brochure, workspace_in(tmp_path / "out"))

    assert calls == [brochure.name]
    result = prepare_edition(brochure, workspace_in(tmp_path / "again"))
    doubts = find_doubts(result.extraction, result.source_text)
    # The counts of the index and the summary's list are those of the doubts found afresh.
    assert outcome.index is not None
    assert outcome.index.doubts == sum(doubt.kind != "resolved" for doubt in doubts)
    assert outcome.review_markdown is not None
    listed = [line for line in outcome.review_markdown.splitlines() if line.startswith("- **")]
    assert len(listed) == len(doubts) > 0


def test_service_next_edition_carries_ids_over_and_reports_the_change(
    brochure: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    process_brochure(brochure, workspace_in(out))
    text = brochure.read_text("utf-8")
    brochure.write_text(
        text.replace("\nSkills Intelligence\n", "\nSkills Intelligence Tool\n", 1), "utf-8"
    )

    outcome = process_brochure(brochure, workspace_in(out), "content_changed")

    assert (outcome.change, outcome.edition) == ("changed", 2)
    assert outcome.changes is not None
    (change,) = outcome.changes.projects_changed
    assert (change.id, change.title_change.after if change.title_change else None) == (
        "skills-intelligence",
        "Skills Intelligence Tool",
    )
    on_disk = json.loads((out / "agency.changes.json").read_text("utf-8"))
    assert on_disk == outcome.changes.model_dump(mode="json")


def test_service_prepare_edition_is_what_process_brochure_stores(
    brochure: Path, tmp_path: Path
) -> None:
    corrections = tmp_path / "review"
    (corrections / "corrections").mkdir(parents=True)
    (corrections / "corrections" / "agency.yaml").write_text(
        "- project: move-up\n  set_title: Move Up Laboratory\n", "utf-8"
    )
    out = tmp_path / "out"
    workspace = workspace_in(out, corrections)

    prepared = prepare_edition(brochure, workspace)
    outcome = process_brochure(brochure, workspace)

    stored = BrochureExtraction.model_validate_json((out / "agency.json").read_text("utf-8"))
    assert prepared.extraction == stored
    assert [p.title for p in stored.projects if p.id == "move-up"] == ["Move Up Laboratory"]
    assert outcome.corrections_files == [str(corrections / "corrections" / "agency.yaml")]
    assert outcome.corrections_applied == 1
    again = prepare_edition(brochure, workspace)
    assert again.previous is not None and again.previous.number == outcome.edition == 1


def test_service_a_refused_brochure_fails_alone_and_writes_nothing(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    out = tmp_path / "out"

    outcome = process_brochure(empty, workspace_in(out), "first_ingestion")

    assert (outcome.status, outcome.error_code, outcome.reason) == (
        "failed",
        "input_error",
        "first_ingestion",
    )
    assert outcome.error is not None and "empty.txt" in outcome.error
    assert not out.exists()


def test_service_failed_outcome_names_the_file_for_any_error(tmp_path: Path) -> None:
    outcome = failed_outcome(tmp_path / "a.txt", OSError(5, "Input/output error"))
    assert outcome.error_code == "os_error"
    assert outcome.error == f"{tmp_path / 'a.txt'}: OSError: [Errno 5] Input/output error"


def test_service_change_report_keeps_review_changes_apart_from_source_changes(
    brochure: Path, tmp_path: Path
) -> None:
    out, review = tmp_path / "out", tmp_path / "review"
    workspace = workspace_in(out, review)
    process_brochure(brochure, workspace)
    (review / "corrections").mkdir(parents=True)
    (review / "corrections" / "agency.yaml").write_text(
        "- project: move-up\n  set_title: Move Up Laboratory\n", "utf-8"
    )

    outcome = process_brochure(brochure, workspace, "corrections_changed")

    assert outcome.changes is not None
    assert outcome.changes.unchanged  # same bytes: the source changed nothing
    assert outcome.changes.projects_changed == []
    (change,) = outcome.changes.review_changes
    assert (change.change, change.project, change.field) == ("applied", "move-up", "title")
    assert (change.original, change.value) == ("Lab Move Up", "Move Up Laboratory")
    assert outcome.describe_change() == (
        "corrections changed, no project changed, 1 correction(s) applied or withdrawn"
    )

    (review / "corrections" / "agency.yaml").write_text("", "utf-8")
    withdrawn = process_brochure(brochure, workspace, "corrections_changed")
    assert withdrawn.changes is not None and withdrawn.changes.unchanged
    assert [c.change for c in withdrawn.changes.review_changes] == ["withdrawn"]


def test_service_a_catalogue_it_cannot_read_is_retried_not_blamed_on_the_brochure(
    tmp_path: Path, sample_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import flows.ingest
    from schemas import OutputError

    workspace = Workspace(OutputLayout.of(tmp_path / "out"), Settings(), "v1")
    reads = []

    def latest_once_locked(self: Workspace, brochure: Path) -> None:
        reads.append(brochure)
        if len(reads) == 1:
            raise OutputError(
                self.layout.catalogue, "catalogue could not be opened (database is locked)"
            )
        return None

    monkeypatch.setattr(Workspace, "latest", latest_once_locked)
    monkeypatch.setattr(flows.ingest, "TASK_RETRY_DELAY_SECONDS", 0)

    with pytest.raises(OutputError, match="database is locked"):
        process_brochure(sample_path, workspace)
    reads.clear()
    outcome = flows.ingest.ingest_brochure(str(sample_path), workspace)

    assert outcome.status == "ok" and outcome.edition == 1
    assert len(reads) == 2  # locked, then read
    assert (tmp_path / "out" / "clust-er-innovate.json").is_file()
