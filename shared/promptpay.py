"""PromptPay (EMVCo merchant-presented) QR payloads.

Written by hand: the payload is a few tags and a CRC, and every byte is pinned by tests (SPEC §8).
"""

import re
from decimal import Decimal

from shared.money import SATANG

PROMPTPAY_AID = "A000000677010111"


class InvalidPromptPayId(ValueError):
    pass


def _tag(tag: str, value: str) -> str:
    return f"{tag}{len(value):02d}{value}"


def crc16_ccitt_false(data: bytes) -> int:
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return crc


def _account(promptpay_id: str) -> str:
    digits = re.sub(r"\D", "", promptpay_id)
    if len(digits) == 10 and digits.startswith("0"):  # mobile phone
        return _tag("01", ("66" + digits[1:]).rjust(13, "0"))
    if len(digits) == 13:  # national id or tax id
        return _tag("02", digits)
    if len(digits) == 15:  # e-wallet
        return _tag("03", digits)
    raise InvalidPromptPayId(
        f"PromptPay id {promptpay_id!r} is neither a mobile number, a 13-digit tax id nor a 15-digit e-wallet"
    )


def promptpay_payload(promptpay_id: str, amount: Decimal | None = None) -> str:
    """The QR text for paying `amount` (static QR without an amount when None or zero)."""
    with_amount = amount is not None and amount > 0
    merchant = _tag("00", PROMPTPAY_AID) + _account(promptpay_id)
    payload = (
        _tag("00", "01")
        + _tag("01", "12" if with_amount else "11")
        + _tag("29", merchant)
        + _tag("58", "TH")
        + _tag("53", "764")
    )
    if with_amount:
        assert amount is not None
        payload += _tag("54", f"{amount.quantize(SATANG)}")
    payload += "6304"
    return payload + f"{crc16_ccitt_false(payload.encode('ascii')):04X}"
