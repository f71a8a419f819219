"""Tax invoices (SPEC §4; Revenue Code s. 86/4): every required item, what they cover, totals."""

from decimal import Decimal
from uuid import uuid4

import pytest

from services.billing.domain import (
    AlreadyOnTaxInvoice,
    BillingCustomer,
    BillingTenant,
    BranchDetails,
    InvoiceNotSent,
    ItemsDoNotBelongTogether,
    LineSpec,
    NothingToCover,
    TaxInvoice,
    TaxInvoiceDetailsMissing,
    TaxParty,
    UnknownRetention,
    buyer_of,
    check_parties,
    compose,
    cover,
    seller_of,
)
from shared.contracts.billing import InvoiceKind
from tests.unit.billing.factories import NOW, STAFF, TODAY, draft, retention, sent

D = Decimal
TENANT = BillingTenant(
    business_name_th="บริษัท สยามทูลเรนทัล จำกัด",
    business_name_en="Siam Tool Rentals Co., Ltd.",
    address_th="99 ถนนพระรามที่ 4 กรุงเทพฯ 10110",
    tax_id="0105556012345",
    tax_branch_no="00000",
    branches={"cnx": BranchDetails("00002", "1 ถนนห้วยแก้ว เชียงใหม่")},
)
BUYER = BillingCustomer("t1", "c1", "บริษัท ก่อสร้างดี จำกัด", "12 ถนนสุขุมวิท กรุงเทพฯ", "0105560000001", "00001")


def _buyer(**changes: str | None) -> TaxParty:
    return buyer_of(BillingCustomer(**{**BUYER.__dict__, **changes}))


def test_seller_and_buyer_with_every_item_pass() -> None:
    check_parties(seller_of(TENANT, "bkk"), buyer_of(BUYER))


def test_the_seller_is_the_head_office_or_the_branch_that_issues() -> None:
    assert seller_of(TENANT, "bkk") == TaxParty(
        "บริษัท สยามทูลเรนทัล จำกัด", "99 ถนนพระรามที่ 4 กรุงเทพฯ 10110", "0105556012345", "00000"
    )
    assert seller_of(TENANT, "cnx").branch_no == "00002"
    assert seller_of(TENANT, "cnx").address == "1 ถนนห้วยแก้ว เชียงใหม่"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"tax_id": None}, "buyer.tax_id"),
        ({"tax_id": "12345"}, "buyer.tax_id"),
        ({"tax_branch_no": None}, "buyer.branch_no"),
        ({"address": ""}, "buyer.address"),
    ],
)
def test_a_tax_invoice_without_a_buyer_item_is_refused_naming_it(
    changes: dict[str, str | None], field: str
) -> None:
    with pytest.raises(TaxInvoiceDetailsMissing) as refused:
        check_parties(seller_of(TENANT, "bkk"), _buyer(**changes))
    assert refused.value.field == field
    assert field in refused.value.message


def test_the_refusal_names_everything_missing_at_once() -> None:
    with pytest.raises(TaxInvoiceDetailsMissing) as refused:
        check_parties(seller_of(TENANT, "bkk"), _buyer(tax_id=None, tax_branch_no=None))
    assert refused.value.field == "buyer.tax_id"
    assert "buyer.tax_id (the customer's 13-digit tax id)" in refused.value.message
    assert "buyer.branch_no" in refused.value.message


def test_a_business_whose_settings_billing_has_not_received_cannot_issue_one() -> None:
    with pytest.raises(TaxInvoiceDetailsMissing) as refused:
        check_parties(seller_of(BillingTenant(), "bkk"), buyer_of(BUYER))
    assert refused.value.field == "seller.name"
    assert "seller.tax_id" in refused.value.message
    with pytest.raises(TaxInvoiceDetailsMissing, match=r"buyer\.name"):
        check_parties(seller_of(TENANT, "bkk"), buyer_of(None))


