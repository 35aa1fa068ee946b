"""Fixtures of the import map tests: a real moto S3 server (see support/moto_server.py)."""

from support.moto_server import (  # noqa: F401
    aws_env,
    moto_server,
    s3_bucket,
    s3_client,
)
