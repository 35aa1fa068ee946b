"""Every code block of the README runs, so the docs cannot rot.

- ```python blocks run in a subprocess, in a fresh folder holding ``static/css/global.css``;
  a block that defines ``app`` (or ``application``) is then asked for that file over httpx.
  ``<!-- test: django-project -->`` adds a ``mysite`` Django project; ``<!-- test: pytest -->``
  runs the block as a pytest file.
- ```console blocks run from the repository root (the demo's tree): ``$ `` lines are
  commands, the lines after them their expected output (the repository's path shown as
  ``/path/to/devstatic``). ``collectstatic`` writes to a temporary ``static_root``.
- ```toml blocks must load as ``[tool.devstatic]``.
- ```sh blocks run from the repository root and must succeed.
- ``<!-- test: skip ... -->`` right above a block skips it (servers, installs, ``make``).
"""

from __future__ import annotations

import importlib.util
import os
import re
import shlex
import subprocess
import sys
import textwrap
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
README = REPO / "README.md"
SHOWN_REPO = "/path/to/devstatic"
CSS = "body { color: rebeccapurple; }\n"
BIN = Path(sys.executable).parent


@dataclass(frozen=True)
class Block:
    language: str
    code: str
    marker: str
    line: int

    @property
    def id(self) -> str:
        return f"{self.language}-line{self.line}"


FENCE = re.compile(r"^(?P<indent> *)```(?P<lang>[\w-]*)\s*$")
MARKER = re.compile(r"^\s*<!-- test: (?P<what>[\w-]+)")


def readme_blocks(text: str) -> list[Block]:
    """The fenced blocks, each with the ``<!-- test: ... -->`` marker right above it."""
    blocks: list[Block] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        opening = FENCE.match(lines[i])
        if not opening or not opening["lang"]:
            i += 1
            continue
        start = i
        i += 1
        body: list[str] = []
        while not lines[i].strip().startswith("```"):
            body.append(lines[i])
            i += 1
        marker = MARKER.match(lines[start - 1]) if start else None
        code = textwrap.dedent("\n".join(body)) + "\n"
        blocks.append(Block(opening["lang"], code, marker["what"] if marker else "", start + 1))
        i += 1
    return blocks


BLOCKS = readme_blocks(README.read_text(encoding="utf-8"))


def of(*languages: str) -> list[Block]:
    return [b for b in BLOCKS if b.language in languages and b.marker != "skip"]


def params(blocks: list[Block]) -> list[object]:
    return [pytest.param(b, id=b.id) for b in blocks]


def test_readme_keeps_the_two_commands_and_skips_sparingly() -> None:
    text = README.read_text(encoding="utf-8")
    assert "make demo" in text
    assert "make test" in text
    skipped = [b for b in BLOCKS if b.marker == "skip"]
    assert len(skipped) <= 4, [b.id for b in skipped]
    assert all(b.language in ("python", "sh", "console", "toml") for b in skipped)
    # The make block is among the skipped ones: running it would run this test again.
    assert any("make test" in b.code for b in skipped)
    assert len(of("python")) >= 8 and len(of("console")) >= 3


# -- Python -----------------------------------------------------------------------------

DJANGO_SETTINGS = """
from pathlib import Path

BASE = Path(__file__).resolve().parent.parent
DEBUG = True
SECRET_KEY = "readme"
ALLOWED_HOSTS = ["*"]
ROOT_URLCONF = "mysite.urls"
INSTALLED_APPS = ["django.contrib.staticfiles"]
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE / "static"]
"""

DRIVER = """
import asyncio
import importlib
import sys

import httpx

sys.path.insert(0, ".")
module = importlib.import_module("main")
app = getattr(module, "app", None) or getattr(module, "application", None)


async def fetch():
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as client:
        response = await client.get("/static/css/global.css")
        assert response.status_code == 200, response.text
        assert response.text == {css!r}, response.text
        print("served")


if app is not None:
    asyncio.run(fetch())
"""


def project(tmp_path: Path, block: Block) -> Path:
    (tmp_path / "static" / "css").mkdir(parents=True)
    (tmp_path / "static" / "css" / "global.css").write_text(CSS)
    if block.marker == "django-project":
        (tmp_path / "mysite").mkdir()
        (tmp_path / "mysite" / "__init__.py").write_text("")
        (tmp_path / "mysite" / "settings.py").write_text(DJANGO_SETTINGS)
        (tmp_path / "mysite" / "urls.py").write_text("urlpatterns = []\n")
    return tmp_path


def clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DEVSTATIC_", "DJANGO_"))}
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    return env


