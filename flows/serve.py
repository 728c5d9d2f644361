"""`brochures serve`: register the ingestion flow on a cron schedule and serve its runs.

Prefect schedules runs only through a real server. When none is configured (`PREFECT_API_URL`
unset, in the environment and in the Prefect profile), `serve` starts `prefect server start` on
127.0.0.1 as a child process, waits for its health endpoint and records its address and pid in
a state file (see `state_file`), so that `brochures run` can find it (`running_local_server`).
With a configured server it only checks that the server answers.

Prefect's runner (`ingest_brochures.serve`) then runs in a second child process, the leader of a
process group of its own: every process it starts, the run's process and that run's extraction
processes, stays in that group even when its parent dies. `serve` itself only supervises. On
SIGTERM, SIGINT (Ctrl-C) or SIGHUP it asks the runner to stop (Prefect's graceful stop: it
cancels the runs in progress, which report themselves Cancelled), kills whatever is left of the
runner's group after `RUNNER_STOP_GRACE_SECONDS`, removes the state file, stops the server the
same way and returns (exit code 0); all of it within 10 s. A runner or server whose `serve`
died (SIGKILL) stops by itself within a few seconds (`watch_parent`).

Each run is executed by Prefect's runner in a fresh process, so edited pattern files and code are
picked up by the next run; the settings and paths are fixed when serving starts.
"""

from __future__ import annotations

import contextvars
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel, ValidationError

from schemas import BrochureError, Settings

if TYPE_CHECKING:
    from prefect.schedules import Schedule

DEFAULT_HOST = "127.0.0.1"
DEFAULT_DEPLOYMENT_NAME = "scheduled"
SERVER_STARTUP_TIMEOUT_SECONDS = 90.0
# Stopping takes at most the sum of these and the two kill waits: 7.5 s, under the 10 s that
# `docker stop` allows, for example. The runner goes first, while the server still answers: it
# sends SIGTERM to the run in progress, whose process reports itself Cancelled (within about a
# second, unless its task threads are busy extracting). Prefect's runner checks only every 3 s
# whether that process is gone, so it is killed with what is left of its group at the end of the
# grace; `settle_deployment` then does on the server what its graceful stop would have done.
RUNNER_STOP_GRACE_SECONDS = 3.0
SETTLE_TIMEOUT_SECONDS = 1.5
SERVER_STOP_GRACE_SECONDS = 2.0
KILL_WAIT_SECONDS = 0.5
HEALTH_POLL_SECONDS = 0.25
SUPERVISE_POLL_SECONDS = 0.5
PARENT_POLL_SECONDS = 1.0
STATE_DIR_VARIABLE = "BROCHURES_STATE_DIR"
STATE_FILE_NAME = "prefect-server.json"
# How `serve` hands the deployment to the runner's process and its own pid to the server's
# (removed there once read).
RUNNER_SPEC_VARIABLE = "BROCHURES_SERVE_RUNNER"
PARENT_PID_VARIABLE = "BROCHURES_SERVE_PARENT"
# SIGHUP: the terminal `serve` runs in was closed.
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)
_LOG_TAIL_LINES = 8

Announce = Callable[[str], None]
T = TypeVar("T")


@dataclass
class LocalServer:
    """A Prefect server this process started: its process, address and log file."""

    process: subprocess.Popen[bytes]
    url: str
    log_path: Path

    @property
    def api_url(self) -> str:
        """The address of its REST API, the value for PREFECT_API_URL."""
        return f"{self.url}/api"


@dataclass(frozen=True)
class PrefectApi:
    """The Prefect server `serve` works against: its API address, and the server itself when
    this process started it (None: a configured server)."""

    url: str
    server: LocalServer | None = None


class ServerState(BaseModel):
    """The state file's record of a local server started by `brochures serve`."""

    api_url: str
    ui_url: str
    pid: int
    serve_pid: int
    started_at: datetime


class RunnerSpec(BaseModel):
    """What the runner's process serves: the deployment's name, schedule and parameters, and
    the pid of the `serve` process that supervises it."""

    name: str
    cron: str
    timezone: str | None
    parameters: dict[str, Any]
    parent_pid: int


