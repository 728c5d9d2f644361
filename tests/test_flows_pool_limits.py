"""Each brochure in a worker process runs under the settings' time and memory limits."""

from __future__ import annotations

import multiprocessing
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from flows.pool import ExtractionPool, LimitExceeded
from schemas import Settings


@pytest.mark.slow
def test_pool_a_brochure_over_the_memory_limit_fails_alone() -> None:
    with ExtractionPool(1, memory_mb=512) as pool:
        with pytest.raises(LimitExceeded, match="huge.pdf: needed more memory than 512 MB"):
            pool.run("huge.pdf", bytearray, 2 * 1024**3)
        assert pool.run("small.txt", len, "fine") == 4  # the same worker goes on


@pytest.mark.slow
def test_pool_a_brochure_over_the_time_limit_fails_and_the_others_go_through() -> None:
    with ExtractionPool(2, seconds=2) as pool, ThreadPoolExecutor(2) as threads:
        stuck = threads.submit(pool.run, "stuck.pdf", time.sleep, 60)
        time.sleep(0.5)
        fine = threads.submit(pool.run, "fine.txt", sum, [1, 2, 3])
        with pytest.raises(LimitExceeded, match="stuck.pdf: took longer than 2 s"):
            stuck.result(timeout=30)
        assert fine.result(timeout=30) == 6
        assert pool.run("after.txt", abs, -1) == 1
    deadline = time.monotonic() + 10
    while multiprocessing.active_children() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert multiprocessing.active_children() == []


def test_pool_limits_have_safe_defaults_in_the_settings() -> None:
    settings = Settings()
    assert (settings.max_memory_mb, settings.max_seconds_per_brochure) == (2048, 300.0)
    assert settings.max_characters == 5_000_000
