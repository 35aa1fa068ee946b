"""One look at a broken config shows every problem, unknown keys included."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from devstatic import ImproperlyConfigured, Settings

BROKEN = """\
[tool.devstatic]
static-ulr = "/static/"
static-url = "/assets"
dirs = [["vendor/", "lib"]]
"""


def test_load_reports_unknown_keys_together_with_bad_values(tmp_path: Path) -> None:
    config = tmp_path / "pyproject.toml"
    config.write_text(BROKEN)
    with pytest.raises(ImproperlyConfigured) as raised:
        Settings.load(config)
    lines = str(raised.value).splitlines()
    assert len(lines) == 3
    assert "'static-ulr'" in lines[0] and "Did you mean 'static-url'?" in lines[0]
    assert any("must end with '/'" in line for line in lines)
    assert any("prefix 'vendor/'" in line for line in lines)


def test_check_prints_one_line_per_problem_for_all_of_them(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(BROKEN)
    result = subprocess.run(
        [sys.executable, "-m", "devstatic", "check"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    errors = [line for line in result.stdout.splitlines() if line.startswith("error: ")]
    assert len(errors) == 3, result.stdout + result.stderr
