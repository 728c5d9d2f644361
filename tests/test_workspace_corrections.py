"""Reviewer corrections: read with errors that name the line, applied by stable project id with
each corrected value marked, and reported stale (never dropped, never misapplied) when they no
longer apply."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import jsonschema
import pytest
from builders import lines

from extractors.pipeline import extract_text
from schemas import BrochureExtraction, Evidence, Partner, Project, WorkPackage
from schemas.corrections import (
    Correction,
    CorrectionEntry,
    CorrectionError,
    CorrectionSet,
    PartnerAddition,
)
from workspace.corrections import (
    add_correction,
    apply_corrections,
    find_corrections_files,
    load_corrections,
    load_corrections_files,
    parse_corrections,
)
from workspace.export import render_json

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = ROOT / "schemas" / "brochure-extraction.schema.json"
DRONE_LAB = "laboratory-feasibility-study-of-a-drone-delivery-service"


@pytest.fixture(scope="module")
def sample(sample_text: str) -> BrochureExtraction:
    return extract_text(sample_text, "clust-er-innovate.txt")


def corrections(text: str, name: str = "clust-er-innovate.yaml") -> CorrectionSet:
    return parse_corrections(text, Path("corrections") / name)


def correct(
    extraction: BrochureExtraction, text: str, source_text: str | None = None
) -> tuple[BrochureExtraction, list[tuple[str, str]]]:
    corrected, applied = apply_corrections(
        extraction, corrections(text), "clust-er-innovate.txt", source_text
    )
    return corrected, [(outcome.status, outcome.reason) for outcome in applied.outcomes]


def project(extraction: BrochureExtraction, project_id: str) -> Project:
    return next(p for p in extraction.projects if p.id == project_id)


# --- the committed example -----------------------------------------------------------------------


def test_corrections_example_file_fixes_the_drone_lab_title(
    sample: BrochureExtraction, sample_text: str
) -> None:
    example = load_corrections(ROOT / "corrections" / "clust-er-innovate.yaml")
    corrected, applied = apply_corrections(sample, example, "clust-er-innovate.txt", sample_text)

    assert [outcome.status for outcome in applied.outcomes] == ["applied"]
    lab = project(corrected, DRONE_LAB)
    original = project(sample, DRONE_LAB)
    assert lab.title == "Drone delivery service for medicines"
    assert [mark.model_dump() for mark in lab.review] == [
        {
            "field": "title",
            "value": "Drone delivery service for medicines",
            "original": original.title,
            "correction_id": f"{DRONE_LAB}/set_title",
            "evidence": original.title_evidence.model_dump(),
        }
    ]
    assert lab.title_evidence == original.title_evidence  # still the words the pipeline read
    assert original.title.startswith("Laboratory:")  # the extraction given is left as it was


def test_corrections_readme_example_applies_to_the_sample(
    sample: BrochureExtraction, sample_text: str
) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```yaml\n(# corrections/clust-er-innovate\.yaml.*?)```", readme, re.S)
    assert block is not None, "the README's corrections example is missing"

    _, outcomes = correct(sample, block.group(1), sample_text)

    assert len(outcomes) == 12
    assert [status for status, _ in outcomes] == ["applied"] * 12, outcomes


def test_corrections_export_validates_against_the_json_schema(
    sample: BrochureExtraction, sample_text: str
) -> None:
    corrected, _ = correct(
        sample,
        f"- project: {DRONE_LAB}\n  set_title: Drone delivery service for medicines\n"
        "- project: exceed\n  add_partner: Regione Emilia-Romagna\n"
        "- project: exceed\n  add_work_package: {number: 3, title: Training, lead: false}\n"
        "- project: european-wireless-ict-s3-partnership\n  not_a_project: true\n",
        sample_text,
    )
    exported = json.loads(render_json(corrected))

    jsonschema.validate(exported, json.loads(SCHEMA.read_text(encoding="utf-8")))
    assert BrochureExtraction.model_validate(exported) == corrected
    exceed = next(item for item in exported["projects"] if item["id"] == "exceed")
    added = exceed["partners"][0]
    assert (added["name"], added["source"], added["evidence"]) == (
        "Regione Emilia-Romagna",
        "review",
        None,
    )


# --- applied -------------------------------------------------------------------------------------


def test_corrections_set_and_remove_acronym(sample: BrochureExtraction) -> None:
    corrected, outcomes = correct(
        sample,
        "- project: european-wireless-ict-s3-partnership\n  set_acronym: EW-ICT\n"
        "- project: debuting\n  remove_acronym: true\n",
    )

    assert [status for status, _ in outcomes] == ["applied", "applied"]
    wireless = project(corrected, "european-wireless-ict-s3-partnership")
    assert (wireless.acronym, wireless.review[0].original, wireless.review[0].value) == (
        "EW-ICT",
        None,
        "EW-ICT",
    )
    debuting = project(corrected, "debuting")
    assert (debuting.acronym, debuting.acronym_evidence) == (None, None)
    assert debuting.review[0].original == "DEBUTING"
    assert debuting.review[0].evidence == project(sample, "debuting").acronym_evidence
    assert debuting.id == "debuting"  # the id stays: corrections and editions address it


def test_corrections_set_role_category(sample: BrochureExtraction) -> None:
    corrected, outcomes = correct(
        sample, f"- project: {DRONE_LAB}\n  set_role_category: technical_partner\n"
    )

    assert outcomes == [("applied", "role category 'partner' -> 'technical_partner'")]
    lab = project(corrected, DRONE_LAB)
    assert lab.role is not None and lab.role.category == "technical_partner"
    assert (lab.review[0].field, lab.review[0].original) == ("role.category", "partner")


def test_corrections_add_partner_marks_it_from_review_and_knows_the_brochures_aliases(
    sample: BrochureExtraction,
) -> None:
    corrected, outcomes = correct(
        sample,
        "- project: exceed\n  add_partner: Clust-ER Innovation in Services\n"
        "- project: exceed\n  add_partner: {name: Anna Rossi, kind: person, affiliation: UniBo}\n",
    )

    assert [status for status, _ in outcomes] == ["applied", "applied"]
    alias, person = project(corrected, "exceed").partners
    assert (alias.canonical_name, alias.is_publisher, alias.source) == (
        "Clust-ER Innovate",
        True,
        "review",
    )
    assert (person.kind, person.affiliation, person.evidence) == ("person", "UniBo", None)
    assert [(m.field, m.value, m.original) for m in project(corrected, "exceed").review] == [
        ("partners", "Clust-ER Innovation in Services", None),
        ("partners", "Anna Rossi", None),
    ]


def test_corrections_remove_partner_keeps_the_original_and_its_evidence(
    sample: BrochureExtraction,
) -> None:
    corrected, outcomes = correct(
        sample, "- project: move-up\n  remove_partner: legacoop romagna\n"
    )

    assert outcomes == [("applied", "partner 'Legacoop Romagna' removed")]
    removed = project(sample, "move-up").partners[8]
    after = project(corrected, "move-up")
    assert len(after.partners) == 10 and removed not in after.partners
    assert after.review[0].original == "Legacoop Romagna"
    assert after.review[0].evidence == removed.evidence


def test_corrections_add_and_remove_work_packages(sample: BrochureExtraction) -> None:
    corrected, outcomes = correct(
        sample,
        "- project: exceed\n  add_work_package: {number: 3, title: Training, lead: true}\n"
        "- project: resist0\n  remove_work_package: 5\n"
        "- project: ambitious\n  remove_work_package: {title: demonstrations and piloting}\n",
    )

    assert [status for status, _ in outcomes] == ["applied"] * 3
    assert project(corrected, "exceed").work_packages[-1] == WorkPackage(
        number=3, title="Training", lead=True, text="WP3 Training", source="review"
    )
    assert project(corrected, "resist0").work_packages == []
    assert project(corrected, "resist0").review[0].original == "WP5 Dissemination of results"
    assert project(corrected, "ambitious").work_packages == []


def test_corrections_not_a_project_moves_the_section_to_unassigned(
    sample: BrochureExtraction, sample_text: str
) -> None:
    corrected, outcomes = correct(
        sample, "- project: debuting\n  not_a_project: true\n  note: a call for SMEs\n", sample_text
    )

    assert outcomes == [("applied", "moved to unassigned: not a project")]
    assert "debuting" not in {p.id for p in corrected.projects}
    assert not [w for w in corrected.warnings if w.project_id == "debuting"]
    moved = corrected.unassigned[-1]
    evidence = project(sample, "debuting").evidence
    assert moved.text == sample_text[evidence.start : evidence.end]
    assert moved.reason == "marked as not a project in review: a call for SMEs"
    assert (moved.review[0].field, moved.review[0].original) == ("project", "debuting")


def test_corrections_for_other_brochures_are_left_alone(sample: BrochureExtraction) -> None:
    shared = corrections(
        "- brochure: other.txt\n  project: resist0\n  set_title: Elsewhere\n"
        "- brochure: clust-er-innovate.txt\n  project: resist0\n  set_acronym: R0\n",
        "corrections.yaml",
    )
    corrected, applied = apply_corrections(sample, shared, "raw/clust-er-innovate.txt")

    assert [outcome.action for outcome in applied.outcomes] == ["set_acronym"]
    assert project(corrected, "resist0").title == project(sample, "resist0").title


# --- stale ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("entry", "reason"),
    [
        pytest.param(
            "- project: resist\n  set_title: X\n",
            "project gone: no project 'resist' in this edition (did you mean 'resist0'?)",
            id="project-gone",
        ),
        pytest.param(
            "- project: cri4-0\n  set_title: Cyber Range for Industrial Security\n",
            "the source now says the same: 'Cyber Range for Industrial Security'",
            id="title-same",
        ),
        pytest.param(
            "- project: cri4-0\n  set_title: New\n  was: Cyber Range\n",
            "the source now says 'Cyber Range for Industrial Security', not 'Cyber Range' "
            "as when the correction was written",
            id="title-written-against-another-value",
        ),
        pytest.param(
            "- project: icc-hub\n  set_role_category: partner\n",
            "the project has no 'Role of ...' section to categorise",
            id="no-role",
        ),
        pytest.param(
            "- project: resist0\n  set_role_category: work_package_leader\n",
            "the source now says the same: 'work_package_leader'",
            id="role-same",
        ),
        pytest.param(
            "- project: skills-intelligence\n  remove_acronym: true\n",
            "the source now says the same: nothing",
            id="no-acronym-to-remove",
        ),
        pytest.param(
            "- project: strategic-forum-for-the-promotion-of-the-regional-aerospace\n"
            "  add_partner: CTNA\n",
            "the source now says the same: the project lists "
            "'National aerospace technology Cluster'",
            id="partner-present-by-short-name",
        ),
        pytest.param(
            "- project: move-up\n  remove_partner: Port of Genoa\n",
            "the project lists no partner 'Port of Genoa'",
            id="partner-absent",
        ),
        pytest.param(
            "- project: resist0\n  add_work_package: {number: 5, title: Other, lead: true}\n",
            "the source now says the same: the project has 'WP5 Dissemination of results'",
            id="work-package-present",
        ),
        pytest.param(
            "- project: resist0\n  remove_work_package: 4\n",
            "the project has no work package 'WP4'",
            id="work-package-absent",
        ),
    ],
)
def test_corrections_stale(sample: BrochureExtraction, entry: str, reason: str) -> None:
    corrected, outcomes = correct(sample, entry)

    assert outcomes == [("stale", reason)]
    assert corrected.projects == sample.projects  # nothing changed
    warning = corrected.warnings[-1]
    assert warning.code == "correction_stale"
    assert warning.message.startswith(str(Path("corrections/clust-er-innovate.yaml")) + ", line 1")
    assert warning.message.endswith(reason)


def test_corrections_second_correction_of_a_field_is_stale(sample: BrochureExtraction) -> None:
    first = corrections("- project: cri4-0\n  set_title: First\n")
    second = corrections(
        "- brochure: clust-er-innovate\n  project: cri4-0\n  set_title: Second\n",
        "corrections.yaml",
    )
    corrected, applied = apply_corrections(sample, first + second, "clust-er-innovate")

    assert [outcome.status for outcome in applied.outcomes] == ["applied", "stale"]
    assert applied.outcomes[1].reason == "the title was already corrected by 'cri4-0/set_title'"
    assert project(corrected, "cri4-0").title == "First"


def test_corrections_after_not_a_project_are_stale(sample: BrochureExtraction) -> None:
    _, outcomes = correct(
        sample,
        "- project: penelope\n  not_a_project: true\n- project: penelope\n  set_acronym: PEN\n",
    )

    assert outcomes[1] == (
        "stale",
        "the project was marked as not a project by correction 'penelope/not_a_project'",
    )


def test_corrections_survive_a_new_edition(sample_text: str) -> None:
    """The same file applied to two editions: applied where the source lacks the value, stale
    where the source now says it, stale where the value it was written against changed."""
    entries = (
        "- project: move-up\n  add_partner: Legacoop Romagna\n"
        f"- project: {DRONE_LAB}\n  set_title: Drone delivery service for medicines\n"
        '  was: "Laboratory: feasibility study of a drone delivery service for medicines"\n'
    )
    older = sample_text.replace("- Legacoop Romagna\n", "")
    newer = sample_text.replace(
        "service for medicines to improve", "service for hospitals to improve"
    )

    _, on_older = correct(extract_text(older, "clust-er-innovate.txt"), entries)
    _, on_newer = correct(extract_text(newer, "clust-er-innovate.txt"), entries)

    assert on_older == [
        ("applied", "partner 'Legacoop Romagna' added"),
        (
            "applied",
            "title 'Laboratory: feasibility study of a drone delivery service for medicines' -> "
            "'Drone delivery service for medicines'",
        ),
    ]
    assert on_newer == [
        ("stale", "the source now says the same: the project lists 'Legacoop Romagna'"),
        (
            "stale",
            "the source now says 'Laboratory: feasibility study of a drone delivery service for "
            "hospitals', not 'Laboratory: feasibility study of a drone delivery service for "
            "medicines' as when the correction was written",
        ),
    ]


def test_records_refuse_an_extracted_partner_without_evidence() -> None:
    with pytest.raises(ValueError, match="needs its evidence"):
        Partner(name="X", text="X")
    assert Partner(name="X", text="X", source="review").evidence is None
    assert (
        Partner(
            name="X", text="X", evidence=Evidence(start=0, end=1, line_start=1, line_end=1)
        ).source
        == "extraction"
    )


# --- reading -------------------------------------------------------------------------------------


def test_corrections_read_yaml_with_ids_and_lines() -> None:
    loaded = corrections(
        "# reviewed on 2024-05-02\n"
        "- project: move-up\n"
        "  add_partner: Legacoop Romagna\n"
        "\n"
        "- id: drone-title\n"
        f"  project: {DRONE_LAB}\n"
        "  set_title: Drone delivery service for medicines\n"
    )

    assert [(e.id, e.brochure, e.line) for e in loaded.entries] == [
        ("move-up/add_partner/Legacoop Romagna", "clust-er-innovate", 2),
        ("drone-title", "clust-er-innovate", 5),
    ]
    assert loaded.entries[0].correction.add_partner == PartnerAddition(name="Legacoop Romagna")


def test_corrections_read_json(tmp_path: Path) -> None:
    path = tmp_path / "clust-er-innovate.json"
    path.write_text(
        '[\n  {"project": "resist0", "remove_work_package": 5},\n'
        '  {"project": "cri4-0", "set_acronym": "CRI"}\n]\n',
        encoding="utf-8",
    )

    loaded = load_corrections(path)

    assert [(e.id, e.line) for e in loaded.entries] == [
        ("resist0/remove_work_package/WP5", 2),
        ("cri4-0/set_acronym", 3),
    ]


def test_corrections_empty_file_holds_none(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("# nothing yet\n", encoding="utf-8")
    assert load_corrections(path) == CorrectionSet()


@pytest.mark.parametrize(
    ("name", "text", "line", "problem"),
    [
        pytest.param(
            "x.yaml",
            "- project: a\n  set_titel: B\n",
            2,
            "entry 1: unknown key 'set_titel'",
            id="unknown-key",
        ),
        pytest.param(
            "x.yaml",
            "- project: a\n  set_title: B\n  set_acronym: C\n",
            1,
            "give exactly one action of set_title, set_acronym, remove_acronym, "
            "set_role_category, add_partner, remove_partner, add_work_package, "
            "remove_work_package, not_a_project, acknowledge, checked, split_at_line, merge_into; "
            "found set_title, set_acronym",
            id="two-actions",
        ),
        pytest.param("x.yaml", "- project: a\n", 1, "found none", id="no-action"),
        pytest.param(
            "x.yaml", "- set_title: B\n", 1, "invalid value for 'project'", id="no-project"
        ),
        pytest.param(
            "x.yaml",
            "- project: a\n  set_role_category: boss\n",
            2,
            "invalid value for 'set_role_category'",
            id="bad-category",
        ),
        pytest.param(
            "x.yaml",
            "- project: a\n  add_work_package: {number: 2, title: T}\n",
            2,
            "invalid value for 'add_work_package.lead'",
            id="work-package-without-lead",
        ),
        pytest.param(
            "x.yaml",
            "- project: a\n  remove_work_package: {}\n",
            2,
            "name the work package by its number or its title",
            id="work-package-unnamed",
        ),
        pytest.param(
            "x.yaml",
            "- project: a\n  add_partner: B\n  was: C\n",
            1,
            "'was' goes only with set_title, set_acronym, remove_acronym, set_role_category",
            id="was-on-a-list-action",
        ),
        pytest.param(
            "x.yaml", "- project: a\n  set_title: [B\n", 3, "YAML syntax error", id="yaml-syntax"
        ),
        pytest.param(
            "x.yaml",
            "- project: a\n  set_title: B\n  set_title: C\n",
            3,
            "key 'set_title' is given twice in one entry (first on line 2)",
            id="key-twice",
        ),
        pytest.param(
            "x.yaml",
            "- project: a\n  set_title: B\n- project: a\n  set_title: C\n",
            3,
            "correction 'a/set_title' is given twice (first on line 1)",
            id="correction-twice",
        ),
        pytest.param(
            "x.yaml", "project: a\n", 1, "a corrections file is a list of entries", id="mapping"
        ),
        pytest.param(
            "x.yaml", "- a\n- b\n", 1, "entry 1 must be a mapping", id="entry-not-mapping"
        ),
        pytest.param(
            "corrections.yaml",
            "- project: a\n  set_title: B\n",
            1,
            "the entry for project 'a' names no brochure",
            id="shared-file-without-brochure",
        ),
        pytest.param(
            "x.yaml",
            "- project: a\n  brochure: y.txt\n  set_title: B\n",
            2,
            "the entry is for brochure 'y.txt', but this file holds the corrections of 'x'",
            id="entry-for-another-brochure",
        ),
        pytest.param(
            "x.json",
            '[\n  {"project": "a",\n   "set_title": "B",}\n]\n',
            3,
            "JSON syntax error",
            id="json-syntax",
        ),
        pytest.param(
            "x.json",
            '[\n  {"project": "a",\n   "set_title": "B"},\n  {"project": "a", "sett": 1}\n]\n',
            4,
            "entry 2: unknown key 'sett'",
            id="json-unknown-key",
        ),
    ],
)
def test_corrections_file_errors_name_the_file_and_line(
    tmp_path: Path, name: str, text: str, line: int, problem: str
) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")

    with pytest.raises(CorrectionError) as caught:
        load_corrections(path)

    assert caught.value.line == line
    assert problem in caught.value.problem
    assert str(caught.value).startswith(f"{path}, line {line}: ")


@pytest.mark.parametrize(
    ("name", "problem"),
    [("x.txt", "expected a .yaml, .yml or .json suffix"), ("missing.yaml", "does not exist")],
)
def test_corrections_file_refused_before_reading(tmp_path: Path, name: str, problem: str) -> None:
    if name.endswith(".txt"):
        (tmp_path / name).write_text("- project: a\n", encoding="utf-8")
    with pytest.raises(CorrectionError, match=problem):
        load_corrections(tmp_path / name)


# --- finding and writing -------------------------------------------------------------------------


def test_find_corrections_files_shared_then_own(tmp_path: Path) -> None:
    (tmp_path / "corrections").mkdir()
    own = tmp_path / "corrections" / "clust-er-innovate.yaml"
    shared = tmp_path / "corrections.yaml"
    other = tmp_path / "corrections" / "other.yaml"
    for path in (own, shared, other):
        path.write_text("", encoding="utf-8")

    assert find_corrections_files("raw/clust-er-innovate.txt", tmp_path) == [shared, own]
    assert load_corrections_files([shared, own]) == CorrectionSet()


def test_add_correction_appends_to_yaml_and_keeps_comments(tmp_path: Path) -> None:
    path = tmp_path / "clust-er-innovate.yaml"
    path.write_text("# checked by A.\n- project: cri4-0\n  set_acronym: CRI\n", encoding="utf-8")

    loaded = add_correction(
        path, Correction(project="move-up", add_partner=PartnerAddition(name="Comune di Ravenna"))
    )

    assert path.read_text(encoding="utf-8") == (
        "# checked by A.\n- project: cri4-0\n  set_acronym: CRI\n"
        "- project: move-up\n  add_partner:\n    name: Comune di Ravenna\n"
    )
    assert [entry.line for entry in loaded.entries] == [2, 4]


def test_add_correction_creates_the_file(tmp_path: Path) -> None:
    path = tmp_path / "corrections" / "clust-er-innovate.yaml"

    add_correction(path, Correction(project=DRONE_LAB, set_title="Drone lab", was="Laboratory"))

    assert path.read_text(encoding="utf-8").startswith("# Reviewer corrections")
    assert load_corrections(path).entries[0].correction.was == "Laboratory"


def test_add_correction_refuses_a_repeat_and_leaves_the_file(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    before = "- project: a\n  set_title: B\n"
    path.write_text(before, encoding="utf-8")

    with pytest.raises(CorrectionError, match="given twice"):
        add_correction(path, Correction(project="a", set_title="C"))

    assert path.read_text(encoding="utf-8") == before


def test_add_correction_appends_to_json(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text('[{"project": "a", "set_title": "B"}]', encoding="utf-8")

    add_correction(path, Correction(project="a", remove_partner="C"))

    assert json.loads(path.read_text(encoding="utf-8")) == [
        {"project": "a", "set_title": "B"},
        {"project": "a", "remove_partner": "C"},
    ]


def test_add_correction_reports_a_broken_file_and_leaves_it(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    before = '[\n  {"project": "a", "set_title": "B"\n]\n'
    path.write_text(before, encoding="utf-8")

    with pytest.raises(CorrectionError, match="JSON syntax error") as caught:
        add_correction(path, Correction(project="a", remove_partner="C"))

    assert caught.value.line == 3
    assert path.read_text(encoding="utf-8") == before


def test_a_corrections_file_linked_from_outside_the_folder_is_refused(tmp_path: Path) -> None:
    root, elsewhere = tmp_path / "review", tmp_path / "elsewhere"
    (root / "corrections").mkdir(parents=True)
    elsewhere.mkdir()
    (elsewhere / "secret.yaml").write_text("token: s3cr3t\n", encoding="utf-8")
    os.symlink(elsewhere / "secret.yaml", root / "corrections" / "agency.yaml")

    with pytest.raises(CorrectionError, match="agency.yaml: is a link to .*outside"):
        find_corrections_files("raw/agency.txt", root)


def _apply_one(extraction: BrochureExtraction, **entry: object) -> tuple[BrochureExtraction, str]:
    correction = Correction.model_validate(entry)
    corrections = CorrectionSet(
        entries=(CorrectionEntry(id="c1", brochure="clust-er-innovate", correction=correction),)
    )
    corrected, applied = apply_corrections(extraction, corrections, "clust-er-innovate.txt")
    (outcome,) = applied.outcomes
    return corrected, f"{outcome.status}: {outcome.reason}"


def test_acknowledge_marks_the_project_warning_and_refuses_one_it_lacks(
    sample_extraction: BrochureExtraction,
) -> None:
    project = "it-er"
    corrected, said = _apply_one(
        sample_extraction, project=project, acknowledge="role_not_stated", note="no role here"
    )
    assert said == "applied: 1 'role_not_stated' warning(s) acknowledged"
    (warning,) = [w for w in corrected.warnings if w.project_id == project]
    assert (warning.code, warning.acknowledged_by) == ("role_not_stated", "c1")

    _, said = _apply_one(sample_extraction, project=project, acknowledge="role_category_unknown")
    assert said == "stale: the project has no 'role_category_unknown' warning"


def test_checked_applies_while_the_project_is_unchanged_and_flags_it_after(
    sample_extraction: BrochureExtraction,
) -> None:
    from workspace.corrections import project_fingerprint

    (move_up,) = [p for p in sample_extraction.projects if p.id == "move-up"]
    fingerprint = project_fingerprint(move_up)

    corrected, said = _apply_one(sample_extraction, project="move-up", checked=fingerprint)
    assert said == "applied: checked; unchanged since"

    changed = sample_extraction.model_copy(deep=True)
    next(p for p in changed.projects if p.id == "move-up").description = "Another text."
    corrected, said = _apply_one(changed, project="move-up", checked=fingerprint)
    assert said.startswith("stale: its title, description, role, partners or work packages")
    flagged = [w for w in corrected.warnings if w.code == "checked_project_changed"]
    assert [w.project_id for w in flagged] == ["move-up"]
    assert not [w for w in corrected.warnings if w.code == "correction_stale"]


def _apply_with_text(
    extraction: BrochureExtraction, text: str, *entries: dict[str, object]
) -> tuple[BrochureExtraction, list[str]]:
    corrections = CorrectionSet(
        entries=tuple(
            CorrectionEntry(
                id=f"c{number}", brochure="agency", correction=Correction.model_validate(entry)
            )
            for number, entry in enumerate(entries, start=1)
        )
    )
    corrected, applied = apply_corrections(extraction, corrections, "agency.txt", text)
    return corrected, [f"{o.status}: {o.reason}" for o in applied.outcomes]


TWO_IN_ONE = lines(
    "Lab Move Up",
    "",
    "The laboratory studies mobility in ports.",
    "Partners: University of Bologna.",
    "Green Port Observatory measures emissions in the port of Ravenna.",
    "Partners: Port Authority of Ravenna.",
)
SECOND_TITLE = "Green Port Observatory measures emissions in the port of Ravenna."


def test_split_at_line_makes_the_second_project_of_a_page_read_as_one() -> None:
    from extractors.pipeline import extract_text

    extraction = extract_text(TWO_IN_ONE, "agency.txt")
    (project,) = extraction.projects  # one project, holding both
    assert [p.name for p in project.partners] == [
        "University of Bologna",
        "Port Authority of Ravenna",
    ]

    corrected, said = _apply_with_text(
        extraction, TWO_IN_ONE, {"project": project.id, "split_at_line": 5}
    )

    (new_id,) = [p.id for p in corrected.projects if p.id != project.id]
    assert said == [f"applied: split: a new project {new_id!r} starts at line 5"]
    first, second = corrected.projects
    assert (first.id, [p.name for p in first.partners]) == (
        project.id,
        ["University of Bologna"],
    )
    assert (second.title, [p.name for p in second.partners]) == (
        SECOND_TITLE,
        ["Port Authority of Ravenna"],
    )
    assert (first.evidence.line_end, second.evidence.line_start) == (4, 5)
    assert TWO_IN_ONE[second.title_evidence.start : second.title_evidence.end] == SECOND_TITLE


def test_split_outside_the_project_is_stale() -> None:
    from extractors.pipeline import extract_text

    extraction = extract_text(TWO_IN_ONE, "agency.txt")
    (project,) = extraction.projects
    _, said = _apply_with_text(extraction, TWO_IN_ONE, {"project": project.id, "split_at_line": 1})
    assert said == ["stale: line 1 is not inside the project (lines 1-6, its title line excluded)"]


def test_merge_into_moves_partners_and_work_packages_into_the_other_project(
    sample_extraction: BrochureExtraction, sample_text: str
) -> None:
    corrected, said = _apply_with_text(
        sample_extraction, sample_text, {"project": "dissem", "merge_into": "resist0"}
    )

    assert said == ["applied: merged into 'resist0'"]
    before = {p.id: p for p in sample_extraction.projects}
    after = {p.id: p for p in corrected.projects}
    assert "dissem" not in after
    names = [p.name for p in after["resist0"].partners]
    assert names[: len(before["resist0"].partners)] == [p.name for p in before["resist0"].partners]
    assert set(names) >= {p.name for p in before["dissem"].partners}
    assert after["resist0"].review[-1].value == "merged from dissem"

    _, said = _apply_with_text(
        sample_extraction, sample_text, {"project": "dissem", "merge_into": "resist"}
    )
    assert said == ["stale: no other project 'resist' to merge into (did you mean 'resist0'?)"]


def test_many_partners_added_to_one_project_are_each_checked_against_the_ones_before(
    sample_extraction: BrochureExtraction,
) -> None:
    entries = [
        {"project": "move-up", "add_partner": f"Partner Number {i} S.p.A."} for i in range(300)
    ]
    entries.append({"project": "move-up", "add_partner": "Partner Number 7 S.p.A.", "id": "again"})
    entries.append({"project": "move-up", "add_partner": "legacoop romagna", "id": "known"})
    corrections = CorrectionSet(
        entries=tuple(
            CorrectionEntry(
                id=str(entry.pop("id", number)),
                brochure="clust-er-innovate",
                correction=Correction.model_validate(entry),
            )
            for number, entry in enumerate(entries)
        )
    )

    corrected, applied = apply_corrections(sample_extraction, corrections, "clust-er-innovate")

    assert [o.status for o in applied.outcomes].count("applied") == 300
    *_, again, known = applied.outcomes
    assert (
        again.reason == "partner 'Partner Number 7 S.p.A.' was already added by another correction"
    )
    assert known.reason == "the source now says the same: the project lists 'Legacoop Romagna'"


LED = lines(
    "Lab Move Up",
    "",
    "The laboratory studies mobility in ports. It has a total budget of € 2 million.",
    "Partners: University of Bologna, Port Authority of Ravenna.",
    "Lead partner: Green Port Observatory",
    "Ocean Sensing Lab measures emissions in the port of Ravenna with € 300,000.",
    "Partners: Marine Institute of Cesenatico.",
)


def test_corrections_keep_the_lead_partner_pointing_at_its_partner() -> None:
    extraction = extract_text(LED, "agency.txt")
    (project,) = extraction.projects
    names = [p.name for p in project.partners]
    assert project.lead_partner is not None
    assert names[project.lead_partner.partner_index] == "Green Port Observatory"

    corrected, said = _apply_with_text(
        extraction, LED, {"project": project.id, "remove_partner": "University of Bologna"}
    )

    assert said == ["applied: partner 'University of Bologna' removed"]
    (after,) = corrected.projects
    assert after.lead_partner is not None
    assert after.partners[after.lead_partner.partner_index].name == "Green Port Observatory"

    corrected, _ = _apply_with_text(
        extraction, LED, {"project": project.id, "remove_partner": "Green Port Observatory"}
    )
    assert corrected.projects[0].lead_partner is None


def test_split_at_line_moves_budgets_and_the_lead_partner_with_their_lines() -> None:
    extraction = extract_text(LED, "agency.txt")
    (project,) = extraction.projects
    assert [b.amount for b in project.budgets] == [2000000.0, 300000.0]

    corrected, _ = _apply_with_text(extraction, LED, {"project": project.id, "split_at_line": 6})

    first, second = corrected.projects
    assert ([b.amount for b in first.budgets], [b.amount for b in second.budgets]) == (
        [2000000.0],
        [300000.0],
    )
    assert first.lead_partner is not None and second.lead_partner is None
    assert first.partners[first.lead_partner.partner_index].name == "Green Port Observatory"
