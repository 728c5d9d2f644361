from __future__ import annotations

import itertools
import random
from typing import cast

import pytest
from builders import joined_lines, packaged_rules
from pairwise_dedupe import pairwise_dedupe_sections

from extractors.dedupe import (
    dedupe_sections,
    similarity,
)
from extractors.layout import Unit, build_units
from extractors.partner_reading import organisation_reader
from extractors.pipeline import extract_text
from extractors.segment import Placed, Section, Slot, segment_units
from schemas import Settings

rules = packaged_rules()

LAW = (
    "The Emilia-Romagna Region approved Regional Law 2/2023 on February 21, 2023, a law created "
    "to attract and retain talents: highly specialized individuals who can find a job."
)
MANIFESTO = (
    "Furthermore, from the work of the group, a manifesto has emerged that groups together the "
    "founding values of the project."
)
DRONE = (
    "The laboratory focuses on the feasibility study of a drone delivery service for medicines "
    "to improve the timeliness of care in emergency situations."
)
WP_ROLE = (
    "Clust-ER Innovate manages WP5. Dissemination of results, in which he will take care of "
    "project communication and dissemination of results."
)
# Forty words, all different, so that one changed word changes exactly the trigrams around it.
FORTY_TEXT = (
    "Sustainable manufacturing remains the mantra of modern industry applications and its aim "
    "is to improve production quality enabling zero defect processes together with waste "
    "reduction while companies adopt innovative big data solutions machine learning methods "
    "real time inference tools today"
)
FORTY = FORTY_TEXT.split()


def test_dedupe_paragraphs_repeated_in_untitled_block_before_a_project() -> None:
    # Sample lines 113-114: two paragraphs of an earlier project are pasted into an untitled block
    # that then continues with a real project (a misplaced role heading above its description).
    text = joined_lines(
        "Regional Committee for Talent Attraction",
        LAW,
        MANIFESTO,
        "Project partners",
        "- Regione Emilia Romagna",
        "Role of Clust-ER Innovate",
        "",
        "Cyber Range for Industrial Security - CRI4.0",
        "The goal of this project is to create a Cyber Range for the manufacturing sector.",
        "Role of Clust-ER Innovate",
        WP_ROLE,
        "",
        LAW,
        MANIFESTO,
        "Role of Clust-ER Innovate",
        DRONE,
        "Project partners",
        "- Clust-ER Health and Wellness",
        "Role of Clust-ER Innovate",
        "Clust-ER Innovate will participate in the project as a partner.",
    )

    extraction = extract_text(text)

    projects = extraction.projects
    assert [p.id for p in projects] == [
        "regional-committee-for-talent-attraction",
        "cri4-0",
        "laboratory-feasibility-study-of-a-drone-delivery-service",
    ]
    assert projects[0].description == f"{LAW}\n\n{MANIFESTO}"
    assert projects[2].description == DRONE
    assert [partner.name for partner in projects[2].partners] == ["Clust-ER Health and Wellness"]
    (duplicate,) = extraction.duplicates
    assert (duplicate.kind, duplicate.duplicate_of, duplicate.similarity) == (
        "paragraph",
        "regional-committee-for-talent-attraction",
        1.0,
    )
    assert duplicate.text == f"{LAW}\n{MANIFESTO}"
    assert (duplicate.evidence.line_start, duplicate.evidence.line_end) == (13, 14)
    assert (duplicate.original.line_start, duplicate.original.line_end) == (2, 3)
    assert text[duplicate.evidence.start : duplicate.evidence.end] == duplicate.text
    # The kept project starts after the dropped copy.
    assert projects[2].evidence.line_start == 15
    assert not any(w.code == "unassigned_text" for w in extraction.warnings)


