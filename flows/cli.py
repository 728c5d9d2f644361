"""The `brochures` command line: extract, run, export, changes, serve, evaluate, schema.

Each command imports what it needs when it runs, so `brochures extract` and `brochures schema`
never import Prefect and start quickly.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import MutableMapping
from pathlib import Path
from typing import TYPE_CHECKING, TextIO, TypeAlias

from schemas import BrochureError, InputError, Settings

if TYPE_CHECKING:
    from flows.progress import RunProgress
    from schemas.run import RunSummary
    from workspace.catalogue import Edition
    from workspace.layout import OutputLayout
    from workspace.service import Workspace

PROG = "brochures"
# The subparsers action `build_parser` adds every command to.
Commands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"
DEFAULT_BROCHURE = Path("raw/clust-er-innovate.txt")
DEFAULT_ANNOTATIONS = Path("tests/data/clust-er-innovate.annotations.yaml")
DEFAULT_SCHEMA = Path("schemas/brochure-extraction.schema.json")

# Prefect settings for a one-off process with no server of its own. They apply only where the
# user has not set them. The temporary server takes about 14 s to start cold, too close to
# Prefect's 20 s default; Prefect's own INFO lines would drown the command's output; a server
# that lives for one command has nothing to report, and offline its report logs an error.
PREFECT_DEFAULTS = {
    "PREFECT_SERVER_EPHEMERAL_ENABLED": "true",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
    "PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL": "WARNING",
    "PREFECT_SERVER_LOGGING_LEVEL": "WARNING",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
}


def main(argv: list[str] | None = None) -> int:
    """Run the command line with `argv` (default: the process's arguments); return the exit code.

    0: done. 1: done, but some brochure failed or a check found a difference.
    2: an expected error (bad input, settings or usage), reported on one line without traceback.
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:
        return stop.code if isinstance(stop.code, int) else 2
    try:
        code: int = args.handler(args)
        return code
    except BrochureError as error:
        print(f"{PROG}: error: {terminal_text(str(error))}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130


def _positive_int(value: str) -> int:
    """Given an option's text, return it as an integer of at least 1."""
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {number}")
    return number


def _add_workers_options(parser: argparse.ArgumentParser) -> None:
    from flows.runners import default_workers

    workers = default_workers()
    parser.add_argument(
        "--workers",
        type=_positive_int,
        default=workers,
        metavar="N",
        help=f"processes that extract brochures (default: the CPUs, {workers}); "
        "1 extracts in this process",
    )
    parser.add_argument(
        "--dask-address",
        metavar="tcp://HOST:PORT",
        help="run the brochures' tasks on the workers of this Dask scheduler instead "
        "(needs the 'dask' extra)",
    )


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser with its commands."""
    parser = argparse.ArgumentParser(
        prog=PROG, description="Extract the projects of innovation-agency brochures as JSON."
    )
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)
    _add_extract_command(commands)
    _add_run_command(commands)
    _add_export_command(commands)
    _add_changes_command(commands)
    _add_serve_command(commands)
    _add_review_command(commands)
    _add_correct_command(commands)
    _add_organisations_command(commands)
    _add_evaluate_command(commands)
    _add_schema_command(commands)
    return parser


def _add_organisations_command(commands: Commands) -> None:
    organisations = commands.add_parser(
        "organisations",
        help="list the organisations of every brochure, or show one with its projects",
    )
    organisations.add_argument(
        "name",
        nargs="?",
        metavar="NAME",
        help="an organisation's id, name or short name (default: list them all)",
    )
    identity = organisations.add_mutually_exclusive_group()
    identity.add_argument(
        "--join",
        nargs="+",
        metavar="NAME_OR_ID",
        help="these organisations (two or more names or ids) are one: written to "
        "organisation_corrections.yaml, and the tables updated",
    )
    identity.add_argument(
        "--split",
        nargs="+",
        metavar="NAME",
        help="these names (with --from) are not the organisation they were tied to: they "
        "become an organisation of their own",
    )
    organisations.add_argument(
        "--from",
        dest="split_from",
        metavar="NAME_OR_ID",
        help="with --split: the organisation the names leave (one of its names, or its id)",
    )
    organisations.add_argument("--note", metavar="TEXT", help="why, for the next reviewer")
    _add_out_option(organisations)
    _add_catalogue_option(organisations)
    organisations.set_defaults(handler=run_organisations)


def _add_extract_command(commands: Commands) -> None:
    extract = commands.add_parser("extract", help="print the JSON export of one brochure")
    extract.add_argument(
        "file", type=Path, metavar="FILE", help="a .txt, .pdf, .html/.htm, .md or .docx brochure"
    )
    _add_settings_option(extract)
    _add_corrections_option(extract)
    _add_out_option(extract, "whose catalogue gives the ids of the brochure's earlier editions")
    _add_catalogue_option(extract)
    extract.set_defaults(handler=run_extract)


def _add_run_command(commands: Commands) -> None:
    run = commands.add_parser(
        "run", help="ingest every new or changed brochure into an output folder"
    )
    _add_paths_argument(run)
    _add_out_option(run)
    _add_settings_option(run)
    _add_catalogue_option(run)
    _add_corrections_option(run)
    run.add_argument(
        "--force",
        action="store_true",
        help="extract every brochure again, even those unchanged since their last edition",
    )
    run.add_argument(
        "--quiet",
        action="store_true",
        help="show only failures and the totals, no line per brochure and no progress bar",
    )
    _add_workers_options(run)
    run.set_defaults(handler=run_flow)


def _add_export_command(commands: Commands) -> None:
    export = commands.add_parser(
        "export", help="print an edition of a brochure's JSON export from the catalogue"
    )
    _add_brochure_argument(export)
    export.add_argument(
        "--edition", type=int, metavar="N", help="edition number (default: the latest)"
    )
    export.add_argument("--list", action="store_true", help="list the brochure's editions instead")
    export.add_argument(
        "--file", type=Path, metavar="FILE", help="write to FILE instead of standard output"
    )
    _add_out_option(export)
    _add_catalogue_option(export)
    export.set_defaults(handler=run_export)


def _add_changes_command(commands: Commands) -> None:
    changes = commands.add_parser(
        "changes", help="show what changed in a brochure's edition since the one before"
    )
    _add_brochure_argument(changes)
    changes.add_argument(
        "--edition", type=int, metavar="N", help="edition number (default: the latest)"
    )
    changes.add_argument("--json", action="store_true", help="print the report as JSON")
    _add_out_option(changes)
    _add_catalogue_option(changes)
    changes.set_defaults(handler=run_changes)


def _add_serve_command(commands: Commands) -> None:
    serve = commands.add_parser(
        "serve", help="re-ingest on a cron schedule through a Prefect server, until stopped"
    )
    _add_paths_argument(serve)
    serve.add_argument(
        "--cron",
        required=True,
        metavar="EXPR",
        help="when to run, in cron syntax: '0 6 * * 1' is Mondays at 06:00",
    )
    serve.add_argument(
        "--timezone", metavar="ZONE", help="IANA time zone of the schedule (default: UTC)"
    )
    serve.add_argument(
        "--name",
        default="scheduled",
        metavar="NAME",
        help="deployment name (default: scheduled)",
    )
    _add_out_option(serve)
    _add_settings_option(serve)
    _add_catalogue_option(serve)
    serve.add_argument(
        "--port",
        type=int,
        metavar="PORT",
        help="port of the local Prefect server, when one is started (default: a free port)",
    )
    serve.add_argument(
        "--server-timeout",
        type=float,
        default=90.0,
        metavar="SECONDS",
        help="how long to wait for the local Prefect server to start (default: 90)",
    )
    _add_corrections_option(serve)
    serve.add_argument(
        "--workers",
        type=_positive_int,
        default=None,
        metavar="N",
        help="processes that extract brochures in each run (default: the CPUs)",
    )
    serve.set_defaults(handler=run_serve)


def _add_review_command(commands: Commands) -> None:
    review = commands.add_parser(
        "review", help="print, open or serve (to act on its values) the review page of a brochure"
    )
    _add_brochure_argument(review)
    _add_out_option(review)
    _add_catalogue_option(review)
    review.add_argument("--open", action="store_true", help="open the page in a web browser")
    review.add_argument(
        "--serve",
        action="store_true",
        help="serve the page on 127.0.0.1 with controls to accept, reject and edit values, "
        "each written as a correction, until Ctrl-C",
    )
    review.add_argument(
        "--port",
        type=int,
        default=0,
        metavar="PORT",
        help="with --serve: the port on 127.0.0.1 (default: a free one)",
    )
    _add_corrections_option(review)
    review.set_defaults(handler=run_review)


def _add_correct_command(commands: Commands) -> None:
    correct = commands.add_parser(
        "correct", help="add a reviewer's correction, applied at every later run"
    )
    _add_brochure_argument(correct)
    correct.add_argument("project", metavar="PROJECT_ID", help="the project's id in the export")
    action = correct.add_mutually_exclusive_group(required=True)
    action.add_argument("--set-title", metavar="TITLE")
    action.add_argument("--set-acronym", metavar="ACRONYM")
    action.add_argument("--remove-acronym", action="store_true")
    action.add_argument(
        "--set-role-category",
        metavar="CATEGORY",
        help="coordinator, work_package_leader, technical_partner, partner, "
        "case_history_contributor, other or none_stated",
    )
    action.add_argument("--add-partner", metavar="NAME")
    action.add_argument("--remove-partner", metavar="NAME")
    action.add_argument("--add-work-package", metavar="TITLE", help="with --number and --lead")
    action.add_argument("--remove-work-package", metavar="NUMBER_OR_TITLE")
    action.add_argument("--not-a-project", action="store_true")
    action.add_argument(
        "--acknowledge",
        metavar="WARNING_CODE",
        help="accept a warning of the project (say why with --note): no longer a doubt",
    )
    action.add_argument(
        "--split-at-line",
        type=int,
        metavar="LINE",
        help="the project holds two: a new one starts at this line of the source (its title)",
    )
    action.add_argument(
        "--merge-into", metavar="PROJECT_ID", help="the project is part of this other project"
    )
    action.add_argument(
        "--checked",
        action="store_true",
        help="the project was checked whole: flag it when its values change later",
    )
    correct.add_argument("--number", type=int, help="the work package's number, if it has one")
    correct.add_argument("--lead", action="store_true", help="the organisation leads the package")
    correct.add_argument("--was", metavar="VALUE", help="the value the correction replaces")
    correct.add_argument("--note", metavar="TEXT", help="why, for the next reviewer")
    _add_corrections_option(correct)
    _add_out_option(correct, "whose latest export the correction is checked against")
    _add_catalogue_option(correct)
    correct.set_defaults(handler=run_correct)


def _add_evaluate_command(commands: Commands) -> None:
    evaluate = commands.add_parser("evaluate", help="score an extraction against annotations")
    # None stands for the default, so that --corpus can refuse a --brochure given with it.
    evaluate.add_argument(
        "--brochure",
        type=Path,
        default=None,
        metavar="FILE",
        help=f"default: {DEFAULT_BROCHURE}",
    )
    evaluate.add_argument(
        "--annotations",
        type=Path,
        default=None,
        metavar="FILE",
        help=f"default: {DEFAULT_ANNOTATIONS}",
    )
    evaluate.add_argument(
        "--corpus",
        type=Path,
        default=None,
        metavar="DIR",
        help="score every document of a corpus folder (docs/, text/, gold/NN_slug.json) "
        "instead of one brochure",
    )
    evaluate.add_argument(
        "--originals",
        action="store_true",
        help="with --corpus: read the docs/ originals instead of the text/ renderings",
    )
    evaluate.add_argument("--json", action="store_true", help="print the report as JSON")
    evaluate.add_argument("--verbose", action="store_true", help="list every mismatch")
    _add_settings_option(evaluate)
    evaluate.set_defaults(handler=run_evaluate)


def _add_schema_command(commands: Commands) -> None:
    schema = commands.add_parser("schema", help="write the JSON Schema of the export")
    schema.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_SCHEMA,
        metavar="FILE",
        help=f"default: {DEFAULT_SCHEMA}",
    )
    schema.add_argument(
        "--check", action="store_true", help="exit 1 if the file differs from the generated one"
    )
    schema.set_defaults(handler=run_schema)


def _add_settings_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--settings", type=Path, metavar="FILE", help="a .yaml or .json settings file"
    )


def _add_paths_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths",
        nargs="*",
        type=Path,
        default=[Path("raw")],
        metavar="PATH",
        help="brochure files or folders searched for .txt and .pdf files (default: raw)",
    )


def _add_out_option(parser: argparse.ArgumentParser, what: str = "") -> None:
    parser.add_argument(
        "--out",
        type=Path,
        default=Path("output"),
        metavar="DIR",
        help=f"the output folder{', ' + what if what else ''} (default: output)",
    )


def _add_catalogue_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--catalogue",
        type=Path,
        metavar="PATH",
        help="the catalogue of editions (default: catalogue.sqlite3 in the output folder)",
    )


def _add_corrections_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--corrections",
        type=Path,
        default=None,
        metavar="DIR",
        help="folder holding corrections.yaml and corrections/<name>.yaml (default: for each "
        "brochure the nearest folder holding them, from the brochure's folder up)",
    )


def _add_brochure_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "brochure",
        metavar="NAME",
        help="the brochure: its file name with or without suffix, e.g. clust-er-innovate",
    )


def _layout(args: argparse.Namespace) -> OutputLayout:
    """Return the layout of the --out folder, with the catalogue --catalogue names."""
    from workspace.layout import OutputLayout

    return OutputLayout.of(args.out, getattr(args, "catalogue", None))


def _workspace(args: argparse.Namespace, settings: Settings) -> Workspace:
    """Return what the command's brochures share: output layout, settings, corrections."""
    from workspace.service import NEAREST, Workspace
    from workspace.version import pipeline_version

    return Workspace(
        layout=_layout(args),
        settings=settings,
        pipeline_version=pipeline_version(settings),
        corrections=args.corrections if args.corrections is not None else NEAREST,
    )


def _settings(args: argparse.Namespace) -> Settings:
    """Return the settings named by --settings, or the defaults."""
    from workspace.config import load_settings

    return load_settings(args.settings) if args.settings is not None else Settings()


def run_extract(args: argparse.Namespace) -> int:
    """`brochures extract FILE`: print one brochure's JSON export, as `brochures run` would
    store it next: ids carried over from its latest edition, corrections applied."""
    settings = _settings(args)
    if not args.file.is_file():
        problem = "is not a file" if args.file.exists() else "does not exist"
        raise InputError(
            args.file, problem, "Name a .txt, .pdf, .html/.htm, .md or .docx brochure."
        )
    from workspace.export import render_json
    from workspace.service import prepare_edition

    edition = prepare_edition(args.file, _workspace(args, settings))
    _write(sys.stdout, render_json(edition.extraction))
    return 0


def run_flow(args: argparse.Namespace) -> int:
    """`brochures run [PATH ...]`: plan the run; when some brochure is new or changed, run the
    flow; print a line per brochure as it finishes, and the totals."""
    from flows.progress import RunProgress
    from workspace.locking import run_lock
    from workspace.run import finish_run, plan_run

    settings = _settings(args)
    workspace = _workspace(args, settings)
    plan = plan_run(args.paths, workspace, args.force)  # before anything of Prefect starts
    if not plan.brochures:
        raise InputError(
            ", ".join(str(path) for path in args.paths),
            "holds no brochures (.txt, .pdf, .html/.htm, .md or .docx files)",
            "Name the folder or files holding the brochures.",
        )
    progress = RunProgress(len(plan.to_process), quiet=args.quiet)
    for outcome in plan.settled.values():
        if outcome.status == "failed":
            progress(outcome)
    if plan.to_process:
        summary = _run_batch(args, settings, progress)
    else:
        with run_lock(workspace.layout.lock):
            summary = finish_run(plan, {}, workspace)
        progress.line("nothing to do: every brochure is unchanged since its latest edition")
    if summary.unchanged:
        progress.line(
            f"skipped {summary.unchanged} unchanged brochure"
            f"{'' if summary.unchanged == 1 else 's'} (see {workspace.layout.summary})"
        )
    progress.line(f"{summary.describe_counts()}; summary: {workspace.layout.summary}")
    if summary.tables_error is not None:
        progress.line(
            f"error: the organisation tables were left as they were: {summary.tables_error}"
        )
    return 0 if summary.failed == 0 and summary.tables_error is None else 1


def _run_batch(args: argparse.Namespace, settings: Settings, progress: RunProgress) -> RunSummary:
    """Run the ingestion flow on the command's brochures, showing each outcome as it comes."""
    set_prefect_defaults(os.environ)
    from flows.ingest import ingest_brochures
    from flows.progress import outcome_listener
    from flows.runners import in_process_flow_settings, task_runner_for
    from flows.serve import server_for_run

    batch = ingest_brochures.with_options(
        task_runner=task_runner_for(args.workers, args.dask_address)
    )
    token = outcome_listener.set(progress)
    try:
        with server_for_run(progress.note), in_process_flow_settings(), progress.shown():
            return batch(
                paths=[str(path) for path in args.paths],
                out_dir=str(args.out),
                settings=settings.model_dump(mode="json"),
                catalogue=str(args.catalogue) if args.catalogue is not None else None,
                force=args.force,
                corrections_root=str(args.corrections) if args.corrections else "nearest",
                # On a Dask cluster each of its workers processes brochures in its own process.
                workers=1 if args.dask_address else args.workers,
            )
    finally:
        outcome_listener.reset(token)


def run_organisations(args: argparse.Namespace) -> int:
    """`brochures organisations [NAME]`: list the organisations, or show the ones NAME names;
    with --join or --split, write a reviewer's identity correction and update the tables."""
    from workspace.organisations import (
        format_organisations,
        format_stale_identity_corrections,
        stale_identity_corrections,
    )

    if args.join is not None or args.split is not None:
        return run_identity_correction(args)
    if args.split_from is not None or args.note is not None:
        return _usage_error("organisations", "--from and --note go with --join or --split")
    layout = _layout(args)
    text = format_organisations(layout.catalogue, args.name)
    if args.name is None:
        text += format_stale_identity_corrections(stale_identity_corrections(layout.folder))
    _write(sys.stdout, terminal_text(text))
    return 0


def run_identity_correction(args: argparse.Namespace) -> int:
    """`brochures organisations --join A B` / `--split NAME --from ORG`: check the correction
    against the latest organisations, append it to organisation_corrections.yaml, then resolve
    the organisations again and write the tables, so that they show it at once."""
    from workspace.identity_corrections import add_checked_identity_correction
    from workspace.locking import run_lock
    from workspace.organisations import (
        format_organisations,
        format_stale_identity_corrections,
        stale_identity_corrections,
    )
    from workspace.run import update_tables

    if args.name is not None:
        return _usage_error("organisations", "give NAME, or --join / --split, not both")
    if args.join is not None and len(args.join) < 2:
        return _usage_error("organisations", "--join needs two or more names or ids")
    if args.join is not None and args.split_from is not None:
        return _usage_error("organisations", "--from goes only with --split")
    if args.split is not None and args.split_from is None:
        return _usage_error("organisations", "--split needs --from: the organisation they leave")
    layout = _layout(args)
    added = add_checked_identity_correction(
        layout.catalogue,
        join=args.join,
        split=args.split,
        split_from=args.split_from,
        note=args.note,
    )
    _write(
        sys.stdout,
        terminal_text(
            f"added to {added.path} ({len(added.corrections.entries)} correction(s)): "
            f"{added.description}\n"
        ),
    )
    with run_lock(layout.lock):
        update = update_tables(layout, changed=True)
    if update.error is not None:
        print(
            f"{PROG}: error: the tables were left as they were: {terminal_text(update.error)}",
            file=sys.stderr,
        )
        return 2
    # The organisation the first name is in now, and for a split the one the names left.
    shown = [added.correction.names[0], *filter(None, [added.correction.split_from])]
    now = dict.fromkeys(format_organisations(layout.catalogue, name) for name in shown)
    _write(sys.stdout, terminal_text(f"the tables in {layout.folder} are updated; now:\n"))
    _write(sys.stdout, terminal_text("".join(now)))
    stale = stale_identity_corrections(layout.folder)
    _write(sys.stdout, terminal_text(format_stale_identity_corrections(stale)))
    return 0


def run_export(args: argparse.Namespace) -> int:
    """`brochures export NAME`: print (or write) an edition's JSON export, or list editions."""
    from workspace.catalogue import Catalogue
    from workspace.export import render_json, write_atomic
    from workspace.layout import named_brochure

    name = named_brochure(args.brochure)
    with Catalogue(_layout(args).catalogue, create=False) as catalogue:
        if args.list:
            editions = catalogue.editions(name)
            if not editions:
                catalogue.extraction(name)  # raises the error naming the known brochures
            _write(sys.stdout, terminal_text(format_editions(editions)))
            return 0
        extraction = catalogue.extraction(name, args.edition)
    text = render_json(extraction)
    if args.file is not None:
        write_atomic(args.file, text)
        print(f"wrote {args.file}")
    else:
        _write(sys.stdout, text)
    return 0


def format_editions(editions: list[Edition]) -> str:
    """Given a brochure's editions, return them as a table, one line each."""
    lines = ["edition  ingested at                sha256        projects  warnings  source"]
    lines.extend(
        f"{edition.number:>7}  {edition.ingested_at:<25}  {edition.sha256[:12]}  "
        f"{edition.projects:>8}  {edition.warnings:>8}  {edition.source}"
        for edition in editions
    )
    return "\n".join(lines) + "\n"


def run_changes(args: argparse.Namespace) -> int:
    """`brochures changes NAME`: show what an edition changed since the edition before it."""
    from reports.changes import compare_editions, format_change_report, render_changes_json
    from workspace.catalogue import Catalogue
    from workspace.layout import named_brochure

    name = named_brochure(args.brochure)
    with Catalogue(_layout(args).catalogue, create=False) as catalogue:
        current = catalogue.extraction(name, args.edition)
        numbers = [edition.number for edition in catalogue.editions(name)]
        number = args.edition if args.edition is not None else numbers[-1]
        earlier = [value for value in numbers if value < number]
        if not earlier:
            _write(
                sys.stdout,
                terminal_text(
                    f"{name}: edition {number} is the first edition; there is nothing to compare.\n"
                ),
            )
            return 0
        previous = catalogue.extraction(name, earlier[-1])
    report = compare_editions(previous, current).model_copy(
        update={"previous_edition": earlier[-1], "edition": number}
    )
    if args.json:
        _write(sys.stdout, render_changes_json(report))
    else:
        _write(sys.stdout, terminal_text(format_change_report(report)))
    return 0


def run_serve(args: argparse.Namespace) -> int:
    """`brochures serve --cron EXPR`: serve the flow on a schedule until interrupted."""
    from workspace.discovery import discover_brochures

    settings = _settings(args)
    discover_brochures(args.paths)  # the paths must exist; an empty folder may fill up later
    set_prefect_defaults(os.environ)
    from flows.serve import serve_ingestion

    def announce(message: str) -> None:
        print(message, flush=True)

    serve_ingestion(
        paths=args.paths,
        out_dir=args.out,
        settings=settings,
        catalogue=args.catalogue,
        cron=args.cron,
        corrections_root=args.corrections,
        workers=args.workers,
        timezone=args.timezone,
        name=args.name,
        port=args.port,
        startup_timeout=args.server_timeout,
        announce=announce,
    )
    return 0


def run_review(args: argparse.Namespace) -> int:
    """`brochures review NAME`: print the path of the brochure's review page (or open it);
    with --serve, serve it with its action controls until interrupted."""
    from workspace.layout import named_brochure

    if args.serve:
        from flows.review_server import ReviewSite, serve_review

        site = ReviewSite(_layout(args), args.brochure, args.corrections)

        def ready(url: str) -> None:
            _write(
                sys.stdout,
                terminal_text(
                    f"reviewing {site.name} at {url} (Ctrl-C stops)\n"
                    f"corrections go to {site.corrections_file()}; they apply at the next run\n"
                ),
            )
            if args.open:
                import webbrowser

                webbrowser.open(url)

        try:
            serve_review(site, args.port, ready)
        except KeyboardInterrupt:
            _write(sys.stdout, "stopped\n")
        return 0
    page = _layout(args).review(named_brochure(args.brochure)).resolve()
    if not page.is_file():
        raise InputError(
            page,
            f"there is no review page for '{args.brochure}'",
            f"Run 'brochures run --out {args.out}' first, or check the brochure's name.",
        )
    if args.open:
        import webbrowser

        webbrowser.open(page.as_uri())
    _write(sys.stdout, f"{page}\n")
    return 0


def correction_from_args(args: argparse.Namespace) -> dict[str, object]:
    """Given the `correct` command's arguments, return the correction as a corrections-file
    entry (validated when it is added)."""
    entry: dict[str, object] = {"project": args.project}
    if args.set_title is not None:
        entry["set_title"] = args.set_title
    elif args.set_acronym is not None:
        entry["set_acronym"] = args.set_acronym
    elif args.remove_acronym:
        entry["remove_acronym"] = True
    elif args.set_role_category is not None:
        entry["set_role_category"] = args.set_role_category
    elif args.add_partner is not None:
        entry["add_partner"] = args.add_partner
    elif args.remove_partner is not None:
        entry["remove_partner"] = args.remove_partner
    elif args.add_work_package is not None:
        entry["add_work_package"] = {
            "number": args.number,
            "title": args.add_work_package,
            "lead": args.lead,
        }
    elif args.remove_work_package is not None:
        value = args.remove_work_package
        entry["remove_work_package"] = int(value) if value.isdigit() else {"title": value}
    elif args.not_a_project:
        entry["not_a_project"] = True
    elif args.acknowledge is not None:
        entry["acknowledge"] = args.acknowledge
    elif args.split_at_line is not None:
        entry["split_at_line"] = args.split_at_line
    elif args.merge_into is not None:
        entry["merge_into"] = args.merge_into
    elif args.checked:
        entry["checked"] = "latest"  # the project's fingerprint in the latest export
    for key in ("was", "note"):
        if getattr(args, key) is not None:
            entry[key] = getattr(args, key)
    return entry


def run_correct(args: argparse.Namespace) -> int:
    """`brochures correct NAME PROJECT_ID --ACTION ...`: check a correction against the
    brochure's latest export, then append it to the brochure's corrections file."""
    from pydantic import ValidationError

    from schemas.corrections import Correction, CorrectionError
    from workspace.review import add_checked_correction

    try:
        correction = Correction.model_validate(correction_from_args(args))
    except ValidationError as error:
        first = error.errors()[0]
        raise CorrectionError(
            args.brochure,
            f"the correction is not valid: {first['msg']}",
            "Check the options given.",
        ) from error
    added = add_checked_correction(_layout(args), args.brochure, correction, args.corrections)
    _write(
        sys.stdout,
        f"added to {added.path} ({len(added.corrections.entries)} correction(s)): "
        f"{added.outcome.reason}; it applies from the next run\n",
    )
    return 0


def run_evaluate(args: argparse.Namespace) -> int:
    """`brochures evaluate`: print the scores of the extraction against the annotations."""
    if args.corpus is not None:
        return run_evaluate_corpus(args)
    if args.originals:
        return _usage_error("evaluate", "--originals applies only with --corpus DIR")
    from evaluation.brochure import evaluate_brochure, format_report

    brochure = args.brochure if args.brochure is not None else DEFAULT_BROCHURE
    annotations = args.annotations if args.annotations is not None else DEFAULT_ANNOTATIONS
    report = evaluate_brochure(brochure, annotations, _settings(args))
    if args.json:
        _write(sys.stdout, report.model_dump_json(indent=2) + "\n")
    else:
        _write(sys.stdout, format_report(report, verbose=args.verbose).rstrip("\n") + "\n")
    return 0


def run_evaluate_corpus(args: argparse.Namespace) -> int:
    """`brochures evaluate --corpus DIR`: print the scores of every document of a corpus and
    their totals; exit code 1 when the pipeline refused some document."""
    if args.brochure is not None or args.annotations is not None:
        return _usage_error(
            "evaluate", "--corpus reads its own gold files; leave out --brochure and --annotations"
        )
    from evaluation.corpus import evaluate_corpus, format_corpus_report

    report = evaluate_corpus(args.corpus, _settings(args), originals=args.originals)
    if args.json:
        _write(sys.stdout, report.model_dump_json(indent=2) + "\n")
    else:
        _write(sys.stdout, format_corpus_report(report, verbose=args.verbose))
    return 1 if report.failed else 0


def _usage_error(command: str, message: str) -> int:
    """Report a wrong combination of options on one line, as argparse does; return 2."""
    print(f"{PROG} {command}: error: {message}", file=sys.stderr)
    return 2


def run_schema(args: argparse.Namespace) -> int:
    """`brochures schema`: write the export's JSON Schema, or with --check compare it."""
    from workspace.export import render_json_schema, write_atomic

    generated = render_json_schema()
    if not args.check:
        write_atomic(args.out, generated)
        print(f"wrote {args.out}")
        return 0
    try:
        on_disk = args.out.read_text(encoding="utf-8")
    except FileNotFoundError:
        on_disk = None
    if on_disk == generated:
        print(f"{args.out} is up to date")
        return 0
    state = "is missing" if on_disk is None else "differs from the records"
    print(f"{PROG}: {args.out} {state}; run `{PROG} schema` to regenerate it", file=sys.stderr)
    return 1


def set_prefect_defaults(environ: MutableMapping[str, str]) -> None:
    """Put `PREFECT_DEFAULTS` into `environ` where not set; call before importing Prefect."""
    for name, value in PREFECT_DEFAULTS.items():
        environ.setdefault(name, value)


def terminal_text(text: str) -> str:
    """Given lines for the terminal, return them with every control character but the line
    ends written as an escape (see `flows.progress.terminal_safe`)."""
    from flows.progress import terminal_safe

    return "\n".join(terminal_safe(line) for line in text.split("\n"))


def _write(stream: TextIO, text: str) -> None:
    """Write `text` to `stream`; a reader that stopped early (`| head`) is not an error."""
    try:
        stream.write(text)
        stream.flush()
    except BrokenPipeError:
        # Point stdout at /dev/null so the interpreter's final flush does not fail again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


if __name__ == "__main__":
    sys.exit(main())
