from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest

import flows.serve
from flows.serve import (
    LocalServer,
    checked_schedule,
    deployment_parameters,
    free_port,
    is_healthy,
    prefect_api,
    sigterm_as_interrupt,
    start_local_server,
    stop_local_server,
)
from schemas import BrochureError, BrochureExtraction, Settings

T = TypeVar("T")


def python(code: str) -> list[str]:
    return [sys.executable, "-c", code]


def test_flows_serve_free_port_can_be_bound() -> None:
    port = free_port()

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", port))


def test_flows_serve_deployment_parameters_are_absolute(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    settings = Settings(patterns_dir=Path("patterns"), max_title_words=30)

    parameters = deployment_parameters([Path("raw")], Path("output"), settings, None)

    assert parameters == {
        "paths": [str(tmp_path / "raw")],
        "out_dir": str(tmp_path / "output"),
        "settings": {
            **settings.model_dump(mode="json"),
            "patterns_dir": str(tmp_path / "patterns"),
        },
        "catalogue": None,
        "force": False,
        "corrections_root": str(tmp_path),
        "workers": 1,
    }
    catalogue = deployment_parameters([], Path("o"), Settings(), Path("c.sqlite3"))["catalogue"]
    assert catalogue == str(tmp_path / "c.sqlite3")


def test_flows_serve_schedule_keeps_cron_and_time_zone() -> None:
    schedule = checked_schedule("0 6 * * 1", "Europe/Rome")

    assert (schedule.cron, schedule.timezone) == ("0 6 * * 1", "Europe/Rome")


@pytest.mark.parametrize(
    ("cron", "timezone", "message"),
    [
        ("0 6 * *", None, "invalid schedule '0 6 * *' (time zone UTC)"),
        ("0 6 * * 1", "Mars/Olympus", "invalid schedule '0 6 * * 1' (time zone Mars/Olympus)"),
    ],
)
def test_flows_serve_schedule_refuses_bad_values(
    cron: str, timezone: str | None, message: str
) -> None:
    with pytest.raises(BrochureError, match=re.escape(message)):
        checked_schedule(cron, timezone)


def test_flows_serve_local_server_that_exits_is_reported_with_its_log() -> None:
    command = python("import sys; print('address already in use'); sys.exit(3)")

    with pytest.raises(BrochureError, match="exited with code 3.*address already in use"):
        start_local_server(command=command, timeout=30)


def test_flows_serve_local_server_that_never_answers_is_stopped(tmp_path: Path) -> None:
    pid_file = tmp_path / "pid"
    command = python(
        f"import os, time; open({str(pid_file)!r}, 'w').write(str(os.getpid())); time.sleep(120)"
    )

    with pytest.raises(BrochureError, match="did not answer within 1 s"):
        start_local_server(command=command, timeout=1)

    with pytest.raises(ProcessLookupError):
        os.kill(int(pid_file.read_text()), 0)


def test_flows_serve_local_server_is_ready_once_healthy_and_stops(tmp_path: Path) -> None:
    # A plain file server answers GET /api/health like a Prefect server does.
    (tmp_path / "api").mkdir()
    (tmp_path / "api" / "health").write_text("true", encoding="utf-8")
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "http.server",
        str(port),
        "--bind",
        "127.0.0.1",
        "--directory",
        str(tmp_path),
    ]

    server = start_local_server(port=port, command=command, timeout=30)
    try:
        assert server.api_url == f"http://127.0.0.1:{port}/api"
        assert is_healthy(server.api_url)
    finally:
        stop_local_server(server)

    assert server.process.poll() is not None
    assert not server.log_path.exists()
    assert not is_healthy(server.api_url)


def sleeping_server(tmp_path: Path) -> LocalServer:
    process = subprocess.Popen(python("import time; time.sleep(120)"), start_new_session=True)
    log = tmp_path / "server.log"
    log.write_text("", encoding="utf-8")
    return LocalServer(process=process, url="http://127.0.0.1:9", log_path=log)


