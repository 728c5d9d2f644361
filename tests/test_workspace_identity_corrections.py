"""The reviewer's joins and splits of organisations: the file, its checks, the command."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from builders import make_document, make_extraction, make_partner, make_project, names_of

from flows.cli import main
from schemas import BrochureExtraction
from schemas.corrections import CorrectionError
from workspace.catalogue import Catalogue
from workspace.corrections import corrections_root_for
from workspace.identity_corrections import (
    IDENTITY_FILE,
    add_checked_identity_correction,
    identity_corrections_paths,
    load_identity_corrections,
)
from workspace.organisations import resolve_in_catalogue

PARTNERS = (
    "Saltmarsh Lab",
    "Saltmarsh Laboratory Trust",
    "Nordic Material Institute",
    "Nordic Material Institute",
    "Nordic Materials Institute",
)


def brochure(*partners: str, sha: str = "1") -> BrochureExtraction:
    """An extraction of one project with these partners."""
    return make_extraction(
        make_project("alpha", "Alpha", partners=[make_partner(name) for name in partners]),
        document=make_document(sha256=sha * 64),
    )


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A project folder: raw/agency.txt, a corrections/ folder beside raw/, and out/ holding a
    catalogue with one edition of the brochure, its organisations resolved."""
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "agency.txt").write_text("Alpha\n", encoding="utf-8")
    (tmp_path / "corrections").mkdir()
    with Catalogue(tmp_path / "out" / "catalogue.sqlite3") as catalogue:
        extraction = brochure(*PARTNERS)
        catalogue.add_edition(
            "agency",
            extraction,
            source=str(tmp_path / "raw" / "agency.txt"),
            pipeline_version="v",
            previous=None,
        )
        resolve_in_catalogue(catalogue, names_of({"agency": extraction}))
    return tmp_path


@pytest.fixture
def catalogue(root: Path) -> Iterator[Catalogue]:
    with Catalogue(root / "out" / "catalogue.sqlite3") as opened:
        yield opened


def ids_by_name(catalogue: Catalogue) -> dict[str, str]:
    return {
        name.name: organisation.id
        for organisation in catalogue.organisations()
        for name in organisation.names
    }


def write(root: Path, text: str) -> Path:
    path = root / IDENTITY_FILE
    path.write_text(text, encoding="utf-8")
    return path


# --- the file -----------------------------------------------------------------------------------


def test_identity_corrections_file_lives_beside_the_brochures_corrections(
    root: Path, catalogue: Catalogue
) -> None:
    assert identity_corrections_paths(catalogue) == []
    path = write(root, "- join: [Saltmarsh Lab, Saltmarsh Laboratory Trust]\n")

    assert identity_corrections_paths(catalogue) == [path]


def test_identity_corrections_files_of_each_folder_of_brochures_once(tmp_path: Path) -> None:
    # Two projects, each with its brochures and corrections; the first has two brochures.
    for project, names in (("north", ["a", "b"]), ("south", ["c"])):
        (tmp_path / project / "raw").mkdir(parents=True)
        for name in names:
            (tmp_path / project / "raw" / f"{name}.txt").write_text("Alpha\n", encoding="utf-8")
    north = write(tmp_path / "north", "")
    south = write(tmp_path / "south", "")
    with Catalogue(tmp_path / "catalogue.sqlite3") as catalogue:
        for project, name in (("north", "a"), ("north", "b"), ("south", "c")):
            catalogue.add_edition(
                name,
                brochure(*PARTNERS),
                source=str(tmp_path / project / "raw" / f"{name}.txt"),
                pipeline_version="v",
                previous=None,
            )

        assert identity_corrections_paths(catalogue) == [north, south]


def test_identity_corrections_file_alone_marks_the_corrections_folder(tmp_path: Path) -> None:
    (tmp_path / "brochures" / "raw").mkdir(parents=True)
    write(tmp_path / "brochures", "")

    assert (
        corrections_root_for(tmp_path / "brochures" / "raw" / "a.txt")
        == (tmp_path / "brochures").resolve()
    )


