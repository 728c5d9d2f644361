"""Reader throughput for web pages, Markdown and Word files next to their parsers alone, in the
same run on the same files.

The files are made from the sample brochure (`raw/clust-er-innovate.txt`): its lines as the
blocks of a page (title-like lines as headings, bulleted lines as list items, and a partner
table), wrapped for HTML in a page's furniture (a banner with a menu, a sidebar of links, a
footer), written `--copies` times per format with one title changed in each. For each format the
floor is the parser alone on the same files, the reader is the whole `read_*_source`:

| format | floor | reader |
| --- | --- | --- |
| HTML | decode the bytes, `selectolax.lexbor.LexborHTMLParser(markup)` | `read_html_source` |
| Markdown | decode the bytes, `MarkdownIt(...).parse(text)` | `read_markdown_source` |
| Word | `docx.Document(path)` | `read_docx_source` |

Both are timed taking turns, best of `--repeat`; a page is one file.

    python benchmarks/bench_readers.py [--copies 200] [--repeat 3] [--json FILE]
"""

from __future__ import annotations

import argparse
import html
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import docx
from common import SAMPLE, report
from selectolax.lexbor import LexborHTMLParser

from readers.docx import read_docx_source
from readers.html import read_html_source
from readers.markdown import markdown_parser, read_markdown_source
from schemas import Settings

BULLETS = ("•", "-", "–", "*", "●", "▪")


def sample_blocks(variant: int) -> list[tuple[str, str]]:
    """Given a copy number, return the sample's lines as (kind, text) blocks: 'heading' for a
    short line without final punctuation, 'item' for a bulleted line, else 'paragraph'."""
    text = SAMPLE.read_text(encoding="utf-8")
    text = text.replace("Skills Intelligence\n", f"Skills Intelligence {variant}\n", 1)
    blocks = []
    for raw in text.split("\n"):
        line = raw.strip()
        if not line:
            continue
        if line.startswith(BULLETS):
            blocks.append(("item", line.lstrip("".join(BULLETS)).strip()))
        elif len(line.split()) <= 10 and not line.endswith((".", ":", ";", ",")):
            blocks.append(("heading", line))
        else:
            blocks.append(("paragraph", line))
    return blocks


PARTNER_TABLE = [("Partner", "Country"), ("University of Bologna", "Italy"), ("CNR", "Italy")]


def html_page(blocks: list[tuple[str, str]]) -> str:
    """Given blocks, return an HTML page holding them in <main>, with furniture around it."""
    menu = "".join(f'<li><a href="/{word}/">{word}</a></li>' for word in ("home", "news", "team"))
    body: list[str] = []
    in_list = False
    for kind, text in blocks:
        if in_list and kind != "item":
            body.append("</ul>")
            in_list = False
        escaped = html.escape(text)
        if kind == "item":
            if not in_list:
                body.append("<ul>")
                in_list = True
            body.append(f"<li>{escaped}</li>")
        elif kind == "heading":
            body.append(f"<h2>{escaped}</h2>")
        else:
            body.append(f"<p>{escaped}</p>")
    if in_list:
        body.append("</ul>")
    rows = "".join(f"<tr><td>{a}</td><td>{b}</td></tr>" for a, b in PARTNER_TABLE)
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>Brochure</title>'
        "<script>var x = 1;</script></head><body>"
        f"<header><nav><ul>{menu}</ul></nav></header><main>{''.join(body)}"
        f"<table>{rows}</table></main><aside><ul>{menu}</ul></aside>"
        "<footer><p>Contact us</p></footer></body></html>"
    )


def markdown_page(blocks: list[tuple[str, str]]) -> str:
    """Given blocks, return a Markdown file with front matter, headings, lists and a table."""
    out = ["---", "title: Brochure", "---", ""]
    previous = ""
    for kind, text in blocks:
        if kind != "item" and previous == "item":
            out.append("")
        if kind == "item":
            out.append(f"- {text}")
        elif kind == "heading":
            out.extend([f"## {text}", ""])
        else:
            out.extend([text, ""])
        previous = kind
    out.extend(["", "| Partner | Country |", "|---|---|"])
    out.extend(f"| {a} | {b} |" for a, b in PARTNER_TABLE[1:])
    return "\n".join(out) + "\n"


