"""Reading HTML pages: the main content one block per line, page furniture left out by its
structure, headings as title evidence, element paths on evidence, clear errors for bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from builders import write_file
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flows.cli import main
from readers.formats import read_source
from readers.html import declared_encoding, html_lines, read_html_source
from readers.source import join_kept_lines
from schemas import InputError, Settings
from workspace.service import extract_brochure

SETTINGS = Settings()

# A consortium page whose navigation, banner and footer repeat the partners' names.
CONSORTIUM_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Consortium &ndash; AQUAFLOW</title>
<style>.nav { color: red }</style><script>var partners = ["Nowhere Institute"];</script>
</head><body>
<div class="cookie-consent">We use cookies. <button>Accept</button></div>
<header><a href="/">AQUAFLOW home</a>
  <nav><ul><li><a href="/about/">About</a></li><li><a href="/partners/">Partners</a></li>
  <li><a href="/uni-tarvos/">University of Tarvos</a></li></ul></nav></header>
<main>
  <h1>AQUAFLOW <a class="headerlink" href="#top">&para;</a></h1>
  <p>AQUAFLOW develops low-cost sensors for monitoring water quality in rivers&nbsp;and lakes.</p>
  <!-- <p>Old text: Hidden Foundation was a partner.</p> -->
  <?php echo "<p>Server-side text</p>"; if ($a > 1) { echo "x"; } ?>
  <h2>Project partners</h2>
  <ul>
    <li>University of Tarvos</li>
    <li>Lakeside Water Company</li>
    <li>Institute for Hydrology Research</li>
  </ul>
</main>
<aside><h3>Related</h3><p>University of Tarvos news and Lakeside Water Company events.</p></aside>
<footer><p>Coordinator: University of Tarvos &middot; Lakeside Water Company</p></footer>
</body></html>
"""


def lines_of(markup: str) -> list[str]:
    return [line.text for line in html_lines(markup).lines]


def test_html_reader_keeps_the_main_content_and_leaves_furniture_out(tmp_path: Path) -> None:
    source = read_html_source(write_file(tmp_path, "page.html", CONSORTIUM_PAGE), SETTINGS)
    assert source.format == "html"
    assert source.text.split("\n") == [
        "Consortium – AQUAFLOW",
        "AQUAFLOW",
        "AQUAFLOW develops low-cost sensors for monitoring water quality in rivers and lakes.",
        "Project partners",
        "- University of Tarvos",
        "- Lakeside Water Company",
        "- Institute for Hydrology Research",
    ]
    assert source.emphasised_lines == frozenset({2, 4})  # the <title> is no heading of the page


def test_html_reader_furniture_names_do_not_become_partners_or_projects(tmp_path: Path) -> None:
    extraction = extract_brochure(write_file(tmp_path, "aquaflow.html", CONSORTIUM_PAGE))
    assert extraction.document.format == "html"
    assert [project.title for project in extraction.projects] == ["AQUAFLOW"]
    assert [partner.name for partner in extraction.projects[0].partners] == [
        "University of Tarvos",
        "Lakeside Water Company",
        "Institute for Hydrology Research",
    ]


def test_html_reader_evidence_names_the_element_of_each_value(tmp_path: Path) -> None:
    extraction = extract_brochure(write_file(tmp_path, "aquaflow.html", CONSORTIUM_PAGE))
    project = extraction.projects[0]
    assert project.title_evidence is not None
    assert project.title_evidence.element == "body > main > h1"
    assert [partner.evidence.element for partner in project.partners if partner.evidence] == [
        f"body > main > ul > li:nth-of-type({number})" for number in (1, 2, 3)
    ]


@pytest.mark.parametrize("level", [1, 2, 3, 4, 5, 6])
def test_html_reader_headings_of_every_level_are_emphasised_lines(level: int) -> None:
    read = html_lines(f"<p>Intro text here.</p><h{level}>Heading {level}</h{level}><p>Body.</p>")
    assert [(line.text, line.heading) for line in read.lines] == [
        ("Intro text here.", False),
        (f"Heading {level}", True),
        ("Body.", False),
    ]
    assert read.lines[1].element == f"body > h{level}"


