"""The import map and integrity over a bucket: collectstatic into a real S3-compatible
server (moto over HTTP), then ``importmap()`` and ``integrity()`` in production read the
bucket's manifest and the collected modules, once."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING

from support.moto_server import MotoServer

from devstatic import Settings, importmap, integrity
from devstatic.collect.collector import CollectOptions, collect
from devstatic.storage import get_storage

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

MODULES = {
    "js/app.js": 'import { html } from "lit";\nimport "./util.js";\n',
    "js/util.js": "export const util = 1;\n",
    "vendor/lit.js": "export const html = 1;\n",
}
CDN = "https://cdn.example.com/static/"


def sri(data: bytes) -> str:
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()


def test_importmap_and_integrity_come_from_the_bucket_read_once(
    tmp_path: Path, moto_server: MotoServer, s3_client: S3Client, s3_bucket: str
) -> None:
    for name, text in MODULES.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    settings = Settings(
        dirs=[tmp_path],
        static_url=CDN,
        storage="devstatic.storage.ManifestS3Storage",
        storage_options={
            "bucket": s3_bucket,
            "prefix": "static",
            "endpoint-url": moto_server.endpoint,
            "js-imports": "importmap",
            "integrity": "sha384",
        },
        importmap={"imports": {"lit": "vendor/lit.js"}, "preload": ["js/app.js"]},
        debug=False,
    )
    storage = get_storage(settings)
    collect(settings, storage, options=CollectOptions())
    storage.close()
    manifest = json.loads(
        s3_client.get_object(Bucket=s3_bucket, Key="static/staticfiles.json")["Body"].read()
    )
    paths = manifest["paths"]
    gets_before = len(moto_server.requests_to(s3_bucket, "GET"))

    html = importmap(settings)
    value = integrity("js/util.js", settings)
    again = importmap(settings)

    reads = [path for _, path in moto_server.requests_to(s3_bucket, "GET")[gets_before:]]
    # The manifest, then each plain module once (to follow its imports); nothing again.
    assert reads == [
        f"/{s3_bucket}/static/{name}"
        for name in ["staticfiles.json", "js/app.js", "vendor/lit.js", "js/util.js"]
    ]
    assert again is html
    url = {name: CDN + hashed for name, hashed in paths.items()}
    body = {
        name: s3_client.get_object(Bucket=s3_bucket, Key=f"static/{hashed}")["Body"].read()
        for name, hashed in paths.items()
    }
    assert value == sri(body["js/util.js"])
    assert f'"{CDN}js/util.js": "{url["js/util.js"]}"' in html
    assert f'"lit": "{url["vendor/lit.js"]}"' in html
    for name in MODULES:
        assert f'"{url[name]}": "{sri(body[name])}"' in html
    links = [
        f'<link rel="modulepreload" href="{url[name]}" integrity="{sri(body[name])}">'
        for name in ["js/app.js", "vendor/lit.js", "js/util.js"]
    ]
    assert html.endswith("</script>\n" + "\n".join(links))
