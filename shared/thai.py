"""Thai formats: Buddhist-era dates and amounts in words (BAHTTEXT).

Written by hand because both are small, exact and pinned by tests; no maintained library follows the
Excel/LibreOffice BAHTTEXT reading the spec asks for.
"""

from datetime import date
from decimal import Decimal

from shared.money import SATANG

BUDDHIST_ERA_OFFSET = 543

THAI_MONTHS = (
    "มกราคม",
    "กุมภาพันธ์",
    "มีนาคม",
    "เมษายน",
    "พฤษภาคม",
    "มิถุนายน",
    "กรกฎาคม",
    "สิงหาคม",
    "กันยายน",
    "ตุลาคม",
    "พฤศจิกายน",
    "ธันวาคม",
)
THAI_MONTHS_SHORT = (
    "ม.ค.",
    "ก.พ.",
    "มี.ค.",
    "เม.ย.",
    "พ.ค.",
    "มิ.ย.",
    "ก.ค.",
    "ส.ค.",
    "ก.ย.",
    "ต.ค.",
    "พ.ย.",
    "ธ.ค.",
)
ENGLISH_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def thai_date(day: date, *, short: bool = False) -> str:
    """12 มีนาคม 2569 (Buddhist Era)."""
    months = THAI_MONTHS_SHORT if short else THAI_MONTHS
    return f"{day.day} {months[day.month - 1]} {day.year + BUDDHIST_ERA_OFFSET}"


def english_date(day: date, *, short: bool = False) -> str:
    """12 March 2026 (Common Era)."""
    month = ENGLISH_MONTHS[day.month - 1]
    return f"{day.day} {month[:3] if short else month} {day.year}"


def format_date(day: date, lang: str, *, short: bool = False) -> str:
    return thai_date(day, short=short) if lang == "th" else english_date(day, short=short)


_DIGITS = ("", "หนึ่ง", "สอง", "สาม", "สี่", "ห้า", "หก", "เจ็ด", "แปด", "เก้า")
_PLACES = ("", "สิบ", "ร้อย", "พัน", "หมื่น", "แสน")


def _six_digits(number: int) -> str:
    """Reads 0..999999; a trailing 1 reads เอ็ด only after a non-zero tens digit."""
    digits = [int(d) for d in str(number)]
    words = []
    for position, digit in enumerate(digits):
        place = len(digits) - position - 1
        if digit == 0:
            continue
        if place == 1 and digit == 1:
            words.append("สิบ")
        elif place == 1 and digit == 2:
            words.append("ยี่สิบ")
        elif place == 0 and digit == 1 and len(digits) > 1 and digits[-2] != 0:
            words.append("เอ็ด")
        else:
            words.append(_DIGITS[digit] + _PLACES[place])
    return "".join(words)


def _integer_words(number: int) -> str:
    if number == 0:
        return "ศูนย์"
    blocks = []
    while number:
        number, block = divmod(number, 1_000_000)
        blocks.append(block)
    words = ""
    for index, block in enumerate(reversed(blocks)):
        if index:
            words += "ล้าน"
        words += _six_digits(block)
    return words


def bahttext(amount: Decimal) -> str:
    """Amount in Thai words, as Excel/LibreOffice BAHTTEXT: 15000 → หนึ่งหมื่นห้าพันบาทถ้วน."""
    amount = amount.quantize(SATANG)
    if amount < 0:
        return "ลบ" + bahttext(-amount)
    baht, satang = divmod(int(amount * 100), 100)
    if baht == 0 and satang:
        return _integer_words(satang) + "สตางค์"
    words = _integer_words(baht) + "บาท"
    return words + (_integer_words(satang) + "สตางค์" if satang else "ถ้วน")
