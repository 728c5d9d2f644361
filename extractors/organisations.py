"""Organisation resolution: the names brochures give partners, tied into one identity each.

    extractions -> mentions (`collect_mentions`: partners, persons and their affiliations, the
    companies partners act through, the organisations names say they belong to, the publisher)
    -> one node per distinct name -> the reviewer's splits marked (`IdentityCorrections`: names
    no tie may join) -> ties, surest rule first (the reviewer's joins, normalised,
    spelling_variant, word_order, short_name, translation, alias, fuzzy), each refused when it
    would join names of different stated countries, names the rules keep `distinct` or names a
    split keeps apart -> organisations with their facts (type, country, parent), ids, the merges
    that made them and the splits that keep them apart (`resolve`)

Pure: text in, records out. The rules are data (`organisation_identities.yaml`, with the aliases
of `organisations.yaml` and the lexicons of `partner_words.yaml`), loaded by
`load_identity_rules`. Ids come from the catalogue where it remembers a name
(`RememberedName`), except the id of the organisation a split took a name from;
`workspace/organisations.py` reads and stores them, and reads the identity corrections.

Fuzzy matching compares only names that share a word (or a long word less one letter) that few
names share, so its cost grows with the number of names, not with its square.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from itertools import combinations

from extractors.organisation_names import (
    NameKeys,
    abbreviates,
    fuzzy_score,
    name_country,
    name_keys,
    name_type,
    organisation_slug,
    split_parent,
)
from extractors.organisation_rules import IdentityRules, packaged_identity_rules, word_key
from schemas import BrochureExtraction
from schemas.organisations import (
    IdentityCorrectionEntry,
    IdentityCorrections,
    KeptApart,
    MentionRole,
    Merge,
    MergeRule,
    Organisation,
    OrganisationMention,
    OrganisationName,
    OrganisationType,
    ProjectReference,
    RememberedName,
    identity_key,
)
from schemas.patterns import KnownOrganisation

# The order rules are tried in: a tie is recorded under the first rule that makes it.
RULE_ORDER: tuple[MergeRule, ...] = (
    "reviewer",
    "normalised",
    "spelling_variant",
    "word_order",
    "short_name",
    "translation",
    "alias",
    "fuzzy",
)


@dataclass(frozen=True)
class NameMention:
    """A name as a brochure gives it, where, and what the text says beside it.

    `parent` is the index (in the same list) of the mention of the organisation this one says it
    belongs to, with `parent_rule` the words that say so; `type_hint` a type the context gives
    ("through its special company Y": a company).
    """

    brochure: str
    project_id: str | None
    role: MentionRole
    name: str
    short_name: str | None = None
    country: str | None = None
    person: bool = False
    partner_index: int | None = None
    consortium_role: str | None = None
    parent: int | None = None
    parent_rule: str | None = None
    type_hint: tuple[OrganisationType, str] | None = None


def collect_mentions(
    brochure: str, extraction: BrochureExtraction, rules: IdentityRules
) -> list[NameMention]:
    """Given a brochure's name and extraction, return every name of an organisation (or person)
    in it, in document order: the publisher, each partner, a person's affiliation, the company a
    partner acts through, and the organisation a name says it belongs to."""
    mentions: list[NameMention] = []

    def add(mention: NameMention) -> int:
        mentions.append(mention)
        own_index = len(mentions) - 1
        split = split_parent(mention.name, rules) if not mention.person else None
        if split is not None:
            _, parent, rule = split
            parent_index = add(NameMention(brochure, mention.project_id, "parent", parent))
            mentions[own_index] = replace(
                mentions[own_index], parent=parent_index, parent_rule=rule
            )
        return own_index

    if extraction.publisher:
        add(NameMention(brochure, None, "publisher", extraction.publisher))
    for project in extraction.projects:
        for position, partner in enumerate(project.partners):
            role = partner.consortium_role
            if partner.kind == "person":
                index = add(
                    NameMention(
                        brochure,
                        project.id,
                        "person",
                        partner.name,
                        person=True,
                        partner_index=position,
                        consortium_role=role,
                    )
                )
                if partner.affiliation:
                    parent = add(
                        NameMention(
                            brochure,
                            project.id,
                            "affiliation",
                            partner.affiliation,
                            partner_index=position,
                        )
                    )
                    mentions[index] = replace(
                        mentions[index], parent=parent, parent_rule="affiliation"
                    )
                continue
            index = add(
                NameMention(
                    brochure,
                    project.id,
                    "partner",
                    partner.name,
                    short_name=partner.short_name,
                    country=partner.country,
                    partner_index=position,
                    consortium_role=role,
                )
            )
            if partner.via:
                add(
                    NameMention(
                        brochure,
                        project.id,
                        "via",
                        partner.via,
                        partner_index=position,
                        parent=index,
                        parent_rule="via",
                        type_hint=("company", "via"),
                    )
                )
    return mentions


# --------------------------------------------------------------------------------------------
# Resolution
# --------------------------------------------------------------------------------------------


@dataclass
class _Node:
    """One distinct name (with its stated country): its keys and where it stands."""

    order: int
    name: str
    country: str | None
    keys: NameKeys
    person: bool = False
    mentions: list[int] = field(default_factory=list)
    brochures: set[str] = field(default_factory=set)
    short_names: dict[str, str] = field(default_factory=dict)
    remembered: str | None = None
    # Ids it may not take: those of the organisations a reviewer split it from.
    barred: set[str] = field(default_factory=set)


@dataclass
class _Cluster:
    """Nodes tied so far, with what a further tie must not contradict."""

    nodes: list[int]
    countries: set[str]
    tags: dict[int, int]
    merges: list[Merge] = field(default_factory=list)


@dataclass(frozen=True)
class _Split:
    """A reviewer's split as resolution found it: the nodes split off, and the nodes of the
    organisation they leave."""

    entry: IdentityCorrectionEntry
    split_off: list[int]
    side: list[int]


@dataclass(frozen=True)
class Resolution:
    """The organisations of the mentions, with each mention's organisation id.

    `stale_corrections` says, for each identity correction that did not apply in full, where it
    is written and why ("names nothing now: 'X'").
    """

    organisations: list[Organisation]
    mentions: list[OrganisationMention]
    names: list[RememberedName]
    lookup: Mapping[str, str]
    rules: IdentityRules
    stale_corrections: tuple[str, ...] = ()

    def find(self, name: str) -> str | None:
        """Given a name (a work package's leader), return the id of the organisation it names
        when a name of exactly one resolved organisation has its keys (or short name); None
        otherwise ("Philip Gribbon (Fraunhofer); Ola Engkvist (AstraZeneca)")."""
        keys = name_keys(name, self.rules)
        for key in (
            "name:" + " ".join(name.split()),
            "normalised:" + keys.normalised,
            "spelled:" + keys.spelled,
            "ordered:" + keys.ordered,
            "short:" + keys.normalised,
        ):
            found = self.lookup.get(key)
            if found:
                return found
        return None


class _Resolver:
    """Ties the nodes of one batch of mentions; `resolve` is its one entry point."""

    def __init__(
        self,
        mentions: Sequence[NameMention],
        rules: IdentityRules,
        remembered: Iterable[RememberedName] = (),
        corrections: IdentityCorrections | None = None,
        parents: Sequence[int | None] | None = None,
    ) -> None:
        self.mentions = mentions
        # The index in `mentions` of each mention's parent (default: the mention's own).
        self.mention_parents = (
            list(parents) if parents is not None else [mention.parent for mention in mentions]
        )
        self.rules = rules
        self.remembered = list(remembered)
        self.corrections = corrections or IdentityCorrections()
        self.splits: list[_Split] = []
        self.stale: list[str] = []
        self.named: dict[str, list[int]] = defaultdict(list)
        self.remembered_as: dict[str, list[int]] = defaultdict(list)
        self.nodes: list[_Node] = []
        self.node_of: dict[tuple[str, str | None, bool], int] = {}
        self.parent: list[int] = []
        self.clusters: dict[int, _Cluster] = {}
        # How many pairs fuzzy matching scored (the benchmark reports it).
        self.compared_pairs = 0

    # -- nodes ----------------------------------------------------------------------------

    def node(self, name: str, country: str | None, person: bool = False) -> int:
        written = " ".join(name.split())
        key = (written, country, person)
        index = self.node_of.get(key)
        if index is None:
            index = len(self.nodes)
            self.node_of[key] = index
            self.nodes.append(
                _Node(index, written, country, name_keys(written, self.rules), person=person)
            )
            self.parent.append(index)
            tags: dict[int, int] = {}
            for tag_key in {self.nodes[index].keys.normalised, self.nodes[index].keys.spelled}:
                for group, position in self.rules.distinct_by_key.get(tag_key, ()):
                    tags[group] = position
            self.clusters[index] = _Cluster([index], {country} if country else set(), tags)
        return index

    def add_mentions(self) -> list[int]:
        node_of_mention = []
        for position, mention in enumerate(self.mentions):
            country = self.country(mention.country)
            index = self.node(mention.name, country, mention.person)
            node = self.nodes[index]
            node.mentions.append(position)
            node.brochures.add(mention.brochure)
            short = mention.short_name
            if short and abbreviates(short, mention.name, self.rules):
                node.short_names.setdefault(word_key(short), short)
            node_of_mention.append(index)
        return node_of_mention

    def country(self, written: str | None) -> str | None:
        if not written:
            return None
        return self.rules.country_by_name.get(word_key(written), written)

    # -- union-find -----------------------------------------------------------------------

    def find(self, index: int) -> int:
        while self.parent[index] != index:
            self.parent[index] = self.parent[self.parent[index]]
            index = self.parent[index]
        return index

    def tie(
        self,
        first: int,
        second: int,
        rule: MergeRule,
        detail: str | None = None,
        score: float | None = None,
    ) -> bool:
        """Tie the clusters of two nodes unless that would join a person and an organisation,
        two stated countries (a curated alias or a reviewer may), two names of a `distinct`
        entry (a reviewer may) or two names a reviewer's split keeps apart; return whether they
        are (now) one."""
        root_a, root_b = self.find(first), self.find(second)
        if root_a == root_b:
            return True
        if self.nodes[first].person != self.nodes[second].person:
            return False
        a, b = self.clusters[root_a], self.clusters[root_b]
        reviewed = rule == "reviewer"
        if rule != "alias" and not reviewed and len(a.countries | b.countries) > 1:
            return False
        # Groups of `distinct` entries are numbered from 0, those of the reviewer's splits
        # from -1 down: a reviewer's join holds against the first, never the second.
        if any(
            b.tags.get(group, position) != position
            for group, position in a.tags.items()
            if group < 0 or not reviewed
        ):
            return False
        if root_b < root_a:
            root_a, root_b, a, b = root_b, root_a, b, a
            first, second = second, first
        self.parent[root_b] = root_a
        a.nodes.extend(b.nodes)
        a.countries |= b.countries
        a.tags.update(b.tags)
        a.merges.extend(b.merges)
        a.merges.append(
            Merge(
                rule=rule,
                name=self.nodes[second].name,
                joined=self.nodes[first].name,
                score=round(score, 1) if score is not None else None,
                detail=detail if detail is not None else self.difference(second, first),
            )
        )
        del self.clusters[root_b]
        return True

    def chain(
        self, groups: Mapping[str, list[int]], rule: MergeRule, detail: str | None = None
    ) -> None:
        """Tie each group's nodes to its first one (in document order); `detail` says what the
        rule saw (default: the words the two names differ in)."""
        for members in groups.values():
            if len(members) < 2:
                continue
            first = members[0]
            for position, other in enumerate(members[1:], start=1):
                if self.tie(first, other, rule, detail):
                    continue
                # Refused (another country, a distinct name): it may still be one with an
                # earlier member the first one refused too.
                for candidate in members[1:position]:
                    if self.find(candidate) != self.find(first) and self.tie(
                        candidate, other, rule, detail
                    ):
                        break

    def difference(self, joining: int, joined: int) -> str:
        """The words of two names that the other lacks, once normalised ("center ~ centre");
        empty when they have the same words."""
        words_a = self.nodes[joining].keys.normalised.split()
        words_b = self.nodes[joined].keys.normalised.split()
        only_a = [word for word in words_a if word not in words_b]
        only_b = [word for word in words_b if word not in words_a]
        if not only_a and not only_b:
            return ""
        return f"{' '.join(only_a) or '-'} ~ {' '.join(only_b) or '-'}"

    # -- the rules ------------------------------------------------------------------------

    def by_key(self, attribute: str, rule: MergeRule, minimum_words: int = 1) -> None:
        """Tie the names whose key `attribute` (of `NameKeys`) is the same."""
        groups: dict[str, list[int]] = defaultdict(list)
        for node in self.nodes:
            if len(node.keys.content) >= minimum_words:
                groups[getattr(node.keys, attribute)].append(node.order)
        self.chain(
            groups, rule, "the same words in another order" if rule == "word_order" else None
        )

    def by_short_name(self) -> None:
        """Names that share a short name abbreviating both, or one that is the other's short
        name: within a brochure always, across brochures when the short name is long enough."""
        holders: dict[str, list[int]] = defaultdict(list)
        for node in self.nodes:
            for key in node.short_names:
                holders[key].append(node.order)
        bare: dict[str, list[int]] = defaultdict(list)
        for node in self.nodes:
            if " " not in node.keys.normalised and node.keys.normalised in holders:
                bare[node.keys.normalised].append(node.order)
        minimum = self.rules.patterns.short_name_min_length_across_brochures
        for key, named in holders.items():
            short = self.nodes[named[0]].short_names[key]
            members = sorted(set(named) | set(bare.get(key, [])))
            if len(members) < 2:
                continue
            if len(key.replace(" ", "")) >= minimum:
                self.chain({key: members}, "short_name", f"short name {short}")
                continue
            per_brochure: dict[str, list[int]] = defaultdict(list)
            for member in members:
                for brochure in sorted(self.nodes[member].brochures):
                    per_brochure[brochure].append(member)
            for brochure, group in per_brochure.items():
                self.chain({brochure: group}, "short_name", f"short name {short} in {brochure}")

    def by_alias(self) -> None:
        """Tie the names of one curated organisation."""
        groups: dict[str, list[int]] = defaultdict(list)
        for node in self.nodes:
            for key in (node.keys.normalised, node.keys.spelled):
                known = self.rules.known_by_key.get(key)
                if known is not None:
                    groups[self.rules.known[known].name].append(node.order)
                    break
        for name, members in groups.items():
            self.chain({name: members}, "alias", f"curated organisation {name}")

    def fuzzy_candidates(self) -> list[tuple[float, int, int, str]]:
        """Pairs of names with the same words but one, those two alike: (score, a, b, words).

        Candidates share a word, or a long word less one letter ("tehnologies" and
        "technologies" both give "tehnologies"), that at most `fuzzy_max_block` names have; each
        candidate is scored once. A word one slip away from another shares such a key with it,
        so the candidates of a name are few, whatever the number of names.
        """
        patterns = self.rules.patterns
        blocks: dict[str, list[int]] = defaultdict(list)
        for node in self.nodes:
            if node.person or len(node.keys.spelled) < patterns.fuzzy_min_length:
                continue
            keys: set[str] = set()
            for word in node.keys.content:
                if len(word) >= 3:
                    keys.add("w:" + word)
                if len(word) >= patterns.fuzzy_min_word_length:
                    keys.add("d:" + word)
                    keys.update("d:" + word[:i] + word[i + 1 :] for i in range(len(word)))
            for key in keys:
                blocks[key].append(node.order)
        seen: set[tuple[int, int]] = set()
        found: list[tuple[float, int, int, str]] = []
        for members in blocks.values():
            if len(members) < 2 or len(members) > patterns.fuzzy_max_block:
                continue
            for a, b in combinations(members, 2):
                if (a, b) in seen:
                    continue
                seen.add((a, b))
                scored = fuzzy_score(self.nodes[a].keys, self.nodes[b].keys, self.rules)
                if scored is not None and scored[0] >= patterns.fuzzy_threshold:
                    found.append((scored[0], a, b, scored[1]))
        found.sort(key=lambda item: (-item[0], item[1], item[2]))
        self.compared_pairs = len(seen)
        return found

    def by_fuzzy(self) -> None:
        for score, a, b, words in self.fuzzy_candidates():
            self.tie(a, b, "fuzzy", words, score)

    # -- the reviewer's corrections --------------------------------------------------------

    def index_names(self) -> None:
        """Index the nodes by name (case aside) and by remembered id, for the corrections."""
        for node in self.nodes:
            self.named[identity_key(node.name)].append(node.order)
            if node.remembered is not None:
                self.remembered_as[node.remembered].append(node.order)

    def nodes_named(self, written: str) -> list[int]:
        """The nodes a correction's name or id stands for: those of that name (case aside, any
        stated country), else those the catalogue remembers under that id."""
        key = identity_key(written)
        return list(self.named.get(key) or self.remembered_as.get(key, []))

    def keep_apart(self) -> None:
        """Mark each split's names and the names of the organisation they leave (every name the
        catalogue remembers under its id, the split-off ones aside) with two positions of one
        group, so that no tie joins the two; the split-off names may no longer take its id."""
        for number, entry in enumerate(self.corrections.splits):
            correction = entry.correction
            split_off: list[int] = []
            for name in correction.names:
                found = self.nodes_named(name)
                if not found:
                    self.stale.append(f"{entry.where}: split: names nothing now: {name!r}")
                split_off.extend(index for index in found if index not in split_off)
            written = correction.split_from or ""
            key = identity_key(written)
            # The organisation `from` names: its name's nodes and the ids they are remembered
            # under, or the id it is.
            from_nodes = self.named.get(key, [])
            from_ids = {key} if not from_nodes and key in self.remembered_as else set()
            for index in from_nodes:
                if (remembered := self.nodes[index].remembered) is not None:
                    from_ids.add(remembered)
            side = [index for index in from_nodes if index not in split_off]
            for identity in sorted(from_ids):
                side.extend(
                    index
                    for index in self.remembered_as.get(identity, [])
                    if index not in split_off and index not in side
                )
            if not side:
                self.stale.append(f"{entry.where}: split: 'from' names nothing now: {written!r}")
            group = -(number + 1)
            for index in side:
                self.clusters[index].tags[group] = 0
            for index in split_off:
                self.clusters[index].tags[group] = 1
                self.nodes[index].barred |= from_ids
            self.splits.append(_Split(entry, split_off, side))

    def by_reviewer(self) -> None:
        """Tie the names (or the names remembered under the ids) of each reviewer's join."""
        for entry in self.corrections.joins:
            correction = entry.correction
            members: list[int] = []
            for name in correction.names:
                found = self.nodes_named(name)
                if not found:
                    self.stale.append(f"{entry.where}: join: names nothing now: {name!r}")
                members.extend(index for index in found if index not in members)
            for other in members[1:]:
                if not self.tie(members[0], other, "reviewer", correction.note or ""):
                    self.stale.append(
                        f"{entry.where}: join: {self.nodes[other].name!r} stays apart from "
                        f"{self.nodes[members[0]].name!r} (a split keeps them apart, or one "
                        "is a person)"
                    )

    def add_remembered(self) -> None:
        # After the mentions' nodes, so that a current name comes first in its group; they take
        # part in the ties, so an old spelling keeps its organisation's id.
        for entry in self.remembered:
            country = self.country(entry.country)
            # The catalogue keeps no kind: a remembered name is a current person's if one has it.
            person = (" ".join(entry.name.split()), country, True)
            index = self.node_of.get(person)
            if index is None:
                index = self.node(entry.name, country)
            if self.nodes[index].remembered is None:
                self.nodes[index].remembered = entry.organisation_id

    def resolve(self) -> list[int]:
        """Make the nodes, tie them rule by rule in `RULE_ORDER`; return each mention's node."""
        node_of_mention = self.add_mentions()
        self.add_remembered()
        self.index_names()
        self.keep_apart()
        steps: dict[MergeRule, Callable[[], None]] = {
            "reviewer": self.by_reviewer,
            "normalised": lambda: self.by_key("normalised", "normalised"),
            "spelling_variant": lambda: self.by_key("spelled", "spelling_variant"),
            "word_order": lambda: self.by_key("ordered", "word_order", minimum_words=2),
            "short_name": self.by_short_name,
            "translation": lambda: self.by_key("translated", "translation", minimum_words=2),
            "alias": self.by_alias,
            "fuzzy": self.by_fuzzy,
        }
        for rule in RULE_ORDER:
            steps[rule]()
        return node_of_mention


