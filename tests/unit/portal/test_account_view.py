"""What the customer sees of their account: job groups, the deposit section, "all caught up"."""

from datetime import date, timedelta
from decimal import Decimal
from uuid import uuid4

import pytest

from services.portal.domain import (
    Business,
    Deposit,
    DepositReturnInfo,
    Document,
    Job,
    all_caught_up,
    browser_language,
    deposit_section,
    group_jobs,
    pick_language,
)
from shared.contracts.deposits import DepositStatus, ReturnKind

TODAY = date(2026, 3, 12)


def _job(number: str, stage: str, start: date | None = None, end: date | None = None) -> Job:
    return Job(job_id=number.lower(), number=number, stage=stage, start_date=start, end_date=end)


def _deposit(
    status: DepositStatus, requested: str = "20000", collected: str = "0", **more: object
) -> Deposit:
    return Deposit(
        deposit_id=uuid4(),
        number=f"DEP-2026-{uuid4().hex[:4]}",
        status=status,
        amount_requested=Decimal(requested),
        collected=Decimal(collected),
        **more,  # type: ignore[arg-type]
    )


def test_jobs_are_grouped_active_upcoming_and_past() -> None:
    on_site = _job("J-1", "on_site", TODAY - timedelta(days=3), TODAY + timedelta(days=4))
    booked_later = _job("J-2", "new", TODAY + timedelta(days=10), TODAY + timedelta(days=12))
    booked_today = _job("J-3", "picking", TODAY, TODAY + timedelta(days=2))
    closed = _job("J-4", "closed", TODAY - timedelta(days=20), TODAY - timedelta(days=10))
    cancelled = _job("J-5", "cancelled", TODAY + timedelta(days=5))

    groups = group_jobs([closed, booked_later, on_site, cancelled, booked_today], TODAY)

    assert [j.number for j in groups.active] == ["J-3", "J-1"]
    assert [j.number for j in groups.upcoming] == ["J-2"]
    assert {j.number for j in groups.past} == {"J-4", "J-5"}
    assert [j.number for j in groups.open] == ["J-3", "J-1", "J-2"]


def test_a_job_already_on_its_way_is_active_even_before_its_start_date() -> None:
    delivering = _job("J-1", "delivering", TODAY + timedelta(days=1))

    assert group_jobs([delivering], TODAY).active == [delivering]


def test_a_pending_deposit_asks_for_the_amount_still_due() -> None:
    pending = _deposit(DepositStatus.PENDING)
    partly = _deposit(DepositStatus.PARTIALLY_HELD, collected="5000")

    section = deposit_section([pending, partly])

    assert [d.amount_due for d in section.pending] == [Decimal("20000"), Decimal("15000")]
    assert section.held == [partly]


def test_a_returned_deposit_shows_the_deduction_only_for_partial_and_forfeit() -> None:
    partial = DepositReturnInfo(
        "DEPRR-2026-0001", ReturnKind.PARTIAL, Decimal("15000"), Decimal("5000"), "cracked filter", TODAY
    )
    full = DepositReturnInfo("DEPRR-2026-0002", ReturnKind.FULL, Decimal("20000"), Decimal("0"), "", TODAY)
    returned = _deposit(DepositStatus.PARTIALLY_RETURNED, collected="20000", returned=partial)

    section = deposit_section([returned, _deposit(DepositStatus.RETURNED, collected="20000", returned=full)])

    assert len(section.returned) == 2
    assert partial.shows_deduction
    assert not full.shows_deduction
    assert returned.amount_due == Decimal("0")
    assert not section.held
    assert not section.pending


def test_all_caught_up_when_no_job_is_open_and_no_deposit_is_owed_or_held() -> None:
    past = group_jobs([_job("J-1", "closed")], TODAY)
    active = group_jobs([_job("J-2", "on_site")], TODAY)
    returned = deposit_section([_deposit(DepositStatus.RETURNED, collected="100")])

    assert all_caught_up(past, returned)
    assert all_caught_up(past, deposit_section([]))
    assert not all_caught_up(active, returned)
    assert not all_caught_up(past, deposit_section([_deposit(DepositStatus.PENDING)]))
    assert not all_caught_up(past, deposit_section([_deposit(DepositStatus.HELD, collected="20000")]))


def test_the_language_is_the_toggle_then_the_customer_then_the_browser_then_the_business_then_thai() -> None:
    assert pick_language("en", "th", "th", "th") == "en"
    assert pick_language(None, "en", "th", "th") == "en"
    assert pick_language(None, None, "th", "en") == "en"
    assert pick_language("klingon", None, "en") == "en"
    assert pick_language(None, None, None) == "th"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("en-US,en;q=0.9,th;q=0.8", "en"),
        ("th-TH,th;q=0.9,en;q=0.8", "th"),
        ("fr-FR,fr;q=0.9,en;q=0.5,th;q=0.7", "th"),
        ("de-DE", None),
        ("en;q=0", None),
        ("en;q=abc,th", "th"),
        (None, None),
        ("", None),
    ],
)
def test_an_unknown_visitor_gets_the_browser_language_when_it_is_thai_or_english(
    header: str | None, expected: str | None
) -> None:
    assert browser_language(header) == expected


def test_a_document_opens_in_the_page_language_when_rendered_in_it() -> None:
    document = Document(
        uuid4(), "deposit_receipt", "DEPR-2026-0001", 1, "issued", TODAY, Decimal(1), "", ("th",)
    )

    assert document.language_for("th") == "th"
    assert document.language_for("en") == "th"


def test_the_business_name_follows_the_language_and_falls_back() -> None:
    business = Business("t-1", name_en="Siam Tool Rentals", name_th="สยามทูลเรนทัล")

    assert business.name("th") == "สยามทูลเรนทัล"
    assert business.name("en") == "Siam Tool Rentals"
    assert Business("t-1", name_en="Only English").name("th") == "Only English"
