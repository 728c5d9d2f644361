"""The extractors by name: settings choose which run, in order, and the order is checked against
what each extractor declares it reads (`requires`) and sets (`assigns`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from extractors.context import Extractor
from extractors.draft import DRAFT_FIELDS
from extractors.facts import DESCRIPTION_EXTRACTOR, FACTS_EXTRACTOR
from extractors.lead_partner import LEAD_PARTNER_EXTRACTOR
from extractors.partners import PARTNERS_EXTRACTOR
from extractors.roles import ROLE_EXTRACTOR
from extractors.titles import TITLE_EXTRACTOR
from extractors.work_packages import WORK_PACKAGES_EXTRACTOR
from schemas import PatternError

EXTRACTORS: dict[str, Extractor] = {
    extractor.name: extractor
    for extractor in (
        TITLE_EXTRACTOR,
        DESCRIPTION_EXTRACTOR,
        PARTNERS_EXTRACTOR,
        LEAD_PARTNER_EXTRACTOR,
        WORK_PACKAGES_EXTRACTOR,
        ROLE_EXTRACTOR,
        FACTS_EXTRACTOR,
    )
}

PROJECT_REQUIRES = ("title", "title_evidence")
"""The draft fields every project needs: its id and its title come from them."""


def select_extractors(
    names: tuple[str, ...], registry: Mapping[str, Extractor] = EXTRACTORS
) -> list[Extractor]:
    """Given extractor names from the settings, return the extractors, refusing unknown names
    and an order in which a field is read before it is set."""
    unknown = [name for name in names if name not in registry]
    if unknown:
        raise PatternError(
            None,
            f"unknown extractor(s) {unknown} in the settings",
            f"Choose among {sorted(registry)}.",
        )
    extractors = [registry[name] for name in names]
    check_extractor_order(extractors, registry)
    return extractors


def check_extractor_order(
    extractors: Sequence[Extractor], registry: Mapping[str, Extractor] = EXTRACTORS
) -> None:
    """Given extractors in the order they run, refuse a field none of them set before one reads
    it (or before the project is built from the draft), and a field two of them set."""
    set_by: dict[str, str] = {}
    for extractor in extractors:
        _check_declared_fields(extractor)
        missing = [name for name in extractor.requires if name not in set_by]
        if missing:
            raise PatternError(
                None,
                f"the '{extractor.name}' extractor reads {missing}, "
                "which no extractor before it sets",
                f"Put {_setters(missing, registry)} before '{extractor.name}' in extractors.",
            )
        for name in extractor.assigns:
            if name in set_by:
                raise PatternError(
                    None,
                    f"the '{set_by[name]}' and '{extractor.name}' extractors both set '{name}'",
                    "Keep only one of them in extractors.",
                )
            set_by[name] = extractor.name
    missing = [name for name in PROJECT_REQUIRES if name not in set_by]
    if missing:
        raise PatternError(
            None,
            f"no extractor in the settings sets {missing}, which every project needs",
            f"Keep {_setters(missing, registry)} in extractors.",
        )


def _check_declared_fields(extractor: Extractor) -> None:
    unknown = sorted(set(extractor.requires + extractor.assigns) - DRAFT_FIELDS)
    if unknown:
        raise PatternError(
            None,
            f"the '{extractor.name}' extractor declares {unknown}, which a project draft lacks",
            f"Declare fields of `ProjectDraft`: {sorted(DRAFT_FIELDS)}.",
        )


def _setters(fields: list[str], registry: Mapping[str, Extractor]) -> str:
    """The registered extractors that set any of the fields, quoted: "'title'"."""
    names = [name for name, extractor in registry.items() if set(fields) & set(extractor.assigns)]
    return " or ".join(f"'{name}'" for name in names) or "an extractor that sets them"
