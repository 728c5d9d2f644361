from __future__ import annotations

from pathlib import Path

import pytest
from builders import (
    make_document,
    make_evidence,
    make_extraction,
    make_partner,
    make_project,
    make_role,
    make_work_package,
)

from extractors.ids import project_id
from reports.changes import (
    carry_over_ids,
    compare_editions,
    format_change_report,
    match_renamed_projects,
)
from schemas import (
    BrochureExtraction,
    Duplicate,
    ExtractionWarning,
    Project,
    WorkPackage,
)
from schemas.changes import (
    ChangeReport,
    ProjectRef,
    RoleChange,
    RoleState,
    TextChange,
    WorkPackageChange,
    WorkPackageState,
)
from workspace.service import extract_brochure

# Records on line 1 (builders.py); `project` takes partners by name and the role as a pair.


def package(number: int | None, title: str, lead: bool = True) -> WorkPackage:
    return make_work_package(number, title, lead)


def project(
    id: str,
    title: str,
    *,
    acronym: str | None = None,
    partners: tuple[str, ...] = (),
    role: tuple[str, str] | None = None,
    packages: tuple[WorkPackage, ...] = (),
    description: str = "",
) -> Project:
    return make_project(
        id,
        title,
        acronym=acronym,
        description=description,
        partners=[make_partner(name) for name in partners],
        role=make_role(role[0], role[1], "Clust-ER Innovate") if role is not None else None,
        work_packages=list(packages),
    )


def edition(*projects: Project, sha256: str = "a" * 64, **fields: object) -> BrochureExtraction:
    return make_extraction(*projects, document=make_document("agency.txt", sha256), **fields)


def only_change(report: ChangeReport):  # noqa: ANN201
    [change] = report.projects_changed
    return change


def test_changes_identical_editions_are_unchanged() -> None:
    before = edition(project("a", "Alpha", partners=("X",), role=("partner", "A partner.")))

    report = compare_editions(before, before.model_copy(deep=True))

    assert report.unchanged is True
    assert (report.projects_added, report.projects_removed, report.projects_changed) == ([], [], [])
    assert report.brochure == "agency.txt"


def test_changes_projects_added_and_removed_by_id() -> None:
    before = edition(project("a", "Alpha"), project("b", "Beta"))
    after = edition(project("a", "Alpha"), project("c", "Gamma", acronym="GAM"))

    report = compare_editions(before, after)

    assert report.projects_added == [ProjectRef(id="c", title="Gamma", acronym="GAM")]
    assert report.projects_removed == [ProjectRef(id="b", title="Beta")]
    assert report.projects_changed == []
    assert report.unchanged is False


def test_changes_partners_compare_by_normalised_name() -> None:
    before = edition(project("a", "Alpha", partners=("Legacoop Romagna", "Port  Authority", "Old")))
    after = edition(project("a", "Alpha", partners=("LEGACOOP ROMAGNA.", "Port Authority", "New")))

    change = only_change(compare_editions(before, after))

    assert change.partners_added == ["New"]
    assert change.partners_removed == ["Old"]
    assert change.role_change is None


def test_changes_role_change_keeps_category_and_text() -> None:
    before = edition(
        project("a", "Alpha", role=("technical_partner", "Acts as technical partner."))
    )
    after = edition(project("a", "Alpha", role=("coordinator", "Is the coordinator.")))

    change = only_change(compare_editions(before, after))

    assert change.role_change == RoleChange(
        before=RoleState(category="technical_partner", text="Acts as technical partner."),
        after=RoleState(category="coordinator", text="Is the coordinator."),
    )


@pytest.mark.parametrize(
    ("before_role", "after_role"),
    [
        (("partner", "Is a partner."), ("partner", "Is a partner of the project.")),
        (None, ("partner", "Is a partner.")),
        (("partner", "Is a partner."), None),
    ],
)
def test_changes_role_text_alone_or_presence_is_a_change(
    before_role: tuple[str, str] | None, after_role: tuple[str, str] | None
) -> None:
    before = edition(project("a", "Alpha", role=before_role))
    after = edition(project("a", "Alpha", role=after_role))

    change = only_change(compare_editions(before, after))

    assert change.role_change is not None
    states = (change.role_change.before, change.role_change.after)
    expected = tuple(
        RoleState(category=role[0], text=role[1]) if role else None  # type: ignore[arg-type]
        for role in (before_role, after_role)
    )
    assert states == expected


def test_changes_role_differing_only_in_spacing_is_no_change() -> None:
    before = edition(project("a", "Alpha", role=("partner", "Is  a partner.")))
    after = edition(project("a", "Alpha", role=("partner", "Is a partner.")))

    assert compare_editions(before, after).unchanged is True


