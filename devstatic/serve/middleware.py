"""``StaticFilesMiddleware``: serves static files under ``static_url`` in development.

Flow, one way: route (is the path under ``static_url``? live reload's own? a Host we
know?) → safe relative path (pure, fail closed) → resolve across finders (cached,
validated) → decide (pure, RFC 9110) → send (I/O). This module only routes and composes
the parts (``serve.hashed``, ``serve.files``, ``serve.not_found``, live reload); none of
them imports it or calls it back. Everything not under ``static_url`` reaches the
wrapped app untouched, with this middleware's debug value set for ``static()``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any, Unpack, cast
from urllib.parse import quote

from devstatic.collect.checks import log_startup_warnings
from devstatic.config.debug_guard import check_debug, request_debug
from devstatic.config.settings import Settings, SettingsOverrides
from devstatic.exceptions import ImproperlyConfigured
from devstatic.finders import get_finders
from devstatic.http.decide import RequestKey, request_key
from devstatic.http.hosts import refusal_text
from devstatic.http.paths import decode_request_path, safe_relative_path
from devstatic.livereload import INTERNAL, build_live_reload
from devstatic.serve.files import FileServing
from devstatic.serve.hashed import build_hashed_serving
from devstatic.serve.host_guard import HostGuard
from devstatic.serve.not_found import NotFound
from devstatic.serve.resolver import Resolver
from devstatic.serve.send import send_plain, send_prepared
from devstatic.serve.startup_refusal import StartupRefusal, built_lazily

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

logger = logging.getLogger("devstatic")

#: Distinct request paths whose decoding is remembered, and the longest one kept.
PATH_MEMO = 4096
PATH_MEMO_BYTES = 1024


class StaticFilesMiddleware:
    """ASGI middleware serving the finders' files under ``static_url``, in debug only.

    ``StaticFilesMiddleware(app, dirs=["static"])`` reads ``[tool.devstatic]`` from the
    nearest pyproject.toml and applies the keyword overrides; ``settings=`` takes a
    ready ``Settings`` instead (overrides still apply on top).
    """

    def __init__(
        self,
        app: ASGIApp,
        /,
        *,
        settings: Settings | None = None,
        **overrides: Unpack[SettingsOverrides],
    ) -> None:
        self.app = app
        try:
            if settings is None:
                settings = Settings.load(**overrides)
            elif overrides:
                settings = settings.replace(**overrides)
            self.settings = settings
            self.debug = check_debug(settings, app)
            self.finders = get_finders(settings)
        except ImproperlyConfigured as error:
            if not built_lazily():
                raise
            # Built by add_middleware inside the server's lifespan call: raising here
            # would leave the app up answering 500s (see devstatic.serve.startup_refusal).
            # This instance becomes the app that fails the startup with the message.
            self.__class__ = StartupRefusal  # type: ignore[assignment]
            cast(StartupRefusal, self).refuse(error)
            return
        log_startup_warnings(settings, logger)
        self.resolver = Resolver(self.finders, follow_symlinks=settings.follow_symlinks)
        self.prefix = settings.static_path
        self._prefix_forms = prefix_forms(self.prefix)
        #: ``raw_path`` -> safe relative path (pure, so memoised; bounded).
        self._names: dict[bytes, str | None] = {}
        self.files = FileServing(self.resolver)
        #: The files' whole answers, read here before routing: a reload's repeated
        #: requests skip routing, negotiation and deciding (``FileServing`` fills it).
        self._answers = self.files.answers
        self.not_found = NotFound(self.finders, settings.ignore_patterns, debug=self.debug)
        # Live reload shares the resolver's change feed: each folder is watched once.
        self.live = build_live_reload(
            settings, self.debug, self.finders, feed=self.resolver.change_feed
        )
        self.hosts = HostGuard(settings.allowed_hosts)
        #: Production's hashed names, served from the sources (``hashed_urls``), or ``None``.
        self.hashed = build_hashed_serving(settings, self.resolver, debug=self.debug)
        if self.hashed is not None and self.live is not None:
            # A reload event also carries the changed files' new hashed URLs.
            watcher = self.live.watcher
            watcher.publish = self.hashed.publishing_urls(watcher.publish)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(self.prefix):
            method = scope["method"]
            # DNS rebinding: refuse a Host we do not know before anything is looked up
            # or remembered (the answer memo below is keyed without the Host).
            refused = self.hosts.refused(scope)
            if refused is not None:
                self.hosts.log_refusal(refused)
                body = refusal_text(refused).encode()
                await send_plain(send, 403, body, head=method == "HEAD")
                return
            if method != "GET" and method != "HEAD":
                await send_plain(send, 405, b"Method Not Allowed\n", [(b"allow", b"GET, HEAD")])
                return
            # The hot path: a request answered before, for a file the change feed vouches
            # has not changed since. Two sends, nothing else.
            key = request_key(method, scope.get("headers", ()))
            known = self._answers.get((scope.get("raw_path"), key))
            if known is not None and self.resolver.vouches_for(known[0]):
                await send_prepared(send, known[1])
                return
            await self.serve(scope, receive, send, key)
            return
        # The wrapped app's turn: while it runs, static() and the template tags see this
        # middleware's debug value (request-scoped, so two apps never see each other's).
        token = request_debug.set(self.debug)
        try:
            await self._call_app(scope, receive, send)
        finally:
            request_debug.reset(token)

    async def _call_app(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Hand anything not under ``static_url`` to the app (through live reload if on)."""
        if scope["type"] == "lifespan":
            shut_down = False

            async def lifespan_receive() -> Message:
                nonlocal shut_down
                message = await receive()
                shut_down = shut_down or message["type"] == "lifespan.shutdown"
                return message

            if self.live is not None:
                await self.live.lifespan(scope, lifespan_receive, send, self.app)
            else:
                await self.app(scope, lifespan_receive, send)
            if shut_down:
                # Release the inotify descriptor now rather than at garbage collection
                # (reloaders and test suites create many middlewares). An app that
                # declines the lifespan protocol returns at once: then serving goes on.
                self.resolver.close()
            return
        if self.live is not None and scope["type"] == "http":
            await self.live.call_app(scope, receive, send, self.app)
            return
        await self.app(scope, receive, send)

    # -- serving ------------------------------------------------------------------------

    async def serve(self, scope: Scope, receive: Receive, send: Send, key: RequestKey) -> None:
        """Answer a GET or HEAD under ``static_url`` that the answer memo could not."""
        name = self.relative_path(scope)
        if name is None:
            await self.not_found.send(send, self._display_name(scope), key)
            return
        if name.startswith(INTERNAL):
            # Live reload's endpoints; with live reload off they do not exist (404).
            if self.live is not None and await self.live.serve_internal(name, scope, receive, send):
                return
            await self.not_found.send(send, name, key)
            return
        pathsend = "http.response.pathsend" in (scope.get("extensions") or ())
        if self.hashed is not None and await self.hashed.serve(
            name, key, send, receive=receive, pathsend=pathsend
        ):
            return
        injecting = self.live is not None and self.live.wants_injection(name)
        if injecting:
            assert self.live is not None
            scope, send = self.live.injecting(scope, send)
            pathsend = "http.response.pathsend" in (scope.get("extensions") or ())
        if not await self.files.serve(
            name,
            scope.get("raw_path"),
            key,
            send,
            receive=receive,
            pathsend=pathsend,
            remember=not injecting,
        ):
            await self.not_found.send(send, name, key)

    def relative_path(self, scope: Scope) -> str | None:
        """The safe relative path asked for, or ``None`` (404) for anything suspicious.

        ``raw_path`` is preferred so that an encoded ``%2f`` or ``%00`` is seen as such;
        a raw path that spells an ASCII prefix differently (percent-encoded) is refused.
        """
        raw = scope.get("raw_path")
        if raw is not None:
            if raw in self._names:
                return self._names[raw]
            prefix = next((p for p in self._prefix_forms if raw.startswith(p)), None)
            if prefix is None:
                return None
            name = decode_request_path(raw[len(prefix) :])
            if len(raw) > PATH_MEMO_BYTES:  # a hostile path is decoded, not kept
                return name
            if len(self._names) >= PATH_MEMO:
                self._names.clear()
            self._names[raw] = name
            return name
        path: str = scope["path"]
        return safe_relative_path(path[len(self.prefix) :])

    def _display_name(self, scope: Scope) -> str:
        path: str = scope["path"]
        return path[len(self.prefix) :][:200]


def prefix_forms(prefix: str) -> tuple[bytes, ...]:
    """How ``raw_path`` may spell ``prefix``: a non-ASCII ``static_url`` arrives
    percent-encoded from browsers (either hex case) and as UTF-8 from some clients."""
    quoted = quote(prefix, safe="/").encode("ascii")
    lower = re.sub(rb"%[0-9A-F]{2}", lambda m: m.group().lower(), quoted)
    return tuple(dict.fromkeys((prefix.encode("utf-8"), quoted, lower)))
