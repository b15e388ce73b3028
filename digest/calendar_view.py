"""Month grids for the archive's calendar: weeks of days, each with its story count and heat."""

from __future__ import annotations

import bisect
import calendar
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from babel import Locale
from babel.dates import get_day_names

from digest.model import Day, day_url, month_url

HEAT_LEVELS = 4


@dataclass(frozen=True)
class CalendarDay:
    date: date
    count: int  # stories that day; 0 when there is no digest
    level: int  # 0 (none) .. HEAT_LEVELS (the busiest days of the site)

    @property
    def url(self) -> str:
        return day_url(self.date)


@dataclass(frozen=True)
class Weekday:
    short: str  # "пн", "Mon"
    name: str  # "понеділок", "Monday"


@dataclass(frozen=True)
class MonthCalendar:
    first: date
    weekdays: tuple[Weekday, ...]  # in the locale's order, e.g. Monday first
    weeks: tuple[tuple[CalendarDay | None, ...], ...]  # None pads the first and last week
    previous: date | None  # the nearest earlier month with a digest
    next: date | None  # the nearest later month with a digest

    @property
    def url(self) -> str:
        return month_url(self.first)


def heat_level(count: int, busiest: int) -> int:
    """0 for no stories, else 1..HEAT_LEVELS in proportion to the site's busiest day."""
    if count <= 0 or busiest <= 0:
        return 0
    return max(1, min(HEAT_LEVELS, math.ceil(HEAT_LEVELS * count / busiest)))


class Calendars:
    """`calendar(month_first)` in templates: the month laid out in weeks with story counts."""

    def __init__(self, days: Sequence[Day], locale: Locale) -> None:
        self.counts = {d.date: len(d.articles) for d in days}
        self.busiest = max(self.counts.values(), default=0)
        self.months = sorted({d.replace(day=1) for d in self.counts})
        self.first_weekday = int(locale.first_week_day)
        short = get_day_names("abbreviated", "stand-alone", locale=locale)
        wide = get_day_names("wide", "stand-alone", locale=locale)
        order = [(self.first_weekday + i) % 7 for i in range(7)]
        self.weekdays = tuple(Weekday(str(short[i]), str(wide[i])) for i in order)
        self._cache: dict[date, MonthCalendar] = {}

    def __call__(self, month: date) -> MonthCalendar:
        first = month.replace(day=1)
        if first not in self._cache:
            self._cache[first] = self._month(first)
        return self._cache[first]

    def _month(self, first: date) -> MonthCalendar:
        grid = calendar.Calendar(self.first_weekday).monthdatescalendar(first.year, first.month)
        weeks = tuple(
            tuple(self._day(d) if d.month == first.month else None for d in week) for week in grid
        )
        before = bisect.bisect_left(self.months, first)
        after = bisect.bisect_right(self.months, first)
        return MonthCalendar(
            first=first,
            weekdays=self.weekdays,
            weeks=weeks,
            previous=self.months[before - 1] if before > 0 else None,
            next=self.months[after] if after < len(self.months) else None,
        )

    def _day(self, d: date) -> CalendarDay:
        count = self.counts.get(d, 0)
        return CalendarDay(d, count, heat_level(count, self.busiest))
