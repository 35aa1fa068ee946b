"""A static_url outside ASCII is served however the client spells it in raw_path."""

from __future__ import annotations

from pathlib import Path

import httpx

from devstatic import Settings, StaticFilesMiddleware
from devstatic.serve.middleware import prefix_forms


async def app(scope: object, receive: object, send: object) -> None:
    raise AssertionError("static requests must not reach the app")


def test_an_ascii_prefix_has_one_form() -> None:
    assert prefix_forms("/static/") == (b"/static/",)


async def test_non_ascii_static_url_is_served_when_percent_encoded(tmp_path: Path) -> None:
    (tmp_path / "u.css").write_text("u {}")
    settings = Settings(dirs=[tmp_path], static_url="/stätic/", debug=True, live_reload=False)
    middleware = StaticFilesMiddleware(app, settings=settings)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=middleware), base_url="http://localhost"
    ) as client:
        # httpx, like a browser, percent-encodes the path it sends.
        response = await client.get("/stätic/u.css")
        assert response.status_code == 200
        assert response.text == "u {}"
        lower = await client.get("/st%c3%a4tic/u.css")
        assert lower.status_code == 200
