"""Conditional requests (RFC 9110 §13): order of evaluation, comparisons, If-Range."""

from __future__ import annotations

import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from devstatic.http.preconditions import (
    Precondition,
    evaluate_preconditions,
    if_range_allows,
    parse_entity_tags,
)

ETAG = '"abc"'
LAST_MODIFIED = 784111777
DATE = "Sun, 06 Nov 1994 08:49:37 GMT"  # == LAST_MODIFIED
EARLIER = "Sun, 06 Nov 1994 08:49:36 GMT"
LATER = "Sun, 06 Nov 1994 08:49:38 GMT"
RFC850_DATE = "Sunday, 06-Nov-94 08:49:37 GMT"
ASCTIME_DATE = "Sun Nov  6 08:49:37 1994"

PROCEED = Precondition.PROCEED
NOT_MODIFIED = Precondition.NOT_MODIFIED
FAILED = Precondition.FAILED


def evaluate(
    method: str = "GET",
    *,
    if_match: str | None = None,
    if_none_match: str | None = None,
    if_modified_since: str | None = None,
    if_unmodified_since: str | None = None,
    now: int | None = None,
) -> Precondition:
    """Our representation (``ETAG``, ``LAST_MODIFIED``) against the given headers."""
    return evaluate_preconditions(
        method,
        etag=ETAG,
        last_modified=LAST_MODIFIED,
        if_match=if_match,
        if_none_match=if_none_match,
        if_modified_since=if_modified_since,
        if_unmodified_since=if_unmodified_since,
        now=now,
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('"xyzzy"', [(False, '"xyzzy"')]),  # RFC 9110 §13.1.1 examples
        (
            '"xyzzy", "r2d2xxxx", "c3piozzzz"',
            [(False, '"xyzzy"'), (False, '"r2d2xxxx"'), (False, '"c3piozzzz"')],
        ),
        ('W/"xyzzy", W/"r2d2xxxx"', [(True, '"xyzzy"'), (True, '"r2d2xxxx"')]),
        ('""', [(False, '""')]),
        ('"a,b", "c"', [(False, '"a,b"'), (False, '"c"')]),  # a comma is an etagc
        (' \t"a"\t,  ,, "b" , ', [(False, '"a"'), (False, '"b"')]),  # OWS, empty members
        ('abc, "d"', [(False, '"d"')]),  # unquoted member skipped
        ('"a" junk, "d"', [(False, '"d"')]),  # junk after the tag
        ('w/"a", "d"', [(False, '"d"')]),  # the weak prefix is case-sensitive
        ('W/ "a", "d"', [(False, '"d"')]),
        ('"a b", "d"', [(False, '"d"')]),  # space is not an etagc
        ('"a\x7f", "d"', [(False, '"d"')]),
        ('"caf\xe9"', [(False, '"caf\xe9"')]),  # obs-text, as latin-1 decoding gives it
        ('"caf\u20ac", "d"', [(False, '"d"')]),  # not a byte
        ('"unterminated', []),
        ("*", []),  # "*" is not an entity-tag; the callers handle it
        ("", []),
    ],
)
def test_parse_entity_tags(value: str, expected: list[tuple[bool, str]]) -> None:
    assert parse_entity_tags(value) == expected


