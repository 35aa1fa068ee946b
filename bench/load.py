"""Generating load: ``wrk`` for request rates, ``curl`` for the big download, and a
``psutil`` sampler for the server's peak resident memory."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass

import psutil

from bench.servers import CLIENT_CPUS


def _pin_client() -> None:
    if CLIENT_CPUS:
        os.sched_setaffinity(0, CLIENT_CPUS)


@dataclass
class WrkResult:
    requests_per_second: float
    requests: int
    errors: int


_RPS = re.compile(r"Requests/sec:\s+([\d.]+)")
_TOTAL = re.compile(r"(\d+) requests in")
_NON2XX = re.compile(r"Non-2xx or 3xx responses:\s+(\d+)")
_SOCKET = re.compile(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")


def wrk_binary() -> str | None:
    return shutil.which("wrk")


def run_wrk(url: str, headers: dict[str, str], seconds: float, connections: int) -> WrkResult:
    """One ``wrk`` run (one thread, on the client CPU); errors counted, not hidden."""
    binary = wrk_binary()
    assert binary is not None
    cmd = [binary, "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--timeout", "30s"]
    for key, value in headers.items():
        cmd += ["-H", f"{key}: {value}"]
    out = subprocess.run(
        [*cmd, url], capture_output=True, text=True, check=True, preexec_fn=_pin_client
    ).stdout
    rps = _RPS.search(out)
    total = _TOTAL.search(out)
    errors = 0
    if m := _NON2XX.search(out):
        errors += int(m.group(1))
    if m := _SOCKET.search(out):
        errors += sum(int(g) for g in m.groups())
    return WrkResult(
        float(rps.group(1)) if rps else 0.0, int(total.group(1)) if total else 0, errors
    )


@dataclass
class Download:
    mib_per_second: float
    status: int
    size: int


def run_curl(url: str) -> Download:
    """Download ``url`` once to /dev/null; curl's own timing, on the client CPU."""
    out = subprocess.run(
        ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code} %{size_download} %{time_total}", url],
        capture_output=True,
        text=True,
        check=True,
        preexec_fn=_pin_client,
    ).stdout.split()
    status, size, seconds = int(out[0]), int(out[1]), float(out[2])
    return Download(size / (1024 * 1024) / seconds if seconds else 0.0, status, size)


class PeakRss:
    """Samples the resident memory of a process and its children every few ms."""

    def __init__(self, pid: int, interval: float = 0.005) -> None:
        self.process = psutil.Process(pid)
        self.interval = interval
        self.baseline = self._rss()
        self.peak = self.baseline
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _rss(self) -> int:
        total = self.process.memory_info().rss
        for child in self.process.children(recursive=True):
            try:
                total += child.memory_info().rss
            except psutil.NoSuchProcess:
                continue
        return total

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.peak = max(self.peak, self._rss())
            except psutil.NoSuchProcess:
                return
            time.sleep(self.interval)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def growth_mib(self) -> float:
        return (self.peak - self.baseline) / (1024 * 1024)
