"""The `brochures` command line: extract, run, evaluate, schema.

Each command imports what it needs when it runs, so `brochures extract` and `brochures schema`
never import Prefect and start quickly.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import MutableMapping
from pathlib import Path
from typing import TextIO

from schemas import BrochureError, InputError, Settings

PROG = "brochures"
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
        print(f"{PROG}: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser with its four commands."""
    parser = argparse.ArgumentParser(
        prog=PROG, description="Extract the projects of innovation-agency brochures as JSON."
    )
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)

    extract = commands.add_parser("extract", help="print the JSON export of one brochure")
    extract.add_argument("file", type=Path, metavar="FILE", help="a .txt or .pdf brochure")
    _add_settings_option(extract)
    extract.set_defaults(handler=run_extract)

    run = commands.add_parser("run", help="extract every brochure into an output folder")
    run.add_argument(
        "paths",
        nargs="*",
        type=Path,
        default=[Path("raw")],
        metavar="PATH",
        help="brochure files or folders searched for .txt and .pdf files (default: raw)",
    )
    run.add_argument(
        "--out", type=Path, default=Path("output"), metavar="DIR", help="default: output"
    )
    _add_settings_option(run)
    run.set_defaults(handler=run_flow)

    evaluate = commands.add_parser("evaluate", help="score an extraction against annotations")
    evaluate.add_argument(
        "--brochure",
        type=Path,
        default=DEFAULT_BROCHURE,
        metavar="FILE",
        help=f"default: {DEFAULT_BROCHURE}",
    )
    evaluate.add_argument(
        "--annotations",
        type=Path,
        default=DEFAULT_ANNOTATIONS,
        metavar="FILE",
        help=f"default: {DEFAULT_ANNOTATIONS}",
    )
    evaluate.add_argument("--json", action="store_true", help="print the report as JSON")
    evaluate.add_argument("--verbose", action="store_true", help="list every mismatch")
    _add_settings_option(evaluate)
    evaluate.set_defaults(handler=run_evaluate)

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
    return parser


def _add_settings_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--settings", type=Path, metavar="FILE", help="a .yaml or .json settings file"
    )


def _settings(args: argparse.Namespace) -> Settings:
    """Return the settings named by --settings, or the defaults."""
    from extractors.config import load_settings

    return load_settings(args.settings) if args.settings is not None else Settings()


def run_extract(args: argparse.Namespace) -> int:
    """`brochures extract FILE`: print one brochure's JSON export."""
    settings = _settings(args)
    if not args.file.is_file():
        problem = "is not a file" if args.file.exists() else "does not exist"
        raise InputError(args.file, problem, "Name a .txt or .pdf brochure.")
    from extractors.export import render_json
    from extractors.pipeline import extract_brochure

    _write(sys.stdout, render_json(extract_brochure(args.file, settings)))
    return 0


def run_flow(args: argparse.Namespace) -> int:
    """`brochures run [PATH ...]`: run the flow; print a line per brochure and a total."""
    from extractors.discovery import discover_brochures

    settings = _settings(args)
    brochures = discover_brochures(args.paths)  # fail fast, before starting a server
    if not brochures:
        raise InputError(
            ", ".join(str(path) for path in args.paths),
            "holds no brochures (.txt or .pdf files)",
            "Name the folder or files holding the brochures.",
        )
    set_prefect_defaults(os.environ)
    from flows.ingest import SUMMARY_NAME, describe_outcome, ingest_brochures

    summary = ingest_brochures(
        paths=[str(path) for path in args.paths],
        out_dir=str(args.out),
        settings=settings.model_dump(mode="json"),
    )
    lines = [describe_outcome(outcome) for outcome in summary["outcomes"]]
    count = summary["brochures"]
    lines.append(
        f"{count} brochure{'' if count == 1 else 's'}: {summary['ok']} ok, "
        f"{summary['failed']} failed (summary: {args.out / SUMMARY_NAME})"
    )
    _write(sys.stdout, "\n".join(lines) + "\n")
    return 0 if summary["failed"] == 0 else 1


def run_evaluate(args: argparse.Namespace) -> int:
    """`brochures evaluate`: print the scores of the extraction against the annotations."""
    from extractors.evaluation import evaluate_brochure, format_report

    report = evaluate_brochure(args.brochure, args.annotations, _settings(args))
    if args.json:
        _write(sys.stdout, report.model_dump_json(indent=2) + "\n")
    else:
        _write(sys.stdout, format_report(report, verbose=args.verbose).rstrip("\n") + "\n")
    return 0


def run_schema(args: argparse.Namespace) -> int:
    """`brochures schema`: write the export's JSON Schema, or with --check compare it."""
    from extractors.export import render_json_schema, write_atomic

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