def resolve(
    mentions: Sequence[NameMention],
    rules: IdentityRules,
    remembered: Iterable[RememberedName] = (),
    titles: Mapping[tuple[str, str], str] | None = None,
    corrections: IdentityCorrections | None = None,
    *,
    parents: Sequence[int | None] | None = None,
) -> Resolution:
    """Given mentions (in document order, brochures in a fixed order), the identity rules and the
    names the catalogue remembers, return the organisations: names tied by the rules, each tie
    with its rule, ids carried over from the remembered names (else made from the preferred
    name), facts read from the names, and every mention's organisation id.

    `titles` gives project titles by (brochure, project id), for the organisations' projects;
    `corrections` the reviewer's joins and splits, which hold over every rule and remembered id;
    `parents` the index in `mentions` of each mention's parent (default: each mention's
    `parent`).
    """
    resolver = _Resolver(mentions, rules, remembered, corrections, parents)
    node_of_mention = resolver.resolve()
    return _build(resolver, node_of_mention, titles or {})


def _build(
    resolver: _Resolver, node_of_mention: list[int], titles: Mapping[tuple[str, str], str]
) -> Resolution:
    mentions = resolver.mentions
    clusters = [
        cluster
        for root, cluster in sorted(resolver.clusters.items())
        if any(resolver.nodes[index].mentions for index in cluster.nodes)
    ]
    cluster_of_node = {
        index: position for position, cluster in enumerate(clusters) for index in cluster.nodes
    }
    ids = _assign_ids(resolver, clusters)
    mention_ids = [ids[cluster_of_node[node]] for node in node_of_mention]

    parents = _parents(resolver, clusters, cluster_of_node, node_of_mention, ids)
    organisations: list[Organisation] = []
    for position, cluster in enumerate(clusters):
        organisations.append(
            _organisation(resolver, cluster, ids[position], parents.get(position), titles)
        )
    by_id = {organisation.id: organisation for organisation in organisations}
    for organisation in organisations:
        if organisation.parent_id and organisation.parent_id in by_id:
            organisation.parent_name = by_id[organisation.parent_id].name
    _inherit_from_parents(organisations, by_id)

    records = [
        OrganisationMention(
            brochure=mention.brochure,
            project_id=mention.project_id,
            role=mention.role,
            name=mention.name,
            short_name=mention.short_name,
            country=mention.country,
            partner_index=mention.partner_index,
            organisation_id=mention_ids[position],
        )
        for position, mention in enumerate(mentions)
    ]
    names = [
        RememberedName(
            name=node.name, country=node.country, organisation_id=ids[cluster_of_node[node.order]]
        )
        for node in resolver.nodes
        if node.order in cluster_of_node
    ]
    lookup: dict[str, str] = {}
    ambiguous: set[str] = set()
    for node in resolver.nodes:
        if node.order not in cluster_of_node:
            continue
        identity = ids[cluster_of_node[node.order]]
        keys = [
            "name:" + node.name,
            "normalised:" + node.keys.normalised,
            "spelled:" + node.keys.spelled,
            "ordered:" + node.keys.ordered,
            *("short:" + key for key in node.short_names),
        ]
        for key in keys:
            if lookup.setdefault(key, identity) != identity:
                ambiguous.add(key)
    for position, cluster in enumerate(clusters):
        _, known = _preferred_name(resolver, cluster)
        for name in [*known.aliases, known.name] if known else []:
            curated = name_keys(name, resolver.rules)
            lookup.setdefault("normalised:" + curated.normalised, ids[position])
        for short in known.short_names if known else []:
            lookup.setdefault("short:" + word_key(short), ids[position])
    for key in ambiguous:
        del lookup[key]
    _list_splits(resolver, organisations, cluster_of_node, ids)
    return Resolution(organisations, records, names, lookup, resolver.rules, tuple(resolver.stale))


