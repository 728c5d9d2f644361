"""Scoring organisation resolution against annotated identities: merges pairwise, types,
parents."""

from __future__ import annotations

from pathlib import Path

import pytest
from builders import make_extraction, make_partner, make_project

from evaluation.brochure import Annotations, evaluate, load_annotations, normalise
from evaluation.organisations import AnnotatedOrganisation, score_organisations
from extractors.organisation_rules import packaged_identity_rules
from extractors.organisations import collect_mentions
from schemas import BrochureExtraction, PatternError

ANNOTATIONS = Path(__file__).parent / "data" / "clust-er-innovate.annotations.yaml"


def extraction_of(*names: str) -> BrochureExtraction:
    return make_extraction(
        make_project("alpha", "Alpha", partners=[make_partner(name) for name in names])
    )


def identity(*names: str, **facts: str) -> AnnotatedOrganisation:
    return AnnotatedOrganisation(names=list(names), **facts)  # type: ignore[arg-type]


def test_evaluation_organisations_counts_pairs_of_names() -> None:
    extraction = extraction_of(
        "Regione Emilia Romagna", "Regione Emilia-Romagna", "Clust-ER Build", "Clust-ER Edilizia"
    )
    # Annotated: the two regions are one; the two clusters (wrongly, for the test) apart.
    score = score_organisations(
        extraction,
        [identity("Regione Emilia Romagna", "Regione Emilia-Romagna")],
        normalise,
    )

    assert score.counts["organisation_merges"] == [1, 1, 0]
    (mismatch,) = score.mismatches
    assert mismatch[0] == "organisation_merges"
    assert mismatch[2] == "Clust-ER Build = Clust-ER Edilizia"
    assert mismatch[3] == "resolved to clust-er-build by alias"


def test_evaluation_organisations_counts_a_missed_merge() -> None:
    extraction = extraction_of("Heriot Watt University", "Heriot Watt University Edinburgh")
    score = score_organisations(
        extraction,
        [identity("Heriot Watt University", "Heriot Watt University Edinburgh")],
        normalise,
    )

    assert score.counts["organisation_merges"] == [0, 0, 1]
    assert score.mismatches[0][3] == "resolved apart"


def test_evaluation_organisations_scores_types_and_parents() -> None:
    extraction = extraction_of(
        "CIRI-ICT, Interdepartmental Center of the University of Bologna", "Fondimpresa"
    )
    score = score_organisations(
        extraction,
        [
            identity(
                "CIRI-ICT, Interdepartmental Center of the University of Bologna",
                type="university_or_research_centre",
                parent="University of Bologna",
            ),
            identity("University of Bologna", type="university_or_research_centre"),
            identity("Fondimpresa", type="foundation"),
        ],
        normalise,
    )

    assert score.counts["organisation_type"] == [2, 0, 1]
    assert score.counts["organisation_parent"] == [1, 0, 0]
    assert ("organisation_type", "foundation", None, "Fondimpresa") in score.mismatches


@pytest.mark.parametrize(
    ("identities", "message"),
    [
        ([{"names": ["A Lab"]}, {"names": ["a  lab"]}], "'a  lab' is in two identities"),
        ([{"names": ["A Lab"], "parent": "B Lab"}], "parent 'B Lab' of 'A Lab'"),
        ([{"names": ["A Lab"], "type": "laboratory"}], "organisations"),
    ],
)
def test_evaluation_organisations_annotation_is_checked(
    tmp_path: Path, identities: list[dict[str, object]], message: str
) -> None:
    import yaml

    path = tmp_path / "a.yaml"
    data = {"source": "a.txt", "publisher": "A", "organisations": identities}
    path.write_text(yaml.safe_dump(data), encoding="utf-8")

    with pytest.raises(PatternError, match=message):
        load_annotations(path)


def test_evaluation_organisations_not_scored_without_identities() -> None:
    annotations = Annotations(source="a.txt", publisher="A")
    report = evaluate(
        extraction_of("Regione Emilia Romagna", "Regione Emilia-Romagna"), annotations
    )

    assert report.score("organisation_merges").tp == 0
    assert report.score("organisation_merges").fp == 0


def test_evaluation_organisations_sample_annotation_names_what_the_sample_says(
    sample_extraction: BrochureExtraction,
) -> None:
    annotations = load_annotations(ANNOTATIONS)
    assert annotations.organisations is not None
    annotated = {normalise(name) for item in annotations.organisations for name in item.names}
    seen = {
        normalise(mention.name)
        for mention in collect_mentions("sample", sample_extraction, packaged_identity_rules())
    }

    assert annotated == seen
    report = evaluate(sample_extraction, annotations)
    for field in ("organisation_merges", "organisation_type", "organisation_parent"):
        assert report.score(field).f1 == 1.0, report.mismatches
    assert report.score("organisation_merges").tp == 10