def free_port(host: str = DEFAULT_HOST) -> int:
    """Given a host, return a TCP port that is free on it now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        port: int = probe.getsockname()[1]
        return port


def server_command(host: str, port: int) -> list[str]:
    """Given a host and port, return the command that starts a Prefect server on them:
    `prefect server start`, run by `server_main`."""
    return [
        *python_command(),
        "import sys, flows.serve; sys.exit(flows.serve.server_main())",
        *("server", "start", "--host", host, "--port", str(port)),
    ]


def server_main() -> int:
    """The local server's process (see `server_command`): Prefect's command line with this
    process's arguments, stopped by `watch_parent` if the `serve` that started it dies."""
    parent = os.environ.pop(PARENT_PID_VARIABLE, "")
    if parent.isdigit():
        if os.getppid() != int(parent):
            return 1  # `serve` is already gone
        watch_parent(int(parent))
    from prefect.cli import app

    app()
    return 0


def server_environment(
    environ: Mapping[str, str], host: str, port: int, analytics_configured: bool = False
) -> dict[str, str]:
    """Given this process's environment and the server's address, return the server's.

    The UI asks the server where its API is (`/ui-settings`): Prefect derives that from
    PREFECT_SERVER_API_HOST/PORT, 127.0.0.1:4200 by default, not from `--port`, so both and
    PREFECT_SERVER_UI_API_URL are set to this server's own (unless the environment sets the UI's
    API address, for a proxy). Prefect's analytics stay off unless the user set
    PREFECT_SERVER_ANALYTICS_ENABLED (environment or profile: `analytics_configured`); the UI
    and every Prefect client of this server follow that same setting.
    """
    environment = {name: value for name, value in environ.items() if name != "PREFECT_API_URL"}
    # Never ask on a terminal (`prefect server start` offers to edit the user's profiles).
    environment["PREFECT_CLI_PROMPT"] = "false"
    environment["PREFECT_SERVER_API_HOST"] = host
    environment["PREFECT_SERVER_API_PORT"] = str(port)
    if not {"PREFECT_SERVER_UI_API_URL", "PREFECT_UI_API_URL"} & environ.keys():
        environment["PREFECT_SERVER_UI_API_URL"] = f"http://{host}:{port}/api"
    if not analytics_configured and "PREFECT_SERVER_ANALYTICS_ENABLED" not in environ:
        environment["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
    return environment


def analytics_configured() -> bool:
    """Return True when the user set PREFECT_SERVER_ANALYTICS_ENABLED (environment, profile or
    prefect.toml)."""
    from prefect.settings import get_current_settings

    return "analytics_enabled" in get_current_settings().server.model_fields_set


def log_tail(path: Path, lines: int = _LOG_TAIL_LINES) -> str:
    """Given a log file, return its last lines joined on one line (empty when unreadable)."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    return " | ".join(line.strip() for line in text.splitlines()[-lines:] if line.strip())


def is_healthy(api_url: str, timeout: float = 2.0) -> bool:
    """Given a server's API address, return True when its health endpoint answers 200."""
    try:
        with urllib.request.urlopen(f"{api_url}/health", timeout=timeout) as response:
            return bool(response.status == 200)
    except (OSError, urllib.error.URLError):
        return False


def start_local_server(
    host: str = DEFAULT_HOST,
    port: int | None = None,
    timeout: float = SERVER_STARTUP_TIMEOUT_SECONDS,
    command: Sequence[str] | None = None,
) -> LocalServer:
    """Start a Prefect server on `host`:`port` (default: a free port); return once it answers.

    The server runs in its own session, so a Ctrl-C meant for `serve` does not reach it before
    the runner has shut down; `stop_local_server` ends it, and it ends itself if this process
    dies. When it exits or does not answer within `timeout` seconds, it is stopped and a
    `BrochureError` quotes the end of its log.
    """
    port = port or free_port(host)
    environment = server_environment(os.environ, host, port, analytics_configured())
    environment[PARENT_PID_VARIABLE] = str(os.getpid())
    with tempfile.NamedTemporaryFile(
        prefix="brochures-prefect-server-", suffix=".log", delete=False
    ) as log:
        process = subprocess.Popen(
            list(command or server_command(host, port)),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=environment,
            start_new_session=True,
        )
    server = LocalServer(process=process, url=f"http://{host}:{port}", log_path=Path(log.name))
    try:
        wait_until_healthy(server, timeout)
    except BaseException:
        stop_local_server(server)
        raise
    return server


def wait_until_healthy(server: LocalServer, timeout: float) -> None:
    """Given a starting server, return when it answers; raise `BrochureError` when it exits or
    stays silent for `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        code = server.process.poll()
        if code is not None:
            raise BrochureError(
                None,
                f"the local Prefect server exited with code {code} before answering "
                f"(log: {log_tail(server.log_path) or 'empty'})",
                "Check that the port is free, or point PREFECT_API_URL at a running server.",
            )
        if is_healthy(server.api_url):
            return
        if time.monotonic() >= deadline:
            raise BrochureError(
                None,
                f"the local Prefect server at {server.url} did not answer within {timeout:g} s "
                f"(log: {log_tail(server.log_path) or 'empty'})",
                "Try again with a longer --server-timeout, or point PREFECT_API_URL at a "
                "running server.",
            )
        time.sleep(HEALTH_POLL_SECONDS)


def stop_process_group(process: subprocess.Popen[bytes], grace: float) -> None:
    """Given a child that leads its own process group, stop it and everything in its group.

    SIGTERM goes to the leader only, which stops its own children in order; after `grace`
    seconds (or as soon as the leader is gone) SIGKILL ends whatever is left in the group,
    such as grandchildren whose parent died. Returns once the group is empty, or after
    `KILL_WAIT_SECONDS` more.
    """
    if process.poll() is None:
        with suppress(ProcessLookupError):
            process.send_signal(signal.SIGTERM)
        with suppress(subprocess.TimeoutExpired):
            process.wait(timeout=grace)
    with suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    deadline = time.monotonic() + KILL_WAIT_SECONDS
    with suppress(subprocess.TimeoutExpired):
        process.wait(timeout=KILL_WAIT_SECONDS)
    while time.monotonic() < deadline and process_group_exists(process.pid):
        time.sleep(0.05)


def process_group_exists(group: int) -> bool:
    """Given a process group id, return True while a process is left in it."""
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def stop_local_server(server: LocalServer, timeout: float = SERVER_STOP_GRACE_SECONDS) -> None:
    """Stop a server started by `start_local_server` (SIGTERM, then SIGKILL); remove its log."""
    stop_process_group(server.process, timeout)
    server.log_path.unlink(missing_ok=True)


def configured_api_url() -> str | None:
    """Return the Prefect API address the user configured (environment or profile), if any."""
    from prefect.settings import get_current_settings

    return get_current_settings().api.url


def check_configured_server(api_url: str) -> None:
    """Given a configured API address, raise `BrochureError` unless the server answers there."""
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        problem = client.api_healthcheck()
    if problem is not None:
        raise BrochureError(
            None,
            f"the Prefect server at PREFECT_API_URL={api_url} does not answer ({problem})",
            "Start that server, or unset PREFECT_API_URL to let `brochures serve` start one.",
        )


def state_dir(environ: Mapping[str, str] = os.environ) -> Path:
    """Return the folder of `brochures`' state files: $BROCHURES_STATE_DIR, else
    $XDG_STATE_HOME/brochures, else ~/.local/state/brochures."""
    if environ.get(STATE_DIR_VARIABLE):
        return Path(environ[STATE_DIR_VARIABLE])
    base = environ.get("XDG_STATE_HOME", "")
    # The XDG specification says to ignore a relative value.
    if not base or not Path(base).is_absolute():
        base = str(Path.home() / ".local" / "state")
    return Path(base) / "brochures"


def state_file(environ: Mapping[str, str] = os.environ) -> Path:
    """Return the state file that records the local server of a running `brochures serve`."""
    return state_dir(environ) / STATE_FILE_NAME


def write_server_state(server: LocalServer, path: Path | None = None) -> Path:
    """Record `server` in the state file (written whole or not at all); return its path."""
    from workspace.export import write_atomic

    record = ServerState(
        api_url=server.api_url,
        ui_url=server.url,
        pid=server.process.pid,
        serve_pid=os.getpid(),
        started_at=datetime.now(UTC),
    )
    return write_atomic(path or state_file(), record.model_dump_json(indent=2) + "\n")


def read_server_state(path: Path | None = None) -> ServerState | None:
    """Return the state file's record (None when there is none); remove an unreadable file."""
    path = path or state_file()
    try:
        return ServerState.model_validate_json(path.read_bytes())
    except FileNotFoundError:
        return None
    except (OSError, ValidationError):
        with suppress(OSError):
            path.unlink(missing_ok=True)
        return None


def remove_server_state(pid: int, path: Path | None = None) -> None:
    """Remove the state file if it still records the server with `pid` (another `serve` may
    have written its own since)."""
    path = path or state_file()
    record = read_server_state(path)
    if record is not None and record.pid == pid:
        with suppress(OSError):
            path.unlink(missing_ok=True)


def process_is_alive(pid: int) -> bool:
    """Given a pid, return True when a process with it exists (possibly another user's)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def running_local_server(path: Path | None = None) -> str | None:
    """Return the API address of the local server a running `brochures serve` started, or None.

    The state file must record a live process that answers at the recorded address. A file
    whose process is gone, or that cannot be read, is removed; a live process that does not
    answer (yet) keeps its file, since it may be starting or busy.
    """
    path = path or state_file()
    record = read_server_state(path)
    if record is None:
        return None
    if not process_is_alive(record.pid):
        remove_server_state(record.pid, path)
        return None
    return record.api_url if is_healthy(record.api_url) else None


@contextmanager
def prefect_api(
    host: str = DEFAULT_HOST,
    port: int | None = None,
    startup_timeout: float = SERVER_STARTUP_TIMEOUT_SECONDS,
    announce: Announce = print,
) -> Iterator[PrefectApi]:
    """Yield the Prefect server to work against: the configured one, else a local one started
    here, recorded in the state file, and stopped when the block ends (however it ends)."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    configured = configured_api_url()
    if configured:
        check_configured_server(configured)
        announce(f"Using the Prefect server at {configured}")
        yield PrefectApi(configured)
        return
    server = start_local_server(host, port, startup_timeout)
    try:
        try:
            recorded = f"; recorded in {write_server_state(server)}"
        except (BrochureError, OSError) as error:
            recorded = f"; not recorded ({error})"
        announce(
            f"Started a local Prefect server (pid {server.process.pid}) at {server.url}; "
            f"Prefect UI: {server.url}{recorded}"
        )
        with temporary_settings(updates={PREFECT_API_URL: server.api_url}):
            yield PrefectApi(server.api_url, server)
    finally:
        with suppress(OSError):
            remove_server_state(server.process.pid)
        stop_local_server(server)
        announce("Stopped the local Prefect server")


@contextmanager
def server_for_run(
    announce: Announce = print, startup_timeout: float = SERVER_STARTUP_TIMEOUT_SECONDS
) -> Iterator[str]:
    """Yield the API address of the Prefect server a `brochures run` works against, and say
    which: the configured one; else the local one `brochures serve` started, while it answers;
    else a local one started here for the run and stopped when it ends (it also stops itself
    when this process is killed, so a killed run leaves no server behind)."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    configured = configured_api_url()
    if configured:
        announce(f"using the Prefect server at {configured}")
        yield configured
        return
    running = running_local_server()
    if running is not None:
        announce(f"using the Prefect server of `brochures serve` at {running}")
        with temporary_settings(updates={PREFECT_API_URL: running}):
            yield running
        return
    server = start_local_server(timeout=startup_timeout)
    try:
        announce(
            f"started a Prefect server for this run at {server.url} (pid {server.process.pid}); "
            "it stops when the run ends"
        )
        with temporary_settings(updates={PREFECT_API_URL: server.api_url}):
            try:
                yield server.api_url
            finally:
                send_queued_logs_and_events()
    finally:
        stop_local_server(server)


def send_queued_logs_and_events(timeout: float = 10.0) -> None:
    """Send the run's logs and events still queued to the server before it stops (else
    Prefect's background workers report, after the run, that the server is gone)."""
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    with suppress(Exception):  # a server that is already unreachable: nothing to send to
        APILogWorker.drain_all(timeout=timeout)
        EventsWorker.drain_all(timeout=timeout)


def checked_schedule(cron: str, timezone: str | None) -> Schedule:
    """Given a cron expression and an IANA time zone (None: UTC), return Prefect's schedule;
    an invalid one raises `BrochureError`."""
    from prefect.client.schemas.schedules import CronSchedule
    from prefect.schedules import Cron

    try:
        CronSchedule(cron=cron, timezone=timezone)
    except ValidationError as error:
        message = error.errors()[0]["msg"].removeprefix("Value error, ")
        raise BrochureError(
            None,
            f"invalid schedule {cron!r} (time zone {timezone or 'UTC'}): {message}",
            "Give five cron fields, such as '0 6 * * 1' for Mondays at 06:00, and an IANA "
            "time zone such as Europe/Rome.",
        ) from None
    return Cron(cron, timezone=timezone)


def deployment_parameters(
    paths: Sequence[Path],
    out_dir: Path,
    settings: Settings,
    catalogue: Path | None,
    corrections_root: Path | None = None,
    workers: int = 1,
) -> dict[str, Any]:
    """Given the command's arguments, return the flow parameters of the deployment, with every
    path absolute so that runs do not depend on where they are started. Without a corrections
    folder the flow's default applies (each brochure's nearest one)."""
    values = settings.model_dump(mode="json")
    if settings.patterns_dir is not None:
        values["patterns_dir"] = str(Path(settings.patterns_dir).resolve())
    parameters: dict[str, Any] = {
        "paths": [str(Path(path).resolve()) for path in paths],
        "out_dir": str(Path(out_dir).resolve()),
        "settings": values,
        "catalogue": str(Path(catalogue).resolve()) if catalogue is not None else None,
        "force": False,
        "workers": workers,
    }
    if corrections_root is not None:
        parameters["corrections_root"] = str(Path(corrections_root).resolve())
    return parameters


@contextmanager
def stop_signals_as_interrupt() -> Iterator[Callable[[], None]]:
    """Within the block, turn the first stop signal (SIGTERM, SIGINT, SIGHUP) into
    KeyboardInterrupt so that clean-up code runs; ignore those that follow, so that they cannot
    cut the clean-up short.

    Yields a function that ignores them from then on: call it when clean-up starts for another
    reason. The previous handlers are back once the block ends.
    """
    if sys.platform == "win32" or not _in_main_thread():
        yield lambda: None
        return

    def ignore() -> None:
        for number in STOP_SIGNALS:
            signal.signal(number, signal.SIG_IGN)

    def interrupt(signum: int, frame: FrameType | None) -> None:
        ignore()
        raise KeyboardInterrupt

    previous = {number: signal.getsignal(number) for number in STOP_SIGNALS}
    for number in STOP_SIGNALS:
        signal.signal(number, interrupt)
    try:
        yield ignore
    finally:
        for number, handler in previous.items():
            # None: a handler not set from Python; the default is the closest.
            signal.signal(number, handler if handler is not None else signal.SIG_DFL)


def _in_main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


def runner_command() -> list[str]:
    """Return the command of the runner's process (see `runner_main`)."""
    return [*python_command(), "import sys, flows.serve; sys.exit(flows.serve.runner_main())"]


def python_command() -> list[str]:
    """Return the start of a command that runs Python code (the argument that follows) with this
    interpreter, importing this process's packages: `-P` keeps the working folder off the path,
    as for the `brochures` script, so that a `flows/` folder there cannot take their place."""
    return [sys.executable, "-P", "-c"]


def start_runner(
    spec: RunnerSpec, api_url: str, command: Sequence[str] | None = None
) -> subprocess.Popen[bytes]:
    """Start the runner's process, the leader of a new session and process group, against the
    server at `api_url`; it shares this process's standard output and error."""
    environment = dict(os.environ)
    environment["PREFECT_API_URL"] = api_url
    environment[RUNNER_SPEC_VARIABLE] = spec.model_dump_json()
    return subprocess.Popen(
        list(command or runner_command()),
        stdin=subprocess.DEVNULL,
        env=environment,
        start_new_session=True,
    )


def supervise(runner: subprocess.Popen[bytes], server: LocalServer | None) -> None:
    """Wait while the runner serves; return when it exits with 0. Raise `BrochureError` when it
    fails, or when the local server (if any) exits under it."""
    while True:
        try:
            code = runner.wait(timeout=SUPERVISE_POLL_SECONDS)
        except subprocess.TimeoutExpired:
            if server is not None and (stopped := server.process.poll()) is not None:
                raise BrochureError(
                    None,
                    f"the local Prefect server exited with code {stopped} while serving "
                    f"(log: {log_tail(server.log_path) or 'empty'})",
                    "Start `brochures serve` again; check the disk space of PREFECT_HOME.",
                ) from None
            continue
        if code == 0:
            return
        raise BrochureError(
            None,
            f"Prefect's runner (pid {runner.pid}) exited with code {code}",
            "See its messages above; start `brochures serve` again once fixed.",
        )


def serve_ingestion(
    *,
    paths: Sequence[Path],
    out_dir: Path,
    settings: Settings,
    catalogue: Path | None,
    cron: str,
    corrections_root: Path | None = None,
    workers: int | None = None,
    timezone: str | None = None,
    name: str = DEFAULT_DEPLOYMENT_NAME,
    host: str = DEFAULT_HOST,
    port: int | None = None,
    startup_timeout: float = SERVER_STARTUP_TIMEOUT_SECONDS,
    announce: Announce = print,
) -> None:
    """Serve the ingestion flow as deployment `ingest-brochures/<name>` on the cron schedule
    until a stop signal; start (and stop) a local Prefect server when none is configured.

    A stop signal is the normal end: it returns. A runner or server that fails raises
    `BrochureError`.
    """
    checked_schedule(cron, timezone)
    from flows.runners import default_workers

    spec = RunnerSpec(
        name=name,
        cron=cron,
        timezone=timezone,
        parameters=deployment_parameters(
            paths, out_dir, settings, catalogue, corrections_root, workers or default_workers()
        ),
        parent_pid=os.getpid(),
    )
    with stop_signals_as_interrupt() as ignore_stop_signals:
        try:
            with prefect_api(host, port, startup_timeout, announce) as api:
                runner: subprocess.Popen[bytes] | None = None
                try:
                    runner = start_runner(spec, api.url)
                    supervise(runner, api.server)
                finally:
                    ignore_stop_signals()
                    if runner is not None:
                        stop_process_group(runner, RUNNER_STOP_GRACE_SECONDS)
                        settled = call_with_timeout(
                            partial(settle_deployment, spec), SETTLE_TIMEOUT_SECONDS
                        )
                        if settled:
                            announce(f"Marked Cancelled {settled} run(s) stopped in progress")
        except KeyboardInterrupt:
            announce("Stopped serving.")


def settle_deployment(spec: RunnerSpec) -> int:
    """Once the runner is stopped: pause the deployment's schedules, as Prefect's runner does
    when it stops in time, and mark Cancelled the deployment's runs left Pending, Running or
    Cancelling, whose processes are gone. Return how many runs; use the current PREFECT_API_URL.

    The deployment is the one of `spec`'s name with `spec`'s output folder.
    """
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        DeploymentFilter,
        DeploymentFilterId,
        DeploymentFilterName,
        FlowRunFilter,
        FlowRunFilterState,
        FlowRunFilterStateType,
    )
    from prefect.client.schemas.objects import StateType
    from prefect.states import Cancelled

    with get_client(sync_client=True) as client:
        named = client.read_deployments(
            deployment_filter=DeploymentFilter(name=DeploymentFilterName(any_=[spec.name]))
        )
        ours = [
            deployment.id
            for deployment in named
            if (deployment.parameters or {}).get("out_dir") == spec.parameters["out_dir"]
        ]
        if not ours:
            return 0
        for deployment_id in ours:
            client.pause_deployment(deployment_id)
        left = client.read_flow_runs(
            deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=ours)),
            flow_run_filter=FlowRunFilter(
                state=FlowRunFilterState(
                    type=FlowRunFilterStateType(
                        any_=[StateType.PENDING, StateType.RUNNING, StateType.CANCELLING]
                    )
                )
            ),
        )
        for run in left:
            client.set_flow_run_state(
                run.id, Cancelled(message="`brochures serve` stopped during the run"), force=True
            )
    return len(left)


