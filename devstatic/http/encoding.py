"""Content-coding negotiation for precompressed siblings (RFC 9110 §12.5.3, §8.4.1)."""

from __future__ import annotations

import functools
import re
from collections.abc import Collection
from typing import Final

__all__ = [
    "CODING_OF_SUFFIX",
    "PRECOMPRESSED",
    "SIBLINGS",
    "SUFFIX_OF_OPTION",
    "negotiate_encoding",
]

PRECOMPRESSED: Final = (("br", "br", ".br"), ("gz", "gzip", ".gz"))
"""THE table of precompressed siblings: ``(compress option, content coding, file suffix)``,
smaller first. Serving (which sibling to send), collecting (which to write) and the S3
headers (``Content-Encoding`` of an object) read it, so they cannot disagree."""

SIBLINGS: Final = tuple((coding, suffix) for _, coding, suffix in PRECOMPRESSED)
"""``(content coding, file suffix)`` in the order siblings are checked."""
CODING_OF_SUFFIX: Final = {suffix: coding for _, coding, suffix in PRECOMPRESSED}
"""File suffix to ``Content-Encoding`` (RFC 9110 §8.4)."""
SUFFIX_OF_OPTION: Final = {option: suffix for option, _, suffix in PRECOMPRESSED}
"""The ``compress`` storage option's spelling of a coding to its file suffix."""

_TOKEN: Final = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+", re.ASCII)
# qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )   (RFC 9110 §12.4.2)
_QVALUE: Final = re.compile(r"0(?:\.[0-9]{0,3})?|1(?:\.0{0,3})?", re.ASCII)
_ALIASES: Final = {"x-gzip": "gzip"}  # RFC 9110 §8.4.1.3: x-gzip is gzip.
_PREFERENCE: Final = tuple(coding for coding, _ in SIBLINGS)  # On equal q, the smaller first.


def _weight(parameters: list[str]) -> int:
    """The q-value in thousandths; a missing weight is 1, a malformed one 0."""
    if not parameters:
        return 1000
    if len(parameters) != 1:
        return 0
    name, equals, qvalue = parameters[0].strip(" \t").partition("=")
    if not equals or name.lower() != "q" or not _QVALUE.fullmatch(qvalue):
        return 0
    whole, _, fraction = qvalue.partition(".")
    return int(whole) * 1000 + int(fraction.ljust(3, "0"))


def _parse(accept_encoding: str) -> dict[str, int]:
    """Coding (lower case, aliases resolved) to q in thousandths; a repeat keeps the lowest."""
    weights: dict[str, int] = {}
    for member in accept_encoding.split(","):
        coding, *parameters = member.split(";")
        coding = coding.strip(" \t")
        if not _TOKEN.fullmatch(coding):
            continue
        coding = coding.lower()
        coding = _ALIASES.get(coding, coding)
        weight = _weight(parameters)
        weights[coding] = min(weight, weights.get(coding, weight))
    return weights


def _rank(coding: str) -> tuple[int, str]:
    if coding in _PREFERENCE:
        return _PREFERENCE.index(coding), coding
    return len(_PREFERENCE), coding


def negotiate_encoding(accept_encoding: str | None, available: Collection[str]) -> str | None:
    """The content coding to send from ``available``, or ``None`` for identity (§12.5.3).

    No header: ``None`` (the plain file; RFC 9110 allows any coding, but a client that
    sent nothing may not decode one). An empty header: ``None``. Otherwise each
    available coding gets its own q, or the q of ``*`` when it is not listed; q=0 excludes
    it; the highest q wins and ``br`` beats ``gzip`` on a tie. A member whose weight is
    malformed (``q=2``, ``q=0.1234``, ``q=abc``, another parameter) counts as q=0: the
    client named the coding but we cannot tell that it accepts it, and identity is always
    safe. Names are case-insensitive (the result is spelled as in ``available``),
    ``x-gzip`` means ``gzip``, and a coding listed twice keeps its lowest q. An explicit
    ``identity`` with a higher q than the best coding gives ``None``.
    """
    if accept_encoding is None:
        return None
    if len(accept_encoding) > _MEMO_LIMIT:  # a hostile header is not kept
        return _negotiate.__wrapped__(accept_encoding, tuple(available))
    return _negotiate(accept_encoding, tuple(available))


#: Longer ``Accept-Encoding`` values are negotiated every time, not remembered.
_MEMO_LIMIT = 1024


@functools.lru_cache(maxsize=256)
def _negotiate(accept_encoding: str, available: tuple[str, ...]) -> str | None:
    """``negotiate_encoding``, remembered: a browser sends the same header every time."""
    weights = _parse(accept_encoding)
    wildcard = weights.get("*", 0)
    spelled = {name.lower(): name for name in available}
    best: str | None = None
    best_weight = 0
    for coding in sorted(spelled, key=_rank):
        weight = weights.get(coding, wildcard)
        if weight > best_weight:
            best, best_weight = coding, weight
    if best is None or weights.get("identity", 0) > best_weight:
        return None
    return spelled[best]
