"""Customer actions the portal publishes on `mudjam.portal.v1` (key: the invoice id)."""

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict

from shared.contracts.envelope import EventPayload
from shared.contracts.types import Id
from shared.money import Money


class SlipRef(BaseModel):
    model_config = ConfigDict(frozen=True)
    slip_id: UUID
    content_type: str  # image/png, image/jpeg or image/webp, read from the bytes
    size_bytes: int
    sha256: str


class PaymentReported(EventPayload):
    """The customer tapped "I've paid": a hand-off signal, never a confirmation of payment."""

    event_type = "payment.reported.v1"

    report_id: UUID
    invoice_id: UUID
    invoice_number: str
    customer_id: Id
    amount: Money
    reported_at: datetime
    slip: SlipRef | None = None
    slip_reference: str | None = None  # read from the slip's QR code, when it has one
