"""HTTP-date (RFC 9110 §5.6.7): IMF-fixdate out, the three forms in, strictly."""

from __future__ import annotations

import calendar
import email.utils

import pytest
from hypothesis import given
from hypothesis import strategies as st

from devstatic.http.httpdate import format_http_date, parse_http_date

RFC_EXAMPLE = 784111777  # Sun, 06 Nov 1994 08:49:37 GMT, the RFC's own example.
MAX_HTTP_DATE = 253402300799  # Fri, 31 Dec 9999 23:59:59 GMT
MIN_HTTP_DATE = -62167219200  # Sat, 01 Jan 0000 00:00:00 GMT


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [
        (RFC_EXAMPLE, "Sun, 06 Nov 1994 08:49:37 GMT"),
        (RFC_EXAMPLE + 0.999, "Sun, 06 Nov 1994 08:49:37 GMT"),
        (0, "Thu, 01 Jan 1970 00:00:00 GMT"),
        (-0.5, "Wed, 31 Dec 1969 23:59:59 GMT"),
        (951782400, "Tue, 29 Feb 2000 00:00:00 GMT"),
        (1_700_000_000, "Tue, 14 Nov 2023 22:13:20 GMT"),
        (MAX_HTTP_DATE, "Fri, 31 Dec 9999 23:59:59 GMT"),
    ],
)
def test_format_http_date_writes_imf_fixdate(seconds: float, expected: str) -> None:
    assert format_http_date(seconds) == expected


@pytest.mark.parametrize("seconds", [float("nan"), float("inf"), MAX_HTTP_DATE + 1, -1e20])
def test_format_http_date_refuses_what_imf_fixdate_cannot_write(seconds: float) -> None:
    with pytest.raises(ValueError):
        format_http_date(seconds)


@pytest.mark.parametrize(
    "value",
    [
        "Sun, 06 Nov 1994 08:49:37 GMT",  # IMF-fixdate
        "Sunday, 06-Nov-94 08:49:37 GMT",  # obsolete RFC 850 format
        "Sun Nov  6 08:49:37 1994",  # ANSI C's asctime() format
        "Sun Nov 06 08:49:37 1994",  # asctime day as 2DIGIT
        " \tSun, 06 Nov 1994 08:49:37 GMT\t ",  # field OWS around the value
    ],
)
def test_all_three_rfc_forms_parse_to_the_same_instant(value: str) -> None:
    assert parse_http_date(value) == RFC_EXAMPLE


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Thu, 01 Jan 1970 00:00:00 GMT", 0),
        ("Wed, 31 Dec 1969 23:59:59 GMT", -1),
        ("Tue, 29 Feb 2000 00:00:00 GMT", 951782400),
        ("Sat, 01 Jan 0000 00:00:00 GMT", MIN_HTTP_DATE),
        ("Fri, 31 Dec 9999 23:59:59 GMT", MAX_HTTP_DATE),
        ("Sat, 31 Dec 2016 23:59:60 GMT", 1483228800),  # leap second: the next minute
        ("Thursday, 01-Jan-70 00:00:00 GMT", 0),
        ("Tuesday, 01-Jan-69 00:00:00 GMT", calendar.timegm((2069, 1, 1, 0, 0, 0))),
        ("Thu Jan  1 00:00:00 1970", 0),
    ],
)
def test_parse_http_date_edges(value: str, expected: int) -> None:
    assert parse_http_date(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "",
        "garbage",
        "Sun, 06 Nov 1994 08:49:37 UTC",  # only GMT
        "Sun, 06 Nov 1994 08:49:37 +0000",
        "Sun, 06 Nov 1994 08:49:37",
        "sun, 06 nov 1994 08:49:37 gmt",  # HTTP-date is case-sensitive
        "Sun,  06 Nov 1994 08:49:37 GMT",  # double space
        "Sun,\t06 Nov 1994 08:49:37 GMT",  # tab inside
        "Sun, 6 Nov 1994 08:49:37 GMT",  # day must be 2DIGIT
        "Sun, 06 Nov 94 08:49:37 GMT",  # two-digit year in IMF-fixdate
        "Sun, 06 Nov 99999 08:49:37 GMT",  # five-digit year
        "Thu, 30 Feb 1995 00:00:00 GMT",  # no such day
        "Thu, 29 Feb 1900 00:00:00 GMT",  # 1900 is not a leap year
        "Sun, 06 Nov 1994 24:00:00 GMT",
        "Sun, 06 Nov 1994 08:60:00 GMT",
        "Sun, 06 Nov 1994 08:49:61 GMT",
        "Sun, 00 Nov 1994 08:49:37 GMT",
        "Sun, 32 Dec 1994 08:49:37 GMT",
        "Mon, 06 Nov 1994 08:49:37 GMT",  # wrong weekday
        "Sun, 06 Nov 1994 8:49:37 GMT",
        "Sun, 06 Nov 1994 08:49:37 GMT, Sun, 06 Nov 1994 08:49:37 GMT",  # a list
        "Sun, \u0660\u0666 Nov 1994 08:49:37 GMT",  # Arabic-Indic digits
        "Sun, 06 Nov \uff11\uff19\uff19\uff14 08:49:37 GMT",  # fullwidth digits
        "Sun, 06 Nov 1994 08:49:37 GMT\x00",
        "Sun, 06 Nov 1994 08:49:37 GMT\n",
        "Sun, 06 Nov 1994 08:49:3\u0661 GMT",  # one Arabic-Indic digit
        "Sun, 06-Nov-94 08:49:37 GMT",  # RFC 850 needs the long day name
        "Sunday, 06 Nov 1994 08:49:37 GMT",
        "Sunday, 06-Nov-1994 08:49:37 GMT",
        "Sun Nov 6 08:49:37 1994",  # asctime pads the day with a space
        "Sun Nov  6 08:49:37 1994 GMT",
        "1994-11-06T08:49:37Z",
        "784111777",
        "Sun, 06 Nov 1994 08:49:37 GMT" + " " * 10_000,
        "x" * 100_000,
    ],
)
def test_parse_http_date_rejects_everything_else(value: str) -> None:
    assert parse_http_date(value) is None


