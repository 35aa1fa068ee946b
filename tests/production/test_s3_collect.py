"""collectstatic into a bucket of a real S3-compatible server (moto over HTTP)."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from production_helpers import collectstatic, make_extra_tree, sources, write_config
from support.moto_server import MotoServer

from devstatic.http.mediatypes import content_type_for
from devstatic.storage.manifest_history import HISTORY_DIR
from devstatic.storage.object_headers import IMMUTABLE, NO_CACHE
from devstatic.storage.s3 import HEADERS_INDEX

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

S3 = "devstatic.storage.S3Storage"
MANIFEST_S3 = "devstatic.storage.ManifestS3Storage"


def s3_config(
    tmp_path: Path, server: MotoServer, bucket: str, storage: str = S3, **options: Any
) -> Path:
    return write_config(
        tmp_path,
        storage=storage,
        options={
            "bucket": bucket,
            "prefix": "/static/",
            "endpoint-url": server.endpoint,
            **options,
        },
        static_url="https://cdn.example.com/static/",
        extra_dirs=(make_extra_tree(tmp_path),),
    )


def is_bookkeeping(name: str) -> bool:
    """Objects devstatic keeps for itself: the manifest history and the headers index."""
    return name == HEADERS_INDEX or name.startswith(f"{HISTORY_DIR}/")


def objects(client: S3Client, bucket: str, prefix: str = "") -> dict[str, dict[str, Any]]:
    """Every object under ``prefix``: key → HEAD response plus ``Body``."""
    out: dict[str, dict[str, Any]] = {}
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for item in page.get("Contents", []):
            got = client.get_object(Bucket=bucket, Key=item["Key"])
            out[item["Key"]] = {**got, "Body": got["Body"].read()}
    return out


def test_collectstatic_uploads_every_file_with_type_caching_md5_and_sibling_encoding(
    tmp_path: Path, moto_server: MotoServer, s3_client: S3Client, s3_bucket: str
) -> None:
    config = s3_config(tmp_path, moto_server, s3_bucket)
    found = sources(config)

    result = collectstatic(config)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == f"{len(found)} static files copied."
    stored = objects(s3_client, s3_bucket)
    assert set(stored) == {f"static/{name}" for name in found} | {f"static/{HEADERS_INDEX}"}
    for name, source in found.items():
        obj = stored[f"static/{name}"]
        data = source.read_bytes()
        assert obj["Body"] == data, name
        assert obj["Metadata"] == {"md5": hashlib.md5(data).hexdigest()}, name
        assert obj["CacheControl"] == NO_CACHE, name
        if name == "css/pre.css.gz":
            continue
        assert obj["ContentType"] == content_type_for(name), name
        assert "ContentEncoding" not in obj, name
    sibling, archive = stored["static/css/pre.css.gz"], stored["static/dist/archive.tar.gz"]
    assert (sibling["ContentType"], sibling.get("ContentEncoding")) == (
        "text/css; charset=utf-8",
        "gzip",
    )
    assert (archive["ContentType"], archive.get("ContentEncoding")) == ("application/gzip", None)


def test_rerun_uploads_only_changed_content_never_a_touched_file(
    tmp_path: Path, moto_server: MotoServer, s3_client: S3Client, s3_bucket: str
) -> None:
    config = s3_config(tmp_path, moto_server, s3_bucket)
    found = sources(config)
    assert collectstatic(config).returncode == 0
    puts_before = len(moto_server.requests_to(s3_bucket, "PUT"))
    os.utime(tmp_path / "extra" / "data" / "info.json", (1, 1))  # older mtime, same bytes

    listings_before = moto_server.requests_to(s3_bucket, "GET").count(("GET", f"/{s3_bucket}"))
    second = collectstatic(config)

    assert second.returncode == 0, second.stderr
    listings = moto_server.requests_to(s3_bucket, "GET").count(("GET", f"/{s3_bucket}"))
    assert listings - listings_before == 1  # one listing per run, not one per file
    assert (
        second.stdout.strip().splitlines()[-1] == f"0 static files copied, {len(found)} unmodified."
    )
    assert len(moto_server.requests_to(s3_bucket, "PUT")) == puts_before

    (tmp_path / "extra" / "LICENSE").write_bytes(b"MIT\n")
    third = collectstatic(config)

    assert third.returncode == 0, third.stderr
    assert third.stdout.strip().splitlines()[-1] == (
        f"1 static file copied, {len(found) - 1} unmodified."
    )
    assert moto_server.requests_to(s3_bucket, "PUT")[puts_before:] == [
        ("PUT", f"/{s3_bucket}/static/LICENSE")
    ]
    body = s3_client.get_object(Bucket=s3_bucket, Key="static/LICENSE")["Body"].read()
    assert body == b"MIT\n"


def test_clear_deletes_only_under_the_prefix(
    tmp_path: Path, moto_server: MotoServer, s3_client: S3Client, s3_bucket: str
) -> None:
    config = s3_config(tmp_path, moto_server, s3_bucket)
    found = sources(config)
    for key in ("outside.txt", "static-old/app.js", "static/stale.css"):
        s3_client.put_object(Bucket=s3_bucket, Key=key, Body=b"x")

    result = collectstatic(config, "--clear")

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == (
        f"1 static file deleted, {len(found)} static files copied."
    )
    keys = set(objects(s3_client, s3_bucket))
    assert {"outside.txt", "static-old/app.js"} <= keys
    assert "static/stale.css" not in keys
    assert keys - {"outside.txt", "static-old/app.js", f"static/{HEADERS_INDEX}"} == {
        f"static/{n}" for n in found
    }


def test_manifest_storage_uploads_hashed_files_immutable_manifest_last_then_nothing(
    tmp_path: Path, moto_server: MotoServer, s3_client: S3Client, s3_bucket: str
) -> None:
    config = s3_config(tmp_path, moto_server, s3_bucket, MANIFEST_S3, compress=["gz", "br"])
    found = sources(config)

    result = collectstatic(config)

    assert result.returncode == 0, result.stderr
    puts = moto_server.requests_to(s3_bucket, "PUT")
    # The manifest goes last; only bookkeeping (its history copy, the headers index) follows.
    published = [put for put in puts if not is_bookkeeping(put[1].partition("/static/")[2])]
    assert published[-1] == ("PUT", f"/{s3_bucket}/static/staticfiles.json")
    assert puts[len(published) :] == [
        put for put in puts if is_bookkeeping(put[1].partition("/static/")[2])
    ]
    stored = objects(s3_client, s3_bucket, "static/")
    manifest = json.loads(stored["static/staticfiles.json"]["Body"])
    assert stored["static/staticfiles.json"]["CacheControl"] == NO_CACHE
    assert stored["static/staticfiles.json"]["ContentType"] == "application/json; charset=utf-8"
    assert set(manifest["paths"]) == set(found)
    for name, hashed in manifest["paths"].items():
        obj = stored[f"static/{hashed}"]
        assert hashed != name, name
        assert obj["CacheControl"] == IMMUTABLE, hashed
        assert obj["ContentType"] == content_type_for(name), hashed
        assert stored[f"static/{name}"]["CacheControl"] == NO_CACHE, name
    module = manifest["paths"]["js/module.mjs"]
    for suffix, coding in ((".gz", "gzip"), (".br", "br")):
        sibling = stored[f"static/{module}{suffix}"]
        assert sibling["ContentType"] == "text/javascript; charset=utf-8"
        assert sibling["ContentEncoding"] == coding
        assert sibling["CacheControl"] == IMMUTABLE

    rerun = collectstatic(config)

    assert rerun.returncode == 0, rerun.stderr
    assert rerun.stdout.strip().splitlines()[-1] == (
        f"0 static files copied, {len(found)} unmodified, {len(found)} post-processed."
    )
    assert moto_server.requests_to(s3_bucket, "PUT") == puts


def test_static_gives_cdn_urls_from_the_bucket_manifest_read_once(
    tmp_path: Path, moto_server: MotoServer, s3_client: S3Client, s3_bucket: str
) -> None:
    from devstatic import Settings, static

    config = s3_config(tmp_path, moto_server, s3_bucket, MANIFEST_S3)
    hashed = "LICENSE." + hashlib.md5(b"BSD-3-Clause\n").hexdigest()[:12]
    manifest = {"version": "1.1", "paths": {"LICENSE": hashed}, "hash": "0"}
    s3_client.put_object(
        Bucket=s3_bucket, Key="static/staticfiles.json", Body=json.dumps(manifest).encode()
    )
    settings = Settings.load(config)

    urls = [static("LICENSE", settings) for _ in range(3)]

    assert urls == [f"https://cdn.example.com/static/{hashed}"] * 3
    reads = [r for r in moto_server.requests_to(s3_bucket, "GET") if r[1].endswith(".json")]
    assert len(reads) == 1
    with pytest.raises(ValueError, match=r"nope\.css"):
        static("nope.css", settings)
