"""The run's pool of worker processes: shut down with the run, recovering from a worker that
dies, and ending busy workers when told to.

The pool's workers are spawned: they import this module by name (pytest's default import mode
puts `tests` on `sys.path`, and a spawned process inherits it) to find the functions sent to
them, so this module imports nothing heavy at its top; the flow test imports Prefect itself.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import shutil
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from multiprocessing import resource_tracker
from pathlib import Path

import pytest

from flows.pool import ExtractionPool, WorkerDied
from schemas import BrochureError

try:
    import psutil
except ImportError:  # the check then sees only the children `multiprocessing` started
    psutil = None

# Every wait of this module is bounded; none checks how fast anything is. A worker imports
# this module (and pytest) before it starts a call, which takes long on a busy machine.
WAIT_SECONDS = 10.0
START_SECONDS = 60.0


# --- sent to the workers -------------------------------------------------------------------------


def kill_this_process() -> None:
    """Die the way the out-of-memory killer ends a worker: at once, with no clean-up."""
    os.kill(os.getpid(), signal.SIGKILL)


def square(number: int, started: str | None = None, release: str | None = None) -> int:
    """Return the square of `number`: a brochure that takes as long as the test wants. With
    `started`, create that file first; with `release`, wait (a minute at most) for that file."""
    if started is not None:
        Path(started).touch()
    deadline = time.monotonic() + 60
    while release is not None and not Path(release).exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    return number * number


# --- helpers -------------------------------------------------------------------------------------


def child_processes() -> set[int]:
    """The ids of this process's children: those `multiprocessing` started and, with psutil,
    every other one too (a pool's helpers, anything started by a subprocess)."""
    pids = {process.pid for process in multiprocessing.active_children() if process.pid}
    if psutil is not None:
        pids |= {child.pid for child in psutil.Process().children(recursive=True)}
    return pids


def children_since(before: set[int]) -> set[int]:
    """The children of this process that were not there `before`."""
    return child_processes() - before


def baseline_children() -> set[int]:
    """The children this process has before a test starts a pool: the Prefect test server, and
    the resource tracker, started with the first spawned pool and kept for the process's life."""
    resource_tracker.ensure_running()
    return child_processes()


def wait_for(condition: Callable[[], bool], seconds: float = WAIT_SECONDS) -> bool:
    """Poll `condition` until it holds or `seconds` have passed; return whether it held."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() >= deadline:
            return condition()
        time.sleep(0.05)
    return True


def result_or_error(future: Future[int]) -> int | BaseException:
    """The result of a finished call, or the exception it raised."""
    return future.exception() or future.result()


def stop_leftover_workers(pool: ExtractionPool, caller: threading.Thread, before: set[int]) -> None:
    """Whatever a failed test left running: end the pool's workers until the thread calling the
    pool gives up, then shut the pool down, so that no process outlives the test."""
    deadline = time.monotonic() + 60
    while caller.is_alive() and time.monotonic() < deadline:
        for process in multiprocessing.active_children():
            if process.pid not in before:
                process.terminate()
        caller.join(0.1)
    pool.close()


# --- the tests -----------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.flow
def test_flows_pool_is_shut_down_when_the_flow_run_ends(
    prefect_harness: None, tmp_path: Path, sample_path: Path
) -> None:
    from flows.ingest import ingest_brochures
    from flows.progress import outcome_listener

    raw = tmp_path / "raw"
    raw.mkdir()
    for name in ("one.txt", "two.txt", "three.txt"):
        shutil.copyfile(sample_path, raw / name)
    before = baseline_children()
    # How many worker processes were alive as each brochure finished.
    workers_seen: list[int] = []
    token = outcome_listener.set(lambda outcome: workers_seen.append(len(children_since(before))))
    try:
        summary = ingest_brochures(
            paths=[str(raw)], out_dir=str(tmp_path / "out"), corrections_root=None, workers=2
        )
    finally:
        outcome_listener.reset(token)

    assert (summary.new, summary.failed) == (3, 0)
    assert len(workers_seen) == 3 and max(workers_seen) >= 1
    assert wait_for(lambda: not multiprocessing.active_children()), (
        multiprocessing.active_children()
    )
    assert wait_for(lambda: not children_since(before)), children_since(before)


@pytest.mark.slow
def test_flows_pool_a_call_whose_worker_dies_ends_in_worker_died_and_the_pool_goes_on() -> None:
    with ExtractionPool(2) as pool:
        with pytest.raises(WorkerDied) as raised:
            pool.run("raw/killer.txt", kill_this_process)
        after = pool.run("raw/next.txt", square, 7)

    assert (raised.value.path, raised.value.code) == ("raw/killer.txt", "worker_died")
    assert str(raised.value).startswith("raw/killer.txt: the process working on it died 3 times")
    assert after == 49


@pytest.mark.slow
def test_flows_pool_other_calls_survive_a_worker_that_dies_while_they_run(
    tmp_path: Path,
) -> None:
    started = [tmp_path / f"started-{number}" for number in range(2)]
    release = tmp_path / "release"
    pokes: list[Future[int]] = []
    with ExtractionPool(4) as pool, ThreadPoolExecutor(max_workers=8) as threads:
        try:
            others = [
                threads.submit(
                    pool.run, f"raw/other-{number}.txt", square, number, str(marker), str(release)
                )
                for number, marker in enumerate(started)
            ]
            assert wait_for(lambda: all(marker.exists() for marker in started), START_SECONDS)
            # The other calls run until the killer has died on every attempt.
            killer = threads.submit(pool.run, "raw/killer.txt", os._exit, 1)
            # CPython's pool sees a worker die only when it next looks at its processes, and a
            # worker started after it last looked goes unseen until something else happens in
            # the pool: a quick call now and then makes it look again.
            deadline = time.monotonic() + START_SECONDS
            while not killer.done() and time.monotonic() < deadline:
                pokes.append(threads.submit(pool.run, "raw/quick.txt", square, 3))
                time.sleep(0.2)
            died = killer.exception(timeout=0)
        finally:
            release.touch()
        results = [result_or_error(future) for future in others]
        quick = {result_or_error(future) for future in pokes}

    assert results == [0, 1]
    assert quick <= {9}
    assert isinstance(died, WorkerDied)
    assert died.path == "raw/killer.txt"


def test_flows_pool_close_with_terminate_ends_busy_workers(tmp_path: Path) -> None:
    before = baseline_children()
    marker = tmp_path / "busy"
    pool = ExtractionPool(1)

    def call() -> None:
        # The call may end in an error once the pool is closed: which one is not the point.
        with contextlib.suppress(BrochureError):
            pool.run("raw/slow.txt", square, 1, str(marker), str(tmp_path / "never"))

    caller = threading.Thread(target=call, daemon=True)
    caller.start()
    try:
        assert wait_for(marker.exists, START_SECONDS), "the worker never started the call"

        pool.close(terminate=True)

        assert wait_for(lambda: not children_since(before)), children_since(before)
        caller.join(WAIT_SECONDS)
        assert not caller.is_alive(), "the call still waits on a terminated pool"
    finally:
        stop_leftover_workers(pool, caller, before)


@pytest.mark.slow
def test_flows_pool_of_a_failed_run_is_ended_and_the_run_keeps_its_error() -> None:
    from flows.ingest import _pool_for
    from schemas import Settings

    before = baseline_children()
    with pytest.raises(RuntimeError, match="the run failed"), _pool_for(2, Settings()) as pool:
        assert pool is not None
        assert pool.run("raw/a.txt", square, 3) == 9
        raise RuntimeError("the run failed")

    assert wait_for(lambda: not children_since(before)), children_since(before)
