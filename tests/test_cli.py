from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

import evaluation.brochure
from flows.cli import DEFAULT_SCHEMA, PREFECT_DEFAULTS, main, set_prefect_defaults
from schemas import BrochureExtraction
from workspace.export import render_json_schema

ROOT = Path(__file__).resolve().parents[1]


def run_python(code: str) -> subprocess.CompletedProcess[str]:
    """Run `code` in a fresh interpreter from the repository's root."""
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_cli_extract_prints_the_json_export(
    sample_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["extract", str(sample_path)])

    out, err = capsys.readouterr()
    assert code == 0, err
    extraction = BrochureExtraction.model_validate_json(out)
    assert sample_path.name in extraction.document.source
    assert len(extraction.projects) == 18


def test_cli_extract_empty_file_exits_2_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")

    code = main(["extract", str(empty)])

    out, err = capsys.readouterr()
    assert code == 2
    assert out == ""
    assert err.startswith("brochures: error: ")
    assert "empty.txt" in err
    assert "Traceback" not in err


def test_cli_extract_missing_file_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["extract", str(tmp_path / "ghost.txt")])

    assert code == 2
    assert "ghost.txt: does not exist" in capsys.readouterr().err


def test_cli_bad_settings_exit_2_with_file_and_line(
    tmp_path: Path, sample_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = tmp_path / "settings.yaml"
    settings.write_text("publisher: Clust-ER\ncolour: red\n", encoding="utf-8")

    code = main(["extract", str(sample_path), "--settings", str(settings)])

    err = capsys.readouterr().err
    assert code == 2
    assert f"brochures: error: {settings}, line 2: unknown setting 'colour'" in err


@pytest.mark.slow
def test_cli_extract_does_not_import_prefect(sample_path: Path) -> None:
    result = run_python(
        f"""
        import sys
        from flows.cli import main
        code = main(["extract", {str(sample_path)!r}])
        assert code == 0, code
        print("prefect" in sys.modules, file=sys.stderr)
        """
    )

    assert result.returncode == 0, result.stderr
    assert result.stderr.strip().splitlines()[-1] == "False"
    assert json.loads(result.stdout)["document"]["source"].endswith(sample_path.name)


def test_cli_schema_check_passes_on_the_committed_schema(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(ROOT)

    code = main(["schema", "--check"])

    assert code == 0, capsys.readouterr().err
    assert (ROOT / DEFAULT_SCHEMA).read_text(encoding="utf-8") == render_json_schema()


def test_cli_schema_check_fails_on_a_stale_or_missing_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stale = tmp_path / "schema.json"
    stale.write_text(render_json_schema().replace('"title"', '"titel"', 1), encoding="utf-8")

    assert main(["schema", "--out", str(stale), "--check"]) == 1
    assert "differs" in capsys.readouterr().err
    assert main(["schema", "--out", str(tmp_path / "absent.json"), "--check"]) == 1
    assert "is missing" in capsys.readouterr().err


def test_cli_schema_writes_the_generated_schema(tmp_path: Path) -> None:
    target = tmp_path / "nested" / "schema.json"

    assert main(["schema", "--out", str(target)]) == 0

    schema = json.loads(target.read_text(encoding="utf-8"))
    assert schema["title"] == "BrochureExtraction"
    assert main(["schema", "--out", str(target), "--check"]) == 0


def test_cli_run_missing_path_exits_2_before_starting_prefect(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["run", str(tmp_path / "nowhere"), "--out", str(tmp_path / "out")])

    assert code == 2
    assert "nowhere: does not exist" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_cli_run_folder_without_brochures_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "notes.odt").write_text("no brochure here", encoding="utf-8")

    assert main(["run", str(tmp_path)]) == 2
    assert "holds no brochures" in capsys.readouterr().err


@pytest.mark.flow
def test_cli_run_prints_each_brochure_and_exits_1_on_failure(
    prefect_harness: None, tmp_path: Path, sample_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copyfile(sample_path, raw / sample_path.name)
    (raw / "empty.txt").write_bytes(b"")
    out = tmp_path / "out"

    code = main(["run", str(raw), "--out", str(out)])

    server, *lines = capsys.readouterr().out.splitlines()
    assert code == 1
    assert server.startswith("using the Prefect server at http://")  # the session's test server
    assert len(lines) == 3
    # A line per brochure as it finishes, in the order they finish.
    (ok,) = [line for line in lines[:2] if line.startswith("ok ")]
    (failed,) = [line for line in lines[:2] if line.startswith("failed ")]
    assert sample_path.name in ok and "empty.txt" in failed
    assert lines[2].startswith("2 brochures: 1 ok, 1 failed")
    assert (out / "clust-er-innovate.json").is_file()


@pytest.mark.flow
def test_cli_run_exits_0_when_all_succeed(
    prefect_harness: None, tmp_path: Path, sample_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["run", str(sample_path), "--out", str(tmp_path)])

    assert code == 0
    assert capsys.readouterr().out.splitlines()[-1].startswith("1 brochure: 1 ok, 0 failed")


class FakeReport:
    def model_dump_json(self, indent: int | None = None) -> str:
        return json.dumps({"f1": 0.5}, indent=indent)


@pytest.fixture
def evaluate_calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, ...]]:
    """Replace the evaluation functions with recorders: these tests check the wiring only."""
    calls: list[tuple[Any, ...]] = []

    def evaluate_brochure(brochure: Path, annotations: Path, settings: Any = None) -> FakeReport:
        calls.append(("evaluate", brochure, annotations, settings))
        return FakeReport()

    def format_report(report: FakeReport, verbose: bool = False) -> str:
        calls.append(("format", verbose))
        return "field  F1\ntitle  0.50"

    monkeypatch.setattr(evaluation.brochure, "evaluate_brochure", evaluate_brochure)
    monkeypatch.setattr(evaluation.brochure, "format_report", format_report)
    return calls


