"""Reviewer corrections: the corrections file's entries, and what applying them did.

A corrections file is a list of entries, each naming a project by its stable id and giving exactly
one action (`set_title`, `add_partner`, `not_a_project`, ...). Applying a set to an extraction
yields, per correction, `applied` or `stale` with the reason.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from schemas.errors import BrochureError
from schemas.records import RoleCategory
from schemas.warnings import WarningCode

ACTIONS = (
    "set_title",
    "set_acronym",
    "remove_acronym",
    "set_role_category",
    "add_partner",
    "remove_partner",
    "add_work_package",
    "remove_work_package",
    "not_a_project",
    "acknowledge",
    "checked",
    "split_at_line",
    "merge_into",
)
"""Every action a correction can take, in the order the README documents them."""

GUARDED_ACTIONS = ("set_title", "set_acronym", "remove_acronym", "set_role_category")
"""Actions that replace one value, and so may say with `was` which value they were written for."""

CorrectionStatus = Literal["applied", "stale"]


class CorrectionError(BrochureError):
    """A corrections file is invalid: syntax, an unknown key, a missing or repeated action."""

    code = "correction_error"


class FileModel(BaseModel):
    """Base of the corrections file's models: unknown keys are refused, names say what is wrong."""

    model_config = ConfigDict(extra="forbid")


class PartnerAddition(FileModel):
    """A partner the brochure lists but the extraction missed."""

    name: str = Field(min_length=1, description="The organisation or person, as it should read.")
    short_name: str | None = None
    kind: Literal["organisation", "person"] = "organisation"
    affiliation: str | None = None
    via: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_name(cls, data: Any) -> Any:
        """Accept a plain name: `add_partner: Legacoop Romagna`."""
        return {"name": data} if isinstance(data, str) else data


class WorkPackageAddition(FileModel):
    """A work package the publishing organisation leads or supports, missed by the extraction."""

    number: int | None = Field(default=None, ge=0)
    title: str = Field(min_length=1)
    lead: bool = Field(description="True when the organisation leads (manages) the work package.")


class WorkPackageReference(FileModel):
    """Which work package to remove: by number, by title, or by both."""

    number: int | None = Field(default=None, ge=0)
    title: str | None = Field(default=None, min_length=1)

    @model_validator(mode="before")
    @classmethod
    def _from_number(cls, data: Any) -> Any:
        """Accept a plain number: `remove_work_package: 5`."""
        return {"number": data} if isinstance(data, int) and not isinstance(data, bool) else data

    @model_validator(mode="after")
    def _names_one(self) -> WorkPackageReference:
        if self.number is None and self.title is None:
            raise ValueError("name the work package by its number or its title")
        return self


