"""The change report: what differs between two editions of the same brochure.

Written next to the export as `<brochure>.changes.json`. Projects are matched by their stable id;
inside a project, partners by normalised name, work packages by number and normalised title, the
role by category and text. Changes of the source (the extractions as the pipeline read them) and
changes of the review (corrections newly applied, or no longer applied) are kept apart.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from schemas.records import Record, RoleCategory

CHANGES_SCHEMA_VERSION = "1.0"


class ProjectRef(Record):
    """A project named in the report: its id, title and acronym."""

    id: str
    title: str
    acronym: str | None = None


class TextChange(Record):
    """A value that changed: what it was and what it is (None: absent)."""

    before: str | None
    after: str | None


class RoleState(Record):
    """The publishing organisation's role in one edition: its category and text."""

    category: RoleCategory
    text: str


class RoleChange(Record):
    """The role before and after; None where the edition states no role."""

    before: RoleState | None
    after: RoleState | None


class WorkPackageState(Record):
    """A work package as one edition states it."""

    number: int | None
    title: str
    lead: bool


class WorkPackageChange(Record):
    """A work package found in both editions with a different number, title or lead."""

    before: WorkPackageState
    after: WorkPackageState


class ProjectChange(Record):
    """What changed inside a project present in both editions."""

    id: str
    title: str = Field(description="The title in the new edition.")
    title_change: TextChange | None = None
    acronym_change: TextChange | None = None
    description_changed: bool = False
    partners_added: list[str] = Field(default_factory=list)
    partners_removed: list[str] = Field(default_factory=list)
    role_change: RoleChange | None = None
    work_packages_added: list[WorkPackageState] = Field(default_factory=list)
    work_packages_removed: list[WorkPackageState] = Field(default_factory=list)
    work_packages_changed: list[WorkPackageChange] = Field(default_factory=list)


class ReviewChange(Record):
    """A correction that applies in the new edition and did not in the previous one (`applied`),
    or the other way round (`withdrawn`: removed from the file, or no longer applying)."""

    change: Literal["applied", "withdrawn"]
    project: str = Field(description="The id of the project it corrects.")
    field: str = Field(description="The corrected field: 'title', 'partners', 'project'...")
    correction_id: str
    value: str | int | bool | None = Field(default=None, description="What it sets.")
    original: str | int | bool | None = Field(default=None, description="What was read.")


class ChangeReport(Record):
    """Differences between the previous edition of a brochure and the new one."""

    schema_version: str = CHANGES_SCHEMA_VERSION
    brochure: str = Field(description="The source file of the new edition.")
    previous_edition: int | None = Field(default=None, description="Catalogue edition number.")
    edition: int | None = Field(default=None, description="Catalogue edition number.")
    previous_sha256: str
    sha256: str
    unchanged: bool = Field(
        description="True when the source added, removed or changed no project (review "
        "changes aside)."
    )
    projects_added: list[ProjectRef] = Field(default_factory=list)
    projects_removed: list[ProjectRef] = Field(default_factory=list)
    projects_changed: list[ProjectChange] = Field(default_factory=list)
    review_changes: list[ReviewChange] = Field(
        default_factory=list, description="Corrections newly applied or withdrawn."
    )
