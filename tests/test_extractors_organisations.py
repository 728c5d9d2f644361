"""Organisation resolution: names tied into identities by rule, kept apart where they differ."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from builders import make_extraction, make_partner, make_project

from extractors.organisation_names import (
    abbreviates,
    fuzzy_score,
    name_country,
    name_keys,
    name_type,
    organisation_slug,
    split_parent,
    word_similarity,
)
from extractors.organisation_rules import (
    IDENTITIES_FILE,
    IdentityRules,
    load_identity_rules,
    packaged_identity_rules,
)
from extractors.organisations import (
    NameMention,
    Resolution,
    _Resolver,
    cluster_names,
    collect_mentions,
    resolve,
    resolve_extractions,
)
from schemas import BrochureExtraction, PatternError
from schemas.organisations import (
    IdentityCorrection,
    IdentityCorrectionEntry,
    IdentityCorrections,
    Organisation,
    RememberedName,
)


@pytest.fixture(scope="module")
def rules() -> IdentityRules:
    return packaged_identity_rules()


def mentions(*names: str, brochure: str = "agency") -> list[NameMention]:
    """One partner mention per name, in one brochure."""
    return [NameMention(brochure, "project", "partner", name) for name in names]


def organisation_of(resolution: Resolution, name: str) -> Organisation:
    """The organisation a name resolved to."""
    identity = next(m.organisation_id for m in resolution.mentions if m.name == name)
    return next(o for o in resolution.organisations if o.id == identity)


# --- normalisation and the rules that tie names ---------------------------------------------


@pytest.mark.parametrize(
    ("first", "second", "rule"),
    [
        ("Regione Emilia Romagna", "Regione Emilia-Romagna", "normalised"),
        ("Università degli Studi di Pavia", "Universita degli studi di Pavia", "normalised"),
        ("Robert Bosch GmbH", "Robert Bosch", "normalised"),
        ("Adient Ltd & Co KG", "ADIENT", "normalised"),
        ("The Hyve", "Hyve", "normalised"),
        ("Centre for Logistics Research", "Center for Logistics Research", "spelling_variant"),
        ("Oxford University", "University of Oxford", "word_order"),
        ("Université du Luxembourg", "University of Luxembourg", "translation"),
        ("Emilia-Romagna Region", "Regione Emilia-Romagna", "translation"),
        ("Alma Mater Studiorum Università di Bologna", "UniBo", "alias"),
        ("Clust-ER Edilizia", "Clust-ER Build", "alias"),
        ("Innovative Secure Tehnologies", "Innovative Secure Technologies", "fuzzy"),
    ],
)
def test_organisations_ties_names_by_rule(
    rules: IdentityRules, first: str, second: str, rule: str
) -> None:
    resolution = resolve(mentions(first, second), rules)

    (organisation,) = resolution.organisations
    assert [merge.rule for merge in organisation.merges] == [rule]
    assert {name.name for name in organisation.names} == {first, second}


def test_organisations_short_name_ties_an_italian_and_an_english_name(rules: IdentityRules) -> None:
    # Without the alias of organisations.yaml, only the short name ties them.
    found = [
        NameMention("sample", "a", "partner", "Fondazione Istituto per i Porti", short_name="IPP"),
        NameMention("sample", "b", "partner", "Institute for Ports Policy", short_name="IPP"),
    ]
    (organisation,) = resolve(found, rules).organisations

    (merge,) = organisation.merges
    assert merge.rule == "short_name"
    assert "IPP" in merge.detail
    assert organisation.short_names == ["IPP"]


def test_organisations_bare_short_name_ties_the_full_name(rules: IdentityRules) -> None:
    found = [
        NameMention(
            "one",
            "a",
            "partner",
            "Institut National de Recherche en Informatique et Automatique",
            short_name="INRIA",
        ),
        NameMention("two", "b", "partner", "INRIA"),
    ]
    (organisation,) = resolve(found, rules).organisations

    assert organisation.merges[0].rule == "short_name"
    assert organisation.brochures == ["one", "two"]


def test_organisations_three_letter_short_name_ties_only_within_a_brochure(
    rules: IdentityRules,
) -> None:
    def found(second_brochure: str) -> list[NameMention]:
        return [
            NameMention("one", "a", "partner", "Consiglio Nazionale Ricerche", short_name="CNR"),
            NameMention(second_brochure, "b", "partner", "CNR"),
        ]

    assert len(resolve(found("one"), rules).organisations) == 1
    assert len(resolve(found("two"), rules).organisations) == 2


def test_organisations_qualifier_in_brackets_is_no_short_name(rules: IdentityRules) -> None:
    # "University of Oxford (ELIXIR-UK)": ELIXIR-UK abbreviates neither name, so ties nothing.
    found = [
        NameMention("one", "a", "partner", "University of Oxford", short_name="ELIXIR-UK"),
        NameMention("one", "a", "partner", "Heriot Watt University", short_name="ELIXIR-UK"),
    ]
    resolution = resolve(found, rules)

    assert len(resolution.organisations) == 2
    assert all(organisation.short_names == [] for organisation in resolution.organisations)


@pytest.mark.parametrize(
    "names",
    [
        ("Clust-ER Agro", "Clust-ER Build"),
        ("Confindustria Romagna", "Confcooperative Romagna"),
        ("University of Bologna", "University of Bologna Foundation"),
        ("Regione Marche", "Regione Veneto"),
        ("Université Toulouse II", "Université Toulouse III"),
        ("University of Iceland", "University of Ireland"),
        ("Laboratoire de Tecnologie Marine", "Laboratoire de Ecologie Marine"),
        ("Clust-ER Innovate", "Clust-ER Innovative Services"),
        ("Heriot Watt University Edinburgh", "Heriot Watt University"),
        ("UNIBO", "UNIBRISTOL"),
    ],
)
def test_organisations_keeps_similar_names_apart(
    rules: IdentityRules, names: tuple[str, str]
) -> None:
    assert cluster_names(names, rules) == [[names[0]], [names[1]]]


def test_organisations_keeps_names_of_different_stated_countries_apart(
    rules: IdentityRules,
) -> None:
    found = [
        NameMention("one", "a", "partner", "Netcompany-Intrasoft SA", country="Luxembourg"),
        NameMention("one", "a", "partner", "Netcompany-Intrasoft", country="Belgium"),
        NameMention("two", "b", "partner", "Netcompany Intrasoft"),
    ]
    resolution = resolve(found, rules)

    assert len(resolution.organisations) == 2
    assert organisation_of(resolution, "Netcompany Intrasoft").country == "Luxembourg"


def test_organisations_distinct_entry_wins_over_every_rule(tmp_path: Path) -> None:
    folder = _patterns_copy(tmp_path)
    path = folder / IDENTITIES_FILE
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace(
            "distinct:\n", "distinct:\n  - [Regione Emilia Romagna, Regione Emilia-Romagna]\n"
        ),
        encoding="utf-8",
    )
    with pytest.raises(PatternError, match="names one curated organisation twice"):
        load_identity_rules(folder)
    path.write_text(
        text.replace("distinct:\n", "distinct:\n  - [Porto di Ravenna, Porto Ravenna]\n"),
        encoding="utf-8",
    )
    own = load_identity_rules(folder)

    assert len(cluster_names(["Porto di Ravenna", "Porto Ravenna"], own)) == 2
    assert len(cluster_names(["Porto di Ravenna", "Porto Ravenna"])) == 1


def test_organisations_person_is_never_an_organisation(rules: IdentityRules) -> None:
    found = [
        NameMention("one", "a", "person", "Clust Innovate", person=True),
        NameMention("one", "b", "partner", "Clust Innovate"),
    ]
    resolution = resolve(found, rules)

    assert sorted(o.type or "" for o in resolution.organisations) == ["", "person"]


# --- the words of a name ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("short", "name", "expected"),
    [
        ("ITL", "Fondazione Istituto sui Trasporti e la Logistica", True),
        ("ITL", "Foundation Institute for Transport and Logistics", True),
        ("UCLouvain", "Université Catholique de Louvain", True),
        ("Ctna", "National aerospace technology Cluster", True),
        ("NET", "Netcompany-Intrasoft", True),
        ("SIIT", "Distretto Tecnologico Sistemi Intelligenti Integrati Tecnologie", True),
        ("ELIXIR-UK", "University of Oxford", False),
        ("INNOVATE", "Clust-ER Association Innovation in Services", False),
        ("AB", "AB", False),
    ],
)
def test_organisations_abbreviates(
    rules: IdentityRules, short: str, name: str, expected: bool
) -> None:
    assert abbreviates(short, name, rules) is expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "CIRI-ICT, Interdepartmental Center for Industrial Research of the University of "
            "Bologna",
            (
                "CIRI-ICT, Interdepartmental Center for Industrial Research",
                "University of Bologna",
                "of_phrase",
            ),
        ),
        (
            "MechLav Industrial research laboratory of the Ferrara Tecnopolo",
            ("MechLav Industrial research laboratory", "Ferrara Tecnopolo", "of_phrase"),
        ),
        (
            "Dipartimento di Fisica dell'Università di Pavia",
            ("Dipartimento di Fisica", "Università di Pavia", "of_phrase"),
        ),
        ("Dipartimento DICAM – UniBo", ("Dipartimento DICAM", "UniBo", "unit")),
        ("University of Bologna", None),
        ("University of Bologna Foundation", None),
        ("Chamber of Commerce of Romagna", None),
        ("Port System Authority of the Northern Adriatic Sea", None),
        ("Politecnico di Milano", None),
    ],
)
def test_organisations_split_parent(rules: IdentityRules, name: str, expected: object) -> None:
    assert split_parent(name, rules) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Fondazione Istituto sui Trasporti e la Logistica", ("foundation", "word:fondazione")),
        ("University of Bologna Foundation", ("foundation", "word:foundation")),
        ("Clust-ER Association Innovation in Services", ("cluster_association", "word:clust er")),
        (
            "Confcooperative Romagna",
            ("trade_union_or_business_association", "word:confcooperative"),
        ),
        ("Chamber of Commerce of Romagna", ("public_body", "word:chamber of commerce")),
        ("Regione Marche", ("public_body", "word:regione")),
        (
            "Technology Transfer Consortium T3 LAB of the University of Bologna",
            (
                "university_or_research_centre",
                "word:lab",
            ),
        ),
        ("Siemens AG", ("company", "legal_form:AG")),
        ("Port Cooperative soc. coop.", ("company", "legal_form:soc. coop.")),
        ("Fondimpresa", None),
    ],
)
def test_organisations_name_type(rules: IdentityRules, name: str, expected: object) -> None:
    assert name_type(name, rules) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("University of Luxembourg", "Luxembourg"),
        ("Regione Emilia-Romagna", "Italy"),
        ("Italian Air Force", "Italy"),
        ("Ligue Française protection oiseaux", "France"),
        ("Fondimpresa", None),
    ],
)
def test_organisations_name_country(rules: IdentityRules, name: str, expected: str | None) -> None:
    assert name_country(name, rules) == expected


def test_organisations_name_keys_drop_article_legal_form_and_small_words(
    rules: IdentityRules,
) -> None:
    keys = name_keys("The Centre for Research S.r.l.", rules)

    assert keys.normalised == "centre for research"
    assert keys.spelled == "centre for research"
    assert keys.content == ("centre", "research")


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        ("Innovative Secure Tehnologies", "Innovative Secure Technologies", 91.7),
        ("Clust-ER Green", "Clust-ER Agro", None),  # "agro" is too short to compare
        ("Laboratoire de Tecnologie Marine", "Laboratoire de Ecologie Marine", 80.0),
        ("Regione Autonoma della Sardegna", "Regione Autonoma della Sicilia", None),  # places
        ("Université Toulouse II", "Université Toulouse III", None),  # numbers
        ("Heriot Watt University", "Heriot Watt University Edinburgh", None),  # a word more
    ],
)
def test_organisations_fuzzy_score(
    rules: IdentityRules, first: str, second: str, expected: float | None
) -> None:
    scored = fuzzy_score(name_keys(first, rules), name_keys(second, rules), rules)

    assert (round(scored[0], 1) if scored else None) == expected


def test_organisations_word_similarity_counts_each_slip_once() -> None:
    assert word_similarity("technologies", "tehnologies") == pytest.approx(100 * 11 / 12)
    assert word_similarity("centre", "center") == pytest.approx(100 * 5 / 6)  # a swap
    assert word_similarity("ecologie", "tecnologie") == pytest.approx(80.0)


def test_organisations_fuzzy_compares_only_names_sharing_a_rare_word(
    rules: IdentityRules,
) -> None:
    # 200 names share "university"; a name is compared only with those one slip away.
    generator = random.Random(3)
    places = ["".join(generator.choices("bcdfglmnprstvz", k=4)) + "ano" for _ in range(200)]
    names = [f"University of {place.title()}" for place in dict.fromkeys(places)]
    resolver = _Resolver(mentions(*names), rules)
    resolver.add_mentions()
    resolver.fuzzy_candidates()

    assert len(names) > 190
    assert 0 < resolver.compared_pairs < len(names)  # of 20,000 pairs


# --- ids -------------------------------------------------------------------------------------


def test_organisations_id_is_a_slug_of_the_preferred_name(rules: IdentityRules) -> None:
    resolution = resolve(mentions("Regione Emilia Romagna", "Regione Emilia Romagna"), rules)

    assert [o.id for o in resolution.organisations] == ["regione-emilia-romagna"]
    assert resolution.organisations[0].name == "Regione Emilia-Romagna"  # the curated name
    assert organisation_slug("Łódź Smart Port S.A.") == "lodz-smart-port-s-a"
    assert organisation_slug("!!!") == "organisation"


def test_organisations_remembered_name_keeps_its_id_through_a_new_spelling(
    rules: IdentityRules,
) -> None:
    remembered = [RememberedName(name="Consorzio Porto Ravenna", organisation_id="porto-42")]
    resolution = resolve(mentions("Consorzio Porto di Ravenna"), rules, remembered)

    assert [o.id for o in resolution.organisations] == ["porto-42"]
    assert [n.name for n in resolution.organisations[0].names] == ["Consorzio Porto di Ravenna"]


def test_organisations_split_leaves_the_id_to_the_larger_part(rules: IdentityRules) -> None:
    remembered = [
        RememberedName(name="Alpha Research Centre", organisation_id="alpha"),
        RememberedName(name="Alpha Research Center", organisation_id="alpha"),
        RememberedName(name="Omega Laboratory", organisation_id="alpha"),
    ]
    resolution = resolve(mentions("Alpha Research Centre", "Omega Laboratory"), rules, remembered)

    assert organisation_of(resolution, "Alpha Research Centre").id == "alpha"
    assert organisation_of(resolution, "Omega Laboratory").id == "omega-laboratory"


def test_organisations_new_id_never_takes_a_remembered_one(rules: IdentityRules) -> None:
    remembered = [RememberedName(name="Something Else Entirely", organisation_id="alpha-lab")]
    resolution = resolve(mentions("Alpha Lab"), rules, remembered)

    assert [o.id for o in resolution.organisations] == ["alpha-lab-2"]


# --- mentions and whole extractions -----------------------------------------------------------


def test_organisations_collect_mentions_reads_persons_via_and_parents(rules: IdentityRules) -> None:
    project = make_project(
        "lab",
        "Lab",
        partners=[
            make_partner("Claudio Rossi", kind="person", affiliation="Dipartimento DICAM – UniBo"),
            make_partner("Chamber of Commerce of Romagna", via="CISE"),
        ],
    )
    found = collect_mentions("agency", make_extraction(project, publisher="Agency"), rules)

    assert [(m.role, m.name, m.parent) for m in found] == [
        ("publisher", "Agency", None),
        ("person", "Claudio Rossi", 2),
        ("affiliation", "Dipartimento DICAM – UniBo", 3),
        ("parent", "UniBo", None),
        ("partner", "Chamber of Commerce of Romagna", None),
        ("via", "CISE", 4),
    ]


def test_organisations_of_the_sample(sample_extraction: BrochureExtraction) -> None:
    resolution = resolve_extractions({"clust-er-innovate": sample_extraction})
    by_name = {o.name: o for o in resolution.organisations}

    itl = by_name["Fondazione Istituto sui Trasporti e la Logistica"]
    assert {n.name for n in itl.names} == {
        "Fondazione Istituto sui Trasporti e la Logistica",
        "Foundation Institute for Transport and Logistics",
    }
    assert [m.rule for m in itl.merges] == ["short_name"]
    assert (itl.type, itl.short_names) == ("foundation", ["ITL"])
    cris = next(o for o in resolution.organisations if o.name.startswith("CRIS"))
    assert [m.rule for m in cris.merges] == ["spelling_variant"]
    assert cris.parent_name == "University of Modena and Reggio Emilia"
    assert by_name["Regione Emilia-Romagna"].country == "Italy"
    unibo = by_name["University of Bologna"]
    assert {n.name for n in unibo.names} == {"University of Bologna", "UniBo"}
    children = {o.name for o in resolution.organisations if o.parent_id == unibo.id}
    assert "Dipartimento DICAM – UniBo" in children
    assert by_name["CISE"].parent_name == "Chamber of Commerce of Romagna"
    assert by_name["CISE"].type == "company"
    for apart in ("Confindustria Romagna", "Confcooperative Romagna", "Legacoop Romagna"):
        assert [n.name for n in by_name[apart].names] == [apart]
    assert by_name["Clust-ER Agrifood"].id != by_name["Clust-ER Build"].id
    # Every mention has its organisation; every organisation a project or the publisher's role.
    assert all(m.organisation_id for m in resolution.mentions)
    publisher = by_name["Clust-ER Innovate"]
    assert len(publisher.projects) == 7
    assert resolution.find("Clust-ER Innovate") == publisher.id
    assert resolution.find("INNOVATE") == publisher.id
    assert resolution.find("Philip Gribbon (Fraunhofer); Ola Engkvist (AstraZeneca)") is None


def test_organisations_do_not_depend_on_the_order_of_brochures(
    sample_extraction: BrochureExtraction,
) -> None:
    other = make_extraction(
        make_project("x", "X", partners=[make_partner("Regione Emilia Romagna")])
    )
    first = resolve_extractions({"a": other, "clust-er-innovate": sample_extraction})
    second = resolve_extractions({"clust-er-innovate": sample_extraction, "a": other})

    assert first.organisations == second.organisations


# --- the rules file --------------------------------------------------------------------------


def _patterns_copy(tmp_path: Path) -> Path:
    import shutil

    from extractors.organisation_rules import DEFAULT_PATTERNS_DIR

    folder = tmp_path / "patterns"
    shutil.copytree(DEFAULT_PATTERNS_DIR, folder)
    return folder


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (("fuzzy_threshold: 82", "fuzzy_treshold: 82"), "fuzzy_treshold"),
        (("  - [centre, center]", "  - [centre, center]\n  - [center, centro]"), "center"),
        (("fuzzy_threshold: 82", "fuzzy_threshold: 120"), "less than or equal to 100"),
        (
            (
                "  - name: Clust-ER Create\n",
                "  - name: UniBo Trust\n    aliases: [UniBo]\n  - name: Clust-ER Create\n",
            ),
            "UniBo",
        ),
    ],
)
def test_organisations_rules_file_is_validated_with_its_line(
    tmp_path: Path, edit: tuple[str, str], message: str
) -> None:
    folder = _patterns_copy(tmp_path)
    path = folder / IDENTITIES_FILE
    text = path.read_text(encoding="utf-8")
    assert edit[0] in text
    path.write_text(text.replace(edit[0], edit[1], 1), encoding="utf-8")

    with pytest.raises(PatternError, match=message) as raised:
        load_identity_rules(folder)
    assert raised.value.path == str(path)


def test_organisations_rules_of_a_folder_without_their_file_are_the_packaged_ones(
    tmp_path: Path,
) -> None:
    folder = _patterns_copy(tmp_path)
    (folder / IDENTITIES_FILE).unlink()

    assert load_identity_rules(folder).patterns == packaged_identity_rules().patterns


# --- the reviewer's joins and splits ----------------------------------------------------------


def identity_corrections(*entries: dict[str, object]) -> IdentityCorrections:
    """Identity corrections as a file would give them, entry n on line n."""
    return IdentityCorrections(
        entries=tuple(
            IdentityCorrectionEntry(
                correction=IdentityCorrection.model_validate(entry),
                file="organisation_corrections.yaml",
                line=line,
            )
            for line, entry in enumerate(entries, start=1)
        )
    )


def ids_of(resolution: Resolution) -> dict[str, str | None]:
    return {mention.name: mention.organisation_id for mention in resolution.mentions}


def test_organisations_reviewer_join_ties_names_no_rule_ties(rules: IdentityRules) -> None:
    names = mentions("Saltmarsh Lab", "Saltmarsh Laboratory Trust")
    assert len(set(ids_of(resolve(names, rules)).values())) == 2

    joined = resolve(
        names,
        rules,
        corrections=identity_corrections(
            {"join": ["saltmarsh lab", "Saltmarsh Laboratory Trust"], "note": "same lab"}
        ),
    )

    assert ids_of(joined) == {
        "Saltmarsh Lab": "saltmarsh-lab",
        "Saltmarsh Laboratory Trust": "saltmarsh-lab",
    }
    (organisation,) = joined.organisations
    assert [(m.rule, m.name, m.joined, m.detail) for m in organisation.merges] == [
        ("reviewer", "Saltmarsh Laboratory Trust", "Saltmarsh Lab", "same lab")
    ]
    assert joined.stale_corrections == ()


def test_organisations_reviewer_join_by_ids_lasts_once_one_id_is_gone(
    rules: IdentityRules,
) -> None:
    names = mentions("Saltmarsh Lab", "Saltmarsh Laboratory Trust")
    first = resolve(names, rules)
    join = identity_corrections({"join": ["saltmarsh-lab", "saltmarsh-laboratory-trust"]})

    second = resolve(names, rules, first.names, corrections=join)
    # Both names are now remembered under one id; the other id names nothing any more.
    third = resolve(names, rules, second.names, corrections=join)

    assert set(ids_of(second).values()) == {"saltmarsh-lab"}
    assert set(ids_of(third).values()) == {"saltmarsh-lab"}


SPLIT_PAIRS = [
    ("Nordic Material Institute", "Nordic Materials Institute", "fuzzy"),
    ("Verdant Robotics Centre", "Verdant Robotics Center", "spelling_variant"),
    ("Quarry Lab", "Lab Quarry", "word_order"),
    ("Brightwater Energy S.r.l.", "Brightwater Energy", "normalised"),
]


@pytest.mark.parametrize(("kept", "split_off", "rule"), SPLIT_PAIRS)
def test_organisations_reviewer_split_breaks_a_tie_of_any_rule(
    rules: IdentityRules, kept: str, split_off: str, rule: str
) -> None:
    names = mentions(kept, kept, split_off)
    first = resolve(names, rules)
    (tied,) = first.organisations
    assert [merge.rule for merge in tied.merges] == [rule]

    split = identity_corrections({"split": split_off, "from": kept, "note": "another one"})
    second = resolve(names, rules, first.names, corrections=split)
    # The next edition, resolved against what the catalogue then remembers.
    third = resolve(names, rules, second.names, corrections=split)

    for resolution in (second, third):
        ids = ids_of(resolution)
        assert ids[kept] == tied.id
        assert ids[split_off] not in (None, tied.id)
        assert ids[split_off] == ids_of(second)[split_off]
        apart = organisation_of(resolution, split_off).kept_apart
        assert [(k.names, k.split_from, k.split_from_id, k.ids, k.note) for k in apart] == [
            ([split_off], kept, tied.id, [ids[split_off]], "another one")
        ]
        assert organisation_of(resolution, kept).kept_apart == apart


def test_organisations_reviewer_split_leaves_the_id_to_the_names_that_remain(
    rules: IdentityRules,
) -> None:
    names = mentions(
        "Nordic Material Institute", "Nordic Materials Institute", "Nordic Materials Institut"
    )
    first = resolve(names, rules)
    (tied,) = first.organisations
    assert tied.id == "nordic-material-institute"

    # The split-off names are most of the remembered ones, yet the remaining one keeps the id.
    split = identity_corrections(
        {
            "split": ["Nordic Materials Institute", "Nordic Materials Institut"],
            "from": "nordic-material-institute",
        }
    )
    second = resolve(names, rules, first.names, corrections=split)

    assert ids_of(second) == {
        "Nordic Material Institute": "nordic-material-institute",
        "Nordic Materials Institute": "nordic-materials-institute",
        "Nordic Materials Institut": "nordic-materials-institute",
    }
    assert ids_of(resolve(names, rules, second.names, corrections=split)) == ids_of(second)


def test_organisations_reviewer_split_holds_against_a_join_and_says_so(
    rules: IdentityRules,
) -> None:
    names = mentions("Saltmarsh Lab", "Saltmarsh Laboratory Trust")
    # A loaded file refuses this contradiction; resolution, given it anyway, keeps the split.
    corrections = identity_corrections(
        {"join": ["Saltmarsh Lab", "Saltmarsh Laboratory Trust"]},
        {"split": "Saltmarsh Laboratory Trust", "from": "Saltmarsh Lab"},
    )

    resolution = resolve(names, rules, corrections=corrections)

    assert len(set(ids_of(resolution).values())) == 2
    assert resolution.stale_corrections == (
        "organisation_corrections.yaml, line 1: join: 'Saltmarsh Laboratory Trust' stays apart "
        "from 'Saltmarsh Lab' (a split keeps them apart, or one is a person)",
    )


def test_organisations_reviewer_correction_of_a_name_named_nowhere_is_stale(
    rules: IdentityRules,
) -> None:
    corrections = identity_corrections(
        {"join": ["Saltmarsh Lab", "Nowhere Lab"]},
        {"split": "Nowhere Trust", "from": "Saltmarsh Lab"},
    )

    resolution = resolve(mentions("Saltmarsh Lab"), rules, corrections=corrections)

    assert [o.id for o in resolution.organisations] == ["saltmarsh-lab"]
    assert resolution.stale_corrections == (
        "organisation_corrections.yaml, line 2: split: names nothing now: 'Nowhere Trust'",
        "organisation_corrections.yaml, line 1: join: names nothing now: 'Nowhere Lab'",
    )


def test_organisations_reviewer_join_holds_against_stated_countries(
    rules: IdentityRules,
) -> None:
    names = [
        NameMention("agency", "project", "partner", "Saltmarsh Lab", country="Italy"),
        NameMention("agency", "project", "partner", "Saltmarsh Lab", country="Greece"),
    ]
    first = resolve(names, rules)
    assert [o.id for o in first.organisations] == ["saltmarsh-lab", "saltmarsh-lab-2"]

    join = identity_corrections({"join": ["saltmarsh-lab", "saltmarsh-lab-2"]})
    joined = resolve(names, rules, first.names, corrections=join)

    (organisation,) = joined.organisations
    assert set(ids_of(joined).values()) == {"saltmarsh-lab"}
    assert [name.name for name in organisation.names] == ["Saltmarsh Lab", "Saltmarsh Lab"]
    assert joined.stale_corrections == ()
