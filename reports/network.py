"""Who works with whom: the network of organisations and projects, drawn as an inline SVG.

The network is bipartite: an organisation is joined to a project (a brochure's project id) when it
is named in it. People are not drawn, only organisations. The most connected organisations (most
projects; ties by name) are named on the picture and listed beside it as text. A large network is
cut to the most connected organisations and the projects that join them most, and the picture
says how many it left out, so thousands of organisations still give a picture one can read.

The layout is networkx's spring layout (Fruchterman-Reingold), each connected part laid out alone
from a fixed seed with its nodes and edges added in rank order, so the same organisations give
the same picture byte for byte, whatever their order. Every name is escaped by `Markup.format`:
names come from documents. The SVG has no namespace URL, no script, font or image: it is meant
to stand inline in an HTML page.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import networkx as nx
from markupsafe import Markup

from schemas.organisations import Organisation, OrganisationType

ProjectKey = tuple[str, str]
"""A project: its brochure and its id there."""

_TYPES: dict[OrganisationType | None, tuple[str, str]] = {
    "public_body": ("public body", "#1f5fbf"),
    "university_or_research_centre": ("university or research centre", "#b8560b"),
    "cluster_association": ("cluster association", "#1a7f4b"),
    "company": ("company", "#8e3fb3"),
    "trade_union_or_business_association": ("trade union or business association", "#b3243b"),
    "foundation": ("foundation", "#00758f"),
    None: ("type unknown", "#6b7280"),
}
"""Each organisation type's words and colour; every colour keeps 4.5:1 against white (the edges'
grey and the projects' outline 3:1)."""

_INK = "#1d2330"
_MUTED = "#555e70"
_EDGE = "#8a93a3"
_PROJECT_STROKE = "#667085"
_FONT = '-apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif'

_WIDTH = 960
_CAPTION_HEIGHT = 30
_PLOT_HEIGHT = 560
_MARGIN = 20
_LEGEND_ROW = 22
_PROJECT_SIDE = 7.0
_LABEL_SIZE = 12
# A generous advance of the bold sans-serif at 12px: labels kept apart and inside the picture.
_CHARACTER_WIDTH = 7.2
_LABEL_CHARACTERS = 32

_LAYOUT_SEED = 20
_LAYOUT_ITERATIONS = 50
# networkx lays out 500 nodes or more with scipy's sparse matrices, which the project does not
# install; the caps keep the picture under that, and readable.
_LAYOUT_NODE_LIMIT = 500

DEFAULT_NAMED = 10
DEFAULT_MOST_ORGANISATIONS = 60
DEFAULT_MOST_PROJECTS = 120


@dataclass(frozen=True)
class ConnectedOrganisation:
    """One of the most connected organisations, as the list beside the picture shows it."""

    rank: int
    id: str
    name: str
    type: OrganisationType | None
    type_label: str
    colour: str
    projects: int


@dataclass(frozen=True)
class NetworkPicture:
    """The network as an inline SVG, the organisations it names, and what it drew and left out."""

    svg: Markup
    named: tuple[ConnectedOrganisation, ...]
    caption: str
    organisations_drawn: int
    projects_drawn: int
    organisations_left_out: int
    projects_left_out: int
    organisations_in_no_project: int


@dataclass(frozen=True)
class _Member:
    """An organisation of the network: the record and its projects."""

    organisation: Organisation
    projects: frozenset[ProjectKey]


@dataclass(frozen=True)
class _Selection:
    """The organisations and projects to draw (the most connected first), and the totals."""

    members: list[_Member]
    projects: list[ProjectKey]
    titles: dict[ProjectKey, str]
    total_members: int
    total_projects: int
    in_no_project: int


