"""``python -m bench.big_tree [--files 100000] [--rounds 50]``: a ``node_modules``-sized tree.

A ``dirs`` entry often holds a ``node_modules``: this generates 100,000 files in 11,000
folders in a temporary directory (deleted after), serves it with the middleware in
process and reports construction, first response, a repeated hit, a 404 (the debug
page with its close matches), the process's RSS and its inotify watches. Requests go
through the ASGI interface directly, so the figures are devstatic's own cost, without a
server or a socket.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import resource
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

#: Subfolders of every package (10 of them, each with the same number of files).
SUBFOLDERS = ("dist", "lib", "esm", "cjs", "src", "types", "umd", "build", "es", "modules")
SYLLABLES = ("lo", "da", "sh", "re", "act", "vue", "ba", "bel", "core", "js", "es", "ify", "ts")


def word(rng: random.Random, parts: int) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(parts))


def generate(root: Path, files: int, seed: int = 1, *, dry: bool = False) -> tuple[list[str], int]:
    """Packages of 10 subfolders of 10 files each (1 + 10 folders per 100 files):
    100,000 files give 1,000 packages and 11,000 folders. The served names and the
    folder count; ``dry`` only names them (the tree is already there)."""
    rng = random.Random(seed)
    packages = max(1, files // (len(SUBFOLDERS) * 10))
    names: list[str] = []
    folders = 0
    used: set[str] = set()
    for _ in range(packages):
        package = word(rng, 3)
        while package in used:
            package = word(rng, 3) + str(rng.randrange(100))
        used.add(package)
        folders += 1
        for sub in SUBFOLDERS:
            folder = root / package / sub
            if not dry:
                folder.mkdir(parents=True)
            folders += 1
            for i in range(10):
                name = ("index" if i == 0 else word(rng, 2) + str(i)) + (".js", ".d.ts")[i % 2]
                if not dry:
                    (folder / name).write_bytes(b"export default 1;\n")
                names.append(f"{package}/{sub}/{name}")
    return names, folders


def rss_mib() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def watches(middleware: Any) -> int:
    feed = middleware.resolver._feed
    if feed is None:
        return 0
    with open(f"/proc/self/fdinfo/{feed.fd}") as info:
        return sum(1 for line in info if line.startswith("inotify wd:"))


async def request(app: Any, path: str) -> tuple[int, bytes]:
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "method": "GET",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "headers": [(b"host", b"localhost:8000"), (b"accept", b"*/*")],
        "server": ("127.0.0.1", 8000),
    }
    await app(scope, receive, send)
    return sent[0]["status"], b"".join(m.get("body", b"") for m in sent[1:])


def misses(names: list[str], rounds: int, seed: int = 2) -> list[tuple[str, str]]:
    """(missing path, the file it is near): source maps, typos and wrong folders."""
    rng = random.Random(seed)
    out: list[tuple[str, str]] = []
    for i in range(rounds):
        name = rng.choice(names)
        package, sub, file = name.split("/")
        kind = i % 4
        if kind == 0:
            missing = name + ".map"
        elif kind == 1:
            cut = rng.randrange(1, len(file) - 3)
            missing = f"{package}/{sub}/{file[:cut]}{file[cut + 1 :]}"
        elif kind == 2:
            other = next(s for s in SUBFOLDERS if s != sub)
            missing = f"{package}/{other}x/{file}"
        else:
            missing = f"{package[:-1]}/{sub}/{file}"
        out.append((missing, name))
    return out


async def measure(
    root: Path, names: list[str], rounds: int, *, batch: int = 2000
) -> dict[str, Any]:
    from devstatic import StaticFilesMiddleware

    async def app(scope: Any, receive: Any, send: Any) -> None:
        raise AssertionError("not reached")

    before = rss_mib()
    started = time.perf_counter()
    middleware = StaticFilesMiddleware(app, dirs=[root], debug=True, live_reload=False)
    construction = time.perf_counter() - started

    hit = "/static/" + names[len(names) // 2]
    started = time.perf_counter()
    status, _ = await request(middleware, hit)
    first = time.perf_counter() - started
    assert status == 200, status

    for _ in range(batch // 10):
        await request(middleware, hit)
    batches = []
    for _ in range(7):
        started = time.perf_counter()
        for _ in range(batch):
            await request(middleware, hit)
        batches.append((time.perf_counter() - started) / batch)

    times: list[float] = []
    cpu: list[float] = []
    found = 0
    for missing, near in misses(names, rounds):
        wall, usage = time.perf_counter(), resource.getrusage(resource.RUSAGE_SELF)
        status, body = await request(middleware, "/static/" + missing)
        after = resource.getrusage(resource.RUSAGE_SELF)
        times.append(time.perf_counter() - wall)
        cpu.append(after.ru_utime + after.ru_stime - usage.ru_utime - usage.ru_stime)
        assert status == 404, (missing, status)
        found += f"\n  {near}\n".encode() in body
    result = {
        "construction_s": construction,
        "first_response_s": first,
        "hit_us": statistics.median(batches) * 1e6,
        "notfound_ms_median": statistics.median(times) * 1e3,
        "notfound_ms_p90": sorted(times)[int(len(times) * 0.9) - 1] * 1e3,
        "notfound_ms_max": max(times) * 1e3,
        "notfound_cpu_ms_median": statistics.median(cpu) * 1e3,
        "suggested_the_file": f"{found}/{len(times)}",
        "rss_mib": rss_mib(),
        "rss_growth_mib": rss_mib() - before,
        "watches": watches(middleware),
    }
    middleware.resolver.close()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.big_tree", description=__doc__)
    parser.add_argument("--files", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=50, help="404 requests timed")
    parser.add_argument(
        "--dir", type=Path, help="generate the tree here once and keep it (default: a temp dir)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="devstatic-bigtree-") as tmp:
        root = (args.dir or Path(tmp)) / "node_modules"
        started = time.perf_counter()
        names, folders = generate(root, args.files, dry=root.exists())
        print(
            f"{len(names)} files in {folders} folders "
            f"({time.perf_counter() - started:.1f} s to generate, {root})"
        )
        os.sync()
        result = asyncio.run(measure(root, names, args.rounds))
    width = max(map(len, result))
    for key, value in result.items():
        shown = f"{value:.3f}" if isinstance(value, float) else str(value)
        print(f"{key:<{width}}  {shown}")


if __name__ == "__main__":
    main()
