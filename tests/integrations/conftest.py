"""Integration tests run from an empty folder, so the repo's [tool.devstatic] stays out."""

from __future__ import annotations

from pathlib import Path

import pytest
from integration_helpers import make_static_tree


@pytest.fixture
def static_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``tmp_path/static`` with ``css/global.css``; the working directory is ``tmp_path``."""
    monkeypatch.chdir(tmp_path)
    return make_static_tree(tmp_path)