def render_network(
    organisations: Sequence[Organisation],
    *,
    named: int = DEFAULT_NAMED,
    most_organisations: int = DEFAULT_MOST_ORGANISATIONS,
    most_projects: int = DEFAULT_MOST_PROJECTS,
) -> NetworkPicture | None:
    """Given the resolved organisations, return the picture of who works with whom; None when
    no organisation is named in a project.

    `named` organisations, the most connected, are named on the picture; at most
    `most_organisations` organisations and `most_projects` projects are drawn.
    """
    if named < 1:
        raise ValueError(f"named must be at least 1, got {named}")
    if not 1 <= most_organisations <= most_projects:
        raise ValueError(
            "need 1 <= most_organisations <= most_projects (every organisation drawn keeps a"
            f" project), got most_organisations={most_organisations},"
            f" most_projects={most_projects}"
        )
    if most_organisations + most_projects >= _LAYOUT_NODE_LIMIT:
        raise ValueError(
            f"most_organisations + most_projects must stay under {_LAYOUT_NODE_LIMIT}, got"
            f" {most_organisations} + {most_projects}: give smaller caps"
        )
    selection = _select_network(organisations, most_organisations, most_projects)
    if not selection.members:
        return None
    positions = _lay_out(selection)
    listed = tuple(
        _connected(rank, member) for rank, member in enumerate(selection.members[:named], 1)
    )
    caption = _caption(selection)
    return NetworkPicture(
        svg=_svg(selection, positions, listed, caption),
        named=listed,
        caption=caption,
        organisations_drawn=len(selection.members),
        projects_drawn=len(selection.projects),
        organisations_left_out=selection.total_members - len(selection.members),
        projects_left_out=selection.total_projects - len(selection.projects),
        organisations_in_no_project=selection.in_no_project,
    )


# --- which organisations and projects ------------------------------------------------------------


def _select_network(
    organisations: Iterable[Organisation], most_organisations: int, most_projects: int
) -> _Selection:
    """Given organisations, return the ones to draw and their projects, the most connected first.

    Organisations rank by their number of projects, ties by name; the first `most_organisations`
    are kept. Projects rank by how many kept organisations they join, ties by brochure and id;
    each kept organisation keeps its best-ranked project, the rest are filled in rank order up to
    `most_projects`.
    """
    members: list[_Member] = []
    in_no_project = 0
    for organisation in organisations:
        if organisation.type == "person":
            continue
        keys = frozenset(
            (project.brochure, project.project_id) for project in organisation.projects
        )
        if keys:
            members.append(_Member(organisation, keys))
        else:
            in_no_project += 1
    members.sort(
        key=lambda member: (
            -len(member.projects),
            member.organisation.name.casefold(),
            member.organisation.name,
            member.organisation.id,
        )
    )
    all_projects = {key for member in members for key in member.projects}
    kept = members[:most_organisations]
    joined: dict[ProjectKey, int] = {}
    for member in kept:
        for key in member.projects:
            joined[key] = joined.get(key, 0) + 1
    ranked = sorted(joined, key=lambda key: (-joined[key], key))
    if len(ranked) > most_projects:
        place = {key: index for index, key in enumerate(ranked)}
        chosen = {min(member.projects, key=place.__getitem__) for member in kept}
        for key in ranked:
            if len(chosen) >= most_projects:
                break
            chosen.add(key)
        ranked = [key for key in ranked if key in chosen]
    titles: dict[ProjectKey, str] = {}
    for member in kept:
        for project in member.organisation.projects:
            key = (project.brochure, project.project_id)
            if project.title and key not in titles:
                titles[key] = project.title
    return _Selection(
        members=kept,
        projects=ranked,
        titles=titles,
        total_members=len(members),
        total_projects=len(all_projects),
        in_no_project=in_no_project,
    )


# --- layout --------------------------------------------------------------------------------------

_Node = tuple[str, ...]
_Point = tuple[float, float]


def _organisation_node(member: _Member) -> _Node:
    return ("organisation", member.organisation.id)


def _project_node(key: ProjectKey) -> _Node:
    return ("project", *key)


