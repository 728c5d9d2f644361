"""The records of a run: why each brochure was (or was not) worked on, what came of it, and the
run's summary, as `run-summary.json` holds them."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from schemas.changes import ChangeReport

PlanReason = Literal[
    "first_ingestion",
    "content_changed",
    "pipeline_changed",
    "corrections_changed",
    "forced",
    "export_missing",
    "unpublished",
    "unreadable",
    "unchanged",
    "still_failing",
]
OutcomeStatus = Literal["ok", "unchanged", "failed"]

REASON_WORDS: dict[str, str] = {
    "content_changed": "content changed",
    "pipeline_changed": "pipeline changed",
    "corrections_changed": "corrections changed",
    "forced": "forced",
    "export_missing": "export was missing",
    "unpublished": "its last edition was not published",
    "unreadable": "could not be hashed",
    "still_failing": "unchanged since it failed",
}


class IndexCounts(BaseModel):
    """What the index page shows of one brochure: its counts, its doubts, its corrections
    (None where a brochure the run skipped has no fresh count)."""

    model_config = ConfigDict(extra="forbid")

    publisher: str | None = None
    projects: int | None = None
    partners: int | None = None
    work_packages: int | None = None
    warnings: int | None = None
    duplicates: int | None = None
    doubts: int | None = None
    corrections_applied: int = 0
    corrections_stale: int = 0
    changes: int | None = Field(default=None, description="None: no earlier edition.")


class BrochureOutcome(BaseModel):
    """What a run did with one brochure.

    `ok`: extracted and stored as edition `edition` (`change` says whether it was new);
    `unchanged`: skipped, its latest edition stands; `failed`: `error` says why, naming the file,
    and nothing of the brochure was written.
    """

    model_config = ConfigDict(extra="forbid")

    source: str
    status: OutcomeStatus
    reason: PlanReason | None = None
    change: Literal["new", "changed"] | None = None
    edition: int | None = None
    output: str | None = Field(default=None, description="The JSON export.")
    projects: int | None = None
    warnings: int | None = None
    duplicates: int | None = None
    changes_output: str | None = Field(default=None, description="The change report file.")
    changes: ChangeReport | None = None
    report: str | None = Field(default=None, description="The review page.")
    corrections_files: list[str] = Field(default_factory=list)
    corrections_applied: int = 0
    corrections_stale: int = 0
    index: IndexCounts | None = None
    error_code: str | None = None
    error: str | None = None
    # The review summary in Markdown, for the run's Prefect artifact; not part of the summary.
    review_markdown: str | None = Field(default=None, exclude=True)

    def describe(self) -> str:
        """The one line that reports the outcome."""
        if self.status == "ok":
            return (
                f"ok      {self.source} -> {self.output} "
                f"(edition {self.edition}, {self.describe_change()}; "
                f"{self.projects} projects, {self.warnings} warnings, "
                f"{self.duplicates} duplicates)"
            )
        if self.status == "unchanged":
            return f"skipped {self.source} (unchanged since edition {self.edition})"
        return f"failed  {self.error}"

    def describe_change(self) -> str:
        """A few words on why an "ok" brochure was extracted and what changed."""
        if self.changes is None:
            return "new"
        why = REASON_WORDS.get(self.reason or "", "changed")
        reviewed = len(self.changes.review_changes)
        review = f", {reviewed} correction(s) applied or withdrawn" if reviewed else ""
        if self.changes.unchanged:
            return f"{why}, no project changed{review}"
        return (
            f"{why}: {len(self.changes.projects_added)} project(s) added, "
            f"{len(self.changes.projects_removed)} removed, "
            f"{len(self.changes.projects_changed)} changed{review}"
        )


class RunSummary(BaseModel):
    """A run's counts and the outcome of every brochure it found, in run order.

    `ok` counts every brochure that did not fail; `new`, `changed` and `unchanged` split it.
    """

    model_config = ConfigDict(extra="forbid")

    brochures: int
    ok: int
    failed: int
    new: int
    changed: int
    unchanged: int
    pipeline_version: str | None = None
    catalogue: str | None = None
    corrections_files: list[str] = Field(
        default_factory=list, description="Every corrections file the run read."
    )
    identity_corrections_files: list[str] = Field(
        default_factory=list,
        description="The identity corrections files (joins, splits) of the organisations.",
    )
    tables_error: str | None = Field(
        default=None,
        description="Why the organisation tables were left as they were (invalid identity "
        "corrections); None: they are up to date.",
    )
    outcomes: list[BrochureOutcome] = Field(default_factory=list)

    @classmethod
    def of(
        cls,
        outcomes: list[BrochureOutcome],
        pipeline_version: str | None = None,
        catalogue: str | None = None,
    ) -> RunSummary:
        """Given a run's outcomes, return its summary with the counts."""
        extracted = [outcome for outcome in outcomes if outcome.status == "ok"]
        failed = sum(1 for outcome in outcomes if outcome.status == "failed")
        read = sorted({name for outcome in outcomes for name in outcome.corrections_files})
        return cls(
            brochures=len(outcomes),
            ok=len(outcomes) - failed,
            failed=failed,
            new=sum(1 for outcome in extracted if outcome.change == "new"),
            changed=sum(1 for outcome in extracted if outcome.change == "changed"),
            unchanged=sum(1 for outcome in outcomes if outcome.status == "unchanged"),
            pipeline_version=pipeline_version,
            catalogue=catalogue,
            corrections_files=read,
            outcomes=outcomes,
        )

    def describe_counts(self) -> str:
        """The run's counts in one sentence."""
        return (
            f"{self.brochures} brochure{'' if self.brochures == 1 else 's'}: {self.ok} ok, "
            f"{self.failed} failed ({self.new} new, {self.changed} changed, "
            f"{self.unchanged} unchanged and skipped)"
        )
