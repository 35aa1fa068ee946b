"""The import map in a real browser: headless Chromium loads a page whose module imports
a bare specifier and relative modules, through a real uvicorn.

- development: plain names, served from the sources by the middleware;
- production: after collectstatic with ``js-imports = "importmap"`` and ``integrity``,
  the collected folder served by the middleware with ``insecure=True``, or by a stock
  nginx with ``devstatic nginx``'s block (pages proxied to uvicorn); every module the
  browser fetches is a hashed name, and a tampered file is refused.

Hashed names in development (``hashed_urls``, issue 14) are not covered here yet.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from support.nginx import nginx_binary, run_nginx
from support.servers import require_program, run_uvicorn

from devstatic import Settings
from devstatic.collect.collector import CollectOptions, collect
from devstatic.collect.nginx import nginx_block
from devstatic.storage import get_storage

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
RESULT = "() => document.body && document.body.dataset.result !== undefined"

MODULES = {
    "js/app.js": 'import { html } from "lit";\nimport { greet } from "./util.js";\n'
    'import "./lib/side.js";\ndocument.body.dataset.result = greet(html) + " " + window.side;\n',
    "js/util.js": 'import { deep } from "./lib/deep.js";\n'
    'export const greet = (x) => "hello " + x + deep;\n',
    "js/lib/side.js": 'import "../util.js";\nwindow.side = "side";\n',
    "js/lib/deep.js": 'export const deep = "!";\n',
    "vendor/lit/index.js": 'export * from "./html.js";\n',
    "vendor/lit/html.js": 'export const html = "lit";\n',
}
IMPORTMAP = {"imports": {"lit": "vendor/lit/index.js"}, "preload": ["js/app.js"]}
LOADED = "hello lit! side"

APP = """
import json
import os

from devstatic import Settings, StaticFilesMiddleware, importmap, static

config = json.loads(os.environ["IMPORTMAP_BROWSER_CONFIG"])
page_settings = Settings(**config["page"])
served_settings = Settings(**config["served"])


async def page(scope, receive, send):
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            else:
                await send({"type": "lifespan.shutdown.complete"})
                return
    body = (
        "<!doctype html><html><head>" + importmap(page_settings) + "</head><body>"
        '<script type="module" src="' + static("js/app.js", page_settings) + '" '
        "onerror=\\"document.body.dataset.result = 'error'\\"></script></body></html>"
    ).encode()
    headers = [(b"content-type", b"text/html; charset=utf-8")]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})


