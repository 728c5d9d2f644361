"""`brochures serve` as a service, on a real Prefect server and Prefect's runner.

`brochures serve` starts a server on loopback (no PREFECT_API_URL), records it in the state
file, registers the deployment with its cron schedule and serves it. The test runs the
deployment twice; cancels a third run, with many brochures, as the UI does while its extraction
processes work; starts a fourth and, while it extracts, sends SIGTERM: serve, its server, its
runner and every process below them must be gone within 10 s, and the state file with them.

Processes are followed through /proc (Linux): by pid and start time, so that a pid the system
hands out again is not mistaken for one of ours.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

import pytest

from flows.serve import free_port, is_healthy, read_server_state, running_local_server
from schemas import BrochureExtraction

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="follows processes in /proc"),
]

T = TypeVar("T")

CRON = "0 6 * * 1"
DEPLOYMENT_NAME = "integration"
DEPLOYMENT = f"ingest-brochures/{DEPLOYMENT_NAME}"
WAIT_SECONDS = 240.0
STOP_BOUND_SECONDS = 10.0
# Enough brochures that a run is still extracting when it is cancelled or stopped.
COPIES = 8


class ProcessId(NamedTuple):
    """A process: its pid and its start time (clock ticks after boot)."""

    pid: int
    started: int


class ProcessStat(NamedTuple):
    state: str
    parent: int
    started: int


def read_stat(pid: int) -> ProcessStat | None:
    """Given a pid, return its state, parent and start time from /proc (None: no such pid)."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    # The command name is in parentheses and may hold spaces: the fields follow the last ')'.
    fields = text[text.rindex(")") + 2 :].split()
    return ProcessStat(state=fields[0], parent=int(fields[1]), started=int(fields[19]))


def descendants(root: int) -> dict[ProcessId, int]:
    """Given a pid, return every process below it now, with its depth (1: a child)."""
    children: dict[int, list[tuple[int, ProcessStat]]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (stat := read_stat(int(entry))) is not None:
            children.setdefault(stat.parent, []).append((int(entry), stat))
    found: dict[ProcessId, int] = {}
    level, depth = [root], 1
    while level:
        below = [(pid, stat) for parent in level for pid, stat in children.get(parent, [])]
        found.update({ProcessId(pid, stat.started): depth for pid, stat in below})
        level, depth = [pid for pid, _ in below], depth + 1
    return found


def is_running(process: ProcessId) -> bool:
    """Given a process, return True while it exists and is not a zombie."""
    stat = read_stat(process.pid)
    return stat is not None and stat.started == process.started and stat.state != "Z"


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()[:160]
    except OSError:
        return "?"


@dataclass
class Serving:
    """A `brochures serve` process started by the test, and every process seen below it."""

    process: subprocess.Popen[bytes]
    port: int
    log: Path
    state_path: Path
    home: Path
    seen: dict[ProcessId, int] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        return f"{self.url}/api"

    def snapshot(self) -> dict[ProcessId, int]:
        """Record the processes below serve now; return them."""
        now = descendants(self.process.pid)
        self.seen.update(now)
        return now

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


def wait_for(what: str, probe: Callable[[], T | None], serving: Serving) -> T:
    """Poll `probe` until it returns a value; fail when serve exits or time runs out."""
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        serving.snapshot()
        if serving.process.poll() is not None:
            pytest.fail(
                f"serve exited ({serving.process.returncode}) waiting for {what}:\n"
                f"{serving.output()}"
            )
        try:
            value = probe()
        except Exception:  # noqa: BLE001 - the server or the runner is still starting
            value = None
        if value:
            return value
        time.sleep(0.2)
    pytest.fail(f"no {what} within {WAIT_SECONDS:g} s:\n{serving.output()}")


def serve_environment(home: Path, state_dir: Path) -> dict[str, str]:
    """The environment of `brochures serve`: no Prefect setting of the test session, a Prefect
    home and a state folder of its own, and a scheduler and runner that look every second."""
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("PREFECT_", "BROCHURES_"))
    }
    environment.update(
        {
            "PREFECT_HOME": str(home),
            "BROCHURES_STATE_DIR": str(state_dir),
            "PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS": "1",
            "PREFECT_RUNNER_POLL_FREQUENCY": "1",
            "PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL": "WARNING",
            "PREFECT_SERVER_LOGGING_LEVEL": "WARNING",
        }
    )
    return environment


