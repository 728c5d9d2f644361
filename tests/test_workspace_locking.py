"""The output folder's run lock: one run at a time, never left behind by a crash."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from schemas import OutputError
from workspace.layout import LOCK_NAME
from workspace.locking import run_lock

HOLD = """
import sys, time
from pathlib import Path
from workspace.layout import LOCK_NAME
from workspace.locking import run_lock
with run_lock(Path(sys.argv[1]) / ".brochures.lock"):
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def hold_in_another_process(out_dir: Path, seconds: float) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(out_dir), str(seconds)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "held"
    return process


def test_locking_second_run_is_refused_with_the_holder_named(tmp_path: Path) -> None:
    holder = hold_in_another_process(tmp_path, 30)
    try:
        with pytest.raises(OutputError) as raised, run_lock(tmp_path / LOCK_NAME, wait_seconds=0):
            pass
        assert f"process {holder.pid}" in str(raised.value)
        assert str(tmp_path) in str(raised.value)
    finally:
        holder.kill()
        holder.wait()


@pytest.mark.slow  # the holder keeps the lock for 3 seconds
def test_locking_second_run_waits_for_the_first_to_finish(tmp_path: Path) -> None:
    holder = hold_in_another_process(tmp_path, 3)
    try:
        with pytest.raises(OutputError), run_lock(tmp_path / LOCK_NAME, wait_seconds=0):
            pass  # held: refused at once
        with run_lock(
            tmp_path / LOCK_NAME, wait_seconds=60
        ) as path:  # waits until the holder lets go
            assert path.read_text(encoding="ascii") == str(os.getpid())
    finally:
        holder.kill()
        holder.wait()


def test_locking_a_killed_holder_leaves_no_lock_behind(tmp_path: Path) -> None:
    holder = hold_in_another_process(tmp_path, 30)
    holder.kill()
    holder.wait()
    with run_lock(tmp_path / LOCK_NAME, wait_seconds=0) as path:
        assert path.exists()


def test_locking_is_reentrant_across_sequential_runs(tmp_path: Path) -> None:
    with run_lock(tmp_path / LOCK_NAME):
        pass
    with run_lock(tmp_path / LOCK_NAME):
        pass


def test_locking_an_output_folder_that_cannot_be_made_is_a_clear_error(tmp_path: Path) -> None:
    taken = tmp_path / "output"
    taken.write_text("a file, not a folder", encoding="utf-8")
    with (
        pytest.raises(OutputError, match="output: cannot hold its run lock .brochures.lock"),
        run_lock(taken / LOCK_NAME),
    ):
        pass
