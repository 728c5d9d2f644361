"""Write the test PDFs of tests/data/pdf/ and the description the tests read them by.

The sample brochure (raw/clust-er-innovate.txt) typeset in four layouts (one column with a
running header, a "Page N" footer and hyphenation; two columns; bold, larger titles followed by
white space; three justified columns) and once with white space as its only paragraph cue; and
small PDFs of invented text for the reader's refusals (password-protected, truncated, image-only
pages). `sample-pdfs.json` records, for each sample PDF, how it was set and on which page each
sample line starts, so the tests need no typesetting of their own.

Run from the repository root after changing this script:

    .venv/bin/python tests/data/make_pdfs.py [--out FOLDER]

The output is deterministic (reportlab's invariant mode, its bundled Vera fonts, no clock or
randomness): a rerun writes the same bytes, and tests/test_readers_pdf.py checks that the
committed files are what this script writes. reportlab is needed here and by that test only.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

# Before any other reportlab import: pdfencrypt and pdfdoc read these when they are imported.
from reportlab import rl_config

rl_config.invariant = 1
rl_config.pageCompression = 1
rl_config.useA85 = 0

import reportlab  # noqa: E402
from PIL import Image, ImageDraw  # noqa: E402
from reportlab.lib.enums import TA_JUSTIFY, TA_LEFT  # noqa: E402
from reportlab.lib.pagesizes import A4  # noqa: E402
from reportlab.lib.styles import ParagraphStyle  # noqa: E402
from reportlab.lib.utils import ImageReader  # noqa: E402
from reportlab.pdfbase import pdfmetrics  # noqa: E402
from reportlab.pdfbase.ttfonts import TTFont  # noqa: E402
from reportlab.pdfgen import canvas  # noqa: E402
from reportlab.platypus import (  # noqa: E402
    BaseDocTemplate,
    Flowable,
    Frame,
    PageTemplate,
    Paragraph,
    Spacer,
)

ROOT = Path(__file__).resolve().parents[2]
# The shared test helpers (`reformat`, `builders`) are imported by name, as the tests do.
sys.path.insert(0, str(ROOT / "tests"))

import reformat  # noqa: E402
from builders import MARKER  # noqa: E402

from evaluation.brochure import load_annotations  # noqa: E402
from extractors.layout import classify_line, split_lines  # noqa: E402
from extractors.rules import load_rules  # noqa: E402

SAMPLE = ROOT / "raw" / "clust-er-innovate.txt"
ANNOTATION = ROOT / "tests" / "data" / "clust-er-innovate.annotations.yaml"
OUT = ROOT / "tests" / "data" / "pdf"
DESCRIPTION = "sample-pdfs.json"

RULES = load_rules()
HEADER = "Clust-ER Innovate – Working groups and projects 2024"
MARGIN, GUTTER = 56.0, 18.0
BODY_SIZE, BODY_LEADING = 10.0, 13.0
# Space between paragraphs in the spacing-only copy: a paragraph gap, well short of a blank line.
PARAGRAPH_SPACE = 6.0

# reportlab's own Vera, not a system font: the same font file, so the same bytes, on any machine.
REPORTLAB_FONTS = Path(reportlab.__file__).parent / "fonts"
REGULAR, BOLD = "SampleRegular", "SampleBold"
# Vera lacks '●': it is drawn as '•' (the sample's records are the same either way).
GLYPH_FALLBACKS = {"●": "•"}


@dataclass(frozen=True)
class PdfLayout:
    """How the sample is typeset."""

    columns: int
    running_lines: bool  # a header and a "Page N" footer on every page
    emphasis: bool  # titles and headings bold; titles and group headings larger
    hyphenate: bool
    space_after_title: float = 4.0
    justify: bool = False


LAYOUTS = {
    "one-column": PdfLayout(columns=1, running_lines=True, emphasis=False, hyphenate=True),
    "two-columns": PdfLayout(columns=2, running_lines=True, emphasis=True, hyphenate=True),
    # A blank's worth of space after each title: only the font says these lines are titles.
    "bold-titles": PdfLayout(
        columns=1, running_lines=False, emphasis=True, hyphenate=False, space_after_title=18.0
    ),
    "three-columns-justified": PdfLayout(
        columns=3, running_lines=True, emphasis=True, hyphenate=True, justify=True
    ),
}


@dataclass(frozen=True)
class RenderedPdf:
    """A PDF of the sample, the text drawn in it, and the page each sample line starts on."""

    path: Path
    text: str
    line_pages: dict[int, int]
    pages: int


# --- typesetting the sample ----------------------------------------------------------------------


@cache
def register_fonts() -> None:
    """Register Vera and Vera Bold as the sample's regular and bold fonts, once."""
    pdfmetrics.registerFont(TTFont(REGULAR, str(REPORTLAB_FONTS / "Vera.ttf")))
    pdfmetrics.registerFont(TTFont(BOLD, str(REPORTLAB_FONTS / "VeraBd.ttf")))


