"""Live reload with hashed URLs in headless Chromium: what the browser fetches after an edit."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hashed_helpers import write_tree
from support.servers import require_program, run_uvicorn

HERE = Path(__file__).resolve().parent
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run"]
WAIT_MS = 15_000
CONNECTED = "() => window.__devstaticLiveReload && window.__devstaticLiveReload.connected"
MIDS, LEAVES = 9, 10  # main + 9 modules + 90 leaves = 100 modules


def module_graph() -> dict[str, str]:
    """main.js imports m0..m8, each imports its 10 leaves; main shows the leaves' sum."""
    files = {}
    names = [f"v{i}" for i in range(MIDS)]
    files["js/main.js"] = (
        "".join(f'import {{ v as {n} }} from "./m{i}.js";\n' for i, n in enumerate(names))
        + f"document.body.dataset.sum = String({' + '.join(names)});\n"
    )
    for i in range(MIDS):
        leaves = [f"l{j}" for j in range(LEAVES)]
        files[f"js/m{i}.js"] = (
            "".join(
                f'import {{ v as {n} }} from "./leaf/m{i}_{j}.js";\n' for j, n in enumerate(leaves)
            )
            + f"export const v = {' + '.join(leaves)};\n"
        )
        for j in range(LEAVES):
            files[f"js/leaf/m{i}_{j}.js"] = "export const v = 1;\n"
    return files


TREE = {
    **module_graph(),
    "css/app.css": '@import "base.css";\n',
    "css/base.css": "h1 { color: rgb(10, 20, 30); }\n",
}


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
def site(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    write_tree(tmp_path / "static", TREE)
    env = {
        "HASHED_ROOT": str(tmp_path),
        "PYTHONPATH": os.pathsep.join(
            [
                str(HERE),
                *(os.path.abspath(p) for p in os.environ.get("PYTHONPATH", "").split(":") if p),
            ]
        ),
    }
    with run_uvicorn("hashed_browser_app:app", cwd=tmp_path, env=env) as url:
        yield url, tmp_path / "static"


class NetworkLog:
    """What came over the network, from Chromium's own events (cache hits excluded)."""

    def __init__(self, context: Any, page: Any) -> None:
        self.fetched: list[str] = []
        self._cached: set[str] = set()
        session = context.new_cdp_session(page)
        session.on("Network.requestServedFromCache", self._served_from_cache)
        session.on("Network.responseReceived", self._response)
        session.send("Network.enable")

    def _served_from_cache(self, event: dict[str, Any]) -> None:
        self._cached.add(event["requestId"])

    def _response(self, event: dict[str, Any]) -> None:
        response = event["response"]
        if event["requestId"] in self._cached or response.get("fromDiskCache"):
            return
        self.fetched.append(response["url"])

    def paths(self, base: str) -> list[str]:
        """Fetched paths, without live reload's own client and stream."""
        return sorted(
            url.removeprefix(base) for url in self.fetched if "/__devstatic__/" not in url
        )


def test_editing_one_leaf_refetches_only_the_page_and_the_renamed_chain(
    browser: Any, site: tuple[str, Path]
) -> None:
    url, static = site
    context = browser.new_context()
    try:
        page = context.new_page()
        log = NetworkLog(context, page)
        page.goto(url + "/")
        page.wait_for_function(CONNECTED, timeout=WAIT_MS)
        page.wait_for_function("() => document.body.dataset.sum === '90'", timeout=WAIT_MS)
        first = log.paths(url)
        assert len([p for p in first if p.endswith(".js")]) == 100
        log.fetched.clear()

        (static / "js" / "leaf" / "m4_7.js").write_text("export const v = 1001;\n")
        page.wait_for_function("() => document.body.dataset.sum === '1090'", timeout=WAIT_MS)
        fetched = log.paths(url)
    finally:
        context.close()
    plain = sorted(p.split(".")[0] + ".js" if p != "/" else p for p in fetched)
    assert plain == ["/", "/static/js/leaf/m4_7.js", "/static/js/m4.js", "/static/js/main.js"]
    assert all(p == "/" or p not in first for p in fetched)  # new names, not revalidations


def test_a_changed_stylesheet_is_swapped_under_its_new_hashed_name(
    browser: Any, site: tuple[str, Path]
) -> None:
    url, static = site
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(url + "/")
        page.wait_for_function(CONNECTED, timeout=WAIT_MS)
        page.evaluate("window.marker = 'before'")
        page.fill("#note", "typed")
        old_href = page.evaluate("document.querySelector('link[rel=stylesheet]').href")

        (static / "css" / "base.css").write_text("h1 { color: rgb(200, 10, 20); }\n")
        page.wait_for_function(
            "() => getComputedStyle(document.querySelector('h1')).color === 'rgb(200, 10, 20)'",
            timeout=WAIT_MS,
        )
        new_href = page.evaluate("document.querySelector('link[rel=stylesheet]').href")
        assert page.evaluate("window.marker") == "before"
        assert page.input_value("#note") == "typed"
    finally:
        context.close()
    assert new_href != old_href
    assert new_href.startswith(url + "/static/css/app.")
    assert "?" not in new_href
