from datetime import date

from shared.business_days import add_business_days, is_business_day


def test_weekends_are_not_business_days() -> None:
    assert not is_business_day(date(2026, 11, 21))  # Saturday
    assert is_business_day(date(2026, 11, 23))


def test_five_business_days_skip_the_weekend() -> None:
    assert add_business_days(date(2026, 11, 20), 5) == date(2026, 11, 27)  # Friday → next Friday


def test_thai_public_holidays_do_not_count() -> None:
    # Songkran (13-15 April 2026) falls inside the window.
    assert add_business_days(date(2026, 4, 10), 5) == date(2026, 4, 22)
