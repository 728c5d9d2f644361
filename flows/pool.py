"""The processes that work on a flow run's brochures: started with the run, ended with it.

A worker pays spaCy's start-up once and then processes brochure after brochure. The pool lives
exactly as long as its `with` block (one flow run): it is shut down when the run ends, and its
processes are terminated when the run fails or is cancelled, so nothing a run starts outlives it.

When a worker dies (killed, or out of memory), Python's pool fails every brochure still waiting
with `BrokenProcessPool`. Here the broken pool is replaced and those brochures are sent again; one
whose pool breaks again runs in a worker of its own, so that only the brochure that kills its
worker fails, with the reason, and the others go through.

Each brochure runs under limits of its own: a worker may use `memory_mb` of memory (its address
space, set when it starts), and a brochure taking longer than `seconds` has its worker stopped
(the pool is replaced, the brochures that shared it are sent again); either fails that brochure
with `LimitExceeded`, naming the setting.
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextvars import ContextVar
from types import TracebackType
from typing import Any, TypeVar

from schemas import BrochureError

T = TypeVar("T")

# How often a brochure is sent to a fresh pool after the one it was in broke.
ATTEMPTS = 3


# The pool of the flow run in progress; task runs see it in their threads (Prefect copies the
# context into them). None: each brochure is processed in the task's own thread.
RUN_POOL: ContextVar[ExtractionPool | None] = ContextVar("extraction_pool", default=None)


def current_pool() -> ExtractionPool | None:
    """The pool of the flow run this thread works for (None: none)."""
    return RUN_POOL.get()


class WorkerDied(BrochureError):
    """The process working on a brochure died on every attempt."""

    code = "worker_died"


class PoolClosed(BrochureError):
    """The run ended (stopped or cancelled) before the brochure's turn came."""

    code = "run_stopped"


class LimitExceeded(BrochureError):
    """A brochure needed more time or memory than the settings allow one brochure."""

    code = "limit_exceeded"


class TimeLimitExceeded(LimitExceeded):
    """A brochure took longer than the settings allow: its worker is stuck and must be stopped."""


# How often a worker checks that the process that started it is still there.
PARENT_POLL_SECONDS = 1.0


def _start_worker(megabytes: int | None, parent: int) -> None:
    """Run in each worker as it starts: cap its address space at `megabytes`, and end the worker
    when its parent is gone (killed with SIGKILL, it could not end its workers itself)."""
    if megabytes is not None:
        limit = megabytes * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_POLL_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


class ExtractionPool:
    """`workers` processes for one flow run; use as a context manager, call `run` from threads."""

    def __init__(
        self, workers: int, *, memory_mb: int | None = None, seconds: float | None = None
    ) -> None:
        self.workers = workers
        self.memory_mb = memory_mb
        self.seconds = seconds
        self._lock = threading.Lock()
        self._closed = False
        self._generation = 0
        self._executor = self._start()

    def _start(self, workers: int | None = None) -> ProcessPoolExecutor:
        # Spawned, not forked: the flow's process already runs threads.
        return ProcessPoolExecutor(
            max_workers=workers or self.workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_worker,
            initargs=(self.memory_mb, os.getpid()),
        )

    def run(self, path: str, function: Callable[..., T], *args: Any) -> T:
        """Run `function(*args)` for the brochure `path` in a worker; return its result.

        Exceptions of the function propagate. When the pool breaks (a worker died, maybe not
        this call's), the call is sent to the new pool; when that breaks too, the call runs in a
        worker of its own, so that only the brochure that kills its worker fails, with
        `WorkerDied`. A call over the time or memory limit raises `LimitExceeded`.
        """
        for _ in range(ATTEMPTS - 1):
            with self._lock:
                if self._closed:
                    raise PoolClosed(
                        path,
                        "was not processed: the run was stopped before its turn",
                        "It is processed at the next run.",
                    )
                executor, generation = self._executor, self._generation
            try:
                return self._call(path, executor, function, *args)
            except BrokenProcessPool:
                self._replace(generation)
            except TimeLimitExceeded:
                self._replace(generation, stop=True)
                raise
        return self._alone(path, function, *args)

    def _alone(self, path: str, function: Callable[..., T], *args: Any) -> T:
        """Run the call in a worker of its own: the last attempt, after its pool broke twice."""
        solo = self._start(workers=1)
        try:
            return self._call(path, solo, function, *args)
        except BrokenProcessPool:
            raise WorkerDied(
                path,
                f"the process working on it died {ATTEMPTS} times, the last one working on it "
                "alone (killed, or out of memory)",
                "Check the file: a huge or damaged document can exhaust the memory; the other "
                "brochures went on.",
            ) from None
        finally:
            _terminate(solo)

    def _call(
        self, path: str, executor: ProcessPoolExecutor, function: Callable[..., T], *args: Any
    ) -> T:
        """Run the call in `executor` under the time limit; a limit exceeded is `LimitExceeded`
        (the executor is left to the caller to stop)."""
        try:
            return executor.submit(function, *args).result(timeout=self.seconds)
        except TimeoutError:
            raise TimeLimitExceeded(
                path,
                f"took longer than {self.seconds:g} s (max_seconds_per_brochure); its worker "
                "was stopped",
                "Check the file (a huge or damaged document?), or raise the limit in the settings.",
            ) from None
        except MemoryError:
            raise LimitExceeded(
                path,
                f"needed more memory than {self.memory_mb} MB (max_memory_mb)",
                "Check the file (a huge or damaged document?), or raise the limit in the settings.",
            ) from None

    def _replace(self, generation: int, *, stop: bool = False) -> None:
        """Replace the pool of `generation` once, however many threads saw it break; with
        `stop`, end its processes first (one of them is stuck on a brochure)."""
        with self._lock:
            if generation != self._generation or self._closed:
                return
            old = self._executor
            self._executor = self._start()
            self._generation += 1
        if stop:
            _terminate(old)
        old.shutdown(wait=False, cancel_futures=True)

    def close(self, *, terminate: bool = False) -> None:
        """Shut the pool down: wait for its processes to end, or with `terminate`, end them."""
        with self._lock:
            self._closed = True
            executor = self._executor
        if terminate:
            _terminate(executor)
        executor.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> ExtractionPool:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close(terminate=error is not None)


def _terminate(executor: ProcessPoolExecutor) -> None:
    """End the processes of an executor, busy or not (call before `shutdown`, which forgets
    them), and cancel what waits for them."""
    # The executor has no public way to stop a busy worker (Python 3.14 adds one).
    processes = list((getattr(executor, "_processes", None) or {}).values())
    executor.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.terminate()
