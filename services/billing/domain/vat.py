"""How billing prices: line amounts, VAT on a net amount, VAT included in a gross amount. Pure."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

from shared.errors import RuleViolation
from shared.money import SATANG, round_half_up

VatRounding = Literal["satang", "baht"]
BAHT = Decimal("1")
# NUMERIC(14, 2): the largest amount any column can hold.
MAX_AMOUNT = Decimal("999999999999.99")


class AmountTooLarge(RuleViolation):
    code = "amount_too_large"


class NoVatRateInEffect(RuleViolation):
    code = "no_vat_rate_in_effect"


@dataclass(frozen=True)
class DatedRate:
    effective_from: date
    rate: Decimal


@dataclass(frozen=True)
class VatTerms:
    """The VAT rate in effect on a day and the tenant's rounding of VAT amounts."""

    rate: Decimal
    rounding: VatRounding = "satang"

    @property
    def _step(self) -> Decimal:
        return BAHT if self.rounding == "baht" else SATANG

    def on_net(self, net: Decimal) -> Decimal:
        """VAT charged on a net amount: rate × net, half-up to the satang (or the baht)."""
        return round_half_up(net * self.rate, self._step).quantize(SATANG)

    def included_in(self, gross: Decimal) -> Decimal:
        """VAT inside a VAT-inclusive amount: gross × rate / (1 + rate), half-up likewise."""
        return round_half_up(gross * self.rate / (1 + self.rate), self._step).quantize(SATANG)


def rate_on(rates: Sequence[DatedRate], day: date, *, field: str = "vat_rates") -> Decimal:
    """The rate of the latest entry effective on or before the day (the rate is set by decree)."""
    in_effect = [r for r in rates if r.effective_from <= day]
    if not in_effect:
        raise NoVatRateInEffect(f"No VAT rate is in effect on {day.isoformat()}", field=field)
    return max(in_effect, key=lambda r: r.effective_from).rate


def line_amount(quantity: Decimal, duration: Decimal | None, rate: Decimal, *, field: str) -> Decimal:
    """quantity × duration (1 if none) × rate, half-up to the satang."""
    raw = quantity * (duration if duration is not None else 1) * rate
    check_amount(raw, field=field)
    return round_half_up(raw)


def check_amount(amount: Decimal, *, field: str) -> None:
    if amount > MAX_AMOUNT:
        raise AmountTooLarge(f"The amount is above the largest billing keeps ({MAX_AMOUNT:,})", field=field)
