"""Unit tests of `brochures serve`'s pieces: the local server and its environment, the state
file, the runner's process group, the stop signals. `test_flows_serve_integration.py` runs the
whole service on a real Prefect server."""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import flows.serve
from flows.serve import (
    STATE_FILE_NAME,
    STOP_SIGNALS,
    LocalServer,
    RunnerSpec,
    call_with_timeout,
    checked_schedule,
    deployment_parameters,
    free_port,
    is_healthy,
    prefect_api,
    read_server_state,
    remove_server_state,
    running_local_server,
    server_command,
    server_environment,
    settle_deployment,
    start_local_server,
    state_dir,
    stop_local_server,
    stop_process_group,
    stop_signals_as_interrupt,
    supervise,
    write_server_state,
)
from schemas import BrochureError, Settings


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
        "workers": 1,
    }
    catalogue = deployment_parameters([], Path("o"), Settings(), Path("c.sqlite3"))["catalogue"]
    assert catalogue == str(tmp_path / "c.sqlite3")
    given = deployment_parameters([], Path("o"), Settings(), None, Path("fixes"), workers=3)
    assert (given["corrections_root"], given["workers"]) == (str(tmp_path / "fixes"), 3)


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


def sleeping_process(seconds: int = 120) -> subprocess.Popen[bytes]:
    """A child that sleeps in a session (and process group) of its own."""
    return subprocess.Popen(python(f"import time; time.sleep({seconds})"), start_new_session=True)


def sleeping_server(tmp_path: Path, port: int = 9) -> LocalServer:
    log = tmp_path / "server.log"
    log.write_text("", encoding="utf-8")
    return LocalServer(process=sleeping_process(), url=f"http://127.0.0.1:{port}", log_path=log)


def finished_process() -> subprocess.Popen[bytes]:
    """A child that has exited and been reaped: its pid belongs to no process any more."""
    process = subprocess.Popen(python("pass"))
    process.wait(timeout=30)
    return process


def is_gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    # A zombie still answers; /proc says which it is where there is one.
    stat = Path(f"/proc/{pid}/stat")
    return stat.exists() and stat.read_text().rsplit(")", 1)[1].split()[0] == "Z"


def wait_until_gone(pid: int, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if is_gone(pid):
            return True
        time.sleep(0.05)
    return is_gone(pid)


@pytest.fixture
def state_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A state folder of the test's own, as BROCHURES_STATE_DIR."""
    folder = tmp_path / "state"
    monkeypatch.setenv("BROCHURES_STATE_DIR", str(folder))
    return folder


@pytest.fixture
def sleeping_servers(tmp_path: Path) -> Iterator[list[LocalServer]]:
    """Fake servers (sleeping processes) made by the test, killed at its end."""
    made: list[LocalServer] = []
    yield made
    for server in made:
        if server.process.poll() is None:
            server.process.kill()
            server.process.wait(timeout=30)


# The local server's environment.


def test_flows_serve_server_environment_points_the_ui_at_its_own_port() -> None:
    environment = server_environment(
        {"PATH": "/bin", "PREFECT_API_URL": "http://elsewhere/api"}, "127.0.0.1", 4321
    )

    assert environment == {
        "PATH": "/bin",
        "PREFECT_CLI_PROMPT": "false",
        "PREFECT_SERVER_API_HOST": "127.0.0.1",
        "PREFECT_SERVER_API_PORT": "4321",
        "PREFECT_SERVER_UI_API_URL": "http://127.0.0.1:4321/api",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    }


@pytest.mark.parametrize(
    "name", ["PREFECT_SERVER_UI_API_URL", "PREFECT_UI_API_URL"], ids=["current", "legacy"]
)
def test_flows_serve_server_environment_keeps_the_users_ui_api_url(name: str) -> None:
    environment = server_environment({name: "https://proxy.example/api"}, "127.0.0.1", 4321)

    assert environment[name] == "https://proxy.example/api"
    assert "PREFECT_SERVER_UI_API_URL" not in environment or name == "PREFECT_SERVER_UI_API_URL"


@pytest.mark.parametrize(
    ("environ", "analytics_configured", "expected"),
    [
        ({}, False, "false"),
        ({"PREFECT_SERVER_ANALYTICS_ENABLED": "true"}, False, "true"),
        ({}, True, None),  # the profile says: the server reads it there
    ],
    ids=["default-off", "environment", "profile"],
)
def test_flows_serve_server_environment_turns_analytics_off_unless_the_user_chose(
    environ: dict[str, str], analytics_configured: bool, expected: str | None
) -> None:
    environment = server_environment(environ, "127.0.0.1", 4321, analytics_configured)

    assert environment.get("PREFECT_SERVER_ANALYTICS_ENABLED") == expected


def test_flows_serve_analytics_configured_reads_prefect_settings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from prefect.settings import PREFECT_SERVER_ANALYTICS_ENABLED, temporary_settings

    with temporary_settings(updates={PREFECT_SERVER_ANALYTICS_ENABLED: True}):
        assert flows.serve.analytics_configured()


def test_flows_serve_server_command_runs_prefects_command_line() -> None:
    command = server_command("127.0.0.1", 4321)
    assert command[-5:] == ["start", "--host", "127.0.0.1", "--port", "4321"]

    # The same wrapper, asked for the version instead of a server.
    done = subprocess.run(
        [*command[:4], "--version"], capture_output=True, text=True, timeout=120, check=False
    )

    assert (done.returncode, done.stdout.strip()) == (0, prefect_version()), done.stderr


def prefect_version() -> str:
    import prefect

    return str(prefect.__version__)


# The state file.


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"BROCHURES_STATE_DIR": "/srv/state", "XDG_STATE_HOME": "/xdg"}, "/srv/state"),
        ({"XDG_STATE_HOME": "/xdg"}, "/xdg/brochures"),
        ({"XDG_STATE_HOME": "relative"}, "~/.local/state/brochures"),
        ({}, "~/.local/state/brochures"),
    ],
    ids=["brochures-variable", "xdg", "relative-xdg-ignored", "default"],
)
def test_flows_serve_state_dir_follows_the_environment(
    environ: dict[str, str], expected: str
) -> None:
    assert state_dir(environ) == Path(expected).expanduser()