def with_fallbacks(text: str) -> str:
    """Given the sample, replace each glyph the font lacks by its fallback."""
    for char, fallback in GLYPH_FALLBACKS.items():
        text = text.replace(char, fallback)
    return text


def hyphenate(word: str) -> list[tuple[str, str]]:
    """A small hyphenator for reportlab: break after a vowel before a consonant, three letters at
    least on each side, never before a capital; the longest head first."""
    return [
        (word[:index], word[index:])
        for index in range(len(word) - 3, 2, -1)
        if word[index - 1] in "aeiou" and word[index] not in "aeiou" and word[index:].islower()
    ]


class SourceLineParagraph(Paragraph):
    """A paragraph that remembers which sample line it draws, also in the parts it splits into."""

    def __init__(
        self, text: str | None, style: ParagraphStyle, line: int | None = None, **kwargs: Any
    ) -> None:
        super().__init__(text, style, **kwargs)
        self.source_line = line

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        parts = super().split(availWidth, availHeight)
        for part in parts:
            part.source_line = self.source_line  # type: ignore[attr-defined]
        return parts


class SampleDocument(BaseDocTemplate):
    """A document template that records the page each sample line starts on."""

    def __init__(self, filename: str, **kwargs: Any) -> None:
        super().__init__(filename, **kwargs)
        self.line_pages: dict[int, int] = {}

    def afterFlowable(self, flowable: Flowable) -> None:  # noqa: N802
        line = getattr(flowable, "source_line", None)
        if line is not None:
            self.line_pages.setdefault(line, self.page)


def render_sample(path: Path, layout: PdfLayout, text: str, titles: set[int]) -> RenderedPdf:
    """Typeset the sample: one paragraph per line, list items with a hanging indent, titles,
    group and block headings styled as `layout` says, a blank line as a line's height of white
    space kept with what follows it (so a page break does not swallow it)."""
    register_fonts()
    text = with_fallbacks(text)
    heading_font = BOLD if layout.emphasis else REGULAR
    body = ParagraphStyle(
        "body",
        fontName=REGULAR,
        fontSize=BODY_SIZE,
        leading=BODY_LEADING,
        spaceAfter=4,
        hyphenationLang=hyphenate if layout.hyphenate else "",
        alignment=TA_JUSTIFY if layout.justify else TA_LEFT,
    )
    item = ParagraphStyle(
        "item", parent=body, leftIndent=14, bulletIndent=0, bulletFontName=REGULAR
    )
    title = ParagraphStyle(
        "title",
        parent=body,
        fontName=heading_font,
        fontSize=13 if layout.emphasis else BODY_SIZE,
        leading=16 if layout.emphasis else BODY_LEADING,
        spaceBefore=6,
        spaceAfter=layout.space_after_title,
        keepWithNext=1,
    )
    group = ParagraphStyle(
        "group",
        parent=title,
        fontSize=15 if layout.emphasis else BODY_SIZE,
        leading=19 if layout.emphasis else BODY_LEADING,
        spaceAfter=4,
    )
    heading = ParagraphStyle("heading", parent=body, fontName=heading_font, keepWithNext=1)
    story: list[Flowable] = []
    for line in split_lines(text):
        if line.blank:
            blank = Spacer(1, BODY_LEADING)
            blank.keepWithNext = 1  # type: ignore[attr-defined]
            story.append(blank)
            continue
        unit = classify_line(line, RULES)
        words = escape(line.text.strip())
        if line.number in titles:
            story.append(SourceLineParagraph(words, title, line.number))
        elif unit.kind == "group":
            story.append(SourceLineParagraph(words, group, line.number))
        elif unit.kind in ("partners_heading", "role_heading"):
            story.append(SourceLineParagraph(words, heading, line.number))
        elif unit.kind == "item" and unit.marker:
            marker = line.text.strip()[: len(unit.marker)]
            story.append(
                SourceLineParagraph(escape(unit.text), item, line.number, bulletText=marker)
            )
        else:
            story.append(SourceLineParagraph(words, body, line.number))

    width, height = A4
    column = (width - 2 * MARGIN - (layout.columns - 1) * GUTTER) / layout.columns
    frames = [
        Frame(MARGIN + index * (column + GUTTER), MARGIN, column, height - 2 * MARGIN)
        for index in range(layout.columns)
    ]

    def running_lines(page: canvas.Canvas, document: BaseDocTemplate) -> None:
        if layout.running_lines:
            page.saveState()
            page.setFont(REGULAR, 8)
            page.drawString(MARGIN, height - 36, HEADER)
            page.drawCentredString(width / 2, 30, f"Page {document.page}")
            page.restoreState()

    document = SampleDocument(
        str(path),
        pagesize=A4,
        pageTemplates=[PageTemplate(frames=frames, onPage=running_lines)],
        invariant=1,
    )
    document.build(story)
    drawn = {line.number for line in split_lines(text) if not line.blank}
    assert set(document.line_pages) == drawn, "every sample line is drawn on a known page"
    return RenderedPdf(path, text, document.line_pages, document.page)


