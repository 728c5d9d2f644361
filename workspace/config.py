"""Reading a settings file (YAML or JSON) into the one `Settings` object.

The format follows the file's suffix, never its content. Every problem (syntax, an unknown or
repeated key, a bad value) raises `PatternError` naming the file and, where known, the line.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from schemas import PatternError, Settings
from schemas.yaml_files import key_lines, parse_json, parse_yaml, read_user_text

YAML_SUFFIXES = frozenset({".yaml", ".yml"})
JSON_SUFFIXES = frozenset({".json"})

_JSON_SPACE = frozenset(" \t\n\r")


def load_settings(path: Path) -> Settings:
    """Given a .yaml, .yml or .json settings file, return the validated `Settings`.

    An empty YAML file gives the defaults. A relative `patterns_dir` is taken relative to the
    settings file's folder, so the file means the same from wherever it is used.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in YAML_SUFFIXES | JSON_SUFFIXES:
        raise PatternError(
            path,
            f"is not a settings file: expected a .yaml, .yml or .json suffix, found '{suffix}'",
            "Rename the file to say which format it is written in.",
        )
    text = _read_text(path)
    if suffix in JSON_SUFFIXES:
        data, lines = _parse_json(path, text)
    else:
        data, lines = _parse_yaml(path, text)
    if isinstance(data, Mapping) and isinstance(data.get("patterns_dir"), str):
        patterns_dir = Path(data["patterns_dir"]).expanduser()
        if not patterns_dir.is_absolute():
            data = {**data, "patterns_dir": str(path.parent / patterns_dir)}
    return settings_from_mapping(data, path, lines)


def settings_from_mapping(
    data: Any, source: str | Path | None = None, lines: Mapping[str, int] | None = None
) -> Settings:
    """Given parsed settings (a mapping of names to values), return the validated `Settings`.

    `source` names where the values came from and `lines` maps each key to its line there; both
    only serve the error message. Anything invalid raises `PatternError`.
    """
    lines = lines or {}
    if not isinstance(data, Mapping):
        raise PatternError(
            source,
            f"settings must be a mapping of names to values, found {_kind(data)}",
            "Write one 'name: value' pair per setting at the top level.",
            line=1 if source is not None else None,
        )
    known = Settings.model_fields
    for key in data:
        if key not in known:
            raise PatternError(
                source,
                f"unknown setting {key!r}",
                f"Known settings: {', '.join(known)}.",
                line=lines.get(str(key)),
            )
    try:
        return Settings.model_validate(dict(data))
    except ValidationError as error:
        first = error.errors()[0]
        location = first["loc"]
        key = str(location[0]) if location else ""
        where = ".".join(str(part) for part in location) or "settings"
        raise PatternError(
            source,
            f"invalid value for {where!r}: {first['msg']}",
            _field_help(key),
            line=lines.get(key),
        ) from None


def _read_text(path: Path) -> str:
    """Given a settings file, return its text; a missing or undecodable file is a PatternError."""
    return read_user_text(
        path,
        "settings file",
        PatternError,
        "Check the path given to --settings.",
        "Save the file as UTF-8.",
    )


def _parse_yaml(path: Path, text: str) -> tuple[Any, dict[str, int]]:
    """Given YAML text, return its data and the 1-based line of each top-level key."""
    data, node = parse_yaml(path, text, PatternError)
    lines = key_lines(node, lambda key, first, line: _repeated(path, key, first, line))
    return ({} if data is None else data), lines


def _parse_json(path: Path, text: str) -> tuple[Any, dict[str, int]]:
    """Given JSON text, return its data and the 1-based line of each top-level key."""
    data = parse_json(path, text, PatternError)
    lines: dict[str, int] = {}
    if isinstance(data, dict):
        for key, offset in _json_top_level_keys(text):
            line = text.count("\n", 0, offset) + 1
            if key in lines:
                raise _repeated(path, key, lines[key], line)
            lines[key] = line
    return data, lines


def _json_top_level_keys(text: str) -> list[tuple[str, int]]:
    """Given the text of a valid JSON object, return each top-level key and its offset."""
    decoder = json.JSONDecoder()
    keys: list[tuple[str, int]] = []
    index = _skip_space(text, 0) + 1  # past "{"
    while True:
        index = _skip_space(text, index)
        if text[index] == "}":
            return keys
        key, index_after = decoder.raw_decode(text, index)
        keys.append((str(key), index))
        index = _skip_space(text, _skip_space(text, index_after) + 1)  # past ":"
        _, index = decoder.raw_decode(text, index)
        index = _skip_space(text, index)
        if text[index] == ",":
            index += 1


def _skip_space(text: str, index: int) -> int:
    """Given JSON text and an offset, return the offset of the next non-blank character."""
    while index < len(text) and text[index] in _JSON_SPACE:
        index += 1
    return index


def _repeated(path: Path, key: str, first: int, line: int) -> PatternError:
    """Return the error for a key given twice."""
    return PatternError(
        path,
        f"setting {key!r} is given twice (first on line {first})",
        "Keep one of the two.",
        line=line,
    )


def _field_help(key: str) -> str:
    """Given a setting's name, return a hint: its description, else the list of settings."""
    field = Settings.model_fields.get(key)
    if field is not None and field.description:
        return f"{key}: {field.description}"
    return f"Known settings: {', '.join(Settings.model_fields)}."


def _kind(value: Any) -> str:
    """Given a parsed value, return a short name of its kind for messages."""
    if value is None:
        return "nothing (null)"
    return {list: "a list", str: "a string", int: "a number", float: "a number"}.get(
        type(value), type(value).__name__
    )