def test_flows_serve_state_file_records_the_server_atomically(
    tmp_path: Path, state_folder: Path, sleeping_servers: list[LocalServer]
) -> None:
    server = sleeping_server(tmp_path, port=4321)
    sleeping_servers.append(server)

    path = write_server_state(server)

    assert path == state_folder / STATE_FILE_NAME
    assert os.listdir(state_folder) == [STATE_FILE_NAME]  # no temporary file left
    record = json.loads(path.read_text(encoding="utf-8"))
    assert {name: record[name] for name in ("api_url", "ui_url", "pid", "serve_pid")} == {
        "api_url": "http://127.0.0.1:4321/api",
        "ui_url": "http://127.0.0.1:4321",
        "pid": server.process.pid,
        "serve_pid": os.getpid(),
    }


def test_flows_serve_running_local_server_answers_for_a_live_healthy_server(
    tmp_path: Path,
    state_folder: Path,
    sleeping_servers: list[LocalServer],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    server = sleeping_server(tmp_path, port=4321)
    sleeping_servers.append(server)
    write_server_state(server)
    asked: list[str] = []

    def healthy(api_url: str) -> bool:
        asked.append(api_url)
        return True

    monkeypatch.setattr(flows.serve, "is_healthy", healthy)

    assert running_local_server() == "http://127.0.0.1:4321/api"
    assert asked == ["http://127.0.0.1:4321/api"]


def test_flows_serve_running_local_server_removes_the_file_of_a_dead_server(
    tmp_path: Path, state_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = tmp_path / "server.log"
    server = LocalServer(process=finished_process(), url="http://127.0.0.1:4321", log_path=log)
    path = write_server_state(server)
    monkeypatch.setattr(flows.serve, "is_healthy", lambda url: pytest.fail("asked a dead one"))

    assert running_local_server() is None
    assert not path.exists()


def test_flows_serve_running_local_server_keeps_the_file_of_a_live_server_not_answering(
    tmp_path: Path,
    state_folder: Path,
    sleeping_servers: list[LocalServer],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    server = sleeping_server(tmp_path)
    sleeping_servers.append(server)
    path = write_server_state(server)
    monkeypatch.setattr(flows.serve, "is_healthy", lambda url: False)

    assert running_local_server() is None
    assert path.exists()  # it may be starting, or busy


@pytest.mark.parametrize("content", ["", "{not json", '{"api_url": "http://x/api"}'])
def test_flows_serve_running_local_server_removes_an_unreadable_file(
    state_folder: Path, content: str
) -> None:
    path = state_folder / STATE_FILE_NAME
    state_folder.mkdir()
    path.write_text(content, encoding="utf-8")

    assert running_local_server() is None
    assert not path.exists()


def test_flows_serve_running_local_server_without_a_file_is_none(state_folder: Path) -> None:
    assert running_local_server() is None
    assert read_server_state() is None


def test_flows_serve_state_file_of_another_server_is_not_removed(
    tmp_path: Path, state_folder: Path, sleeping_servers: list[LocalServer]
) -> None:
    server = sleeping_server(tmp_path)
    sleeping_servers.append(server)
    path = write_server_state(server)

    remove_server_state(server.process.pid + 1)
    assert path.exists()
    remove_server_state(server.process.pid)
    assert not path.exists()


# Starting and stopping processes.


def test_flows_serve_prefect_api_starts_records_and_stops_a_server_when_none_is_configured(
    tmp_path: Path, state_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from prefect.settings import get_current_settings

    server = sleeping_server(tmp_path)
    monkeypatch.setattr(flows.serve, "configured_api_url", lambda: None)
    monkeypatch.setattr(flows.serve, "start_local_server", lambda *args: server)
    monkeypatch.setattr(flows.serve, "is_healthy", lambda url: True)
    said: list[str] = []

    with (
        pytest.raises(RuntimeError, match="serving failed"),
        prefect_api(announce=said.append) as api,
    ):
        assert (api.url, api.server) == ("http://127.0.0.1:9/api", server)
        assert get_current_settings().api.url == api.url
        assert running_local_server() == api.url
        raise RuntimeError("serving failed")

    assert server.process.poll() is not None
    assert not (state_folder / STATE_FILE_NAME).exists()
    assert said[0].startswith(f"Started a local Prefect server (pid {server.process.pid})")
    assert said[0].endswith(f"recorded in {state_folder / STATE_FILE_NAME}")
    assert said[-1] == "Stopped the local Prefect server"


def test_flows_serve_prefect_api_uses_the_configured_server(
    state_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    checked: list[str] = []
    monkeypatch.setattr(flows.serve, "configured_api_url", lambda: "http://prefect.example/api")
    monkeypatch.setattr(flows.serve, "check_configured_server", checked.append)
    monkeypatch.setattr(flows.serve, "start_local_server", lambda *args: pytest.fail("started"))

    with prefect_api(announce=lambda message: None) as api:
        assert (api.url, api.server) == ("http://prefect.example/api", None)
        assert not state_folder.exists()

    assert checked == ["http://prefect.example/api"]


def test_flows_serve_stop_process_group_ends_the_grandchildren_too(tmp_path: Path) -> None:
    # The leader starts a grandchild and exits at SIGTERM, leaving it behind as an orphan.
    pid_file = tmp_path / "grandchild"
    leader = subprocess.Popen(
        python(
            "import subprocess, sys, time; "
            "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(120)']); "
            f"open({str(pid_file)!r}, 'w').write(str(child.pid)); time.sleep(120)"
        ),
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 30
        while not pid_file.exists() or not pid_file.read_text():
            assert time.monotonic() < deadline, "the grandchild did not start"
            time.sleep(0.05)
        grandchild = int(pid_file.read_text())

        stop_process_group(leader, grace=5)

        assert leader.returncode == -signal.SIGTERM
        assert wait_until_gone(grandchild)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(leader.pid, signal.SIGKILL)
        leader.wait(timeout=30)


def test_flows_serve_stop_process_group_kills_a_leader_that_ignores_sigterm() -> None:
    leader = subprocess.Popen(
        python(
            "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(120)"
        ),
        start_new_session=True,
    )
    time.sleep(1)  # let it install its handler

    stop_process_group(leader, grace=0.5)

    assert leader.returncode == -signal.SIGKILL


@pytest.mark.parametrize(
    ("code", "expected"),
    [(0, None), (1, "Prefect's runner \\(pid \\d+\\) exited with code 1")],
    ids=["stopped", "failed"],
)
def test_flows_serve_supervise_follows_the_runner(code: int, expected: str | None) -> None:
    runner = subprocess.Popen(python(f"import sys; sys.exit({code})"))

    if expected is None:
        supervise(runner, None)
    else:
        with pytest.raises(BrochureError, match=expected):
            supervise(runner, None)


def test_flows_serve_supervise_notices_a_server_that_exits(tmp_path: Path) -> None:
    runner = sleeping_process()
    log = tmp_path / "server.log"
    log.write_text("database is locked\n", encoding="utf-8")
    server = LocalServer(
        process=subprocess.Popen(python("import sys; sys.exit(3)")),
        url="http://127.0.0.1:9",
        log_path=log,
    )
    try:
        with pytest.raises(BrochureError, match="exited with code 3 while serving.*locked"):
            supervise(runner, server)
    finally:
        stop_process_group(runner, grace=5)


def test_flows_serve_watch_parent_stops_a_child_whose_parent_died() -> None:
    # The child, in a session of its own, says its pid once it watches its parent.
    watched = python(
        "import os, time, flows.serve; flows.serve.watch_parent(os.getppid(), 0.1); "
        "print(os.getpid(), flush=True); time.sleep(120)"
    )
    parent = subprocess.Popen(
        python(
            "import subprocess, time; "
            f"subprocess.Popen({watched!r}, start_new_session=True); time.sleep(120)"
        ),
        stdout=subprocess.PIPE,
    )
    assert parent.stdout is not None
    child = int(parent.stdout.readline())
    try:
        assert not is_gone(child)

        parent.kill()
        parent.wait(timeout=30)

        assert wait_until_gone(child)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(child, signal.SIGKILL)
        parent.stdout.close()


def test_flows_serve_call_with_timeout_returns_the_result_or_none() -> None:
    def fail() -> int:
        raise RuntimeError("no server")

    assert call_with_timeout(lambda: 7, timeout=5) == 7
    assert call_with_timeout(fail, timeout=5) is None
    assert call_with_timeout(lambda: time.sleep(5), timeout=0.1) is None


def test_flows_serve_call_with_timeout_sees_prefects_settings() -> None:
    from prefect.settings import PREFECT_API_URL, get_current_settings, temporary_settings

    with temporary_settings(updates={PREFECT_API_URL: "http://127.0.0.1:9/api"}):
        seen = call_with_timeout(lambda: get_current_settings().api.url, timeout=5)

    assert seen == "http://127.0.0.1:9/api"


@pytest.mark.flow
def test_flows_serve_settle_deployment_cancels_the_runs_left_and_pauses_it(
    prefect_harness: None, tmp_path: Path
) -> None:
    from prefect.client.orchestration import get_client
    from prefect.states import Completed, Running

    spec = RunnerSpec(
        name="settle",
        cron="0 6 * * 1",
        timezone=None,
        parameters={"out_dir": str(tmp_path / "out")},
        parent_pid=os.getpid(),
    )
    with get_client(sync_client=True) as client:
        flow_id = client.create_flow_from_name("settle-test")
        ours = client.create_deployment(flow_id, "settle", parameters=spec.parameters)
        # Same name, another output folder: another `serve`'s deployment.
        other = client.create_deployment(
            client.create_flow_from_name("settle-other"),
            "settle",
            parameters={"out_dir": str(tmp_path / "elsewhere")},
        )
        left, done, elsewhere = (
            client.create_flow_run_from_deployment(ours),
            client.create_flow_run_from_deployment(ours),
            client.create_flow_run_from_deployment(other),
        )
        client.set_flow_run_state(left.id, Running(), force=True)
        client.set_flow_run_state(done.id, Completed(), force=True)
        client.set_flow_run_state(elsewhere.id, Running(), force=True)

        assert settle_deployment(spec) == 1

        states = [client.read_flow_run(run.id).state for run in (left, done, elsewhere)]
        assert client.read_deployment(ours).paused
        assert not client.read_deployment(other).paused
    assert [state.type.value if state else None for state in states] == [
        "CANCELLED",
        "COMPLETED",
        "RUNNING",
    ]


# The stop signals.


@pytest.mark.parametrize("number", STOP_SIGNALS, ids=lambda number: signal.Signals(number).name)
def test_flows_serve_stop_signal_becomes_one_interrupt_inside_the_block(number: int) -> None:
    before = {each: signal.getsignal(each) for each in STOP_SIGNALS}

    with pytest.raises(KeyboardInterrupt), stop_signals_as_interrupt():
        try:
            os.kill(os.getpid(), number)
            time.sleep(5)  # the signal interrupts this
        finally:
            # Clean-up goes on: the next one is ignored.
            os.kill(os.getpid(), number)
            time.sleep(0.1)

    assert {each: signal.getsignal(each) for each in before} == before


def test_flows_serve_stop_signals_can_be_ignored_for_the_clean_up() -> None:
    with stop_signals_as_interrupt() as ignore_stop_signals:
        ignore_stop_signals()
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(0.1)
