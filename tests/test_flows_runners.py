"""The batch's task runners: threads, the run's pool of processes, and a Dask cluster on
loopback."""

from __future__ import annotations

import contextlib
import os
import pickle
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from prefect.task_runners import ThreadPoolTaskRunner

from flows.ingest import ingest_brochure, ingest_brochures
from flows.pool import ExtractionPool
from flows.runners import default_workers, in_process_flow_settings, task_runner_for
from schemas import InputError, Settings
from schemas.run import PlanReason
from workspace.config import settings_from_mapping
from workspace.layout import OutputLayout
from workspace.service import Workspace, read_and_extract

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
# Every wait of the Dask demonstration is bounded by this.
DASK_WAIT_SECONDS = 45.0


@pytest.fixture(autouse=True, scope="module")
def _frozen_code(frozen_code_fingerprint: None) -> None:
    """Every flow run of this module sees one code version (see the fixture in conftest.py)."""


def make_corpus(folder: Path, count: int) -> list[Path]:
    """Write `count` brochures of the benchmark corpus (made from the sample) into `folder`."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from corpus import write_corpus
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    return write_corpus(folder, count)


@pytest.mark.parametrize(("workers", "threads"), [(1, 4), (2, 4), (8, 16)])
def test_runners_task_runner_for_keeps_task_runs_in_threads(workers: int, threads: int) -> None:
    runner = task_runner_for(workers)
    assert isinstance(runner, ThreadPoolTaskRunner)
    assert runner._max_workers == threads


def test_runners_task_runner_for_a_dask_address_uses_the_cluster() -> None:
    from prefect_dask import DaskTaskRunner

    runner = task_runner_for(2, "tcp://127.0.0.1:8786")
    assert isinstance(runner, DaskTaskRunner)


def test_runners_task_runner_for_refuses_no_workers() -> None:
    with pytest.raises(ValueError, match="at least 1, got 0"):
        task_runner_for(0)


def test_runners_default_workers_is_at_least_one() -> None:
    assert default_workers() >= 1


def heartbeat_seconds() -> int | None:
    from prefect.settings import get_current_settings

    return get_current_settings().flows.heartbeat_frequency


@contextlib.contextmanager
def heartbeats_every(seconds: int) -> Iterator[None]:
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: seconds}):
        yield


def test_runners_in_process_flow_settings_turn_heartbeats_off_within_the_block() -> None:
    with heartbeats_every(120):
        with in_process_flow_settings(environ={}):
            assert heartbeat_seconds() is None
        assert heartbeat_seconds() == 120


@pytest.mark.parametrize(
    "variable", ["PREFECT_FLOWS_HEARTBEAT_FREQUENCY", "PREFECT_RUNNER_HEARTBEAT_FREQUENCY"]
)
def test_runners_in_process_flow_settings_keep_heartbeats_the_environment_asks_for(
    variable: str,
) -> None:
    with heartbeats_every(120), in_process_flow_settings(environ={variable: "120"}):
        assert heartbeat_seconds() == 120


def test_runners_task_arguments_and_outcome_pickle(sample_path: Path, tmp_path: Path) -> None:
    """A pool's worker or a Dask worker receives the arguments and returns the outcome pickled."""
    settings = settings_from_mapping({}, "settings")
    workspace = Workspace(
        layout=OutputLayout.of(tmp_path / "out", tmp_path / "out" / "catalogue.sqlite3"),
        settings=settings,
        pipeline_version="test",
        corrections=None,
    )
    arguments: tuple[str, Workspace, PlanReason] = (str(sample_path), workspace, "first_ingestion")
    assert pickle.loads(pickle.dumps(arguments)) == arguments
    outcome = ingest_brochure(*arguments)
    assert outcome.status == "ok"
    assert pickle.loads(pickle.dumps(outcome)) == outcome


@pytest.mark.slow
def test_runners_extraction_pool_extracts_in_other_processes_like_this_one(
    sample_path: Path,
) -> None:
    settings = Settings()
    with ExtractionPool(2) as pool:
        pooled_source, pooled = pool.run(str(sample_path), read_and_extract, sample_path, settings)
        pids = {pool.run(f"call {n}", os.getpid) for n in range(4)}
    source, extraction = read_and_extract(sample_path, settings)
    assert pooled == extraction
    assert pooled_source.text == source.text
    assert os.getpid() not in pids


