"""Tests of the evaluation against hand annotations, on small extractions built by hand."""

from __future__ import annotations

import json
import sys
import types
from pathlib import Path
from typing import Any

import pytest
from builders import make_document, make_evidence, make_extraction, make_partner, make_project

from evaluation.brochure import (
    FIELDS,
    Annotations,
    EvaluationReport,
    evaluate,
    evaluate_brochure,
    format_report,
    load_annotations,
    match_projects,
    normalise,
    prf,
)
from schemas import (
    BrochureExtraction,
    Duplicate,
    GroundedCount,
    GroundedText,
    PatternError,
    Project,
    Role,
    WorkPackage,
)

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "raw" / "clust-er-innovate.txt"
ANNOTATION = ROOT / "tests" / "data" / "clust-er-innovate.annotations.yaml"
ACRONYM_SEPARATORS = (" ({})", " - {}", " – {}")


# --- builders (records from builders.py; the evaluation reads their lines, not their offsets) --


def extraction(projects: list[Project], duplicates: list[Duplicate] | None = None) -> Any:
    return make_extraction(
        *projects,
        document=make_document("two.txt", characters=1000, lines=30),
        publisher="Clust-ER Innovate",
        duplicates=duplicates or [],
    )


TWO_PROJECTS: dict[str, Any] = {
    "source": "two.txt",
    "publisher": "Clust-ER Innovate",
    "groups": [{"name": "Regional projects", "line": 1}],
    "projects": [
        {
            "key": "alpha",
            "lines": [2, 12],
            "title": "Alpha Platform for “Smart” Manufacturing",
            "title_inferred": False,
            "acronym": "ALPHA",
            "group": "Regional projects",
            "partners": [
                {"name": "University of Bologna – CIRI-ICT"},
                {"name": "Consorzio Example", "short_name": "CEX"},
                {"name": "Clust-ER Innovate", "publisher": True},
                {
                    "name": "Mario Rossi",
                    "kind": "person",
                    "affiliation": "Dipartimento DICAM – UniBo",
                },
                {"name": "Chamber of Commerce", "via": "CISE"},
            ],
            "role": {"category": "work_package_leader", "lines": [12, 12]},
            "work_packages": [{"number": 5, "title": "Dissemination of results", "lead": True}],
            "programme": "i3",
            "countries": ["Italy", "Netherlands"],
            "partner_count": 18,
            "country_count": 2,
        },
        {
            "key": "beta",
            "lines": [14, 20],
            "title": "Drone delivery lab",
            "title_inferred": True,
            "title_keywords": ["drone", "delivery"],
            "acronym": None,
            "group": "Regional projects",
            "partners": [],
            "role": {"category": "partner", "lines": [20, 20]},
            "work_packages": [],
            "programme": None,
            "countries": [],
            "partner_count": None,
            "country_count": None,
        },
    ],
    "duplicates": [{"lines": [22, 23], "duplicate_of": "alpha"}],
    "not_partners": [{"lines": [4, 6], "why": "activities"}],
}


def two_annotations(**changes: Any) -> Annotations:
    data = json.loads(json.dumps(TWO_PROJECTS))
    data.update(changes)
    return Annotations.model_validate(data)


def alpha(**changes: Any) -> Project:
    fields: dict[str, Any] = {
        "acronym": "ALPHA",
        "group": "Regional projects",
        "partners": [
            make_partner("University of Bologna - CIRI-ICT", 8),
            make_partner("Consorzio  Example", 9, short_name="CEX"),
            make_partner("Clust-ER Innovate", 10, is_publisher=True),
            make_partner(
                "Mario Rossi", 10, kind="person", affiliation="Dipartimento DICAM - UniBo"
            ),
            make_partner("Chamber of Commerce", 11, via="CISE"),
        ],
        "role": Role(
            organisation="Clust-ER Innovate",
            text="Clust-ER Innovate manages WP5.",
            category="work_package_leader",
            evidence=make_evidence(12),
        ),
        "work_packages": [
            WorkPackage(
                number=5,
                title="Dissemination of Results",
                lead=True,
                text="WP5. Dissemination of results",
                evidence=make_evidence(12),
            )
        ],
        "programme": GroundedText(value="i3", text="(i3)", evidence=make_evidence(3)),
        "countries": [
            GroundedText(value="Italy", text="Italy", evidence=make_evidence(3)),
            GroundedText(
                value="The Netherlands", text="the Netherlands", evidence=make_evidence(3)
            ),
        ],
        "partner_count": GroundedCount(value=18, text="18 partners", evidence=make_evidence(3)),
        "country_count": GroundedCount(value=2, text="2 countries", evidence=make_evidence(3)),
    }
    fields.update(changes)
    return make_project("alpha", 'Alpha Platform for "Smart" Manufacturing', (2, 12), **fields)