def _lay_out(selection: _Selection) -> dict[_Node, _Point]:
    """Given what to draw, return each node's place in the picture's plot area (pixels).

    Each connected part is laid out on its own (a spring layout alone would push a small part
    far from the rest and leave the picture empty between them), then the parts are packed in
    rows, the largest first, each in a square whose area grows with its number of nodes. Nodes
    and edges go into every graph in rank order and each layout starts from a fixed seed, so the
    same selection always gets the same places.
    """
    graph = nx.Graph()
    drawn = set(selection.projects)
    graph.add_nodes_from(_organisation_node(member) for member in selection.members)
    graph.add_nodes_from(_project_node(key) for key in selection.projects)
    graph.add_edges_from(
        (_organisation_node(member), _project_node(key))
        for member in selection.members
        for key in sorted(member.projects & drawn)
    )
    order = {node: index for index, node in enumerate(graph)}
    parts = sorted(
        (sorted(part, key=order.__getitem__) for part in nx.connected_components(graph)),
        key=lambda part: (-len(part), order[part[0]]),
    )
    cells = [len(part) ** 0.5 for part in parts]
    aspect = (_WIDTH - 2 * _MARGIN) / (_PLOT_HEIGHT - 2 * _MARGIN)
    row_width = max(max(cells), (sum(cell * cell for cell in cells) * aspect) ** 0.5)
    points: dict[_Node, _Point] = {}
    x = y = row_height = 0.0
    for part, cell in zip(parts, cells, strict=True):
        if x > 0 and x + cell > row_width:
            x, y, row_height = 0.0, y + row_height, 0.0
        for node, (px, py) in _spring_layout(graph, part).items():
            # 0.42 of the cell's side: the part's layout spans at most -1..1, margins between.
            points[node] = (x + cell / 2 + px * cell * 0.42, y + cell / 2 + py * cell * 0.42)
        x += cell
        row_height = max(row_height, cell)
    return _fit(
        points,
        left=_MARGIN,
        top=_CAPTION_HEIGHT + _MARGIN,
        width=_WIDTH - 2 * _MARGIN,
        height=_PLOT_HEIGHT - 2 * _MARGIN,
    )


def _spring_layout(graph: nx.Graph, part: list[_Node]) -> dict[_Node, _Point]:
    """Given a graph and the nodes of one of its connected parts, in rank order, return their
    spring layout, within -1..1 on both axes."""
    # A graph of its own, built in rank order: a subgraph view would iterate a set.
    subgraph = nx.Graph()
    subgraph.add_nodes_from(part)
    subgraph.add_edges_from(graph.edges(part))
    if len(part) == 2:
        # Two nodes: side by side (the layout would put them at an angle the seed decides).
        return {part[0]: (-1.0, 0.0), part[1]: (1.0, 0.0)}
    layout = nx.spring_layout(
        subgraph, seed=_LAYOUT_SEED, iterations=_LAYOUT_ITERATIONS, method="force"
    )
    return {node: (float(layout[node][0]), float(layout[node][1])) for node in part}


def _fit(
    points: dict[_Node, _Point], *, left: float, top: float, width: float, height: float
) -> dict[_Node, _Point]:
    """Given places, return them stretched to fill the box (centred on an axis they all share)."""
    xs = [x for x, _ in points.values()]
    ys = [y for _, y in points.values()]

    def scale(value: float, low: float, high: float, start: float, span: float) -> float:
        if high - low < 1e-9:
            return start + span / 2
        return start + (value - low) / (high - low) * span

    return {
        node: (
            round(scale(x, min(xs), max(xs), left, width), 1),
            round(scale(y, min(ys), max(ys), top, height), 1),
        )
        for node, (x, y) in points.items()
    }


# --- drawing -------------------------------------------------------------------------------------


def _connected(rank: int, member: _Member) -> ConnectedOrganisation:
    organisation = member.organisation
    label, colour = _type_style(organisation.type)
    return ConnectedOrganisation(
        rank=rank,
        id=organisation.id,
        name=organisation.name,
        type=organisation.type,
        type_label=label,
        colour=colour,
        projects=len(member.projects),
    )


def _type_style(organisation_type: OrganisationType | None) -> tuple[str, str]:
    return _TYPES.get(organisation_type, _TYPES[None])


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}" if count == 1 else f"{count:,} {word}s"


def _caption(selection: _Selection) -> str:
    """Given what is drawn, return the sentence that says it, and what was left out."""
    members, projects = len(selection.members), len(selection.projects)
    left_out_members = selection.total_members - members
    left_out_projects = selection.total_projects - projects
    if left_out_members or left_out_projects:
        text = (
            f"The {members:,} most connected of {_plural(selection.total_members, 'organisation')}"
            f" and {projects:,} of {_plural(selection.total_projects, 'project')};"
            f" left out: {_plural(left_out_members, 'organisation')}"
            f" and {_plural(left_out_projects, 'project')}."
        )
    else:
        text = f"{_plural(members, 'organisation')} in {_plural(projects, 'project')}."
    if selection.in_no_project:
        text += f" Not drawn: {_plural(selection.in_no_project, 'organisation')} in no project."
    return text


def _radius(projects: int) -> float:
    return min(4.0 + 2.0 * projects**0.5, 14.0)


def _number(value: float) -> str:
    return f"{value:.1f}"


