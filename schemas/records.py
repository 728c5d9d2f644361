"""The records the pipeline exports: one `BrochureExtraction` per brochure.

Every extracted value carries an `Evidence`: where it stands in the source text, so a reviewer can
go from a value to the words it came from.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from schemas.warnings import WarningCode

SCHEMA_VERSION = "2.0"

RoleCategory = Literal[
    "coordinator",
    "work_package_leader",
    "technical_partner",
    "partner",
    "case_history_contributor",
    "other",
    "none_stated",
]

ListKind = Literal["activities", "objectives", "functions", "impacts", "initiatives", "items"]

ValueSource = Literal["extraction", "review"]


class Record(BaseModel):
    """Base of every exported record: unknown keys are refused, values are checked on assignment."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class Evidence(Record):
    """Where a value stands in the source: offsets into the kept text, 1-based lines."""

    start: int = Field(ge=0, description="Offset of the first character, into the kept text.")
    end: int = Field(ge=0, description="Offset one past the last character.")
    line_start: int = Field(ge=1, description="1-based line of the source file where it starts.")
    line_end: int = Field(ge=1, description="1-based line of the source file where it ends.")
    page: int | None = Field(default=None, ge=1, description="1-based page, for PDF sources.")
    rule: str | None = Field(default=None, description="Name of the rule that produced the value.")
    element: str | None = Field(
        default=None,
        description="CSS-like path of the element where it starts, for HTML, Markdown and Word "
        "sources ('section#partners > ul > li:nth-of-type(2)').",
    )


class ReviewMark(Record):
    """A value a reviewer's correction set, added or removed, with the extracted value it replaced.

    `value` is what the export now says (null for a removal), `original` what the pipeline had
    read (null for an addition); `evidence` is where the original stands in the source.
    """

    field: str = Field(description="The corrected field: 'title', 'partners', 'role.category'...")
    value: str | int | bool | None = None
    original: str | int | bool | None = None
    correction_id: str = Field(description="Id of the correction (see the corrections file).")
    evidence: Evidence | None = Field(
        default=None, description="Where the original value stands in the source, if anywhere."
    )


class GroundedText(Record):
    """A short value found in the text: its normalised `value` and the words as written."""

    value: str
    text: str
    evidence: Evidence


class GroundedCount(Record):
    """A number stated in the text, such as '18 partners'."""

    value: int
    text: str
    evidence: Evidence


DatePrecision = Literal["day", "month", "year"]

DateQualifier = Literal["by", "until", "since", "from"]

ISO_DATE = r"^\d{4}(-\d{2}(-\d{2})?)?$"
"""An ISO 8601 calendar date at the precision stated: '2023-02-21', '2023-02' or '2023'."""


class GroundedDate(Record):
    """A date stated in the text, in ISO 8601 at the precision the words give, with the words
    as written: 'February 21, 2023' is '2023-02-21', 'March 2023' '2023-03', 'by 2026' '2026'
    (qualifier 'by'), '2021-2024' '2021' to '2024'."""

    value: str = Field(
        pattern=ISO_DATE, description="The date, or a range's start: '2023-02-21', '2023-02'."
    )
    precision: DatePrecision = Field(description="What the words state of `value`.")
    end: str | None = Field(
        default=None, pattern=ISO_DATE, description="A range's end, at the precision stated."
    )
    qualifier: DateQualifier | None = Field(
        default=None, description="'by', 'until', 'since' or 'from', where the words say it."
    )
    text: str = Field(description="The words as written: 'February 21, 2023', 'by 2026'.")
    evidence: Evidence


AmountKind = Literal["total", "funding", "co_financing"]


class GroundedAmount(Record):
    """An amount of money stated in the text: '€ 1.2 million' is 1200000.0 EUR."""

    amount: float = Field(
        ge=0,
        description="The amount in units of the currency, scale words applied ('1,2 mln' is "
        "1200000.0); read exactly, then stored as a JSON number.",
    )
    currency: str = Field(pattern=r"^[A-Z]{3}$", description="ISO 4217 code: 'EUR', 'GBP'.")
    kind: AmountKind | None = Field(
        default=None,
        description="What the words before it call it: 'total' (total budget), 'funding' (EU "
        "contribution, ERDF, grant), 'co_financing'; null where they say nothing.",
    )
    text: str = Field(description="The words as written: '€ 1.2 million', '1.500.000 €'.")
    evidence: Evidence


ConsortiumRole = Literal["coordinator", "lead_partner", "partner", "associated"]


class Partner(Record):
    """One entry of a project's partner list."""

    name: str = Field(description="The organisation (or person), cleaned of markers and periods.")
    short_name: str | None = Field(default=None, description="Short name given beside it: 'Ctna'.")
    kind: Literal["organisation", "person"] = "organisation"
    affiliation: str | None = Field(default=None, description="For a person: the organisation.")
    via: str | None = Field(default=None, description="'X through its special company Y': Y.")
    canonical_name: str | None = Field(
        default=None, description="The known organisation this name is an alias of, if any."
    )
    is_publisher: bool = Field(default=False, description="True for the publishing organisation.")
    country: str | None = Field(
        default=None, description="Its country where the entry states it ('Greece', 'Ungarn')."
    )
    consortium_role: ConsortiumRole | None = Field(
        default=None,
        description="Its role in the consortium where stated: coordinator, lead_partner, "
        "partner or associated.",
    )
    text: str = Field(description="The list entry as written, without its marker.")
    evidence: Evidence | None = Field(
        default=None, description="Where the entry stands; null only when added by review."
    )
    source: ValueSource = Field(
        default="extraction", description="'review' when a reviewer's correction added it."
    )

    @model_validator(mode="after")
    def _grounded_unless_reviewed(self) -> Partner:
        _require_evidence(self.evidence, self.source, "partner")
        return self