def beta(**changes: Any) -> Project:
    fields: dict[str, Any] = {
        "title_inferred": True,
        "group": "Regional projects",
        "role": Role(
            organisation="Clust-ER Innovate",
            text="As a partner.",
            category="partner",
            evidence=make_evidence(20),
        ),
    }
    fields.update(changes)
    title = fields.pop("title", "Feasibility of a Drone Delivery service")
    return make_project("beta-lab", title, (14, 20), **fields)


def duplicate_of(project_id: str, lines: tuple[int, int] = (22, 23)) -> Duplicate:
    return Duplicate(
        kind="paragraph",
        text="repeated",
        similarity=1.0,
        duplicate_of=project_id,
        original=make_evidence(3, 4),
        evidence=make_evidence(*lines),
    )


def perfect() -> BrochureExtraction:
    return extraction([alpha(), beta()], [duplicate_of("alpha")])


# --- scoring --------------------------------------------------------------------------------


def test_prf_is_one_when_nothing_expected_and_nothing_found() -> None:
    assert prf(0, 0, 0) == (1.0, 1.0, 1.0)
    assert prf(0, 0, 2) == (0.0, 0.0, 0.0)
    assert prf(0, 3, 0) == (0.0, 0.0, 0.0)
    assert prf(1, 1, 0) == pytest.approx((0.5, 1.0, 2 / 3))


def test_perfect_extraction_scores_one_everywhere() -> None:
    report = evaluate(perfect(), two_annotations())

    assert [score.field for score in report.fields] == list(FIELDS)
    for score in report.fields:
        assert (score.precision, score.recall, score.f1) == (1.0, 1.0, 1.0), score
        assert score.fp == 0 and score.fn == 0, score
    assert report.mismatches == []
    counts = {score.field: score.tp for score in report.fields}
    assert counts["projects"] == 2
    assert counts["partners"] == 5
    assert counts["partner_short_name"] == 1
    assert counts["partner_person"] == 1
    assert counts["partner_via"] == 1
    assert counts["partner_publisher"] == 1
    assert counts["role_category"] == 2
    assert counts["countries"] == 2
    assert counts["duplicates"] == 1
    assert [(m.key, m.project_id) for m in report.matches] == [
        ("alpha", "alpha"),
        ("beta", "beta-lab"),
    ]


def test_invented_partner_lowers_precision_not_recall() -> None:
    found = alpha()
    found.partners = [*found.partners, make_partner("Functions of the hub", 5)]
    report = evaluate(extraction([found, beta()]), two_annotations())

    partners = report.score("partners")
    assert (partners.tp, partners.fp, partners.fn) == (5, 1, 0)
    assert partners.precision == pytest.approx(5 / 6)
    assert partners.recall == 1.0
    [mismatch] = [m for m in report.mismatches if m.field == "partners"]
    assert (mismatch.key, mismatch.expected, mismatch.found) == (
        "alpha",
        None,
        "Functions of the hub",
    )
    assert mismatch.note is not None and "activities" in mismatch.note


def test_missing_partner_lowers_recall_not_precision() -> None:
    found = alpha()
    found.partners = found.partners[1:]
    report = evaluate(extraction([found, beta()]), two_annotations())

    partners = report.score("partners")
    assert (partners.tp, partners.fp, partners.fn) == (4, 0, 1)
    assert partners.precision == 1.0
    assert partners.recall == pytest.approx(4 / 5)


def test_partner_names_match_as_a_multiset() -> None:
    found = alpha()
    found.partners = [*found.partners, make_partner("Consorzio Example", 9)]
    report = evaluate(extraction([found, beta()]), two_annotations())

    partners = report.score("partners")
    assert (partners.tp, partners.fp, partners.fn) == (5, 1, 0)


