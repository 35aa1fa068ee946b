"""Serving production's hashed names in development, cached forever, never stale.

A request for ``css/app.<hash>.css`` is answered here when ``<hash>`` is the hash
collectstatic would give ``css/app.css`` now: with the bytes collectstatic would write
(references rewritten) and ``Cache-Control: public, max-age=31536000, immutable``, so a
reload asks for nothing but what changed. The name is the version: a name whose hash no
longer matches (an old page, an old tab) gets a 404 that names the current one, never
other bytes that the browser would then keep for a year under the old name. A file that
is really called ``app.<hash>.css`` on disk is left to the plain path.

A precompressed ``.br``/``.gz`` sibling is offered only when the bytes sent are the
source's own: a sibling of a rewritten stylesheet holds the unrewritten text.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from urllib.parse import quote

from devstatic.config.settings import Settings
from devstatic.disk.blocking import run_blocking
from devstatic.http.decide import (
    ACCEPT_ENCODING,
    Decision,
    Prepared,
    RequestInfo,
    RequestKey,
    decide,
    reusable,
)
from devstatic.http.httpdate import format_http_date
from devstatic.http.mediatypes import content_type_for
from devstatic.links.hashed_names import (
    HashedNames,
    Named,
    hashed_urls_enabled,
    names_for,
    plain_name,
)
from devstatic.serve.representation import Representation, choose_representation
from devstatic.serve.resolver import SIBLINGS, Resolver
from devstatic.serve.send import (
    FileChanged,
    Receive,
    Send,
    prepare,
    send_decision,
    send_plain,
    send_prepared,
)

#: What production's hashed names get from ``devstatic nginx`` and CDNs: one year, never
#: revalidated (RFC 8246), since the name changes with the bytes.
IMMUTABLE = b"public, max-age=31536000, immutable"
#: Hashed files whose in-memory representation (and decided answers) is kept.
MAX_REPS = 4096
#: Distinct requests whose answer is kept per hashed file.
DECISIONS_PER_FILE = 16


def with_cache_control(decision: Decision, value: bytes) -> Decision:
    """``decision`` with its ``Cache-Control`` set to ``value`` (pure)."""
    headers = tuple((k, value if k == b"cache-control" else v) for k, v in decision.headers)
    return Decision(
        decision.status,
        headers,
        decision.body,
        decision.ranges,
        decision.part_heads,
        decision.closing,
    )


def stale_message(requested: str, plain: str, current: str, static_url: str) -> bytes:
    """The body of the 404 for an outdated hashed name: what it was, what it is now."""
    return (
        f"'{requested}' is an outdated name of '{plain}', whose content has changed; "
        f"it is now served as {static_url}{current}. Reload the page.\n"
    ).encode()


class HashedServing:
    """Answers hashed names from the sources (see the module doc)."""

    def __init__(self, names: HashedNames, resolver: Resolver, static_url: str) -> None:
        self.names = names
        self.resolver = resolver
        self.static_url = static_url
        self._reps: dict[str, tuple[Named, Representation]] = {}

    async def serve(
        self,
        name: str,
        key: RequestKey,
        send: Send,
        *,
        receive: Receive | None = None,
        pathsend: bool = False,
    ) -> bool:
        """Answer ``name`` if it is a hashed name (current or stale); ``False`` otherwise."""
        split = plain_name(name)
        if split is None:
            return False
        plain = split[0]
        for _attempt in range(3):
            peeked = self.names.peek(plain)
            named: Named = (
                peeked if peeked is not None else await run_blocking(self.names.lookup, plain)
            )
            if named.hashed != name:
                break
            try:
                if await self._send_current(named, key, send, receive, pathsend=pathsend):
                    return True
            except FileChanged:
                continue
            except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
                continue
        else:
            return False
        # Not the current name: a real file of that name is served as usual.
        if (self.resolver.hit(name) or await self.resolver.resolve(name)) is not None:
            return False
        if named.hashed is None:
            return False
        body = stale_message(name, plain, named.hashed, self.static_url)
        await send_plain(send, 404, body, head=key[0] == "HEAD")
        return True

    def _in_memory(self, named: Named, content: bytes) -> Representation:
        """One representation per answer, so its decisions memo serves repeated requests."""
        assert named.hashed is not None
        kept = self._reps.get(named.hashed)
        if kept is not None and kept[0] is named:
            return kept[1]
        rep = _in_memory(named, content)
        if len(self._reps) >= MAX_REPS:
            self._reps.clear()
        self._reps[named.hashed] = (named, rep)
        return rep

    def publishing_urls(self, publish: Callable[..., None]) -> Callable[[list[str]], None]:
        """Live reload's ``publish(paths)``, called on the loop, made to add the new URLs
        (``changed_urls``, computed in a worker thread: it may read files)."""

        from devstatic.livereload.feedwatch import _spawn

        def publish_with_urls(paths: list[str]) -> None:
            async def run() -> None:
                publish(paths, await run_blocking(self.changed_urls, paths))

            _spawn(run)

        return publish_with_urls

    def changed_urls(self, paths: list[str]) -> dict[str, str]:
        """For live reload (blocking): the current URL of each changed file and of each
        file renamed because it refers to one, so a page can swap an old hashed name."""
        urls: dict[str, str] = {}
        for name in self.names.affected(paths):
            named = self.names.lookup(name)
            if named.hashed is not None:
                urls[name] = self.static_url + quote(named.hashed)
        return urls

    async def _send_current(
        self,
        named: Named,
        key: RequestKey,
        send: Send,
        receive: Receive | None,
        *,
        pathsend: bool,
    ) -> bool:
        """Send the current hashed file; ``False`` when the resolver sees another version."""
        coding: str | None = None
        vary = False
        assert named.hashed is not None
        kept = self._reps.get(named.hashed)
        content = named.content
        if kept is not None and kept[0] is named:
            # Decided before for this very answer (a sibling added since only means the
            # same bytes go uncompressed until the source changes).
            content = kept[1].content
        elif content is None and named.source.data is not None and not _has_sibling(named):
            content = named.source.data  # the source's bytes, read when hashed
        if content is not None:
            rep = self._in_memory(named, content)
            content_type = content_type_for(named.name)
        else:
            entry = self.resolver.hit(named.name) or await self.resolver.resolve(named.name)
            if entry is None or entry.plain.version != named.source.version:
                return False
            # The source's file or its precompressed sibling: the bytes are the source's own.
            rep, coding = choose_representation(entry, key[1][ACCEPT_ENCODING])
            vary = entry.vary
            content_type = entry.content_type
        # Only our own representations keep answers: the resolver's keep its no-cache ones.
        own = content is not None
        memo = (key, coding, vary)
        known = rep.decisions.get(memo) if own else None
        if type(known) is Prepared:
            await send_prepared(send, known)
            return True
        request = RequestInfo.from_key(key)
        validators = rep.validators(content_type=content_type, content_encoding=coding, vary=vary)
        decision = with_cache_control(decide(request, validators, now=int(time.time())), IMMUTABLE)
        if own and reusable(request, decision):
            prepared = prepare(decision, rep, head=request.method == "HEAD")
            if prepared is not None:
                if len(rep.decisions) < DECISIONS_PER_FILE:
                    rep.decisions[memo] = prepared
                await send_prepared(send, prepared)
                return True
        await send_decision(
            send,
            decision,
            rep,
            head=request.method == "HEAD",
            pathsend=pathsend,
            receive=receive,
        )
        return True


def _has_sibling(named: Named) -> bool:
    """Whether the source has a ``.br``/``.gz`` sibling (then the resolver serves it)."""
    path = named.source.path
    return path is not None and any(os.path.exists(path + suffix) for _, suffix in SIBLINGS)


def _in_memory(named: Named, content: bytes) -> Representation:
    """The bytes to send (rewritten or the source's) as a representation: ETag from the
    hash in the name."""
    source = named.source
    assert source.version is not None and source.path is not None and named.hashed is not None
    mtime = int(source.version[3] // 1_000_000_000)
    digest = plain_name(named.hashed)
    etag = f'"{digest[1] if digest else ""}"'
    return Representation(
        path=source.path,
        size=len(content),
        version=source.version,
        etag=etag,
        mtime=mtime,
        last_modified=format_http_date(mtime),
        content=content,
        settled=True,
    )


def build_hashed_serving(
    settings: Settings, resolver: Resolver, *, debug: bool
) -> HashedServing | None:
    """Hashed-name serving for a middleware, when debug is on and ``hashed_urls`` too."""
    if not debug or not hashed_urls_enabled(settings):
        return None
    return HashedServing(names_for(settings), resolver, settings.static_url)
