"""Files a reviewer writes as a list of entries (corrections, identity corrections): read, each
entry with its line, validated one by one, and appended to.

    text (YAML, or JSON by the file's suffix) -> its entries, each with its line and the line
    of each of its keys (`parse_entries`) -> each validated by its Pydantic model
    (`validate_entry`) -> [a new entry appended, `append_entry`]

Every problem is a `CorrectionError` naming the file and, where known, the line, with a fix
that depends on the kind of file (`EntryFile`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from schemas.corrections import CorrectionError
from schemas.yaml_files import key_lines, parse_json, parse_yaml, read_user_text

JSON_SUFFIXES = frozenset({".json"})

Model = TypeVar("Model", bound=BaseModel)


@dataclass(frozen=True)
class EntryFile:
    """A kind of entry file, as its messages speak of it."""

    what: str  # "corrections file"
    a_what: str  # "a corrections file", at the start of a message
    list_fix: str  # how to write the file as a list of entries
    mapping_fix: str  # how to write one entry
    guide: str  # where the README describes the entries
    known_keys: Callable[[str], str]  # given an unknown key, the keys there are (and a hint)


@dataclass(frozen=True)
class RawEntry:
    """One entry as parsed: its position, its data, its line and the line of each of its keys."""

    index: int
    item: Any
    line: int | None
    key_lines: dict[str, int]


def read_entry_file(path: Path, kind: EntryFile) -> str:
    """Given an entry file, return its text; missing or undecodable is a `CorrectionError`."""
    return read_user_text(path, kind.what, CorrectionError, "Check the path.", "Save it as UTF-8.")


def parse_entries(path: Path, text: str, kind: EntryFile) -> list[RawEntry]:
    """Given the text of an entry file and its path (for its format and the messages), return
    its entries (none for an empty file); a file that is not a list is a `CorrectionError`."""
    data, nodes = _parse(path, text)
    if data is None:
        return []
    if not isinstance(data, list):
        raise CorrectionError(
            path,
            f"{kind.a_what} is a list of entries, found {describe_kind(data)}",
            kind.list_fix,
            line=1,
        )
    entries = []
    for index, item in enumerate(data):
        node = nodes[index] if index < len(nodes) else None
        line = node.start_mark.line + 1 if node is not None else None
        entries.append(RawEntry(index, item, line, _key_lines(path, node)))
    return entries


def validate_entry(model: type[Model], entry: RawEntry, path: Path, kind: EntryFile) -> Model:
    """Given a parsed entry, return it validated by `model`; a problem is a `CorrectionError`
    naming the file and the line of the key at fault."""
    if not isinstance(entry.item, dict):
        raise CorrectionError(
            path,
            f"entry {entry.index + 1} must be a mapping of keys to values, "
            f"found {describe_kind(entry.item)}",
            kind.mapping_fix,
            line=entry.line,
        )
    try:
        return model.model_validate(entry.item)
    except ValidationError as error:
        first = error.errors()[0]
        location = [str(part) for part in first["loc"]]
        key = location[0] if location else ""
        where = ".".join(location)
        if first["type"] == "extra_forbidden":
            problem = f"entry {entry.index + 1}: unknown key {where!r}"
            fix = kind.known_keys(key)
        else:
            message = str(first["msg"]).removeprefix("Value error, ")
            problem = f"entry {entry.index + 1}: " + (
                f"invalid value for {where!r}: {message}" if where else message
            )
            fix = kind.guide
        raise CorrectionError(
            path, problem, fix, line=entry.key_lines.get(key, entry.line)
        ) from None


def append_entry(
    path: Path, text: str | None, data: dict[str, Any], yaml_entry: str, header: str
) -> str:
    """Given an entry file's text (None: the file does not exist yet), a new entry's data and
    the same entry as YAML, return the file's text with the entry appended: a JSON list is
    rewritten, YAML text (and its comments) kept, a new YAML file starting with `header`."""
    if path.suffix.lower() in JSON_SUFFIXES:
        entries = json.loads(text) if text and text.strip() else []
        entries.append(data)
        return json.dumps(entries, indent=2, ensure_ascii=False) + "\n"
    if text is None:
        return header + yaml_entry
    if text and not text.endswith("\n"):
        text += "\n"
    return text + yaml_entry


def describe_kind(value: Any) -> str:
    """Given a parsed value, return a short name of its kind for messages."""
    if value is None:
        return "nothing (null)"
    return {list: "a list", dict: "a mapping", str: "a string", int: "a number"}.get(
        type(value), type(value).__name__
    )


def _parse(path: Path, text: str) -> tuple[Any, list[yaml.Node]]:
    """Given the file's text, return its data and the node of each top-level list entry (for
    their lines); JSON is YAML in almost every case, so its entries are placed the same way."""
    if path.suffix.lower() in JSON_SUFFIXES:
        if not text.strip():
            return None, []
        data = parse_json(path, text, CorrectionError)
        try:
            node = yaml.compose(text, Loader=yaml.SafeLoader)
        except yaml.YAMLError:
            return data, []
    else:
        data, node = parse_yaml(path, text, CorrectionError)
    return data, list(node.value) if isinstance(node, yaml.SequenceNode) else []


def _key_lines(path: Path, node: yaml.Node | None) -> dict[str, int]:
    """Given an entry's node, return the line of each of its keys; a key given twice in one
    entry is an error (YAML would silently keep the last)."""
    if node is None:
        return {}

    def repeated(key: str, first: int, line: int) -> CorrectionError:
        return CorrectionError(
            path,
            f"key {key!r} is given twice in one entry (first on line {first})",
            "Keep one of the two; write a second entry for a second correction.",
            line=line,
        )

    return key_lines(node, repeated)
