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
    Decision,
    Prepared,
    RequestInfo,
    RequestKey,
    decide,
    reusable,
)
from devstatic.serve.representation import FileEntry, Representation, choose_representation
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
        head = key[0] == "HEAD"
        for _attempt in range(3):
            entry = self.resolver.hit(name) or await self.resolver.resolve(name)
            if entry is None:
                return False
            answer = self.answer(entry, key)
            try:
                if isinstance(answer, Prepared):
                    await send_prepared(send, answer)
                else:
                    decision, rep = answer
                    await send_decision(
                        send, decision, rep, head=head, pathsend=pathsend, receive=receive
                    )
            except FileChanged:
                # Replaced between validation and open: resolve again, then describe it anew.
                self.resolver.forget(name)
                continue
            except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
                self.resolver.forget(name)
                return False
            except PermissionError:
                await send_plain(send, 403, b"Forbidden\n", head=head)
                return True
            if remember and raw is not None and isinstance(answer, Prepared):
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

    def answer(
        self, entry: FileEntry, key: RequestKey
    ) -> Prepared | tuple[Decision, Representation]:
        """The answer to ``key`` from ``entry`` (just found current): whole, when every
        byte is known and it may be sent again for the same request while the file is
        unchanged; else the decision and the representation whose file gives the body.

        The same request for the same file version gets the same answer: it is decided
        once per representation (a reload's dozens of identical conditional GETs).
        """
        rep, coding = choose_representation(entry, key[1][ACCEPT_ENCODING])
        known = rep.decisions.get(key)
        if isinstance(known, Prepared):
            return known
        if known is not None:
            return known, rep
        request = RequestInfo.from_key(key)
        validators = rep.validators(
            content_type=entry.content_type, content_encoding=coding, vary=entry.vary
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
                return prepared
        return decision, rep
