"""``devstatic clean`` on ``ManifestS3Storage`` against moto's S3 server over HTTP.

S3 objects' age is their ``LastModified``, which a test cannot set: the keep window is
tested with the default age (nothing is an hour old, so nothing goes) and with
``--max-age 0`` (every object is old enough).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING

from production_helpers import collectstatic, run_cli, write_config
from support.moto_server import MotoServer

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

MANIFEST_S3 = "devstatic.storage.ManifestS3Storage"
APP_CSS = re.compile(r"static/site/app\.[0-9a-f]{12}\.css(\.gz)?")


def keys(client: S3Client, bucket: str) -> set[str]:
    found: set[str] = set()
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        found.update(item["Key"] for item in page.get("Contents", []))
    return found


def deploy(tmp_path: Path, config: Path, version: str) -> None:
    (tmp_path / "site" / "site").mkdir(parents=True, exist_ok=True)
    (tmp_path / "site" / "site" / "app.css").write_text(
        f"body {{ color: red }} /* {version} */\n" * 40
    )
    result = collectstatic(config, "-v0")
    assert result.returncode == 0, result.stderr


def test_clean_on_s3_keeps_the_previous_deploy_and_deletes_the_one_before(
    tmp_path: Path, moto_server: MotoServer, s3_client: S3Client, s3_bucket: str
) -> None:
    (tmp_path / "site").mkdir()
    config = write_config(
        tmp_path,
        storage=MANIFEST_S3,
        options={
            "bucket": s3_bucket,
            "prefix": "static",
            "endpoint-url": moto_server.endpoint,
            "compress": ["gz"],
        },
        extra_dirs=(tmp_path / "site",),
    )
    deploy(tmp_path, config, "v1")
    v1 = {k for k in keys(s3_client, s3_bucket) if APP_CSS.fullmatch(k)}
    deploy(tmp_path, config, "v2")
    deploy(tmp_path, config, "v3")
    assert len(v1) == 2  # the hashed CSS and its .gz

    young = run_cli("clean", "--noinput", "--config", str(config))
    assert (young.returncode, young.stdout, young.stderr) == (0, "0 static files deleted.\n", "")
    assert v1 <= keys(s3_client, s3_bucket)

    old = run_cli("clean", "--noinput", "--max-age", "0", "-v2", "--config", str(config))

    assert old.returncode == 0, old.stderr
    names = sorted(k.removeprefix("static/") for k in v1)
    assert old.stdout == "".join(f"Deleting '{n}'\n" for n in names) + "2 static files deleted.\n"
    left = keys(s3_client, s3_bucket)
    assert not v1 & left
    assert len({k for k in left if APP_CSS.fullmatch(k)}) == 4  # v2 and v3, each with .gz
    manifest = json.loads(
        s3_client.get_object(Bucket=s3_bucket, Key="static/staticfiles.json")["Body"].read()
    )
    assert all(f"static/{name}" in left for name in manifest["paths"].values())
    history = sorted(k for k in left if k.startswith("static/staticfiles.history/"))
    assert len(history) == 2  # the entries past the keep window went too
