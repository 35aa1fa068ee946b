"""Byte ranges (RFC 9110 §14): parse, resolve against the size, multipart framing."""

from __future__ import annotations

import email.parser
import email.policy
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from devstatic.http.ranges import (
    MAX_PARTS,
    MAX_SPECS,
    RangeDecision,
    content_range,
    make_boundary,
    multipart_byteranges,
    multipart_content_type,
    parse_range_header,
    resolve_ranges,
    unsatisfied_content_range,
)

RangeSpec = tuple[int | None, int | None]

# RFC 9110 §14.1.2 examples, for a representation of 10000 bytes.
RFC_SIZE = 10_000
RFC_EXAMPLES: list[tuple[str, list[RangeSpec], tuple[tuple[int, int], ...]]] = [
    ("bytes=0-499", [(0, 499)], ((0, 499),)),
    ("bytes=500-999", [(500, 999)], ((500, 999),)),
    ("bytes=-500", [(None, 500)], ((9500, 9999),)),
    ("bytes=9500-", [(9500, None)], ((9500, 9999),)),
    ("bytes=0-0,-1", [(0, 0), (None, 1)], ((0, 0), (9999, 9999))),
    (
        "bytes= 0-999, 4500-5499, -1000",
        [(0, 999), (4500, 5499), (None, 1000)],
        ((0, 999), (4500, 5499), (9000, 9999)),
    ),
    ("bytes=500-600,601-999", [(500, 600), (601, 999)], ((500, 999),)),
    ("bytes=500-700,601-999", [(500, 700), (601, 999)], ((500, 999),)),
]


@pytest.mark.parametrize(("header", "specs", "resolved"), RFC_EXAMPLES)
def test_rfc_9110_examples(
    header: str, specs: list[RangeSpec], resolved: tuple[tuple[int, int], ...]
) -> None:
    assert parse_range_header(header) == specs
    assert resolve_ranges(specs, RFC_SIZE) == RangeDecision("partial", resolved)


@pytest.mark.parametrize(
    ("header", "specs"),
    [
        ("BYTES=0-1", [(0, 1)]),  # the unit is case-insensitive
        ("Bytes=1-", [(1, None)]),
        ("bytes=0-0", [(0, 0)]),
        ("bytes=007-010", [(7, 10)]),
        ("bytes=-0", [(None, 0)]),  # valid syntax; unsatisfiable when resolved
        ("bytes=5-5,1-2", [(5, 5), (1, 2)]),  # order kept; resolve sorts
        ("bytes=1-2,,\t,3-4", [(1, 2), (3, 4)]),  # empty list members are skipped
        (" bytes=1-2 ", [(1, 2)]),
        ("bytes=1-2 ,\t3-4", [(1, 2), (3, 4)]),
        ("bytes=99999999999999999999-", [(1 << 63, None)]),  # clamped
        ("bytes=9223372036854775807-", [((1 << 63) - 1, None)]),  # exact below 2**63
        ("bytes=9223372036854775809-", [(1 << 63, None)]),
        ("bytes=0-" + "9" * 5000, [(0, 1 << 63)]),  # past Python's int() digit limit
        ("bytes=-" + "9" * 5000, [(None, 1 << 63)]),
        ("bytes=" + "0" * 5000 + "1-2", [(1, 2)]),
    ],
)
def test_parse_range_header_accepts(header: str, specs: list[RangeSpec]) -> None:
    assert parse_range_header(header) == specs