def test_cli_evaluate_prints_the_table_for_the_default_files(
    evaluate_calls: list[tuple[Any, ...]], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["evaluate", "--verbose"]) == 0

    assert capsys.readouterr().out == "field  F1\ntitle  0.50\n"
    (_, brochure, annotations, _), format_call = evaluate_calls
    assert brochure == Path("raw/clust-er-innovate.txt")
    assert annotations == Path("tests/data/clust-er-innovate.annotations.yaml")
    assert format_call == ("format", True)


def test_cli_evaluate_json_prints_the_report_as_json(
    evaluate_calls: list[tuple[Any, ...]], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["evaluate", "--json", "--brochure", "b.txt", "--annotations", "a.yaml"]) == 0

    assert json.loads(capsys.readouterr().out) == {"f1": 0.5}
    assert evaluate_calls[0][1:3] == (Path("b.txt"), Path("a.yaml"))
    assert len(evaluate_calls) == 1


@pytest.mark.parametrize("argv", [[], ["frobnicate"], ["extract"], ["run", "--bogus"]])
def test_cli_usage_errors_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: brochures")
    assert "error:" in err


def test_cli_prefect_defaults_keep_what_the_user_set() -> None:
    environ = {"PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "300"}

    set_prefect_defaults(environ)

    assert environ["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"] == "300"
    assert environ["PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL"] == "WARNING"
    assert set(environ) == set(PREFECT_DEFAULTS)


@pytest.mark.slow
def test_cli_prefect_defaults_are_settings_prefect_reads() -> None:
    result = run_python(
        """
        import os
        for name in list(os.environ):
            if name.startswith("PREFECT_"):
                del os.environ[name]
        from flows.cli import set_prefect_defaults
        set_prefect_defaults(os.environ)
        from prefect.logging.configuration import DEFAULT_LOGGING_SETTINGS_PATH
        from prefect.logging.configuration import load_logging_config
        from prefect.settings import get_current_settings
        settings = get_current_settings()
        config = load_logging_config(DEFAULT_LOGGING_SETTINGS_PATH)
        print(settings.server.ephemeral.startup_timeout_seconds)
        print(settings.server.ephemeral.enabled)
        print(settings.server.analytics_enabled)
        print(settings.server.logging_level)
        print(config["handlers"]["console"]["level"])
        """
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["90", "True", "False", "WARNING", "WARNING"]


@pytest.mark.flow
def test_cli_run_skips_an_unchanged_brochure_and_force_extracts_it(
    prefect_harness: None,
    frozen_code_fingerprint: None,
    tmp_path: Path,
    sample_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out, catalogue = tmp_path / "out", tmp_path / "editions.sqlite3"
    argv = ["run", str(sample_path), "--out", str(out), "--catalogue", str(catalogue)]
    assert main(argv) == 0
    capsys.readouterr()

    assert main(argv) == 0
    again = capsys.readouterr().out.splitlines()
    assert main([*argv, "--force"]) == 0
    forced = capsys.readouterr().out.splitlines()

    assert again == [
        "nothing to do: every brochure is unchanged since its latest edition",
        f"skipped 1 unchanged brochure (see {out / 'run-summary.json'})",
        "1 brochure: 1 ok, 0 failed (0 new, 0 changed, 1 unchanged and skipped); "
        f"summary: {out / 'run-summary.json'}",
    ]
    assert forced[0].startswith("using the Prefect server at http://")
    assert forced[1].startswith(
        f"ok      {sample_path} -> {out / 'clust-er-innovate.json'} (edition 2, forced, "
        "no project changed; 18 projects"
    )
    assert forced[2].startswith("1 brochure: 1 ok, 0 failed (0 new, 1 changed, 0 unchanged")
    assert catalogue.is_file()
    assert not (out / "catalogue.sqlite3").exists()


@pytest.fixture(scope="module")
def two_editions(
    tmp_path_factory: pytest.TempPathFactory, sample_path: Path, edited_sample_text: str
) -> tuple[Path, BrochureExtraction, BrochureExtraction]:
    """An output folder whose catalogue holds the sample (edition 1) and its edited copy (2)."""
    from reports.changes import carry_over_ids
    from workspace.catalogue import Catalogue
    from workspace.service import extract_brochure

    out = tmp_path_factory.mktemp("cli-editions")
    edited = out / "raw" / sample_path.name
    edited.parent.mkdir()
    edited.write_text(edited_sample_text, encoding="utf-8")
    first = extract_brochure(sample_path)
    second = carry_over_ids(first, extract_brochure(edited))
    with Catalogue(out / "catalogue.sqlite3") as catalogue:
        for previous, extraction in ((None, first), (1, second)):
            catalogue.add_edition(
                "clust-er-innovate",
                extraction,
                source=str(sample_path),
                pipeline_version="v",
                previous=previous,
            )
    return out, first, second


def test_cli_export_prints_the_latest_or_a_chosen_edition(
    two_editions: tuple[Path, BrochureExtraction, BrochureExtraction],
    capsys: pytest.CaptureFixture[str],
) -> None:
    out, first, second = two_editions

    assert main(["export", "clust-er-innovate", "--out", str(out)]) == 0
    latest = capsys.readouterr().out
    assert main(["export", "clust-er-innovate.txt", "--out", str(out), "--edition", "1"]) == 0
    earlier = capsys.readouterr().out

    assert BrochureExtraction.model_validate_json(latest) == second
    assert BrochureExtraction.model_validate_json(earlier) == first


def test_cli_export_lists_editions_and_writes_a_file(
    two_editions: tuple[Path, BrochureExtraction, BrochureExtraction],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out, first, _ = two_editions
    target = tmp_path / "edition-1.json"

    assert main(["export", "clust-er-innovate", "--out", str(out), "--list"]) == 0
    listing = capsys.readouterr().out.splitlines()
    code = main(
        ["export", "clust-er-innovate", "--edition", "1", "--out", str(out), "--file", str(target)]
    )

    assert code == 0
    assert [line.split()[0] for line in listing] == ["edition", "1", "2"]
    assert [line.split()[-3] for line in listing[1:]] == ["18", "19"]
    assert BrochureExtraction.model_validate_json(target.read_text(encoding="utf-8")) == first


def test_cli_changes_shows_the_report_of_the_latest_edition(
    two_editions: tuple[Path, BrochureExtraction, BrochureExtraction],
    capsys: pytest.CaptureFixture[str],
) -> None:
    from reports.changes import compare_editions

    out, first, second = two_editions

    assert main(["changes", "clust-er-innovate", "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert main(["changes", "clust-er-innovate", "--out", str(out), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)

    assert text.splitlines()[0] == "# clust-er-innovate.txt: edition 1 -> edition 2"
    assert "- `greenport`: Green Port Observatory" in text.splitlines()
    assert "- role: technical_partner" in text
    expected = compare_editions(first, second).model_copy(
        update={"previous_edition": 1, "edition": 2}
    )
    assert report == expected.model_dump(mode="json")


def test_cli_changes_of_a_first_edition_says_there_is_nothing_to_compare(
    two_editions: tuple[Path, BrochureExtraction, BrochureExtraction],
    capsys: pytest.CaptureFixture[str],
) -> None:
    out, _, _ = two_editions

    assert main(["changes", "clust-er-innovate", "--out", str(out), "--edition", "1"]) == 0
    assert capsys.readouterr().out == (
        "clust-er-innovate: edition 1 is the first edition; there is nothing to compare.\n"
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["changes", "unknown"], "no brochure named 'unknown'"),
        (["export", "clust-er-innovate", "--edition", "7"], "has no edition 7"),
        (["export", "clust-er-innovate", "--catalogue", "absent.sqlite3"], "no catalogue here"),
    ],
)
def test_cli_export_and_changes_errors_exit_2(
    two_editions: tuple[Path, BrochureExtraction, BrochureExtraction],
    argv: list[str],
    message: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out, _, _ = two_editions
    monkeypatch.chdir(out)

    assert main([*argv, "--out", str(out)]) == 2
    assert message in capsys.readouterr().err


def test_cli_serve_refuses_a_bad_schedule_before_starting_a_server(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import flows.serve

    started: list[Any] = []
    monkeypatch.setattr(flows.serve, "start_local_server", lambda *args: started.append(args))

    code = main(["serve", str(tmp_path), "--cron", "0 6 * *"])

    err = capsys.readouterr().err
    assert code == 2
    assert "invalid schedule '0 6 * *'" in err
    assert started == []


def test_cli_serve_needs_a_schedule(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve"]) == 2
    assert "the following arguments are required: --cron" in capsys.readouterr().err


def test_cli_review_prints_the_page_and_refuses_an_unknown_brochure(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = tmp_path / "clust-er-innovate.report.html"
    page.write_text("<html></html>", encoding="utf-8")

    for name in ("clust-er-innovate", "clust-er-innovate.txt", "raw/clust-er-innovate.PDF"):
        assert main(["review", name, "--out", str(tmp_path)]) == 0
        assert capsys.readouterr().out.strip() == str(page.resolve())

    assert main(["review", "nowhere", "--out", str(tmp_path)]) == 2
    assert "no review page for 'nowhere'" in capsys.readouterr().err


@pytest.fixture
def ingested(tmp_path: Path, sample_path: Path) -> tuple[Path, Path]:
    """The sample ingested once into tmp/out from tmp/raw (as `brochures run` stores it):
    return the brochure and the output folder."""
    from schemas import Settings
    from workspace.layout import OutputLayout
    from workspace.service import Workspace, process_brochure

    brochure, out = tmp_path / "raw" / sample_path.name, tmp_path / "out"
    brochure.parent.mkdir()
    shutil.copyfile(sample_path, brochure)
    process_brochure(brochure, Workspace(OutputLayout.of(out), Settings(), "v1", "nearest"))
    return brochure, out


def test_cli_correct_appends_a_checked_correction_that_extract_applies(
    ingested: tuple[Path, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    brochure, out = ingested
    where = ["--out", str(out)]
    assert main(["correct", "clust-er-innovate", "penelope", "--set-acronym", "PNLP", *where]) == 0
    # Written where runs find it from any folder: beside raw/, the brochure's folder.
    written = tmp_path / "corrections" / "clust-er-innovate.yaml"
    assert "set_acronym: PNLP" in written.read_text(encoding="utf-8")
    assert "acronym 'PENELOPE' -> 'PNLP'" in capsys.readouterr().out

    monkeypatch.chdir(tmp_path / "raw")  # another folder than the one the run started from
    assert main(["extract", str(brochure), "--out", str(out)]) == 0
    export = json.loads(capsys.readouterr().out)
    penelope = next(project for project in export["projects"] if project["id"] == "penelope")
    assert penelope["acronym"] == "PNLP"
    assert penelope["review"][0]["original"] == "PENELOPE"

    before = written.read_text(encoding="utf-8")
    code = main(["correct", "clust-er-innovate", "penelope", "--set-role-category", "boss", *where])
    assert code == 2
    assert "not valid" in capsys.readouterr().err
    assert written.read_text(encoding="utf-8") == before


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (
            ["clust-er-innovate", "move-upp", "--set-title", "Move"],
            "no project 'move-upp' in this edition (did you mean 'move-up'?)",
        ),
        (
            ["clust-er-innovate", "move-up", "--remove-partner", "Legacop Romagna"],
            "the project lists no partner 'Legacop Romagna' (did you mean 'Legacoop Romagna'?)",
        ),
        (
            ["clust-er-innovat", "move-up", "--set-title", "Move"],
            "catalogue has no brochure named 'clust-er-innovat'",
        ),
        (
            ["clust-er-innovate", "move-up", "--set-title", "Lab Move Up"],
            "the source now says the same",
        ),
    ],
)
def test_cli_correct_refuses_what_is_not_in_the_latest_export_and_writes_nothing(
    ingested: tuple[Path, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    said: str,
) -> None:
    _, out = ingested

    assert main(["correct", *argv, "--out", str(out)]) == 2

    assert said in capsys.readouterr().err
    assert not (tmp_path / "corrections").exists()


def test_cli_run_workers_default_to_the_cpus_and_must_be_positive(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from flows.cli import build_parser
    from flows.runners import default_workers

    parser = build_parser()
    assert parser.parse_args(["run"]).workers == default_workers()
    assert parser.parse_args(["run", "--workers", "1"]).workers == 1
    assert parser.parse_args(["run", "--dask-address", "tcp://h:8786"]).dask_address == (
        "tcp://h:8786"
    )
    with pytest.raises(SystemExit) as stopped:
        parser.parse_args(["run", "--workers", "0"])
    assert stopped.value.code == 2
    assert "must be at least 1, got 0" in capsys.readouterr().err


@pytest.mark.flow
@pytest.mark.slow
def test_cli_extract_and_run_give_a_renamed_project_the_same_id(
    prefect_harness: None, tmp_path: Path, sample_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    brochure = raw / sample_path.name
    shutil.copyfile(sample_path, brochure)
    assert main(["run", str(raw), "--out", str(out), "--corrections", str(tmp_path)]) == 0
    text = brochure.read_text(encoding="utf-8")
    brochure.write_text(
        text.replace("\nSkills Intelligence\n", "\nSkills Intelligence Tool\n", 1), encoding="utf-8"
    )
    capsys.readouterr()

    assert main(["extract", str(brochure), "--out", str(out), "--corrections", str(tmp_path)]) == 0
    extracted = BrochureExtraction.model_validate_json(capsys.readouterr().out)
    assert main(["run", str(raw), "--out", str(out), "--corrections", str(tmp_path)]) == 0
    stored = BrochureExtraction.model_validate_json(
        (out / "clust-er-innovate.json").read_text(encoding="utf-8")
    )

    renamed = [
        project for project in extracted.projects if project.title == "Skills Intelligence Tool"
    ]
    assert [project.id for project in renamed] == ["skills-intelligence"]
    assert extracted == stored


@pytest.mark.slow
def test_cli_run_with_nothing_to_do_starts_no_prefect(tmp_path: Path, sample_path: Path) -> None:
    out = tmp_path / "out"
    for _ in range(2):
        result = run_python(
            f"""
            import sys
            from flows.cli import main
            code = main(["run", {str(sample_path)!r}, "--out", {str(out)!r}, "--workers", "1"])
            assert code == 0, code
            print("prefect" in sys.modules, file=sys.stderr)
            """
        )
        assert result.returncode == 0, result.stderr
    assert result.stderr.strip().splitlines()[-1] == "False"
    assert result.stdout.splitlines()[0] == (
        "nothing to do: every brochure is unchanged since its latest edition"
    )


@pytest.mark.flow
def test_cli_run_goes_on_past_a_link_that_leads_outside_the_folder(
    prefect_harness: None, tmp_path: Path, sample_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    raw, elsewhere = tmp_path / "raw", tmp_path / "elsewhere"
    raw.mkdir()
    elsewhere.mkdir()
    shutil.copyfile(sample_path, raw / sample_path.name)
    (elsewhere / "secret.txt").write_text("Secret\nNot to be read.\n", encoding="utf-8")
    os.symlink(elsewhere / "secret.txt", raw / "innocent.txt")

    code = main(["run", str(raw), "--out", str(tmp_path / "out"), "--workers", "1"])

    lines = capsys.readouterr().out.splitlines()
    assert code == 1
    assert lines[0].startswith(f"failed  {raw / 'innocent.txt'}: is a link to")
    assert "outside" in lines[0]
    assert any(line.startswith("ok ") and sample_path.name in line for line in lines)
    assert lines[-1].startswith("2 brochures: 1 ok, 1 failed")
    assert (tmp_path / "out" / "clust-er-innovate.json").is_file()
    assert not (tmp_path / "out" / "innocent.json").exists()


@pytest.mark.flow
def test_cli_run_quiet_shows_only_failures_and_the_totals(
    prefect_harness: None, tmp_path: Path, sample_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copyfile(sample_path, raw / sample_path.name)
    (raw / "empty.txt").write_bytes(b"")

    assert main(["run", str(raw), "--out", str(tmp_path / "out"), "--quiet"]) == 1

    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == ["failed", "2"]


def test_cli_errors_print_control_characters_of_a_name_as_escapes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hostile = tmp_path / "red\x1b[31m.txt"

    assert main(["extract", str(hostile)]) == 2

    err = capsys.readouterr().err
    assert "\x1b" not in err
    assert "red\\x1b[31m.txt: does not exist" in err


def test_cli_correct_checked_writes_the_fingerprint_of_the_latest_export(
    ingested: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from workspace.corrections import load_corrections, project_fingerprint

    _, out = ingested
    export = BrochureExtraction.model_validate_json(
        (out / "clust-er-innovate.json").read_text(encoding="utf-8")
    )
    (move_up,) = [project for project in export.projects if project.id == "move-up"]

    assert main(["correct", "clust-er-innovate", "move-up", "--checked", "--out", str(out)]) == 0

    written = load_corrections(tmp_path / "corrections" / "clust-er-innovate.yaml")
    (entry,) = written.entries
    assert entry.correction.checked == project_fingerprint(move_up)
    assert "checked; unchanged since" in capsys.readouterr().out


def test_cli_organisations_lists_them_and_shows_one_by_its_short_name(
    tmp_path: Path, sample_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from schemas import Settings
    from workspace.layout import OutputLayout
    from workspace.run import finish_run, plan_run
    from workspace.service import Workspace, process_brochure

    out = tmp_path / "out"
    workspace = Workspace(OutputLayout.of(out), Settings(), "v1", None)
    plan = plan_run([sample_path], workspace)
    finish_run(
        plan, {i.path: process_brochure(i.path, workspace) for i in plan.to_process}, workspace
    )

    assert main(["organisations", "--out", str(out)]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert listed[0].split() == ["id", "type", "country", "projects", "name"]
    assert any(line.startswith("university-of-bologna ") for line in listed)

    assert main(["organisations", "UniBo", "--out", str(out)]) == 0
    shown = capsys.readouterr().out
    assert shown.startswith("University of Bologna (university-of-bologna)")

    assert main(["organisations", "Nowhere Institute", "--out", str(out)]) == 2
    assert "no organisation named 'Nowhere Institute'" in capsys.readouterr().err


def test_cli_run_says_the_organisation_tables_were_left_when_identity_corrections_are_invalid(
    tmp_path: Path, sample_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from schemas import Settings
    from workspace.layout import OutputLayout
    from workspace.run import finish_run, plan_run
    from workspace.service import Workspace, process_brochure
    from workspace.version import pipeline_version

    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    (raw / "agency.txt").write_bytes(sample_path.read_bytes())
    workspace = Workspace(OutputLayout.of(out), Settings(), pipeline_version(Settings()), "nearest")
    plan = plan_run([raw], workspace)
    finish_run(
        plan,
        {item.path: process_brochure(item.path, workspace) for item in plan.to_process},
        workspace,
    )
    identity = tmp_path / "organisation_corrections.yaml"
    identity.write_text("- join: [Only One Name]\n", encoding="utf-8")

    code = main(["run", str(raw), "--out", str(out)])

    printed = capsys.readouterr().out.splitlines()
    assert code == 1
    assert printed[0] == "nothing to do: every brochure is unchanged since its latest edition"
    assert printed[-1].startswith(
        f"error: the organisation tables were left as they were: {identity}, line 1: entry 1: "
        "invalid value for 'join'"
    )