def test_identity_corrections_file_is_read_with_lines(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "# kept apart on purpose\n"
        "- join: [Saltmarsh Lab, Saltmarsh Laboratory Trust]\n"
        "  note: same lab\n"
        "- split: Nordic Materials Institute\n"
        "  from: nordic-material-institute\n",
    )

    corrections = load_identity_corrections(path)

    assert [(entry.line, entry.correction.action) for entry in corrections.entries] == [
        (2, "join"),
        (4, "split"),
    ]
    (split,) = corrections.splits
    assert (split.correction.names, split.correction.split_from) == (
        ["Nordic Materials Institute"],
        "nordic-material-institute",
    )


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        (
            "- join: [A Lab, B Lab]\n- split: [A Lab]\n  form: B Lab\n",
            3,
            "entry 2: unknown key 'form'. Known keys: join, split, from, note.",
        ),
        (
            "- project: alpha\n  join: [A Lab, B Lab]\n",
            1,
            "unknown key 'project'. Known keys: join, split, from, note. Corrections of a "
            "brochure's projects go in corrections/<name>.yaml.",
        ),
        ("- split: [A Lab]\n", 1, "a split needs 'from'"),
        ("- join: [A Lab]\n", 1, "invalid value for 'join'"),
        ("- join: [A Lab, a  lab]\n", 1, "'a lab' is given twice"),
        ("- join: [A Lab, B Lab]\n  split: [C Lab]\n", 1, "give exactly one action"),
        ("- split: [A Lab]\n  from: a lab\n", 1, "'a lab' cannot be split from itself"),
        ("join: [A Lab, B Lab]\n", 1, "is a list of entries, found a mapping"),
        ("- join: [A Lab, B Lab\n", 2, "YAML syntax error"),
    ],
)
def test_identity_corrections_file_refuses_with_file_and_line(
    tmp_path: Path, text: str, line: int, message: str
) -> None:
    path = write(tmp_path, text)

    with pytest.raises(CorrectionError) as raised:
        load_identity_corrections(path)

    assert (raised.value.path, raised.value.line) == (str(path), line)
    assert message in str(raised.value)
    assert str(raised.value).startswith(f"{path}, line {line}: ")


@pytest.mark.parametrize(
    "joins",
    [
        "- join: [A Lab, B Lab]\n",
        # Two joins that chain the split's names through a third.
        "- join: [A Lab, C Lab]\n- join: [c lab, B Lab]\n",
    ],
)
def test_identity_corrections_split_and_join_contradicting_are_refused(
    tmp_path: Path, joins: str
) -> None:
    path = write(tmp_path, joins + "- split: [B Lab]\n  from: A Lab\n")
    split_line = joins.count("\n") + 1

    with pytest.raises(CorrectionError) as raised:
        load_identity_corrections(path)

    assert raised.value.line == split_line
    assert "the split of 'B Lab' from 'A Lab' contradicts the join" in str(raised.value)
    assert f"{path}, line 1" in str(raised.value)
    assert "Remove the split or the join" in str(raised.value)


# --- applied at every resolution ----------------------------------------------------------------


def test_identity_corrections_apply_at_every_resolution_and_override_the_catalogue(
    root: Path, catalogue: Catalogue
) -> None:
    before = ids_by_name(catalogue)
    assert before["Saltmarsh Lab"] != before["Saltmarsh Laboratory Trust"]
    assert before["Nordic Materials Institute"] == before["Nordic Material Institute"]
    write(
        root,
        "- join: [Saltmarsh Lab, Saltmarsh Laboratory Trust]\n"
        "- split: [Nordic Materials Institute]\n"
        "  from: Nordic Material Institute\n",
    )
    extractions = {"agency": brochure(*PARTNERS)}

    resolve_in_catalogue(catalogue, names_of(extractions))
    once = ids_by_name(catalogue)
    # The next edition: resolved against the names the catalogue now remembers.
    resolve_in_catalogue(catalogue, names_of({"agency": brochure(*PARTNERS, sha="2")}))

    assert (
        ids_by_name(catalogue)
        == once
        == {
            "Saltmarsh Lab": before["Saltmarsh Lab"],
            "Saltmarsh Laboratory Trust": before["Saltmarsh Lab"],
            "Nordic Material Institute": before["Nordic Material Institute"],
            "Nordic Materials Institute": "nordic-materials-institute",
        }
    )
    by_id = {organisation.id: organisation for organisation in catalogue.organisations()}
    assert [merge.rule for merge in by_id[before["Saltmarsh Lab"]].merges] == ["reviewer"]
    assert (
        by_id["nordic-materials-institute"].kept_apart[0].split_from_id
        == (before["Nordic Material Institute"])
    )