@pytest.mark.parametrize(
    ("method", "headers", "expected"),
    [
        # No conditions.
        ("GET", {}, PROCEED),
        # If-Match: strong comparison (RFC 9110 §13.1.1).
        ("GET", {"if_match": ETAG}, PROCEED),
        ("GET", {"if_match": '"x", "abc"'}, PROCEED),
        ("GET", {"if_match": "*"}, PROCEED),
        ("PUT", {"if_match": "*"}, PROCEED),
        ("GET", {"if_match": '"x"'}, FAILED),
        ("GET", {"if_match": 'W/"abc"'}, FAILED),
        ("GET", {"if_match": "abc"}, FAILED),  # unquoted: malformed, matches nothing
        ("GET", {"if_match": ""}, FAILED),
        # If-Unmodified-Since, only without If-Match (§13.1.4).
        ("GET", {"if_unmodified_since": DATE}, PROCEED),
        ("GET", {"if_unmodified_since": LATER}, PROCEED),
        ("GET", {"if_unmodified_since": EARLIER}, FAILED),
        ("DELETE", {"if_unmodified_since": EARLIER}, FAILED),
        ("GET", {"if_unmodified_since": "yesterday"}, PROCEED),
        ("GET", {"if_unmodified_since": f"{EARLIER}, {EARLIER}"}, PROCEED),  # a list
        ("GET", {"if_match": ETAG, "if_unmodified_since": EARLIER}, PROCEED),
        ("GET", {"if_match": '"x"', "if_unmodified_since": LATER}, FAILED),
        # If-None-Match: weak comparison (§13.1.2).
        ("GET", {"if_none_match": ETAG}, NOT_MODIFIED),
        ("HEAD", {"if_none_match": ETAG}, NOT_MODIFIED),
        ("GET", {"if_none_match": 'W/"abc"'}, NOT_MODIFIED),
        ("GET", {"if_none_match": '"x", W/"abc"'}, NOT_MODIFIED),
        ("GET", {"if_none_match": "*"}, NOT_MODIFIED),
        ("GET", {"if_none_match": '"x"'}, PROCEED),
        ("GET", {"if_none_match": '"ABC"'}, PROCEED),  # opaque-tags are case-sensitive
        ("GET", {"if_none_match": "abc"}, PROCEED),
        ("GET", {"if_none_match": ""}, PROCEED),
        ("POST", {"if_none_match": ETAG}, FAILED),
        ("PUT", {"if_none_match": "*"}, FAILED),
        ("get", {"if_none_match": ETAG}, FAILED),  # methods are case-sensitive
        # If-Modified-Since, only for GET/HEAD and without If-None-Match (§13.1.3).
        ("GET", {"if_modified_since": DATE}, NOT_MODIFIED),
        ("GET", {"if_modified_since": RFC850_DATE}, NOT_MODIFIED),
        ("GET", {"if_modified_since": ASCTIME_DATE}, NOT_MODIFIED),
        ("HEAD", {"if_modified_since": LATER}, NOT_MODIFIED),
        ("GET", {"if_modified_since": EARLIER}, PROCEED),
        ("GET", {"if_modified_since": "Sun, 06 Nov 1994 08:49:37 UTC"}, PROCEED),
        ("GET", {"if_modified_since": "Thu, 30 Feb 1995 00:00:00 GMT"}, PROCEED),
        ("GET", {"if_modified_since": "-1"}, PROCEED),
        ("POST", {"if_modified_since": DATE}, PROCEED),
        ("GET", {"if_none_match": '"x"', "if_modified_since": DATE}, PROCEED),
        ("GET", {"if_none_match": ETAG, "if_modified_since": EARLIER}, NOT_MODIFIED),
        # Order: If-Match / If-Unmodified-Since (412) come before If-None-Match (304).
        ("GET", {"if_match": '"x"', "if_none_match": ETAG}, FAILED),
        ("GET", {"if_unmodified_since": EARLIER, "if_none_match": ETAG}, FAILED),
        ("GET", {"if_unmodified_since": EARLIER, "if_modified_since": DATE}, FAILED),
        ("GET", {"if_match": ETAG, "if_none_match": ETAG}, NOT_MODIFIED),
    ],
)
def test_preconditions_follow_rfc_9110_order(
    method: str, headers: dict[str, str], expected: Precondition
) -> None:
    assert evaluate(method, **headers) is expected  # type: ignore[arg-type]


def test_if_modified_since_in_the_future_is_ignored_when_now_is_known() -> None:
    future = "Sun, 06 Nov 1994 08:59:37 GMT"
    assert evaluate(if_modified_since=future) is NOT_MODIFIED
    assert evaluate(if_modified_since=future, now=LAST_MODIFIED + 60) is PROCEED
    assert evaluate(if_modified_since=future, now=LAST_MODIFIED + 600) is NOT_MODIFIED


def test_weak_own_etag_never_passes_if_match() -> None:
    result = evaluate_preconditions(
        "GET",
        etag='W/"abc"',
        last_modified=LAST_MODIFIED,
        if_match='W/"abc", "abc"',
        if_none_match=None,
        if_modified_since=None,
        if_unmodified_since=None,
    )
    assert result is FAILED