def _svg(
    selection: _Selection,
    positions: dict[_Node, _Point],
    named: tuple[ConnectedOrganisation, ...],
    caption: str,
) -> Markup:
    """Given what is drawn, where, and who is named, return the SVG element."""
    legend, legend_height = _legend(selection, top=_CAPTION_HEIGHT + _PLOT_HEIGHT)
    height = _CAPTION_HEIGHT + _PLOT_HEIGHT + legend_height
    most = ", ".join(f"{item.name} ({_plural(item.projects, 'project')})" for item in named)
    description = (
        f"{caption} An organisation is joined to each project it is named in; its colour is its"
        f" type. The most connected: {most}."
    )
    parts: list[Markup] = [
        Markup(
            '<svg viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img"'
            ' aria-labelledby="network-title network-desc" font-family="{font}"'
            ' font-size="{size}">'
        ).format(w=_WIDTH, h=height, font=_FONT, size=_LABEL_SIZE),
        Markup('<title id="network-title">{}</title>').format(
            "Who works with whom: organisations and the projects they are named in"
        ),
        Markup('<desc id="network-desc">{}</desc>').format(description),
        Markup('<rect width="{}" height="{}" fill="#ffffff"/>').format(_WIDTH, height),
        Markup('<text x="{}" y="{}" fill="{}">{}</text>').format(_MARGIN, 20, _MUTED, caption),
        _edges(selection, positions),
        *_projects(selection, positions),
        *_organisations(selection, positions),
        *_labels(selection, positions, named),
        *legend,
        Markup("</svg>"),
    ]
    return Markup("\n").join(parts)


def _edges(selection: _Selection, positions: dict[_Node, _Point]) -> Markup:
    drawn = set(selection.projects)
    path: list[str] = []
    for member in selection.members:
        x1, y1 = positions[_organisation_node(member)]
        for key in sorted(member.projects & drawn):
            x2, y2 = positions[_project_node(key)]
            path.append(f"M{_number(x1)} {_number(y1)}L{_number(x2)} {_number(y2)}")
    return Markup('<path d="{}" fill="none" stroke="{}" stroke-width="0.8"/>').format(
        "".join(path), _EDGE
    )


def _projects(selection: _Selection, positions: dict[_Node, _Point]) -> list[Markup]:
    half = _PROJECT_SIDE / 2
    shapes: list[Markup] = []
    for key in selection.projects:
        brochure, project_id = key
        x, y = positions[_project_node(key)]
        title = selection.titles.get(key, project_id)
        shapes.append(
            Markup(
                '<rect x="{}" y="{}" width="{side}" height="{side}" fill="#ffffff" stroke="{}"'
                ' stroke-width="1.2"><title>{}</title></rect>'
            ).format(
                _number(x - half),
                _number(y - half),
                _PROJECT_STROKE,
                f"{title} (project {project_id} of {brochure})",
                side=_number(_PROJECT_SIDE),
            )
        )
    return shapes


def _organisations(selection: _Selection, positions: dict[_Node, _Point]) -> list[Markup]:
    shapes: list[Markup] = []
    # The least connected first, so the most connected are drawn on top.
    for member in reversed(selection.members):
        organisation = member.organisation
        x, y = positions[_organisation_node(member)]
        label, colour = _type_style(organisation.type)
        shapes.append(
            Markup(
                '<circle cx="{}" cy="{}" r="{}" fill="{}" stroke="#ffffff" stroke-width="1">'
                "<title>{}</title></circle>"
            ).format(
                _number(x),
                _number(y),
                _number(_radius(len(member.projects))),
                colour,
                f"{organisation.name}: {label}, {_plural(len(member.projects), 'project')}",
            )
        )
    return shapes


_Box = tuple[float, float, float, float]


def _overlaps(box: _Box, other: _Box) -> bool:
    return box[0] < other[2] and other[0] < box[2] and box[1] < other[3] and other[1] < box[3]


