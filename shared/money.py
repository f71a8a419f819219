"""Money is `Decimal` in baht with satang precision, end to end; never float."""

from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated

from pydantic import AfterValidator, Field, PlainSerializer

SATANG = Decimal("0.01")
ZERO = Decimal("0.00")
# NUMERIC(14, 2): up to ฿999,999,999,999.99, far beyond any rental amount.
MAX_DIGITS = 14


def to_money(value: Decimal | int | str) -> Decimal:
    """Quantizes to satang; raises if the value had more precision than satang."""
    amount = Decimal(value)
    quantized = amount.quantize(SATANG)
    if quantized != amount:
        raise ValueError(f"{value} has more than two decimal places")
    return quantized


def round_half_up(value: Decimal, step: Decimal = SATANG) -> Decimal:
    return value.quantize(step, rounding=ROUND_HALF_UP)


def format_thb(amount: Decimal) -> str:
    """฿20,000.00; negatives as -฿1.00."""
    sign = "-" if amount < 0 else ""
    return f"{sign}฿{abs(amount):,.2f}"


def _serialize(amount: Decimal) -> str:
    return f"{amount.quantize(SATANG)}"


# Validated input and JSON output: exact, two decimal places, serialized as a string "20000.00"
# so no JSON consumer ever sees a float.
Money = Annotated[
    Decimal,
    Field(max_digits=MAX_DIGITS, decimal_places=2, allow_inf_nan=False),
    AfterValidator(to_money),
    PlainSerializer(_serialize, return_type=str, when_used="json"),
]
PositiveMoney = Annotated[Money, Field(gt=0)]
NonNegativeMoney = Annotated[Money, Field(ge=0)]