class WorkPackage(Record):
    """A work package of the project: its number, title and leader, and whether the publishing
    organisation leads it."""

    number: int | None = None
    title: str
    lead: bool = Field(description="True when the publishing organisation leads it.")
    leader: str | None = Field(
        default=None, description="The organisation (or persons) leading it, where stated."
    )
    text: str
    evidence: Evidence | None = Field(
        default=None, description="Where it is named; null only when added by review."
    )
    source: ValueSource = Field(
        default="extraction", description="'review' when a reviewer's correction added it."
    )

    @model_validator(mode="after")
    def _grounded_unless_reviewed(self) -> WorkPackage:
        _require_evidence(self.evidence, self.source, "work package")
        return self


class LeadPartner(Record):
    """The partner that coordinates or leads the project's consortium, where the text says so."""

    name: str = Field(description="The partner's name, as in `partners`.")
    partner_index: int = Field(ge=0, description="Its position in the project's `partners`.")
    role: Literal["coordinator", "lead_partner"]
    evidence: Evidence = Field(
        description="Where the text states the role: the partner's entry ('Lead partner: X'), "
        "or the sentence naming it ('coordinated by X')."
    )


def _require_evidence(evidence: Evidence | None, source: ValueSource, what: str) -> None:
    """Refuse an extracted value without evidence: only a reviewer's addition may lack it."""
    if evidence is None and source == "extraction":
        raise ValueError(f"an extracted {what} needs its evidence; only a review adds one without")


class Role(Record):
    """The role of the publishing organisation in a project."""

    organisation: str = Field(description="The organisation named in the role heading.")
    text: str = Field(description="The role paragraph; empty when the heading has none.")
    category: RoleCategory
    activities: list[GroundedText] = Field(default_factory=list)
    evidence: Evidence


class ItemList(Record):
    """A list inside a section that is not a partner list: activities, objectives, functions."""

    kind: ListKind
    intro: str | None = None
    items: list[GroundedText]
    evidence: Evidence


class Project(Record):
    """One project or working group the brochure describes."""

    id: str = Field(description="Stable id: from the acronym, else from the normalised title.")
    title: str
    title_inferred: bool = False
    title_evidence: Evidence
    acronym: str | None = None
    acronym_evidence: Evidence | None = None
    group: str | None = None
    description: str = ""
    description_evidence: Evidence | None = None
    partners: list[Partner] = Field(default_factory=list)
    lead_partner: LeadPartner | None = None
    role: Role | None = None
    work_packages: list[WorkPackage] = Field(default_factory=list)
    programme: GroundedText | None = None
    beneficiary: GroundedText | None = None
    countries: list[GroundedText] = Field(default_factory=list)
    partner_count: GroundedCount | None = None
    country_count: GroundedCount | None = None
    region_count: GroundedCount | None = None
    dates: list[GroundedDate] = Field(default_factory=list)
    budgets: list[GroundedAmount] = Field(default_factory=list)
    laws: list[GroundedText] = Field(default_factory=list)
    targets: list[GroundedText] = Field(default_factory=list)
    lists: list[ItemList] = Field(default_factory=list)
    evidence: Evidence
    review: list[ReviewMark] = Field(
        default_factory=list,
        description="Values of this project set by a reviewer's correction, with the originals.",
    )


class Group(Record):
    """A group heading of the brochure, such as 'Working groups and regional projects'."""

    name: str
    evidence: Evidence


class Duplicate(Record):
    """A paragraph or section dropped because it repeats an earlier one."""

    kind: Literal["paragraph", "section"]
    text: str
    similarity: float = Field(ge=0, le=1)
    duplicate_of: str = Field(description="Id of the project holding the original, or its lines.")
    original: Evidence
    evidence: Evidence


class Unassigned(Record):
    """Text that belongs to no project, kept so that nothing of the input is lost."""

    text: str
    reason: str
    evidence: Evidence
    review: list[ReviewMark] = Field(
        default_factory=list,
        description="Set when a reviewer marked this section as not a project.",
    )


class ExtractionWarning(Record):
    """A doubtful place a reviewer should look at."""

    code: WarningCode = Field(description="One of the closed set in schemas/warnings.py.")
    message: str
    project_id: str | None = None
    evidence: Evidence | None = None
    acknowledged_by: str | None = Field(
        default=None,
        description="The reviewer's correction that acknowledged it (see its note); an "
        "acknowledged warning is no longer a doubt.",
    )


class DocumentInfo(Record):
    """The source document: its name, fingerprint and how its text was read."""

    source: str
    sha256: str = Field(description="SHA-256 of the file's bytes.")
    format: Literal["text", "pdf", "html", "markdown", "docx"]
    encoding: str
    newline: Literal["lf", "crlf", "cr", "mixed", "none"]
    characters: int
    lines: int
    pages: int | None = None
    heading_lines: list[int] = Field(
        default_factory=list,
        description="1-based lines of the kept text that the source sets as headings (HTML, "
        "Markdown and Word headings, a PDF's larger or bold lines).",
    )


class BrochureExtraction(Record):
    """Everything extracted from one brochure: the JSON export's root."""

    schema_version: str = SCHEMA_VERSION
    document: DocumentInfo
    publisher: str | None = Field(default=None, description="The organisation whose roles we read.")
    groups: list[Group] = Field(default_factory=list)
    projects: list[Project] = Field(default_factory=list)
    duplicates: list[Duplicate] = Field(default_factory=list)
    unassigned: list[Unassigned] = Field(default_factory=list)
    warnings: list[ExtractionWarning] = Field(default_factory=list)