def test_changes_work_packages_added_removed_and_changed() -> None:
    before = edition(
        project(
            "a",
            "Alpha",
            packages=(
                package(5, "Dissemination of results"),
                package(2, "Data collection", lead=True),
                package(3, "Pilots"),
                package(None, "training and focus groups", lead=False),
                package(7, "Ethics"),
            ),
        )
    )
    after = edition(
        project(
            "a",
            "Alpha",
            packages=(
                package(5, "dissemination of  results"),  # same once normalised
                package(2, "Data collection", lead=False),  # lead -> support
                package(3, "Pilots and demonstrations"),  # retitled
                package(4, "Training and focus groups", lead=False),  # numbered now
                package(8, "Exploitation"),
            ),
        )
    )

    change = only_change(compare_editions(before, after))

    assert change.work_packages_added == [
        WorkPackageState(number=8, title="Exploitation", lead=True)
    ]
    assert change.work_packages_removed == [WorkPackageState(number=7, title="Ethics", lead=True)]
    assert change.work_packages_changed == [
        WorkPackageChange(
            before=WorkPackageState(number=2, title="Data collection", lead=True),
            after=WorkPackageState(number=2, title="Data collection", lead=False),
        ),
        WorkPackageChange(
            before=WorkPackageState(number=3, title="Pilots", lead=True),
            after=WorkPackageState(number=3, title="Pilots and demonstrations", lead=True),
        ),
        WorkPackageChange(
            before=WorkPackageState(number=None, title="training and focus groups", lead=False),
            after=WorkPackageState(number=4, title="Training and focus groups", lead=False),
        ),
    ]


def test_changes_title_acronym_and_description() -> None:
    before = edition(project("a", "Lab Move Up", acronym="MOVE-UP", description="Old words."))
    after = edition(project("a", "Lab Move-Up", acronym="MOVEUP", description="New words."))

    change = only_change(compare_editions(before, after))

    assert change.title_change == TextChange(before="Lab Move Up", after="Lab Move-Up")
    assert change.acronym_change == TextChange(before="MOVE-UP", after="MOVEUP")
    assert change.description_changed is True


def test_changes_carry_over_ids_keeps_the_id_of_a_reworded_title() -> None:
    old_id = "steering-committee-of-the-investigation-into-the-academies"
    new_id = "steering-committee-of-the-investigation-into-the-corporate"
    before = edition(
        project(old_id, "Steering Committee of the investigation into the Academies"),
        project("b", "Beta"),
    )
    after = edition(
        project(new_id, "Steering Committee of the investigation into the Corporate Academies"),
        project("b", "Beta"),
        warnings=[ExtractionWarning(code="title_inferred", message="m", project_id=new_id)],
        duplicates=[
            Duplicate(
                kind="paragraph",
                text="t",
                similarity=1.0,
                duplicate_of=new_id,
                original=make_evidence(),
                evidence=make_evidence(),
            )
        ],
    )

    carried = carry_over_ids(before, after)
    report = compare_editions(before, carried)

    assert [item.id for item in carried.projects] == [old_id, "b"]
    assert carried.warnings[0].project_id == old_id
    assert carried.duplicates[0].duplicate_of == old_id
    assert report.projects_added == report.projects_removed == []
    assert only_change(report).title_change == TextChange(
        before="Steering Committee of the investigation into the Academies",
        after="Steering Committee of the investigation into the Corporate Academies",
    )
    assert [item.id for item in after.projects] == [new_id, "b"]  # the input is left alone


def test_changes_carry_over_ids_leaves_an_unrelated_project_as_added() -> None:
    before = edition(project("regional-forum", "Regional forum on aerospace"))
    after = edition(project("green-port-observatory", "Green port observatory"))

    carried = carry_over_ids(before, after)
    report = compare_editions(before, carried)

    assert carried is after
    assert [item.id for item in report.projects_added] == ["green-port-observatory"]
    assert [item.id for item in report.projects_removed] == ["regional-forum"]


def test_changes_carry_over_ids_matches_a_changed_acronym_by_title() -> None:
    before = edition(project("exceed", "Excellence in green manufacturing", acronym="EXCEED"))
    after = edition(project("exceed-2", "Excellence in green manufacturing", acronym="EXCEED-2"))

    assert match_renamed_projects(before.projects, after.projects) == {"exceed-2": "exceed"}


def test_changes_carry_over_ids_matches_the_same_acronym_despite_a_new_title() -> None:
    before = edition(project("resist0-old", "Digital twins platform", acronym="RESIST0"))
    after = edition(project("resist0", "Resilient production with twins", acronym="resist0"))

    assert match_renamed_projects(before.projects, after.projects) == {"resist0": "resist0-old"}


def test_changes_carry_over_ids_partner_overlap_breaks_a_tie() -> None:
    before = edition(
        project("lab-one", "Mobility lab of the port north", partners=("Port Authority",)),
        project("lab-two", "Mobility lab of the port south", partners=("University of Bologna",)),
    )
    after = edition(
        project("lab-new", "Mobility lab of the port east", partners=("University of Bologna",)),
    )

    assert match_renamed_projects(before.projects, after.projects) == {"lab-new": "lab-two"}


def test_changes_carry_over_ids_gives_each_old_id_once() -> None:
    before = edition(project("lab", "Mobility lab for the port of Ravenna"))
    after = edition(
        project("lab-a", "Mobility lab for the port of Ravenna"),
        project("lab-b", "Mobility lab for the port of Ravenna city"),
    )

    assert match_renamed_projects(before.projects, after.projects) == {"lab-a": "lab"}


