"""`brochures serve`: register the ingestion flow on a cron schedule and serve its runs.

Prefect schedules runs only through a real server. When none is configured (`PREFECT_API_URL`
unset, in the environment and in the Prefect profile), `serve` starts `prefect server start` on
127.0.0.1 as a child process, waits for its health endpoint, points this process at it, and
stops it when serving stops: normally, on Ctrl-C or on SIGTERM. With a configured server it
only checks that the server answers.

Each scheduled run is executed by Prefect's runner in a fresh process, so edited pattern files
and code are picked up by the next run; the settings and paths are fixed when serving starts.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any

from schemas import BrochureError, Settings

if TYPE_CHECKING:
    from prefect.schedules import Schedule

DEFAULT_HOST = "127.0.0.1"
DEFAULT_DEPLOYMENT_NAME = "scheduled"
SERVER_STARTUP_TIMEOUT_SECONDS = 90.0
SERVER_STOP_TIMEOUT_SECONDS = 20.0
HEALTH_POLL_SECONDS = 0.25
_LOG_TAIL_LINES = 8

Announce = Callable[[str], None]


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


def free_port(host: str = DEFAULT_HOST) -> int:
    """Given a host, return a TCP port that is free on it now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        port: int = probe.getsockname()[1]
        return port


def server_command(host: str, port: int) -> list[str]:
    """Given a host and port, return the command that starts a Prefect server on them."""
    return [sys.executable, "-m", "prefect", "server", "start", "--host", host, "--port", str(port)]


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
    the runner has shut down; `stop_local_server` ends it. When it exits or does not answer
    within `timeout` seconds, it is stopped and a `BrochureError` quotes the end of its log.
    """
    port = port or free_port(host)
    environment = {name: value for name, value in os.environ.items() if name != "PREFECT_API_URL"}
    # Never ask on a terminal (`prefect server start` offers to edit the user's profiles).
    environment["PREFECT_CLI_PROMPT"] = "false"
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


def stop_local_server(server: LocalServer, timeout: float = SERVER_STOP_TIMEOUT_SECONDS) -> None:
    """Stop a server started by `start_local_server` (SIGTERM, then SIGKILL); remove its log."""
    process = server.process
    if process.poll() is None:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            with suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=timeout)
    else:
        # The server is gone; end anything it left in its session.
        with suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
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


@contextmanager
def prefect_api(
    host: str = DEFAULT_HOST,
    port: int | None = None,
    startup_timeout: float = SERVER_STARTUP_TIMEOUT_SECONDS,
    announce: Announce = print,
) -> Iterator[str]:
    """Yield the API address of a Prefect server: the configured one, else a local one started
    here and stopped when the block ends (however it ends)."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    configured = configured_api_url()
    if configured:
        check_configured_server(configured)
        announce(f"Using the Prefect server at {configured}")
        yield configured
        return
    server = start_local_server(host, port, startup_timeout)
    try:
        announce(
            f"Started a local Prefect server (pid {server.process.pid}) at {server.url}; "
            f"Prefect UI: {server.url}"
        )
        with temporary_settings(updates={PREFECT_API_URL: server.api_url}):
            yield server.api_url
    finally:
        stop_local_server(server)
        announce("Stopped the local Prefect server")


def checked_schedule(cron: str, timezone: str | None) -> Schedule:
    """Given a cron expression and an IANA time zone (None: UTC), return Prefect's schedule;
    an invalid one raises `BrochureError`."""
    from prefect.client.schemas.schedules import CronSchedule
    from prefect.schedules import Cron
    from pydantic import ValidationError

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
    corrections_root: Path = Path("."),
    workers: int = 1,
) -> dict[str, Any]:
    """Given the command's arguments, return the flow parameters of the deployment, with every
    path absolute so that runs do not depend on where they are started."""
    values = settings.model_dump(mode="json")
    if settings.patterns_dir is not None:
        values["patterns_dir"] = str(Path(settings.patterns_dir).resolve())
    return {
        "paths": [str(Path(path).resolve()) for path in paths],
        "out_dir": str(Path(out_dir).resolve()),
        "settings": values,
        "catalogue": str(Path(catalogue).resolve()) if catalogue is not None else None,
        "force": False,
        "corrections_root": str(Path(corrections_root).resolve()),
        "workers": workers,
    }


@contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """Within the block, turn SIGTERM into KeyboardInterrupt so that clean-up code runs.

    Prefect's runner installs its own SIGTERM handler (a graceful stop) while it runs; this one
    covers the time before and after, such as waiting for the server to start.
    """
    if sys.platform == "win32" or not _in_main_thread():
        yield
        return

    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _in_main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()


def serve_ingestion(
    *,
    paths: Sequence[Path],
    out_dir: Path,
    settings: Settings,
    catalogue: Path | None,
    cron: str,
    corrections_root: Path = Path("."),
    workers: int | None = None,
    timezone: str | None = None,
    name: str = DEFAULT_DEPLOYMENT_NAME,
    host: str = DEFAULT_HOST,
    port: int | None = None,
    startup_timeout: float = SERVER_STARTUP_TIMEOUT_SECONDS,
    announce: Announce = print,
) -> None:
    """Serve the ingestion flow as deployment `ingest-brochures/<name>` on the cron schedule
    until interrupted; start (and stop) a local Prefect server when none is configured."""
    schedule = checked_schedule(cron, timezone)
    from flows.runners import default_workers

    parameters = deployment_parameters(
        paths, out_dir, settings, catalogue, corrections_root, workers or default_workers()
    )
    with sigterm_as_interrupt(), prefect_api(host, port, startup_timeout, announce) as api_url:
        from prefect.types.entrypoint import EntrypointType

        from flows.ingest import ingest_brochures

        announce(
            f"Serving deployment '{ingest_brochures.name}/{name}' on cron {cron!r} "
            f"({timezone or 'UTC'}) against {api_url}. Run it now with: "
            f"PREFECT_API_URL={api_url} prefect deployment run '{ingest_brochures.name}/{name}'. "
            "Ctrl-C stops."
        )
        ingest_brochures.serve(
            name=name,
            schedule=schedule,
            parameters=parameters,
            # One run at a time: two runs writing the same catalogue would only race.
            limit=1,
            print_starting_message=False,
            # The flow is imported by module name in the run's process, from any folder.
            entrypoint_type=EntrypointType.MODULE_PATH,
        )
