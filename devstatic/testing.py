"""Helpers for your own test suite: assert that your pages' static files load.

``static_client(app)`` wraps ``app`` with ``StaticFilesMiddleware`` (debug on, since
tests are development) and hands back an ``httpx.AsyncClient`` that talks to it
in-process, with no server and no port::

    async with static_client(app) as client:
        assert (await client.get("/static/css/global.css")).status_code == 200

httpx is the ``devstatic[testing]`` extra; it is imported only when this is used.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Unpack

from devstatic.config.settings import Settings, SettingsOverrides
from devstatic.serve.middleware import ASGIApp, StaticFilesMiddleware

if TYPE_CHECKING:
    import httpx

__all__ = ["build_static_client", "static_client"]

BASE_URL = "http://testserver"
#: The host of ``BASE_URL``, allowed on top of ``allowed_hosts`` as Django's test runner
#: adds it to ``ALLOWED_HOSTS``: a test client is no browser, so no rebinding to guard.
TEST_HOST = "testserver"


@contextlib.asynccontextmanager
async def static_client(
    app: ASGIApp, /, **overrides: Unpack[SettingsOverrides]
) -> AsyncIterator[httpx.AsyncClient]:
    """An ``httpx.AsyncClient`` (``base_url="http://testserver"``) over ``app`` + the middleware.

    ``overrides`` are ``Settings`` fields, applied on top of ``[tool.devstatic]`` of the
    nearest pyproject.toml, or on top of ``settings=`` when you pass one. Debug is on and
    live reload off unless you pass ``debug=False`` or ``live_reload=True`` yourself;
    the client's host ``testserver`` is allowed besides ``allowed_hosts``.
    """
    async with build_static_client(app, **overrides) as client:
        yield client


def build_static_client(
    app: ASGIApp, /, **overrides: Unpack[SettingsOverrides]
) -> httpx.AsyncClient:
    """The client ``static_client`` yields, built without entering it.

    Building needs no event loop, which lets the pytest fixture stay synchronous and so
    serve tests run by pytest-asyncio, anyio or trio alike.
    """
    try:
        import httpx
    except ImportError as exc:  # pragma: no cover - exercised without httpx installed
        raise ImportError(
            "devstatic.testing needs httpx: pip install 'devstatic[testing]'."
        ) from exc
    overrides.setdefault("debug", True)
    # A test has no browser to reload; a file watcher would only hold the test process up.
    overrides.setdefault("live_reload", False)
    given: Settings | None = overrides.pop("settings", None)  # type: ignore[typeddict-item]
    settings = Settings.load(**overrides) if given is None else given.replace(**overrides)
    if TEST_HOST not in settings.allowed_hosts:
        settings = settings.replace(allowed_hosts=(*settings.allowed_hosts, TEST_HOST))
    wrapped = StaticFilesMiddleware(app, settings=settings)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=wrapped), base_url=BASE_URL)
