"""Reading the YAML files users edit (settings, corrections, patterns) with errors that give the
file and the line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from schemas import BrochureError


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
