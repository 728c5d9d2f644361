"""Warning codes are a closed set with one table of meanings, and the README lists them all."""

from __future__ import annotations

import re
from pathlib import Path
from typing import get_args

import pytest
from pydantic import ValidationError

from schemas import ExtractionWarning
from schemas.warnings import WARNING_MEANINGS, WarningCode

README = Path(__file__).resolve().parents[1] / "README.md"


def test_every_code_has_one_meaning() -> None:
    assert list(WARNING_MEANINGS) == list(get_args(WarningCode))


def test_a_code_outside_the_set_is_refused() -> None:
    with pytest.raises(ValidationError):
        ExtractionWarning(code="title_guessed", message="x")  # type: ignore[arg-type]


def test_the_readme_table_of_warnings_lists_every_code_and_no_other() -> None:
    text = README.read_text(encoding="utf-8")
    section = text.split("### Warnings a reviewer should look at", 1)[1]
    table = next(block for block in section.split("\n\n") if block.startswith("| code |"))
    listed = {
        code
        for row in table.splitlines()[2:]
        for code in re.findall(r"`([a-z_0-9]+)`", row.split("|")[1])
    }
    assert listed == set(WARNING_MEANINGS)
