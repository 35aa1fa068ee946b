"""HTTP-date formatting and strict parsing (RFC 9110 §5.6.7).

``email.utils.parsedate`` accepts far more than HTTP-date (any time zone, missing
seconds, two-digit years in every form) and ``strftime`` follows the process locale, so
both are avoided: a date we cannot read exactly is treated as absent by the callers,
which always falls back to sending the full representation.
"""

from __future__ import annotations

import math
import re
from typing import Final

__all__ = ["format_http_date", "parse_http_date"]

_DAY_NAMES: Final = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_LONG_DAY_NAMES: Final = (
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
)
_MONTHS: Final = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
)
_MONTH_NUMBER: Final = {name: number for number, name in enumerate(_MONTHS, start=1)}

_DAY = "(" + "|".join(_DAY_NAMES) + ")"
_LONG_DAY = "(" + "|".join(_LONG_DAY_NAMES) + ")"
_MONTH = "(" + "|".join(_MONTHS) + ")"
_TIME = "([0-9]{2}):([0-9]{2}):([0-9]{2})"

# Explicit [0-9] and re.ASCII: "\d" would accept Arabic-Indic and other Unicode digits.
_IMF_FIXDATE: Final = re.compile(
    rf"{_DAY}, ([0-9]{{2}}) {_MONTH} ([0-9]{{4}}) {_TIME} GMT", re.ASCII
)
_RFC850_DATE: Final = re.compile(
    rf"{_LONG_DAY}, ([0-9]{{2}})-{_MONTH}-([0-9]{{2}}) {_TIME} GMT", re.ASCII
)
_ASCTIME_DATE: Final = re.compile(
    rf"{_DAY} {_MONTH} ([0-9]{{2}}| [0-9]) {_TIME} ([0-9]{{4}})", re.ASCII
)

_MAX_LENGTH: Final = 40
"""Longer than any valid HTTP-date (the longest, RFC 850 with "Wednesday", has 33)."""

_SECONDS_PER_DAY: Final = 86_400


def _days_from_civil(year: int, month: int, day: int) -> int:
    """Days since 1970-01-01 in the proleptic Gregorian calendar, for any year.

    Pure integer arithmetic (H. Hinnant's algorithm): unlike ``datetime`` or
    ``calendar.timegm`` it has no year-1 floor and no platform ``time_t`` limits.
    """
    year -= month <= 2
    era = year // 400
    year_of_era = year - era * 400
    day_of_year = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    day_of_era = year_of_era * 365 + year_of_era // 4 - year_of_era // 100 + day_of_year
    return era * 146_097 + day_of_era - 719_468


def _days_in_month(year: int, month: int) -> int:
    if month == 2:
        leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
        return 29 if leap else 28
    return 30 if month in (4, 6, 9, 11) else 31


