"""devstatic collectstatic vs Django collectstatic on the same generated 5 000-file tree.

Each run is a fresh process into an empty folder (what a deploy does), timed from the
outside, the two tools interleaved; then both outputs are compared file by file.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.data import WORK
from bench.servers import REPO

FILE_COUNT = 5000
FOLDERS = 50

DJANGO = """
import sys
import django
from django.conf import settings
settings.configure(
    DEBUG=False, SECRET_KEY="bench", INSTALLED_APPS=["django.contrib.staticfiles"],
    STATIC_URL="/static/", STATICFILES_DIRS=[sys.argv[1]], STATIC_ROOT=sys.argv[2],
    STORAGES={"staticfiles": {"BACKEND": sys.argv[3]}},
)
django.setup()
from django.core.management import call_command
call_command("collectstatic", interactive=False, verbosity=0)
"""

STORAGES = {
    "plain": ("devstatic.storage.FileSystemStorage",
              "django.contrib.staticfiles.storage.StaticFilesStorage"),
    "manifest": ("devstatic.storage.ManifestStaticFilesStorage",
                 "bench.django_storage.JsModulesManifestStorage"),
}  # fmt: skip


def generate(root: Path, count: int = FILE_COUNT) -> None:
    """5 000 files (or ``count``): stylesheets with ``url()``s, ES modules importing each
    other, images."""
    marker = root / ".complete"
    if marker.exists():
        return
    shutil.rmtree(root, ignore_errors=True)
    rng = random.Random(5)
    per = count // FOLDERS - 1  # and one util.js per folder
    images = [i for i in range(per) if i % 3 == 2]
    for f in range(FOLDERS):
        folder = root / f"pkg{f:02d}"
        folder.mkdir(parents=True)
        (folder / "util.js").write_text("export const y = 2;\n")
        for i in range(per):
            kind = i % 3
            if kind == 0:
                body = "".join(
                    f'.r{j} {{ background: url("img{rng.choice(images):03d}.png"); }}\n'
                    for j in range(rng.randrange(2, 8))
                ) + "body { margin: 0; }\n" * rng.randrange(5, 60)
                (folder / f"style{i:03d}.css").write_text(body)
            elif kind == 1:
                # Every module imports one leaf: chains deeper than Django's 5 passes
                # (or cycles) make both manifests give up.
                body = 'import { y } from "./util.js";\n' + "export const x = 1;\n" * rng.randrange(
                    5, 80
                )
                (folder / f"mod{i:03d}.js").write_text(body)
            else:
                (folder / f"img{i:03d}.png").write_bytes(rng.randbytes(rng.randrange(500, 8000)))
    marker.write_text("")


def tree_digest(root: Path) -> dict[str, str]:
    out = {}
    for folder, dirs, files in os.walk(root):
        # devstatic's manifest history (for ``devstatic clean``) has no Django counterpart.
        dirs[:] = [d for d in dirs if d != "staticfiles.history"]
        for name in files:
            path = Path(folder, name)
            out[str(path.relative_to(root))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def _same_manifest(a: Path, b: Path) -> bool:
    ours = json.loads((a / "staticfiles.json").read_text())
    theirs = json.loads((b / "staticfiles.json").read_text())
    return bool(ours.get("paths") == theirs.get("paths") and ours.get("hash") == theirs.get("hash"))


def _timed(cmd: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[:4])} failed:\n{proc.stdout}\n{proc.stderr}")
    return elapsed


def _clean(base: Path) -> None:
    for old in base.glob("out-*"):
        shutil.rmtree(old, ignore_errors=True)


def compile_bytecode() -> None:
    """Compile devstatic's modules once, as pip does when it installs a wheel (Django's
    were, in site-packages). Without it, an environment with ``PYTHONDONTWRITEBYTECODE``
    (this machine's) compiles every changed module again in each timed process: ~40 ms
    of a 0.7 s run, a cost no installed devstatic pays."""
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(REPO / "devstatic")],
        check=True,
        stdout=subprocess.DEVNULL,
    )


def run(*, quick: bool, work: Path = WORK) -> dict[str, Any]:
    """Time both tools, interleaved, each run into a folder of its own.

    Outputs are deleted only before the warm-up and after the last run: creating
    thousands of files right after deleting thousands costs the kernel up to ten times
    more for a while (seen here: 5 000 creates from 0.06 s to 1.8 s of system time), a
    cost of the machine, not of either tool, that would land on whichever runs next.
    """
    base = work / "collect"
    src = base / "src"
    generate(src)
    compile_bytecode()
    count = sum(len(files) for _, _, files in os.walk(src)) - 1
    rounds = 1 if quick else 5
    rows: list[dict[str, Any]] = []
    ratios: dict[str, float | None] = {}
    notes: list[str] = []
    env_python = sys.executable
    _clean(base)
    try:
        for kind, (ours, theirs) in STORAGES.items():
            row, ratio = _compare(base, src, kind, ours, theirs, rounds, env_python, notes)
            rows.append(row)
            ratios[kind] = ratio
    finally:
        _clean(base)
    notes.append(
        f"{count} source files ({FOLDERS} folders: CSS with url()s, ES modules importing "
        f"each other, binary images); each run a fresh process into a new empty folder"
        f"{', after one untimed run of each' if rounds > 1 else ''}; {rounds} run(s) each, "
        "interleaved, median wall "
        "time (interpreter start included). Django's manifest storage has "
        "`support_js_module_import_aggregation = True`, devstatic's default."
    )
    return {"rows": rows, "ratios": ratios, "notes": notes}


def _compare(
    base: Path,
    src: Path,
    kind: str,
    ours: str,
    theirs: str,
    rounds: int,
    env_python: str,
    notes: list[str],
) -> tuple[dict[str, Any], float | None]:
    def ours_cmd(root: Path) -> list[str]:
        config = base / f"pyproject-{root.name}.toml"
        config.write_text(
            f'[tool.devstatic]\ndirs = ["{src}"]\nstatic-root = "{root}"\n'
            f'storage = "{ours}"\ndebug = false\n'
        )
        return [env_python, "-m", "devstatic", "collectstatic", "--noinput", "-v", "0",
                "--config", str(config)]  # fmt: skip

    def theirs_cmd(root: Path) -> list[str]:
        return [env_python, "-c", DJANGO, str(src), str(root), theirs]

    times: dict[str, list[float]] = {"devstatic": [], "django": []}
    try:
        if rounds > 1:  # untimed: sources in the page cache, both interpreters' imports warm
            _timed(ours_cmd(base / f"out-devstatic-{kind}-warm"), REPO)
            _timed(theirs_cmd(base / f"out-django-{kind}-warm"), REPO)
        for r in range(rounds):
            ours_root = base / f"out-devstatic-{kind}-{r}"
            theirs_root = base / f"out-django-{kind}-{r}"
            pair = [("devstatic", ours_cmd(ours_root)), ("django", theirs_cmd(theirs_root))]
            for tool, cmd in pair if r % 2 == 0 else pair[::-1]:
                times[tool].append(_timed(cmd, REPO))
    except RuntimeError as exc:
        notes.append(f"collectstatic {kind}: {str(exc).strip().splitlines()[-1]}")
        row = {"kind": kind, "devstatic": "error", "django": "-", "ratio": "-", "same": "-"}
        return row, None
    a, b = tree_digest(ours_root), tree_digest(theirs_root)
    differing = sorted(k for k in a.keys() | b.keys() if a.get(k) != b.get(k))
    if differing == ["staticfiles.json"] and _same_manifest(ours_root, theirs_root):
        differing = []
        notes.append(
            "staticfiles.json: the same `paths` and `hash` as Django's; the bytes differ "
            "only in formatting."
        )
    same = "yes" if not differing else f"no: {len(differing)} differ, e.g. {differing[:3]}"
    ours_s, theirs_s = statistics.median(times["devstatic"]), statistics.median(times["django"])
    row = {
        "kind": kind, "devstatic": f"{ours_s:.2f}", "django": f"{theirs_s:.2f}",
        "ratio": f"{theirs_s / ours_s:.2f}x", "same": same, "samples": times,
    }  # fmt: skip
    return row, theirs_s / ours_s