def test_dedupe_identical_role_paragraphs_are_kept_in_both_projects() -> None:
    text = joined_lines(
        "Cyber Range for Industrial Security - CRI4.0",
        "The goal of this project is to create a Cyber Range for the manufacturing sector.",
        "Role of Clust-ER Innovate",
        WP_ROLE,
        "",
        "Data-driven IT Services for Sustainable and Efficient Manufacturing (DISSEM)",
        "Sustainable manufacturing is the mantra of modern Industry 5.0 applications.",
        "Role of Clust-ER Innovate",
        WP_ROLE,
    )

    extraction = extract_text(text)

    assert extraction.duplicates == []
    assert [p.id for p in extraction.projects] == ["cri4-0", "dissem"]
    for project, line in zip(extraction.projects, (4, 9), strict=True):
        assert project.role is not None
        assert (project.role.text, project.role.category) == (WP_ROLE, "work_package_leader")
        assert project.role.evidence.line_start == line
        assert [(wp.number, wp.title, wp.lead) for wp in project.work_packages] == [
            (5, "Dissemination of results", True)
        ]


def test_dedupe_identical_partner_lists_are_kept() -> None:
    partners = ["- Clust-ER Innovate", "- Regione Emilia-Romagna"]
    text = joined_lines(
        "First Project",
        "The first project builds a regional data platform for companies.",
        "Project partners",
        *partners,
        "Second Project",
        "The second project trains operators in the regional labour market.",
        "Project partners",
        *partners,
    )

    extraction = extract_text(text)

    assert extraction.duplicates == []
    assert [[p.name for p in project.partners] for project in extraction.projects] == [
        ["Clust-ER Innovate", "Regione Emilia-Romagna"],
        ["Clust-ER Innovate", "Regione Emilia-Romagna"],
    ]


@pytest.mark.parametrize(
    "position",
    [
        0,
        39,
        20,
    ],
    ids=["first_word", "last_word", "middle_word"],
)
def test_dedupe_near_duplicate_with_one_word_changed_is_dropped(position: int) -> None:
    assert len({word.casefold() for word in FORTY}) == len(FORTY) == 40
    original = " ".join(FORTY) + "."
    changed_words = list(FORTY)
    changed_words[position] = "different"
    changed = " ".join(changed_words) + "."
    text = joined_lines(
        "First Project",
        original,
        "Role of Clust-ER Innovate",
        WP_ROLE,
        "",
        "Second Project",
        "The second project trains operators in the regional labour market.",
        changed,
    )

    extraction = extract_text(text)

    (duplicate,) = extraction.duplicates
    assert (duplicate.kind, duplicate.duplicate_of) == ("paragraph", "first-project")
    assert 0.9 <= duplicate.similarity < 1
    assert duplicate.text == changed
    second = extraction.projects[1]
    assert second.description == (
        "The second project trains operators in the regional labour market."
    )


def test_dedupe_different_paragraphs_are_kept() -> None:
    other = " ".join(reversed(FORTY)) + "."
    text = joined_lines(
        "First Project",
        " ".join(FORTY) + ".",
        "Second Project",
        other,
    )

    extraction = extract_text(text)

    assert extraction.duplicates == []
    assert [p.description for p in extraction.projects] == [" ".join(FORTY) + ".", other]


def test_dedupe_adjacent_duplicated_paragraphs_make_one_record() -> None:
    text = joined_lines(
        "First Project",
        LAW,
        MANIFESTO,
        "Second Project",
        "The second project trains operators in the regional labour market.",
        LAW,
        MANIFESTO,
    )
    sections = segment_units(
        build_units(text, rules), rules, Settings(), organisation_reader(rules)
    ).sections

    kept, hits, kept_index = dedupe_sections(sections, 0.9)

    assert kept_index == [0, 1]
    (hit,) = hits
    assert (hit.kind, hit.original_section, hit.similarity) == ("paragraph", 0, 1.0)
    assert [unit.text for unit in hit.units] == [LAW, MANIFESTO]
    assert [unit.line_start for unit in hit.originals] == [2, 3]
    assert text[hit.start : hit.end] == f"{LAW}\n{MANIFESTO}"
    assert [(part.slot, part.unit.line_start) for part in kept[1].parts] == [
        ("title", 4),
        ("description", 5),
        ("duplicate", 6),
        ("duplicate", 7),
    ]


def test_dedupe_separated_duplicated_paragraphs_make_two_records() -> None:
    text = joined_lines(
        "First Project",
        LAW,
        MANIFESTO,
        "Second Project",
        LAW,
        "The second project trains operators in the labour market.",
        MANIFESTO,
    )

    extraction = extract_text(text)

    assert [(d.kind, d.evidence.line_start) for d in extraction.duplicates] == [
        ("paragraph", 5),
        ("paragraph", 7),
    ]


