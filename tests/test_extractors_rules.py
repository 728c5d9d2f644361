"""Pattern files are data a domain expert edits: validated on load, errors name file and entry."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractors.pipeline import extract_text
from extractors.rules import load_rules
from schemas import PatternError, Settings


def edit(folder: Path, name: str, old: str, new: str) -> None:
    path = folder / f"{name}.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_rules_packaged_patterns_load_and_compile() -> None:
    rules = load_rules()
    assert rules.role_heading.match("Role of Clust-ER Innovate")
    assert rules.partner_heading.match("PROJECT PARTNERS:")
    assert rules.alias_to_organisation["clust-er innovation in services"] == "Clust-ER Innovate"


@pytest.mark.parametrize(
    ("name", "old", "new", "message"),
    [
        (
            "layout",
            "  partners:\n",
            "  partnerz:\n",
            "layout.yaml: invalid entry at 'layout.headings",
        ),
        ("layout", '"[a-z][)]"', '"[a-z][)"', "invalid regular expression"),
        ("roles", "category: coordinator", "category: boss", "roles.yaml: invalid entry"),
        (
            "facts",
            '{label: COUNTRY, id: "Italy", phrases: ["Italy"]}',
            "{label: country}",
            "facts.yaml",
        ),
    ],
    ids=["unknown-key", "bad-regex", "unknown-category", "bad-fact-entry"],
)
def test_rules_invalid_pattern_file_is_refused_naming_file_and_entry(
    patterns: Path, name: str, old: str, new: str, message: str
) -> None:
    edit(patterns, name, old, new)
    with pytest.raises(PatternError, match=message.replace("[", r"\[").replace("(", r"\(")):
        load_rules(patterns)


def test_rules_yaml_syntax_error_gives_the_line(patterns: Path) -> None:
    (patterns / "names.yaml").write_text("person_titles: [Prof.\nabbreviations: x\n")
    with pytest.raises(PatternError) as raised:
        load_rules(patterns)
    assert "names.yaml" in str(raised.value)
    assert raised.value.line == 2


def test_rules_missing_file_is_named(patterns: Path) -> None:
    (patterns / "roles.yaml").unlink()
    with pytest.raises(PatternError, match="roles.yaml: pattern file is missing"):
        load_rules(patterns)


def test_rules_another_organisation_is_read_from_its_own_pattern_files(patterns: Path) -> None:
    edit(
        patterns,
        "layout",
        '"role\\\\s+of\\\\s+(?P<organisation>.+?)"',
        '"(?:role\\\\s+of|ruolo\\\\s+di)\\\\s+(?P<organisation>.+?)"',
    )
    edit(
        patterns,
        "layout",
        '"(?:project\\\\s+)?partners?"',
        '"(?:project\\\\s+)?partners?|partner\\\\s+di\\\\s+progetto"',
    )
    text = (
        "Smart Port Lab\n"
        "The lab tests port logistics with sensors.\n"
        "Partner di progetto\n"
        "- Autorità Portuale\n"
        "Ruolo di ART-ER\n"
        "ART-ER is a partner of the project.\n"
    )
    extraction = extract_text(text, settings=Settings(patterns_dir=patterns))
    (project,) = extraction.projects
    assert [partner.name for partner in project.partners] == ["Autorità Portuale"]
    assert project.role is not None
    assert (project.role.organisation, project.role.category) == ("ART-ER", "partner")
    assert extraction.publisher == "ART-ER"
