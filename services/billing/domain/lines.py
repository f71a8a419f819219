"""An invoice's lines: as staff enter them, and priced (quantity × duration × rate). Pure."""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from services.billing.domain.vat import line_amount


@dataclass(frozen=True)
class LineSpec:
    """A line as staff enter it, before it is priced."""

    description: str
    quantity: Decimal
    rate: Decimal
    duration: Decimal | None = None
    unit: str = ""


@dataclass(frozen=True)
class LineItem:
    description: str
    quantity: Decimal
    duration: Decimal | None
    unit: str
    rate: Decimal
    amount: Decimal

    @property
    def units(self) -> Decimal:
        """What the rate is charged on: quantity × duration (e.g. 2 machines × 14 days = 28)."""
        return self.quantity * (self.duration if self.duration is not None else 1)


def price_lines(specs: Sequence[LineSpec]) -> list[LineItem]:
    return [
        LineItem(
            s.description,
            s.quantity,
            s.duration,
            s.unit,
            s.rate,
            line_amount(s.quantity, s.duration, s.rate, field=f"lines.{i}"),
        )
        for i, s in enumerate(specs)
    ]