def test_partner_attributes_are_scored() -> None:
    found = alpha()
    found.partners = [
        make_partner("University of Bologna - CIRI-ICT", 8, is_publisher=True),
        make_partner("Consorzio Example", 9),
        make_partner("Clust-ER Innovate", 10, is_publisher=True),
        make_partner("Mario Rossi", 10, kind="person", affiliation="Another department"),
        make_partner("Chamber of Commerce", 11),
    ]
    report = evaluate(extraction([found, beta()]), two_annotations())

    assert report.score("partners").f1 == 1.0
    short = report.score("partner_short_name")
    assert (short.tp, short.fp, short.fn) == (0, 0, 1)
    person = report.score("partner_person")
    assert (person.tp, person.fp, person.fn) == (0, 1, 1)
    via = report.score("partner_via")
    assert (via.tp, via.fp, via.fn) == (0, 0, 1)
    publisher = report.score("partner_publisher")
    assert (publisher.tp, publisher.fp, publisher.fn) == (1, 1, 0)


def test_wrong_role_category_counts_fp_and_fn() -> None:
    found = alpha()
    assert found.role is not None
    found.role = found.role.model_copy(update={"category": "coordinator"})
    report = evaluate(extraction([found, beta()]), two_annotations())

    role = report.score("role_category")
    assert (role.tp, role.fp, role.fn) == (1, 1, 1)
    [mismatch] = [m for m in report.mismatches if m.field == "role_category"]
    assert (mismatch.expected, mismatch.found) == ("work_package_leader", "coordinator")


def test_missing_and_extra_roles() -> None:
    annotations = two_annotations()
    report = evaluate(extraction([alpha(role=None), beta()]), annotations)
    role = report.score("role_category")
    assert (role.tp, role.fp, role.fn) == (1, 0, 1)

    data = json.loads(json.dumps(TWO_PROJECTS))
    data["projects"][1]["role"] = None
    report = evaluate(perfect(), Annotations.model_validate(data))
    role = report.score("role_category")
    assert (role.tp, role.fp, role.fn) == (1, 1, 0)


@pytest.mark.parametrize(
    ("title", "inferred", "right"),
    [
        ("Feasibility of a Drone Delivery service", True, True),
        ("DRONE-based DELIVERY", True, True),
        ("Feasibility of a drone service", True, False),
        ("Feasibility of a Drone Delivery service", False, False),
    ],
)
def test_inferred_title_needs_the_flag_and_every_keyword(
    title: str, inferred: bool, right: bool
) -> None:
    report = evaluate(
        extraction([alpha(), beta(title=title, title_inferred=inferred)]), two_annotations()
    )

    score = report.score("title")
    assert (score.tp, score.fp, score.fn) == ((2, 0, 0) if right else (1, 1, 1))


def test_explicit_title_is_exact_after_normalisation() -> None:
    found = alpha()
    found.title = 'alpha  platform for "SMART"   manufacturing'
    report = evaluate(extraction([found, beta()]), two_annotations())
    assert report.score("title").f1 == 1.0

    found.title = "Alpha Platform"
    report = evaluate(extraction([found, beta()]), two_annotations())
    title = report.score("title")
    assert (title.tp, title.fp, title.fn) == (1, 1, 1)


def test_title_inferred_flag_is_a_detection() -> None:
    wrongly_inferred = alpha(title_inferred=True)
    report = evaluate(extraction([wrongly_inferred, beta()]), two_annotations())

    flag = report.score("title_inferred")
    assert (flag.tp, flag.fp, flag.fn) == (1, 1, 0)


def test_duplicates_match_on_lines_and_original_project() -> None:
    annotations = two_annotations()
    right = evaluate(extraction([alpha(), beta()], [duplicate_of("alpha", (23, 23))]), annotations)
    assert right.score("duplicates").tp == 1

    wrong_project = evaluate(extraction([alpha(), beta()], [duplicate_of("beta-lab")]), annotations)
    score = wrong_project.score("duplicates")
    assert (score.tp, score.fp, score.fn) == (0, 1, 1)

    wrong_lines = evaluate(
        extraction([alpha(), beta()], [duplicate_of("alpha", (25, 26))]), annotations
    )
    score = wrong_lines.score("duplicates")
    assert (score.tp, score.fp, score.fn) == (0, 1, 1)

    missing = evaluate(extraction([alpha(), beta()]), annotations)
    score = missing.score("duplicates")
    assert (score.tp, score.fp, score.fn) == (0, 0, 1)


