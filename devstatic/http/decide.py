"""Deciding the response for a static file: pure logic over plain values.

Given what the client asked (method and the few headers that matter) and what we have
(a representation's size and validators), choose the status, the headers and which
bytes to send, following RFC 9110 section 13.2.2 (preconditions, in order) and
section 14 (ranges: parse, then resolve against the size, then decide). No ASGI, no
file system, no clock: the caller passes ``now``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal, NamedTuple

from devstatic.http.preconditions import Precondition, evaluate_preconditions, if_range_allows
from devstatic.http.ranges import (
    content_range,
    make_boundary,
    multipart_byteranges,
    parse_range_header,
    resolve_ranges,
    unsatisfied_content_range,
)

Header = tuple[bytes, bytes]

#: Header name -> position of its field in ``RequestInfo`` after ``method``.
_WANTED: dict[bytes, int] = {
    name: index
    for index, name in enumerate(
        (
            b"if-match",
            b"if-none-match",
            b"if-modified-since",
            b"if-unmodified-since",
            b"if-range",
            b"range",
            b"accept-encoding",
            b"accept",
        )
    )
}
_NO_VALUES: tuple[bytes | None, ...] = (None,) * len(_WANTED)
_new_tuple = tuple.__new__


class RequestInfo(NamedTuple):
    """The parts of a request that decide a static response.

    A ``NamedTuple`` rather than a dataclass: it is built on every request and used as
    the key of the per-file decision memo, and a tuple's hash and equality run in C.
    """

    method: str
    if_match: str | None = None
    if_none_match: str | None = None
    if_modified_since: str | None = None
    if_unmodified_since: str | None = None
    if_range: str | None = None
    range: str | None = None
    accept_encoding: str | None = None
    accept: str | None = None

    @classmethod
    def from_headers(cls, method: str, headers: Iterable[tuple[bytes, bytes]]) -> RequestInfo:
        """Pick our headers out of ASGI's list (see ``request_key``)."""
        return cls.from_key(request_key(method, headers))

    @classmethod
    def from_key(cls, key: RequestKey) -> RequestInfo:
        """The decoded form of a ``request_key`` (only needed when a response is decided)."""
        # ``tuple.__new__`` skips the generated ``__new__`` (a Python call per request).
        method, values = key
        return _new_tuple(
            cls, (method, *[None if v is None else v.decode("latin-1") for v in values])
        )


#: ``(method, raw header values in RequestInfo's field order)``: all that decides a
#: static response, cheap to build, hash and compare on every request.
RequestKey = tuple[str, tuple[bytes | None, ...]]


def request_key(method: str, headers: Iterable[tuple[bytes, bytes]]) -> RequestKey:
    """Pick our headers out of ASGI's list; repeated ones are joined with ``, ``
    (RFC 9110 section 5.3), so ``If-None-Match`` sent twice counts as one list.

    ASGI servers send lowercase names; ``lower()`` runs only for one that is not.
    """
    values: list[bytes | None] | None = None
    for raw_name, raw_value in headers:
        index = _WANTED.get(raw_name)
        if index is None:
            if raw_name.islower():
                continue
            index = _WANTED.get(raw_name.lower())
            if index is None:
                continue
        if values is None:
            values = [None] * len(_WANTED)
        seen = values[index]
        values[index] = raw_value if seen is None else seen + b", " + raw_value
    if values is None:
        return method, _NO_VALUES
    return method, tuple(values)


#: Where ``Accept-Encoding`` sits in a ``RequestKey``'s values.
ACCEPT_ENCODING = _WANTED[b"accept-encoding"]


@dataclass(frozen=True, slots=True)
class Validators:
    """What we know of the representation about to be sent."""

    size: int
    etag: str
    mtime: int
    last_modified: str
    content_type: str
    content_encoding: str | None = None
    vary: bool = False


@dataclass(frozen=True, slots=True)
class Decision:
    """The response to send: status, headers and the body plan.

    ``body`` is ``"none"`` (304, 412, 416, HEAD), ``"full"`` (the whole file),
    ``"ranges"`` (one range, ``ranges[0]``) or ``"multipart"`` (``part_heads[i]`` then
    the bytes of ``ranges[i]`` for each part, then ``closing``).
    """

    status: int
    #: A tuple: decisions are kept and shared between requests, so nobody may edit them.
    headers: tuple[Header, ...]
    body: Literal["none", "full", "ranges", "multipart"]
    ranges: tuple[tuple[int, int], ...] = ()
    part_heads: tuple[bytes, ...] = ()
    closing: bytes = b""


