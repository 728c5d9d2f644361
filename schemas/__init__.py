"""Records, settings and errors: the contracts every stage shares; imports nothing else."""

from schemas.errors import (
    BrochureError,
    InputError,
    OutputError,
    PatternError,
    StructureError,
)
from schemas.records import (
    SCHEMA_VERSION,
    BrochureExtraction,
    DocumentInfo,
    Duplicate,
    Evidence,
    ExtractionWarning,
    GroundedCount,
    GroundedText,
    Group,
    ItemList,
    Partner,
    Project,
    Role,
    Unassigned,
    WorkPackage,
)
from schemas.settings import Settings

__all__ = [
    "SCHEMA_VERSION",
    "BrochureError",
    "BrochureExtraction",
    "DocumentInfo",
    "Duplicate",
    "Evidence",
    "ExtractionWarning",
    "GroundedCount",
    "GroundedText",
    "Group",
    "InputError",
    "ItemList",
    "OutputError",
    "Partner",
    "PatternError",
    "Project",
    "Role",
    "Settings",
    "StructureError",
    "Unassigned",
    "WorkPackage",
]
