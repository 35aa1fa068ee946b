"""Under real servers, a refusal with ``add_middleware`` stops the server at startup.

Each case is a newcomer's first mistake in a FastAPI project: no debug, a typo'd key,
``static-url = "static"``, ``DEVSTATIC_DEBUG=maybe``. uvicorn must exit non-zero with our
one-line message under both ``--lifespan auto`` (its default) and ``--lifespan on``;
hypercorn and granian must stop too. With no lifespan at all (``--lifespan off``), every
request gets a 503 carrying the message, never a 500.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from integration_helpers import TESTS  # noqa: F401  (puts tests/ on sys.path)
from support.servers import free_port, stop_process, wait_for_port

from devstatic import Settings
from devstatic.config.debug_guard import REFUSAL

STARTUP_TIMEOUT = 60

MAIN = """\
from fastapi import FastAPI
from devstatic import StaticFilesMiddleware

app = FastAPI({debug})


@app.get("/")
def home():
    return {{"home": True}}


app.add_middleware(StaticFilesMiddleware, dirs=["static"])
"""

KNOWN_TOML = ", ".join(f.name.replace("_", "-") for f in dataclasses.fields(Settings))


def project(root: Path, case: str) -> tuple[dict[str, str], str]:
    """Writes the case's project under ``root``; its environment and expected message."""
    (root / "static").mkdir()
    env = {k: v for k, v in os.environ.items() if k != "DEVSTATIC_DEBUG"}
    env["PYTHONUNBUFFERED"] = "1"
    (root / "main.py").write_text(MAIN.format(debug="" if case == "no-debug" else "debug=True"))
    config = root / "pyproject.toml"
    if case == "typo":
        config.write_text('[tool.devstatic]\ndirz = ["static"]\n')
        return env, (
            f"Unknown devstatic setting 'dirz' (in [tool.devstatic] of {config}). "
            f"Did you mean 'dirs'? Known keys: {KNOWN_TOML}."
        )
    if case == "static-url":
        config.write_text('[tool.devstatic]\nstatic-url = "static"\n')
        return env, "static-url 'static' must start and end with '/': write '/static/'."
    if case == "env":
        env["DEVSTATIC_DEBUG"] = "maybe"
        return env, (
            "DEVSTATIC_DEBUG='maybe' is not a boolean. Set it to 1, true, yes or on to turn "
            "debug on, or 0, false, no or off to turn it off."
        )
    return env, REFUSAL


def run_server(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run a server that is expected to stop by itself at startup."""
    return subprocess.run(
        [sys.executable, "-m", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=STARTUP_TIMEOUT,
    )


CASES = ["no-debug", "typo", "static-url", "env"]


@pytest.mark.parametrize("lifespan", ["auto", "on"])
@pytest.mark.parametrize("case", CASES)
def test_uvicorn_exits_at_startup_with_our_message(
    tmp_path: Path, case: str, lifespan: str
) -> None:
    env, message = project(tmp_path, case)
    port = str(free_port())
    result = run_server(
        ["uvicorn", "main:app", "--port", port, "--lifespan", lifespan], tmp_path, env
    )
    log = result.stderr.splitlines()
    assert result.returncode == 3, result.stderr
    assert f"ERROR:    {message}" in log
    assert log[-1] == "ERROR:    Application startup failed. Exiting."
    assert "appears unsupported" not in result.stderr
    assert "Traceback" not in result.stderr


def test_hypercorn_stops_at_startup_with_our_message(tmp_path: Path) -> None:
    env, message = project(tmp_path, "no-debug")
    port = str(free_port())
    result = run_server(["hypercorn", "main:app", "-b", f"127.0.0.1:{port}"], tmp_path, env)
    # hypercorn's parent exits 0 even when its worker failed (pgjones/hypercorn#269):
    # the README says so. What matters here is that it stopped, saying why.
    assert f"Lifespan failure in startup. '{message}'" in result.stderr
    assert "Running on" not in result.stderr


def test_granian_exits_at_startup_with_our_message(tmp_path: Path) -> None:
    env, message = project(tmp_path, "no-debug")
    port = str(free_port())
    result = run_server(
        ["granian", "--interface", "asgi", "--port", port, "main:app"], tmp_path, env
    )
    assert result.returncode == 1, result.stdout
    assert f"[ERROR] {message}" in result.stdout.splitlines()  # granian logs to stdout


def test_hypercorn_without_workers_exits_non_zero(tmp_path: Path) -> None:
    env, message = project(tmp_path, "no-debug")
    port = str(free_port())
    result = run_server(
        ["hypercorn", "--workers", "0", "main:app", "-b", f"127.0.0.1:{port}"], tmp_path, env
    )
    assert result.returncode == 1
    assert f"Lifespan failure in startup. '{message}'" in result.stderr


@contextlib.contextmanager
def serving(args: list[str], cwd: Path, env: dict[str, str], port: int) -> Iterator[str]:
    """A server that stays up (it runs no lifespan); yields its URL, stops it after."""
    log = (cwd / "server.log").open("wb")
    proc = subprocess.Popen([sys.executable, "-m", *args], cwd=cwd, env=env, stdout=log, stderr=log)
    try:
        wait_for_port(port, proc, STARTUP_TIMEOUT)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop_process(proc)
        log.close()


NO_LIFESPAN = {
    "uvicorn-lifespan-off": ["uvicorn", "main:app", "--lifespan", "off", "--port", "{port}"],
    "granian-asginl": ["granian", "--interface", "asginl", "--port", "{port}", "main:app"],
    "daphne": ["daphne", "-b", "127.0.0.1", "-p", "{port}", "main:app"],
}


@pytest.mark.parametrize("server", list(NO_LIFESPAN))
def test_without_lifespan_routes_answer_503_with_the_message_never_500(
    tmp_path: Path, server: str
) -> None:
    env, message = project(tmp_path, "no-debug")
    port = free_port()
    args = [arg.format(port=port) for arg in NO_LIFESPAN[server]]
    with serving(args, tmp_path, env, port) as url:
        for path in ("/", "/docs", "/static/app.css"):
            response = httpx.get(url + path, timeout=10)
            assert response.status_code == 503
            assert response.text == message + "\n"
    log = (tmp_path / "server.log").read_text()
    assert log.count(message) == 1  # logged once, not per request
    assert "Traceback" not in log
