"""The registry refuses an order of extractors in which a draft field is read before it is set,
or set twice; the registered extractors set exactly the fields they declare."""

from __future__ import annotations

import copy
import re
from collections import defaultdict
from dataclasses import replace

import pytest

from extractors.context import Extractor, SectionContext
from extractors.draft import DRAFT_FIELDS, ProjectDraft
from extractors.pipeline import Pipeline, shared_pipeline
from extractors.registry import EXTRACTORS, select_extractors
from schemas import PatternError, Project, Settings
from schemas.document import SourceText
from schemas.settings import DEFAULT_EXTRACTORS


def unchanged(context: SectionContext, draft: ProjectDraft) -> ProjectDraft:
    return draft


def fake(name: str, requires: tuple[str, ...] = (), assigns: tuple[str, ...] = ()) -> Extractor:
    return Extractor(name, unchanged, requires=requires, assigns=assigns)


FAKE_REGISTRY = {
    extractor.name: extractor
    for extractor in (
        fake("title", assigns=("title", "title_evidence")),
        fake("headline", assigns=("title",)),
        fake("work_packages", assigns=("work_packages",)),
        fake("role", requires=("work_packages",), assigns=("role",)),
        fake("misspelt", assigns=("titel",)),
    )
}


def test_registry_accepts_an_order_that_sets_each_field_before_it_is_read() -> None:
    names = ("title", "work_packages", "role")
    assert [extractor.name for extractor in select_extractors(names, FAKE_REGISTRY)] == list(names)


@pytest.mark.parametrize(
    ("names", "problem", "fix"),
    [
        (
            ("title", "role"),
            "the 'role' extractor reads ['work_packages'], which no extractor before it sets",
            "Put 'work_packages' before 'role' in extractors.",
        ),
        (
            ("title", "role", "work_packages"),
            "the 'role' extractor reads ['work_packages'], which no extractor before it sets",
            "Put 'work_packages' before 'role' in extractors.",
        ),
        (
            ("title", "headline"),
            "the 'title' and 'headline' extractors both set 'title'",
            "Keep only one of them in extractors.",
        ),
        (
            ("title", "title"),
            "the 'title' and 'title' extractors both set 'title'",
            "Keep only one of them in extractors.",
        ),
        (
            ("work_packages",),
            "no extractor in the settings sets ['title', 'title_evidence'], which every project "
            "needs",
            "Keep 'title' or 'headline' in extractors.",
        ),
        (
            ("title", "misspelt"),
            "the 'misspelt' extractor declares ['titel'], which a project draft lacks",
            "Declare fields of `ProjectDraft`",
        ),
        (("title", "summary"), "unknown extractor(s) ['summary'] in the settings", "Choose among"),
    ],
    ids=[
        "required-not-set",
        "required-set-later",
        "set-twice",
        "named-twice",
        "no-title",
        "unknown-field",
        "unknown-name",
    ],
)
def test_registry_refuses_an_order_naming_what_is_wrong_and_the_fix(
    names: tuple[str, ...], problem: str, fix: str
) -> None:
    with pytest.raises(PatternError, match=re.escape(problem)) as raised:
        select_extractors(names, FAKE_REGISTRY)
    assert fix in str(raised.value)


def test_registry_default_order_passes_its_own_check() -> None:
    names = [extractor.name for extractor in select_extractors(DEFAULT_EXTRACTORS)]
    assert names == list(DEFAULT_EXTRACTORS) == list(EXTRACTORS)


def test_registry_pipeline_refuses_settings_that_read_a_field_before_it_is_set() -> None:
    with pytest.raises(PatternError, match="the 'role' extractor reads"):
        Pipeline.from_settings(Settings(extractors=("title", "role", "work_packages")))


def test_registry_draft_has_every_field_a_project_takes_from_its_extractors() -> None:
    not_from_extractors = {"id", "group", "evidence", "review"}
    assert set(Project.model_fields) - not_from_extractors == DRAFT_FIELDS


def test_registry_extractors_set_the_fields_they_declare(sample_text: str) -> None:
    changed: dict[str, set[str]] = defaultdict(set)

    def watched(extractor: Extractor) -> Extractor:
        def extract(context: SectionContext, draft: ProjectDraft) -> ProjectDraft:
            before = copy.deepcopy(draft)
            after = extractor(context, draft)
            changed[extractor.name].update(
                name for name in DRAFT_FIELDS if getattr(before, name) != getattr(after, name)
            )
            return after

        return replace(extractor, extract=extract)

    pipeline = shared_pipeline()
    watching = replace(pipeline, extractors=tuple(watched(e) for e in pipeline.extractors))
    # The sample states no amount and names no lead partner: one more project does.
    text = sample_text + (
        "\nSmart Port Logistics - SPORT\n"
        "The project has a total budget of € 1.2 million.\n"
        "Lead partner: Port Authority of Ravenna\n"
        "Role of Clust-ER Innovate\n"
        "Clust-ER Innovate is a partner of the project.\n"
    )
    source = SourceText(
        source="sample.txt",
        text=text,
        sha256="0" * 64,
        format="text",
        encoding="utf-8",
        newline="lf",
    )
    assert watching(source).model_dump() == pipeline(source).model_dump()
    assert set(changed) == set(EXTRACTORS)
    # The text exercises every declared field, so a stale declaration fails here too.
    for name, fields in changed.items():
        assert fields == set(EXTRACTORS[name].assigns), name
