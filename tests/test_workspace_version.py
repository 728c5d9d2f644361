from __future__ import annotations

from pathlib import Path

import pytest

from extractors.rules import load_rules
from schemas import PatternError, Settings
from workspace.version import code_fingerprint, pipeline_version, rules_fingerprint


def test_version_is_stable_for_the_same_inputs() -> None:
    assert pipeline_version(Settings()) == pipeline_version(None)
    assert len(pipeline_version()) == 64


@pytest.mark.parametrize(
    "changed",
    [
        {"max_title_words": 30},
        {"near_duplicate_threshold": 0.8},
        {"publisher": "Clust-ER"},
        {"extractors": ["title", "partners"]},
    ],
)
def test_version_changes_with_settings_that_extract(changed: dict[str, object]) -> None:
    assert pipeline_version(Settings.model_validate(changed)) != pipeline_version(Settings())


def test_version_ignores_the_file_size_limit_and_the_patterns_path(patterns: Path) -> None:
    assert pipeline_version(Settings(max_file_bytes=10)) == pipeline_version(Settings())
    assert pipeline_version(Settings(patterns_dir=patterns)) == pipeline_version(Settings())


def test_version_changes_when_a_rule_file_changes(patterns: Path) -> None:
    settings = Settings(patterns_dir=patterns)
    before = pipeline_version(settings)
    roles = patterns / "roles.yaml"

    roles.write_text(roles.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")

    assert pipeline_version(settings) != before
    # The rules the extraction loads follow the edited files too, in the same process.
    assert load_rules(patterns).fingerprint == rules_fingerprint(patterns)


def test_version_rules_fingerprint_is_that_of_the_loaded_rules() -> None:
    assert rules_fingerprint(None) == load_rules(None).fingerprint


def test_version_broken_rule_file_fails_before_anything_runs(patterns: Path) -> None:
    (patterns / "roles.yaml").write_text("categories: [\n", encoding="utf-8")

    with pytest.raises(PatternError, match="roles.yaml"):
        pipeline_version(Settings(patterns_dir=patterns))


def test_version_code_fingerprint_follows_the_source_files(tmp_path: Path) -> None:
    package = tmp_path / "package"
    package.mkdir()
    (package / "module.py").write_text("VALUE = 1\n", encoding="utf-8")
    (package / "notes.txt").write_text("not code", encoding="utf-8")
    before = code_fingerprint([package])

    (package / "notes.txt").write_text("still not code", encoding="utf-8")
    unchanged = code_fingerprint([package])
    (package / "module.py").write_text("VALUE = 2\n", encoding="utf-8")

    assert unchanged == before
    assert code_fingerprint([package]) != before


def test_version_covers_the_code_that_turns_a_file_into_records() -> None:
    from workspace.version import CODE_PACKAGES

    root = Path(__file__).resolve().parents[1]
    assert [package.resolve() for package in CODE_PACKAGES] == [
        root / "schemas",
        root / "readers",
        root / "extractors",
    ]
