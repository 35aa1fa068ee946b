"""The middleware's live reload service: watcher, streams, client script, injection.

One service per middleware, so one watcher per process however many tabs are open. It
starts at lifespan startup, or at the first request when the server runs no lifespan,
and stops at lifespan shutdown or when the server is told to exit.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable, MutableMapping
from importlib.resources import files
from typing import Any

from devstatic.config.settings import Settings
from devstatic.finders import BaseFinder
from devstatic.http.decide import RequestInfo
from devstatic.http.preconditions import Precondition, evaluate_preconditions
from devstatic.ignore import IgnoreMatcher
from devstatic.livereload import EVENTS_PATH, SCRIPT_PATH, script_tag
from devstatic.livereload.events import Broadcaster, stream_events
from devstatic.livereload.feedwatch import FeedSource, LiveWatcher
from devstatic.livereload.inject import HtmlInjector, without_file_sending
from devstatic.livereload.loops import soon_on_this_loop
from devstatic.livereload.signals import chain_exit_signals
from devstatic.livereload.watcher import watch_roots

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

HTML_SUFFIXES = (".html", ".htm")


def client_script() -> bytes:
    """The bytes of ``reload.js`` (package data)."""
    return files("devstatic.livereload").joinpath("reload.js").read_bytes()


class LiveReload:
    """Everything live reload adds to ``StaticFilesMiddleware``."""

    def __init__(
        self, settings: Settings, finders: list[BaseFinder], feed: FeedSource | None = None
    ) -> None:
        self.settings = settings
        self.inject = settings.live_reload_inject
        self.tag = script_tag(settings).encode("utf-8")
        self.broadcaster = Broadcaster()
        self.watcher = LiveWatcher(
            watch_roots(finders),
            IgnoreMatcher(settings.ignore_patterns),
            self.broadcaster.publish,
            feed=feed,
        )
        self.script = client_script()
        self.script_etag = b'"' + hashlib.md5(self.script).hexdigest().encode() + b'"'
        self._started = False
        self._undo_signals: Callable[[], None] = lambda: None

    # -- lifecycle ----------------------------------------------------------------------

    def start(self) -> None:
        """Start the watcher on the running loop (once) and hear the server's exit signals."""
        if self._started:
            return
        self._started = True
        self.broadcaster.reopen()
        self.watcher.start()
        soon = soon_on_this_loop()  # the handler hands the work to the loop (asyncio or trio)
        self._undo_signals = chain_exit_signals(lambda: soon(self._end_streams))

    def _end_streams(self) -> None:
        self.broadcaster.close()
        self.watcher.request_stop()

    async def stop(self) -> None:
        """End every stream and stop the watcher (lifespan shutdown)."""
        self._undo_signals()
        self._undo_signals = lambda: None
        self.broadcaster.close()
        await self.watcher.stop()
        self._started = False

    async def lifespan(self, scope: Scope, receive: Receive, send: Send, app: ASGIApp) -> None:
        """Run the app's lifespan, starting the service at startup and stopping it at shutdown."""

        async def lifespan_receive() -> Message:
            message = await receive()
            if message["type"] == "lifespan.startup":
                self.start()
            elif message["type"] == "lifespan.shutdown":
                await self.stop()
            return message

        await app(scope, lifespan_receive, send)

    # -- requests -----------------------------------------------------------------------

    async def call_app(self, scope: Scope, receive: Receive, send: Send, app: ASGIApp) -> None:
        """Pass a request to the wrapped app, injecting the script into its pages if asked.

        Without a lifespan the watcher starts when a page first asks for the script or
        the event stream (``serve_internal``), not here: an app that never shows a page
        with the script (an API, a test client) never pays for a watcher.
        """
        if not self.inject or scope.get("method") not in ("GET", "HEAD"):
            await app(scope, receive, send)
            return
        scope, send = self.injecting(scope, send)
        await app(scope, receive, send)

    def injecting(self, scope: Scope, send: Send) -> tuple[Scope, Send]:
        """The scope and send to use for a response the script may be injected into."""
        injector = HtmlInjector(send, self.tag, head=scope.get("method") == "HEAD")
        return without_file_sending(scope), injector

    def wants_injection(self, name: str) -> bool:
        """Whether one of our own files (``name``, a served path) gets the script."""
        return self.inject and name.lower().endswith(HTML_SUFFIXES)

    async def serve_internal(self, name: str, scope: Scope, receive: Receive, send: Send) -> bool:
        """Answer ``__devstatic__/events`` and ``reload.js``; ``False`` for any other name."""
        head = scope.get("method") == "HEAD"
        if name == EVENTS_PATH:
            self.start()
            await stream_events(receive, send, self.broadcaster, head=head)
            return True
        if name == SCRIPT_PATH:
            self.start()
            await self.send_script(scope, send, head=head)
            return True
        return False

    async def send_script(self, scope: Scope, send: Send, *, head: bool) -> None:
        headers = [
            (b"content-type", b"text/javascript; charset=utf-8"),
            (b"cache-control", b"no-cache"),
            (b"etag", self.script_etag),
            (b"x-content-type-options", b"nosniff"),
        ]
        request = RequestInfo.from_headers(scope["method"], scope.get("headers", ()))
        outcome = evaluate_preconditions(
            request.method,
            etag=self.script_etag.decode("ascii"),
            last_modified=0,
            if_match=None,
            if_none_match=request.if_none_match,
            if_modified_since=None,
            if_unmodified_since=None,
        )
        if outcome is Precondition.NOT_MODIFIED:
            await send({"type": "http.response.start", "status": 304, "headers": headers})
            await send({"type": "http.response.body", "body": b""})
            return
        headers.append((b"content-length", str(len(self.script)).encode()))
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b"" if head else self.script})