@pytest.mark.slow
def test_runners_brochure_error_crosses_the_process_boundary_whole(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    with ExtractionPool(2) as pool, pytest.raises(InputError) as raised:
        pool.run(str(empty), read_and_extract, empty, Settings())
    assert (raised.value.path, raised.value.code) == (str(empty), "input_error")
    assert "is empty" in str(raised.value)


@pytest.mark.slow
@pytest.mark.flow
def test_flows_ingest_extracts_in_the_pool_of_worker_processes(
    prefect_harness: None, tmp_path: Path
) -> None:
    make_corpus(tmp_path / "raw", 3)
    (tmp_path / "raw" / "empty.txt").write_bytes(b"")
    batch = ingest_brochures.with_options(task_runner=task_runner_for(2))
    summary = batch(
        paths=[str(tmp_path / "raw")],
        out_dir=str(tmp_path / "out"),
        corrections_root=None,
        workers=2,
    )
    assert (summary.new, summary.failed) == (3, 1)
    for outcome in summary.outcomes:
        if outcome.status == "failed":
            assert outcome.error_code == "input_error"
            assert "empty.txt" in (outcome.error or "")
        else:
            assert outcome.output is not None and Path(outcome.output).is_file()
            assert outcome.projects is not None and outcome.projects > 0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def dask_cluster(folder: Path, workers: int) -> Iterator[str]:
    """Start a Dask scheduler on loopback and `workers` one-process workers; stop them all at
    the end, even on failure. Yield the scheduler's address."""
    address = f"tcp://127.0.0.1:{free_port()}"
    dask = str(BIN / "dask")
    commands = [
        [dask, "scheduler", "--host", "127.0.0.1", "--port", address.rsplit(":", 1)[1]],
        *[
            [dask, "worker", address, "--nworkers", "1", "--nthreads", "1", "--name", f"w{n}"]
            for n in range(workers)
        ],
    ]
    processes: list[subprocess.Popen[bytes]] = []
    environment = {**os.environ, "DASK_DISTRIBUTED__DASHBOARD__LINK": ""}
    try:
        for number, command in enumerate(commands):
            log = (folder / f"dask-{number}.log").open("wb")
            processes.append(
                subprocess.Popen(
                    [*command, "--no-dashboard"],
                    cwd=ROOT,
                    env=environment,
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )
            log.close()
        yield address
    finally:
        for process in reversed(processes):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 15
        for process in reversed(processes):
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)


def dask_logs(folder: Path) -> str:
    return "\n".join(path.read_text(errors="replace") for path in sorted(folder.glob("dask-*")))


@pytest.mark.integration
@pytest.mark.flow
@pytest.mark.skipif(shutil.which("dask", path=str(BIN)) is None, reason="needs the dask extra")
def test_flows_ingest_runs_its_tasks_on_a_dask_cluster_on_loopback(
    prefect_harness: None, tmp_path: Path
) -> None:
    from distributed import Client

    make_corpus(tmp_path / "raw", 4)
    with dask_cluster(tmp_path, workers=2) as address:
        try:
            client = Client(address, timeout=DASK_WAIT_SECONDS)
        except OSError as error:
            pytest.fail(f"no Dask scheduler at {address}: {error}\n{dask_logs(tmp_path)}")
        with client:
            try:
                client.wait_for_workers(2, timeout=DASK_WAIT_SECONDS)
            except TimeoutError:
                pytest.fail(f"the Dask workers did not join:\n{dask_logs(tmp_path)}")
            here = os.getpid()
            worker_pids = set(client.run(os.getpid).values())
            batch = ingest_brochures.with_options(task_runner=task_runner_for(1, address))
            summary = batch(
                paths=[str(tmp_path / "raw")],
                out_dir=str(tmp_path / "out"),
                corrections_root=None,
            )
            executed = client.run(lambda dask_worker: dask_worker.state.executed_count)
    assert (summary.new, summary.failed) == (4, 0), dask_logs(tmp_path)
    for outcome in summary.outcomes:
        assert outcome.output is not None and Path(outcome.output).is_file()
    assert len(worker_pids) == 2 and here not in worker_pids
    # Every brochure's task ran in a worker process, none in this one.
    assert sum(executed.values()) >= 4, executed
