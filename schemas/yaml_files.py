"""Reading the files users edit (settings, corrections, patterns) with errors that give the file
and, for YAML, the line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from schemas import BrochureError


def read_user_text(
    path: Path, kind: str, error: type[BrochureError], missing_fix: str, encoding_fix: str
) -> str:
    """Given a user's file and what it is ('settings file'), return its text (UTF-8, BOM
    allowed); a missing, unreadable or undecodable file raises `error` naming it."""
    if not path.is_file():
        problem = "is not a file" if path.exists() else "does not exist"
        raise error(path, f"{kind} {problem}", missing_fix)
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as problem_found:
        raise error(
            path, f"{kind} is not UTF-8 text (byte {problem_found.start})", encoding_fix
        ) from None
    except OSError as problem_found:
        raise error(
            path,
            f"{kind} could not be read ({problem_found.strerror or problem_found})",
            "Check the file's permissions.",
        ) from None


def parse_yaml(path: Path, text: str, error: type[BrochureError]) -> tuple[Any, yaml.Node | None]:
    """Given a file's YAML text, return its data and its root node (for the lines of entries).

    A syntax error raises `error` naming the file, the problem and the line.
    """
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as problem_found:
        mark = problem_found.problem_mark or problem_found.context_mark
        problem = problem_found.problem or problem_found.context or "invalid YAML"
        context_mark = problem_found.context_mark
        if problem_found.context and problem_found.problem and context_mark is not None:
            problem += f" ({problem_found.context} started on line {context_mark.line + 1})"
        raise error(
            path,
            f"YAML syntax error: {problem}",
            "Fix the YAML at that line.",
            line=mark.line + 1 if mark is not None else None,
        ) from None
    except yaml.YAMLError as problem_found:
        raise error(path, f"YAML error: {problem_found}", "Fix the YAML.") from None
    finally:
        loader.dispose()
    return data, node
