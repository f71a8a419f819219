"""What each document says, in both languages (SPEC §3, §5, §8), before any PDF is made."""

from decimal import Decimal

from services.documents.content import NOT_SUBJECT_TO_VAT, Part, Sheet, build_sheet, promptpay_qr
from services.documents.domain import CustomerProfile, DocumentFacts, TenantProfile
from shared.contracts.deposits import ReturnKind
from shared.contracts.types import Language
from shared.promptpay import promptpay_payload
from tests.unit.documents import factories


def _sheet(
    facts: DocumentFacts,
    language: Language = "th",
    *,
    version: int = 1,
    branch_id: str = "bkk",
    tenant: TenantProfile | None = None,
    customer: CustomerProfile | None = None,
) -> Sheet:
    return build_sheet(
        facts=facts,
        version=version,
        branch_id=branch_id,
        tenant=tenant or factories.tenant(),
        customer=customer or factories.customer(),
        language=language,
    )


def _rows(part: Part) -> dict[str, str]:
    return {row.label: row.value for row in part.rows} | {a.label: a.value for a in part.amounts}


def test_the_chosen_language_is_printed_first_and_the_other_beneath() -> None:
    thai_first, english_first = (
        _sheet(factories.deposit_return(), "th"),
        _sheet(factories.deposit_return(), "en"),
    )

    assert [p.language for p in thai_first.parts] == ["th", "en"]
    assert [p.language for p in english_first.parts] == ["en", "th"]
    assert thai_first.title == {"th": "ใบคืนเงินมัดจำ", "en": "Deposit Return Receipt"}


def test_thai_dates_are_in_the_buddhist_era_and_english_dates_in_the_common_era() -> None:
    sheet = _sheet(factories.deposit_return())
    thai, english = sheet.parts

    assert sheet.date == {"th": "12 มีนาคม 2569", "en": "12 March 2026"}
    assert _rows(thai)["วันที่"] == "12 มีนาคม 2569"
    assert _rows(english)["Date"] == "12 March 2026"
    # 07:05 UTC is 14:05 in Bangkok.
    assert _rows(thai)["วันเวลาที่คืน"] == "12 มีนาคม 2569 เวลา 14:05 น."
    assert _rows(english)["Returned at"] == "12 March 2026, 14:05"


def test_the_thai_part_states_the_amount_in_words_and_the_english_part_does_not() -> None:
    thai, english = _sheet(factories.deposit_return()).parts

    assert thai.in_words is not None
    assert thai.in_words.value == "หนึ่งหมื่นห้าพันบาทถ้วน"
    assert english.in_words is None


def test_a_partial_return_shows_held_returned_and_deducted_with_the_reason() -> None:
    english = _sheet(factories.deposit_return(), "en").parts[0]
    rows = _rows(english)

    assert rows["Original deposit held"] == "฿20,000.00"
    assert rows["Amount returned"] == "฿15,000.00"
    assert rows["Amount deducted"] == "฿5,000.00"
    assert [(n.label, n.value) for n in english.notes] == [("Reason for deduction", "Cracked filter housing")]
    assert rows["Deposit no."] == "DEP-2026-0001"
    assert rows["Deposit receipt"] == "DEPR-2026-0001"
    assert rows["Refund method"] == "Bank transfer"
    assert rows["Refund reference"] == "SLIP-2026-77"
    assert rows["Returned by"] == "Nok Staff"


def test_a_full_return_shows_no_deduction() -> None:
    full = factories.deposit_return(
        return_kind=ReturnKind.FULL,
        returned_amount=Decimal("20000.00"),
        retained_amount=Decimal("0.00"),
        reason="",
    )
    english = _sheet(full, "en").parts[0]

    assert "Amount deducted" not in _rows(english)
    assert english.notes == ()


def test_a_forfeit_refunds_nothing_and_says_why() -> None:
    forfeit = factories.deposit_return(
        return_kind=ReturnKind.FORFEIT,
        returned_amount=Decimal("0.00"),
        retained_amount=Decimal("20000.00"),
        reason="Generator engine seized",
        method=None,
        refund_reference="",
    )
    thai, english = _sheet(forfeit).parts

    assert _rows(english)["Amount returned"] == "฿0.00"
    assert _rows(english)["Return type"] == "Forfeited"
    assert _rows(english)["Refund method"] == "—"
    assert [n.value for n in english.notes] == ["Generator engine seized"]
    assert thai.in_words is not None
    assert thai.in_words.value == "ศูนย์บาทถ้วน"


