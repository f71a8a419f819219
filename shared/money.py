"""Money is `Decimal` in baht with satang precision, end to end; never float."""

import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, Field, PlainSerializer, WithJsonSchema

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


def plain_decimal(places: int, what: str) -> BeforeValidator:
    """Accepts a JSON number, or a string of plain digits with at most `places` decimals: no
    exponent, sign but minus, spaces, separators or leading zeros (`"1e3"`, `" 5"`, `"+5"`,
    `"1_000"`, `"007"`), so that what is accepted is exactly what the published pattern says."""
    grammar = re.compile(rf"-?(0|[1-9][0-9]*)(\.[0-9]{{1,{places}}})?")

    def check(value: object) -> object:
        if isinstance(value, bool):
            raise ValueError(f"must be {what}")
        if isinstance(value, str) and not grammar.fullmatch(value):
            raise ValueError(f"must be {what}: digits, at most {places} decimal places")
        return value

    return BeforeValidator(check)


def decimal_schemas(*, pattern: str, places: int, **bounds: float) -> tuple[WithJsonSchema, WithJsonSchema]:
    """The published schemas of an exact decimal: in, a string matching `pattern` or a JSON number
    of that precision within `bounds` (JSON Schema keywords); out, the string."""
    example = {"examples": ["20000.00"]} if places == 2 else {}
    number = {"type": "number", "multipleOf": float(f"1e-{places}"), **bounds}
    accepted = {"anyOf": [{"type": "string", "pattern": pattern}, number], **example}
    written = {"type": "string", "pattern": pattern, **example}
    return WithJsonSchema(accepted, mode="validation"), WithJsonSchema(written, mode="serialization")


_WHOLE = r"[1-9][0-9]{0,11}"  # at most 12 digits before the point (NUMERIC(14, 2))
_CENTS = r"(\.[0-9]{1,2})?"
_LARGEST = 999_999_999_999.99
_ANY = decimal_schemas(pattern=rf"^-?(0|{_WHOLE}){_CENTS}$", places=2, minimum=-_LARGEST, maximum=_LARGEST)
_NON_NEGATIVE = decimal_schemas(pattern=rf"^(0|{_WHOLE}){_CENTS}$", places=2, minimum=0, maximum=_LARGEST)
_POSITIVE = decimal_schemas(
    pattern=rf"^({_WHOLE}{_CENTS}|0\.(0[1-9]|[1-9][0-9]?))$", places=2, exclusiveMinimum=0, maximum=_LARGEST
)


# Validated input and JSON output: exact, two decimal places, serialized as a string "20000.00"
# so no JSON consumer ever sees a float.
_Amount = Annotated[
    Decimal,
    plain_decimal(2, "an amount in baht such as 1500.00"),
    Field(max_digits=MAX_DIGITS, decimal_places=2, allow_inf_nan=False),
    AfterValidator(to_money),
    PlainSerializer(_serialize, return_type=str, when_used="json"),
]
Money = Annotated[_Amount, *_ANY]
PositiveMoney = Annotated[_Amount, Field(gt=0), *_POSITIVE]
NonNegativeMoney = Annotated[_Amount, Field(ge=0), *_NON_NEGATIVE]
