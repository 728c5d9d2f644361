"""The network of organisations and projects: the most connected named in order, names escaped,
the same picture for the same organisations, a bounded picture of a large network, and the
index page's section."""

from __future__ import annotations

import re

import pytest
from builders import html_elements, make_organisation

from reports.network import NetworkPicture, render_network
from reports.pages import IndexEntry, render_index
from schemas.organisations import Organisation
from schemas.run import IndexCounts

HOSTILE = 'Lab <script>alert("x")</script> & Co'


def parse(markup: str) -> list[tuple[str, dict[str, str], str]]:
    """The tag, attributes and own text (decoded) of every element of `markup`."""
    return html_elements(markup, own_text=True)


def labels(picture: NetworkPicture) -> list[str]:
    """The names written on the picture, in the order they are drawn."""
    return [text for tag, attrs, text in parse(picture.svg) if attrs.get("font-weight") == "600"]


def tooltips(picture: NetworkPicture, tag: str) -> list[str]:
    """The tooltips of the picture's nodes of one shape: `circle` (organisations), `rect`
    (projects)."""
    elements = parse(picture.svg)
    return [
        elements[index + 1][2]
        for index, (name, _, _) in enumerate(elements[:-1])
        if name == tag and elements[index + 1][0] == "title"
    ]


def drawn(organisations: list[Organisation], **caps: int) -> NetworkPicture:
    picture = render_network(organisations, **caps)
    assert picture is not None
    return picture


@pytest.fixture
def organisations() -> list[Organisation]:
    return [
        make_organisation("Delta Lab", "p1"),
        make_organisation("Beta Region", "p1", "p2", type="public_body"),
        make_organisation("alpha Cluster", "p2", "p3", type="cluster_association"),
        make_organisation(
            "Gamma University", "p1", "p2", "p3", type="university_or_research_centre"
        ),
        make_organisation("Epsilon Works", "p4", type="company"),
    ]


def test_network_names_the_most_connected_in_order(organisations: list[Organisation]) -> None:
    picture = drawn(organisations, named=3)

    assert [(item.rank, item.id, item.projects) for item in picture.named] == [
        (1, "gamma-university", 3),
        (2, "alpha-cluster", 2),  # ties by name, whatever the case
        (3, "beta-region", 2),
    ]
    assert labels(picture) == ["Gamma University", "alpha Cluster", "Beta Region"]
    assert sorted(tooltips(picture, "circle")) == [
        "Beta Region: public body, 2 projects",
        "Delta Lab: type unknown, 1 project",
        "Epsilon Works: company, 1 project",
        "Gamma University: university or research centre, 3 projects",
        "alpha Cluster: cluster association, 2 projects",
    ]
    assert tooltips(picture, "rect") == [
        f"Project {project} (project {project} of agency.txt)"
        for project in ("p1", "p2", "p3", "p4")
    ]
    assert picture.caption == "5 organisations in 4 projects."


def test_network_colours_organisations_by_type_with_a_legend(
    organisations: list[Organisation],
) -> None:
    picture = drawn(organisations)
    elements = parse(picture.svg)
    fills = {
        elements[index + 1][2].split(":")[0]: attrs["fill"]
        for index, (tag, attrs, _) in enumerate(elements[:-1])
        if tag == "circle" and elements[index + 1][0] == "title"
    }
    legend = [
        text
        for tag, attrs, text in elements
        if tag == "text" and "font-weight" not in attrs and text != picture.caption
    ]

    assert fills["Epsilon Works"] == next(i.colour for i in picture.named if i.type == "company")
    assert len(set(fills.values())) == 5
    assert legend == [
        "public body",
        "university or research centre",
        "cluster association",
        "company",
        "type unknown",
        "project",
    ]


def test_network_escapes_names_from_documents() -> None:
    hostile = [
        make_organisation(HOSTILE, "p1", "p2", id="lab"),
        make_organisation("Smith & Sons <Ltd>", "p1"),
    ]
    picture = drawn(hostile)
    page = render_index([], picture)

    assert "<script>" not in picture.svg and "<script>" not in page
    assert "<Ltd>" not in picture.svg
    assert "Lab &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; Co" in picture.svg
    assert "&amp;amp;" not in picture.svg and "&amp;amp;" not in page
    # A label longer than 32 characters is cut; the list beside the picture has it whole.
    assert labels(picture) == ['Lab <script>alert("x")</script>…', "Smith & Sons <Ltd>"]
    items = [text for tag, _, text in parse(page) if tag == "li"]
    assert [item.strip() for item in items] == [HOSTILE, "Smith & Sons <Ltd>"]


def test_network_same_organisations_give_the_same_picture(
    organisations: list[Organisation],
) -> None:
    first = drawn(organisations)

    assert drawn(organisations) == first
    assert drawn(list(reversed(organisations))).svg == first.svg


def test_network_draws_no_organisation_in_no_project_and_no_person(
    organisations: list[Organisation],
) -> None:
    others = [
        make_organisation("Lonely Foundation", type="foundation"),
        make_organisation("Ada Lovelace", "p1", type="person"),
    ]
    picture = drawn(organisations + others)

    assert "Lonely Foundation" not in picture.svg and "Ada Lovelace" not in picture.svg
    assert picture.organisations_drawn == 5 and picture.organisations_in_no_project == 1
    assert picture.caption == (
        "5 organisations in 4 projects. Not drawn: 1 organisation in no project."
    )