def call_with_timeout(function: Callable[[], T], timeout: float) -> T | None:
    """Given a function, call it in a daemon thread that sees this thread's context (Prefect's
    settings); return its result, or None when it raised or did not return within `timeout`."""
    results: list[T] = []
    context = contextvars.copy_context()

    def call() -> None:
        with suppress(Exception):
            results.append(context.run(function))

    caller = threading.Thread(target=call, name="brochures-call-with-timeout", daemon=True)
    caller.start()
    caller.join(timeout)
    return results[0] if results else None


def serve_deployment(spec: RunnerSpec, announce: Announce = print) -> None:
    """In the runner's process: serve the deployment until SIGTERM, against PREFECT_API_URL."""
    from prefect.types.entrypoint import EntrypointType

    from flows.ingest import ingest_brochures

    schedule = checked_schedule(spec.cron, spec.timezone)
    api_url = os.environ.get("PREFECT_API_URL", "")
    deployment = f"{ingest_brochures.name}/{spec.name}"
    announce(
        f"Serving deployment '{deployment}' on cron {spec.cron!r} ({spec.timezone or 'UTC'}) "
        f"against {api_url}. Run it now with: PREFECT_API_URL={api_url} prefect deployment run "
        f"'{deployment}'. Ctrl-C stops."
    )
    ingest_brochures.serve(
        name=spec.name,
        schedule=schedule,
        parameters=spec.parameters,
        # One run at a time: two runs writing the same catalogue would only race.
        limit=1,
        print_starting_message=False,
        # The flow is imported by module name in the run's process, from any folder.
        entrypoint_type=EntrypointType.MODULE_PATH,
    )


