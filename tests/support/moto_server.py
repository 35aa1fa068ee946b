"""A real S3-compatible server for the tests: moto's S3 over HTTP on a loopback port.

moto's WSGI app runs on werkzeug's threaded server in this process (what moto's own
``ThreadedMotoServer`` does), and boto3 in the tests and in ``collectstatic``
subprocesses talks to it over HTTP through ``endpoint_url``. In-process, the buckets
live in moto's module-level backends, so a test can stop the server in the middle of a
run and start it again on the same port with the objects still there, as a real S3
endpoint that went away and came back.

Fixtures: ``moto_server`` (one server for the session), ``aws_env`` (dummy
credentials), ``s3_client``, ``s3_bucket`` (a fresh bucket per test) and
``moto_server_factory`` (a private server a test may stop).
"""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

import pytest

from support.servers import free_port, wait_for_port

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client
    from werkzeug.serving import BaseWSGIServer

#: What every boto3 in the tests (and in collectstatic subprocesses) runs with.
AWS_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_EC2_METADATA_DISABLED": "true",
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
}

StartResponse = Callable[..., Any]

_SLOW_DOWN = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SlowDown</Code>'
    b"<Message>Please reduce your request rate.</Message></Error>"
)


class MotoServer:
    """moto's S3 on ``127.0.0.1:port``; ``stop()`` then ``start()`` keeps the buckets."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._puts_left: int | None = None
        self._dying = threading.Event()
        self.puts = 0
        self._busy_left = 0
        self._stopper: threading.Thread | None = None
        #: ``(method, path)`` of every request answered, for tests that count requests.
        self.requests: list[tuple[str, str]] = []

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 20.0) -> None:
        from moto.moto_server.werkzeug_app import (
            DomainDispatcherApplication,
            MotoRequestHandler,
            create_backend_app,
        )
        from werkzeug.serving import make_server

        if self._stopper is not None:  # a stop_after_puts() stop still closing the port
            self._stopper.join(10)
            self._stopper = None
        self._dying.clear()
        self._puts_left = None
        app = DomainDispatcherApplication(create_backend_app)
        self._server = make_server(
            "127.0.0.1",
            self.port,
            self._wrap(app),
            threaded=True,
            request_handler=_quiet(MotoRequestHandler),
        )
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        wait_for_port(self.port, None, timeout)

    def stop(self) -> None:
        """Stop listening and drop every open connection."""
        self._dying.set()
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.server_close()
        if self._thread is not None:
            self._thread.join(10)
            self._thread = None

    def requests_to(self, bucket: str, method: str | None = None) -> list[tuple[str, str]]:
        """The requests answered for ``bucket`` (optionally one method only), in order."""
        with self._lock:
            return [
                (m, p)
                for m, p in self.requests
                if (p == f"/{bucket}" or p.startswith(f"/{bucket}/")) and method in (None, m)
            ]

    def answer_busy(self, count: int) -> None:
        """Answer the next ``count`` requests with ``503 Slow Down``, as a busy S3 does."""
        with self._lock:
            self._busy_left = count

    def stop_after_puts(self, count: int) -> None:
        """Go away, as a crashed server does, once ``count`` more object PUTs succeeded."""
        with self._lock:
            self._puts_left = count

    def _wrap(self, app: Callable[[dict[str, Any], StartResponse], Iterable[bytes]]) -> Any:
        def wrapped(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
            if self._dying.is_set():
                # A keep-alive connection opened before the stop: reset it, send nothing.
                with contextlib.suppress(OSError):
                    environ["werkzeug.socket"].shutdown(socket.SHUT_RDWR)
                start_response("503 Service Unavailable", [("Content-Length", "0")])
                return []
            with self._lock:
                busy = self._busy_left > 0
                self._busy_left -= busy
            if busy:
                # What S3 answers when overloaded: a retryable 503 SlowDown.
                start_response("503 Slow Down", [("Content-Type", "application/xml")])
                return [_SLOW_DOWN]
            body = list(app(environ, start_response))
            method, path = environ["REQUEST_METHOD"], environ["PATH_INFO"]
            with self._lock:
                self.requests.append((method, path))
            if method == "PUT" and path.count("/") >= 2:
                with self._lock:
                    self.puts += 1
                    if self._puts_left is not None:
                        self._puts_left -= 1
                        if self._puts_left <= 0:
                            self._puts_left = None
                            self._dying.set()
                            self._stopper = threading.Thread(target=self.stop, daemon=True)
                            self._stopper.start()
            return body

        return wrapped


def _quiet(handler: type[Any]) -> type[Any]:
    """The request handler without its access log (one line per request on stderr)."""

    class QuietHandler(handler):  # type: ignore[misc,valid-type]
        def log_request(self, *args: Any) -> None:
            pass

    return QuietHandler


def make_client(endpoint: str) -> S3Client:
    import boto3

    session = boto3.session.Session(
        aws_access_key_id=AWS_ENV["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=AWS_ENV["AWS_SECRET_ACCESS_KEY"],
        aws_session_token=AWS_ENV["AWS_SESSION_TOKEN"],
        region_name=AWS_ENV["AWS_DEFAULT_REGION"],
    )
    return session.client("s3", endpoint_url=endpoint)


def new_bucket(client: S3Client) -> str:
    """A fresh bucket with a unique name (the session's server is shared)."""
    name = f"devstatic-{uuid.uuid4().hex[:12]}"
    client.create_bucket(Bucket=name)
    return name


@pytest.fixture(scope="session")
def moto_server() -> Iterator[MotoServer]:
    with _env(AWS_ENV):
        server = MotoServer()
        server.start()
        try:
            yield server
        finally:
            server.stop()


@pytest.fixture
def moto_server_factory() -> Iterator[Callable[[], MotoServer]]:
    """Private servers for tests that stop them; all stopped at the end."""
    started: list[MotoServer] = []

    def factory() -> MotoServer:
        server = MotoServer()
        server.start()
        started.append(server)
        return server

    with _env(AWS_ENV):
        yield factory
    for server in started:
        server.stop()


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Dummy credentials in the environment (boto3's usual chain finds them)."""
    for key, value in AWS_ENV.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    return dict(AWS_ENV)


@pytest.fixture
def s3_client(moto_server: MotoServer, aws_env: dict[str, str]) -> S3Client:
    return make_client(moto_server.endpoint)


@pytest.fixture
def s3_bucket(s3_client: S3Client) -> str:
    return new_bucket(s3_client)


@contextlib.contextmanager
def _env(values: dict[str, str]) -> Iterator[None]:
    old = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in old.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
