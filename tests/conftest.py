"""Suite-wide fixtures. Real-server helpers live in tests/support/."""

from __future__ import annotations

import os

import pytest

# A developer's own DEVSTATIC_DEBUG must not change what the tests see.
os.environ.pop("DEVSTATIC_DEBUG", None)


@pytest.fixture(autouse=True)
def _no_debug_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DEVSTATIC_DEBUG", raising=False)
