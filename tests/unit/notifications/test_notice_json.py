"""Notice facts as stored in `notices.facts`: what the email needs to link its invoices survives the
round trip, and notices stored before emails linked invoices still load, with no links."""

import json
from dataclasses import replace
from datetime import date
from decimal import Decimal
from uuid import uuid4

import pytest

from services.notifications.adapters.notice_json import facts_of, facts_to_json
from services.notifications.domain import ChargeLine, DamageFacts, NoticeKind, PaymentFacts, Retention

RC = PaymentFacts(
    receipt_number="RC-2026-0001",
    prepayment=False,
    amount=Decimal("50000.00"),
    method="bank_transfer",
    reference="KBANK-1234",
    paid_on=date(2026, 3, 12),
    invoice_number="INV-2026-0042",
    balance=Decimal("57000.00"),
    job_id="J-1001",
    invoice_id=uuid4(),
)
PREREC = PaymentFacts(
    receipt_number="PREREC-2026-0001",
    prepayment=True,
    amount=Decimal("50000.00"),
    method="promptpay",
    reference="PP-1",
    paid_on=date(2026, 3, 2),
    job_id="J-1001",
    vat_amount=Decimal("3271.03"),
)
DAMAGE = DamageFacts(
    tax_invoice_number="TI-2026-0003",
    issue_date=date(2026, 3, 14),
    job_id="J-1001",
    damage_invoice_numbers=("INV-2026-0050", "INV-2026-0051"),
    damage_invoice_ids=(uuid4(), uuid4()),
    retentions=(Retention("DEP-2026-0001", "DEPRR-2026-0001", Decimal("20000.00")),),
    lines=(ChargeLine("Engine repair above the deposit", Decimal("28037.38")),),
    amount_before_vat=Decimal("46728.97"),
    vat_rate=Decimal("0.07"),
    vat_amount=Decimal("3271.03"),
    total=Decimal("50000.00"),
)


def _stored(kind: NoticeKind, facts: PaymentFacts | DamageFacts, *, without: str | None = None) -> object:
    data = json.loads(json.dumps(facts_to_json(facts)))  # as the JSONB column gives it back
    if without:
        del data[without]
    return facts_of(kind, data)


@pytest.mark.parametrize(
    ("kind", "facts"),
    [
        (NoticeKind.PAYMENT_RECEIPT, RC),
        (NoticeKind.PREPAYMENT_RECEIPT, PREREC),
        (NoticeKind.DAMAGE_CHARGES, DAMAGE),
    ],
    ids=["rc", "prerec", "damage"],
)
def test_the_invoices_to_link_survive_the_round_trip(
    kind: NoticeKind, facts: PaymentFacts | DamageFacts
) -> None:
    assert _stored(kind, facts) == facts


def test_an_rc_links_the_invoice_it_pays_and_a_prerec_links_none() -> None:
    assert RC.invoice_id is not None
    assert RC.linked_invoices == (("INV-2026-0042", RC.invoice_id),)
    assert PREREC.linked_invoices == ()


def test_a_damage_notice_links_each_damage_invoice_by_its_number() -> None:
    assert DAMAGE.linked_invoices == (
        ("INV-2026-0050", DAMAGE.damage_invoice_ids[0]),
        ("INV-2026-0051", DAMAGE.damage_invoice_ids[1]),
    )


def test_an_rc_stored_before_invoice_links_loads_without_a_link() -> None:
    loaded = _stored(NoticeKind.PAYMENT_RECEIPT, RC, without="invoice_id")

    assert loaded == replace(RC, invoice_id=None)
    assert isinstance(loaded, PaymentFacts)
    assert loaded.linked_invoices == ()


def test_a_damage_notice_stored_before_invoice_links_loads_without_links() -> None:
    loaded = _stored(NoticeKind.DAMAGE_CHARGES, DAMAGE, without="damage_invoice_ids")

    assert loaded == replace(DAMAGE, damage_invoice_ids=())
    assert isinstance(loaded, DamageFacts)
    assert loaded.damage_invoice_numbers == ("INV-2026-0050", "INV-2026-0051")
    assert loaded.linked_invoices == ()


def test_damage_invoice_ids_must_match_the_numbers_one_for_one() -> None:
    with pytest.raises(ValueError, match="align"):
        replace(DAMAGE, damage_invoice_ids=(uuid4(),))
