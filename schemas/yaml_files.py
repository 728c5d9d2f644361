"""Reading the files users edit (settings, corrections, patterns) with errors that give the file
and, for YAML, the line."""

from __future__ import annotations

import json
from collections.abc import Callable
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


# libyaml's loader where PyYAML was built with it (the wheels are): the same nodes and errors,
# about ten times faster on a corrections file of thousands of entries.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
TOO_DEEP = "is nested too deeply to be a settings or corrections file"


def parse_yaml(path: Path, text: str, error: type[BrochureError]) -> tuple[Any, yaml.Node | None]:
    """Given a file's YAML text, return its data and its root node (for the lines of entries).

    A syntax error raises `error` naming the file, the problem and the line.
    """
    loader = _LOADER(text)
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
    except RecursionError:
        raise error(
            path, TOO_DEEP, "Write the file as the README shows: a few levels deep."
        ) from None
    finally:
        loader.dispose()
    return data, node


def parse_json(path: Path, text: str, error: type[BrochureError]) -> Any:
    """Given a file's JSON text, return its data; a syntax error raises `error` naming the file,
    the problem and the line."""
    try:
        return json.loads(text)
    except RecursionError:
        raise error(
            path, TOO_DEEP, "Write the file as the README shows: a few levels deep."
        ) from None
    except json.JSONDecodeError as problem_found:
        raise error(
            path,
            f"JSON syntax error: {problem_found.msg}",
            "Fix the JSON at that line.",
            line=problem_found.lineno,
        ) from None


def key_lines(
    node: yaml.Node | None, repeated: Callable[[str, int, int], BrochureError]
) -> dict[str, int]:
    """Given a YAML mapping node, return the 1-based line of each of its keys (merge keys left
    out); a key given twice raises `repeated(key, first line, line)`, since YAML would silently
    keep the last."""
    lines: dict[str, int] = {}
    if isinstance(node, yaml.MappingNode):
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = str(key_node.value)
            line = key_node.start_mark.line + 1
            if key in lines:
                raise repeated(key, lines[key], line)
            lines[key] = line
    return lines


def line_at(node: yaml.Node | None, location: tuple[Any, ...]) -> int | None:
    """Given a YAML root node and a path of keys and indexes (a validation error's location),
    return the 1-based line of the deepest node the path reaches."""
    if node is None:
        return None
    for part in location:
        if isinstance(node, yaml.MappingNode):
            found = next((value for key, value in node.value if str(key.value) == str(part)), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            found = node.value[part] if part < len(node.value) else None
        else:
            found = None
        if found is None:
            break
        node = found
    return node.start_mark.line + 1