def test_the_customer_signs_for_the_refund_and_the_staff_member_who_returned_it_is_named() -> None:
    sheet = _sheet(factories.deposit_return())

    assert [(s.caption["en"], s.name) for s in sheet.signatures] == [
        ("Returned by", "Nok Staff"),
        ("Received by (customer): I acknowledge receipt of the refund above", ""),
    ]


def test_a_void_version_is_marked_void_with_the_reason_in_both_languages() -> None:
    sheet = _sheet(factories.deposit_return(void=factories.void()), version=2)
    thai, english = sheet.parts

    assert (sheet.status, sheet.version, sheet.number) == ("void", 2, "DEPRR-2026-0001")
    assert sheet.void_mark == "VOID / ยกเลิก"
    assert english.void_notice == (
        "This receipt was voided on 13 March 2026, 09:00 by Mai Manager. Reason: Wrong amount entered"
    )
    assert thai.void_notice is not None
    assert "Wrong amount entered" in thai.void_notice
    assert "13 มีนาคม 2569" in thai.void_notice


def test_an_issued_receipt_has_no_void_mark() -> None:
    sheet = _sheet(factories.deposit_return())

    assert (sheet.status, sheet.void_mark) == ("issued", None)
    assert all(part.void_notice is None for part in sheet.parts)


def test_a_deposit_receipt_states_its_type_and_that_it_is_outside_vat() -> None:
    sheet = _sheet(factories.receipt(), "en")
    english, thai = sheet.parts
    rows = _rows(english)

    assert english.statements == ("Refundable Security Deposit — Not Subject to VAT",)
    assert thai.statements == (NOT_SUBJECT_TO_VAT["th"],)
    assert rows["Receipt type"] == "Deposit Receipt"
    assert rows["Amount received"] == "฿20,000.00"
    assert rows["Reference document"] == "DEP-2026-0001"
    assert rows["Payment method"] == "Bank transfer"
    assert rows["Payment reference"] == "KBANK-778812"
    assert [(s.caption["en"], s.name) for s in sheet.signatures] == [("Received by", "Nok Staff")]


def test_a_partly_paid_deposit_receipt_shows_what_is_still_to_pay() -> None:
    partly = factories.receipt(amount=Decimal("5000.00"), total_collected=Decimal("5000.00"))

    rows = _rows(_sheet(partly, "en").parts[0])

    assert rows["Total deposit received"] == "฿5,000.00"
    assert rows["Still to pay"] == "฿15,000.00"


def test_a_deposit_request_carries_a_promptpay_qr_for_the_amount_due() -> None:
    sheet = _sheet(factories.request())

    assert sheet.qr is not None
    assert sheet.qr.payload == promptpay_payload("0812345678", Decimal("20000.00"))
    assert sheet.qr.svg_data_uri.startswith("data:image/svg+xml")
    assert sheet.qr.amount == "฿20,000.00"


def test_a_business_without_a_valid_promptpay_id_gets_a_request_without_qr() -> None:
    assert promptpay_qr("", Decimal("100")) is None
    assert _sheet(factories.request(), tenant=factories.tenant(promptpay_id="12")).qr is None


def test_receipts_carry_no_qr() -> None:
    assert _sheet(factories.receipt()).qr is None
    assert _sheet(factories.deposit_return()).qr is None


def test_the_business_is_printed_with_its_tax_id_and_head_office() -> None:
    sheet = _sheet(factories.receipt())

    assert sheet.business_name == {"en": "Siam Tool Rentals Co., Ltd.", "th": "บริษัท สยามทูลเรนทัล จำกัด"}
    assert sheet.business_tax["en"] == "Tax ID 0105556012345 (Head office)"
    assert sheet.business_tax["th"] == "เลขประจำตัวผู้เสียภาษี 0105556012345 (สำนักงานใหญ่)"
    assert sheet.business_address["en"] == "99 Rama IV Road, Bangkok 10110"


def test_a_branch_with_its_own_address_and_tax_branch_prints_them() -> None:
    sheet = _sheet(factories.receipt(), branch_id="cnx")

    assert sheet.business_address["en"] == "7 Nimman Road, Chiang Mai 50200"
    assert sheet.business_tax["en"] == "Tax ID 0105556012345 (Branch 00002)"


def test_the_customer_tax_id_is_printed_only_when_registered() -> None:
    company = factories.customer(name="Build Co., Ltd.", tax_id="0105560000001", tax_branch_no="00000")

    assert _sheet(factories.receipt()).customer_tax is None
    assert _sheet(factories.receipt(), customer=company).customer_tax == {
        "en": "Tax ID 0105560000001 (Head office)",
        "th": "เลขประจำตัวผู้เสียภาษี 0105560000001 (สำนักงานใหญ่)",
    }
