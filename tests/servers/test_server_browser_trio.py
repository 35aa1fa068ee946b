"""reload.js on trio: headless Chromium on the demo under ``hypercorn -k trio``."""

from __future__ import annotations

from pathlib import Path

from matrix_support import KINDS, Running, demo_site
from support.servers import require_program

CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run"]
WAIT_MS = 15_000
CONNECTED = "() => window.__devstaticLiveReload && window.__devstaticLiveReload.connected"
H1_RED = "() => getComputedStyle(document.querySelector('h1')).color === 'rgb(200, 10, 20)'"


def test_a_stylesheet_edit_restyles_the_page_in_place_on_trio(tmp_path: Path) -> None:
    chromium = require_program("chromium", "/usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    trio = next(kind for kind in KINDS if kind.name == "hypercorn-trio")
    server = Running(trio, demo_site(tmp_path, b""))
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            try:
                page = browser.new_page()
                page.goto(server.url + "/")
                page.wait_for_function(CONNECTED, timeout=WAIT_MS)
                page.evaluate("window.marker = 'before'")
                css = server.cwd / "demo/static/css/global.css"
                css.write_text(css.read_text().replace("rgb(34, 34, 34)", "rgb(200, 10, 20)"))

                page.wait_for_function(H1_RED, timeout=WAIT_MS)
                assert page.evaluate("window.marker") == "before"  # swapped, not reloaded
            finally:
                browser.close()
    finally:
        server.kill()