@pytest.mark.parametrize(
    "header",
    [
        "",
        "bytes",
        "bytes=",
        "bytes=,",
        "bytes= , ",
        "=0-1",
        "items=0-1",  # another unit
        "none=0-1",
        "bytes =0-1",
        "bytes:0-1",
        "0-1",
        "bytes=5-1",  # last before first
        "bytes=0-1,5-1",
        "bytes=100000000000000000001-100000000000000000000",  # compared exactly
        "bytes=1-2-3",
        "bytes=--1",
        "bytes=-",
        "bytes=-1-2",
        "bytes=+1-2",
        "bytes=1-+2",
        "bytes=1_0-20",
        "bytes=0x10-20",
        "bytes=1 -2",
        "bytes=1- 2",
        "bytes=1 2-3",
        "bytes=a-b",
        "bytes=1.5-2",
        "bytes=\u0661-2",  # Arabic-Indic one
        "bytes=1-\u0662",
        "bytes=\uff11-2",  # fullwidth one
        "bytes=\u00b9-2",  # superscript one: str.isdigit() says True
        "bytes=0-1;x",
        "bytes=0-1\x00",
        "bytes=0-1\n",
        "bytes=0-1 bytes=2-3",
        "bytes=0-1, items=2-3",
        "bytes\u212a=0-1",
    ],
)
def test_parse_range_header_ignores_malformed(header: str) -> None:
    assert parse_range_header(header) is None


@pytest.mark.parametrize(
    ("specs", "size", "expected"),
    [
        # Clipping.
        ([(0, 20_000)], 100, RangeDecision("partial", ((0, 99),))),
        ([(0, None)], 100, RangeDecision("partial", ((0, 99),))),
        ([(99, None)], 100, RangeDecision("partial", ((99, 99),))),
        ([(None, 100)], 100, RangeDecision("partial", ((0, 99),))),
        ([(None, 500)], 100, RangeDecision("partial", ((0, 99),))),
        ([(None, 1 << 63)], 100, RangeDecision("partial", ((0, 99),))),
        # Unsatisfiable members are dropped; none left is 416.
        ([(100, None)], 100, RangeDecision("unsatisfiable")),
        ([(100, 200)], 100, RangeDecision("unsatisfiable")),
        ([(None, 0)], 100, RangeDecision("unsatisfiable")),
        ([(100, 200), (None, 0), (1 << 63, None)], 100, RangeDecision("unsatisfiable")),
        ([(100, 200), (5, 6)], 100, RangeDecision("partial", ((5, 6),))),
        # An empty representation satisfies no range at all.
        ([(0, 0)], 0, RangeDecision("unsatisfiable")),
        ([(0, None)], 0, RangeDecision("unsatisfiable")),
        ([(None, 1)], 0, RangeDecision("unsatisfiable")),
        # Sorting and merging of overlapping or adjacent ranges.
        ([(50, 60), (0, 9)], 100, RangeDecision("partial", ((0, 9), (50, 60)))),
        ([(0, 9), (10, 19)], 100, RangeDecision("partial", ((0, 19),))),
        ([(0, 9), (11, 19)], 100, RangeDecision("partial", ((0, 9), (11, 19)))),
        ([(0, 50), (10, 20)], 100, RangeDecision("partial", ((0, 50),))),
        ([(10, 20), (0, 50), (40, 60)], 100, RangeDecision("partial", ((0, 60),))),
        ([(0, 0), (None, 1), (50, None)], 100, RangeDecision("partial", ((0, 0), (50, 99)))),
        ([(0, 0)] * MAX_SPECS, 100, RangeDecision("partial", ((0, 0),))),
        # Not what parse_range_header returns: ignore the header.
        ([], 100, RangeDecision("full")),
        ([(5, 1)], 100, RangeDecision("full")),
        ([(-1, 5)], 100, RangeDecision("full")),
        ([(None, -1)], 100, RangeDecision("full")),
        ([(None, None)], 100, RangeDecision("full")),
    ],
)
def test_resolve_ranges(specs: list[RangeSpec], size: int, expected: RangeDecision) -> None:
    assert resolve_ranges(specs, size) == expected


def test_more_than_max_specs_is_answered_with_the_full_body() -> None:
    assert resolve_ranges([(0, 0)] * (MAX_SPECS + 1), 100) == RangeDecision("full")


