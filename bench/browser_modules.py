"""A page of 1,111 ES modules in headless Chromium: cold load, reload, and is an edit seen?

``python -m bench.browser_modules [--rounds 3] [--quick]`` (``make bench-browser``)

The page names ``main.js`` through ``static()``; main imports 10 modules, each imports
10, each imports 10 leaves (fan 10, depth 3: 1,111 modules), and records
``performance.now()`` when it runs: the time from navigation start until every module
has loaded and run. Each server serves its own copy of the tree, its files dated a day
back as a project's files are. Per round, in rotated order, each server gets a fresh
browser context and: a cold load, a reload (the median of ``RELOADS``), then an edit
of one leaf and one reload, and whether that reload ran the new code.

Servers: devstatic with hashed URLs, devstatic with plain names, Starlette StaticFiles,
ServeStatic (autorefresh) under the same uvicorn, and nginx (one worker). Targets:
devstatic hashed reload ≤ 1.0x nginx's with the edit seen, cold ≤ 1.2x nginx's.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import Browser, sync_playwright

from bench.servers import Server, _pin_server, free_port, nginx_binary, start_uvicorn, wait_for_port

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run"]
FAN = 10
RELOADS = 3
DAY = 86_400
SERVERS = ("devstatic-hashed", "devstatic-plain", "starlette", "servestatic-autorefresh", "nginx")
WAIT_MS = 60_000
DONE = "() => window.__doneAt !== undefined"


def module_tree(root: Path, fan: int = FAN) -> int:
    """Write the graph under ``root/static/js``; returns how many modules it has."""
    js = root / "static" / "js"
    count = 0

    def write(name: str, text: str) -> None:
        nonlocal count
        path = js / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        count += 1

    def imports(children: list[str]) -> str:
        return "".join(f'import {{ v as v{i} }} from "./{c}";\n' for i, c in enumerate(children))

    def total(children: list[str]) -> str:
        return " + ".join(f"v{i}" for i in range(len(children)))

    level1 = [f"a{i}.js" for i in range(fan)]
    for i in range(fan):
        level2 = [f"b/{i}_{j}.js" for j in range(fan)]
        for j in range(fan):
            leaves = [f"{i}_{j}_{k}.js" for k in range(fan)]
            for leaf in leaves:
                write(f"b/c/{leaf}", "export const v = 1;\n")
            write(
                level2[j],
                imports([f"c/{leaf}" for leaf in leaves]) + f"export const v = {total(leaves)};\n",
            )
        write(level1[i], imports(level2) + f"export const v = {total(level2)};\n")
    write(
        "main.js",
        imports(level1)
        + f"document.body.dataset.sum = String({total(level1)});\n"
        + "window.__doneAt = performance.now();\n",
    )
    past = time.time() - DAY
    for path in root.rglob("*"):
        os.utime(path, (past, past))
    return count


def edit_leaf(root: Path, value: int) -> None:
    """Give the first leaf ``value``: the page's sum becomes ``FAN**3 - 1 + value``."""
    (root / "static" / "js" / "b" / "c" / "0_0_0.js").write_text(f"export const v = {value};\n")


def nginx_conf(prefix: Path, port: int, root: Path) -> str:
    return f"""
worker_processes 1;
daemon off;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    types {{ text/html html; text/javascript js; }}
    server {{
        listen 127.0.0.1:{port};
        location = / {{ rewrite ^ /index.html last; }}
        location = /index.html {{ root {root}; add_header Cache-Control no-cache; }}
        location /static/ {{ alias {root}/static/; }}
    }}
}}
"""


def start_nginx(root: Path) -> Server:
    binary = nginx_binary()
    if binary is None:
        raise SystemExit("nginx is not installed (make system-deps)")
    (root / "index.html").write_text(
        '<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,">'
        '</head><body><script type="module" src="/static/js/main.js"></script></body></html>'
    )
    prefix = Path(tempfile.mkdtemp(prefix="bench-nginx-modules-"))
    port = free_port()
    conf = prefix / "nginx.conf"
    conf.write_text(nginx_conf(prefix, port, root))
    proc = subprocess.Popen(
        [binary, "-p", str(prefix), "-c", str(conf), "-e", str(prefix / "error.log")],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        preexec_fn=_pin_server,
    )
    wait_for_port(port, proc)
    return Server("nginx", f"http://127.0.0.1:{port}", proc)


def start(name: str, root: Path) -> Server:
    if name == "nginx":
        return start_nginx(root)
    kind = {"devstatic-hashed": "hashed", "devstatic-plain": "plain"}.get(name, name.split("-")[0])
    env = {"BENCH_MODULES_KIND": kind, "BENCH_MODULES_ROOT": str(root)}
    server = start_uvicorn(name, "bench.apps.modules_app:app", env)
    wait_for_port(int(server.url.rsplit(":", 1)[1]), server.proc)
    return server


