from datetime import UTC, datetime
from decimal import Decimal

import pytest
from pydantic import BaseModel, ValidationError

from shared.contracts.documents import DocumentKind
from shared.money import Money, PositiveMoney
from shared.numbering import NumberingRules, NumberSequence


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
    assert NumberSequence("x", "DEPRR", 2026).format(1) == "DEPRR-2026-0001"
    assert NumberSequence("x", "DEPRR", 2026).format(10000) == "DEPRR-2026-10000"
    assert NumberSequence("x", "DEPRR", 2026, "BKK").format(7) == "DEPRR-BKK-2026-0007"


def test_the_year_is_the_business_date_s_in_the_tenant_s_time_zone() -> None:
    new_year_in_bangkok = datetime(2026, 12, 31, 17, 30, tzinfo=UTC)  # 00:30 on 1 January there
    rules = NumberingRules(timezone="Asia/Bangkok")
    sequence = rules.sequence(DocumentKind.DEPOSIT_RETURN_RECEIPT, branch_id="bkk", now=new_year_in_bangkok)
    assert (sequence.prefix, sequence.year, sequence.branch_code) == ("DEPRR", 2027, None)


def test_per_branch_numbers_carry_the_configured_code_else_the_branch_id_in_capitals() -> None:
    rules = NumberingRules(
        document_prefixes={"invoice": "BILL"}, per_branch_numbering=True, branch_codes={"bkk": "BK1"}
    )
    now = datetime(2026, 3, 12, 3, tzinfo=UTC)
    assert rules.sequence(DocumentKind.INVOICE, branch_id="bkk", now=now).format(42) == "BILL-BK1-2026-0042"
    assert rules.sequence(DocumentKind.RECEIPT, branch_id="chiangmai-1", now=now).format(1) == (
        "RC-CHIANGMA-2026-0001"
    )
