"""Parse the date forms people write in front matter and wire stories."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo

_DATE = re.compile(
    r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"
    r"(?:[T ]+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,](?P<f>\d{1,6})\d*)?)?"
    r"\s*(?P<tz>Z|z|UTC|[+-]\d{2}(?::?\d{2})?)?)?$"
)
EXAMPLE = "2026-02-11, 2026-02-11 18:00 or 2026-02-11T18:00:00+02:00"


def parse_date(value: object, tz: tzinfo) -> tuple[datetime, bool]:
    """Return the moment in the site's zone and whether a time of day was given.

    A date with no time is that calendar day (midnight in the site's zone); a time with no
    offset is a time in the site's zone. Raises ValueError with a message for the user.
    """
    if isinstance(value, datetime):  # only from callers that already hold one
        aware = value if value.tzinfo else value.replace(tzinfo=tz)
        return aware.astimezone(tz), True
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=tz), False
    text = str(value).strip()
    match = _DATE.match(text)
    if not match:
        raise ValueError(f'expected a date like {EXAMPLE}, got "{text}"')
    g = match.groupdict()
    try:
        day = date(int(g["y"]), int(g["m"]), int(g["d"]))
    except ValueError as e:
        raise ValueError(f'"{text}" is not a date in the calendar ({e})') from None
    if g["H"] is None:
        return datetime(day.year, day.month, day.day, tzinfo=tz), False
    hour, minute, second = int(g["H"]), int(g["M"]), int(g["S"] or 0)
    if hour > 23 or minute > 59 or second > 59:
        raise ValueError(f'"{text}" has an impossible time of day')
    micro = int((g["f"] or "0").ljust(6, "0"))
    zone = _offset(g["tz"], text) if g["tz"] else tz
    moment = datetime(day.year, day.month, day.day, hour, minute, second, micro, tzinfo=zone)
    return moment.astimezone(tz), True


_LENIENT = re.compile(
    r"^(?P<date>\d{4}-\d{1,2}-\d{1,2})(?:[T ]+(?P<time>\d{1,2}:\d{2}(?::\d{2})?))?"
    r"(?P<junk>.*?)\s*(?P<tz>Z|UTC|[+-]\d{2}:?\d{2})?$"
)


def parse_date_leniently(value: object, tz: tzinfo) -> tuple[datetime, bool, str]:
    """Read a date the strict parser refused when its parts are all there, as Jekyll does
    with `2023-01-29 18:30:22 2023 -0800`; also return the text that was ignored.
    Raises the strict parser's ValueError when even this finds no date."""
    text = str(value).strip()
    match = _LENIENT.match(text)
    if not match or not match.group("junk").strip():
        return (*parse_date(value, tz), "")
    cleaned = " ".join(
        p for p in (match.group("date"), match.group("time"), match.group("tz")) if p
    )
    moment, has_time = parse_date(cleaned, tz)
    return moment, has_time, match.group("junk").strip()


def _offset(text: str, whole: str) -> tzinfo:
    if text in ("Z", "z", "UTC"):
        return UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
    if hours > 14 or minutes > 59:
        raise ValueError(f'"{whole}" has an impossible UTC offset {text}')
    return timezone(sign * timedelta(hours=hours, minutes=minutes))
