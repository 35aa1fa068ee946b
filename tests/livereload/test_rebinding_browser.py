"""A DNS rebinding replay in headless Chromium: ``attacker.test`` resolves to 127.0.0.1.

This is what a rebinding attack ends with: a page whose origin is the attacker's name,
served from the developer's machine, reading its own origin. The page is the wrapped
app's (any Host reaches it); the static files and live reload stream must refuse it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from support.host_app import CSS, write_host_app
from support.servers import free_port, require_program, run_uvicorn

#: A same-origin fetch from the page's own scripts: the status, and the body when not a stream.
PROBE = """async (path) => {
    const controller = new AbortController();
    const response = await fetch(path, {signal: controller.signal, cache: "no-store"});
    const body = path.endsWith("/events") ? "" : await response.text();
    controller.abort();
    return [response.status, body];
}"""

#: What the live reload client does: open the event stream and see whether it connects.
EVENT_SOURCE = """(path) => new Promise((resolve) => {
    const source = new EventSource(path);
    source.onopen = () => { source.close(); resolve("open"); };
    source.onerror = () => { source.close(); resolve("error"); };
})"""


@pytest.fixture(scope="module")
def port() -> int:
    return free_port()


@pytest.fixture(scope="module")
def browser(port: int) -> Iterator[Any]:
    chromium = require_program("chromium", "/usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    args = [
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--host-resolver-rules=MAP attacker.test 127.0.0.1",
    ]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=args)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="module")
def server(port: int, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = write_host_app(tmp_path_factory.mktemp("rebinding"))
    with run_uvicorn("hostapp:app", args=["--app-dir", str(folder)], port=port) as url:
        yield url


@pytest.fixture
def open_page(browser: Any, server: str) -> Iterator[Any]:
    context = browser.new_context()

    def open_at(origin: str) -> Any:
        page = context.new_page()
        response = page.goto(origin + "/")
        assert response is not None and response.status == 200
        return page

    try:
        yield open_at
    finally:
        context.close()


def test_a_rebound_page_cannot_read_static_files(open_page: Any, port: int) -> None:
    page = open_page(f"http://attacker.test:{port}")
    assert page.evaluate("location.host") == f"attacker.test:{port}"
    status, body = page.evaluate(PROBE, "/static/css/a.css")
    assert status == 403
    assert body.startswith(
        f"403 Forbidden: devstatic does not answer for the host 'attacker.test:{port}'."
    )
    assert CSS not in body


def test_a_rebound_page_cannot_load_the_live_reload_client_or_stream(
    open_page: Any, port: int
) -> None:
    page = open_page(f"http://attacker.test:{port}")
    assert page.evaluate(PROBE, "/static/__devstatic__/reload.js")[0] == 403
    assert page.evaluate(PROBE, "/static/__devstatic__/events")[0] == 403
    assert page.evaluate(EVENT_SOURCE, "/static/__devstatic__/events") == "error"


def test_the_same_page_at_localhost_reads_the_file_and_the_stream(
    open_page: Any, port: int
) -> None:
    page = open_page(f"http://localhost:{port}")
    assert page.evaluate(PROBE, "/static/css/a.css") == [200, CSS]
    assert page.evaluate(PROBE, "/static/__devstatic__/reload.js")[0] == 200
    assert page.evaluate(EVENT_SOURCE, "/static/__devstatic__/events") == "open"
