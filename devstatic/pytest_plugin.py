"""The ``static_client`` pytest fixture (registered through the ``pytest11`` entry point).

It builds on *your* ``app`` fixture, so a test suite that has none is not affected:
pytest resolves ``app`` only when a test asks for ``static_client``. httpx is imported
only when the fixture runs, never when pytest loads this plugin.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    import httpx


@pytest.fixture
def static_client(app: Any) -> Iterator[httpx.AsyncClient]:
    """An ``httpx.AsyncClient`` over your ``app`` fixture wrapped with devstatic (debug on).

    The fixture itself is synchronous (the in-process transport needs no event loop to
    be built, and holds nothing that needs closing), so it works in tests run by
    pytest-asyncio, anyio or trio: ``await static_client.get("/static/css/global.css")``.
    """
    from devstatic.testing import build_static_client

    yield build_static_client(app)
