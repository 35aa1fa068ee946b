"""A no-change rerun into a bucket is settled by the listing: no request per object.

The listing's ETag is the MD5 of a single-part upload; with the headers index
(``staticfiles.s3-headers.json``) it vouches for an object without a HEAD. A multipart
object (ETag ``<md5 of md5s>-N``) or a name the index lacks falls back to one HEAD.
"""

from __future__ import annotations

import hashlib
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from production_helpers import collectstatic, make_extra_tree, sources, write_config
from support.moto_server import MotoServer

from devstatic import Settings
from devstatic.collect import CollectOptions, collect
from devstatic.storage import s3 as s3_module
from devstatic.storage.s3 import HEADERS_INDEX, S3Storage

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

STORAGES = ["devstatic.storage.S3Storage", "devstatic.storage.ManifestS3Storage"]


def config_for(tmp_path: Path, server: MotoServer, bucket: str, storage: str) -> Path:
    return write_config(
        tmp_path,
        storage=storage,
        options={"bucket": bucket, "prefix": "static", "endpoint-url": server.endpoint},
        extra_dirs=(make_extra_tree(tmp_path),),
    )


@pytest.mark.parametrize("storage", STORAGES, ids=["plain", "manifest"])
def test_a_no_change_rerun_sends_no_head_and_no_put(
    tmp_path: Path, moto_server: MotoServer, s3_bucket: str, storage: str
) -> None:
    config = config_for(tmp_path, moto_server, s3_bucket, storage)
    assert collectstatic(config).returncode == 0
    before = len(moto_server.requests_to(s3_bucket))

    rerun = collectstatic(config)

    assert rerun.returncode == 0, rerun.stderr
    requests = moto_server.requests_to(s3_bucket)[before:]
    assert [r for r in requests if r[0] in ("HEAD", "PUT")] == []
    # One listing (two for the manifest storage, which also lists its history) and the
    # reads of the headers index (and of the manifest's newest history copy).
    assert len(requests) <= 4, requests


def test_a_multipart_object_is_checked_by_head_and_not_uploaded_again(
    tmp_path: Path, moto_server: MotoServer, s3_client: S3Client, s3_bucket: str
) -> None:
    config = config_for(tmp_path, moto_server, s3_bucket, STORAGES[0])
    assert collectstatic(config).returncode == 0
    key = "static/data/info.json"
    data = (tmp_path / "extra" / "data" / "info.json").read_bytes()
    original = s3_client.head_object(Bucket=s3_bucket, Key=key)
    upload = s3_client.create_multipart_upload(
        Bucket=s3_bucket,
        Key=key,
        ContentType=original["ContentType"],
        CacheControl=original["CacheControl"],
        Metadata={"md5": hashlib.md5(data).hexdigest()},
    )
    part = s3_client.upload_part(
        Bucket=s3_bucket, Key=key, UploadId=upload["UploadId"], PartNumber=1, Body=data
    )
    s3_client.complete_multipart_upload(
        Bucket=s3_bucket,
        Key=key,
        UploadId=upload["UploadId"],
        MultipartUpload={"Parts": [{"ETag": part["ETag"], "PartNumber": 1}]},
    )
    assert s3_client.head_object(Bucket=s3_bucket, Key=key)["ETag"].endswith('-1"')
    before = len(moto_server.requests_to(s3_bucket))

    rerun = collectstatic(config)

    assert rerun.returncode == 0, rerun.stderr
    assert rerun.stdout.strip().splitlines()[-1].startswith("0 static files copied")
    requests = moto_server.requests_to(s3_bucket)[before:]
    assert [r for r in requests if r[0] in ("HEAD", "PUT")] == [("HEAD", f"/{s3_bucket}/{key}")]


def test_without_the_headers_index_every_object_is_checked_by_head_once(
    tmp_path: Path, moto_server: MotoServer, s3_client: S3Client, s3_bucket: str
) -> None:
    config = config_for(tmp_path, moto_server, s3_bucket, STORAGES[0])
    found = sources(config)
    assert collectstatic(config).returncode == 0
    s3_client.delete_object(Bucket=s3_bucket, Key=f"static/{HEADERS_INDEX}")
    before = len(moto_server.requests_to(s3_bucket))

    rerun = collectstatic(config)
    again = collectstatic(config)

    assert rerun.returncode == again.returncode == 0, rerun.stderr + again.stderr
    requests = moto_server.requests_to(s3_bucket)
    heads = [r for r in requests[before:] if r[0] == "HEAD"]
    assert len(heads) == len(found)  # the first rerun only: it wrote the index again
    assert [r for r in requests[before:] if r[0] == "PUT"] == [
        ("PUT", f"/{s3_bucket}/static/{HEADERS_INDEX}")
    ]


