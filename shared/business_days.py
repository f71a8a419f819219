"""Thai business days: weekends and Thai public holidays (the `holidays` package) excluded."""

from datetime import date, timedelta
from functools import cache

import holidays


@cache
def _thai_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("TH", years=year))


def is_business_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _thai_holidays(day.year)


def add_business_days(start: date, days: int) -> date:
    """The date `days` business days after `start` (start itself does not count)."""
    day = start
    remaining = days
    while remaining:
        day += timedelta(days=1)
        if is_business_day(day):
            remaining -= 1
    return day
