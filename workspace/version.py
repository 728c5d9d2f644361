"""The pipeline's own version: what must stay the same for an earlier extraction to still hold.

A brochure is skipped on re-ingestion only when its bytes and this version are both unchanged.
The version covers the code (every .py file of `schemas`, `readers` and `extractors`: what turns a
file into records), the active pattern
files (`Rules.fingerprint`), the spaCy release that tokenises, and the settings that change what
is extracted.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path

import extractors
import readers
import schemas
from extractors.rules import load_rules
from schemas import Settings

CODE_PACKAGES = tuple(
    Path(package.__file__).parent for package in (schemas, readers, extractors) if package.__file__
)
# Settings that do not change an extraction: the patterns folder counts through the content of
# its files (the fingerprint), not its path, and the size limit only refuses files.
SETTINGS_NOT_EXTRACTING = frozenset(
    {
        "patterns_dir",
        "max_file_bytes",
        "page_limit",
        "max_characters",
        "max_seconds_per_brochure",
        "max_memory_mb",
    }
)


def code_fingerprint(packages: Iterable[Path] = CODE_PACKAGES) -> str:
    """Given package folders, return a SHA-256 over the names and bytes of their .py files."""
    digest = hashlib.sha256()
    for package in packages:
        for path in sorted(package.rglob("*.py")):
            digest.update(path.relative_to(package.parent).as_posix().encode("utf-8"))
            digest.update(b"\0")
            digest.update(path.read_bytes())
            digest.update(b"\0")
    return digest.hexdigest()


def extraction_settings(settings: Settings) -> dict[str, object]:
    """Given settings, return the ones that change what is extracted, as JSON-ready values."""
    values = settings.model_dump(mode="json")
    return {name: value for name, value in values.items() if name not in SETTINGS_NOT_EXTRACTING}


def _spacy_release() -> str:
    try:
        return metadata.version("spacy")
    except metadata.PackageNotFoundError:
        return "unknown"


def rules_fingerprint(patterns_dir: Path | None = None) -> str:
    """Given a patterns folder (None: the packaged one), return the fingerprint of its files now,
    loading (and so validating) them."""
    return load_rules(patterns_dir).fingerprint


def pipeline_version(settings: Settings | None = None) -> str:
    """Given settings, return the pipeline's version: a SHA-256 over code, rules and settings.

    Loading the rules validates the pattern files, so a broken pattern file fails here, before
    any brochure is read.
    """
    settings = Settings.resolve(settings)
    parts = {
        "code": code_fingerprint(),
        "rules": rules_fingerprint(settings.patterns_dir),
        "spacy": _spacy_release(),
        "settings": extraction_settings(settings),
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode("utf-8")).hexdigest()
