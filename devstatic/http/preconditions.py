"""Conditional requests: entity-tags, preconditions and If-Range (RFC 9110 §8.8.3, §13)."""

from __future__ import annotations

import enum
import re
from collections.abc import Iterator
from typing import Final

from devstatic.http.httpdate import parse_http_date

__all__ = [
    "Precondition",
    "evaluate_preconditions",
    "if_range_allows",
    "parse_entity_tags",
]

# One list member: optional weak prefix, then a quoted opaque-tag whose etagc are
# %x21 / %x23-7E / obs-text (RFC 9110 §8.8.3), then OWS up to a comma or the end. The
# character class cannot match DQUOTE, so the pattern is linear: no backtracking.
_MEMBER: Final = re.compile(r'[ \t]*(W/)?("[\x21\x23-\x7e\x80-\xff]*")[ \t]*(?:,|\Z)')
_OWS_OR_COMMA: Final = re.compile(r"[ \t,]*")
_ENTITY_TAG: Final = re.compile(r'(W/)?("[\x21\x23-\x7e\x80-\xff]*")')


class Precondition(enum.Enum):
    """The outcome of RFC 9110 §13.2.2: go on, answer 304, or answer 412."""

    PROCEED = "proceed"
    NOT_MODIFIED = "not_modified"
    FAILED = "failed"


def _iter_entity_tags(value: str) -> Iterator[tuple[bool, str]]:
    pos = 0
    end = len(value)
    while True:
        skipped = _OWS_OR_COMMA.match(value, pos)
        pos = skipped.end() if skipped else pos
        if pos >= end:
            return
        match = _MEMBER.match(value, pos)
        if match is not None:
            yield match.group(1) is not None, match.group(2)
            pos = match.end()
            continue
        # A malformed member (unquoted, bad characters, junk after the tag): skip to the
        # next comma. str.find keeps the whole scan linear in the field length.
        comma = value.find(",", pos)
        if comma < 0:
            return
        pos = comma + 1


def parse_entity_tags(value: str) -> list[tuple[bool, str]]:
    """The members of an ``#entity-tag`` list as ``(weak, '"opaque"')`` (RFC 9110 §8.8.3).

    Empty members and OWS around commas are allowed (RFC 9110 §5.6.1.2). A malformed
    member (an unquoted tag such as ``abc``, a control character, text after the closing
    quote) is skipped, up to the next comma, so it matches nothing: for ``If-Match`` that
    means 412 unless another member matches, for ``If-None-Match`` a full response. Commas
    inside quotes belong to the tag. Runs in linear time on any input.
    """
    return list(_iter_entity_tags(value))


def _split_own(etag: str) -> tuple[bool, str]:
    """Our own validator as ``(weak, '"opaque"')``."""
    if etag.startswith("W/"):
        return True, etag[2:]
    return False, etag


def _matches_any(field: str, etag: str, *, strong: bool) -> bool:
    """Whether ``field`` (``*`` or an entity-tag list) matches ``etag`` (RFC 9110 §8.8.3.2).

    ``*`` matches because the representation exists. Strong comparison needs both tags
    strong and equal; weak comparison ignores ``W/`` on either side.
    """
    if field.strip(" \t") == "*":
        return True
    own_weak, own_tag = _split_own(etag)
    if strong and own_weak:
        return False
    return any(tag == own_tag and not (strong and weak) for weak, tag in _iter_entity_tags(field))


def evaluate_preconditions(
    method: str,
    *,
    etag: str,
    last_modified: int,
    if_match: str | None,
    if_none_match: str | None,
    if_modified_since: str | None,
    if_unmodified_since: str | None,
    now: int | None = None,
) -> Precondition:
    """Evaluate the conditional headers in the order of RFC 9110 §13.2.2.

    1. ``If-Match`` (strong comparison, ``*``, lists): no match is ``FAILED`` (412).
    2. Without ``If-Match``, ``If-Unmodified-Since``: ``FAILED`` when ``last_modified`` is
       later than the date; ignored if it is not a valid HTTP-date (§13.1.4).
    3. ``If-None-Match`` (weak comparison, ``*``, lists): a match is ``NOT_MODIFIED`` (304)
       for GET and HEAD, ``FAILED`` for any other method.
    4. Without ``If-None-Match``, for GET and HEAD only, ``If-Modified-Since``:
       ``NOT_MODIFIED`` when ``last_modified`` is not later than the date; ignored if not
       a valid HTTP-date, or later than ``now`` when ``now`` is given (§13.1.3).

    ``None`` means the header is absent; a present but empty or all-malformed entity-tag
    list matches nothing. ``method`` is case-sensitive (RFC 9110 §9.1). ``etag`` is our
    full quoted validator (``"abc"``), ``last_modified`` and ``now`` POSIX seconds.
    """
    if if_match is not None:
        if not _matches_any(if_match, etag, strong=True):
            return Precondition.FAILED
    elif if_unmodified_since is not None:
        date = parse_http_date(if_unmodified_since, now=now)
        if date is not None and last_modified > date:
            return Precondition.FAILED

    safe = method in ("GET", "HEAD")
    if if_none_match is not None:
        if _matches_any(if_none_match, etag, strong=False):
            return Precondition.NOT_MODIFIED if safe else Precondition.FAILED
    elif safe and if_modified_since is not None:
        date = parse_http_date(if_modified_since, now=now)
        if date is not None and (now is None or date <= now) and last_modified <= date:
            return Precondition.NOT_MODIFIED
    return Precondition.PROCEED


def if_range_allows(if_range: str | None, *, etag: str, last_modified: int) -> bool:
    """Whether ``If-Range`` lets the ``Range`` header apply (RFC 9110 §13.1.5).

    True when the header is absent. An entity-tag must match ``etag`` strongly (a weak
    ``W/"..."`` never does); an HTTP-date must equal ``last_modified`` exactly. Anything
    else, lists and unparsable values included, is False: the client then gets the full
    200 instead of parts of a representation it may not have.
    """
    if if_range is None:
        return True
    value = if_range.strip(" \t")
    if value.startswith(('"', "W/")):
        match = _ENTITY_TAG.fullmatch(value)
        if match is None or match.group(1) is not None:
            return False
        own_weak, own_tag = _split_own(etag)
        return not own_weak and match.group(2) == own_tag
    return parse_http_date(value) == last_modified