def test_html_reader_nested_lists_indent_two_spaces_per_level() -> None:
    markup = """<ul><li>Work package 1
      <ul><li>Task 1.1<ol><li>Step one</li></ol></li><li>Task 1.2</li></ul></li>
      <li>Work package 2<br>(led by the coordinator)</li></ul>"""
    assert lines_of(markup) == [
        "- Work package 1",
        "  - Task 1.1",
        "    - Step one",
        "  - Task 1.2",
        "- Work package 2",
        "(led by the coordinator)",
    ]


def test_html_reader_table_rows_are_lines_of_tab_separated_cells(tmp_path: Path) -> None:
    page = """<html><head><title>RIVERSAFE partners</title></head><body><main>
      <h1>RIVERSAFE</h1>
      <p>RIVERSAFE builds flood warning services for alpine valleys and their towns.</p>
      <table><caption>Consortium</caption>
        <thead><tr><th>Partner</th><th>Country</th></tr></thead>
        <tbody><tr><td>Alpine Research Institute</td><td>Austria</td></tr>
        <tr><td><p>Valley Water Authority</p></td><td>Italy</td></tr></tbody>
      </table></main></body></html>"""
    source = read_html_source(write_file(tmp_path, "riversafe.htm", page), SETTINGS)
    assert source.text.split("\n")[-4:] == [
        "Consortium",
        "Partner\tCountry",
        "Alpine Research Institute\tAustria",
        "Valley Water Authority\tItaly",
    ]
    assert source.line_elements is not None
    assert source.line_elements[-1] == "body > main > table > tbody > tr:nth-of-type(2)"
    extraction = extract_brochure(tmp_path / "riversafe.htm")
    assert [partner.name for partner in extraction.projects[0].partners] == [
        "Alpine Research Institute",
        "Valley Water Authority",
    ]


def test_html_reader_a_heading_over_a_group_of_cards_is_set_apart_by_a_blank_line() -> None:
    cards = """<h3>EU projects</h3>
      <div class="card"><h4>ALPHA: Alpine flood forecasting</h4><p>Duration: 2024-2027</p></div>
      <div class="card"><h4>BETA: Basin water quality</h4><p>Duration: 2025-2028</p></div>"""
    text, headings, _ = join_kept_lines(html_lines(cards).lines)
    assert text.split("\n") == [
        "EU projects",
        "",
        "ALPHA: Alpine flood forecasting",
        "Duration: 2024-2027",
        "BETA: Basin water quality",
        "Duration: 2025-2028",
    ]
    assert headings == frozenset({1, 3, 5})
    package = "<div><h3>WP1: Sensors</h3><h4>Tasks</h4><ul><li>Build the sensors</li></ul></div>"
    text, _, _ = join_kept_lines(html_lines(package).lines)
    assert text.split("\n") == ["WP1: Sensors", "Tasks", "- Build the sensors"]


def test_html_reader_a_table_of_one_column_lays_out_blocks() -> None:
    markup = "<table><tr><td><h2>Title</h2><p>First.</p></td></tr><tr><td>Second.</td></tr></table>"
    assert lines_of(markup) == ["Title", "First.", "Second."]


def test_html_reader_definition_lists_and_line_breaks_give_lines() -> None:
    markup = "<dl><dt>Coordinator</dt><dd>University of Tarvos</dd></dl><p>One<br/>Two</p>"
    assert lines_of(markup) == ["Coordinator", "University of Tarvos", "One", "Two"]


def test_html_reader_ignores_scripts_styles_comments_and_processing_instructions() -> None:
    markup = """<body><script>document.write("Script text")</script><style>p{}</style>
      <!-- A comment --><?php if ($a > 1) { echo "Server text"; } ?><noscript>Enable JS</noscript>
      <template><p>Template text</p></template><p>Visible &amp; decoded &eacute;</p>
      <p hidden>Hidden text</p><p style="display: none">Invisible text</p></body>"""
    assert lines_of(markup) == ["Visible & decoded é"]


def test_html_reader_leaves_out_an_on_this_page_table_of_contents() -> None:
    markup = """<main><h1>Who we are</h1><p>We are a consortium of seven partners.</p>
      <div class="toc"><p>On this page</p>
        <ul><li><a href="#one">Partner one</a></li><li><a href="#two">Partner two</a></li></ul>
      </div>
      <h2 id="one">Partner one</h2><p>The first partner.</p>
      <h2 id="two">Partner two</h2><p>The second partner.</p></main>"""
    assert lines_of(markup) == [
        "Who we are",
        "We are a consortium of seven partners.",
        "Partner one",
        "The first partner.",
        "Partner two",
        "The second partner.",
    ]


