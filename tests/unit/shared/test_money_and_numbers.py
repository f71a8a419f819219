from decimal import Decimal

import pytest
from pydantic import BaseModel, ValidationError

from shared.db import format_document_number
from shared.money import Money, PositiveMoney


class _Amount(BaseModel):
    amount: PositiveMoney


def test_money_keeps_satang_exactly_and_serializes_as_a_string() -> None:
    parsed = _Amount.model_validate_json('{"amount": "15000.1"}')
    assert parsed.amount == Decimal("15000.10")
    assert parsed.model_dump_json() == '{"amount":"15000.10"}'


@pytest.mark.parametrize("raw", ['"100.005"', '"-1"', '"0"', "1e20", '"NaN"', '"abc"'])
def test_money_refuses_what_is_not_an_amount(raw: str) -> None:
    with pytest.raises(ValidationError) as refused:
        _Amount.model_validate_json(f'{{"amount": {raw}}}')
    assert refused.value.errors()[0]["loc"] == ("amount",)


def test_float_inputs_never_become_binary_fractions() -> None:
    class Plain(BaseModel):
        amount: Money

    assert Plain.model_validate_json('{"amount": 0.1}').amount == Decimal("0.10")


def test_document_numbers_are_zero_padded_and_widen_past_9999() -> None:
    assert format_document_number("DEPRR", 2026, 1) == "DEPRR-2026-0001"
    assert format_document_number("DEPRR", 2026, 10000) == "DEPRR-2026-10000"
    assert format_document_number("DEPRR", 2026, 7, "BKK") == "DEPRR-BKK-2026-0007"
