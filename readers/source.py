"""Reading a brochure file into the text the pipeline keeps, with what it had to guess."""

from __future__ import annotations

import codecs
import hashlib
import os
import re
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from schemas import ExtractionWarning, InputError, Settings
from schemas.document import Newline, SourceFormat, SourceText

# Suffixes (lower case) read by a structured reader; any other brochure is read as plain text.
HTML_SUFFIXES = frozenset({".html", ".htm"})
MARKDOWN_SUFFIXES = frozenset({".md", ".markdown"})
DOCX_SUFFIXES = frozenset({".docx"})

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_VALID_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)


@dataclass(frozen=True)
class KeptLine:
    """One line a structured reader keeps: a heading, a paragraph, a list item ('- item', two
    spaces of indent per nesting level) or a table row (cells separated by a TAB)."""

    text: str
    element: str
    heading: bool = False
    # A heading over a group of sections (each with its own heading) rather than over one.
    heads_group: bool = False


# Characters that would end a line or hide in one: a kept line holds none of them.
_LINE_BREAKING = re.compile(r"[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")


def join_kept_lines(
    lines: Sequence[KeptLine],
) -> tuple[str, frozenset[int], tuple[str, ...]]:
    """Given a structured reader's lines, return the kept text (one line each, blank ones left
    out), the 1-based numbers of the heading lines and each line's element path.

    A heading over a group of sections is followed by a blank line, as a plain-text brochure
    sets such a heading apart from the first section's title.
    """
    texts: list[str] = []
    elements: list[str] = []
    headings: set[int] = set()
    group_headings: set[int] = set()
    for line in lines:
        text = line.text
        if not text.isprintable():  # a TAB, or a character that would break or hide in a line
            text = _CONTROL.sub("", _LINE_BREAKING.sub(" ", text))
        text = text.rstrip()
        if not text.strip():
            continue
        if texts and texts[-1] and len(texts) in group_headings:
            texts.append("")
            elements.append(line.element)
        texts.append(text)
        elements.append(line.element)
        if line.heading:
            headings.add(len(texts))
            if line.heads_group:
                group_headings.add(len(texts))
    return "\n".join(texts), frozenset(headings), tuple(elements)


@dataclass(frozen=True)
class NoText:
    """Why a structured document gave no kept text, and what to do: its reader's words."""

    problem: str
    hint: str


def structured_source(
    source: str,
    data: bytes,
    lines: Sequence[KeptLine],
    *,
    format: SourceFormat,
    encoding: str,
    newline: Newline,
    warnings: Sequence[ExtractionWarning] = (),
    no_text: NoText,
) -> SourceText:
    """Given a structured reader's kept lines and the file's bytes, return the `SourceText`
    they make (headings as emphasised lines, each line's element), or raise `InputError` with
    `no_text` when no line holds text."""
    text, headings, elements = join_kept_lines(lines)
    if not text.strip():
        raise InputError(source, no_text.problem, no_text.hint)
    return SourceText(
        source=source,
        text=text,
        sha256=hashlib.sha256(data).hexdigest(),
        format=format,
        encoding=encoding,
        newline=newline,
        warnings=tuple(warnings),
        emphasised_lines=headings,
        line_elements=elements,
    )


def detect_newline(text: str) -> Newline:
    """Given decoded text, say which line endings it uses."""
    crlf = text.count("\r\n")
    cr = text.count("\r") - crlf
    lf = text.count("\n") - crlf
    kinds = [name for name, count in (("crlf", crlf), ("cr", cr), ("lf", lf)) if count]
    if not kinds:
        return "none"
    return kinds[0] if len(kinds) == 1 else "mixed"  # type: ignore[return-value]


def normalise_newlines(text: str) -> str:
    """Given text, return it with every line ending as '\\n' (as Python's universal newlines)."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _looks_like_utf16_without_bom(data: bytes) -> str | None:
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even_nuls = sample[0::2].count(0) / len(sample[0::2])
    odd_nuls = sample[1::2].count(0) / len(sample[1::2])
    if odd_nuls > 0.3 and even_nuls < 0.05:
        return "utf-16-le"
    if even_nuls > 0.3 and odd_nuls < 0.05:
        return "utf-16-be"
    return None


def _stat(path: Path, source: str, settings: Settings) -> os.stat_result:
    """The file's status; a missing or oversized file is an `InputError`."""
    with _file_errors(source):
        status = path.stat()
    if status.st_size > settings.max_file_bytes:
        raise InputError(
            source,
            f"is {status.st_size:,} bytes, over the limit of {settings.max_file_bytes:,}",
            "Raise max_file_bytes in the settings.",
        )
    return status


def _read_bytes(path: Path, source: str) -> bytes:
    """The file's bytes; a missing, folder or unreadable file is an `InputError`."""
    with _file_errors(source):
        return path.read_bytes()


@contextmanager
def _file_errors(source: str) -> Iterator[None]:
    """Within the block, a file that is missing, a folder or unreadable is an `InputError`."""
    try:
        yield
    except FileNotFoundError as error:
        raise InputError(source, "does not exist", "Check the path.") from error
    except IsADirectoryError as error:
        raise InputError(source, "is a folder, not a file", "Give a brochure file.") from error
    except PermissionError as error:
        raise InputError(
            source, "cannot be read (permission denied)", "Check the file's permissions."
        ) from error


