"""Shared fixtures: the sample brochure, its extraction, a copy of the pattern files to edit, and
one Prefect test server for the whole session. Builders of records are in builders.py."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext

    from schemas import BrochureExtraction

ROOT = Path(__file__).resolve().parents[1]

# Set before Prefect is first imported (test modules import it at collection, after this).
QUIET_PREFECT = {
    "PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL": "WARNING",
    "PREFECT_SERVER_LOGGING_LEVEL": "WARNING",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
}


def pytest_configure(config: pytest.Config) -> None:
    for name, value in QUIET_PREFECT.items():
        os.environ.setdefault(name, value)


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    """One temporary Prefect server and database, started on first use, for every flow test;
    flow runs in this process run as `brochures run` runs them (no heartbeats)."""
    from prefect.testing.utilities import prefect_test_harness

    from flows.runners import in_process_flow_settings

    with prefect_test_harness(server_startup_timeout=90), in_process_flow_settings():
        yield


@pytest.fixture(scope="session")
def sample_path() -> Path:
    """The repository's sample brochure."""
    return ROOT / "raw" / "clust-er-innovate.txt"


@pytest.fixture(scope="session")
def sample_text(sample_path: Path) -> str:
    return sample_path.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def sample_extraction(sample_path: Path) -> BrochureExtraction:
    """The sample extracted as `brochures extract` would, once per session: read it, never
    change it."""
    from workspace.service import extract_brochure

    return extract_brochure(sample_path)


@pytest.fixture
def patterns(tmp_path: Path) -> Path:
    """A copy of the packaged pattern files, for a test to edit."""
    from extractors.rules import DEFAULT_PATTERNS_DIR

    folder = tmp_path / "patterns"
    shutil.copytree(DEFAULT_PATTERNS_DIR, folder)
    return folder


# The sample as its next edition could read: each edit is one change the change report must show.
REMOVED_PARTNER = (
    "CRIS Interdepartmental Research Center on Safety and Risk Prevention of the University of "
    "Modena and Reggio Emilia"
)
SAMPLE_EDITS = (
    # DISSEM loses a partner.
    (f"- {REMOVED_PARTNER}\n", ""),
    # Lab Move Up: the role goes from technical partner to coordinator.
    (
        "Clust-ER Innovate will act as a TECHNICAL PARTNER and is committed",
        "Clust-ER Innovate is the coordinator of the project and is committed",
    ),
    # A title reworded, on a project without acronym: its id must stay.
    (
        "Steering Committee of the investigation into the Academies\n",
        "Steering Committee of the investigation into the Corporate Academies\n",
    ),
)
ADDED_PROJECT = """
Green Port Observatory (GREENPORT)
The observatory collects data on the energy use of the port of Ravenna and publishes a report.
Project partners
- Port System Authority of the Northern Adriatic Sea
- Legacoop Romagna
Role of Clust-ER Innovate
Clust-ER Innovate coordinates the project and manages WP2. Data collection.
"""


@pytest.fixture(scope="session")
def edited_sample_text(sample_text: str) -> str:
    """The sample with `SAMPLE_EDITS` applied and `ADDED_PROJECT` appended."""
    text = sample_text
    for old, new in SAMPLE_EDITS:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text + ADDED_PROJECT


@pytest.fixture(scope="module")
def frozen_code_fingerprint() -> Iterator[None]:
    """Pin the code part of the pipeline version for a module's flow runs.

    The version hashes the source files on disk, which an editor may save while the suite runs,
    while the process keeps running the code it imported; tests that count skipped brochures
    must not see a new version because of that. Rules and settings still count for real.
    """
    import workspace.version

    fingerprint = workspace.version.code_fingerprint()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(workspace.version, "code_fingerprint", lambda: fingerprint)
        yield


# Flow tests never reuse another test's work: no task result is persisted, and a task with a
# cache policy recomputes instead of reading a cache. (`pytest_configure` applies these too.)
QUIET_PREFECT.update(
    {
        "PREFECT_RESULTS_PERSIST_BY_DEFAULT": "false",
        "PREFECT_TASKS_REFRESH_CACHE": "true",
    }
)


# The browser tests launch Debian's Chromium (Playwright's own download is not used: the machines
# are offline). A closed network makes Chromium retry its background connections; none of them
# is needed.
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BrowserContext]:
    """Headless Chromium with a fresh profile, for the whole module. Missing, it is a failure
    that says how to install it, never a skip."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("Python Playwright is missing: install the test extra (make test does).")
    if not CHROMIUM.is_file():
        pytest.fail(
            f"{CHROMIUM} is missing: install Debian's Chromium with "
            "'apt-get install -y --no-install-recommends chromium' (.ci/run does)."
        )
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile),
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1440, "height": 900},
        )
        try:
            yield context
        finally:
            context.close()
