"""Reading user-edited YAML and JSON: every problem named with the file, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from schemas import PatternError
from schemas.corrections import CorrectionError
from workspace.config import load_settings
from workspace.corrections import load_corrections


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_a_settings_file_nested_100000_deep_is_a_clear_error(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"settings{suffix}"
    path.write_text("[" * 100_000, encoding="utf-8")
    with pytest.raises(
        PatternError, match=rf"settings{suffix}.*(nested too deeply|maximum nesting depth)"
    ):
        load_settings(path)


def test_a_corrections_file_nested_100000_deep_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "corrections.yaml"
    path.write_text("- " * 100_000 + "x\n", encoding="utf-8")
    with pytest.raises(
        CorrectionError, match=r"corrections.yaml.*(nested too deeply|maximum nesting depth)"
    ):
        load_corrections(path)