def watch_parent(parent_pid: int, poll: float = PARENT_POLL_SECONDS) -> threading.Thread:
    """Start a daemon thread that stops this process and its group once `parent_pid` is no
    longer its parent (it died without stopping us): SIGTERM first, SIGKILL after the grace."""

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(poll)
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(RUNNER_STOP_GRACE_SECONDS)
        os.killpg(os.getpgrp(), signal.SIGKILL)

    watcher = threading.Thread(target=watch, name="brochures-watch-parent", daemon=True)
    watcher.start()
    return watcher


def runner_main() -> int:
    """The runner's process (started by `start_runner`): serve the deployment handed over in
    the environment; return the exit code."""
    spec = RunnerSpec.model_validate_json(os.environ.pop(RUNNER_SPEC_VARIABLE))
    if os.getppid() != spec.parent_pid:
        return 1  # `serve` is already gone
    watch_parent(spec.parent_pid)
    try:
        serve_deployment(spec, announce=lambda message: print(message, flush=True))
    except BrochureError as error:
        print(f"brochures: error: {error}", file=sys.stderr, flush=True)
        return 2
    if os.getppid() != spec.parent_pid:
        # Orphaned: nobody will end what is left of the group, such as extraction processes.
        os.killpg(os.getpgrp(), signal.SIGKILL)
    return 0