def write_docx(path: Path, blocks: list[tuple[str, str]]) -> None:
    """Given blocks, write a Word document with heading styles, bulleted paragraphs, a table."""
    document = docx.Document()
    for kind, text in blocks:
        if kind == "heading":
            document.add_heading(text, 2)
        elif kind == "item":
            document.add_paragraph(text, style="List Bullet")
        else:
            document.add_paragraph(text)
    table = document.add_table(rows=len(PARTNER_TABLE), cols=2)
    for number, (partner, country) in enumerate(PARTNER_TABLE):
        table.cell(number, 0).text = partner
        table.cell(number, 1).text = country
    document.save(path)


def make_files(folder: Path, copies: int) -> dict[str, list[Path]]:
    """Write `copies` files per format; return their paths by format."""
    files: dict[str, list[Path]] = {"html": [], "markdown": [], "docx": []}
    for copy in range(copies):
        blocks = sample_blocks(copy)
        page = folder / f"page-{copy:04d}.html"
        page.write_text(html_page(blocks), encoding="utf-8")
        files["html"].append(page)
        note = folder / f"page-{copy:04d}.md"
        note.write_text(markdown_page(blocks), encoding="utf-8")
        files["markdown"].append(note)
        word = folder / f"page-{copy:04d}.docx"
        write_docx(word, blocks)
        files["docx"].append(word)
    return files


def parse_html(paths: list[Path]) -> None:
    """selectolax alone: decode each page and parse it."""
    for path in paths:
        LexborHTMLParser(path.read_bytes().decode("utf-8"))


def parse_markdown(paths: list[Path]) -> None:
    """markdown-it alone: decode each file and parse it into tokens."""
    parser = markdown_parser()
    for path in paths:
        parser.parse(path.read_bytes().decode("utf-8"))


def parse_docx(paths: list[Path]) -> None:
    """python-docx alone: open each document."""
    for path in paths:
        docx.Document(str(path))


def read_all(reader: Callable[[Path, Settings], object], paths: list[Path]) -> None:
    """A reader on every file."""
    settings = Settings()
    for path in paths:
        reader(path, settings)


def best_of_alternating(repeat: int, runs: dict[str, Callable[[], None]]) -> dict[str, float]:
    """Run each callable `repeat` times, taking turns, and return each one's fastest wall time."""
    best = {name: float("inf") for name in runs}
    for _ in range(repeat):
        for name, run in runs.items():
            started = time.perf_counter()
            run()
            best[name] = min(best[name], time.perf_counter() - started)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--copies", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", type=Path)
    options = parser.parse_args()
    floors: dict[str, Callable[[list[Path]], None]] = {
        "html": parse_html,
        "markdown": parse_markdown,
        "docx": parse_docx,
    }
    readers: dict[str, Callable[[Path, Settings], object]] = {
        "html": read_html_source,
        "markdown": read_markdown_source,
        "docx": read_docx_source,
    }
    result: dict[str, object] = {"pages_per_format": options.copies}
    with tempfile.TemporaryDirectory() as folder:
        files = make_files(Path(folder), options.copies)
        for kind, paths in files.items():
            read_all(readers[kind], paths[:1])  # import and warm up once, as a long run would
            megabytes = sum(path.stat().st_size for path in paths) / 1e6
            seconds = best_of_alternating(
                options.repeat,
                {
                    "parser": lambda paths=paths, kind=kind: floors[kind](paths),
                    "reader": lambda paths=paths, kind=kind: read_all(readers[kind], paths),
                },
            )
            result[f"{kind}_megabytes"] = round(megabytes, 2)
            result[f"{kind}_parser_pages_per_second"] = round(len(paths) / seconds["parser"], 1)
            result[f"{kind}_reader_pages_per_second"] = round(len(paths) / seconds["reader"], 1)
            result[f"{kind}_reader_over_parser"] = round(seconds["reader"] / seconds["parser"], 2)
    report(result, options.json)


if __name__ == "__main__":
    main()
