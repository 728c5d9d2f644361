"""The whole core pipeline on the real sample: against the hand annotation, nothing lost, every
value grounded, ids stable across editions, and a reviewed golden export."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from evaluation.brochure import evaluate, load_annotations
from extractors.ids import project_id
from extractors.pipeline import extract_text
from schemas import BrochureExtraction
from workspace.export import render_json

DATA = Path(__file__).parent / "data"
ANNOTATIONS = DATA / "clust-er-innovate.annotations.yaml"
GOLDEN = DATA / "clust-er-innovate.expected.json"


def test_pipeline_sample_meets_the_quality_aims(sample_extraction: BrochureExtraction) -> None:
    report = evaluate(sample_extraction, load_annotations(ANNOTATIONS))
    projects, titles = report.score("projects"), report.score("title")
    assert (projects.fn, projects.fp, titles.fn, titles.fp) == (0, 0, 0, 0), report.mismatches
    partners = report.score("partners")
    assert partners.fp == 0, [m for m in report.mismatches if m.field == "partners"]
    assert partners.f1 >= 0.98
    for field in ("work_packages", "duplicates", "role_category", "acronym"):
        score = report.score(field)
        assert (score.fp, score.fn) == (0, 0), [m for m in report.mismatches if m.field == field]


def test_pipeline_sample_loses_no_line(
    sample_extraction: BrochureExtraction, sample_text: str
) -> None:
    owned: set[int] = set()
    for item in [
        *sample_extraction.projects,
        *sample_extraction.duplicates,
        *sample_extraction.unassigned,
        *sample_extraction.groups,
    ]:
        owned.update(range(item.evidence.line_start, item.evidence.line_end + 1))
    lines = sample_text.split("\n")
    lost = [
        number for number, line in enumerate(lines, start=1) if line.strip() and number not in owned
    ]
    assert lost == []


def test_pipeline_sample_every_value_slices_its_own_words(
    sample_extraction: BrochureExtraction, sample_text: str
) -> None:
    def words(evidence) -> str:  # type: ignore[no-untyped-def]
        return sample_text[evidence.start : evidence.end]

    for project in sample_extraction.projects:
        if not project.title_inferred:
            assert words(project.title_evidence) == project.title
        else:
            assert words(project.title_evidence).casefold() in project.title.casefold()
        if project.acronym:
            assert words(project.acronym_evidence) == project.acronym
        for partner in project.partners:
            assert words(partner.evidence) == partner.text
            assert sample_text.split("\n")[partner.evidence.line_start - 1].endswith(partner.text)
        for package in project.work_packages:
            assert package.title in words(package.evidence)
        if project.role and project.role.text:
            assert words(project.role.evidence).startswith(project.role.text[:40])
        for fact in [project.programme, project.beneficiary, *project.countries, *project.laws]:
            if fact is not None:
                assert words(fact.evidence) == fact.text


def test_pipeline_identical_role_paragraphs_stay_with_their_projects(
    sample_extraction: BrochureExtraction,
) -> None:
    by_id = {project.id: project for project in sample_extraction.projects}
    assert by_id["resist0"].role.text == by_id["dissem"].role.text  # type: ignore[union-attr]
    assert by_id["exceed"].role.text == by_id["debuting"].role.text  # type: ignore[union-attr]
    assert by_id["resist0"].role.evidence.line_start == 87  # type: ignore[union-attr]
    assert by_id["dissem"].role.evidence.line_start == 111  # type: ignore[union-attr]
    duplicated_lines = {d.evidence.line_start for d in sample_extraction.duplicates}
    assert duplicated_lines == {58, 113}


def test_pipeline_misplaced_heading_does_not_make_a_role(
    sample_extraction: BrochureExtraction,
) -> None:
    drone = next(p for p in sample_extraction.projects if p.evidence.line_start == 115)
    assert drone.title_inferred
    assert "drone delivery service" in drone.title
    assert drone.description.startswith("The laboratory focuses on the feasibility study")
    assert drone.role is not None and drone.role.evidence.line_start == 124
    codes = {w.code for w in sample_extraction.warnings if w.project_id == drone.id}
    assert {"title_inferred", "misplaced_heading"} <= codes


def test_pipeline_project_ids_survive_a_new_edition(sample_text: str) -> None:
    edited = (
        sample_text.replace(
            "Cyber Range for Industrial Security - CRI4.0",
            "Cyber Range for Industrial Cyber-Security - CRI4.0",
        )
        .replace("Lab Move Up\n", "Lab Move Up\n", 1)
        .replace("- Clust-ER MECH\n", "")
    )
    before = {p.evidence.line_start: p.id for p in extract_text(sample_text).projects}
    after = extract_text(edited)
    assert "cri4-0" in {p.id for p in after.projects}
    assert sorted(before.values()) == sorted(p.id for p in after.projects)


@pytest.mark.parametrize(
    ("acronym", "title", "expected"),
    [
        ("CRI4.0", "Cyber Range for Industrial Security", "cri4-0"),
        (
            None,
            "Regional Committee for Talent Attraction",
            "regional-committee-for-talent-attraction",
        ),
        (None, "Città – Innovation “Lab”", "citta-innovation-lab"),
    ],
)
def test_pipeline_project_id_from_acronym_else_title(
    acronym: str | None, title: str, expected: str
) -> None:
    assert project_id(acronym, title) == expected


def test_pipeline_sample_matches_the_reviewed_golden_export(
    sample_extraction: BrochureExtraction,
) -> None:
    rendered = render_json(sample_extraction)
    if os.environ.get("BROCHURES_REFRESH_GOLDEN") == "1":
        GOLDEN.write_text(rendered, encoding="utf-8")
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert json.loads(rendered) == expected, (
        "The export changed. Review the difference; if it is right, refresh the golden file with "
        "BROCHURES_REFRESH_GOLDEN=1 pytest tests/test_extractors_pipeline.py and review it again."
    )


@pytest.mark.slow
def test_pipeline_pipe_gives_each_document_what_a_call_gives(sample_text: str) -> None:
    from extractors.pipeline import Pipeline
    from schemas.document import SourceText

    pipeline = Pipeline.from_settings()
    sources = [
        SourceText(
            source=name, text=text, sha256="0" * 64, format="text", encoding="utf-8", newline="lf"
        )
        for name, text in (("sample.txt", sample_text), ("short.txt", SHORT))
    ]
    piped = [extraction.model_dump() for extraction in pipeline.pipe(sources)]
    assert piped == [pipeline(source).model_dump() for source in sources]
    assert [len(extraction["projects"]) for extraction in piped] == [18, 1]


def test_pipeline_runs_the_extractors_its_settings_name() -> None:
    from extractors.pipeline import Pipeline, shared_pipeline
    from schemas import Settings

    only_titles = Settings(extractors=("title",))
    pipeline = Pipeline.from_settings(only_titles)
    assert [extractor.name for extractor in pipeline.extractors] == ["title"]
    assert shared_pipeline(only_titles) is shared_pipeline(Settings(extractors=("title",)))
    assert shared_pipeline(only_titles) is not shared_pipeline(Settings())


SHORT = (
    "Orchard Water Pilot (AQUORCH)\n"
    "The pilot tests sensor-driven irrigation in apple orchards of the upper valley.\n"
    "Partners:\n- Institute of Agronomy\n- Upper Valley Fruit Cooperative\n"
)