def test_projects_are_matched_by_largest_overlap_each_once() -> None:
    annotations = two_annotations()
    # One extracted project spanning both sections: it takes the one it overlaps most.
    merged = make_project("merged", "Alpha Platform for “Smart” Manufacturing", (2, 20))
    pairs = match_projects([merged], annotations.projects)
    assert pairs == [(0, 0, 11)]

    report = evaluate(extraction([merged]), annotations)
    projects = report.score("projects")
    assert (projects.tp, projects.fp, projects.fn) == (1, 0, 1)


def test_unmatched_projects_count_their_values() -> None:
    stray = make_project(
        "stray",
        "Stray",
        (25, 28),
        partners=[make_partner("Somebody", 27)],
        acronym="STR",
    )
    report = evaluate(extraction([alpha(), stray]), two_annotations())

    projects = report.score("projects")
    assert (projects.tp, projects.fp, projects.fn) == (1, 1, 1)
    partners = report.score("partners")
    assert (partners.tp, partners.fp, partners.fn) == (5, 1, 0)
    acronym = report.score("acronym")
    assert (acronym.tp, acronym.fp, acronym.fn) == (1, 1, 0)
    role = report.score("role_category")
    assert (role.tp, role.fp, role.fn) == (1, 0, 1)
    title = report.score("title")
    assert (title.tp, title.fp, title.fn) == (1, 1, 1)


def test_facts_programme_countries_and_counts() -> None:
    found = alpha(
        programme=GroundedText(
            value="Interregional Innovation Investments Instrument",
            text="I3",
            evidence=make_evidence(3),
        ),
        countries=[
            GroundedText(value="Italy", text="Italy", evidence=make_evidence(3)),
            GroundedText(value="Spain", text="Spain", evidence=make_evidence(3)),
        ],
        partner_count=GroundedCount(value=19, text="19 partners", evidence=make_evidence(3)),
        country_count=None,
    )
    report = evaluate(extraction([found, beta()]), two_annotations())

    assert report.score("programme").f1 == 1.0
    countries = report.score("countries")
    assert (countries.tp, countries.fp, countries.fn) == (1, 1, 1)
    partner_count = report.score("partner_count")
    assert (partner_count.tp, partner_count.fp, partner_count.fn) == (0, 1, 1)
    country_count = report.score("country_count")
    assert (country_count.tp, country_count.fp, country_count.fn) == (0, 0, 1)


def test_work_packages_compare_number_title_and_lead() -> None:
    found = alpha()
    found.work_packages = [found.work_packages[0].model_copy(update={"lead": False})]
    report = evaluate(extraction([found, beta()]), two_annotations())

    score = report.score("work_packages")
    assert (score.tp, score.fp, score.fn) == (0, 1, 1)


def test_normalise_unifies_case_dashes_quotes_and_spaces() -> None:
    assert normalise("  FILT CGIL Ravenna –  Italian\tFederation ") == normalise(
        "filt cgil ravenna - italian federation"
    )
    assert normalise("“Smart” ‘x’") == "\"smart\" 'x'"
    assert normalise("ＡＢＣ—D") == "abc-d"


# --- the report -----------------------------------------------------------------------------


def test_report_serialises_and_formats() -> None:
    found = alpha()
    found.partners = found.partners[1:]
    report = evaluate(extraction([found, beta()]), two_annotations())

    again = EvaluationReport.model_validate_json(report.model_dump_json())
    assert again == report

    table = format_report(report)
    assert "precision" in table and "recall" in table and "F1" in table
    partners_row = next(row for row in table.splitlines() if row.startswith("partners "))
    assert partners_row.split()[1:] == ["1.000", "0.800", "0.889", "4", "0", "1"]
    assert "University of Bologna" not in table

    verbose = format_report(report, verbose=True)
    assert "alpha" in verbose
    assert "'University of Bologna – CIRI-ICT'" in verbose