def measure(
    browser: Browser, server: Server, root: Path, expected: int, edit: int
) -> dict[str, float | bool]:
    """One round for one server: cold, reload (median), and an edit seen after one reload."""
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(server.url + "/")
        page.wait_for_function(DONE, timeout=WAIT_MS)
        assert page.evaluate("document.body.dataset.sum") == str(expected), server.name
        cold = page.evaluate("window.__doneAt")
        reloads = []
        for _ in range(RELOADS):
            page.reload()
            page.wait_for_function(DONE, timeout=WAIT_MS)
            reloads.append(page.evaluate("window.__doneAt"))
        edit_leaf(root, edit)
        page.reload()
        page.wait_for_function(DONE, timeout=WAIT_MS)
        seen = page.evaluate("document.body.dataset.sum") == str(FAN**3 - 1 + edit)
    finally:
        context.close()
        # Back to a day old, as a project's files are before the next round's edit (a
        # file changed seconds ago gets no heuristic freshness from a browser).
        past = time.time() - DAY
        os.utime(root / "static" / "js" / "b" / "c" / "0_0_0.js", (past, past))
    return {"cold": cold, "reload": statistics.median(reloads), "seen": seen}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="one round")
    parser.add_argument("--servers", nargs="*", default=list(SERVERS), choices=SERVERS)
    args = parser.parse_args()
    chosen = tuple(args.servers)
    rounds = 1 if args.quick else args.rounds
    work = Path(tempfile.mkdtemp(prefix="bench-modules-"))
    work.chmod(0o755)  # nginx's worker runs as another user
    roots = {name: work / name for name in chosen}
    count = 0
    for root in roots.values():
        count = module_tree(root)
    servers = {}
    try:
        for name in chosen:
            servers[name] = start(name, roots[name])
        results: dict[str, list[dict[str, float | bool]]] = {name: [] for name in chosen}
        value = 1
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                for round_ in range(rounds):
                    order = chosen[round_ % len(chosen) :] + chosen[: round_ % len(chosen)]
                    for name in order:
                        print(f"round {round_ + 1}/{rounds}: {name}", file=sys.stderr, flush=True)
                        expected = FAN**3 - 1 + value
                        result = measure(browser, servers[name], roots[name], expected, value + 1)
                        print(f"  {result}", file=sys.stderr, flush=True)
                        results[name].append(result)
                    value += 1
            finally:
                browser.close()
    finally:
        for server in servers.values():
            server.stop()
        shutil.rmtree(work, ignore_errors=True)
    print(report(results, count, rounds))


def report(results: dict[str, list[dict[str, float | bool]]], count: int, rounds: int) -> str:
    def med(name: str, key: str) -> float:
        return statistics.median(float(r[key]) for r in results[name])

    lines = [
        f"## Browser: a page of {count:,} ES modules (fan {FAN}, depth 3)",
        "",
        f"Headless Chromium, median of {rounds} interleaved rounds (reload: median of "
        f"{RELOADS} per round); `python -m bench.browser_modules`.",
        "",
        "| server | cold load | reload | vs nginx (cold / reload) | edit seen after one reload |",
        "|---|---:|---:|---:|---|",
    ]
    if "nginx" not in results or "devstatic-hashed" not in results:
        return "\n".join(
            f"{name}: cold {med(name, 'cold'):,.0f} ms, reload {med(name, 'reload'):,.0f} ms, "
            f"seen {[r['seen'] for r in results[name]]}"
            for name in results
        )
    nginx_cold, nginx_reload = med("nginx", "cold"), med("nginx", "reload")
    for name in results:
        seen = [bool(r["seen"]) for r in results[name]]
        verdict = (
            "yes" if all(seen) else ("**no, stale code runs**" if not any(seen) else "sometimes")
        )
        cold, reload_ = med(name, "cold"), med(name, "reload")
        lines.append(
            f"| {name} | {cold:,.0f} ms | {reload_:,.0f} ms | "
            f"{cold / nginx_cold:.2f}x / {reload_ / nginx_reload:.2f}x | {verdict} |"
        )
    hashed_seen = all(bool(r["seen"]) for r in results["devstatic-hashed"])

    def ratio(key: str) -> tuple[float, float]:
        """Median of the per-round ratios (paired: same round), and the ratio of medians."""
        pairs = zip(results["devstatic-hashed"], results["nginx"], strict=True)
        paired = statistics.median(float(h[key]) / float(n[key]) for h, n in pairs)
        return paired, med("devstatic-hashed", key) / med("nginx", key)

    reload_ratio, reload_of_medians = ratio("reload")
    cold_ratio, cold_of_medians = ratio("cold")
    lines += [
        "",
        "| target | ratio (median of per-round ratios) | goal | met |",
        "|---|---|---|---|",
        f"| hashed reload vs nginx, edit seen | {reload_ratio:.2f}x (ratio of medians "
        f"{reload_of_medians:.2f}x), {'seen' if hashed_seen else 'NOT seen'} | ≤ 1.0x, seen | "
        f"{'yes' if reload_ratio <= 1.0 and hashed_seen else 'no'} |",
        f"| hashed cold vs nginx | {cold_ratio:.2f}x (ratio of medians {cold_of_medians:.2f}x)"
        f" | ≤ 1.2x | {'yes' if cold_ratio <= 1.2 else 'no'} |",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