def run(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(
        args,
        cwd=cwd,
        env=env or clean_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@pytest.mark.parametrize("block", params(of("python")))
def test_python_block_runs(block: Block, tmp_path: Path) -> None:
    folder = project(tmp_path, block)
    if block.marker == "pytest":
        (folder / "pyproject.toml").write_text('[tool.devstatic]\ndirs = ["static"]\n')
        (folder / "test_readme_block.py").write_text(block.code)
        # Without pytest-asyncio: the example must run on what the `testing` extra brings.
        pytest_args = ["-q", "-p", "no:cacheprovider", "-p", "no:hypothesispytest"]
        pytest_args += ["-p", "no:asyncio"]
        out = run([sys.executable, "-m", "pytest", *pytest_args], folder)
        assert " passed" in out
        return
    (folder / "main.py").write_text(block.code)
    out = run([sys.executable, "-c", DRIVER.format(css=CSS)], folder)
    if re.search(r"^(app|application) = ", block.code, re.MULTILINE):
        assert out.endswith("served\n"), out


# -- TOML -------------------------------------------------------------------------------


@pytest.mark.parametrize("block", params(of("toml")))
def test_toml_block_is_valid_devstatic_configuration(block: Block, tmp_path: Path) -> None:
    from devstatic import Settings

    config = tmp_path / "pyproject.toml"
    config.write_text(block.code)
    assert "devstatic" in tomllib.loads(block.code)["tool"]
    settings = Settings.load(config)
    if "S3" not in settings.storage:  # a bucket needs credentials; its options are checked there
        from devstatic.storage.base import get_storage

        get_storage(settings)  # the storage accepts its storage-options


# -- shell ------------------------------------------------------------------------------


def demo_config(tmp_path: Path) -> Path:
    """The repository's ``[tool.devstatic]`` with ``static_root`` moved into ``tmp_path``."""
    table = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["devstatic"]
    lines = ["[tool.devstatic]"]
    for key, value in table.items():
        if key == "dirs":
            value = [str(REPO / entry) for entry in value]
        elif key == "static-root":
            value = str(tmp_path / "demo" / "collected")
        lines.append(f"{key} = {_toml(value)}")
    config = tmp_path / "pyproject.toml"
    config.write_text("\n".join(lines) + "\n")
    return config


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def ensure_demo_media() -> None:
    """The demo's generated tone.wav, which ``import demo`` would write, is part of its tree."""
    spec = importlib.util.spec_from_file_location("readme_demo_media", REPO / "demo" / "media.py")
    assert spec and spec.loader
    media = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(media)
    media.ensure_media(REPO / "demo" / "static" / "media")


def console_steps(code: str) -> list[tuple[str, str]]:
    steps: list[tuple[str, list[str]]] = []
    for line in code.splitlines():
        if line.startswith("$ "):
            steps.append((line[2:], []))
        else:
            assert steps, f"output before any command: {line!r}"
            steps[-1][1].append(line)
    return [(command, "".join(out + "\n" for out in output)) for command, output in steps]


@pytest.mark.parametrize("block", params(of("console")))
def test_console_block_prints_what_the_readme_shows(block: Block, tmp_path: Path) -> None:
    ensure_demo_media()
    config = demo_config(tmp_path)
    for command, expected in console_steps(block.code):
        # collectstatic writes into tmp_path, never into the repository's demo/collected.
        script = command.replace(
            "devstatic collectstatic",
            f"devstatic collectstatic --config {shlex.quote(str(config))}",
        )
        env = clean_env()
        if script != command:
            # The moved config's folder is not the project's: demo.blog imports from REPO.
            env["PYTHONPATH"] = str(REPO)
        result = subprocess.run(
            ["bash", "-o", "pipefail", "-c", script],
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=60,
        )
        shown = result.stdout.replace(str(tmp_path), SHOWN_REPO).replace(str(REPO), SHOWN_REPO)
        assert shown == expected, f"$ {command}"
        if not expected.startswith("No matching file"):
            assert result.returncode in (0, 141), f"$ {command}\n{result.stdout}"


def test_console_script_imports_the_projects_packages_from_the_project_root() -> None:
    """`devstatic` (not only `python -m devstatic`) finds `packages = ["demo.blog"]`."""
    result = subprocess.run(
        ["devstatic", "check"], cwd=REPO, env=clean_env(), capture_output=True, text=True
    )
    assert result.stdout == "System check identified no issues.\n", result.stdout


def test_every_sh_block_is_one_that_cannot_run_in_a_test() -> None:
    """The README's `sh` blocks install, serve or deploy (make, pip, uvicorn, nginx), so
    each is marked skip; commands whose output matters go in `console` blocks, which
    are run and compared. A new unmarked `sh` block must move there or get a runner."""
    unmarked = [b.id for b in of("sh")]
    assert unmarked == []
