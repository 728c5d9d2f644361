"""Reading a Markdown file into the kept text, one block per line.

The file's front matter (YAML between `---` lines, or TOML between `+++` lines) is metadata: its
`title` becomes the first line, as the `<title>` of a web page does, and the rest is left out.
Site-generator template tags (`{% include ... %}`, `{{ ... }}`, `{: .class}`) are left out too.
markdown-it-py parses the rest (CommonMark, with pipe tables and inline HTML) and renders it;
the HTML reader then reads the rendered blocks as it reads a page's content, so headings, lists,
tables and inline HTML (`<br>` a line break, `<style>` and `<script>` dropped, other tags read
for their text) give the same lines in both formats.
"""

from __future__ import annotations

import re
import tomllib
from functools import cache
from pathlib import Path

import yaml
from markdown_it import MarkdownIt

from readers.html import html_lines
from readers.source import (
    KeptLine,
    NoText,
    check_is_text,
    decode_text,
    detect_newline,
    normalise_newlines,
    read_brochure_bytes,
    structured_source,
)
from schemas import InputError, Settings
from schemas.document import SourceText

_FRONT_MATTER = re.compile(
    r"\A(?:(?P<yaml>---)|(?P<toml>\+\+\+))[ \t]*\n"
    r"(?P<body>.*?)\n(?:---|\.\.\.|\+\+\+)[ \t]*(?:\n|\Z)",
    re.DOTALL,
)
# Jekyll/Liquid and Hugo tags and kramdown attribute lists: instructions to a site generator.
_TEMPLATE_TAG = re.compile(r"\{%.*?%\}|\{\{.*?\}\}|\{:[^}\n]*\}", re.DOTALL)


@cache
def markdown_parser() -> MarkdownIt:
    """Return the Markdown parser: CommonMark with raw HTML, pipe tables and strikethrough."""
    return MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])


def split_front_matter(text: str) -> tuple[str | None, str]:
    """Given a Markdown file's text, return its front matter's title (None when it has none)
    and the text after the front matter; a front matter that does not parse has no title."""
    match = _FRONT_MATTER.match(text)
    if match is None:
        return None, text
    body = text[match.end() :]
    try:
        if match.group("yaml"):
            data = yaml.safe_load(match.group("body"))
        else:
            data = tomllib.loads(match.group("body"))
    except (yaml.YAMLError, tomllib.TOMLDecodeError):
        return None, body
    title = data.get("title") if isinstance(data, dict) else None
    if isinstance(title, str | int | float) and str(title).strip():
        return " ".join(str(title).split()), body
    return None, body


def markdown_lines(text: str) -> list[KeptLine]:
    """Given a Markdown file's text, return its kept lines: the front matter's title, then one
    line per heading, paragraph line break, list item and table row."""
    title, body = split_front_matter(text)
    rendered = markdown_parser().render(_TEMPLATE_TAG.sub("", body))
    lines = html_lines(rendered, remove_furniture=False).lines
    if title and not (lines and lines[0].text.casefold() == title.casefold()):
        lines.insert(0, KeptLine(title, "front-matter > title", heading=True))
    return lines


def read_markdown_source(path: Path, settings: Settings) -> SourceText:
    """Given a Markdown file, read it into a `SourceText`: format 'markdown', one line per
    block, headings (and the front matter's title) as emphasised lines, each line's element."""
    source = str(path)
    data = read_brochure_bytes(path, settings)
    try:
        decoded, encoding, warnings = decode_text(data, source)
        check_is_text(decoded, source)
    except InputError as error:
        if "empty" in error.problem or "white space" in error.problem:
            raise
        raise InputError(
            source,
            f"is named {path.suffix} but is not a Markdown file: {error.problem}",
            "Give the Markdown source, or rename the file to its real kind.",
        ) from error
    text = normalise_newlines(decoded)
    if text.startswith("\ufeff"):
        text = text[1:]
    return structured_source(
        source,
        data,
        markdown_lines(text),
        format="markdown",
        encoding=encoding,
        newline=detect_newline(decoded),
        warnings=warnings,
        no_text=NoText(
            "has no text besides its front matter and markup",
            "Give a Markdown file with the brochure's text in it.",
        ),
    )