class Correction(FileModel):
    """One entry of a corrections file: a project, and exactly one action on it."""

    id: str | None = Field(
        default=None,
        min_length=1,
        description="Optional name of the correction; by default made of the project and action.",
    )
    brochure: str | None = Field(
        default=None,
        min_length=1,
        description="The brochure's file name or stem; required in a shared corrections.yaml.",
    )
    project: str = Field(min_length=1, description="The project's stable id, as in the export.")
    set_title: str | None = Field(default=None, min_length=1)
    set_acronym: str | None = Field(default=None, min_length=1)
    remove_acronym: Literal[True] | None = None
    set_role_category: RoleCategory | None = None
    add_partner: PartnerAddition | None = None
    remove_partner: str | None = Field(default=None, min_length=1)
    add_work_package: WorkPackageAddition | None = None
    remove_work_package: WorkPackageReference | None = None
    not_a_project: Literal[True] | None = None
    acknowledge: WarningCode | None = Field(
        default=None,
        description="A warning of the project a reviewer has looked at and accepts (say why in "
        "`note`): it no longer counts as a doubt.",
    )
    split_at_line: int | None = Field(
        default=None,
        ge=1,
        description="The project holds two: a new project starts at this line (its title), "
        "taking the values that stand from there on.",
    )
    merge_into: str | None = Field(
        default=None,
        min_length=1,
        description="The project is part of this other project (its id): its partners, work "
        "packages and facts move there, and it is no project of its own.",
    )
    checked: str | None = Field(
        default=None,
        min_length=1,
        description="The project was checked whole; the fingerprint of its values then "
        "(`brochures correct ... --checked` fills it in). When they change, the project is "
        "flagged for a second look.",
    )
    was: str | None = Field(
        default=None,
        description="For a set or remove of one value: the value the correction was written "
        "against; when the extraction now says something else, the correction is stale.",
    )
    note: str | None = Field(default=None, description="Why: free text for the next reviewer.")

    @model_validator(mode="after")
    def _one_action(self) -> Correction:
        given = [action for action in ACTIONS if getattr(self, action) is not None]
        if len(given) != 1:
            found = ", ".join(given) if given else "none"
            raise ValueError(
                f"give exactly one action of {', '.join(ACTIONS)}; found {found}",
            )
        if self.was is not None and given[0] not in GUARDED_ACTIONS:
            raise ValueError(f"'was' goes only with {', '.join(GUARDED_ACTIONS)}")
        return self

    @property
    def action(self) -> str:
        """The one action this correction takes."""
        return next(action for action in ACTIONS if getattr(self, action) is not None)

    @property
    def target(self) -> str | None:
        """What the action names, as text: the new value, the partner, the work package."""
        value = getattr(self, self.action)
        if isinstance(value, PartnerAddition):
            return value.name
        if isinstance(value, WorkPackageAddition | WorkPackageReference):
            return describe_work_package(value.number, value.title)
        if isinstance(value, str):
            return value
        return None


def describe_work_package(number: int | None, title: str | None) -> str:
    """Given a work package's number and title, return how a reviewer reads it: 'WP5 Title'."""
    parts = [f"WP{number}" if number is not None else "", title or ""]
    return " ".join(part for part in parts if part)


class CorrectionEntry(BaseModel):
    """A loaded correction with its id, the brochure it is for and where it was written."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    brochure: str
    correction: Correction
    file: str | None = None
    line: int | None = None

    @property
    def where(self) -> str:
        """'corrections/x.yaml, line 3', or the id when the correction was not read from a file."""
        if self.file is None:
            return f"correction {self.id}"
        return f"{self.file}, line {self.line}" if self.line is not None else self.file


class CorrectionSet(BaseModel):
    """The corrections read from one or more files, in file order."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    entries: tuple[CorrectionEntry, ...] = ()

    def for_brochure(self, brochure: str) -> list[CorrectionEntry]:
        """Given a brochure's stem, return its corrections in order."""
        return [entry for entry in self.entries if entry.brochure == brochure]

    def __add__(self, other: CorrectionSet) -> CorrectionSet:
        return CorrectionSet(entries=self.entries + other.entries)


class CorrectionOutcome(BaseModel):
    """What applying one correction did: `applied`, or `stale` and why."""

    model_config = ConfigDict(extra="forbid")

    correction_id: str
    project: str
    action: str
    target: str | None = Field(default=None, description="The value, partner or work package.")
    status: CorrectionStatus
    reason: str = Field(description="What was changed, or why the correction no longer applies.")
    file: str | None = None
    line: int | None = None


class AppliedCorrections(BaseModel):
    """The outcome of every correction for one brochure, in file order."""

    model_config = ConfigDict(extra="forbid")

    brochure: str
    outcomes: list[CorrectionOutcome] = Field(default_factory=list)

    @property
    def applied(self) -> list[CorrectionOutcome]:
        """The corrections that changed the extraction."""
        return [outcome for outcome in self.outcomes if outcome.status == "applied"]

    @property
    def stale(self) -> list[CorrectionOutcome]:
        """The corrections that no longer apply, each with its reason."""
        return [outcome for outcome in self.outcomes if outcome.status == "stale"]