def _list_splits(
    resolver: _Resolver,
    organisations: Sequence[Organisation],
    cluster_of_node: Mapping[int, int],
    ids: list[str],
) -> None:
    """Add each reviewer's split to the organisations of its two sides (`kept_apart`)."""
    by_id = {organisation.id: organisation for organisation in organisations}

    def ids_of(nodes: Iterable[int]) -> list[str]:
        found = [ids[cluster_of_node[index]] for index in nodes if index in cluster_of_node]
        return list(dict.fromkeys(found))

    for split in resolver.splits:
        correction = split.entry.correction
        split_off = ids_of(split.split_off)
        remaining = ids_of(split.side)
        record = KeptApart(
            names=correction.names,
            split_from=correction.split_from or "",
            split_from_id=remaining[0] if remaining else None,
            ids=split_off,
            note=correction.note or "",
        )
        for identity in dict.fromkeys([*split_off, *remaining[:1]]):
            by_id[identity].kept_apart.append(record)


def _preferred_name(resolver: _Resolver, cluster: _Cluster) -> tuple[str, KnownOrganisation | None]:
    """The curated name when a node is a curated organisation's, else the most mentioned name
    (the first in document order on a tie)."""
    rules = resolver.rules
    for index in sorted(cluster.nodes):
        keys = resolver.nodes[index].keys
        for key in (keys.normalised, keys.spelled):
            known = rules.known_by_key.get(key)
            if known is not None:
                return rules.known[known].name, rules.known[known]
    counted = [
        (-len(resolver.nodes[index].mentions), index)
        for index in cluster.nodes
        if resolver.nodes[index].mentions
    ]
    return resolver.nodes[min(counted)[1]].name, None