def test_more_than_max_parts_after_merging_is_answered_with_the_full_body() -> None:
    many = [(i * 2, i * 2) for i in range(MAX_PARTS + 1)]
    assert resolve_ranges(many, 1000) == RangeDecision("full")
    assert resolve_ranges(many[:MAX_PARTS], 1000).kind == "partial"


def test_many_overlapping_ranges_are_coalesced_not_amplified() -> None:
    specs = parse_range_header("bytes=" + ",".join(["0-", "1-", "-10000"] * 33))
    assert specs is not None and len(specs) == 99
    assert resolve_ranges(specs, 10_000) == RangeDecision("partial", ((0, 9999),))


def test_100000_char_range_header_is_parsed_fast_and_ignored_when_resolved() -> None:
    header = "bytes=" + ",".join("0-1" for _ in range(25_000))
    assert len(header) > 100_000
    started = time.perf_counter()
    specs = parse_range_header(header)
    assert specs is not None and len(specs) == 25_000
    assert resolve_ranges(specs, 100) == RangeDecision("full")
    assert parse_range_header("bytes=" + "1" * 100_000 + "-") == [(1 << 63, None)]
    assert parse_range_header("bytes=" + "," * 100_000) is None
    assert parse_range_header("bytes=" + " " * 100_000 + "x") is None
    assert time.perf_counter() - started < 1.0


def test_content_range_values() -> None:
    assert content_range(0, 499, 1234) == "bytes 0-499/1234"
    assert unsatisfied_content_range(1234) == "bytes */1234"
    assert unsatisfied_content_range(0) == "bytes */0"


def test_boundaries_are_random_tokens() -> None:
    first, second = make_boundary(), make_boundary()
    assert first != second
    assert len(first) == 32 and all(c in "0123456789abcdef" for c in first)
    assert multipart_content_type(first) == f"multipart/byteranges; boundary={first}"
    assert multipart_content_type("a:b") == 'multipart/byteranges; boundary="a:b"'


def assemble(
    data: bytes, ranges: tuple[tuple[int, int], ...], content_type: str, boundary: str
) -> tuple[bytes, int]:
    """The body exactly as the middleware must send it, and the announced length."""
    heads, closing, length = multipart_byteranges(ranges, len(data), content_type, boundary)
    body = b"".join(
        head + data[start : end + 1] for head, (start, end) in zip(heads, ranges, strict=True)
    )
    return body + closing, length


def test_multipart_layout_is_nginx_s() -> None:
    data = bytes(range(256)) * 40
    body, length = assemble(data, ((0, 1), (9999, 10_239)), "image/png", "B")
    expected = (
        b"\r\n--B\r\nContent-Type: image/png\r\nContent-Range: bytes 0-1/10240\r\n\r\n"
        + data[0:2]
        + b"\r\n--B\r\nContent-Type: image/png\r\nContent-Range: bytes 9999-10239/10240\r\n\r\n"
        + data[9999:]
        + b"\r\n--B--\r\n"
    )
    assert body == expected
    assert length == len(expected)


def test_multipart_body_parses_with_the_email_parser() -> None:
    data = b"0123456789\r\n--not-a-boundary\r\n\n\r" * 500
    ranges = ((0, 9), (100, 1099), (len(data) - 5, len(data) - 1))
    boundary = make_boundary()
    content_type = "text/css; charset=utf-8"
    body, length = assemble(data, ranges, content_type, boundary)
    assert length == len(body)
    message = email.parser.BytesParser(policy=email.policy.compat32).parsebytes(
        f"Content-Type: {multipart_content_type(boundary)}\r\n\r\n".encode() + body
    )
    assert message.is_multipart()
    assert message.defects == []
    parts = message.get_payload()
    assert isinstance(parts, list) and len(parts) == len(ranges)
    for part, (start, end) in zip(parts, ranges, strict=True):
        assert part["Content-Type"] == content_type
        assert part["Content-Range"] == content_range(start, end, len(data))
        assert part.get_payload(decode=True) == data[start : end + 1]