class Prepared(NamedTuple):
    """A decided response whose every byte is known: status, headers and body.

    Kept per file version for repeated identical requests, so a reload's conditional
    GETs cost two ``send`` calls and no decision, copy or read.
    """

    status: int
    headers: tuple[Header, ...]
    body: bytes


def reusable(request: RequestInfo, decision: Decision) -> bool:
    """Whether ``decision`` holds for the same request later, so it may be remembered:
    not when a date header was judged against the clock, nor for multipart (each gets a
    fresh boundary)."""
    return (
        request.if_modified_since is None
        and request.if_unmodified_since is None
        and decision.body != "multipart"
    )


def common_headers(v: Validators) -> list[Header]:
    """Validators and caching headers that every 200, 206 and 304 carries."""
    headers: list[Header] = [
        (b"etag", v.etag.encode("latin-1")),
        (b"last-modified", v.last_modified.encode("latin-1")),
        (b"cache-control", b"no-cache"),
    ]
    if v.vary:
        headers.append((b"vary", b"Accept-Encoding"))
    return headers


def decide(request: RequestInfo, v: Validators, *, now: int | None = None) -> Decision:
    """The response for a GET or HEAD of a representation described by ``v``."""
    outcome = evaluate_preconditions(
        request.method,
        etag=v.etag,
        last_modified=v.mtime,
        if_match=request.if_match,
        if_none_match=request.if_none_match,
        if_modified_since=request.if_modified_since,
        if_unmodified_since=request.if_unmodified_since,
        now=now,
    )
    if outcome is Precondition.NOT_MODIFIED:
        return Decision(304, tuple(common_headers(v)), "none")
    if outcome is Precondition.FAILED:
        return Decision(412, tuple(_empty_body_headers(v)), "none")

    entity = _entity_headers(v)
    if request.range is not None and if_range_allows(
        request.if_range, etag=v.etag, last_modified=v.mtime
    ):
        specs = parse_range_header(request.range)
        if specs is not None:
            resolved = resolve_ranges(specs, v.size)
            if resolved.kind == "unsatisfiable":
                headers = (
                    (b"content-range", unsatisfied_content_range(v.size).encode()),
                    *_empty_body_headers(v),
                )
                return Decision(416, headers, "none")
            if resolved.kind == "partial":
                return _partial(resolved.ranges, v, entity)
    headers = (
        (b"content-type", v.content_type.encode("latin-1")),
        (b"content-length", str(v.size).encode()),
        *entity,
    )
    return Decision(200, headers, "full")


def _partial(ranges: tuple[tuple[int, int], ...], v: Validators, entity: list[Header]) -> Decision:
    if len(ranges) == 1:
        start, end = ranges[0]
        headers = (
            (b"content-type", v.content_type.encode("latin-1")),
            (b"content-length", str(end - start + 1).encode()),
            (b"content-range", content_range(start, end, v.size).encode()),
            *entity,
        )
        return Decision(206, headers, "ranges", ranges)
    boundary = make_boundary()
    heads, closing, total = multipart_byteranges(ranges, v.size, v.content_type, boundary)
    headers = (
        (b"content-type", f"multipart/byteranges; boundary={boundary}".encode()),
        (b"content-length", str(total).encode()),
        *entity,
    )
    return Decision(206, headers, "multipart", ranges, tuple(heads), closing)


def _entity_headers(v: Validators) -> list[Header]:
    headers = common_headers(v)
    headers.append((b"accept-ranges", b"bytes"))
    headers.append((b"x-content-type-options", b"nosniff"))
    if v.content_encoding:
        headers.append((b"content-encoding", v.content_encoding.encode("latin-1")))
    return headers


def _empty_body_headers(v: Validators) -> list[Header]:
    """Headers of a 412 or 416: no body, and ``Vary`` when the name has siblings, since
    which representation failed depends on ``Accept-Encoding`` (RFC 9110 section 12.5.5)."""
    headers: list[Header] = [
        (b"content-type", b"text/plain; charset=utf-8"),
        (b"content-length", b"0"),
    ]
    if v.vary:
        headers.append((b"vary", b"Accept-Encoding"))
    return headers