def _assign_ids(resolver: _Resolver, clusters: list[_Cluster]) -> list[str]:
    """Each cluster's id: the one most of its remembered names have (a cluster holding fewer of
    them than another leaves it to that one; a name split from an organisation does not count
    for its id), else a slug of its preferred name, made unique."""
    claims: list[tuple[int, int, str]] = []
    for position, cluster in enumerate(clusters):
        counts = Counter(
            remembered
            for index in cluster.nodes
            if (remembered := resolver.nodes[index].remembered) is not None
            and remembered not in resolver.nodes[index].barred
        )
        for identity, count in counts.items():
            claims.append((-count, position, identity))
    taken = {node.remembered for node in resolver.nodes if node.remembered}
    ids: list[str | None] = [None] * len(clusters)
    given: set[str] = set()
    for _, position, identity in sorted(claims):
        if ids[position] is None and identity not in given:
            ids[position] = identity
            given.add(identity)
    for position, cluster in enumerate(clusters):
        if ids[position] is not None:
            continue
        base = organisation_slug(_preferred_name(resolver, cluster)[0])
        candidate, number = base, 2
        while candidate in taken or candidate in given:
            candidate = f"{base}-{number}"
            number += 1
        ids[position] = candidate
        given.add(candidate)
    return [identity for identity in ids if identity is not None]