def test_evaluate_brochure_runs_the_pipeline(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    brochure = tmp_path / "two.txt"
    brochure.write_text("text", encoding="utf-8")
    annotation = tmp_path / "two.annotations.yaml"
    annotation.write_text(json.dumps(TWO_PROJECTS), encoding="utf-8")
    calls: list[tuple[Path, Any]] = []

    def extract_brochure(path: Path, settings: Any = None) -> BrochureExtraction:
        calls.append((path, settings))
        return perfect()

    fake = types.ModuleType("workspace.service")
    fake.extract_brochure = extract_brochure  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "workspace.service", fake)

    report = evaluate_brochure(brochure, annotation)
    assert calls == [(brochure, None)]
    assert all(score.f1 == 1.0 for score in report.fields)

    other = tmp_path / "other.txt"
    other.write_text("text", encoding="utf-8")
    with pytest.raises(PatternError, match="two.annotations.yaml"):
        evaluate_brochure(other, annotation)


# --- loading --------------------------------------------------------------------------------


def test_unknown_key_raises_pattern_error_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "typo.annotations.yaml"
    text = ANNOTATION.read_text(encoding="utf-8").replace(
        "    title_inferred: false\n    acronym: ICC HUB",
        "    title_inferred: false\n    acronyme: ICC HUB",
    )
    path.write_text(text, encoding="utf-8")

    with pytest.raises(PatternError) as raised:
        load_annotations(path)
    assert raised.value.path == str(path)
    assert "typo.annotations.yaml" in str(raised.value)
    assert "acronyme" in str(raised.value)
    expected_line = text.splitlines().index("    acronyme: ICC HUB") + 1
    assert raised.value.line == expected_line


def test_yaml_syntax_error_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("source: a.txt\npublisher: X\nprojects: [\n  {key: a\n", encoding="utf-8")

    with pytest.raises(PatternError) as raised:
        load_annotations(path)
    assert raised.value.path == str(path)
    assert raised.value.line is not None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"duplicates": [{"lines": [22, 23], "duplicate_of": "gamma"}]}, "gamma"),
        ({"groups": []}, "unknown group"),
        ({"not_partners": [{"lines": [6, 4], "why": "x"}]}, "ends before it starts"),
    ],
)
def test_inconsistent_annotation_is_refused(
    tmp_path: Path, change: dict[str, Any], message: str
) -> None:
    data = {**TWO_PROJECTS, **change}
    path = tmp_path / "bad.yaml"
    path.write_text(json.dumps(data), encoding="utf-8")

    with pytest.raises(PatternError, match=message):
        load_annotations(path)


def test_repeated_key_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "twice.yaml"
    path.write_text("source: a.txt\npublisher: X\nsource: b.txt\n", encoding="utf-8")

    with pytest.raises(PatternError) as raised:
        load_annotations(path)
    assert raised.value.line == 3


def test_missing_file_raises_pattern_error(tmp_path: Path) -> None:
    with pytest.raises(PatternError, match="absent.yaml"):
        load_annotations(tmp_path / "absent.yaml")


# --- the sample's annotation ----------------------------------------------------------------


@pytest.fixture(scope="module")
def sample_lines() -> list[str]:
    return SAMPLE.read_text(encoding="utf-8").splitlines()


@pytest.fixture(scope="module")
def sample_annotation() -> Annotations:
    return load_annotations(ANNOTATION)


def _span(lines: list[str], start: int, end: int) -> str:
    return "\n".join(lines[start - 1 : end])


def test_sample_annotation_loads_with_its_totals(
    sample_annotation: Annotations, sample_lines: list[str]
) -> None:
    assert len(sample_lines) == 187
    assert sample_annotation.source == SAMPLE.name
    assert len(sample_annotation.projects) == 18
    assert sample_annotation.partner_total() == 44
    assert len(sample_annotation.duplicates) == 2
    assert [group.line for group in sample_annotation.groups] == [1, 152]


def test_sample_annotation_line_ranges_are_in_the_file(
    sample_annotation: Annotations, sample_lines: list[str]
) -> None:
    total = len(sample_lines)
    ranges = [project.lines for project in sample_annotation.projects]
    ranges += [project.role.lines for project in sample_annotation.projects if project.role]
    ranges += [duplicate.lines for duplicate in sample_annotation.duplicates]
    ranges += [entry.lines for entry in sample_annotation.not_partners]
    for start, end in ranges:
        assert 1 <= start <= end <= total
    for group in sample_annotation.groups:
        assert sample_lines[group.line - 1] == group.name


