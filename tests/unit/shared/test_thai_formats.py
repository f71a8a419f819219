"""Thai formats (SPEC §8): Buddhist-era dates and BAHTTEXT, pinned case by case."""

from datetime import date
from decimal import Decimal

import pytest

from shared.money import format_thb
from shared.thai import bahttext, english_date, format_date, thai_date


def test_thai_dates_use_the_buddhist_era_and_thai_month_names() -> None:
    assert thai_date(date(2026, 3, 12)) == "12 มีนาคม 2569"
    assert thai_date(date(2026, 3, 12), short=True) == "12 มี.ค. 2569"


def test_english_dates_use_the_common_era() -> None:
    assert english_date(date(2026, 3, 12)) == "12 March 2026"
    assert format_date(date(2026, 12, 31), "en", short=True) == "31 Dec 2026"


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("0", "ศูนย์บาทถ้วน"),
        ("1", "หนึ่งบาทถ้วน"),
        ("10", "สิบบาทถ้วน"),
        ("11", "สิบเอ็ดบาทถ้วน"),
        ("20", "ยี่สิบบาทถ้วน"),
        ("21", "ยี่สิบเอ็ดบาทถ้วน"),
        ("101", "หนึ่งร้อยหนึ่งบาทถ้วน"),
        ("111", "หนึ่งร้อยสิบเอ็ดบาทถ้วน"),
        ("5000", "ห้าพันบาทถ้วน"),
        ("15000", "หนึ่งหมื่นห้าพันบาทถ้วน"),
        ("107000", "หนึ่งแสนเจ็ดพันบาทถ้วน"),
        ("1000000", "หนึ่งล้านบาทถ้วน"),
        ("1000001", "หนึ่งล้านหนึ่งบาทถ้วน"),
        ("11000000", "สิบเอ็ดล้านบาทถ้วน"),
        ("21000021", "ยี่สิบเอ็ดล้านยี่สิบเอ็ดบาทถ้วน"),
        ("1000000000000", "หนึ่งล้านล้านบาทถ้วน"),
        ("0.25", "ยี่สิบห้าสตางค์"),
        ("1.01", "หนึ่งบาทหนึ่งสตางค์"),
        ("1234567.89", "หนึ่งล้านสองแสนสามหมื่นสี่พันห้าร้อยหกสิบเจ็ดบาทแปดสิบเก้าสตางค์"),
        ("-5", "ลบห้าบาทถ้วน"),
    ],
)
def test_amounts_in_thai_words_follow_bahttext(amount: str, words: str) -> None:
    assert bahttext(Decimal(amount)) == words


def test_baht_amounts_are_formatted_with_the_baht_sign_and_satang() -> None:
    assert format_thb(Decimal("20000")) == "฿20,000.00"
    assert format_thb(Decimal("-1.5")) == "-฿1.50"
