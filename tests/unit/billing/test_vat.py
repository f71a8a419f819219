"""How billing prices (SPEC §4): line amounts and VAT, half-up to the satang or to the baht."""

from datetime import date
from decimal import Decimal

import pytest

from services.billing.domain import (
    AmountTooLarge,
    BillingTenant,
    DatedRate,
    NoVatRateInEffect,
    VatTerms,
    line_amount,
    rate_on,
)

D = Decimal


@pytest.mark.parametrize(
    ("subtotal", "rate", "vat"),
    [
        ("100000.00", "0.07", "7000.00"),
        ("0.50", "0.01", "0.01"),  # 0.005: half-up at the third decimal
        ("0.40", "0.01", "0.00"),  # 0.004
        ("1.50", "0.07", "0.11"),  # 0.105: half-up, not to even (banker's rounding would give 0.10)
        ("0.08", "0.07", "0.01"),  # 0.0056
        ("0.07", "0.07", "0.00"),  # 0.0049
        ("1234.50", "0.07", "86.42"),  # 86.415
        ("1234.35", "0.07", "86.40"),  # 86.4045
    ],
)
def test_vat_is_rounded_half_up_to_the_satang(subtotal: str, rate: str, vat: str) -> None:
    assert VatTerms(D(rate)).on_net(D(subtotal)) == D(vat)


@pytest.mark.parametrize(
    ("subtotal", "vat"),
    [
        ("100000.00", "7000.00"),
        ("150.00", "11.00"),  # 10.50: half-up to the baht
        ("1234.50", "86.00"),  # 86.415
        ("107.15", "8.00"),  # 7.5005
        ("107.00", "7.00"),  # 7.49
    ],
)
def test_a_tenant_may_round_vat_to_the_baht(subtotal: str, vat: str) -> None:
    amount = VatTerms(D("0.07"), "baht").on_net(D(subtotal))
    assert amount == D(vat)
    assert str(amount).endswith(".00")


@pytest.mark.parametrize(
    ("gross", "rounding", "vat"),
    [
        ("50000.00", "satang", "3271.03"),  # 3271.028…
        ("107000.00", "satang", "7000.00"),
        ("107.00", "satang", "7.00"),
        ("1.00", "satang", "0.07"),  # 0.0654…
        ("50000.00", "baht", "3271.00"),
    ],
)
def test_vat_included_in_an_amount_is_amount_times_rate_over_one_plus_rate(
    gross: str, rounding: str, vat: str
) -> None:
    assert VatTerms(D("0.07"), rounding).included_in(D(gross)) == D(vat)  # type: ignore[arg-type]


def test_the_rate_is_the_one_in_effect_on_the_day_by_decree() -> None:
    rates = [DatedRate(date(1992, 1, 1), D("0.07")), DatedRate(date(2027, 10, 1), D("0.10"))]

    assert rate_on(rates, date(2027, 9, 30)) == D("0.07")
    assert rate_on(rates, date(2027, 10, 1)) == D("0.10")
    with pytest.raises(NoVatRateInEffect) as refused:
        rate_on(rates, date(1991, 12, 31))
    assert refused.value.field == "vat_rates"


def test_a_tenant_that_has_not_said_otherwise_charges_7_percent_to_the_satang() -> None:
    assert BillingTenant().vat_on(date(2026, 11, 23)) == VatTerms(D("0.07"), "satang")


@pytest.mark.parametrize(
    ("quantity", "duration", "rate", "amount"),
    [
        ("2", "14", "1500.00", "42000.00"),  # 2 machines × 14 days
        ("1", None, "100000.00", "100000.00"),  # charged once
        ("1.5", None, "333.33", "500.00"),  # 499.995, half-up
        ("2.5", "3", "99.99", "749.93"),  # 749.925
        ("0.333", "1", "10.00", "3.33"),
        ("3", "7", "0.00", "0.00"),
    ],
)
def test_a_line_is_quantity_times_duration_times_rate_half_up_to_the_satang(
    quantity: str, duration: str | None, rate: str, amount: str
) -> None:
    assert line_amount(D(quantity), D(duration) if duration else None, D(rate), field="lines.0") == D(amount)


def test_a_line_beyond_what_billing_can_keep_is_refused_naming_it() -> None:
    with pytest.raises(AmountTooLarge) as refused:
        line_amount(D("100000"), D("100000"), D("999999999999.99"), field="lines.3")
    assert refused.value.field == "lines.3"
