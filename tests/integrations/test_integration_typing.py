"""A user's module type-checks under ``mypy --strict``; misspelt settings are caught by mypy."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from integration_helpers import REPO

GOOD = """
from pathlib import Path

from starlette.applications import Starlette

from devstatic import Settings, StaticFilesMiddleware, static
from devstatic.testing import static_client

app = Starlette(debug=True)
app.add_middleware(StaticFilesMiddleware, dirs=["static", ("vendor", Path("node_modules"))])

site = Starlette()
site.add_middleware(StaticFilesMiddleware, static_url="/assets/", packages=["myapp"])

wrapped = StaticFilesMiddleware(app, settings=Settings.load(), live_reload=False)
url: str = static("css/global.css", Settings(debug=True))


async def check() -> int:
    async with static_client(app, dirs=["static"]) as client:
        response = await client.get("/static/css/global.css")
        return response.status_code
"""

BAD = """
from starlette.applications import Starlette

from devstatic import StaticFilesMiddleware

app = Starlette()
app.add_middleware(StaticFilesMiddleware, dirz=["static"])
app.add_middleware(StaticFilesMiddleware, debug="yes")
"""

# The editable install's import hook is invisible to mypy, so devstatic is found through
# MYPYPATH; its own errors are `make typecheck`'s business, not this test's.
CONFIG = """
[mypy]
strict = True

[mypy-devstatic.*]
follow_imports = silent
"""


def test_user_module_passes_mypy_strict_and_misspelt_settings_are_reported(
    tmp_path: Path,
) -> None:
    (tmp_path / "good_app.py").write_text(textwrap.dedent(GOOD))
    (tmp_path / "bad_app.py").write_text(textwrap.dedent(BAD))
    (tmp_path / "mypy.ini").write_text(CONFIG)
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", "mypy.ini", "good_app.py", "bad_app.py"],
        cwd=tmp_path,
        env={**os.environ, "MYPYPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    errors = [line for line in result.stdout.splitlines() if ": error:" in line]
    assert not [line for line in errors if line.startswith("good_app.py")], result.stdout
    assert len(errors) == 2, result.stdout
    assert 'bad_app.py:7: error: Unexpected keyword argument "dirz"' in errors[0]
    assert errors[1].startswith('bad_app.py:8: error: Argument "debug"')
    assert '"bool | None"' in errors[1]