def test_identity_corrections_broken_file_stops_the_resolution_naming_it(
    root: Path, catalogue: Catalogue
) -> None:
    path = write(root, "- joins: [Saltmarsh Lab, Saltmarsh Laboratory Trust]\n")

    with pytest.raises(CorrectionError, match="unknown key 'joins'") as raised:
        resolve_in_catalogue(catalogue, names_of({"agency": brochure(*PARTNERS)}))
    assert raised.value.path == str(path)


# --- checked before written ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("request_", "message"),
    [
        (
            {"join": ["Saltmarsh Lab", "Saltmarsh Laboratory Trst"]},
            "no organisation has the name or id 'Saltmarsh Laboratory Trst' "
            "(did you mean 'Saltmarsh Laboratory Trust'?)",
        ),
        (
            {"join": ["Nordic Material Institute", "nordic materials institute"]},
            "are one organisation already: 'Nordic Material Institute' (nordic-material-institute)",
        ),
        (
            {"split": ["Nordic Materials Institut"], "split_from": "Nordic Material Institute"},
            "has no name 'Nordic Materials Institut' (did you mean 'Nordic Materials Institute'?)",
        ),
        (
            {"split": ["Saltmarsh Lab"], "split_from": "Nordic Material Institute"},
            "'Saltmarsh Lab' is no name of 'Nordic Material Institute' "
            "(nordic-material-institute): it is one of 'Saltmarsh Lab' (saltmarsh-lab), "
            "already apart",
        ),
        (
            {"split": ["Nordic Materials Institute"], "split_from": "Nordic Institute"},
            "no organisation has the name or id 'Nordic Institute'",
        ),
    ],
)
def test_identity_corrections_checked_against_the_latest_organisations(
    root: Path, request_: dict[str, object], message: str
) -> None:
    with pytest.raises(CorrectionError) as raised:
        add_checked_identity_correction(root / "out" / "catalogue.sqlite3", **request_)  # type: ignore[arg-type]

    assert message in str(raised.value)
    assert "Nothing was written" in str(raised.value)
    assert raised.value.path == str(root / IDENTITY_FILE)
    assert not (root / IDENTITY_FILE).exists()


def test_identity_corrections_written_by_name_even_when_given_by_id(root: Path) -> None:
    catalogue = root / "out" / "catalogue.sqlite3"

    joined = add_checked_identity_correction(
        catalogue, join=["saltmarsh-lab", "saltmarsh-laboratory-trust"], note="same lab"
    )
    split = add_checked_identity_correction(
        catalogue, split=["nordic materials institute"], split_from="nordic-material-institute"
    )

    assert joined.description == (
        "joins 'Saltmarsh Lab' (saltmarsh-lab) and 'Saltmarsh Laboratory Trust' "
        "(saltmarsh-laboratory-trust) into one organisation"
    )
    assert split.description == (
        "splits 'Nordic Materials Institute' from 'Nordic Material Institute' "
        "(nordic-material-institute), which keeps 'Nordic Material Institute'"
    )
    text = (root / IDENTITY_FILE).read_text(encoding="utf-8")
    assert text.endswith(
        "- join: [Saltmarsh Lab, Saltmarsh Laboratory Trust]\n"
        "  note: same lab\n"
        "- split: [Nordic Materials Institute]\n"
        "  from: Nordic Material Institute\n"
    )
    assert len(load_identity_corrections(root / IDENTITY_FILE).entries) == 2


def test_identity_corrections_keep_the_file_s_comments(root: Path) -> None:
    write(root, "# reviewed in March\n- join: [Saltmarsh Lab, Saltmarsh Laboratory Trust]\n")

    add_checked_identity_correction(
        root / "out" / "catalogue.sqlite3",
        split=["Nordic Materials Institute"],
        split_from="Nordic Material Institute",
    )

    assert (
        (root / IDENTITY_FILE)
        .read_text(encoding="utf-8")
        .startswith(
            "# reviewed in March\n- join: [Saltmarsh Lab, Saltmarsh Laboratory Trust]\n- split:"
        )
    )


# --- the command --------------------------------------------------------------------------------


