"""Serving a file by its own name: resolve → choose a representation → decide → send.

``FileServing.serve`` is what the middleware hands a safe relative path to once routing
is done. It keeps two memos, both reused only while the resolver vouches for the file:
each representation's decided answers per request (a reload's dozens of identical
conditional GETs are decided once), and the whole answers per ``(raw_path, request)``,
which the middleware reads before routing (two ``send`` calls and nothing else).
"""

from __future__ import annotations

import time

from devstatic.http.decide import (
    ACCEPT_ENCODING,
    Prepared,
    RequestInfo,
    RequestKey,
    Validators,
    decide,
    reusable,
)
from devstatic.serve.representation import FileEntry, choose_representation
from devstatic.serve.resolver import Resolver
from devstatic.serve.send import (
    FileChanged,
    Receive,
    Send,
    prepare,
    send_decision,
    send_plain,
    send_prepared,
)

__all__ = ["ANSWERS", "ANSWER_BYTES", "DECISIONS_PER_FILE", "MEMO_KEY_BYTES", "FileServing"]

#: Distinct requests whose decision is remembered per file version, and the most bytes
#: of header values a remembered request may carry (a hostile header is not kept).
DECISIONS_PER_FILE = 16
MEMO_KEY_BYTES = 8192
#: Distinct (path, request) pairs whose whole answer is remembered, and the bytes their
#: bodies may add up to (most share the resolver's cached content; this bounds the rest).
ANSWERS = 4096
ANSWER_BYTES = 16 * 1024 * 1024

#: What ``answers`` maps ``(raw_path, request key)`` to: the file and the answer sent.
Answers = dict[tuple[bytes | None, RequestKey], tuple[FileEntry, Prepared]]


class FileServing:
    """Answers a path with the file the resolver finds for it (see the module doc)."""

    def __init__(self, resolver: Resolver) -> None:
        self.resolver = resolver
        #: ``(raw_path, request key)`` -> the file and the whole answer sent for it, reused
        #: only while the resolver vouches for that file (watched, unchanged). Emptied on
        #: any change.
        self.answers: Answers = {}
        self._answers_generation = -1
        self._answers_bytes = 0

    async def serve(
        self,
        name: str,
        raw: bytes | None,
        key: RequestKey,
        send: Send,
        *,
        receive: Receive | None = None,
        pathsend: bool = False,
        remember: bool = True,
    ) -> bool:
        """Send the file served as ``name``; ``False`` (nothing sent) when there is none.

        ``remember=False`` keeps the answer out of ``answers`` (a ``send`` that rewrites
        the body, such as live reload's injection, must not have its input replayed).
        """
        method = key[0]
        for _attempt in range(3):
            entry = self.resolver.hit(name) or await self.resolver.resolve(name)
            if entry is None:
                return False
            try:
                answer = await self.send_file(send, entry, key, receive=receive, pathsend=pathsend)
            except FileChanged:
                # Replaced between validation and open: resolve again, then describe it anew.
                self.resolver.forget(name)
                continue
            except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
                self.resolver.forget(name)
                return False
            except PermissionError:
                await send_plain(send, 403, b"Forbidden\n", head=method == "HEAD")
                return True
            if answer is not None and raw is not None and remember:
                self.remember(raw, key, entry, answer)
            return True
        return False

    def remember(self, raw: bytes, key: RequestKey, entry: FileEntry, answer: Prepared) -> None:
        """Keep ``answer`` for the same ``raw_path`` and request, within the bounds."""
        generation = self.resolver.generation
        size = len(answer.body)
        if (
            generation != self._answers_generation
            or len(self.answers) >= ANSWERS
            or self._answers_bytes + size > ANSWER_BYTES
        ):
            # Answers for files from before a change can never be vouched for again, and
            # a full memo starts over rather than keep evicted files' bytes alive.
            self.answers.clear()
            self._answers_generation = generation
            self._answers_bytes = 0
        self.answers[raw, key] = (entry, answer)
        self._answers_bytes += size

    async def send_file(
        self,
        send: Send,
        entry: FileEntry,
        key: RequestKey,
        *,
        receive: Receive | None = None,
        pathsend: bool = False,
    ) -> Prepared | None:
        """Negotiate the representation, decide, and send it; the answer if it was whole
        and may be sent again for the same request while the file is unchanged."""
        rep, coding = choose_representation(entry, key[1][ACCEPT_ENCODING])
        # The same request for the same file version gets the same answer: decide once,
        # per representation. The representation belongs to ``entry``, just found current.
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
                and reusable(request, decision)
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
            pathsend=pathsend,
            receive=receive,
        )
        return None
