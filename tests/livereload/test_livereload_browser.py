"""Live reload in a real browser: headless Chromium on a copy of the demo under uvicorn."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from livereload_support import Server
from support.servers import require_program

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
WAIT_MS = 15_000
CONNECTED = "() => window.__devstaticLiveReload && window.__devstaticLiveReload.connected"
GLOBAL_CSS = "demo/static/css/global.css"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    chromium = require_program("chromium", "/usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(browser: Any, demo_server: Server) -> Iterator[Any]:
    context = browser.new_context()
    page = context.new_page()
    page.goto(demo_server.url + "/")
    page.wait_for_function(CONNECTED, timeout=WAIT_MS)
    page.evaluate("window.marker = 'before'")
    try:
        yield page
    finally:
        context.close()


def h1_colour_is(colour: str) -> str:
    return f"() => getComputedStyle(document.querySelector('h1')).color === '{colour}'"


def test_css_change_restyles_the_page_without_reload_and_keeps_typed_text(
    page: Any, demo_copy: Path
) -> None:
    page.fill("#note", "typed before the change")
    css = demo_copy / GLOBAL_CSS
    css.write_text(css.read_text().replace("rgb(34, 34, 34)", "rgb(200, 10, 20)"))

    page.wait_for_function(h1_colour_is("rgb(200, 10, 20)"), timeout=WAIT_MS)
    assert page.evaluate("window.marker") == "before"
    assert page.input_value("#note") == "typed before the change"


def test_css_imported_two_levels_deep_restyles_the_page_without_reload(
    browser: Any, demo_copy: Path
) -> None:
    static = demo_copy / "demo" / "static" / "css"
    (static / "level2.css").write_text("h1 { color: rgb(1, 2, 3); }\n")
    (static / "level1.css").write_text('@import url("level2.css");\n')
    global_css = static / "global.css"
    global_css.write_text('@import "level1.css";\n' + global_css.read_text().split("h1 {")[0])
    server = Server(demo_copy)
    server.start()
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(server.url + "/")
        page.wait_for_function(CONNECTED, timeout=WAIT_MS)
        page.wait_for_function(h1_colour_is("rgb(1, 2, 3)"), timeout=WAIT_MS)
        page.evaluate("window.marker = 'before'")

        (static / "level2.css").write_text("h1 { color: rgb(4, 5, 6); }\n")

        page.wait_for_function(h1_colour_is("rgb(4, 5, 6)"), timeout=WAIT_MS)
        assert page.evaluate("window.marker") == "before"
    finally:
        context.close()
        server.stop()


def test_js_change_reloads_the_page(page: Any, demo_copy: Path) -> None:
    script = demo_copy / "demo" / "blog" / "static" / "blog" / "app.js"
    script.write_text(script.read_text().replace("blog/app.js loaded", "blog/app.js changed"))

    page.wait_for_function(
        "() => window.marker === undefined"
        " && document.getElementById('script-status').textContent === 'blog/app.js changed'",
        timeout=WAIT_MS,
    )


def test_server_restart_reconnects_and_reloads_the_page(page: Any, demo_server: Server) -> None:
    assert demo_server.stop() is not None
    page.wait_for_function(f"() => !({CONNECTED[6:]})", timeout=WAIT_MS)
    demo_server.start()

    page.wait_for_function(
        f"() => window.marker === undefined && ({CONNECTED[6:]})", timeout=WAIT_MS
    )
