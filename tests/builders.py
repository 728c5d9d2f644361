"""Builders the extraction tests share: a text from its lines, the one project of an extraction."""

from __future__ import annotations

from schemas import BrochureExtraction, Project


def lines(*rows: str) -> str:
    """Given lines, return them as a text, each ending with a newline."""
    return "\n".join(rows) + "\n"


def only_project(extraction: BrochureExtraction) -> Project:
    """Given an extraction that must hold exactly one project, return it."""
    (project,) = extraction.projects
    return project