app = StaticFilesMiddleware(page, settings=served_settings)
"""


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


def write_sources(tmp_path: Path) -> Path:
    source = tmp_path / "src"
    for name, text in MODULES.items():
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        (source / name).write_text(text)
    (tmp_path / "browser_site.py").write_text(APP)
    return source


def serve(tmp_path: Path, page: dict[str, Any], served: dict[str, Any]) -> Any:
    env = {"IMPORTMAP_BROWSER_CONFIG": json.dumps({"page": page, "served": served})}
    return run_uvicorn("browser_site:app", cwd=tmp_path, env=env)


class Visit:
    """One page load in a fresh browser context: the result, the URLs fetched, the console."""

    def __init__(self, browser: Any, url: str) -> None:
        context = browser.new_context()
        try:
            page = context.new_page()
            self.requests: list[str] = []
            self.statuses: dict[str, int] = {}
            self.console: list[str] = []
            page.on("request", lambda request: self.requests.append(request.url))
            page.on("response", lambda r: self.statuses.__setitem__(r.url, r.status))
            page.on("console", lambda message: self.console.append(message.text))
            page.goto(url)
            page.wait_for_function(RESULT, timeout=WAIT_MS)
            self.result: str = page.evaluate("document.body.dataset.result")
        finally:
            context.close()

    def scripts(self) -> list[str]:
        return sorted({url.split("/static/", 1)[1] for url in self.requests if url.endswith(".js")})


@pytest.mark.parametrize("options", [{}, {"integrity": "sha384"}], ids=["plain", "integrity"])
def test_development_page_imports_a_bare_specifier_and_relative_modules(
    browser: Any, tmp_path: Path, options: dict[str, str]
) -> None:
    source = write_sources(tmp_path)
    settings = {
        "dirs": [str(source)],
        "storage": "devstatic.storage.ManifestStaticFilesStorage",
        "storage_options": options,
        "importmap": IMPORTMAP,
        "debug": True,
        "live_reload": False,
        "hashed_urls": False,  # plain development URLs (tests/links/hashed covers hashed ones)
    }
    with serve(tmp_path, settings, settings) as base:
        visit = Visit(browser, base + "/")
        if options:  # the values come from the sources, which the browser checks
            (source / "js" / "lib" / "deep.js").write_text('export const deep = "?";\n')
            edited = Visit(browser, base + "/")
            assert edited.result == "hello lit? side"
    assert visit.result == LOADED
    assert visit.scripts() == sorted(MODULES)


@dataclass
class Production:
    """collectstatic done: the page's settings (debug off), the manifest's paths, and
    ``serve()``: the page from uvicorn and the collected folder from ``server``."""

    tmp_path: Path
    page: dict[str, Any]
    paths: dict[str, str]
    server: str

    @contextlib.contextmanager
    def serve(self) -> Iterator[str]:
        root = self.tmp_path / "out"
        if self.server == "middleware":  # the collected folder, served insecurely
            served = {"dirs": [str(root)], "debug": False, "insecure": True}
            with serve(self.tmp_path, self.page, served) as base:
                yield base
            return
        # A stock nginx with `devstatic nginx`'s block, proxying pages to uvicorn.
        block = nginx_block(Settings(**self.page))
        with serve(self.tmp_path, self.page, {"debug": False, "insecure": True}) as app:
            proxy = f"        location / {{ proxy_pass {app}; }}\n"
            nginx_tmp = self.tmp_path / "nginx"
            nginx_tmp.mkdir(exist_ok=True)
            with run_nginx(nginx_tmp, proxy + block) as base:
                yield base


@pytest.fixture(params=["middleware", "nginx"])
def production(request: pytest.FixtureRequest, tmp_path: Path) -> Production:
    if request.param == "nginx":
        nginx_binary()
    source = write_sources(tmp_path)
    page: dict[str, Any] = {
        "dirs": [str(source)],
        "static_root": str(tmp_path / "out"),
        "storage": "devstatic.storage.ManifestStaticFilesStorage",
        "storage_options": {"js-imports": "importmap", "integrity": "sha384"},
        "importmap": IMPORTMAP,
        "debug": False,
    }
    settings = Settings(**page)
    collect(settings, get_storage(settings), options=CollectOptions())
    paths = json.loads((tmp_path / "out" / "staticfiles.json").read_bytes())["paths"]
    return Production(tmp_path, page, paths, request.param)


def test_production_page_loads_every_module_under_its_hashed_name(
    browser: Any, production: Production
) -> None:
    with production.serve() as base:
        visit = Visit(browser, base + "/")
    assert visit.result == LOADED
    assert visit.scripts() == sorted(production.paths[name] for name in MODULES)
    assert all(re.search(r"\.[0-9a-f]{12}\.js$", url) for url in visit.scripts())


def test_production_page_refuses_a_tampered_module(browser: Any, production: Production) -> None:
    deep = production.paths["js/lib/deep.js"]
    with production.serve() as base:
        assert Visit(browser, base + "/").result == LOADED
        (production.tmp_path / "out" / deep).write_text('export const deep = "?";\n')
        visit = Visit(browser, base + "/")
    assert visit.result == "error"
    assert visit.statuses[f"{base}/static/{deep}"] == 200  # served, then refused
    assert any("integrity" in line and deep in line for line in visit.console)