def _parents(
    resolver: _Resolver,
    clusters: list[_Cluster],
    cluster_of_node: Mapping[int, int],
    node_of_mention: list[int],
    ids: list[str],
) -> dict[int, tuple[str, str]]:
    """Each cluster's parent (id, rule): the organisation its mentions most often say they
    belong to, else its curated parent when that is among the organisations."""
    votes: dict[int, Counter[tuple[int, str]]] = defaultdict(Counter)
    for position, mention in enumerate(resolver.mentions):
        parent = resolver.mention_parents[position]
        if parent is None or mention.parent_rule is None:
            continue
        own = cluster_of_node[node_of_mention[position]]
        above = cluster_of_node[node_of_mention[parent]]
        if own != above:
            votes[own][(above, mention.parent_rule)] += 1
    chosen: dict[int, int] = {}
    rules_of: dict[int, str] = {}
    for own, counter in votes.items():
        (above, rule), _ = min(counter.items(), key=lambda item: (-item[1], item[0]))
        chosen[own], rules_of[own] = above, rule
    known_cluster: dict[str, int] = {}
    for position, cluster in enumerate(clusters):
        _, known = _preferred_name(resolver, cluster)
        if known is not None:
            known_cluster[word_key(known.name)] = position
    for position, cluster in enumerate(clusters):
        _, known = _preferred_name(resolver, cluster)
        if position in chosen or known is None or not known.parent:
            continue
        above_key = word_key(known.parent)
        curated_above = known_cluster.get(above_key)
        if curated_above is None:
            curated_above = next(
                (
                    cluster_of_node[node.order]
                    for node in resolver.nodes
                    if node.order in cluster_of_node and node.keys.normalised == above_key
                ),
                None,
            )
        if curated_above is not None and curated_above != position:
            chosen[position], rules_of[position] = curated_above, "alias"
    # A cycle (A in B, B in A): the last of it in document order loses its parent.
    for position in sorted(chosen):
        cycle = [position]
        step = chosen.get(position)
        while step is not None and step not in cycle:
            cycle.append(step)
            step = chosen.get(step)
        if step == position:
            del chosen[max(cycle)]
    return {own: (ids[above], rules_of[own]) for own, above in chosen.items()}