def _labels(
    selection: _Selection,
    positions: dict[_Node, _Point],
    named: tuple[ConnectedOrganisation, ...],
) -> list[Markup]:
    """Given the named organisations, return their labels, each placed beside its node where it
    overlaps the fewest labels placed before it, then the fewest nodes (of the places in the
    plot, the first of right, left, above and below)."""
    by_id = {member.organisation.id: member for member in selection.members}
    half = _PROJECT_SIDE / 2
    nodes: list[_Box] = [
        (x - half, y - half, x + half, y + half)
        for x, y in (positions[_project_node(key)] for key in selection.projects)
    ]
    for member in selection.members:
        x, y = positions[_organisation_node(member)]
        radius = _radius(len(member.projects))
        nodes.append((x - radius, y - radius, x + radius, y + radius))
    placed: list[_Box] = []

    def crowding(place: tuple[str, float, float, _Box]) -> tuple[int, int]:
        box = place[3]
        return (
            sum(_overlaps(box, other) for other in placed),
            sum(_overlaps(box, other) for other in nodes),
        )

    labels: list[Markup] = []
    for item in named:
        x, y = positions[_organisation_node(by_id[item.id])]
        text = item.name
        if len(text) > _LABEL_CHARACTERS:
            text = text[: _LABEL_CHARACTERS - 1].rstrip() + "…"
        candidates = _label_places(x, y, _radius(item.projects) + 3, len(text) * _CHARACTER_WIDTH)
        inside = [place for place in candidates if _in_plot(place[3])] or candidates
        anchor, label_x, label_y, box = min(inside, key=crowding)
        placed.append(box)
        labels.append(
            Markup(
                '<text x="{}" y="{}" text-anchor="{}" fill="{}" font-weight="600"'
                ' stroke="#ffffff" stroke-width="3" stroke-linejoin="round"'
                ' paint-order="stroke">{}<title>{}</title></text>'
            ).format(
                _number(label_x),
                _number(label_y),
                anchor,
                _INK,
                text,
                f"{item.rank}. {item.name}",
            )
        )
    return labels


def _label_places(
    x: float, y: float, gap: float, width: float
) -> list[tuple[str, float, float, _Box]]:
    """Given a node's centre, the gap to leave around it and a label's width, return the label's
    four places (anchor, x, y of its baseline, box): right, left, above, below."""
    size = _LABEL_SIZE
    baseline = y + size * 0.35
    return [
        ("start", x + gap, baseline, (x + gap, y - size / 2, x + gap + width, y + size / 2)),
        ("end", x - gap, baseline, (x - gap - width, y - size / 2, x - gap, y + size / 2)),
        ("middle", x, y - gap - 3, (x - width / 2, y - gap - size, x + width / 2, y - gap)),
        ("middle", x, y + gap + size - 2, (x - width / 2, y + gap, x + width / 2, y + gap + size)),
    ]


def _in_plot(box: _Box) -> bool:
    return (
        box[0] >= 2
        and box[2] <= _WIDTH - 2
        and box[1] >= _CAPTION_HEIGHT
        and box[3] <= _CAPTION_HEIGHT + _PLOT_HEIGHT
    )


def _legend(selection: _Selection, *, top: float) -> tuple[list[Markup], float]:
    """Given what is drawn, return the legend (the types drawn, then the project's square), in
    rows under the plot, and its height."""
    present = {member.organisation.type for member in selection.members}
    items: list[tuple[str, str | None]] = [
        (label, colour)
        for organisation_type, (label, colour) in _TYPES.items()
        if organisation_type in present
    ]
    items.append(("project", None))
    parts: list[Markup] = []
    x, row = float(_MARGIN), 0
    for label, colour in items:
        width = 16 + len(label) * _CHARACTER_WIDTH + 18
        if x + width > _WIDTH - _MARGIN and x > _MARGIN:
            x, row = float(_MARGIN), row + 1
        y = top + row * _LEGEND_ROW + _LEGEND_ROW / 2
        if colour is None:
            parts.append(
                Markup(
                    '<rect x="{}" y="{}" width="{side}" height="{side}" fill="#ffffff"'
                    ' stroke="{}" stroke-width="1.2"/>'
                ).format(
                    _number(x + 6 - _PROJECT_SIDE / 2),
                    _number(y - _PROJECT_SIDE / 2),
                    _PROJECT_STROKE,
                    side=_number(_PROJECT_SIDE),
                )
            )
        else:
            parts.append(
                Markup('<circle cx="{}" cy="{}" r="6" fill="{}"/>').format(
                    _number(x + 6), _number(y), colour
                )
            )
        parts.append(
            Markup('<text x="{}" y="{}" fill="{}">{}</text>').format(
                _number(x + 16), _number(y + 4), _INK, label
            )
        )
        x += width
    return parts, (row + 1) * _LEGEND_ROW + 8
