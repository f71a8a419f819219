"""PromptPay payloads (SPEC §8), checked against payloads published by other implementations."""

import io
from decimal import Decimal

import pytest
import segno
import zxingcpp
from PIL import Image

from shared.promptpay import InvalidPromptPayId, crc16_ccitt_false, promptpay_payload


def test_crc_is_ccitt_false() -> None:
    assert crc16_ccitt_false(b"123456789") == 0x29B1  # the algorithm's published check value


@pytest.mark.parametrize(
    ("promptpay_id", "amount", "payload"),
    [
        ("0812345678", None, "00020101021129370016A000000677010111011300668123456785802TH530376463045D82"),
        (
            "0812345678",
            Decimal("150"),
            "00020101021229370016A000000677010111011300668123456785802TH53037645406150.006304CC46",
        ),
        ("0000000000", None, "00020101021129370016A000000677010111011300660000000005802TH530376463048956"),
    ],
)
def test_payload_matches_reference_implementations(
    promptpay_id: str, amount: Decimal | None, payload: str
) -> None:
    assert promptpay_payload(promptpay_id, amount) == payload


def test_a_tax_id_is_account_tag_02_and_a_zero_amount_makes_a_static_qr() -> None:
    payload = promptpay_payload("0-1055-56012-34-5", Decimal("0"))
    assert "0213" + "0105556012345" in payload
    assert payload.startswith("000201010211")
    assert "54" + "07" not in payload


def test_the_amount_has_two_decimals() -> None:
    assert "540820000.00" in promptpay_payload("0812345678", Decimal("20000"))


def test_an_id_that_is_neither_phone_tax_id_nor_ewallet_is_refused() -> None:
    with pytest.raises(InvalidPromptPayId):
        promptpay_payload("12345")


def test_a_banking_app_reads_the_amount_from_the_qr_image() -> None:
    payload = promptpay_payload("0105556012345", Decimal("107000"))
    png = io.BytesIO()
    segno.make(payload, error="m").save(png, kind="png", scale=6)
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(png.getvalue())))
    assert [d.text for d in decoded] == [payload]
    assert "5409107000.00" in decoded[0].text
