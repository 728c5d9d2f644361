"""Scoring organisation resolution against the identities of a hand annotation.

An annotated identity lists every name the brochure gives one organisation; a name it does not
list is an organisation of its own. Merges are scored pairwise over the distinct names resolution
saw: a pair of names resolved to one organisation and annotated as one is a true positive, resolved
to one but annotated apart a false positive (a false merge), annotated as one but resolved apart a
false negative. Types and parents are scored per annotated identity (a parent left out of the
annotation means the organisation has none).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import combinations

from pydantic import BaseModel, ConfigDict, Field

from extractors.organisation_rules import IdentityRules
from extractors.organisations import Resolution, resolve_extractions
from schemas import BrochureExtraction
from schemas.organisations import Organisation, OrganisationType

ORGANISATION_FIELDS = ("organisation_merges", "organisation_type", "organisation_parent")


class AnnotatedOrganisation(BaseModel):
    """One expected organisation: every name the brochure gives it, its type, and a name of the
    organisation it is part of."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    names: list[str] = Field(min_length=1)
    type: OrganisationType | None = None
    parent: str | None = None
    note: str | None = Field(default=None, description="Why these names are one, for a reader.")


def check_identities(
    identities: Sequence[AnnotatedOrganisation], key: Callable[[str], str]
) -> None:
    """Refuse a name given to two identities, and a parent that is no identity's name."""
    owner: dict[str, int] = {}
    for index, identity in enumerate(identities):
        for name in identity.names:
            if owner.setdefault(key(name), index) != index:
                raise ValueError(f"organisation name {name!r} is in two identities")
    for identity in identities:
        if identity.parent is not None and key(identity.parent) not in owner:
            raise ValueError(
                f"parent {identity.parent!r} of {identity.names[0]!r} is no organisation's name"
            )


@dataclass
class OrganisationScore:
    """Counts per field and every disagreement: (field, expected, found, note)."""

    counts: dict[str, list[int]] = field(
        default_factory=lambda: {name: [0, 0, 0] for name in ORGANISATION_FIELDS}
    )
    mismatches: list[tuple[str, str | None, str | None, str | None]] = field(default_factory=list)

    def add(self, name: str, tp: int = 0, fp: int = 0, fn: int = 0) -> None:
        counts = self.counts[name]
        counts[0] += tp
        counts[1] += fp
        counts[2] += fn


def score_organisations(
    extraction: BrochureExtraction,
    identities: Sequence[AnnotatedOrganisation],
    key: Callable[[str], str],
    rules: IdentityRules | None = None,
) -> OrganisationScore:
    """Resolve the organisations of an extraction and score them against the annotated
    identities: merges pairwise, types and parents per identity; `key` normalises a name."""
    resolution = resolve_extractions({"brochure": extraction}, rules)
    return score_resolution(resolution, identities, key)


def score_resolution(
    resolution: Resolution, identities: Sequence[AnnotatedOrganisation], key: Callable[[str], str]
) -> OrganisationScore:
    """Score a resolution against annotated identities (see `score_organisations`)."""
    score = OrganisationScore()
    found: dict[str, str] = {}
    written: dict[str, str] = {}
    for mention in resolution.mentions:
        if mention.organisation_id is not None:
            found.setdefault(key(mention.name), mention.organisation_id)
            written.setdefault(key(mention.name), mention.name)
    expected: dict[str, int] = {}
    for index, identity in enumerate(identities):
        for name in identity.names:
            expected[key(name)] = index
    by_id = {organisation.id: organisation for organisation in resolution.organisations}

    names = sorted(found)
    for first, second in combinations(names, 2):
        same = first in expected and expected.get(first) == expected.get(second)
        merged = found[first] == found[second]
        pair = f"{written[first]} = {written[second]}"
        if same and merged:
            score.add("organisation_merges", tp=1)
        elif merged:
            score.add("organisation_merges", fp=1)
            score.mismatches.append(
                ("organisation_merges", None, pair, _merge_note(by_id[found[first]]))
            )
        elif same:
            score.add("organisation_merges", fn=1)
            score.mismatches.append(("organisation_merges", pair, None, "resolved apart"))

    for identity in identities:
        present = [key(name) for name in identity.names if key(name) in found]
        if not present:
            continue
        organisation = by_id[found[present[0]]]
        label = identity.names[0]
        if identity.type is not None:
            _compare(score, "organisation_type", identity.type, organisation.type, label)
        parent_keys = [key(name) for name in _names_of(identities, identity.parent)]
        wanted_parent = next((found[k] for k in parent_keys if k in found), None)
        if identity.parent is not None and wanted_parent is None:
            score.add("organisation_parent", fn=1)
            score.mismatches.append(("organisation_parent", identity.parent, None, label))
            continue
        wanted = by_id[wanted_parent].name if wanted_parent else None
        got = by_id[organisation.parent_id].name if organisation.parent_id in by_id else None
        _compare(score, "organisation_parent", wanted, got, label)
    return score


def _names_of(identities: Sequence[AnnotatedOrganisation], name: str | None) -> list[str]:
    """Every name of the identity `name` is one of (none for None)."""
    if name is None:
        return []
    wanted = " ".join(name.casefold().split())
    for identity in identities:
        if wanted in {" ".join(n.casefold().split()) for n in identity.names}:
            return identity.names
    return [name]


def _compare(
    score: OrganisationScore, name: str, expected: str | None, found: str | None, label: str
) -> None:
    if expected is None and found is None:
        return
    if expected == found:
        score.add(name, tp=1)
        return
    score.add(name, fp=int(found is not None), fn=int(expected is not None))
    score.mismatches.append((name, expected, found, label))


def _merge_note(organisation: Organisation) -> str:
    rules = sorted({merge.rule for merge in organisation.merges})
    return f"resolved to {organisation.id} by {', '.join(rules) or 'one name'}"
