"""One run at a time per output folder: an advisory lock on a file inside it."""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from schemas import OutputError

_POLL_SECONDS = 0.2


@contextmanager
def run_lock(path: Path, wait_seconds: float = 0.0) -> Iterator[Path]:
    """Hold the run lock `path` (an output folder's `.brochures.lock`) while the block runs.

    A second run on the same folder waits up to `wait_seconds` for the first to finish, then
    raises `OutputError` naming the process that holds it. The lock is released by the kernel
    when its holder exits, even when killed, so a crash never leaves the folder locked.
    """
    out_dir = path.parent
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as error:
        raise OutputError(
            out_dir,
            f"cannot hold its run lock {path.name} ({error.strerror or error})",
            "Check that the output folder is writable, or give another one with --out.",
        ) from error
    deadline = time.monotonic() + wait_seconds
    try:
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = os.pread(handle, 64, 0).decode("ascii", "replace").strip() or "?"
                    raise OutputError(
                        out_dir,
                        f"another run (process {holder}) is writing to this folder",
                        "Wait for it to finish, or give another output folder.",
                    ) from None
                time.sleep(_POLL_SECONDS)
        os.ftruncate(handle, 0)
        os.pwrite(handle, str(os.getpid()).encode("ascii"), 0)
        yield path
    finally:
        os.close(handle)  # closing releases the lock
