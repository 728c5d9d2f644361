"""The output folder's layout and the brochure's name: one rule for every command."""

from __future__ import annotations

from pathlib import Path

import pytest

from schemas import OutputError
from workspace.layout import (
    OutputLayout,
    brochure_name,
    find_name_clashes,
    named_brochure,
    review_href,
)


@pytest.mark.parametrize(
    ("given", "name"),
    [
        ("raw/clust-er-innovate.txt", "clust-er-innovate"),
        ("clust-er-innovate.PDF", "clust-er-innovate"),
        ("page.html", "page"),
        ("notes.Markdown", "notes"),
        ("letter.docx", "letter"),
        ("annual.report.html", "annual.report"),
        ("clust-er-innovate", "clust-er-innovate"),
        ("report.v2", "report.v2"),
        ("report.v2.txt", "report.v2"),
    ],
)
def test_layout_brochure_name(given: str, name: str) -> None:
    assert brochure_name(given) == name


@pytest.mark.parametrize(
    ("given", "name"),
    [
        ("clust-er-innovate", "clust-er-innovate"),
        ("raw/clust-er-innovate.txt", "clust-er-innovate"),
        ("clust-er-innovate.json", "clust-er-innovate"),
        ("output/clust-er-innovate.report.html", "clust-er-innovate"),
        ("clust-er-innovate.CHANGES.json", "clust-er-innovate"),
        ("report.v2", "report.v2"),
        (".json", ".json"),
    ],
)
def test_layout_a_brochure_as_a_user_names_it(given: str, name: str) -> None:
    assert named_brochure(given) == name


def test_layout_every_file_of_a_brochure(tmp_path: Path) -> None:
    layout = OutputLayout.of(tmp_path)
    name = brochure_name("raw/Brochure 2024.PDF")
    assert layout.export(name) == tmp_path / "Brochure 2024.json"
    assert layout.review(name) == tmp_path / "Brochure 2024.report.html"
    assert layout.changes(name) == tmp_path / "Brochure 2024.changes.json"
    assert layout.catalogue == tmp_path / "catalogue.sqlite3"
    assert layout.summary == tmp_path / "run-summary.json"
    assert layout.index == tmp_path / "index.html"
    assert OutputLayout.of(tmp_path, "elsewhere.db").catalogue == Path("elsewhere.db")


@pytest.mark.parametrize("name", ["../escape", "/etc/escape", "../", "sub/a"])
def test_layout_names_that_leave_the_folder_are_refused(name: str, tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="not a plain file name"):
        OutputLayout.of(tmp_path).export(name)


def test_layout_review_links_are_relative_and_url_encoded() -> None:
    assert review_href("clust-er-innovate") == "./clust-er-innovate.report.html"
    assert review_href("javascript:alert(document.domain)") == (
        "./javascript%3Aalert%28document.domain%29.report.html"
    )
    assert review_href("a #1 100%") == "./a%20%231%20100%25.report.html"


def test_layout_name_clashes_keep_the_first_and_name_the_owner(tmp_path: Path) -> None:
    first, second, third = tmp_path / "a.txt", tmp_path / "a.pdf", tmp_path / "sub" / "a.txt"
    summary = tmp_path / "run-summary.txt"
    changes = tmp_path / "a.changes.md"
    table = tmp_path / "organisations.txt"
    clashes = find_name_clashes([first, second, third, summary, changes, table])
    assert set(clashes) == {second, third, summary, changes, table}
    assert "reserved" in clashes[table]
    assert str(first) in clashes[second]
    assert "reserved" in clashes[summary]
    assert "reserved" in clashes[changes]