def render_spacing_only(path: Path, text: str, titles: set[int], groups: set[int]) -> RenderedPdf:
    """Typeset the sample in one column without its blank lines: one paragraph per line, set
    `PARAGRAPH_SPACE` points apart whatever the sample had between them; titles, group and block
    headings in the body's font and size, only bold; list items with a hanging indent.

    The returned text is the one drawn: the sample's non-blank lines."""
    register_fonts()
    text = with_fallbacks(text)
    body = ParagraphStyle(
        "body",
        fontName=REGULAR,
        fontSize=BODY_SIZE,
        leading=BODY_LEADING,
        spaceAfter=PARAGRAPH_SPACE,
    )
    item = ParagraphStyle(
        "item", parent=body, leftIndent=14, bulletIndent=0, bulletFontName=REGULAR
    )
    emphasised = ParagraphStyle("emphasised", parent=body, fontName=BOLD, keepWithNext=1)
    story: list[Flowable] = []
    drawn: list[str] = []
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        drawn.append(line.strip())
        marker = MARKER.match(line)
        if number in titles or number in groups or reformat.is_block_heading(line):
            story.append(SourceLineParagraph(escape(line.strip()), emphasised, number))
        elif marker:
            words = escape(line[marker.end() :].strip())
            story.append(SourceLineParagraph(words, item, number, bulletText=marker.group(1)))
        else:
            story.append(SourceLineParagraph(escape(line.strip()), body, number))
    width, height = A4
    frame = Frame(MARGIN, MARGIN, width - 2 * MARGIN, height - 2 * MARGIN)
    document = SampleDocument(
        str(path), pagesize=A4, pageTemplates=[PageTemplate(frames=[frame])], invariant=1
    )
    document.build(story)
    return RenderedPdf(path, "\n".join(drawn), document.line_pages, document.page)


def page_first_lines(rendered: RenderedPdf) -> list[int]:
    """Given a rendered sample, return the first sample line set on each page.

    Lines are set in order, so these starts give every line's page back; a page on which no
    line starts (a paragraph running over it whole) would be lost, and is refused."""
    starts: dict[int, int] = {}
    for line, page in sorted(rendered.line_pages.items()):
        assert page >= max(starts, default=1), f"line {line} is set before an earlier line"
        starts.setdefault(page, line)
    assert list(starts) == list(range(1, rendered.pages + 1)), "a line starts on every page"
    return list(starts.values())


