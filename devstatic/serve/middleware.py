"""``StaticFilesMiddleware``: serves static files under ``static_url`` in development.

Flow, one way: route (is the path under ``static_url``?) → safe relative path (pure,
fail closed) → resolve across finders (cached, validated) → decide (pure, RFC 9110)
→ send (I/O). Everything not under ``static_url`` reaches the wrapped app untouched.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any, Unpack, cast
from urllib.parse import quote

from devstatic.collect.checks import log_startup_warnings
from devstatic.config.debug_guard import check_debug
from devstatic.config.settings import Settings, SettingsOverrides
from devstatic.disk.blocking import run_blocking
from devstatic.exceptions import ImproperlyConfigured
from devstatic.finders import get_finders
from devstatic.http.decide import (
    ACCEPT_ENCODING,
    Decision,
    Prepared,
    RequestInfo,
    RequestKey,
    Validators,
    decide,
    request_key,
)
from devstatic.http.encoding import negotiate_encoding
from devstatic.http.hosts import refusal_text
from devstatic.http.paths import decode_request_path, safe_relative_path
from devstatic.livereload import INTERNAL, build_live_reload
from devstatic.serve.hashed import build_hashed_serving
from devstatic.serve.host_guard import HostGuard
from devstatic.serve.not_found import close_matches, debug_body, wants_html
from devstatic.serve.resolver import FileEntry, Representation, Resolver
from devstatic.serve.send import FileChanged, prepare, send_decision, send_prepared
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
#: Distinct requests whose decision is remembered per file version, and the most bytes
#: of header values a remembered request may carry (a hostile header is not kept).
DECISIONS_PER_FILE = 16
MEMO_KEY_BYTES = 8192
#: Distinct (path, request) pairs whose whole answer is remembered, and the bytes their
#: bodies may add up to (most share the resolver's cached content; this bounds the rest).
ANSWERS = 4096
ANSWER_BYTES = 16 * 1024 * 1024


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
        #: ``(raw_path, request key)`` -> the file and the whole answer sent for it, reused
        #: only while the resolver vouches for that file (watched, unchanged): a reload's
        #: repeated requests skip routing, negotiation and deciding. Emptied on any change.
        self._answers: dict[tuple[bytes | None, RequestKey], tuple[FileEntry, Prepared]] = {}
        self._answers_generation = -1
        self._answers_bytes = 0
        # Live reload shares the resolver's change feed: each folder is watched once.
        self.live = build_live_reload(
            settings, self.debug, self.finders, feed=self.resolver.change_feed
        )
        self.hosts = HostGuard(settings.allowed_hosts)
        #: Production's hashed names, served from the sources (``hashed_urls``), or ``None``.
        self.hashed = build_hashed_serving(self)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(self.prefix):
            method = scope["method"]
            # DNS rebinding: refuse a Host we do not know before anything is looked up
            # or remembered (the answer memo below is keyed without the Host).
            refused = self.hosts.refused(scope)
            if refused is not None:
                self.hosts.log_refusal(refused)
                body = refusal_text(refused).encode()
                await _plain(send, 403, body, head=method == "HEAD")
                return
            if method != "GET" and method != "HEAD":
                await _plain(send, 405, b"Method Not Allowed\n", [(b"allow", b"GET, HEAD")])
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
        method = key[0]
        raw: bytes | None = scope.get("raw_path")
        name = self.relative_path(scope)
        if name is None:
            await self.not_found(send, self._display_name(scope), key)
            return
        if name.startswith(INTERNAL):
            # Live reload's endpoints; with live reload off they do not exist (404).
            if self.live is not None and await self.live.serve_internal(name, scope, receive, send):
                return
            await self.not_found(send, name, key)
            return
        if self.hashed is not None and await self.hashed.serve(name, scope, receive, send, key):
            return
        injecting = self.live is not None and self.live.wants_injection(name)
        if injecting:
            assert self.live is not None
            scope, send = self.live.injecting(scope, send)
        for _attempt in range(3):
            entry = self.resolver.hit(name) or await self.resolver.resolve(name)
            if entry is None:
                break
            try:
                answer = await self.send_file(scope, send, entry, key, receive=receive)
            except FileChanged:
                # Replaced between validation and open: resolve again, then describe it anew.
                self.resolver.forget(name)
                continue
            except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
                self.resolver.forget(name)
                break
            except PermissionError:
                await _plain(send, 403, b"Forbidden\n", head=method == "HEAD")
                return
            if answer is not None and raw is not None and not injecting:
                self._remember_answer(raw, key, entry, answer)
            return
        await self.not_found(send, name, key)

    def _remember_answer(
        self, raw: bytes, key: RequestKey, entry: FileEntry, answer: Prepared
    ) -> None:
        generation = self.resolver.generation
        size = len(answer.body)
        if (
            generation != self._answers_generation
            or len(self._answers) >= ANSWERS
            or self._answers_bytes + size > ANSWER_BYTES
        ):
            # Answers for files from before a change can never be vouched for again, and
            # a full memo starts over rather than keep evicted files' bytes alive.
            self._answers.clear()
            self._answers_generation = generation
            self._answers_bytes = 0
        self._answers[raw, key] = (entry, answer)
        self._answers_bytes += size

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

    async def send_file(
        self,
        scope: Scope,
        send: Send,
        entry: FileEntry,
        key: RequestKey,
        receive: Receive | None = None,
    ) -> Prepared | None:
        """Negotiate the representation, decide, and send it; the answer if it was whole
        and may be sent again for the same request while the file is unchanged."""
        accept_encoding = key[1][ACCEPT_ENCODING]
        if entry.vary and accept_encoding is not None:
            rep, coding = choose_representation(entry, accept_encoding)
        else:
            rep, coding = entry.plain, None
        # The same request for the same file version gets the same answer (a reload's
        # dozens of identical conditional GETs): decide once, per representation. The
        # representation belongs to ``entry``, which was just found current.
        known = rep.decisions.get(key)
        if isinstance(known, Prepared):
            await send_prepared(send, known)
            return known
        request = RequestInfo.from_key(key)
        if known is not None:
            decision = known
        else:
            validators = Validators(
                size=rep.size,
                etag=rep.etag,
                mtime=rep.mtime,
                last_modified=rep.last_modified,
                content_type=entry.content_type,
                content_encoding=coding,
                vary=entry.vary,
            )
            decision = decide(request, validators, now=int(time.time()))
            if (
                entry.trusted
                and _reusable(request, decision)
                and len(rep.decisions) < DECISIONS_PER_FILE
                and sum(len(v) for v in key[1] if v is not None) <= MEMO_KEY_BYTES
            ):
                prepared = prepare(decision, rep, head=request.method == "HEAD")
                rep.decisions[key] = prepared or decision
                if prepared is not None:
                    await send_prepared(send, prepared)
                    return prepared
        await send_decision(
            send,
            decision,
            rep,
            head=request.method == "HEAD",
            pathsend="http.response.pathsend" in (scope.get("extensions") or ()),
            receive=receive,
        )
        return None

    async def not_found(self, send: Send, name: str, key: RequestKey) -> None:
        """404: in debug, the locations searched and close matches; else a bare line."""
        request = RequestInfo.from_key(key)
        if not self.debug:
            await _plain(send, 404, b"Not Found\n", head=request.method == "HEAD")
            return
        as_html = wants_html(request.accept)
        suggestions = await run_blocking(
            close_matches, name, self.finders, self.settings.ignore_patterns
        )
        body = debug_body(name, self.finders, suggestions, as_html=as_html)
        content_type = b"text/html; charset=utf-8" if as_html else b"text/plain; charset=utf-8"
        await _plain(send, 404, body, content_type=content_type, head=request.method == "HEAD")

    def _display_name(self, scope: Scope) -> str:
        path: str = scope["path"]
        return path[len(self.prefix) :][:200]


def prefix_forms(prefix: str) -> tuple[bytes, ...]:
    """How ``raw_path`` may spell ``prefix``: a non-ASCII ``static_url`` arrives
    percent-encoded from browsers (either hex case) and as UTF-8 from some clients."""
    quoted = quote(prefix, safe="/").encode("ascii")
    lower = re.sub(rb"%[0-9A-F]{2}", lambda m: m.group().lower(), quoted)
    return tuple(dict.fromkeys((prefix.encode("utf-8"), quoted, lower)))


def choose_representation(
    entry: FileEntry, accept_encoding: bytes
) -> tuple[Representation, str | None]:
    """The plain file or a precompressed sibling the client accepts (``br`` first)."""
    chosen = negotiate_encoding(accept_encoding.decode("latin-1"), tuple(entry.variants))
    if chosen is None:
        return entry.plain, None
    return entry.variants[chosen], chosen


def _reusable(request: RequestInfo, decision: Decision) -> bool:
    """Whether ``decision`` holds for the same request later: not when a date header
    was judged against the clock, nor for multipart (each gets a fresh boundary)."""
    return (
        request.if_modified_since is None
        and request.if_unmodified_since is None
        and decision.body != "multipart"
    )


async def _plain(
    send: Send,
    status: int,
    body: bytes,
    extra: list[tuple[bytes, bytes]] | None = None,
    *,
    content_type: bytes = b"text/plain; charset=utf-8",
    head: bool = False,
) -> None:
    headers = [
        (b"content-type", content_type),
        (b"content-length", str(len(body)).encode()),
        (b"cache-control", b"no-cache"),
        (b"x-content-type-options", b"nosniff"),
        *(extra or []),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": b"" if head else body})
