"""``python -m bench.memos [--rounds N] [--requests N]``: what each memo of the serving
path buys, in-process through the ASGI callable (no server, no sockets), as requests
per CPU second.

Every memo must pay for the staleness risk it brings (see resolver.py, ``current``).
Each is turned off alone and the requests per second of the hot cases compared with
all of them on, in the same rounds (interleaved, medians), with inotify vouching.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import anyio

import devstatic.http.encoding
import devstatic.serve.files
import devstatic.serve.middleware
from devstatic import Settings, StaticFilesMiddleware

CSS = b"body { color: red }\n" * 256  # 5 KiB
BIG = 2 * 1024 * 1024  # not kept in memory: a Range reads the file

Case = tuple[str, str, list[tuple[bytes, bytes]]]


def switches() -> dict[str, Callable[[StaticFilesMiddleware], Callable[[], None]]]:
    """Each memo's off switch: applied to a middleware, returns how to undo it."""

    def answers(app: StaticFilesMiddleware) -> Callable[[], None]:
        app.files.remember = lambda *args: None  # type: ignore[method-assign]
        app.files.answers.clear()
        return lambda: None

    def constant(
        module: Any, name: str, value: int
    ) -> Callable[[StaticFilesMiddleware], Callable[[], None]]:
        def off(app: StaticFilesMiddleware) -> Callable[[], None]:
            old = getattr(module, name)
            setattr(module, name, value)
            app._names.clear()
            return lambda: setattr(module, name, old)

        return off

    def negotiation(app: StaticFilesMiddleware) -> Callable[[], None]:
        cached = devstatic.http.encoding._negotiate
        devstatic.http.encoding._negotiate = cached.__wrapped__  # type: ignore[assignment]
        return lambda: setattr(devstatic.http.encoding, "_negotiate", cached)

    def entries(app: StaticFilesMiddleware) -> Callable[[], None]:
        app.resolver.current = lambda entry: False  # type: ignore[method-assign]
        return lambda: None

    return {
        "all memos": lambda app: lambda: None,
        "no answer memo": answers,
        "no decision memo": constant(devstatic.serve.files, "DECISIONS_PER_FILE", 0),
        "no path memo": constant(devstatic.serve.middleware, "PATH_MEMO_BYTES", -1),
        "no negotiation cache": negotiation,
        "no resolver cache": entries,
    }


def make_app(root: Path) -> StaticFilesMiddleware:
    app = StaticFilesMiddleware(
        lambda *a: None,  # type: ignore[arg-type, return-value]
        settings=Settings(dirs=[root], debug=True, live_reload=False),
    )
    # Files written a moment ago would be racy (re-read on every request) for 2 s.
    app.resolver.clock = lambda: time.time_ns() + 10**10
    return app


async def one(app: StaticFilesMiddleware, path: str, headers: list[tuple[bytes, bytes]]) -> int:
    scope = {"type": "http", "method": "GET", "path": path, "raw_path": path.encode(),
             "headers": headers, "query_string": b""}  # fmt: skip
    status = 0

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        status = message.get("status", status)

    await app(scope, receive, send)
    return status


async def rate(app: StaticFilesMiddleware, case: Case, requests: int) -> float:
    _, path, headers = case
    # CPU time of the whole process (worker threads included), not wall time: the
    # machine is shared, and another process's load must not count against a memo.
    start = time.process_time()
    for _ in range(requests):
        await one(app, path, headers)
    return requests / (time.process_time() - start)


async def measure(rounds: int, requests: int) -> None:
    root = Path(tempfile.mkdtemp(prefix="bench-memos-"))
    (root / "site.css").write_bytes(CSS)
    (root / "app.css").write_bytes(CSS)
    (root / "app.css.br").write_bytes(CSS[:900])
    (root / "big.bin").write_bytes(b"x" * BIG)
    (root / "big.js").write_bytes(b"x" * BIG)
    (root / "big.js.br").write_bytes(b"y" * BIG)
    probe = make_app(root)
    await one(probe, "/static/site.css", [])
    etag = probe.resolver.hit("site.css").plain.etag.encode()  # type: ignore[union-attr]
    probe.resolver.close()
    browser = b"gzip, deflate, br, zstd"
    cases: list[Case] = [
        ("5 KiB 200", "/static/site.css", [(b"accept-encoding", browser)]),
        ("5 KiB 304", "/static/site.css", [(b"if-none-match", etag)]),
        ("br sibling 200", "/static/app.css", [(b"accept-encoding", browser)]),
        ("1 KiB Range of 2 MiB", "/static/big.bin", [(b"range", b"bytes=1000-2023")]),
        # Not kept whole (not in memory): negotiated, decided and read every time.
        (
            "1 KiB Range of 2 MiB .br",
            "/static/big.js",
            [(b"accept-encoding", browser), (b"range", b"bytes=1000-2023")],
        ),
    ]
    offs = switches()
    results: dict[tuple[str, str], list[float]] = {}
    for _ in range(rounds):
        for variant, off in offs.items():
            app = make_app(root)
            undo = off(app)
            try:
                for case in cases:
                    assert await one(app, case[1], case[2]) in (200, 206, 304)
                    await rate(app, case, requests // 10)  # warm
                    results.setdefault((variant, case[0]), []).append(
                        await rate(app, case, requests)
                    )
            finally:
                undo()
                app.resolver.close()
    print(f"| memo off | {' | '.join(case[0] for case in cases)} |")
    print(f"|---|{'---|' * len(cases)}")
    for variant in offs:
        cells = []
        for case in cases:
            median = statistics.median(results[variant, case[0]])
            base = statistics.median(results["all memos", case[0]])
            cells.append(f"{median:,.0f} ({median / base:.2f}x)")
        print(f"| {variant} | {' | '.join(cells)} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=5000)
    args = parser.parse_args()
    anyio.run(measure, args.rounds, args.requests)


if __name__ == "__main__":
    main()
