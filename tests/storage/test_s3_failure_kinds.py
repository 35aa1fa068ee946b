"""botocore's failures, sorted in one place: what the user is told and what stops a run."""

from __future__ import annotations

import botocore.exceptions as botocore
import pytest

from devstatic.storage.s3 import _failure_kind, _is_fatal, _is_missing_key


def answer(code: str) -> BaseException:
    return botocore.ClientError({"Error": {"Code": code, "Message": "m"}}, "HeadObject")


@pytest.mark.parametrize(
    ("exc", "kind", "fatal", "missing_key"),
    [
        (answer("NoSuchKey"), "answer", False, True),
        (answer("404"), "answer", True, True),
        (answer("NoSuchBucket"), "answer", True, False),
        (answer("AccessDenied"), "answer", True, False),
        (answer("SlowDown"), "answer", False, False),
        (botocore.NoCredentialsError(), "no-credentials", True, False),
        (
            botocore.PartialCredentialsError(provider="env", cred_var="x"),
            "no-credentials",
            True,
            False,
        ),
        (botocore.EndpointConnectionError(endpoint_url="http://x"), "unreachable", True, False),
        (botocore.ConnectTimeoutError(endpoint_url="http://x"), "unreachable", True, False),
        (botocore.ReadTimeoutError(endpoint_url="http://x"), "stopped", True, False),
        (botocore.ConnectionClosedError(endpoint_url="http://x"), "stopped", True, False),
        (ValueError("x"), "other", False, False),
    ],
)
def test_failure_kinds(exc: BaseException, kind: str, fatal: bool, missing_key: bool) -> None:
    assert _failure_kind(exc) == kind
    assert _is_fatal(exc) is fatal
    assert _is_missing_key(exc) is missing_key