def test_flows_serve_prefect_api_starts_and_stops_a_server_when_none_is_configured(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from prefect.settings import get_current_settings

    server = sleeping_server(tmp_path)
    monkeypatch.setattr(flows.serve, "configured_api_url", lambda: None)
    monkeypatch.setattr(flows.serve, "start_local_server", lambda *args: server)
    said: list[str] = []

    with (
        pytest.raises(RuntimeError, match="serving failed"),
        prefect_api(announce=said.append) as api_url,
    ):
        assert api_url == "http://127.0.0.1:9/api"
        assert get_current_settings().api.url == api_url
        raise RuntimeError("serving failed")

    assert server.process.poll() is not None
    assert said[0].startswith(f"Started a local Prefect server (pid {server.process.pid})")
    assert said[-1] == "Stopped the local Prefect server"


def test_flows_serve_prefect_api_uses_the_configured_server(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    checked: list[str] = []
    monkeypatch.setattr(flows.serve, "configured_api_url", lambda: "http://prefect.example/api")
    monkeypatch.setattr(flows.serve, "check_configured_server", checked.append)
    monkeypatch.setattr(flows.serve, "start_local_server", lambda *args: pytest.fail("started"))

    with prefect_api(announce=lambda message: None) as api_url:
        assert api_url == "http://prefect.example/api"

    assert checked == ["http://prefect.example/api"]


def test_flows_serve_sigterm_becomes_an_interrupt_inside_the_block() -> None:
    before = signal.getsignal(signal.SIGTERM)

    with pytest.raises(KeyboardInterrupt), sigterm_as_interrupt():
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(5)  # the signal interrupts this

    assert signal.getsignal(signal.SIGTERM) == before


# The whole path, on a real Prefect server: `brochures serve` starts one on loopback (no
# PREFECT_API_URL), registers the deployment with its cron schedule and serves it; the test
# checks the scheduled runs, triggers one run and stops everything with SIGTERM.

CRON = "0 6 * * 1"
DEPLOYMENT = "ingest-brochures/integration"
WAIT_SECONDS = 180.0


def wait_for(
    what: str, probe: Callable[[], T | None], process: subprocess.Popen[bytes], log: Path
) -> T:
    """Poll `probe` until it returns a value; fail when `serve` exits or time runs out."""
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(
                f"serve exited ({process.returncode}) waiting for {what}:\n{log.read_text()}"
            )
        try:
            value = probe()
        except Exception:  # noqa: BLE001 - the server is still starting
            value = None
        if value:
            return value
        time.sleep(0.5)
    pytest.fail(f"no {what} within {WAIT_SECONDS:g} s:\n{log.read_text()}")


def serve_environment(home: Path) -> dict[str, str]:
    """The environment of `brochures serve`: no Prefect setting of the test session, a Prefect
    home of its own, and a scheduler and runner that look every second instead of every 60/10."""
    environment = {
        name: value for name, value in os.environ.items() if not name.startswith("PREFECT_")
    }
    environment.update(
        {
            "PREFECT_HOME": str(home),
            "PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS": "1",
            "PREFECT_RUNNER_POLL_FREQUENCY": "1",
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL": "WARNING",
            "PREFECT_SERVER_LOGGING_LEVEL": "WARNING",
        }
    )
    return environment


@pytest.fixture
def serve_process(
    tmp_path: Path, sample_path: Path
) -> Iterator[tuple[subprocess.Popen[bytes], int, Path]]:
    """`brochures serve` on a free port, started for the test and ended whatever happens."""
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
                "integration",
                "--port",
                str(port),
                # Scheduling is what is tested here; extraction processes are tested elsewhere.
                "--workers",
                "1",
            ],
            cwd=tmp_path,
            env=serve_environment(tmp_path / "prefect-home"),
            stdin=subprocess.DEVNULL,
            stdout=stream,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        yield process, port, log
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)
        # The server runs in a session of its own: end it too if serve could not.
        found = re.search(r"Prefect server \(pid (\d+)\)", log.read_text(errors="replace"))
        if found is not None and is_healthy(f"http://127.0.0.1:{port}/api"):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(int(found.group(1)), signal.SIGKILL)


@pytest.mark.integration
def test_flows_serve_runs_the_deployment_on_schedule_through_a_local_server(
    serve_process: tuple[subprocess.Popen[bytes], int, Path], tmp_path: Path
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

    process, port, log = serve_process
    api_url = f"http://127.0.0.1:{port}/api"
    with (
        temporary_settings(updates={PREFECT_API_URL: api_url}),
        get_client(sync_client=True) as client,
    ):
        deployment = wait_for(
            "deployment", lambda: client.read_deployment_by_name(DEPLOYMENT), process, log
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
            process,
            log,
        )
        triggered = client.create_flow_run_from_deployment(deployment.id)
        finished = wait_for(
            "the triggered run to finish",
            lambda: (
                run
                if (run := client.read_flow_run(triggered.id)).state and run.state.is_final()
                else None
            ),
            process,
            log,
        )

    assert [schedule.schedule.cron for schedule in deployment.schedules] == [CRON]
    assert deployment.parameters["out_dir"] == str(tmp_path / "out")
    assert {
        (
            run.expected_start_time.weekday(),
            run.expected_start_time.hour,
            run.expected_start_time.minute,
        )
        for run in scheduled
    } == {(0, 6, 0)}
    assert finished.state is not None and finished.state.is_completed(), log.read_text()
    export = BrochureExtraction.model_validate_json(
        (tmp_path / "out" / "clust-er-innovate.json").read_text(encoding="utf-8")
    )
    assert len(export.projects) == 18
    assert (tmp_path / "out" / "catalogue.sqlite3").is_file()

    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=60) == 0, log.read_text()
    assert "Stopped the local Prefect server" in log.read_text()
    assert not is_healthy(api_url)