def test_begin_lists_the_bucket_and_reads_the_index_before_any_file_is_checked(
    tmp_path: Path, moto_server: MotoServer, s3_client: S3Client, s3_bucket: str
) -> None:
    """The listing a rerun waits on starts when collectstatic announces its files, so the
    run's other work (the manifest's hashing pass) overlaps it; nothing is listed twice."""
    s3_client.put_object(Bucket=s3_bucket, Key=f"static/{HEADERS_INDEX}", Body=b"{}")
    source = tmp_path / "a.css"
    source.write_bytes(b"a {}")
    storage = S3Storage(
        Settings(debug=False), bucket=s3_bucket, prefix="static", endpoint_url=moto_server.endpoint
    )
    before = len(moto_server.requests_to(s3_bucket))
    try:
        storage.begin({"a.css": source}, dry_run=False, post_process=True)
        asked = wait_for_requests(moto_server, s3_bucket, before, 2)
        assert sorted(asked) == [
            ("GET", f"/{s3_bucket}"),  # the listing
            ("GET", f"/{s3_bucket}/static/{HEADERS_INDEX}"),
        ]

        assert storage.is_current("a.css", source) is False
        assert moto_server.requests_to(s3_bucket)[before + 2 :] == []
    finally:
        storage.close()


def test_begin_reads_the_index_while_the_bucket_is_still_being_listed(
    tmp_path: Path,
    moto_server: MotoServer,
    s3_client: S3Client,
    s3_bucket: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The index's round trip is not added after the listing's: with the listing held
    back, the index is read all the same."""
    s3_client.put_object(Bucket=s3_bucket, Key=f"static/{HEADERS_INDEX}", Body=b"{}")
    source = tmp_path / "a.css"
    source.write_bytes(b"a {}")
    storage = S3Storage(
        Settings(debug=False), bucket=s3_bucket, prefix="static", endpoint_url=moto_server.endpoint
    )
    release = threading.Event()
    list_prefix = storage._list_prefix

    def held_back() -> dict[str, str]:
        release.wait(30)
        return list_prefix()

    monkeypatch.setattr(storage, "_list_prefix", held_back)
    before = len(moto_server.requests_to(s3_bucket))
    try:
        storage.begin({"a.css": source}, dry_run=False, post_process=True)
        asked = wait_for_requests(moto_server, s3_bucket, before, 1)
        assert asked == [("GET", f"/{s3_bucket}/static/{HEADERS_INDEX}")]
        release.set()
        assert storage.is_current("a.css", source) is False
    finally:
        release.set()
        storage.close()


def wait_for_requests(
    server: MotoServer, bucket: str, before: int, count: int
) -> list[tuple[str, str]]:
    """The requests to ``bucket`` after the first ``before``, once there are ``count``
    (or after 30 seconds, whatever came)."""
    deadline = time.monotonic() + 30
    while len(server.requests_to(bucket)) < before + count and time.monotonic() < deadline:
        time.sleep(0.01)
    return server.requests_to(bucket)[before:]


def test_a_second_run_on_the_same_storage_reads_the_sources_again(
    tmp_path: Path, moto_server: MotoServer, s3_bucket: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The MD5s ``begin`` reads belong to one run: in a storage kept for a second run (a
    process that collects twice), a source its new ``begin`` has not read yet is read
    afresh, never vouched for by the first run's MD5."""
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.css").write_bytes(b"a { color: red }")
    settings = Settings(dirs=[src], debug=False)
    storage = S3Storage(
        settings, bucket=s3_bucket, prefix="static", endpoint_url=moto_server.endpoint
    )
    try:
        assert collect(settings, storage, options=CollectOptions())["copied"] == ["a.css"]
        (src / "a.css").write_bytes(b"a { color: blue }")
        # The second run's reading of MD5s has not reached a.css yet.
        monkeypatch.setattr(s3_module, "_digest_sources", lambda sources, into: None)

        again = collect(settings, storage, options=CollectOptions())
    finally:
        storage.close()

    assert again["copied"] == ["a.css"]
    puts = moto_server.requests_to(s3_bucket, "PUT")
    assert puts.count(("PUT", f"/{s3_bucket}/static/a.css")) == 2
