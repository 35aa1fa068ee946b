"""One thread-pool policy: every pool is made by ``threads.executor`` with its size."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from devstatic.disk import threads
from devstatic.storage import filesystem


def test_pools_are_named_after_their_work() -> None:
    with threads.executor(2, "probe") as pool:
        name = pool.submit(lambda: threading.current_thread().name).result()
    assert name.startswith("devstatic-probe")


@pytest.mark.parametrize(("cores", "expected"), [(None, 1), (1, 1), (2, 2), (64, 8)])
def test_hashing_uses_the_cores_up_to_a_bound(
    monkeypatch: pytest.MonkeyPatch, cores: int | None, expected: int
) -> None:
    monkeypatch.setattr(threads.os, "cpu_count", lambda: cores)
    assert threads.hashing() == expected


def test_a_slow_copy_batch_moves_to_the_disk_write_threads(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # Every chunk counts as slow, so all chunks after the first go to the pool.
    monkeypatch.setattr(filesystem, "_SLOW_FILE", -1.0)
    monkeypatch.setattr(threads, "DISK_WRITES", 3)
    seen: set[str] = set()
    lock = threading.Lock()

    def work(chunk: list[int]) -> int:
        with lock:
            seen.add(threading.current_thread().name)
        return sum(chunk)

    items = list(range(filesystem._CHUNK * 20))
    results = list(filesystem._in_chunks(items, work))
    assert sum(results) == sum(items)
    workers = seen - {threading.current_thread().name}
    assert workers and all(name.startswith("devstatic-copy") for name in workers)
    assert len(workers) <= 3


def test_blocking_work_on_trio_is_bounded_like_the_asyncio_pool(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import time

    import trio

    from devstatic.disk import blocking

    monkeypatch.setattr(blocking, "MAX_WORKERS", 2)
    lock = threading.Lock()
    active = [0]
    most = [0]

    def work() -> None:
        with lock:
            active[0] += 1
            most[0] = max(most[0], active[0])
        time.sleep(0.05)  # long enough for every started call to overlap
        with lock:
            active[0] -= 1

    async def main() -> None:
        async with trio.open_nursery() as nursery:
            for _ in range(6):
                nursery.start_soon(blocking.run_blocking, work)

    trio.run(main)
    assert most[0] == 2


def test_the_asyncio_pool_has_the_policys_size() -> None:
    from devstatic.disk import blocking

    assert blocking._executor()._max_workers == threads.SERVE_IO