def test_cli_organisations_join_writes_the_correction_and_updates_the_tables(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = root / "out"

    code = main(
        ["organisations", "--join", "Saltmarsh Lab", "Saltmarsh Laboratory Trust"]
        + ["--note", "same lab", "--out", str(out)]
    )

    assert code == 0
    printed = capsys.readouterr().out
    assert f"added to {root / IDENTITY_FILE} (1 correction(s)): joins 'Saltmarsh Lab'" in printed
    assert "Saltmarsh Laboratory Trust = Saltmarsh Lab [reviewer: same lab]" in printed
    exported = json.loads((out / "organisations.json").read_text(encoding="utf-8"))
    (lab,) = [o for o in exported["organisations"] if o["id"] == "saltmarsh-lab"]
    assert [name["name"] for name in lab["names"]] == [
        "Saltmarsh Lab",
        "Saltmarsh Laboratory Trust",
    ]
    assert [merge["rule"] for merge in lab["merges"]] == ["reviewer"]
    table = (out / "organisations.csv").read_text(encoding="utf-8")
    assert "reviewer: Saltmarsh Laboratory Trust = Saltmarsh Lab" in table
    assert "saltmarsh-laboratory-trust" not in table


def test_cli_organisations_say_which_identity_corrections_no_longer_apply(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = root / "out"
    (root / IDENTITY_FILE).write_text("- join: [Saltmarsh Lab, Nowhere Lab]\n", encoding="utf-8")
    stale = f"{root / IDENTITY_FILE}, line 1: join: names nothing now: 'Nowhere Lab'"

    assert (
        main(
            ["organisations", "--join", "Saltmarsh Lab", "Saltmarsh Laboratory Trust"]
            + ["--out", str(out)]
        )
        == 0
    )
    joined = capsys.readouterr().out
    assert main(["organisations", "--out", str(out)]) == 0
    listed = capsys.readouterr().out

    expected = f"1 identity correction(s) no longer apply in full:\n  {stale}\n"
    assert joined.endswith(expected)
    assert listed.endswith(expected)
    assert "saltmarsh-lab" in listed


def test_cli_organisations_split_gives_the_split_names_an_id_of_their_own(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = root / "out"

    code = main(
        ["organisations", "--split", "Nordic Materials Institute"]
        + ["--from", "nordic-material-institute", "--out", str(out)]
    )

    assert code == 0
    printed = capsys.readouterr().out
    assert "kept apart (reviewer's split):" in printed
    assert (
        "Nordic Materials Institute (nordic-materials-institute) from Nordic Material "
        "Institute (nordic-material-institute)"
    ) in printed
    exported = json.loads((out / "organisations.json").read_text(encoding="utf-8"))
    names = {o["id"]: [n["name"] for n in o["names"]] for o in exported["organisations"]}
    assert names["nordic-material-institute"] == ["Nordic Material Institute"]
    assert names["nordic-materials-institute"] == ["Nordic Materials Institute"]

    # Joining them again contradicts the split: refused, nothing written.
    before = (root / IDENTITY_FILE).read_text(encoding="utf-8")
    assert (
        main(
            ["organisations", "--join", "nordic-material-institute"]
            + ["Nordic Materials Institute", "--out", str(out)]
        )
        == 2
    )
    assert "a split keeps 'Nordic Materials Institute' apart" in capsys.readouterr().err
    assert (root / IDENTITY_FILE).read_text(encoding="utf-8") == before


def test_cli_organisations_refuses_an_unknown_name_with_the_nearest_and_writes_nothing(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = root / "out"
    tables = {path.name: path.read_bytes() for path in out.iterdir() if path.suffix != ".sqlite3"}

    code = main(["organisations", "--join", "Saltmarsh Lab", "Saltmarsh Labs", "--out", str(out)])

    assert code == 2
    error = capsys.readouterr().err
    assert "no organisation has the name or id 'Saltmarsh Labs'" in error
    assert "(did you mean 'Saltmarsh Lab'?)" in error
    assert "Nothing was written" in error
    assert not (root / IDENTITY_FILE).exists()
    assert {
        path.name: path.read_bytes() for path in out.iterdir() if path.suffix != ".sqlite3"
    } == (tables)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--join", "Saltmarsh Lab"], "--join needs two or more names or ids"),
        (["--split", "Saltmarsh Lab"], "--split needs --from"),
        (["--from", "Saltmarsh Lab"], "--from and --note go with --join or --split"),
        (["Saltmarsh Lab", "--join", "A", "B"], "give NAME, or --join / --split, not both"),
    ],
)
def test_cli_organisations_identity_options_used_wrongly(
    root: Path, capsys: pytest.CaptureFixture[str], arguments: list[str], message: str
) -> None:
    assert main(["organisations", *arguments, "--out", str(root / "out")]) == 2
    assert message in capsys.readouterr().err
    assert not (root / IDENTITY_FILE).exists()