def test_html_reader_a_summary_list_linking_to_its_sections_is_content() -> None:
    markup = """<main><ul><li><a href="#a">ALPHA</a><br>(A long full name of the first one)</li>
      <li><a href="#b">BETA</a><br>(A long full name of the second one)</li></ul></main>"""
    assert lines_of(markup) == [
        "- ALPHA",
        "(A long full name of the first one)",
        "- BETA",
        "(A long full name of the second one)",
    ]


def test_html_reader_without_main_drops_the_sidebar_of_links_beside_the_content() -> None:
    tags = "".join(f'<li><a href="/tags/{word}/">{word}</a></li>' for word in "abcdefgh")
    markup = f"""<body><div id="all"><div class="banner"><h1>Consortium</h1></div>
      <div class="row">
        <div class="column"><p>The project consortium is made of the following partners.</p>
          <h3>University of Tarvos</h3><p>A university in the north of the region.</p></div>
        <div class="sidebar"><div class="panel"><h3>Tags</h3><ul>{tags}</ul></div>
          <div class="panel"><h3>Categories</h3><ul><li><a href="/c/all">All (74)</a></li>
          <li><a href="/c/news">News (3)</a></li></ul></div></div>
      </div></div></body>"""
    assert lines_of(markup) == [
        "Consortium",
        "The project consortium is made of the following partners.",
        "University of Tarvos",
        "A university in the north of the region.",
    ]


def test_html_reader_an_external_link_list_in_the_content_is_kept() -> None:
    markup = """<main><h2>Partners</h2><ul>
      <li><a href="https://tarvos.example">University of Tarvos</a></li>
      <li><a href="https://lakeside.example">Lakeside Water Company</a></li></ul></main>"""
    assert lines_of(markup) == ["Partners", "- University of Tarvos", "- Lakeside Water Company"]


def test_html_reader_header_inside_an_article_is_content() -> None:
    markup = """<body><header><p>Site banner</p></header><article><header><h1>GREENPORT</h1>
      </header><p>The port observatory.</p><footer>Posted in News</footer></article></body>"""
    assert lines_of(markup) == ["GREENPORT", "The port observatory.", "Posted in News"]


@pytest.mark.parametrize(
    ("head", "encoded", "encoding"),
    [
        ('<meta charset="windows-1252">', "Università".encode("cp1252"), "cp1252"),
        (
            '<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1">',
            "Università".encode("latin-1"),
            "cp1252",
        ),
        ('<meta charset="utf-8">', "Università".encode(), "utf-8"),
    ],
    ids=["meta-charset", "http-equiv-latin1", "utf-8"],
)
def test_html_reader_uses_the_declared_encoding(
    tmp_path: Path, head: str, encoded: bytes, encoding: str
) -> None:
    data = f"<html><head>{head}</head><body><p>".encode("ascii") + encoded + b"</p></body></html>"
    assert declared_encoding(data) == encoding
    source = read_html_source(write_file(tmp_path, "page.html", data), SETTINGS)
    assert (source.text, source.encoding, source.warnings) == ("Università", encoding, ())


def test_html_reader_detects_an_undeclared_legacy_encoding(tmp_path: Path) -> None:
    data = "<p>Università di Bologna</p>".encode("cp1252")
    source = read_html_source(write_file(tmp_path, "page.html", data), SETTINGS)
    assert source.text == "Università di Bologna"
    assert [warning.code for warning in source.warnings] == ["legacy_encoding"]


def test_html_reader_falls_back_when_the_declared_charset_is_wrong(tmp_path: Path) -> None:
    data = '<meta charset="utf-8"><p>Universit\xe0 di Bologna</p>'.encode("cp1252")
    source = read_html_source(write_file(tmp_path, "page.html", data), SETTINGS)
    assert source.text == "Università di Bologna"
    assert [warning.code for warning in source.warnings] == ["encoding_guessed", "legacy_encoding"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "is empty (0 bytes)"),
        (b"   \n\t  ", "holds only white space"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "is named .html but is not an HTML page"),
        (b"Just a line of plain text.\n", "is named .html but is not an HTML page"),
        (
            b"<html><body><nav><a href='/'>Home</a></nav><footer>(c) 2026</footer></body></html>",
            "has no text once its page furniture",
        ),
        (b"<html><head><script>render()</script></head><body></body></html>", "no visible text"),
    ],
    ids=["empty", "white-space", "binary", "no-tags", "only-furniture", "only-scripts"],
)
def test_html_reader_bad_input_is_an_input_error_naming_the_file(
    tmp_path: Path, data: bytes, message: str
) -> None:
    path = write_file(tmp_path, "bad.html", data)
    with pytest.raises(InputError) as raised:
        read_source(path, SETTINGS)
    assert raised.value.path == str(path)
    assert message in str(raised.value)


