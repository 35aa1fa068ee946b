"""collectstatic into a bucket when things go wrong: one clear line, exit 1, no half-publish."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from production_helpers import collectstatic, make_extra_tree, sources, write_config
from support.moto_server import MotoServer, make_client, new_bucket
from support.servers import free_port

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client


def config_for(tmp_path: Path, endpoint: str, bucket: str) -> Path:
    return write_config(
        tmp_path,
        storage="devstatic.storage.ManifestS3Storage",
        options={"bucket": bucket, "prefix": "static", "endpoint-url": endpoint},
        extra_dirs=(make_extra_tree(tmp_path),),
    )


def assert_one_line_error(stderr: str, *needles: str) -> None:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("error: "), stderr
    for needle in needles:
        assert needle in lines[0], stderr


def stored(client: S3Client, bucket: str) -> dict[str, bytes]:
    out: dict[str, bytes] = {}
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for item in page.get("Contents", []):
            out[item["Key"]] = client.get_object(Bucket=bucket, Key=item["Key"])["Body"].read()
    return out


def test_server_gone_mid_run_fails_in_one_line_publishes_no_manifest_and_rerun_completes(
    tmp_path: Path, moto_server_factory: Callable[[], MotoServer]
) -> None:
    server = moto_server_factory()
    client = make_client(server.endpoint)
    bucket = new_bucket(client)
    config = config_for(tmp_path, server.endpoint, bucket)
    found = sources(config)
    # Die while the hashed copies go up: after every original and three hashed files.
    server.stop_after_puts(len(found) + 3)

    failed = collectstatic(config)

    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert_one_line_error(failed.stderr, repr(bucket), server.endpoint)
    assert "Traceback" not in failed.stdout + failed.stderr
    server.start()  # the same endpoint comes back, with what it had stored
    partial = stored(client, bucket)
    assert "static/staticfiles.json" not in partial
    for name, source in found.items():
        assert partial[f"static/{name}"] == source.read_bytes()

    rerun = collectstatic(config)

    assert rerun.returncode == 0, rerun.stderr
    complete = stored(client, bucket)
    manifest = json.loads(complete["static/staticfiles.json"])
    assert set(manifest["paths"]) == set(found)
    for name, hashed in manifest["paths"].items():
        assert f"static/{hashed}" in complete, name


def test_busy_server_503s_are_retried_and_the_run_completes(
    tmp_path: Path, moto_server: MotoServer, s3_client: S3Client, s3_bucket: str
) -> None:
    config = config_for(tmp_path, moto_server.endpoint, s3_bucket)
    found = sources(config)
    moto_server.answer_busy(2)

    result = collectstatic(config)

    assert result.returncode == 0, result.stderr
    keys = set(stored(s3_client, s3_bucket))
    assert {f"static/{name}" for name in found} | {"static/staticfiles.json"} <= keys


def test_missing_bucket_is_one_line_naming_it_and_exit_1(
    tmp_path: Path, moto_server: MotoServer, aws_env: dict[str, str]
) -> None:
    config = config_for(tmp_path, moto_server.endpoint, "no-such-bucket")

    result = collectstatic(config)

    assert result.returncode == 1
    assert_one_line_error(result.stderr, "'no-such-bucket'", "does not exist", moto_server.endpoint)


def test_bad_credentials_are_one_line_naming_bucket_and_exit_1(
    tmp_path: Path, moto_server: MotoServer, s3_bucket: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # moto accepts any credentials until INITIAL_NO_AUTH_ACTION_COUNT requests were
    # made; at 0 it checks every access key against its IAM, which knows none of ours.
    import moto.settings

    monkeypatch.setattr(moto.settings, "INITIAL_NO_AUTH_ACTION_COUNT", 0)
    config = config_for(tmp_path, moto_server.endpoint, s3_bucket)

    result = collectstatic(config)

    assert result.returncode == 1
    assert_one_line_error(result.stderr, repr(s3_bucket), "InvalidAccessKeyId", "AWS_ACCESS_KEY_ID")


def test_unreachable_endpoint_is_one_line_naming_it_and_exit_1(
    tmp_path: Path, aws_env: dict[str, str]
) -> None:
    endpoint = f"http://127.0.0.1:{free_port()}"
    config = config_for(tmp_path, endpoint, "static-bucket")

    result = collectstatic(config)

    assert result.returncode == 1
    assert_one_line_error(result.stderr, "'static-bucket'", endpoint, "cannot connect")
