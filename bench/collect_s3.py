"""collectstatic into an S3 bucket (moto's server over HTTP): devstatic vs Django +
django-storages, first upload and no-change rerun, plain and manifest storages.

``python -m bench.collect_s3 [--files N] [--repeat R]``. Each tool gets a fresh bucket
per repeat; the first upload and then a rerun on the unchanged tree are timed from the
outside (fresh processes, interpreter start included). The moto server runs as its own
process (``python -m moto.server``), as a real S3 is another machine: its work does not
share an interpreter with the timing, and both tools pay the same server.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench.collect import FOLDERS, compile_bytecode, generate
from bench.data import WORK
from bench.servers import REPO, free_port, wait_for_port

#: 5 000 files take Django's manifest storage minutes per run on a 2-core machine.
DEFAULT_FILES = 1000

DJANGO = """
import sys
import django
from django.conf import settings
settings.configure(
    DEBUG=False, SECRET_KEY="bench", INSTALLED_APPS=["django.contrib.staticfiles", "storages"],
    STATIC_URL="/static/", STATICFILES_DIRS=[sys.argv[1]],
    STORAGES={"staticfiles": {"BACKEND": sys.argv[3], "OPTIONS": {
        "bucket_name": sys.argv[2], "endpoint_url": sys.argv[4], "location": "static",
        "addressing_style": "path", "file_overwrite": True, "querystring_auth": False,
    }}},
)
django.setup()
from django.core.management import call_command
call_command("collectstatic", interactive=False, verbosity=0)
"""

STORAGES = {
    "plain": ("devstatic.storage.S3Storage", "storages.backends.s3.S3Storage"),
    "manifest": ("devstatic.storage.ManifestS3Storage",
                 "bench.django_s3_storage.JsModulesManifestS3Storage"),
}  # fmt: skip

AWS = {
    "AWS_ACCESS_KEY_ID": "bench",
    "AWS_SECRET_ACCESS_KEY": "bench",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_EC2_METADATA_DISABLED": "true",
}


def _timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    proc = subprocess.run(
        cmd, cwd=REPO, env={**os.environ, **AWS}, capture_output=True, text=True, check=False
    )
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[:4])} failed:\n{proc.stdout}\n{proc.stderr}")
    return elapsed


@contextmanager
def moto_process() -> Iterator[str]:
    """moto's S3 server as its own process on a loopback port; yields its endpoint."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        env={**os.environ, **AWS},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port, proc)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def run(
    *,
    files: int = DEFAULT_FILES,
    tools: tuple[str, ...] = ("devstatic", "django"),
    repeat: int = 1,
    work: Path = WORK,
) -> dict[str, Any]:
    import boto3

    base = work / "collect_s3"
    src = base / f"src-{files}"
    generate(src, files)
    compile_bytecode()
    count = sum(len(names) for _, _, names in os.walk(src)) - 1
    os.environ.update(AWS)
    rows: list[dict[str, Any]] = []
    with moto_process() as endpoint:
        client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
        for kind, (ours, theirs) in STORAGES.items():
            for tool in [tool for tool in tools for _ in range(repeat)]:
                bucket = f"bench-{uuid.uuid4().hex[:12]}"
                client.create_bucket(Bucket=bucket)
                if tool == "devstatic":
                    config = base / f"pyproject-{bucket}.toml"
                    config.write_text(
                        f'[tool.devstatic]\ndirs = ["{src}"]\nstorage = "{ours}"\n'
                        "debug = false\n[tool.devstatic.storage-options]\n"
                        f'bucket = "{bucket}"\nprefix = "static"\nendpoint-url = "{endpoint}"\n'
                    )
                    cmd = [sys.executable, "-m", "devstatic", "collectstatic", "--noinput",
                           "-v", "0", "--config", str(config)]  # fmt: skip
                else:
                    cmd = [sys.executable, "-c", DJANGO, str(src), bucket, theirs, endpoint]
                first = _timed(cmd)
                rerun = _timed(cmd)
                rows.append(
                    {
                        "kind": kind,
                        "tool": tool,
                        "first": first,
                        "rerun": rerun,
                        "ratio": rerun / first,
                    }
                )
                print(
                    f"{kind:9} {tool:10} first {first:7.2f} s  rerun {rerun:7.2f} s  "
                    f"rerun/first {rerun / first:.3f}",
                    flush=True,
                )
    if repeat > 1:
        for kind in STORAGES:
            for tool in tools:
                mine = [row for row in rows if row["kind"] == kind and row["tool"] == tool]
                first = statistics.median(row["first"] for row in mine)
                rerun = statistics.median(row["rerun"] for row in mine)
                print(
                    f"{kind:9} {tool:10} median of {len(mine)}: first {first:7.2f} s  "
                    f"rerun {rerun:7.2f} s  rerun/first {rerun / first:.3f}",
                    flush=True,
                )
    return {"files": count, "folders": FOLDERS, "rows": rows}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.collect_s3")
    parser.add_argument("--files", type=int, default=DEFAULT_FILES)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--only", choices=["devstatic", "django"], help="time one tool only")
    parser.add_argument("--repeat", type=int, default=1, help="runs per tool (medians shown)")
    args = parser.parse_args()
    results = run(
        files=args.files,
        tools=(args.only,) if args.only else ("devstatic", "django"),
        repeat=args.repeat,
    )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
