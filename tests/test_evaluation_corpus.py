"""Scoring a corpus folder: normalisation, each matching rule, totals, failures and the command.

Every text and gold file here is made up for the test; none comes from the development corpus.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import builders
import pytest
from builders import make_evidence, make_partner, make_role

from evaluation.corpus import (
    CorpusReport,
    GoldDocument,
    contains_words,
    evaluate_corpus,
    format_corpus_report,
    load_corpus_gold,
    load_gold,
    normalise_name,
    score_document,
    titles_without_acronym,
    total_scores,
)
from extractors.ids import project_id
from flows.cli import main
from schemas import InputError, Partner, PatternError, Project, Role, WorkPackage

# --------------------------------------------------------------------------------------------
# Builders: records from builders.py; a corpus project's id from its acronym, else its title
# --------------------------------------------------------------------------------------------


class LeaderWorkPackage(WorkPackage):
    """A work package with the `leader` a later schema version may add."""

    leader: str | None = None


def make_work_package(number: int | None, title: str, leader: str | None = None) -> WorkPackage:
    fields: dict[str, Any] = {
        "number": number,
        "title": title,
        "lead": False,
        "text": title,
        "evidence": make_evidence(),
    }
    if leader is not None:
        return LeaderWorkPackage(**fields, leader=leader)
    return WorkPackage(**fields)


def make_project(
    title: str,
    acronym: str | None = None,
    lines: tuple[int, int] = (1, 1),
    partners: Sequence[Partner] = (),
    role: Role | None = None,
    work_packages: Sequence[WorkPackage] = (),
) -> Project:
    return builders.make_project(
        project_id(acronym, title),
        title,
        lines,
        acronym=acronym,
        partners=list(partners),
        role=role,
        work_packages=list(work_packages),
    )


def make_gold_project(
    key: str,
    titles: Sequence[str],
    acronym: str | None = None,
    untitled: bool = False,
    lines: tuple[int, int] = (1, 1),
    partners: Sequence[str] = (),
    role: str | None = None,
    work_packages: Sequence[dict[str, Any]] = (),
) -> dict[str, Any]:
    return {
        "key": key,
        "titles": list(titles),
        "acronym": acronym,
        "untitled": untitled,
        "lines": list(lines),
        "partners": list(partners),
        "role": role,
        "work_packages": list(work_packages),
    }


def make_gold_work_package(
    number: int | None, title: str | None, leader: str | None = None
) -> dict[str, Any]:
    return {"number": number, "title": title, "lead": False, "leader": leader}


def make_gold(*projects: dict[str, Any], name: str = "01_made_up") -> GoldDocument:
    return GoldDocument.model_validate(gold_data(*projects, name=name))


def gold_data(*projects: dict[str, Any], name: str = "01_made_up") -> dict[str, Any]:
    return {
        "document": f"{name}.txt",
        "text": f"text/{name}.txt",
        "source": "made up for the tests",
        "licence": "CC0",
        "language": "en",
        "notes": "",
        "projects": list(projects),
        "duplicates": [],
    }


def counts(gold: GoldDocument, projects: Sequence[Project], field: str) -> tuple[int, int, int]:
    score = score_document(gold, projects).score(field)
    return score.tp, score.fp, score.fn


# --------------------------------------------------------------------------------------------
# Rule 1: normalisation
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Green  Harbour\tLab", "green harbour lab"),  # case, white space
        ("Ｇｒｅｅｎ Lab", "green lab"),  # NFKC
        ("Fast Art \u2013 Slow Fashion", "fast art - slow fashion"),  # typographic dash
        ("\u201cHarbour Lab\u201d", "harbour lab"),  # typographic quotes around
        ("Universit\u00e0 di Nessuno", "universita di nessuno"),  # accents
        ("Acme Energy Ltd.", "acme energy ltd"),  # trailing period
        ("- Acme Energy;", "acme energy"),  # surrounding punctuation
        ("(Full Title of the Lab)", "full title of the lab"),  # brackets around the whole
        ("Acme (Spain)", "acme (spain)"),  # balanced brackets inside are kept
        ("Acme (Spain))", "acme (spain)"),  # an unbalanced closing bracket is dropped
        ("\u25a1 Acme Energy", "acme energy"),  # checkbox bullet
        ("The Harbour Lab", "harbour lab"),
        ("a Harbour Lab", "harbour lab"),
        ("l\u2019Autorit\u00e0 del Porto", "autorita del porto"),
        ("il Porto di Nessuno", "porto di nessuno"),
        ("Gli Amici del Porto", "amici del porto"),
        ("Die Hafen Werkstatt", "hafen werkstatt"),
        ("Les Amis du Port", "amis du port"),
        ("Los Amigos del Puerto", "amigos del puerto"),
        ('"The Harbour Lab."', "harbour lab"),  # quotes, period and article together
        ("The", "the"),  # an article alone stays
    ],
)
def test_corpus_evaluation_normalise_name(text: str, expected: str) -> None:
    assert normalise_name(text) == expected


@pytest.mark.parametrize(
    ("text", "part", "expected"),
    [
        ("acme energy spa", "acme energy", True),
        ("acme energy spa", "energy", True),
        ("acme energetics", "energy", False),
        ("acme energy", "", False),
    ],
)
def test_corpus_evaluation_contains_words_needs_whole_words(
    text: str, part: str, expected: bool
) -> None:
    assert contains_words(text, part) is expected


# --------------------------------------------------------------------------------------------
# Rule 2: projects
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "acronym", "expected"),
    [
        ("Green Harbour Lab (GHL)", None, {"green harbour lab"}),
        ("GHL \u2013 Green Harbour Lab", None, {"green harbour lab"}),
        ("GHL: Green Harbour Lab", None, {"green harbour lab"}),
        ("Green Harbour Lab \u2013 GHL", None, {"green harbour lab"}),
        ("Green Harbour Lab (Green H L)", "Green H L", {"green harbour lab"}),
        ("Two Words: Green Harbour Lab", None, set()),  # the removed part is no acronym
        ("Green Harbour Lab", None, set()),
    ],
)
def test_corpus_evaluation_titles_without_acronym(
    title: str, acronym: str | None, expected: set[str]
) -> None:
    assert titles_without_acronym(title, acronym) == expected


HARBOUR = make_gold_project(
    "harbour", ["Green Harbour Lab", "Harbour Laboratory"], acronym="GHL", lines=(1, 5)
)


@pytest.mark.parametrize(
    ("project", "matched_by"),
    [
        (make_project("GHL"), "name"),  # title equals the gold acronym
        (make_project("Something else", acronym="GHL"), "name"),  # acronym equals it
        (make_project("Green Harbour Lab"), "name"),
        (make_project("The Harbour Laboratory."), "name"),  # another gold title, normalised
        (make_project("Green Harbour Lab (G-H-L)"), "title_without_acronym"),
        (make_project("G-H-L \u2013 Green Harbour Lab"), "title_without_acronym"),
        (make_project("G-H-L: Green Harbour Lab"), "title_without_acronym"),
    ],
)
def test_corpus_evaluation_projects_match_by_title_or_acronym(
    project: Project, matched_by: str
) -> None:
    scored = score_document(make_gold(HARBOUR), [project])

    assert (scored.score("projects").tp, scored.score("projects").fp) == (1, 0)
    assert [pair.matched_by for pair in scored.pairs] == [matched_by]


def test_corpus_evaluation_projects_left_over_count_fp_and_fn() -> None:
    gold = make_gold(HARBOUR, make_gold_project("river", ["Blue River Observatory"]))
    projects = [make_project("Green Harbour Lab"), make_project("Coffee break")]

    scored = score_document(gold, projects)

    assert counts(gold, projects, "projects") == (1, 1, 1)
    missed = [m.expected for m in scored.mismatches if m.field == "projects" and not m.found]
    extra = [m.found for m in scored.mismatches if m.field == "projects" and not m.expected]
    assert missed == ["Blue River Observatory (lines 1-1)"]
    assert extra == ["Coffee break (lines 1-1)"]


def test_corpus_evaluation_projects_pair_one_to_one_in_gold_order() -> None:
    # Both gold projects accept "Green Harbour Lab"; the first in gold order takes the first copy.
    again = make_gold_project("harbour-again", ["Green Harbour Lab"])
    gold = make_gold(HARBOUR, again)
    projects = [
        make_project("Green Harbour Lab", lines=(1, 2)),
        make_project("Green Harbour Lab", lines=(9, 9)),
        make_project("GHL", lines=(20, 20)),
    ]

    scored = score_document(gold, projects)

    assert [(pair.key, pair.project_id) for pair in scored.pairs] == [
        ("harbour", projects[0].id),
        ("harbour-again", projects[1].id),
    ]
    assert [m.found for m in scored.mismatches if m.field == "projects"] == ["GHL (lines 20-20)"]
    assert counts(gold, projects, "projects") == (2, 1, 0)


def test_corpus_evaluation_untitled_project_matches_the_largest_line_overlap() -> None:
    untitled = make_gold_project("hidden", ["Name From The Site"], untitled=True, lines=(10, 20))
    gold = make_gold(untitled, make_gold_project("named", ["Governance"], lines=(15, 16)))
    projects = [
        make_project("Governance", lines=(15, 16)),  # overlaps most, but is matched by name
        make_project("Work packages", lines=(8, 12)),
        make_project("Contacts", lines=(12, 19)),
        make_project("Footer", lines=(30, 31)),
    ]

    scored = score_document(gold, projects)

    assert [(pair.key, pair.project_id, pair.matched_by) for pair in scored.pairs] == [
        ("hidden", projects[2].id, "lines"),
        ("named", projects[0].id, "name"),
    ]
    assert counts(gold, projects, "projects") == (2, 2, 0)
    # Untitled: not scored for titles, nor is its pair; the two left over are fp.
    assert counts(gold, projects, "titles") == (1, 2, 0)


def test_corpus_evaluation_untitled_project_without_overlap_is_missed() -> None:
    gold = make_gold(make_gold_project("hidden", ["Site Name"], untitled=True, lines=(10, 20)))
    projects = [make_project("Footer", lines=(30, 31))]

    assert counts(gold, projects, "projects") == (0, 1, 1)
    assert counts(gold, projects, "titles") == (0, 1, 0)


# --------------------------------------------------------------------------------------------
# Rule 3: titles
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("project", "expected"),
    [
        (make_project("Green Harbour Lab", acronym="GHL"), (1, 0, 0)),
        (make_project("Green Harbour Lab (GHL)"), (1, 0, 0)),  # acronym part removed
        (make_project("Introduction", acronym="GHL"), (0, 1, 1)),  # paired by acronym only
    ],
)
def test_corpus_evaluation_titles_are_scored_over_pairs(
    project: Project, expected: tuple[int, int, int]
) -> None:
    assert counts(make_gold(HARBOUR), [project], "titles") == expected


# --------------------------------------------------------------------------------------------
# Rule 4: partners
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("gold_partner", "partner"),
    [
        (
            "Acme Energy (AE), Spain",
            make_partner("Acme Energy", short_name="AE", text="Acme Energy (AE), Spain"),
        ),
        ("Acme Energy", make_partner("Acme Energy", short_name="AE", text="- Acme Energy (AE)")),
        ("Acme Energy (AE)", make_partner("Acme Energy", short_name="AE", text="Acme Energy - AE")),
        ("AE (Acme Energy)", make_partner("Acme Energy", short_name="AE", text="Acme Energy - AE")),
        ("AE", make_partner("Acme Energy", short_name="AE", text="Acme Energy - AE")),
        ("the Acme Energy.", make_partner("Acme Energy")),  # normalised
    ],
)
def test_corpus_evaluation_partner_matches_each_written_form(
    gold_partner: str, partner: Partner
) -> None:
    gold = make_gold(make_gold_project("harbour", ["Green Harbour Lab"], partners=[gold_partner]))
    projects = [make_project("Green Harbour Lab", partners=[partner])]

    assert counts(gold, projects, "partners") == (1, 0, 0)


def test_corpus_evaluation_partners_pair_one_to_one() -> None:
    gold = make_gold(
        make_gold_project("harbour", ["Green Harbour Lab"], partners=["Acme", "Acme", "Port"])
    )
    projects = [
        make_project(
            "Green Harbour Lab",
            partners=[make_partner("Acme"), make_partner("Beta Labs")],
        )
    ]

    scored = score_document(gold, projects)

    assert scored.score("partners").model_dump(include={"tp", "fp", "fn"}) == {
        "tp": 1,
        "fp": 1,
        "fn": 2,
    }
    assert [(m.expected, m.found) for m in scored.mismatches if m.field == "partners"] == [
        ("Acme", None),
        ("Port", None),
        (None, "Beta Labs"),
    ]


def test_corpus_evaluation_partners_of_unmatched_projects_count() -> None:
    gold = make_gold(make_gold_project("river", ["Blue River"], partners=["Acme", "Port"]))
    projects = [make_project("Coffee break", partners=[make_partner("Beta Labs")])]

    assert counts(gold, projects, "partners") == (0, 1, 2)


# --------------------------------------------------------------------------------------------
# Rule 5: work packages and their leaders
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("gold_package", "package", "matched"),
    [
        (make_gold_work_package(3, "Dissemination"), make_work_package(3, "Outreach"), True),
        (make_gold_work_package(3, "Dissemination"), make_work_package(4, "Dissemination"), False),
        (
            make_gold_work_package(None, "Data Collection"),
            make_work_package(2, "data collection"),
            True,
        ),
        (
            make_gold_work_package(2, "Data collection and curation"),
            make_work_package(None, "Data collection"),
            True,
        ),
        (make_gold_work_package(None, "Data"), make_work_package(None, "Data collection"), True),
        (make_gold_work_package(None, "Data"), make_work_package(None, "Database work"), False),
        (make_gold_work_package(5, None), make_work_package(None, "Exploitation"), False),
    ],
)
def test_corpus_evaluation_work_packages_match_by_number_else_title(
    gold_package: dict[str, Any], package: WorkPackage, matched: bool
) -> None:
    gold = make_gold(
        make_gold_project("harbour", ["Green Harbour Lab"], work_packages=[gold_package])
    )
    projects = [make_project("Green Harbour Lab", work_packages=[package])]

    assert counts(gold, projects, "work_packages") == ((1, 0, 0) if matched else (0, 1, 1))


@pytest.mark.parametrize(
    ("gold_leader", "leader", "expected"),
    [
        ("Acme Energy", "ACME energy", (1, 0, 0)),
        ("Jane Roe (Acme Energy)", "Acme Energy", (1, 0, 0)),  # contains, as whole words
        ("Acme", "Acme Energy", (1, 0, 0)),  # is contained
        ("Acme Energy", "Beta Labs", (0, 1, 1)),
        ("Acme Energy", None, (0, 0, 1)),
        (None, "Beta Labs", (0, 1, 0)),
        (None, None, (0, 0, 0)),
    ],
)
def test_corpus_evaluation_work_package_leaders_over_pairs(
    gold_leader: str | None, leader: str | None, expected: tuple[int, int, int]
) -> None:
    gold = make_gold(
        make_gold_project(
            "harbour",
            ["Green Harbour Lab"],
            work_packages=[make_gold_work_package(1, "Management", gold_leader)],
        )
    )
    projects = [
        make_project(
            "Green Harbour Lab", work_packages=[make_work_package(1, "Management", leader)]
        )
    ]

    assert counts(gold, projects, "work_package_leaders") == expected


def test_corpus_evaluation_leaders_of_work_packages_left_over_count() -> None:
    gold = make_gold(
        make_gold_project(
            "harbour",
            ["Green Harbour Lab"],
            work_packages=[
                make_gold_work_package(1, "Management", "Acme"),
                make_gold_work_package(2, "Outreach", None),
            ],
        ),
        make_gold_project(
            "river", ["Blue River"], work_packages=[make_gold_work_package(1, "Sampling", "Port")]
        ),
    )
    projects = [
        make_project(
            "Green Harbour Lab",
            work_packages=[make_work_package(7, "Tools", "Beta Labs")],
        )
    ]

    assert counts(gold, projects, "work_packages") == (0, 1, 3)
    assert counts(gold, projects, "work_package_leaders") == (0, 1, 2)


# --------------------------------------------------------------------------------------------
# Rule 6: roles
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("gold_role", "role", "expected"),
    [
        ("coordinates the project", make_role("coordinator"), (1, 0, 0)),
        ("coordinates the project", make_role("other", "It helps."), (1, 0, 0)),
        ("coordinates the project", None, (0, 0, 1)),
        ("coordinates the project", make_role("none_stated", ""), (0, 0, 1)),
        ("coordinates the project", make_role("partner", "   "), (0, 0, 1)),
        (None, make_role("partner"), (0, 1, 0)),
        (None, make_role("none_stated", ""), (0, 0, 0)),
        (None, None, (0, 0, 0)),
    ],
)
def test_corpus_evaluation_roles_over_pairs(
    gold_role: str | None, role: Role | None, expected: tuple[int, int, int]
) -> None:
    gold = make_gold(make_gold_project("harbour", ["Green Harbour Lab"], role=gold_role))
    projects = [make_project("Green Harbour Lab", role=role)]

    assert counts(gold, projects, "roles") == expected


def test_corpus_evaluation_roles_of_unmatched_projects_count() -> None:
    gold = make_gold(make_gold_project("river", ["Blue River"], role="leads it"))
    projects = [make_project("Coffee break", role=make_role())]

    assert counts(gold, projects, "roles") == (0, 1, 1)


# --------------------------------------------------------------------------------------------
# Totals and failures
# --------------------------------------------------------------------------------------------


def test_corpus_evaluation_totals_are_micro_averaged() -> None:
    # Document one: 1 of 1 found. Document two: 1 of 3 found, 1 extra.
    first = score_document(make_gold(HARBOUR), [make_project("Green Harbour Lab")])
    gold = make_gold(
        make_gold_project("a", ["Alpha"]),
        make_gold_project("b", ["Beta"]),
        make_gold_project("c", ["Gamma"]),
        name="02_other",
    )
    second = score_document(gold, [make_project("Alpha"), make_project("Delta")])

    total = {score.field: score for score in total_scores([first, second])}["projects"]

    assert (total.tp, total.fp, total.fn) == (2, 1, 2)
    assert total.precision == pytest.approx(2 / 3)  # a macro average would give (1 + 0.5) / 2
    assert total.recall == pytest.approx(2 / 4)
    assert total.f1 == pytest.approx(2 * (2 / 3) * 0.5 / (2 / 3 + 0.5))


BROCHURE = """Green Harbour Lab (GHL)
The lab studies how small ports can cut their energy use with shared batteries and solar roofs.
Project partners
- Port of Nowhere
- Acme Energy (AE)
Role of Example Cluster
Example Cluster coordinates the project and leads WP2. Data collection.