def _organisation(
    resolver: _Resolver,
    cluster: _Cluster,
    identity: str,
    parent: tuple[str, str] | None,
    titles: Mapping[tuple[str, str], str],
) -> Organisation:
    rules = resolver.rules
    name, known = _preferred_name(resolver, cluster)
    nodes = sorted(
        (resolver.nodes[index] for index in cluster.nodes),
        key=lambda node: (-len(node.mentions), node.order),
    )
    positions = sorted(position for node in nodes for position in node.mentions)
    mentions = [resolver.mentions[position] for position in positions]
    short_names: dict[str, str] = {}
    for node in sorted(nodes, key=lambda node: node.order):
        for key, short in node.short_names.items():
            short_names.setdefault(key, short)
    for short in known.short_names if known else []:
        short_names.setdefault(word_key(short), short)
    type_, type_rule = _organisation_type(name, nodes, mentions, known, rules)
    country, country_rule = _organisation_country(nodes, mentions, known, rules)
    projects: dict[tuple[str, str], ProjectReference] = {}
    for mention in mentions:
        if mention.project_id is None or mention.role == "parent":
            continue
        place = (mention.brochure, mention.project_id)
        reference = projects.get(place)
        if reference is None:
            # Made only for a project not met yet: a record made to be dropped costs a validation.
            reference = projects[place] = ProjectReference(
                brochure=mention.brochure, project_id=mention.project_id, title=titles.get(place)
            )
        if mention.role not in reference.roles:
            reference.roles.append(mention.role)
        if mention.consortium_role and mention.consortium_role not in reference.consortium_roles:
            reference.consortium_roles.append(mention.consortium_role)
    return Organisation(
        id=identity,
        name=name,
        short_names=list(short_names.values()),
        names=[
            OrganisationName(name=node.name, mentions=len(node.mentions))
            for node in nodes
            if node.mentions
        ],
        type=type_,
        type_rule=type_rule,
        country=country,
        country_rule=country_rule,
        parent_id=parent[0] if parent else None,
        parent_rule=parent[1] if parent else None,
        merges=[merge for merge in cluster.merges if merge.name != merge.joined],
        projects=[projects[place] for place in sorted(projects)],
        brochures=sorted(set().union(*(node.brochures for node in nodes))),
    )