def decode_text(data: bytes, source: str) -> tuple[str, str, list[ExtractionWarning]]:
    """Given a text file's bytes, return its text, the encoding used and any warnings."""
    warnings: list[ExtractionWarning] = []
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding, warnings
            except UnicodeDecodeError as error:
                raise InputError(
                    source,
                    f"starts with a {encoding} byte-order mark but is not "
                    f"valid {encoding} (byte {error.start})",
                    "Re-save the file as UTF-8.",
                ) from error
    if b"\x00" in data:
        guessed = _looks_like_utf16_without_bom(data)
        if guessed is None:
            raise InputError(
                source,
                "is a binary file, not text (it contains NUL bytes)",
                "Give a plain-text (.txt) or PDF (.pdf) brochure.",
            )
        try:
            text = data.decode(guessed)
        except UnicodeDecodeError as error:
            raise InputError(
                source,
                "is a binary file, not text",
                "Give a plain-text (.txt) or PDF (.pdf) brochure.",
            ) from error
        warnings.append(
            ExtractionWarning(
                code="encoding_guessed", message=f"{source}: no byte-order mark; read as {guessed}"
            )
        )
        return text, guessed, warnings
    try:
        return data.decode("utf-8"), "utf-8", warnings
    except UnicodeDecodeError as error:
        first_bad = error.start
    line = data.count(b"\n", 0, first_bad) + 1
    if _VALID_MULTIBYTE.search(data):
        # Mostly UTF-8 with a few broken bytes: keep the UTF-8 reading, mark what was replaced.
        text = data.decode("utf-8", errors="replace")
        warnings.append(
            ExtractionWarning(
                code="invalid_utf8",
                message=f"{source}: invalid UTF-8 bytes from line {line} were replaced by U+FFFD",
            )
        )
        return text, "utf-8", warnings
    try:
        text, encoding = data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        text, encoding = data.decode("latin-1"), "latin-1"
    warnings.append(
        ExtractionWarning(
            code="legacy_encoding",
            message=f"{source}: not UTF-8 (first non-UTF-8 byte on line {line}); "
            f"read as {encoding}",
        )
    )
    return text, encoding, warnings


# What `blank_control_characters` turns into spaces: C0 controls but tab, line feed and carriage
# return (line ends are normalised elsewhere), DEL, and the C1 controls.
_BLANKED = re.compile(r"[\x00-\x08\x0b-\x0c\x0e-\x1f\x7f-\x9f]")


def blank_control_characters(source: SourceText) -> SourceText:
    """Given a read brochure, return it with every control character of its kept text replaced by
    a space (one for one, so offsets stay), and a `control_characters` warning saying how many
    and where the first stands; a text without any is returned as it is."""
    found = _BLANKED.search(source.text)
    if found is None:
        return source
    count = len(_BLANKED.findall(source.text))
    line = source.text.count("\n", 0, found.start()) + 1
    warning = ExtractionWarning(
        code="control_characters",
        message=f"{source.source}: {count} control character{'' if count == 1 else 's'} "
        f"(the first on line {line}) read as spaces",
    )
    return replace(
        source, text=_BLANKED.sub(" ", source.text), warnings=(*source.warnings, warning)
    )


def check_is_text(text: str, source: str) -> None:
    """Raise `InputError` when decoded text is empty or is binary noise rather than prose."""
    if not text.strip():
        raise InputError(
            source,
            "is empty (no text at all)" if not text else "holds only white space",
            "Give a brochure with text in it.",
        )
    controls = len(_CONTROL.findall(text))
    if controls > max(8, len(text) // 100):
        raise InputError(
            source,
            f"looks binary, not text ({controls} control characters)",
            "Give a plain-text (.txt) or PDF (.pdf) brochure.",
        )


# A file whose size or time changes while it is read is read again, this many times in all.
_READ_ATTEMPTS = 3
_REREAD_PAUSE_SECONDS = 0.2


def read_brochure_bytes(path: Path, settings: Settings) -> bytes:
    """Given a brochure's path, return its bytes; a missing, unreadable, empty or oversized file
    is an `InputError` (the size is checked before anything is read).

    A file being rewritten while it is read (its size or modification time differ before and
    after) is read again; one that keeps changing is an `InputError`, so that bytes matching
    neither version are never taken for a new edition.
    """
    source = str(path)
    for attempt in range(_READ_ATTEMPTS):
        before = _stat(path, source, settings)
        data = _read_bytes(path, source)
        after = _stat(path, source, settings)
        if (before.st_size, before.st_mtime_ns) == (after.st_size, after.st_mtime_ns) and len(
            data
        ) == after.st_size:
            break
        if attempt + 1 < _READ_ATTEMPTS:
            time.sleep(_REREAD_PAUSE_SECONDS)
    else:
        raise InputError(
            source,
            f"changed while it was being read ({_READ_ATTEMPTS} times)",
            "It is read again at the next run; write brochures to a temporary name and rename "
            "them into the folder.",
        )
    if not data:
        raise InputError(source, "is empty (0 bytes)", "Give a brochure with text in it.")
    return data