def test_a_tax_invoice_of_one_invoice_states_its_items_amount_before_vat_vat_and_total() -> None:
    invoice = sent(
        LineSpec("Excavator 20 t", D(2), D("2500.00"), D(14), "day"),
        LineSpec("Delivery", D(1), D("30000.00")),
    )

    content = compose(TENANT, [invoice], [])

    assert [(line.description, line.quantity, line.unit_price, line.amount) for line in content.lines] == [
        ("Excavator 20 t (2 × 14 day)", D(28), D("2500.00"), D("70000.00")),
        ("Delivery", D(1), D("30000.00"), D("30000.00")),
    ]
    assert (content.amount_before_vat, content.vat_amount, content.total) == (
        D("100000.00"),
        D("7000.00"),
        D("107000.00"),
    )
    assert [c.number for c in content.invoices] == ["INV-2026-0001"]


def test_forfeit_and_damage_invoice_on_one_tax_invoice() -> None:
    forfeit = retention("20000.00")
    damage = sent(
        LineSpec("Hydraulic arm replacement beyond the deposit", D(1), D("30000.00")),
        kind=InvoiceKind.DAMAGE,
        job_id="J-1",
    )

    content = compose(TENANT, [damage], [forfeit])

    # The forfeited ฿20,000 includes VAT: 20,000 × 7 / 107 = 1,308.41, so ฿18,691.59 before VAT.
    assert content.lines[-1].amount == D("18691.59")
    assert "DEP-2026-0007" in content.lines[-1].description
    assert "DEPRR-2026-0003" in content.lines[-1].description
    assert content.amount_before_vat == D("48691.59")
    assert content.vat_amount == D("3408.41")
    assert content.total == D("52100.00")  # ฿32,100 damage invoice + ฿20,000 forfeited
    assert content.job_id == "J-1"
    assert [r.return_receipt_number for r in content.retentions] == ["DEPRR-2026-0003"]


def test_issuing_publishes_what_the_tax_invoice_states_and_each_item_names_it() -> None:
    forfeit = retention("20000.00")
    damage = sent(kind=InvoiceKind.DAMAGE, job_id="J-1")
    content = compose(TENANT, [damage], [forfeit])

    tax_invoice, issued = TaxInvoice.issue(
        id=uuid4(),
        tenant_id="t1",
        number="TI-2026-0001",
        issue_date=TODAY,
        seller=seller_of(TENANT, "bkk"),
        buyer=buyer_of(BUYER),
        content=content,
        at=NOW,
        by=STAFF,
    )
    covered = cover(tax_invoice, [damage], [forfeit])

    assert (issued.number, issued.seller.tax_id, issued.buyer.branch_no) == (
        "TI-2026-0001",
        "0105556012345",
        "00001",
    )
    assert [line.amount for line in issued.lines] == [line.amount for line in content.lines]
    assert (issued.amount_before_vat, issued.vat_amount, issued.total) == (
        content.amount_before_vat,
        content.vat_amount,
        content.total,
    )
    assert [i.number for i in issued.invoices] == ["INV-2026-0001"]
    assert [r.return_receipt_number for r in issued.retentions] == ["DEPRR-2026-0003"]
    assert (issued.issued_by.user_id, tax_invoice.subject.branch_id) == ("u1", "bkk")
    assert covered.tax_invoice == "TI-2026-0001"
    assert (damage.tax_invoice_number, forfeit.tax_invoice_number) == ("TI-2026-0001", "TI-2026-0001")


def test_a_draft_is_not_covered_and_nothing_is_covered_twice() -> None:
    with pytest.raises(InvoiceNotSent):
        compose(TENANT, [draft()], [])
    invoice = sent()
    invoice.tax_invoice_id, invoice.tax_invoice_number = invoice.id, "TI-2026-0001"
    with pytest.raises(AlreadyOnTaxInvoice, match="TI-2026-0001"):
        compose(TENANT, [invoice], [])
    covered = retention(tax_invoice_id=invoice.id, tax_invoice_number="TI-2026-0001")
    with pytest.raises(AlreadyOnTaxInvoice):
        compose(TENANT, [], [covered])


def test_a_voided_return_has_nothing_to_tax() -> None:
    with pytest.raises(UnknownRetention) as refused:
        compose(TENANT, [], [retention(voided_at=NOW)])
    assert refused.value.field == "deposit_return_numbers"


def test_one_tax_invoice_covers_one_customer_and_something() -> None:
    with pytest.raises(ItemsDoNotBelongTogether) as refused:
        compose(TENANT, [sent()], [retention(customer_id="c2")])
    assert refused.value.field == "invoice_ids"
    with pytest.raises(NothingToCover):
        compose(TENANT, [], [])