def _organisation_type(
    name: str,
    nodes: Sequence[_Node],
    mentions: Sequence[NameMention],
    known: KnownOrganisation | None,
    rules: IdentityRules,
) -> tuple[OrganisationType | None, str | None]:
    """The type: a person's, the curated one, the one its context gives ("special company"),
    else the first type whose words a name holds (its own part, before "of the ...")."""
    if any(node.person for node in nodes):
        return "person", "person"
    if known is not None and known.type is not None:
        return known.type, "alias"
    hint = next((mention.type_hint for mention in mentions if mention.type_hint), None)
    if hint is not None:
        return hint[0], hint[1]
    names = [name, *(node.name for node in nodes if node.name != name)]
    for written in names:
        found = name_type(written, rules)
        if found is not None:
            return found
    return None, None


def _organisation_country(
    nodes: Sequence[_Node],
    mentions: Sequence[NameMention],
    known: KnownOrganisation | None,
    rules: IdentityRules,
) -> tuple[str | None, str | None]:
    """The country: the one its entries state, the curated one, else one a name holds (a
    country's name, a region's, a country's adjective)."""
    stated = Counter(node.country for node in nodes if node.country)
    if stated:
        return min(stated.items(), key=lambda item: (-item[1], item[0]))[0], "stated"
    if known is not None and known.country:
        return known.country, "alias"
    for node in nodes:
        found = name_country(node.name, rules)
        if found is not None:
            return found, "name"
    return None, None


