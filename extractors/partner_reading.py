"""Whether a line reads as an organisation: the bridge from the partner lexicons to the
segmentation, which decides with it whether a heading opens a project or names a partner."""

from __future__ import annotations

from collections.abc import Callable

from extractors.rules import Rules


def organisation_reader(rules: Rules) -> Callable[[str], bool]:
    """Given the rules, return a function that says whether a line reads as an organisation."""
    return lambda text: False