@pytest.fixture
def serving(tmp_path: Path, sample_path: Path) -> Iterator[Serving]:
    """`brochures serve` on a free port, with two extraction processes per run; whatever
    happens, every process seen below it is killed at the end."""
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copyfile(sample_path, raw / sample_path.name)
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("wb") as stream:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "flows.cli",
                "serve",
                str(raw),
                "--out",
                str(tmp_path / "out"),
                "--cron",
                CRON,
                "--name",
                DEPLOYMENT_NAME,
                "--port",
                str(port),
                "--workers",
                "2",
            ],
            cwd=tmp_path,
            env=serve_environment(tmp_path / "prefect-home", tmp_path / "state"),
            stdin=subprocess.DEVNULL,
            stdout=stream,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    serving = Serving(
        process=process,
        port=port,
        log=log,
        state_path=tmp_path / "state" / "prefect-server.json",
        home=tmp_path / "prefect-home",
    )
    try:
        yield serving
    finally:
        if process.poll() is None:
            serving.snapshot()
        for found in [process_id for process_id in serving.seen if is_running(process_id)]:
            os.kill(found.pid, signal.SIGKILL)
        if process.poll() is None:
            process.kill()
            process.wait(timeout=30)


def run_to_the_end(
    client: Any, deployment_id: Any, parameters: dict[str, Any], serving: Serving
) -> Any:
    """Start a run of the deployment with `parameters`; return it once its state is final."""
    started = client.create_flow_run_from_deployment(deployment_id, parameters=parameters)
    return wait_for(
        f"run {started.name} to finish",
        lambda: (
            run
            if (run := client.read_flow_run(started.id)).state and run.state.is_final()
            else None
        ),
        serving,
    )


def extraction_processes_seen(serving: Serving) -> set[ProcessId]:
    """Return every process seen below a run's process: serve -> runner -> run -> these."""
    return {process_id for process_id, depth in serving.seen.items() if depth >= 3}


def is_in_progress(run: Any) -> bool:
    """Given a flow run, return True while it is Running."""
    return run.state is not None and bool(run.state.is_running())


def start_extracting(
    client: Any, deployment_id: Any, parameters: dict[str, Any], serving: Serving
) -> tuple[Any, set[ProcessId]]:
    """Start a run; once it is Running and its extraction processes are up, return it with its
    processes: the run's own and those below it."""
    started = client.create_flow_run_from_deployment(deployment_id, parameters=parameters)

    def extraction_processes() -> set[ProcessId] | None:
        if not is_in_progress(client.read_flow_run(started.id)):
            return None
        # serve -> runner -> the run's process -> its extraction processes.
        below = {process_id for process_id, depth in serving.snapshot().items() if depth >= 3}
        runs = {stat.parent for process_id in below if (stat := read_stat(process_id.pid))}
        own = {ProcessId(pid, stat.started) for pid in runs if (stat := read_stat(pid))}
        return below | own if below else None

    processes = wait_for(f"the extraction of run {started.name}", extraction_processes, serving)
    return started, processes


def state_in_database(home: Path, run_id: Any) -> str | None:
    """Given the Prefect home of a stopped server and a run id, return the run's state type."""
    with sqlite3.connect(home / "prefect.db") as database:
        row = database.execute(
            "SELECT state_type FROM flow_run WHERE id = ?", (str(run_id),)
        ).fetchone()
    return None if row is None else str(row[0])