def test_dedupe_repeated_section_is_dropped_as_section() -> None:
    description = (
        "The Skills Intelligence tool shows, in interactive mode, data on skills and professional "
        "profiles sought by companies in Emilia-Romagna."
    )
    block = ["Skills Intelligence", description, "Project partners", "- Regione Emilia-Romagna"]
    text = joined_lines(*block, "", *block)

    extraction = extract_text(text)

    assert [p.id for p in extraction.projects] == ["skills-intelligence"]
    (duplicate,) = extraction.duplicates
    assert (duplicate.kind, duplicate.duplicate_of, duplicate.similarity) == (
        "section",
        "skills-intelligence",
        1.0,
    )
    assert (duplicate.evidence.line_start, duplicate.evidence.line_end) == (6, 9)
    assert (duplicate.original.line_start, duplicate.original.line_end) == (1, 4)
    assert duplicate.text == joined_lines(*block)


def test_dedupe_same_title_different_description_is_not_a_section_duplicate() -> None:
    text = joined_lines(
        "Skills Intelligence",
        "The first edition of the tool shows regional data on skills.",
        "",
        "Skills Intelligence",
        "The second edition adds hiring data and needs for each province.",
    )

    extraction = extract_text(text)

    assert extraction.duplicates == []
    assert [p.id for p in extraction.projects] == ["skills-intelligence", "skills-intelligence-2"]


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        (["a", "b", "c", "d"], ["a", "b", "c", "d"], 1.0),
        (["a", "b", "c", "d"], ["w", "x", "y", "z"], 0.0),
        (["a", "b", "c", "d"], ["a", "b", "c", "z"], 6 / 8),  # 3 of 4 words match on each side
        (["a", "b"], ["a", "b", "c"], 4 / 5),
        ([], ["a", "b", "c"], 0.0),
    ],
)
def test_dedupe_similarity_is_the_share_of_matching_words(
    first: list[str], second: list[str], expected: float
) -> None:
    assert similarity(first, second) == pytest.approx(expected)


