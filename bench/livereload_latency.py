"""Live reload, measured: save a stylesheet, see it in the browser; idle cost of open pages.

``python -m bench.livereload_latency [--samples 20] [--idle 60] [--split]``

1. Latency: a copy of the demo under uvicorn, one headless Chromium page. For each
   sample the page is told which colour to wait for; the time of the write is taken
   just before ``global.css`` is rewritten with that colour for ``h1``, and the page
   records when ``getComputedStyle(h1).color`` first shows it (checked on every
   stylesheet ``load`` event and on each animation frame). Both clocks are the same
   wall clock (``time.time()`` and ``performance.timeOrigin + performance.now()``).
   Median, 90th percentile and max of ``--samples`` (target: median at most 30 ms).
2. Idle cost: three pages with the reload script open, nothing changing, for
   ``--idle`` seconds; the server process's CPU time (user + system, psutil) before
   and after.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
from playwright.sync_api import Page, sync_playwright

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PYPROJECT = """\
[tool.devstatic]
static-url = "/static/"
dirs = ["demo/static"]
packages = ["demo.blog"]
debug = true
"""
CONNECTED = "() => window.__devstaticLiveReload && window.__devstaticLiveReload.connected"
# Resolves with the wall-clock time (ms) at which h1 first has the wanted colour.
WAIT_FOR_COLOUR = """target => {
  const h1 = document.querySelector('h1');
  window.__eventSeen = 0;
  document.addEventListener('devstatic:css', () => {
    window.__eventSeen = window.__eventSeen || performance.timeOrigin + performance.now();
  }, { once: true });
  window.__colourSeen = new Promise(resolve => {
    const check = () => {
      if (getComputedStyle(h1).color === target) {
        resolve(performance.timeOrigin + performance.now());
        return true;
      }
      return false;
    };
    document.addEventListener('load', check, true);
    const frame = () => { if (!check()) requestAnimationFrame(frame); };
    requestAnimationFrame(frame);
  });
}"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_for_port(port: int, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), 0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"uvicorn did not listen on 127.0.0.1:{port} within {timeout}s")


def copy_demo(target: Path) -> None:
    ignore = shutil.ignore_patterns("__pycache__", "collected")
    shutil.copytree(REPO / "demo", target / "demo", ignore=ignore)
    (target / "pyproject.toml").write_text(PYPROJECT)


def measure_latency(page: Page, css: Path, samples: int, *, split: bool) -> list[float]:
    original = css.read_text()
    latencies: list[float] = []
    for i in range(samples + 2):  # two warm-up rounds, not counted
        colour = f"rgb({i + 1}, 100, 200)"
        page.evaluate(WAIT_FOR_COLOUR, colour)
        written = time.time() * 1000
        css.write_text(original.replace("rgb(34, 34, 34)", colour))
        seen = page.evaluate("window.__colourSeen")
        if i >= 2:
            latencies.append(seen - written)
            if split:
                event = page.evaluate("window.__eventSeen")
                print(
                    f"  write->event {event - written:.1f} ms, event->style {seen - event:.1f} ms"
                )
        time.sleep(0.2)  # let this burst end before the next write
    css.write_text(original)
    return latencies


def measure_idle_cpu(server: psutil.Process, seconds: float) -> float:
    before = server.cpu_times()
    time.sleep(seconds)
    after = server.cpu_times()
    return (after.user - before.user) + (after.system - before.system)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=20)
    parser.add_argument("--idle", type=float, default=60.0, help="seconds with 3 idle pages")
    parser.add_argument(
        "--split", action="store_true", help="print write->event and event->style per sample"
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp)
        copy_demo(site)
        port = free_port()
        # This checkout's devstatic, whatever the venv's editable install points at.
        path = os.pathsep.join([str(site), str(REPO)])
        env = {**os.environ, "PYTHONPATH": path, "PYTHONUNBUFFERED": "1"}
        env.pop("DEVSTATIC_DEBUG", None)
        cmd = [sys.executable, "-m", "uvicorn", "demo:app", "--host", "127.0.0.1"]
        proc = subprocess.Popen(
            [*cmd, "--port", str(port), "--no-access-log", "--log-level", "warning"],
            cwd=site,
            env=env,
        )
        try:
            wait_for_port(port)
            url = f"http://127.0.0.1:{port}/"
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                context = browser.new_context()
                pages = [context.new_page() for _ in range(3)]
                for page in pages:
                    page.goto(url)
                    page.wait_for_function(CONNECTED, timeout=15_000)

                css = site / "demo" / "static" / "css" / "global.css"
                latencies = measure_latency(pages[0], css, args.samples, split=args.split)
                time.sleep(1.0)  # the last change's reloads and fetches settle
                cpu = measure_idle_cpu(psutil.Process(proc.pid), args.idle)
                still_connected = all(page.evaluate(CONNECTED) for page in pages)
                browser.close()
        finally:
            proc.terminate()
            proc.wait(10)

    median = statistics.median(latencies)
    p90 = statistics.quantiles(latencies, n=10)[-1] if len(latencies) > 1 else latencies[0]
    print(f"live reload, CSS write -> new computed style in Chromium ({len(latencies)} samples):")
    print(
        f"  median {median:.1f} ms   p90 {p90:.1f} ms   min {min(latencies):.1f} ms"
        f"   max {max(latencies):.1f} ms   target <= 30 ms: {'met' if median <= 30 else 'NOT met'}"
    )
    print(f"idle: 3 pages with the reload script open for {args.idle:.0f} s, nothing changing:")
    print(
        f"  server CPU {cpu * 1000:.0f} ms ({cpu / args.idle * 100:.3f} % of one core)"
        f"   streams still open: {still_connected}"
    )


if __name__ == "__main__":
    main()