def test_changes_carry_over_ids_keeps_a_scheme_one_id() -> None:
    title = "Łódź Smart Port"
    before = edition(project("odz-smart-port", title), project("b", "Beta"))
    after = edition(
        project(project_id(None, title), title),
        project("b", "Beta"),
        project(project_id(None, "Gdańsk Żegluga"), "Gdańsk Żegluga"),
    )

    carried = carry_over_ids(before, after)
    report = compare_editions(before, carried)

    assert [item.id for item in after.projects] == ["lodz-smart-port", "b", "gdansk-zegluga"]
    assert [item.id for item in carried.projects] == ["odz-smart-port", "b", "gdansk-zegluga"]
    assert [item.id for item in report.projects_added] == ["gdansk-zegluga"]
    assert report.projects_removed == report.projects_changed == []


def test_changes_carry_over_ids_keeps_scheme_one_ids_that_collided() -> None:
    greek, cyrillic = "Ψηφιακή Καινοτομία", "Цифровая экономика"
    before = edition(project("project", greek), project("project-2", cyrillic))
    after = edition(
        project(project_id(None, greek), greek), project(project_id(None, cyrillic), cyrillic)
    )

    carried = carry_over_ids(before, after)

    assert [item.id for item in after.projects] == ["psephiake-kainotomia", "tsifrovaia-ekonomika"]
    assert [item.id for item in carried.projects] == ["project", "project-2"]
    assert compare_editions(before, carried).unchanged


def test_changes_format_lists_every_change() -> None:
    before = edition(
        project(
            "a",
            "Alpha",
            partners=("Old",),
            role=("partner", "Is a partner."),
            packages=(package(5, "Dissemination"),),
        ),
        project("b", "Beta"),
    )
    after = edition(
        project(
            "a",
            "Alpha two",
            partners=("New",),
            role=("coordinator", "Is the coordinator."),
            packages=(package(5, "Dissemination", lead=False),),
        ),
        project("c", "Gamma"),
    )
    report = compare_editions(before, after).model_copy(
        update={"previous_edition": 1, "edition": 2}
    )

    text = format_change_report(report)

    assert text.splitlines()[0] == "# agency.txt: edition 1 -> edition 2"
    for line in [
        "1 project(s) added, 1 removed, 1 changed.",
        "- `c`: Gamma",
        "- `b`: Beta",
        '- title: "Alpha" -> "Alpha two"',
        "- partner added: New",
        "- partner removed: Old",
        '- role: partner "Is a partner." -> coordinator "Is the coordinator."',
        '- work package changed: WP 5 "Dissemination" (leads) -> WP 5 "Dissemination" (supports)',
    ]:
        assert line in text.splitlines()


def test_changes_format_says_an_unchanged_edition_is_unchanged() -> None:
    report = compare_editions(edition(project("a", "Alpha")), edition(project("a", "Alpha")))

    text = format_change_report(report.model_copy(update={"previous_edition": 3, "edition": 4}))

    assert "Unchanged: edition 4 has the same projects" in text
    assert "added" not in text


def test_changes_report_round_trips_through_json() -> None:
    before = edition(project("a", "Alpha", partners=("Old",)))
    after = edition(project("a", "Alpha", partners=("New",)), project("c", "Gamma"))
    report = compare_editions(before, after)

    assert ChangeReport.model_validate_json(report.model_dump_json()) == report


def test_changes_sample_against_its_edited_copy(sample_path: Path, tmp_path: Path) -> None:
    edited = tmp_path / sample_path.name
    text = sample_path.read_text(encoding="utf-8")
    title = "Regional Committee for Talent Attraction"
    edited.write_text(text.replace(f"{title}\n", f"{title} and Retention\n", 1), encoding="utf-8")
    before = extract_brochure(sample_path)
    after = extract_brochure(edited)

    report = compare_editions(before, carry_over_ids(before, after))

    assert after.projects[1].id == "regional-committee-for-talent-attraction-and-retention"
    assert report.projects_added == report.projects_removed == []
    assert [(change.id, change.title_change) for change in report.projects_changed] == [
        (
            "regional-committee-for-talent-attraction",
            TextChange(before=title, after=f"{title} and Retention"),
        )
    ]


def test_changes_report_lists_review_changes_under_their_own_heading() -> None:
    from schemas.changes import ReviewChange

    report = ChangeReport(
        brochure="agency.txt",
        previous_edition=1,
        edition=2,
        previous_sha256="0" * 64,
        sha256="0" * 64,
        unchanged=True,
        review_changes=[
            ReviewChange(
                change="applied",
                project="move-up",
                field="title",
                correction_id="move-up/set_title",
                value="Move Up Laboratory",
                original="Lab Move Up",
            )
        ],
    )

    text = format_change_report(report)

    assert "in the source." in text
    assert "## Review changes (corrections, not the source)" in text
    assert (
        '- applied: `move-up` title "Lab Move Up" -> "Move Up Laboratory" (move-up/set_title)'
        in text
    )