def _inherit_from_parents(
    organisations: Sequence[Organisation], by_id: Mapping[str, Organisation]
) -> None:
    """An organisation with no country of its own takes its parent's (rule `parent`); a unit
    ("Dipartimento DICAM – UniBo") with no type of its own takes its parent's type."""
    for organisation in organisations:
        above = by_id.get(organisation.parent_id or "")
        if organisation.type is None and above is not None and organisation.parent_rule == "unit":
            organisation.type, organisation.type_rule = above.type, "parent"
        seen = {organisation.id}
        above = by_id.get(organisation.parent_id or "")
        while organisation.country is None and above is not None and above.id not in seen:
            if above.country is not None:
                organisation.country, organisation.country_rule = above.country, "parent"
            seen.add(above.id)
            above = by_id.get(above.parent_id or "")


# --------------------------------------------------------------------------------------------
# Entry points
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BrochureNames:
    """What resolution needs of one brochure: its mentions (`collect_mentions`, each parent an
    index into this list) and its project titles by project id."""

    mentions: Sequence[NameMention]
    titles: Mapping[str, str]


def brochure_names(
    brochure: str, extraction: BrochureExtraction, rules: IdentityRules | None = None
) -> BrochureNames:
    """Given a brochure's name and extraction, return its names for resolution."""
    rules = rules or packaged_identity_rules()
    return BrochureNames(
        mentions=collect_mentions(brochure, extraction, rules),
        titles={project.id: project.title for project in extraction.projects},
    )


def resolve_brochures(
    brochures: Mapping[str, BrochureNames],
    rules: IdentityRules | None = None,
    remembered: Iterable[RememberedName] = (),
    corrections: IdentityCorrections | None = None,
) -> Resolution:
    """Given the names of brochures by brochure name, return their organisations (brochures
    taken in the order of their names, so the result does not depend on the mapping's order),
    with the reviewer's identity `corrections` applied."""
    rules = rules or packaged_identity_rules()
    mentions: list[NameMention] = []
    parents: list[int | None] = []
    titles: dict[tuple[str, str], str] = {}
    for brochure in sorted(brochures):
        names = brochures[brochure]
        offset = len(mentions)
        mentions.extend(names.mentions)
        # A mention's parent is an index into its brochure's list: into the whole list here
        # (the mentions themselves are not copied for it).
        parents.extend(
            mention.parent + offset if mention.parent is not None else None
            for mention in names.mentions
        )
        for project_id, title in names.titles.items():
            titles[(brochure, project_id)] = title
    return resolve(mentions, rules, remembered, titles, corrections, parents=parents)


def resolve_extractions(
    extractions: Mapping[str, BrochureExtraction],
    rules: IdentityRules | None = None,
    remembered: Iterable[RememberedName] = (),
    corrections: IdentityCorrections | None = None,
) -> Resolution:
    """Given extractions by brochure name, return their organisations (see
    `resolve_brochures`)."""
    rules = rules or packaged_identity_rules()
    brochures = {
        name: brochure_names(name, extraction, rules) for name, extraction in extractions.items()
    }
    return resolve_brochures(brochures, rules, remembered, corrections)


def cluster_names(names: Sequence[str], rules: IdentityRules | None = None) -> list[list[str]]:
    """Given names (of one brochure), return them grouped by organisation, each group in the
    order given (for the benchmark and quick checks)."""
    rules = rules or packaged_identity_rules()
    mentions = [NameMention("names", None, "partner", name) for name in names]
    resolution = resolve(mentions, rules)
    groups: dict[str, list[str]] = defaultdict(list)
    for mention in resolution.mentions:
        if (
            mention.organisation_id is not None
            and mention.name not in groups[mention.organisation_id]
        ):
            groups[mention.organisation_id].append(mention.name)
    return list(groups.values())
