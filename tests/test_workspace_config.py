from __future__ import annotations

from pathlib import Path

import pytest

from schemas import PatternError, Settings
from workspace.config import load_settings, settings_from_mapping


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_config_reads_yaml_settings(tmp_path: Path) -> None:
    path = write(
        tmp_path / "settings.yaml",
        "# reviewer settings\npublisher: Clust-ER\nnear_duplicate_threshold: 0.8\n"
        "extractors: [title, partners]\n",
    )

    settings = load_settings(path)

    assert settings.publisher == "Clust-ER"
    assert settings.near_duplicate_threshold == 0.8
    assert settings.extractors == ("title", "partners")
    assert settings.max_title_words == Settings().max_title_words


def test_config_reads_json_settings(tmp_path: Path) -> None:
    path = write(tmp_path / "settings.JSON", '{\n  "max_title_words": 12\n}\n')

    assert load_settings(path).max_title_words == 12


def test_config_empty_yaml_gives_defaults(tmp_path: Path) -> None:
    assert load_settings(write(tmp_path / "empty.yml", "# nothing\n")) == Settings()


def test_config_relative_patterns_dir_is_relative_to_the_file(tmp_path: Path) -> None:
    folder = tmp_path / "conf"
    folder.mkdir()
    path = write(folder / "settings.yaml", "patterns_dir: patterns\n")

    assert load_settings(path).patterns_dir == folder / "patterns"


@pytest.mark.parametrize(
    ("name", "text", "line"),
    [
        ("bad.yaml", "publisher: Clust-ER\nextractors: [title\nmax_title_words: 5\n", 3),
        ("bad.yaml", "publisher: Clust-ER\n  indented: wrong\n", 2),
        ("bad.json", '{\n  "publisher": "Clust-ER",\n  "max_title_words": 5,\n}\n', 4),
    ],
)
def test_config_syntax_error_names_file_and_line(
    tmp_path: Path, name: str, text: str, line: int
) -> None:
    path = write(tmp_path / name, text)

    with pytest.raises(PatternError) as caught:
        load_settings(path)

    assert caught.value.line == line
    assert f"{path}, line {line}:" in str(caught.value)
    assert "syntax error" in str(caught.value)


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("unknown.yaml", "publisher: Clust-ER\n\nmax_title_word: 5\n"),
        ("unknown.json", '{"publisher": "Clust-ER",\n\n "max_title_word": 5}'),
    ],
)
def test_config_unknown_key_names_file_and_line(tmp_path: Path, name: str, text: str) -> None:
    path = write(tmp_path / name, text)

    with pytest.raises(PatternError) as caught:
        load_settings(path)

    assert caught.value.line == 3
    assert str(path) in str(caught.value)
    assert "'max_title_word'" in str(caught.value)
    assert "max_title_words" in caught.value.fix


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("twice.yaml", "publisher: A\nmax_title_words: 5\npublisher: B\n"),
        ("twice.json", '{"publisher": "A",\n "max_title_words": 5,\n "publisher": "B"}'),
    ],
)
def test_config_repeated_key_is_refused(tmp_path: Path, name: str, text: str) -> None:
    with pytest.raises(PatternError, match="given twice") as caught:
        load_settings(write(tmp_path / name, text))

    assert caught.value.line == 3


def test_config_invalid_value_names_the_key_line(tmp_path: Path) -> None:
    path = write(tmp_path / "settings.yaml", "publisher: X\nnear_duplicate_threshold: 2\n")

    with pytest.raises(PatternError, match="near_duplicate_threshold") as caught:
        load_settings(path)

    assert caught.value.line == 2


@pytest.mark.parametrize("text", ["- publisher\n- X\n", "just words\n"])
def test_config_top_level_must_be_a_mapping(tmp_path: Path, text: str) -> None:
    with pytest.raises(PatternError, match="mapping"):
        load_settings(write(tmp_path / "settings.yaml", text))


def test_config_refuses_other_suffixes_without_guessing(tmp_path: Path) -> None:
    path = write(tmp_path / "settings.toml", "publisher: X\n")

    with pytest.raises(PatternError, match=r"\.toml"):
        load_settings(path)


def test_config_missing_file_is_a_pattern_error(tmp_path: Path) -> None:
    with pytest.raises(PatternError, match="does not exist"):
        load_settings(tmp_path / "absent.yaml")


def test_config_settings_from_mapping_refuses_unknown_keys() -> None:
    with pytest.raises(PatternError, match="'colour'"):
        settings_from_mapping({"colour": "red"}, "settings")
    assert settings_from_mapping({"publisher": "X"}).publisher == "X"