def test_network_is_none_when_no_organisation_is_in_a_project() -> None:
    assert render_network([make_organisation("Lonely Foundation")]) is None
    assert render_network([]) is None


def test_network_large_input_is_capped_and_says_what_it_left_out() -> None:
    # 400 organisations in 5 projects each; organisation i shares its projects with i + 200.
    many = [
        make_organisation(
            f"Organisation {number:03d}",
            *(f"p{(number * 5 + offset) % 1000}" for offset in range(5)),
        )
        for number in range(400)
    ]
    picture = drawn(many)
    edges = next(attrs["d"] for tag, attrs, _ in parse(picture.svg) if tag == "path")

    assert (picture.organisations_drawn, picture.projects_drawn) == (60, 120)
    assert (picture.organisations_left_out, picture.projects_left_out) == (340, 880)
    assert len(tooltips(picture, "circle")) == 60 and len(tooltips(picture, "rect")) == 120
    assert edges.count("M") == 120  # every project drawn joins one organisation drawn
    assert [item.name for item in picture.named] == [f"Organisation {n:03d}" for n in range(10)]
    assert picture.caption == (
        "The 60 most connected of 400 organisations and 120 of 1,000 projects;"
        " left out: 340 organisations and 880 projects."
    )
    assert picture.caption in picture.svg


def test_network_every_organisation_drawn_keeps_a_project() -> None:
    many = [make_organisation(f"Organisation {n}", f"a{n}", f"b{n}") for n in range(6)]
    picture = drawn(many, most_organisations=4, most_projects=5)
    edges = next(attrs["d"] for tag, attrs, _ in parse(picture.svg) if tag == "path")
    starts = {tuple(segment.split("L")[0].split()) for segment in edges.split("M")[1:]}

    assert (picture.organisations_drawn, picture.projects_drawn) == (4, 5)
    assert len(starts) == 4


@pytest.mark.parametrize(
    ("caps", "message"),
    [
        ({"named": 0}, "named must be at least 1, got 0"),
        ({"most_organisations": 30, "most_projects": 20}, "most_organisations <= most_projects"),
        ({"most_organisations": 200, "most_projects": 300}, "must stay under 500, got 200 + 300"),
    ],
)
def test_network_refuses_caps_it_cannot_draw(
    organisations: list[Organisation], caps: dict[str, int], message: str
) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        render_network(organisations, **caps)


def _luminance(colour: str) -> float:
    channels = [int(colour[index : index + 2], 16) / 255 for index in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_network_is_an_accessible_image(organisations: list[Organisation]) -> None:
    picture = drawn(organisations, named=2)
    elements = parse(picture.svg)
    (svg_tag, svg, _) = elements[0]
    background = next(attrs["fill"] for tag, attrs, _ in elements if tag == "rect")
    text_colours = {attrs["fill"] for tag, attrs, _ in elements if tag == "text"}
    ratios = [
        (_luminance(background) + 0.05) / (_luminance(colour) + 0.05) for colour in text_colours
    ]

    assert svg_tag == "svg" and svg["role"] == "img"
    assert svg["aria-labelledby"] == "network-title network-desc"
    assert [text for tag, attrs, text in elements if attrs.get("id") == "network-title"] == [
        "Who works with whom: organisations and the projects they are named in"
    ]
    description = next(text for tag, attrs, text in elements if tag == "desc")
    assert description.startswith("5 organisations in 4 projects.")
    assert description.endswith(
        "The most connected: Gamma University (3 projects), alpha Cluster (2 projects)."
    )
    assert background == "#ffffff" and min(ratios) >= 4.5
    assert not re.search(r"https?://|<script|<image|<use|@import|url\(", picture.svg)


def test_index_shows_who_works_with_whom_given_a_picture(
    organisations: list[Organisation],
) -> None:
    picture = drawn(organisations, named=2)
    entries = [IndexEntry("agency.txt", "agency.report.html", summary=IndexCounts(projects=4))]
    page = render_index(entries, picture)
    elements = parse(page)
    items = [text for tag, _, text in elements if tag == "li"]
    facts = [
        " ".join(text.split()) for tag, attrs, text in elements if attrs.get("class") == "muted"
    ]

    assert [text for tag, _, text in elements if tag == "h2"] == ["Who works with whom"]
    assert str(picture.svg) in page
    assert [item.strip() for item in items] == ["Gamma University", "alpha Cluster"]
    assert facts[1:] == [
        "· university or research centre · 3 projects ·",
        "· cluster association · 2 projects ·",
    ]
    assert [text for tag, _, text in elements if tag == "code"] == [
        "gamma-university",
        "alpha-cluster",
    ]
    assert not re.search(r"https?://|<script", page)


def test_index_without_a_picture_has_no_network_section() -> None:
    entries = [IndexEntry("agency.txt", "agency.report.html", summary=IndexCounts(projects=4))]
    page = render_index(entries)

    assert page == render_index(entries, None)
    assert "Who works with whom" not in page and "<svg" not in page