def test_html_reader_the_size_limit_applies(tmp_path: Path) -> None:
    path = write_file(tmp_path, "big.html", "<p>" + "x" * 2000 + "</p>")
    with pytest.raises(InputError, match="over the limit of 1,000"):
        read_source(path, Settings(max_file_bytes=1000))


def test_html_reader_hostile_nesting_is_read_without_overflowing(tmp_path: Path) -> None:
    page = "<div>" * 5000 + "<p>Deep text.</p>" + "</div>" * 5000
    assert lines_of(page) == ["Deep text."]


def test_html_reader_cli_extract_prints_the_export_of_a_page(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_file(tmp_path, "aquaflow.html", CONSORTIUM_PAGE)
    assert main(["extract", str(path), "--corrections", str(tmp_path)]) == 0
    export = json.loads(capsys.readouterr().out)
    assert export["document"]["format"] == "html"
    assert export["projects"][0]["partners"][0]["evidence"]["element"].endswith("li:nth-of-type(1)")


FRAGMENTS = st.sampled_from(
    [
        "<p>", "</p>", "<ul>", "<li>", "</li>", "</ul>", "<table>", "<tr>", "<td>", "</td>",
        "<h2>", "</h2>", "<nav>", "</nav>", "<main>", "</main>", "<br>", "<script>", "</script>",
        "<!--", "-->", "<?php ", " ?>", "&amp;", "&#0;", "\t", "\n", "University of Tarvos",
        "a > b", "<a href='#x'>", "</a>", "<div hidden>", "</div>", "<dl><dt>", "<dd>",
    ]
)  # fmt: skip


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(pieces=st.lists(FRAGMENTS, max_size=40))
def test_html_reader_any_markup_gives_lines_or_an_input_error(
    tmp_path: Path, pieces: list[str]
) -> None:
    path = write_file(tmp_path, "any.html", "<html><body>" + "".join(pieces))
    try:
        source = read_html_source(path, SETTINGS)
    except InputError:
        return
    assert source.line_elements is not None
    assert len(source.line_elements) == source.text.count("\n") + 1
    assert all(line == line.rstrip() for line in source.text.split("\n"))


PROJECT_CARDS = """<html><body><main>
<h1>Our projects</h1>
<article>
<h2>SEAFARM</h2>
<p><em>Sustainable Aquaculture Farming in the Adriatic</em></p>
<p>SEAFARM supports small fish farms in adopting low-impact feeding and monitoring.</p>
<dl>
<dt>Lead partner</dt><dd>University of Valverde</dd>
<dt>Partners</dt><dd>Institute of Agronomy; Lakeside Water Authority</dd>
</dl>
</article>
<article>
<h2>PORTS4ALL – Passenger ports for everyone</h2>
<p>The project improves the accessibility of passenger ports for people with reduced mobility.</p>
<table>
<tr><th>Partner</th><th>Country</th><th>Role</th></tr>
<tr><td>Port Authority of Valverde</td><td>Italy</td><td>Lead partner</td></tr>
<tr><td>Hill Farmers Association</td><td>Austria</td><td>Partner</td></tr>
</table>
</article>
</main></body></html>
"""


def test_html_project_cards_with_subtitle_definition_list_and_role_table(tmp_path: Path) -> None:
    from workspace.service import extract_brochure

    extraction = extract_brochure(write_file(tmp_path, "projects.html", PROJECT_CARDS))

    assert [
        (
            project.acronym,
            project.title,
            [(partner.name, partner.consortium_role) for partner in project.partners],
        )
        for project in extraction.projects
    ] == [
        (
            "SEAFARM",
            "Sustainable Aquaculture Farming in the Adriatic",
            [
                ("University of Valverde", "lead_partner"),
                ("Institute of Agronomy", None),
                ("Lakeside Water Authority", None),
            ],
        ),
        (
            "PORTS4ALL",
            "Passenger ports for everyone",
            [("Port Authority of Valverde", "lead_partner"), ("Hill Farmers Association", None)],
        ),
    ]