def test_flows_serve_runs_cancels_and_stops_every_process_on_sigterm(
    serving: Serving, tmp_path: Path, sample_path: Path
) -> None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        DeploymentFilter,
        DeploymentFilterId,
        FlowRunFilter,
        FlowRunFilterState,
        FlowRunFilterStateType,
    )
    from prefect.client.schemas.objects import StateType
    from prefect.settings import PREFECT_API_URL, temporary_settings
    from prefect.states import Cancelling

    many = tmp_path / "many"
    many.mkdir()
    for number in range(COPIES):
        shutil.copyfile(sample_path, many / f"copy-{number}.txt")

    api_url = wait_for("the state file", lambda: running_local_server(serving.state_path), serving)
    record = read_server_state(serving.state_path)
    with urllib.request.urlopen(f"{serving.url}/ui-settings", timeout=10) as response:
        ui_settings = json.load(response)
    with urllib.request.urlopen(f"{api_url}/admin/settings", timeout=10) as response:
        server_settings = json.load(response)
    with (
        temporary_settings(updates={PREFECT_API_URL: api_url}),
        get_client(sync_client=True) as client,
    ):
        deployment = wait_for(
            "deployment", lambda: client.read_deployment_by_name(DEPLOYMENT), serving
        )
        scheduled = wait_for(
            "scheduled runs",
            lambda: client.read_flow_runs(
                deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[deployment.id])),
                flow_run_filter=FlowRunFilter(
                    state=FlowRunFilterState(
                        type=FlowRunFilterStateType(any_=[StateType.SCHEDULED])
                    )
                ),
            ),
            serving,
        )
        first = run_to_the_end(client, deployment.id, {}, serving)
        second = run_to_the_end(client, deployment.id, {"force": True}, serving)
        summary = json.loads((tmp_path / "out" / "run-summary.json").read_text(encoding="utf-8"))
        many_brochures = {"paths": [str(many)], "force": True}
        # Cancelled as the UI does it: the runner ends the run's processes, and goes on serving.
        cancelled, run_processes = start_extracting(client, deployment.id, many_brochures, serving)
        client.set_flow_run_state(cancelled.id, Cancelling())
        cancel_requested = time.monotonic()
        cancelled = wait_for(
            "the cancelled run to end",
            lambda: (
                run
                if (run := client.read_flow_run(cancelled.id)).state and run.state.is_final()
                else None
            ),
            serving,
        )
        # Every extraction process seen so far, those the run may start while it is cancelled
        # included, ends with the run's own process.
        wait_for(
            "the cancelled run's processes to end",
            lambda: (
                not any(
                    is_running(process_id)
                    for process_id in run_processes | extraction_processes_seen(serving)
                )
            ),
            serving,
        )
        cancel_seconds = time.monotonic() - cancel_requested
        print(f"the cancelled run ended with its processes in {cancel_seconds:.1f} s")
        interrupted, _ = start_extracting(client, deployment.id, many_brochures, serving)

    serving.process.send_signal(signal.SIGTERM)
    signalled = time.monotonic()
    gone_after: dict[ProcessId, float] = {}
    serve_exited_after: float | None = None
    while time.monotonic() - signalled < STOP_BOUND_SECONDS:
        if serving.process.poll() is None:
            serving.snapshot()  # anything started while stopping counts too
        elif serve_exited_after is None:
            serve_exited_after = time.monotonic() - signalled
        for process_id in serving.seen:
            if process_id not in gone_after and not is_running(process_id):
                gone_after[process_id] = time.monotonic() - signalled
        if serving.process.poll() is not None and len(gone_after) == len(serving.seen):
            break
        time.sleep(0.05)
    left = {
        f"{process_id.pid} (depth {depth}): {command_line(process_id.pid)}"
        for process_id, depth in serving.seen.items()
        if is_running(process_id)
    }
    exited = "?" if serve_exited_after is None else f"{serve_exited_after:.1f}"
    timings = f"serve exited after {exited} s; " + ", ".join(
        f"{process_id.pid}@{seconds:.1f}s" for process_id, seconds in sorted(gone_after.items())
    )
    print(timings)
    output = serving.output()

    assert serving.process.poll() == 0, output
    assert not left, f"left after {STOP_BOUND_SECONDS:g} s: {left}; gone: {timings}\n{output}"
    assert "Stopped the local Prefect server" in output
    assert not serving.state_path.exists()
    assert not is_healthy(api_url)

    assert record is not None and record.pid in {process_id.pid for process_id in serving.seen}
    assert (record.api_url, record.serve_pid) == (serving.api_url, serving.process.pid)
    assert ui_settings["api_url"] == api_url
    assert server_settings["server"]["analytics_enabled"] is False
    assert [getattr(schedule.schedule, "cron", None) for schedule in deployment.schedules] == [CRON]
    assert deployment.parameters["out_dir"] == str(tmp_path / "out")
    starts = [run.expected_start_time for run in scheduled]
    assert {(at.weekday(), at.hour, at.minute) for at in starts if at is not None} == {(0, 6, 0)}
    assert first.state.is_completed(), output
    assert second.state.is_completed(), output
    assert (summary["changed"], summary["unchanged"], summary["failed"]) == (1, 0, 0)
    export = BrochureExtraction.model_validate_json(
        (tmp_path / "out" / "clust-er-innovate.json").read_text(encoding="utf-8")
    )
    assert len(export.projects) == 18
    assert cancelled.state is not None and cancelled.state.is_cancelled(), output
    # The run in progress is not left Running: it reported itself Cancelled, or serve marked it.
    assert state_in_database(serving.home, interrupted.id) == "CANCELLED", timings