@pytest.mark.parametrize("boundary", ["", "a" * 71, "a b", "a\r\nX-Evil: 1", "é"])
def test_multipart_refuses_a_bad_boundary(boundary: str) -> None:
    with pytest.raises(ValueError):
        multipart_byteranges(((0, 0), (2, 2)), 3, "text/plain", boundary)


def test_multipart_refuses_header_injection_in_content_type() -> None:
    with pytest.raises(ValueError):
        multipart_byteranges(((0, 0), (2, 2)), 3, "text/plain\r\nX-Evil: 1", "b")


def check_decision(decision: RangeDecision, size: int) -> None:
    """The invariants every caller relies on."""
    assert decision.kind in ("full", "partial", "unsatisfiable")
    if decision.kind != "partial":
        assert decision.ranges == ()
        return
    assert 1 <= len(decision.ranges) <= MAX_PARTS
    previous_end = -2
    for start, end in decision.ranges:
        assert 0 <= start <= end <= size - 1
        assert start > previous_end + 1  # ascending, not overlapping, not adjacent
        previous_end = end
    assert sum(end - start + 1 for start, end in decision.ranges) <= size


sizes = st.integers(min_value=0, max_value=10**12) | st.integers(min_value=0, max_value=50)
positions = st.integers(min_value=0, max_value=200) | st.integers(min_value=0, max_value=2**64)
member = st.one_of(
    st.tuples(positions, positions).map(lambda p: f"{min(p)}-{max(p)}"),
    positions.map(lambda p: f"{p}-"),
    positions.map(lambda p: f"-{p}"),
)
range_headers = st.one_of(
    st.text(),
    st.text(alphabet="bytes=0123456789-, \t\u0661+_"),
    st.lists(member, min_size=1, max_size=120).map(lambda m: "bytes=" + ",".join(m)),
)


@given(range_headers, sizes)
def test_any_range_header_gives_a_valid_decision(header: str, size: int) -> None:
    specs = parse_range_header(header)
    if specs is None:
        return
    assert specs
    for first, last in specs:
        assert first is not None or last is not None
        assert first is None or last is None or first <= last
    check_decision(resolve_ranges(specs, size), size)


@given(
    st.lists(st.tuples(st.none() | st.integers(), st.none() | st.integers()), max_size=120),
    sizes,
)
def test_any_spec_list_gives_a_valid_decision(specs: list[RangeSpec], size: int) -> None:
    check_decision(resolve_ranges(specs, size), size)


@given(st.lists(member, min_size=1, max_size=MAX_SPECS), st.integers(min_value=1, max_value=300))
def test_resolved_ranges_cover_exactly_the_requested_bytes(members: list[str], size: int) -> None:
    specs = parse_range_header("bytes=" + ",".join(members))
    assert specs is not None
    wanted: set[int] = set()
    for first, last in specs:
        if first is None:
            assert last is not None
            wanted.update(range(max(0, size - last), size) if last else ())
        else:
            wanted.update(range(first, min(size - 1, size if last is None else last) + 1))
    decision = resolve_ranges(specs, size)
    if not wanted:
        assert decision.kind == "unsatisfiable"
    elif decision.kind == "partial":
        covered = {i for start, end in decision.ranges for i in range(start, end + 1)}
        assert covered == wanted
    else:
        assert decision.kind == "full"


@given(
    st.binary(min_size=1, max_size=2000),
    st.lists(st.tuples(st.integers(0, 2000), st.integers(0, 2000)), min_size=1, max_size=10),
)
def test_multipart_content_length_is_the_assembled_length(
    data: bytes, pairs: list[tuple[int, int]]
) -> None:
    specs: list[RangeSpec] = [(min(p), max(p)) for p in pairs]
    decision = resolve_ranges(specs, len(data))
    if decision.kind != "partial":
        return
    body, length = assemble(data, decision.ranges, "application/octet-stream", make_boundary())
    assert length == len(body)