def _edited_copy(words: list[str], vocabulary: list[str], rng: random.Random) -> list[str]:
    """Given a paragraph's words, return a planted copy: exact, one word changed, words
    reordered slightly, several words changed, or shortened (near the length limit)."""
    copy = list(words)
    kind = rng.choice(["exact", "one_word", "reordered", "several_words", "shortened"])
    if kind == "one_word":
        copy[rng.randrange(len(copy))] = rng.choice(vocabulary)
    elif kind == "reordered":
        start = rng.randrange(len(copy))
        copy.insert(min(len(copy), start + rng.randint(1, 3)), copy.pop(start))
    elif kind == "several_words":
        for _ in range(rng.randint(2, max(2, len(copy) // 3))):
            copy[rng.randrange(len(copy))] = rng.choice(vocabulary)
    elif kind == "shortened":
        copy = copy[: max(1, round(len(copy) * rng.uniform(0.4, 0.9)))]
    return copy


def _generated_sections(paragraphs: int, seed: int) -> list[Section]:
    """Sections holding about `paragraphs` paragraphs: a third planted copies of earlier ones,
    a fifth variants of a base, mostly unwritten (k words replaced at different places, so a later
    member is equally similar to every kept one), some untitled, under role headings or
    repeated as whole sections."""
    rng = random.Random(seed)
    vocabulary = [f"word{number}" for number in range(150)]
    fresh = (f"fresh{number}" for number in itertools.count())
    families: list[tuple[list[str], int]] = []
    written: list[list[str]] = []
    blocks: list[tuple[str | None, list[tuple[str, str]]]] = []
    while len(written) < paragraphs:
        if blocks and rng.random() < 0.03:
            blocks.append(rng.choice([block for block in blocks if block[0] is not None]))
            continue
        rows = []
        for _ in range(rng.randint(1, 4)):
            draw = rng.random()
            if written and draw < 0.35:
                words = _edited_copy(rng.choice(written), vocabulary, rng)
            elif families and draw < 0.55:
                base, replaced = rng.choice(families)
                words = list(base)
                for position in rng.sample(range(len(words)), replaced):
                    words[position] = next(fresh)
            else:
                words = rng.choices(vocabulary, k=rng.randint(4, 60))
                if len(words) >= 16 and rng.random() < 0.3:
                    families.append((words, rng.randint(1, len(words) // 8)))
                    words = (
                        list(words) if rng.random() < 0.2 else _edited_copy(words, vocabulary, rng)
                    )
            written.append(words)
            slot = rng.choice(["description"] * 6 + ["partner_prose", "list_intro", "role_text"])
            rows.append((slot, " ".join(words).capitalize() + "."))
        title = None if rng.random() < 0.1 else f"Generated Project {len(blocks)}"
        blocks.append((title, rows))
    return _sections_of(blocks)


def _sections_of(blocks: list[tuple[str | None, list[tuple[str, str]]]]) -> list[Section]:
    """Given (title, [(slot, text)]) blocks, return their sections, one unit a line, offsets
    and line numbers as in one text."""
    sections = []
    offset = line = 0
    for title, rows in blocks:
        slotted = ([("title", title)] if title is not None else []) + rows
        parts = []
        for slot, text in slotted:
            line += 1
            unit = Unit("text", offset, offset + len(text), line, line, text)
            parts.append(Placed(unit, cast(Slot, slot)))
            offset += len(text) + 1
        sections.append(Section(None, parts[0].unit if title is not None else None, parts))
    return sections


@pytest.mark.parametrize("threshold", [0.5, 0.8, 0.9, 0.97])
@pytest.mark.parametrize("seed", [1, 2])
def test_dedupe_shingle_index_finds_the_same_hits_as_the_pairwise_scan(
    seed: int, threshold: float
) -> None:
    sections = _generated_sections(300, seed)

    kept, hits, kept_index = dedupe_sections(sections, threshold)

    assert (kept, hits, kept_index) == pairwise_dedupe_sections(sections, threshold)
    # The generated set holds every kind of hit, so the comparison is not vacuous.
    similarities = [hit.similarity for hit in hits if hit.kind == "paragraph"]
    assert any(hit.kind == "section" for hit in hits)
    assert sum(value == 1.0 for value in similarities) >= 5
    assert sum(value < 1.0 for value in similarities) >= 10
    assert any(len(hit.units) > 1 for hit in hits)


def test_dedupe_equally_similar_originals_name_the_first_seen() -> None:
    # Two kept paragraphs each one word away from the third (and two words from each other,
    # below the threshold): the third repeats both equally, and the earlier one is its original.
    first, second = list(FORTY), list(FORTY)
    first[5], second[30] = "changed", "altered"
    texts = [" ".join(first), " ".join(second), FORTY_TEXT]
    sections = _sections_of([(f"Project {n}", [("description", t)]) for n, t in enumerate(texts)])
    assert similarity(FORTY, first) == similarity(FORTY, second) > similarity(first, second)

    _, hits, _ = dedupe_sections(sections, 0.96)

    (hit,) = hits
    assert (hit.units[0].text, hit.originals[0].text, hit.original_section) == (
        FORTY_TEXT,
        texts[0],
        0,
    )
    assert hit.similarity == round(similarity(FORTY, first), 3)


def test_dedupe_paragraph_at_the_prefilter_limit_is_compared() -> None:
    # The seen paragraph's 3 shingles are 3 of the new one's 10: Jaccard exactly 0.3, the one
    # case where the shared-shingle count the index requires (0.3 x 10) is met with nothing over.
    seen = "x y z x y z x y"
    new = "x y z x y z x y q r s t u v w"
    sections = _sections_of(
        [("First", [("description", seen)]), ("Second", [("description", new)])]
    )

    kept, hits, kept_index = dedupe_sections(sections, 0.6)

    (hit,) = hits
    assert (hit.units[0].text, hit.originals[0].text) == (new, seen)
    assert hit.similarity == round(2 * 8 / 23, 3)
    assert (kept, hits, kept_index) == pairwise_dedupe_sections(sections, 0.6)
