"""The extractors by name: settings choose which run, in order."""

from __future__ import annotations

from extractors.context import Extractor
from extractors.facts import extract_description, extract_facts
from extractors.partners import extract_partners
from extractors.roles import extract_role
from extractors.titles import extract_title
from extractors.work_packages import extract_work_packages
from schemas import PatternError

EXTRACTORS: dict[str, Extractor] = {
    "title": extract_title,
    "description": extract_description,
    "partners": extract_partners,
    "work_packages": extract_work_packages,
    "role": extract_role,
    "facts": extract_facts,
}


def select_extractors(names: tuple[str, ...]) -> list[Extractor]:
    """Given extractor names from the settings, return the extractors, refusing unknown names."""
    unknown = [name for name in names if name not in EXTRACTORS]
    if unknown:
        raise PatternError(
            None,
            f"unknown extractor(s) {unknown} in the settings",
            f"Choose among {sorted(EXTRACTORS)}.",
        )
    if "title" not in names:
        raise PatternError(
            None,
            "the settings leave out the 'title' extractor",
            "Every project needs a title: keep 'title' in extractors.",
        )
    return [EXTRACTORS[name] for name in names]