def _rfc850(year: int) -> str:
    """1 January of ``year`` in the obsolete RFC 850 form, with the right weekday."""
    weekday = calendar.day_name[calendar.weekday(year, 1, 1)]
    return f"{weekday}, 01-Jan-{year % 100:02d} 00:00:00 GMT"


@pytest.mark.parametrize(
    ("now_year", "expected_year"),
    [
        (2025, 1999),
        (2025, 2000),
        (2025, 2071),  # 46 years ahead: still this century
        (2025, 2075),  # exactly 50 years ahead
        (2025, 1976),  # 2076 would be 51 years ahead
        (2099, 2101),
        (2099, 2149),  # exactly 50 years ahead
        (2099, 2050),  # 2150 would be 51 years ahead
    ],
)
def test_rfc850_two_digit_year_is_never_more_than_50_years_ahead(
    now_year: int, expected_year: int
) -> None:
    now = calendar.timegm((now_year, 6, 1, 0, 0, 0))
    expected = calendar.timegm((expected_year, 1, 1, 0, 0, 0))
    assert parse_http_date(_rfc850(expected_year), now=now) == expected


@pytest.mark.parametrize("year", [1970, 1994, 1999, 2000, 2024, 2069])
def test_rfc850_two_digit_year_without_now_lies_in_1970_to_2069(year: int) -> None:
    assert parse_http_date(_rfc850(year)) == calendar.timegm((year, 1, 1, 0, 0, 0))


@given(st.integers(min_value=MIN_HTTP_DATE, max_value=MAX_HTTP_DATE))
def test_format_then_parse_round_trips(seconds: int) -> None:
    assert parse_http_date(format_http_date(seconds)) == seconds


@given(st.integers(min_value=0, max_value=MAX_HTTP_DATE))
def test_format_agrees_with_the_standard_library(seconds: int) -> None:
    assert format_http_date(seconds) == email.utils.formatdate(seconds, usegmt=True)


@given(st.integers(min_value=MIN_HTTP_DATE, max_value=MAX_HTTP_DATE))
def test_asctime_form_parses_like_imf_fixdate(seconds: int) -> None:
    weekday, day, month, year, clock, _ = format_http_date(seconds).split(" ")
    asctime = f"{weekday[:3]} {month} {int(day):2d} {clock} {year}"
    assert parse_http_date(asctime) == seconds


@given(st.text())
def test_parse_http_date_never_raises(value: str) -> None:
    result = parse_http_date(value)
    assert result is None or MIN_HTTP_DATE <= result <= MAX_HTTP_DATE + 1


@given(
    st.text(alphabet="SunMoTeWdhFrSaJbMpyJlAgOcNvDe0123456789 ,:-GMT\t", max_size=40)
    | st.integers(min_value=MIN_HTTP_DATE, max_value=MAX_HTTP_DATE).map(format_http_date)
)
def test_an_accepted_imf_fixdate_is_exactly_the_canonical_form(value: str) -> None:
    result = parse_http_date(value)
    if result is not None and value.endswith(" GMT") and value[3:4] == ",":
        assert format_http_date(result) == value