Blue River Observatory
The observatory measures the water quality of the river every week and publishes the data.
Project partners
- University of Somewhere
"""


def write_corpus(folder: Path, with_failure: bool = True) -> Path:
    """Write a two-document corpus: one brochure the pipeline reads, one empty file."""
    for name in ("docs", "text", "gold"):
        (folder / name).mkdir(parents=True, exist_ok=True)
    (folder / "text" / "01_harbour.txt").write_text(BROCHURE, encoding="utf-8")
    (folder / "docs" / "01_harbour.txt").write_text(BROCHURE, encoding="utf-8")
    harbour = gold_data(
        make_gold_project(
            "ghl",
            ["Green Harbour Lab", "GHL"],
            acronym="GHL",
            lines=(1, 7),
            partners=["Port of Nowhere", "Acme Energy (AE)", "Harbour Authority"],
            role="coordinates the project",
            work_packages=[make_gold_work_package(2, "Data collection", "Example Cluster")],
        ),
        make_gold_project(
            "river", ["Blue River Observatory"], lines=(9, 12), partners=["University of Somewhere"]
        ),
        make_gold_project("silent", ["Silent Project"], lines=(13, 13)),
        name="01_harbour",
    )
    (folder / "gold" / "01_harbour.json").write_text(json.dumps(harbour), encoding="utf-8")
    if with_failure:
        (folder / "text" / "02_empty.txt").write_bytes(b"")
        (folder / "docs" / "02_empty.txt").write_bytes(b"")
        empty = gold_data(
            make_gold_project("lost", ["Lost Project"], partners=["Acme"], role="leads it"),
            name="02_empty",
        )
        (folder / "gold" / "02_empty.json").write_text(json.dumps(empty), encoding="utf-8")
    return folder


def test_corpus_evaluation_scores_a_corpus_with_the_pipeline(tmp_path: Path) -> None:
    report = evaluate_corpus(write_corpus(tmp_path, with_failure=False))

    (document,) = report.documents
    assert document.document == "text/01_harbour.txt"
    assert {score.field: (score.tp, score.fp, score.fn) for score in document.fields} == {
        "projects": (2, 0, 1),
        "titles": (2, 0, 1),
        "partners": (3, 0, 1),
        "work_packages": (1, 0, 0),
        "work_package_leaders": (1, 0, 0),  # the publisher leads it: its role says so
        "roles": (1, 0, 0),
    }
    assert report.totals == document.fields
    assert report.failed == []


def test_corpus_evaluation_failed_document_counts_its_gold_as_missed(tmp_path: Path) -> None:
    report = evaluate_corpus(write_corpus(tmp_path))

    (failed,) = report.failed
    assert failed.name == "02_empty"
    assert failed.error is not None
    assert failed.error.code == "input_error"
    assert "02_empty.txt" in failed.error.message
    assert {score.field: (score.tp, score.fp, score.fn) for score in failed.fields} == {
        "projects": (0, 0, 1),
        "titles": (0, 0, 1),
        "partners": (0, 0, 1),
        "work_packages": (0, 0, 0),
        "work_package_leaders": (0, 0, 0),
        "roles": (0, 0, 1),
    }
    assert report.total("projects").fn == 2  # the failure did not stop the batch
    assert report.total("projects").tp == 2


def test_corpus_evaluation_originals_reads_the_docs_folder(tmp_path: Path) -> None:
    folder = write_corpus(tmp_path, with_failure=False)
    # An original that differs from its rendering shows which of the two was read.
    (folder / "docs" / "01_harbour.txt").write_text(
        BROCHURE.replace("Blue River Observatory", "Red River Observatory"), encoding="utf-8"
    )

    rendering = evaluate_corpus(folder)
    original = evaluate_corpus(folder, originals=True)

    assert original.documents[0].document == "docs/01_harbour.txt"
    assert rendering.total("projects").tp == 2
    assert original.total("projects").tp == 1
    assert original.originals is True


@pytest.mark.parametrize(
    ("edit", "problem"),
    [
        (lambda data: "{not json", "is not valid JSON"),
        (lambda data: {**data, "projects": [{**data["projects"][0], "titles": []}]}, "titles"),
        (lambda data: {**data, "projects": [{**data["projects"][0], "lines": [5, 2]}]}, "lines"),
        (lambda data: {**data, "colour": "blue"}, "colour"),
        (lambda data: {**data, "projects": data["projects"] * 2}, "appears twice"),
        (lambda data: {**data, "text": "../elsewhere.txt"}, "inside the corpus folder"),
    ],
)
def test_corpus_evaluation_load_gold_refuses_invalid_gold(
    tmp_path: Path, edit: Any, problem: str
) -> None:
    data = edit(gold_data(make_gold_project("a", ["Alpha"])))
    path = tmp_path / "01_bad.json"
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")

    with pytest.raises(PatternError) as raised:
        load_gold(path)

    assert "01_bad.json" in str(raised.value)
    assert problem in str(raised.value)


def test_corpus_evaluation_folder_without_gold_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no gold/ folder"):
        load_corpus_gold(tmp_path)
    (tmp_path / "gold").mkdir()
    with pytest.raises(InputError, match="no .json gold files"):
        load_corpus_gold(tmp_path)


def test_corpus_evaluation_format_shows_a_dash_when_nothing_is_expected_or_found() -> None:
    document = score_document(make_gold(HARBOUR), [make_project("Green Harbour Lab")])
    report = CorpusReport(
        folder="corpus", originals=False, documents=[document], totals=total_scores([document])
    )

    row = next(line for line in format_corpus_report(report).splitlines() if "01_made_up" in line)

    assert row.split()[1:] == ["1/1", "1.00", "1.00", "1.00"] + ["0/0", "-", "-", "-"] * 3


# --------------------------------------------------------------------------------------------
# The command
# --------------------------------------------------------------------------------------------


def test_corpus_evaluation_cli_prints_the_table_totals_and_failures(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = write_corpus(tmp_path)

    code = main(["evaluate", "--corpus", str(folder)])

    out = capsys.readouterr().out
    assert code == 1  # a document failed
    lines = out.splitlines()
    assert lines[0] == f"Corpus evaluation of {folder} (text/ renderings): 2 documents, 1 failed"
    harbour = next(line for line in lines if line.startswith("01_harbour"))
    assert harbour.split()[1:5] == ["2/3", "1.00", "0.67", "0.80"]
    empty = next(line for line in lines if line.startswith("02_empty"))
    assert empty.endswith("failed")
    total = next(line for line in lines if line.startswith("total (micro)"))
    assert total.split()[2:6] == ["2/4", "1.00", "0.50", "0.67"]
    assert "work_package_leaders" in out
    assert "Failed documents (1)" in out
    assert "02_empty: input_error: " in out
    assert "missed partners" not in out


def test_corpus_evaluation_cli_exits_0_when_no_document_failed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["evaluate", "--corpus", str(write_corpus(tmp_path, with_failure=False))]) == 0
    assert "Failed documents: none" in capsys.readouterr().out


def test_corpus_evaluation_cli_verbose_lists_misses_and_extras(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["evaluate", "--corpus", str(write_corpus(tmp_path)), "--verbose"])

    out = capsys.readouterr().out
    assert "01_harbour (text/01_harbour.txt):" in out
    assert "missed partners  ghl (extracted ghl): 'Harbour Authority'" in out
    assert "missed projects  silent: 'Silent Project (lines 13-13)'" in out
    assert "missed roles  lost: 'leads it'" in out


def test_corpus_evaluation_cli_json_prints_the_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["evaluate", "--corpus", str(write_corpus(tmp_path)), "--json", "--originals"])

    report = CorpusReport.model_validate_json(capsys.readouterr().out)
    assert report.originals is True
    assert [document.name for document in report.documents] == ["01_harbour", "02_empty"]
    assert report.total("projects").tp == 2


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["evaluate", "--originals"], "--originals applies only with --corpus"),
        (["evaluate", "--corpus", "c", "--brochure", "b.txt"], "leave out --brochure"),
        (["evaluate", "--corpus", "c", "--annotations", "a.yaml"], "leave out --brochure"),
    ],
)
def test_corpus_evaluation_cli_refuses_options_that_do_not_combine(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("brochures evaluate: error: ")
    assert message in captured.err


def test_corpus_evaluation_cli_missing_corpus_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["evaluate", "--corpus", str(tmp_path / "nowhere")]) == 2
    assert "is not a folder" in capsys.readouterr().err