def test_if_none_match_with_10000_entries_is_fast_and_correct() -> None:
    miss = ", ".join(f'W/"tag-{i}"' for i in range(10_000))
    started = time.perf_counter()
    assert evaluate(if_none_match=miss) is PROCEED
    assert evaluate(if_none_match=miss + ", " + ETAG) is NOT_MODIFIED
    assert evaluate(if_match=miss) is FAILED
    assert time.perf_counter() - started < 1.0


@pytest.mark.parametrize(
    "value",
    [
        '"' + "a" * 100_000,  # never closed
        '"a,' * 30_000,
        'W/"' * 30_000,
        ", " * 50_000,
        "x" * 100_000,
        '"a" ' * 30_000,
    ],
)
def test_hostile_entity_tag_lists_take_linear_time(value: str) -> None:
    started = time.perf_counter()
    assert evaluate(if_none_match=value) is PROCEED
    assert evaluate(if_match=value) is FAILED
    assert time.perf_counter() - started < 1.0


@pytest.mark.parametrize(
    ("if_range", "expected"),
    [
        (None, True),
        (ETAG, True),
        (f" {ETAG}\t", True),
        ('W/"abc"', False),
        ('"x"', False),
        ('"abc", "abc"', False),  # If-Range takes one validator, not a list
        ('"abc', False),
        ("abc", False),
        ("*", False),
        (DATE, True),
        (RFC850_DATE, True),
        (ASCTIME_DATE, True),
        (EARLIER, False),
        (LATER, False),  # a date must match exactly, not "not modified since"
        ("Sun, 06 Nov 1994 08:49:37 UTC", False),
        ("", False),
        ("garbage", False),
    ],
)
def test_if_range(if_range: str | None, expected: bool) -> None:
    assert if_range_allows(if_range, etag=ETAG, last_modified=LAST_MODIFIED) is expected


def test_if_range_with_weak_etag_sends_full_body() -> None:
    assert not if_range_allows('W/"abc"', etag=ETAG, last_modified=LAST_MODIFIED)


def test_if_range_against_own_weak_etag_never_matches() -> None:
    assert not if_range_allows('W/"abc"', etag='W/"abc"', last_modified=LAST_MODIFIED)
    assert not if_range_allows('"abc"', etag='W/"abc"', last_modified=LAST_MODIFIED)


header = st.none() | st.text() | st.sampled_from([ETAG, 'W/"abc"', "*", DATE, EARLIER, LATER])


@given(
    method=st.sampled_from(["GET", "HEAD", "POST", "PUT", "get"]) | st.text(max_size=8),
    if_match=header,
    if_none_match=header,
    if_modified_since=header,
    if_unmodified_since=header,
    now=st.none() | st.integers(min_value=-(2**40), max_value=2**40),
)
def test_any_headers_give_a_decision(
    method: str,
    if_match: str | None,
    if_none_match: str | None,
    if_modified_since: str | None,
    if_unmodified_since: str | None,
    now: int | None,
) -> None:
    result = evaluate(
        method,
        if_match=if_match,
        if_none_match=if_none_match,
        if_modified_since=if_modified_since,
        if_unmodified_since=if_unmodified_since,
        now=now,
    )
    assert isinstance(result, Precondition)
    if method not in ("GET", "HEAD"):
        assert result is not NOT_MODIFIED
    if if_match is None and if_unmodified_since is None:
        assert result is not FAILED or method not in ("GET", "HEAD")


@given(st.text())
def test_parse_entity_tags_returns_only_well_formed_tags(value: str) -> None:
    for weak, tag in parse_entity_tags(value):
        assert isinstance(weak, bool)
        assert len(tag) >= 2 and tag[0] == tag[-1] == '"' and '"' not in tag[1:-1]
        assert all(c == "\x21" or "\x23" <= c <= "\x7e" or "\x80" <= c <= "\xff" for c in tag[1:-1])


@given(st.none() | st.text(), st.integers())
def test_if_range_never_raises(if_range: str | None, last_modified: int) -> None:
    assert isinstance(if_range_allows(if_range, etag=ETAG, last_modified=last_modified), bool)


@given(st.text())
def test_own_etag_after_any_junk_is_still_found(prefix: str) -> None:
    """A malformed member is skipped up to the next comma, never beyond it."""
    assert evaluate(if_none_match=f"{prefix}, {ETAG}") is NOT_MODIFIED
    assert evaluate(if_match=f"{prefix},{ETAG}") is PROCEED