def _civil_from_days(days: int) -> tuple[int, int, int]:
    """The inverse of ``_days_from_civil``: (year, month, day)."""
    days += 719_468
    era = days // 146_097
    day_of_era = days - era * 146_097
    year_of_era = (
        day_of_era - day_of_era // 1460 + day_of_era // 36_524 - day_of_era // 146_096
    ) // 365
    day_of_year = day_of_era - (365 * year_of_era + year_of_era // 4 - year_of_era // 100)
    month_index = (5 * day_of_year + 2) // 153
    day = day_of_year - (153 * month_index + 2) // 5 + 1
    month = month_index + (3 if month_index < 10 else -9)
    return year_of_era + era * 400 + (month <= 2), month, day


def format_http_date(seconds: float) -> str:
    """``seconds`` since the epoch as an IMF-fixdate (RFC 9110 §5.6.7).

    ``format_http_date(784111777)`` is ``"Sun, 06 Nov 1994 08:49:37 GMT"``. Fractions are
    truncated towards the past (``Last-Modified`` has whole seconds, and an ``mtime`` of
    ``.9`` must not round up to a time the file did not have yet). Names come from fixed
    English tables, never from the locale. Raises ``ValueError`` for NaN, infinities and
    instants outside the years 0000-9999 that IMF-fixdate can write.
    """
    if not math.isfinite(seconds):
        raise ValueError(f"cannot format {seconds!r} as an HTTP-date")
    whole = math.floor(seconds)
    days, second_of_day = divmod(whole, _SECONDS_PER_DAY)
    year, month, day = _civil_from_days(days)
    if not 0 <= year <= 9999:
        raise ValueError(f"{seconds!r} is outside the years an HTTP-date can express")
    hour, rest = divmod(second_of_day, 3600)
    minute, second = divmod(rest, 60)
    weekday = _DAY_NAMES[(days + 3) % 7]  # 1970-01-01 was a Thursday, index 3.
    return (
        f"{weekday}, {day:02d} {_MONTHS[month - 1]} {year:04d} "
        f"{hour:02d}:{minute:02d}:{second:02d} GMT"
    )


def _rfc850_year(two_digits: int, now: int | None) -> int:
    """The century of an RFC 850 year (RFC 9110 §5.6.7).

    The RFC says a year that appears to be more than 50 years in the future is the most
    recent past year with those two digits; that needs the current time, so ``now`` is
    used when given, and without it the window is 1970-2069 (the rule as of 2019).
    """
    if now is None:
        return 1900 + two_digits if two_digits >= 70 else 2000 + two_digits
    current_year = _civil_from_days(now // _SECONDS_PER_DAY)[0]
    latest = current_year + 50
    return latest - (latest - two_digits) % 100


def parse_http_date(value: str, *, now: int | None = None) -> int | None:
    """POSIX seconds of an HTTP-date, or ``None`` when ``value`` is not one (RFC 9110 §5.6.7).

    Accepts the three forms recipients MUST accept: IMF-fixdate
    (``Sun, 06 Nov 1994 08:49:37 GMT``), obsolete RFC 850 (``Sunday, 06-Nov-94 08:49:37
    GMT``) and asctime (``Sun Nov  6 08:49:37 1994``). Strict: HTTP-date is
    case-sensitive, single spaces, ASCII digits only, ``GMT`` only, real calendar days (no
    Feb 30), hours 00-23, minutes 00-59, seconds 00-60 (a leap second counts as the next
    minute's first), and the day name must be that date's weekday. Surrounding spaces and
    tabs (field OWS, RFC 9110 §5.5) are ignored, but a value longer than 40 characters is
    refused unread. ``now`` (POSIX seconds) only decides the
    century of an RFC 850 two-digit year. Never raises.
    """
    if len(value) > _MAX_LENGTH:
        return None
    text = value.strip(" \t")
    if match := _IMF_FIXDATE.fullmatch(text):
        weekday, day, month, year, hour, minute, second = match.groups()
        year_number = int(year)
    elif match := _RFC850_DATE.fullmatch(text):
        weekday, day, month, year, hour, minute, second = match.groups()
        weekday = weekday[:3]
        year_number = _rfc850_year(int(year), now)
    elif match := _ASCTIME_DATE.fullmatch(text):
        weekday, month, day, hour, minute, second, year = match.groups()
        year_number = int(year)
    else:
        return None
    month_number = _MONTH_NUMBER[month]
    day_number = int(day)  # " 6" is fine for int(); the regex allowed only that space.
    hour_number, minute_number, second_number = int(hour), int(minute), int(second)
    if not (
        1 <= day_number <= _days_in_month(year_number, month_number)
        and hour_number <= 23
        and minute_number <= 59
        and second_number <= 60
    ):
        return None
    days = _days_from_civil(year_number, month_number, day_number)
    if _DAY_NAMES[(days + 3) % 7] != weekday:
        return None
    return days * _SECONDS_PER_DAY + hour_number * 3600 + minute_number * 60 + second_number