def describe(rendered: RenderedPdf, layout: dict[str, Any], blank_lines: bool) -> dict[str, Any]:
    """Given a rendered sample, return what the tests need to know of it."""
    return {
        "file": rendered.path.name,
        "layout": layout,
        "blank_lines_drawn": blank_lines,
        "pages": rendered.pages,
        "page_first_lines": page_first_lines(rendered),
    }


def write_sample_pdfs(out: Path) -> dict[str, Any]:
    """Typeset the sample in every layout and as the spacing-only copy into `out`; return their
    description."""
    text = SAMPLE.read_text(encoding="utf-8")
    annotations = load_annotations(ANNOTATION)
    titles = reformat.title_lines(annotations)
    layouts = {}
    for name, layout in LAYOUTS.items():
        rendered = render_sample(out / f"sample-{name}.pdf", layout, text, titles)
        layouts[name] = describe(rendered, asdict(layout), blank_lines=True)
    spacing_only = render_spacing_only(
        out / "sample-spacing-only.pdf", text, titles, reformat.group_lines(annotations)
    )
    return {
        "source": SAMPLE.relative_to(ROOT).as_posix(),
        "running_header": HEADER,
        "body_leading": BODY_LEADING,
        "glyph_fallbacks": GLYPH_FALLBACKS,
        "layouts": layouts,
        "spacing_only": describe(
            spacing_only,
            {"paragraph_space": PARAGRAPH_SPACE, "emphasis": "bold only"},
            blank_lines=False,
        ),
    }


# --- small PDFs of invented text -----------------------------------------------------------------

SNIPPET = [
    "Working groups and regional projects",
    "Motor Valley Innovation Lab",
    "The lab connects motor valley companies with universities and research centres.",
    "Project partners",
    "● University of Bologna",
    "● Clust-ER MECH",
    "Role of Clust-ER Innovate",
    "Clust-ER Innovate is a partner of the project.",
]


def draw_text_page(page: canvas.Canvas, lines: list[str]) -> None:
    """Draw lines in Helvetica; a '●' bullet from ZapfDingbats, as many producers set it."""
    for index, line in enumerate(lines):
        y = 780 - 14 * index
        if line.startswith("● "):
            page.setFont("ZapfDingbats", 8)
            page.drawString(MARGIN, y, "l")
            line, x = line[2:], MARGIN + 12
        else:
            x = MARGIN
        page.setFont("Helvetica", 10)
        page.drawString(x, y, line)


def draw_image_page(page: canvas.Canvas) -> None:
    """Draw a black bar as an image: a page without a text layer, as a scan is."""
    image = Image.new("RGB", (120, 40), "white")
    ImageDraw.Draw(image).rectangle((10, 10, 110, 30), fill="black")
    page.drawImage(ImageReader(image), MARGIN, 600, width=240, height=80)


def write_pdf(path: Path, pages: list[list[str] | None], **options: Any) -> Path:
    """Write a PDF with one page per entry: lines of text, or None for a page with only an image."""
    document = canvas.Canvas(str(path), pagesize=A4, invariant=1, **options)
    for lines in pages:
        if lines is None:
            draw_image_page(document)
        else:
            draw_text_page(document, lines)
        document.showPage()
    document.save()
    return path


def write_small_pdfs(out: Path) -> None:
    """Write the small PDFs: a text page, the same locked, cut short, scanned, and mixed."""
    write_pdf(out / "snippet.pdf", [SNIPPET])
    write_pdf(out / "snippet-password-protected.pdf", [SNIPPET], encrypt="secret")
    whole = write_pdf(out / "snippet-truncated.pdf", [SNIPPET, SNIPPET]).read_bytes()
    (out / "snippet-truncated.pdf").write_bytes(whole[: len(whole) // 2])
    write_pdf(out / "image-only.pdf", [None, None])
    write_pdf(
        out / "image-only-page-among-text.pdf", [SNIPPET, None, ["Role of Clust-ER Innovate"]]
    )


def main(argv: list[str] | None = None) -> int:
    """Write every test PDF and the sample's description into the output folder."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=OUT, help=f"folder to write (default {OUT})")
    options = parser.parse_args(argv)
    out: Path = options.out
    out.mkdir(parents=True, exist_ok=True)
    description = write_sample_pdfs(out)
    write_small_pdfs(out)
    (out / DESCRIPTION).write_text(
        json.dumps(description, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
