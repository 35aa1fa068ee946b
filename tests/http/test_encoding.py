"""Accept-Encoding negotiation for .br / .gz siblings (RFC 9110 §12.5.3)."""

from __future__ import annotations

import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from devstatic.http.encoding import negotiate_encoding

BOTH = frozenset({"br", "gzip"})


@pytest.mark.parametrize(
    ("accept_encoding", "available", "expected"),
    [
        # Absent or empty header: the plain file.
        (None, BOTH, None),
        ("", BOTH, None),
        (" , ,", BOTH, None),
        # RFC 9110 §12.5.3 examples.
        ("compress, gzip", BOTH, "gzip"),
        ("*", BOTH, "br"),
        ("compress;q=0.5, gzip;q=1.0", BOTH, "gzip"),
        ("gzip;q=1.0, identity; q=0.5, *;q=0", BOTH, "gzip"),
        # Browsers.
        ("gzip, deflate, br", BOTH, "br"),
        ("gzip, deflate, br, zstd", BOTH, "br"),
        ("gzip, deflate", BOTH, "gzip"),
        ("br", frozenset({"gzip"}), None),
        ("gzip, br", frozenset({"gzip"}), "gzip"),
        ("gzip, br", frozenset(), None),
        # q-values.
        ("br;q=0.5, gzip", BOTH, "gzip"),
        ("br;q=0.5, gzip;q=0.5", BOTH, "br"),  # br preferred on a tie
        ("br;q=0, gzip;q=0.001", BOTH, "gzip"),
        ("br;q=0, gzip;q=0", BOTH, None),
        ("br;q=0.000", BOTH, None),
        ("gzip;q=1.000", BOTH, "gzip"),
        ("gzip;q=1.", BOTH, "gzip"),
        ("gzip;q=0.", BOTH, None),
        ("gzip;Q=0.5", BOTH, "gzip"),
        # `*` covers only the codings not listed.
        ("*;q=0.5, br;q=0", BOTH, "gzip"),
        ("*;q=0", BOTH, None),
        ("gzip, *;q=0", BOTH, "gzip"),
        ("br;q=0.2, *;q=0.8", BOTH, "gzip"),
        # Case, whitespace, aliases.
        ("GZIP", BOTH, "gzip"),
        ("  Br ;  q=0.9 ,\tgzip;q=0.1 ", BOTH, "br"),
        ("x-gzip", BOTH, "gzip"),
        ("X-GZIP;q=0.5, br;q=0.4", BOTH, "gzip"),
        ("gzip", frozenset({"GZIP"}), "GZIP"),  # spelled as the caller spells it
        # Explicit identity preferred over every available coding.
        ("identity, gzip;q=0.5", BOTH, None),
        ("identity;q=0.5, gzip;q=0.5", BOTH, "gzip"),
        ("identity;q=0, gzip", BOTH, "gzip"),
        ("identity", BOTH, None),
        # Malformed weights count as q=0.
        ("br;q=2, gzip", BOTH, "gzip"),
        ("br;q=1.5", BOTH, None),
        ("br;q=0.1234", BOTH, None),
        ("br;q=abc", BOTH, None),
        ("br;q=", BOTH, None),
        ("br;q = 1", BOTH, None),
        ("br;q=-1", BOTH, None),
        ("br;q=+1", BOTH, None),
        ("br;q=\u0661", BOTH, None),  # Arabic-Indic one
        ("br;level=1", BOTH, None),
        ("br;q=1;q=1", BOTH, None),
        ("br;q=0.5;x=1, gzip;q=0.1", BOTH, "gzip"),
        # Malformed coding names are skipped.
        ("b r, gzip;q=0.1", BOTH, "gzip"),
        ("br\u00e9, gzip;q=0.1", BOTH, "gzip"),
        # A coding listed twice keeps its lowest weight.
        ("br, br;q=0", BOTH, None),
        ("gzip, x-gzip;q=0", BOTH, None),
    ],
)
def test_negotiate_encoding(
    accept_encoding: str | None, available: frozenset[str], expected: str | None
) -> None:
    assert negotiate_encoding(accept_encoding, available) == expected


def test_request_without_accept_encoding_gets_the_plain_file() -> None:
    assert negotiate_encoding(None, BOTH) is None


def test_huge_accept_encoding_is_handled_in_linear_time() -> None:
    value = ", ".join(f"x{i};q=0.5" for i in range(20_000)) + ", br"
    started = time.perf_counter()
    assert negotiate_encoding(value, BOTH) == "br"
    assert negotiate_encoding(";" * 100_000, BOTH) is None
    assert time.perf_counter() - started < 1.0


@given(
    st.none()
    | st.text()
    | st.lists(
        st.sampled_from(["br", "gzip", "x-gzip", "*", "identity", "zstd"]).flatmap(
            lambda c: st.sampled_from([c, f"{c};q=0", f"{c};q=0.5", f"{c};q=1"])
        ),
        max_size=6,
    ).map(", ".join),
    st.sets(st.sampled_from(["br", "gzip"])),
)
def test_negotiated_coding_is_available_and_acceptable(
    accept_encoding: str | None, available: set[str]
) -> None:
    coding = negotiate_encoding(accept_encoding, available)
    assert coding is None or coding in available
    if accept_encoding is None:
        assert coding is None
    elif coding is not None:
        # Never a coding the client refused outright.
        members = [m.strip().lower() for m in accept_encoding.split(",")]
        refused = {f"{coding};q=0"} | ({"x-gzip;q=0"} if coding == "gzip" else set())
        assert not refused & set(members)


def test_answers_are_remembered_for_short_headers_only() -> None:
    from devstatic.http import encoding

    encoding._negotiate.cache_clear()
    assert negotiate_encoding("gzip, br", ("br", "gzip")) == "br"
    assert negotiate_encoding("gzip, br", ("br", "gzip")) == "br"
    assert encoding._negotiate.cache_info().hits == 1
    long_header = "gzip;q=0.5, " + ", ".join(f"x-{i}" for i in range(400)) + ", br"
    assert len(long_header) > 1024
    assert negotiate_encoding(long_header, ("br", "gzip")) == "br"
    assert encoding._negotiate.cache_info().currsize == 1