def test_sample_explicit_titles_are_their_first_lines(
    sample_annotation: Annotations, sample_lines: list[str]
) -> None:
    for annotated in sample_annotation.projects:
        text = _span(sample_lines, *annotated.lines)
        if annotated.title_inferred:
            for word in annotated.title_keywords:
                assert word.casefold() in text.casefold(), annotated.key
            continue
        first = sample_lines[annotated.lines[0] - 1]
        endings = {""}
        if annotated.acronym:
            endings |= {sep.format(annotated.acronym) for sep in ACRONYM_SEPARATORS}
        assert first.startswith(annotated.title), annotated.key
        assert first[len(annotated.title) :] in endings, annotated.key


def test_sample_annotated_values_stand_in_their_sections(
    sample_annotation: Annotations, sample_lines: list[str]
) -> None:
    for annotated in sample_annotation.projects:
        text = normalise(_span(sample_lines, *annotated.lines))
        for expected in annotated.partners:
            for word in expected.name.split():
                assert normalise(word.rstrip(",")) in text, (annotated.key, expected.name)
            for value in (expected.short_name, expected.affiliation, expected.via):
                assert value is None or normalise(value) in text, (annotated.key, value)
        for value in (annotated.acronym, annotated.programme, *annotated.countries):
            assert value is None or normalise(value) in text, (annotated.key, value)
        for count in (annotated.partner_count, annotated.country_count):
            assert count is None or f"{count} " in text, annotated.key
        for package in annotated.work_packages:
            assert normalise(package.title) in text, annotated.key


def test_sample_duplicates_repeat_their_original(
    sample_annotation: Annotations, sample_lines: list[str]
) -> None:
    for duplicate in sample_annotation.duplicates:
        original = sample_annotation.project(duplicate.duplicate_of)
        repeated = _span(sample_lines, *duplicate.lines)
        end = min(original.lines[1], duplicate.lines[0] - 1)
        assert repeated in _span(sample_lines, original.lines[0], end), duplicate


def _extraction_from(annotations: Annotations) -> BrochureExtraction:
    """An extraction holding exactly what the annotation expects."""

    def text(value: str, line: int) -> GroundedText:
        return GroundedText(value=value, text=value, evidence=make_evidence(line))

    projects = []
    for wanted in annotations.projects:
        first = wanted.lines[0]
        role = None
        if wanted.role is not None:
            role = Role(
                organisation=annotations.publisher,
                text="",
                category=wanted.role.category,
                evidence=make_evidence(*wanted.role.lines),
            )
        count = wanted.partner_count
        countries = wanted.country_count
        projects.append(
            make_project(
                wanted.key,
                wanted.title,
                wanted.lines,
                title_inferred=wanted.title_inferred,
                acronym=wanted.acronym,
                group=wanted.group,
                partners=[
                    make_partner(
                        p.name,
                        first,
                        short_name=p.short_name,
                        kind=p.kind,
                        affiliation=p.affiliation,
                        via=p.via,
                        is_publisher=p.publisher,
                    )
                    for p in wanted.partners
                ],
                role=role,
                work_packages=[
                    WorkPackage(
                        number=wp.number,
                        title=wp.title,
                        lead=wp.lead,
                        text="",
                        evidence=make_evidence(first),
                    )
                    for wp in wanted.work_packages
                ],
                programme=text(wanted.programme, first) if wanted.programme else None,
                countries=[text(name, first) for name in wanted.countries],
                partner_count=GroundedCount(
                    value=count, text=str(count), evidence=make_evidence(first)
                )
                if count is not None
                else None,
                country_count=GroundedCount(
                    value=countries, text=str(countries), evidence=make_evidence(first)
                )
                if countries is not None
                else None,
            )
        )
    duplicates = [duplicate_of(d.duplicate_of, d.lines) for d in annotations.duplicates]
    return extraction(projects, duplicates)


def test_sample_annotation_scores_one_against_itself(sample_annotation: Annotations) -> None:
    report = evaluate(_extraction_from(sample_annotation), sample_annotation)

    assert report.mismatches == []
    assert all(score.f1 == 1.0 for score in report.fields)
    assert report.score("projects").tp == 18
    assert report.score("partners").tp == 44
    assert report.score("partner_publisher").tp == 7
    assert report.score("duplicates").tp == 2
