"""collectstatic into an S3 bucket (moto's server over HTTP): devstatic vs Django +
django-storages, first upload and no-change rerun, plain and manifest storages.

``python -m bench.collect_s3 [--files N]``. Each tool gets a fresh bucket; the first
upload and then a rerun on the unchanged tree are timed from the outside (fresh
processes, interpreter start included). The moto server runs in this process, so both
tools pay the same server.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

from bench.collect import FOLDERS, generate
from bench.data import WORK
from bench.servers import REPO

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


def run(
    *,
    files: int = DEFAULT_FILES,
    tools: tuple[str, ...] = ("devstatic", "django"),
    work: Path = WORK,
) -> dict[str, Any]:
    import boto3
    from moto.server import ThreadedMotoServer

    base = work / "collect_s3"
    src = base / f"src-{files}"
    generate(src, files)
    count = sum(len(names) for _, _, names in os.walk(src)) - 1
    import logging

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    os.environ.update(AWS)
    client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
    rows: list[dict[str, Any]] = []
    try:
        for kind, (ours, theirs) in STORAGES.items():
            for tool in tools:
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
    finally:
        server.stop()
    return {"files": count, "folders": FOLDERS, "rows": rows}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.collect_s3")
    parser.add_argument("--files", type=int, default=DEFAULT_FILES)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--only", choices=["devstatic", "django"], help="time one tool only")
    args = parser.parse_args()
    results = run(files=args.files, tools=(args.only,) if args.only else ("devstatic", "django"))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
