"""Byte ranges (RFC 9110 §14): parse the header, resolve it against the size, decide.

Each step can be wrong in only one way. ``parse_range_header`` knows the grammar and
nothing of the file; ``resolve_ranges`` knows the size and picks 200, 206 or 416; the
header and multipart helpers only format. ``int()`` is never used as a grammar: it
accepts ``+5``, ``1_0``, `` 7`` and non-ASCII digits (Arabic-Indic ``U+0661``), none of which are
``DIGIT``.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, Literal

__all__ = [
    "MAX_PARTS",
    "MAX_SPECS",
    "RangeDecision",
    "RangeSpec",
    "content_range",
    "make_boundary",
    "multipart_byteranges",
    "multipart_content_type",
    "parse_range_header",
    "resolve_ranges",
    "unsatisfied_content_range",
]

RangeSpec = tuple[int | None, int | None]
"""``(first, last)``, ``(first, None)`` or ``(None, suffix_length)``, as parsed."""

MAX_SPECS: Final = 100
"""More range-specs than this and the header is ignored (200): no client needs them."""

MAX_PARTS: Final = 50
"""More parts than this after merging and the header is ignored (200).

Each part costs ~100 bytes of headers, so many tiny ranges would make a 206 larger
than the whole file (RFC 9110 §14.1.1 lets a server ignore such sets).
"""

_HUGE: Final = 1 << 63
"""Positions beyond any real size are clamped here, so that ``int()`` never sees the
thousands of digits a hostile header can carry (and Python's digit limit never raises)."""

_INT_RANGE: Final = re.compile(r"([0-9]+)-([0-9]*)", re.ASCII)
_SUFFIX_RANGE: Final = re.compile(r"-([0-9]+)", re.ASCII)
_BOUNDARY: Final = re.compile(r"[0-9A-Za-z'()+_,./:=?-]{1,70}", re.ASCII)
_TOKEN_BOUNDARY: Final = re.compile(r"[0-9A-Za-z'+_.-]{1,70}", re.ASCII)


def _position(digits: str) -> tuple[int, str]:
    """``(value, normalised digits)``; the value is clamped, the digits are exact."""
    significant = digits.lstrip("0") or "0"
    if len(significant) > 19:  # 2**63 has 19 digits.
        return _HUGE, significant
    return min(int(significant), _HUGE), significant


def _not_after(first: str, last: str) -> bool:
    """``first <= last`` for normalised decimal strings of any length."""
    return (len(first), first) <= (len(last), last)


def parse_range_header(value: str) -> list[RangeSpec] | None:
    """The range-specs of a ``Range`` field, or ``None`` to ignore it (RFC 9110 §14.2).

    Returns ``(first, last)`` for ``a-b``, ``(first, None)`` for ``a-`` and
    ``(None, n)`` for ``-n``, in the order sent. ``None`` when the unit is not ``bytes``
    (compared case-insensitively), when a member is not exactly ``1*DIGIT "-" *DIGIT`` or
    ``"-" 1*DIGIT`` (no sign, ``_``, inner space or non-ASCII digit), when a range's last
    position is before its first (``bytes=5-1``), or when the set is empty. OWS is allowed
    after ``=`` and around commas, and empty list members are skipped (RFC 9110 §5.6.1.2,
    as in the RFC's own ``bytes= 0-999, 4500-5499, -1000``). Positions above 2**63 are
    clamped to 2**63. The number of members is not limited here: ``resolve_ranges``
    applies ``MAX_SPECS``.
    """
    unit, equals, range_set = value.strip(" \t").partition("=")
    if not equals or not unit.isascii() or unit.lower() != "bytes":
        return None
    specs: list[RangeSpec] = []
    for raw_member in range_set.split(","):
        member = raw_member.strip(" \t")
        if not member:
            continue
        if match := _INT_RANGE.fullmatch(member):
            first, first_digits = _position(match.group(1))
            if not match.group(2):
                specs.append((first, None))
                continue
            last, last_digits = _position(match.group(2))
            if not _not_after(first_digits, last_digits):
                return None
            specs.append((first, last))
        elif match := _SUFFIX_RANGE.fullmatch(member):
            specs.append((None, _position(match.group(1))[0]))
        else:
            return None
    return specs or None


@dataclass(frozen=True)
class RangeDecision:
    """What to answer to a ``Range`` request (RFC 9110 §14.2, §15.3.7, §15.5.17).

    ``full``: ignore the header, 200 with the whole representation. ``partial``: 206 with
    ``ranges``, inclusive ``(start, end)`` byte positions, ascending, within
    ``[0, size - 1]``, neither overlapping nor adjacent (one range: a single-part 206;
    several: ``multipart/byteranges``). ``unsatisfiable``: 416 with
    ``Content-Range: bytes */size``.
    """

    kind: Literal["full", "partial", "unsatisfiable"]
    ranges: tuple[tuple[int, int], ...] = ()


_FULL: Final = RangeDecision("full")
_UNSATISFIABLE: Final = RangeDecision("unsatisfiable")


def _is_valid(spec: RangeSpec) -> bool:
    first, last = spec
    if first is None:
        return last is not None and last >= 0
    return first >= 0 and (last is None or last >= first)


def resolve_ranges(specs: Sequence[RangeSpec], size: int) -> RangeDecision:
    """Resolve parsed range-specs against a representation of ``size`` bytes (§14.1.2).

    ``a-b`` is clipped to ``size - 1``; ``-n`` is the last ``n`` bytes (the whole file
    when ``n >= size``). A range that starts at or after ``size``, or ``-0``, is
    unsatisfiable and dropped; if none is left the answer is 416. For an empty file every
    range is unsatisfiable, so the answer is 416 ``bytes */0``, as RFC 9110 says (some
    servers send 200 instead). The rest are sorted and overlapping or adjacent ranges
    merged (§14.1.1 allows coalescing), so the parts never add up to more than ``size``.
    Abuse guard: more than ``MAX_SPECS`` specs, or more than ``MAX_PARTS`` ranges after
    merging, gives ``full`` (200). A spec that ``parse_range_header`` would never return
    (negative, last before first) also gives ``full``: the header is ignored.
    """
    if not specs or len(specs) > MAX_SPECS or not all(map(_is_valid, specs)):
        return _FULL
    satisfiable: list[tuple[int, int]] = []
    for first, last in specs:
        if first is not None:
            if first < size:
                satisfiable.append((first, size - 1 if last is None else min(last, size - 1)))
        elif last and size > 0:  # A suffix of length 0 (``-0``) is unsatisfiable.
            satisfiable.append((max(0, size - last), size - 1))
    if not satisfiable:
        return _UNSATISFIABLE
    satisfiable.sort()
    merged = [satisfiable[0]]
    for start, end in satisfiable[1:]:
        previous_start, previous_end = merged[-1]
        if start <= previous_end + 1:
            merged[-1] = (previous_start, max(previous_end, end))
        else:
            merged.append((start, end))
    if len(merged) > MAX_PARTS:
        return _FULL
    return RangeDecision("partial", tuple(merged))


def content_range(start: int, end: int, size: int) -> str:
    """``Content-Range`` of a 206 or of one part: ``bytes start-end/size`` (§14.4)."""
    return f"bytes {start}-{end}/{size}"


def unsatisfied_content_range(size: int) -> str:
    """``Content-Range`` of a 416: ``bytes */size`` (RFC 9110 §14.4, §15.5.17)."""
    return f"bytes */{size}"


def make_boundary() -> str:
    """A random multipart boundary (RFC 2046 §5.1.1): 32 hex digits, a valid token.

    Random, so that no file can contain the delimiter line by chance or by design.
    """
    return secrets.token_hex(16)


def multipart_content_type(boundary: str) -> str:
    """The 206 ``Content-Type`` for ``boundary`` (RFC 9110 §14.6), quoted if not a token."""
    if _TOKEN_BOUNDARY.fullmatch(boundary):
        return f"multipart/byteranges; boundary={boundary}"
    return f'multipart/byteranges; boundary="{boundary}"'


def multipart_byteranges(
    ranges: tuple[tuple[int, int], ...],
    size: int,
    content_type: str,
    boundary: str,
) -> tuple[list[bytes], bytes, int]:
    """Framing of a ``multipart/byteranges`` body (RFC 9110 §14.6), laid out as nginx does.

    Returns ``(part_headers, closing, content_length)``. The body is::

        for i, (start, end) in enumerate(ranges):
            part_headers[i]              # b"\\r\\n--B\\r\\nContent-Type: T\\r\\n"
                                         # b"Content-Range: bytes a-b/size\\r\\n\\r\\n"
            file[start : end + 1]        # the bytes of range i, nothing after them
        closing                          # b"\\r\\n--B--\\r\\n"

    Every delimiter, the first included, starts with its own CRLF (for the first it is
    an empty preamble, RFC 2046 §5.1.1), so the data of each part is sent as is and
    nothing goes between parts. ``content_length`` is the exact length of that body.
    Raises ``ValueError`` for a boundary that is not 1-70 RFC 2046 characters without
    spaces, or a content type holding CR or LF (header injection).
    """
    if not _BOUNDARY.fullmatch(boundary):
        raise ValueError(f"invalid multipart boundary {boundary!r}")
    if "\r" in content_type or "\n" in content_type:
        raise ValueError(f"invalid content type {content_type!r}")
    part_headers = [
        (
            f"\r\n--{boundary}\r\n"
            f"Content-Type: {content_type}\r\n"
            f"Content-Range: {content_range(start, end, size)}\r\n\r\n"
        ).encode("latin-1")
        for start, end in ranges
    ]
    closing = f"\r\n--{boundary}--\r\n".encode("ascii")
    content_length = (
        sum(map(len, part_headers)) + sum(end - start + 1 for start, end in ranges) + len(closing)
    )
    return part_headers, closing, content_length
