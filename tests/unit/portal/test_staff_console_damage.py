"""The staff console's pure rules of part 3, damage beyond the deposit: which deposits start the
flow, what the damage invoice's rows ask billing for, where billing's refusal of a line goes, the
step the flow stands at from what the APIs hold, and the email's delivery state."""

from typing import Any, cast
from uuid import UUID

from services.portal.adapters.staff_api import StaffCalls
from services.portal.domain.staff import (
    MAX_DAMAGE_ROWS,
    DamageForm,
    DamageLine,
    billing_not_yet_heard,
    damage_invoice_of,
    damage_notice,
    damage_step,
    notice_state,
    retaining_return,
)
from services.portal.entrypoints.staff_damage import _damage_invoice, _retention

DEPOSIT = "1f7f5a8e-1111-4a5e-9f0e-3f4b8f3a2c11"


def _deposit(*returns: dict[str, object], job_id: str | None = "J-1") -> dict[str, object]:
    return {"id": DEPOSIT, "job_id": job_id, "returns": list(returns)}


def test_the_flow_starts_from_a_standing_return_that_kept_money_on_a_job() -> None:
    forfeit = {"kind": "forfeit", "retained_amount": "50000.00", "void": False, "receipt_number": "DEPRR-1"}
    partial = {"kind": "partial", "retained_amount": "5000.00", "void": False}
    full = {"kind": "full", "retained_amount": "0.00", "void": False}
    assert retaining_return(_deposit(forfeit)) == forfeit
    assert retaining_return(_deposit(partial)) == partial
    assert retaining_return(_deposit(full)) is None
    assert retaining_return(_deposit({**forfeit, "void": True})) is None
    assert retaining_return(_deposit(forfeit, job_id=None)) is None
    assert retaining_return(_deposit()) is None


def test_the_rows_typed_go_to_billing_and_blank_rows_never_do() -> None:
    form = DamageForm.of(
        {
            "rows": "3",
            "line-0-description": "",
            "line-0-rate": "",
            "line-1-description": " Hydraulic arm repair ",
            "line-1-quantity": "1",
            "line-1-unit": "job",
            "line-1-rate": "฿35,000",
            "line-2-quantity": "1",
        }
    )
    assert form.sent_rows() == [1]
    assert form.request_lines() == [
        {"description": "Hydraulic arm repair", "quantity": "1", "unit": "job", "rate": "35000"}
    ]


def test_a_rate_that_is_not_a_number_goes_as_typed_so_billing_names_it() -> None:
    form = DamageForm.of({"rows": "1", "line-0-description": "Bucket", "line-0-rate": "lots"})
    assert form.request_lines()[0]["rate"] == "lots"


def test_billing_s_refusal_of_a_line_goes_beside_the_row_it_came_from() -> None:
    form = DamageForm.of(
        {"rows": "3", "line-0-description": "Arm", "line-0-rate": "1", "line-2-rate": "35000"}
    )
    assert form.error_key("lines.1.description") == "line-2-description"
    assert form.error_key("lines.0.rate") == "line-0-rate"
    assert form.error_key("lines.7.rate") is None
    assert form.error_key("lines.0.secret") is None
    assert form.error_key("related_deposit_id") is None
    assert form.error_key(None) is None


def test_an_all_blank_form_sends_its_first_row_so_billing_names_the_description() -> None:
    form = DamageForm.blank_rows()
    assert form.sent_rows() == [0]
    assert form.error_key("lines.0.description") == "line-0-description"


def test_rows_are_bounded_and_add_line_adds_one() -> None:
    assert len(DamageForm.of({"rows": "999"}).lines) == MAX_DAMAGE_ROWS
    assert len(DamageForm.of({"rows": "x"}).lines) == 3
    assert len(DamageForm.blank_rows().with_row().lines) == 4
    full = DamageForm.of({"rows": str(MAX_DAMAGE_ROWS)})
    assert full.with_row() == full


def test_a_draft_s_lines_come_back_to_edit_with_a_row_to_spare() -> None:
    draft = {"lines": [{"description": "Arm", "quantity": "1.00", "unit": "", "rate": "35000.00"}]}
    assert DamageForm.of_invoice(draft).lines == (
        DamageLine(description="Arm", quantity="1", unit="", rate="35000.00"),
        DamageLine(),
    )


def test_the_deposit_s_damage_invoice_is_the_latest_naming_it_void_ones_aside() -> None:
    older = {"kind": "damage", "related_deposit_id": DEPOSIT, "status": "sent", "created_at": "2026-01-01"}
    newer = {**older, "created_at": "2026-02-01"}
    void = {**older, "status": "void", "created_at": "2026-03-01"}
    other = {**older, "related_deposit_id": "someone-else", "created_at": "2026-04-01"}
    standard = {**older, "kind": "standard", "created_at": "2026-05-01"}
    assert damage_invoice_of([older, newer, void, other, standard], DEPOSIT) == newer
    assert damage_invoice_of([other, standard], DEPOSIT) is None


def test_the_step_follows_what_the_apis_hold() -> None:
    assert damage_step(None, None) == 1
    assert damage_step({"number": None}, None) == 1  # a draft
    assert damage_step({"number": "INV-2026-0001"}, None) == 2
    assert damage_step({"number": "INV-2026-0001"}, {"number": "TI-2026-0001"}) == 3


def test_the_email_is_the_damage_notice_attaching_the_tax_invoice_and_its_state_is_plain() -> None:
    receipt = {"kind": "deposit_returned", "receipt_number": "TI-2026-0001", "documents": []}
    bundle = {
        "kind": "damage_charges",
        "status": "waiting_for_document",
        "receipt_number": None,
        "documents": [{"number": "INV-2026-0001"}, {"number": "TI-2026-0001"}, {"number": "DEPRR-1"}],
    }
    assert damage_notice([receipt, bundle], "TI-2026-0001") == bundle
    assert damage_notice([receipt], "TI-2026-0001") is None
    assert notice_state(None) == "queued"
    assert notice_state(bundle) == "queued"
    assert notice_state({**bundle, "status": "pending"}) == "queued"
    assert notice_state({**bundle, "status": "sent"}) == "sent"
    assert notice_state({**bundle, "status": "failed"}) == "failed"
    assert notice_state({**bundle, "status": "skipped"}) == "failed"


class _Billing:
    """Billing's lists as the flow reads them, 200 at most a page (the API's cap)."""

    def __init__(self, invoices: list[dict[str, Any]], retentions: list[dict[str, Any]]) -> None:
        self._lists = {"invoices": invoices, "retentions": retentions}
        self.asked: list[tuple[str, dict[str, str | int]]] = []
        self.full = {i["id"]: i for i in invoices}

    def _page(self, name: str, params: dict[str, str | int]) -> dict[str, Any]:
        self.asked.append((name, params))
        limit, offset = int(params["limit"]), int(params["offset"])
        assert limit <= 200
        items = self._lists[name]
        return {"items": items[offset : offset + limit], "total": len(items)}

    async def invoices(self, params: dict[str, str | int]) -> dict[str, Any]:
        return self._page("invoices", params)

    async def retentions(self, params: dict[str, str | int]) -> dict[str, Any]:
        return self._page("retentions", params)

    async def invoice(self, invoice_id: UUID) -> dict[str, Any]:
        return self.full[str(invoice_id)]


def _invoice(n: int, kind: str = "standard", deposit: str | None = None) -> dict[str, Any]:
    return {"id": str(UUID(int=n)), "kind": kind, "related_deposit_id": deposit, "status": "sent"}


async def test_the_flow_finds_the_damage_invoice_and_the_retention_past_billing_s_first_200() -> None:
    standard = [_invoice(n) for n in range(1, 451)]
    damage = _invoice(451, "damage", DEPOSIT)
    retentions = [{"return_receipt_number": f"DEPRR-{n:04}"} for n in range(1, 451)]
    billing = _Billing([*standard, damage], retentions)
    deposit = {"id": DEPOSIT, "customer_id": "C-1", "job_id": "J-1"}

    found = await _damage_invoice(cast(StaffCalls, billing), deposit)
    assert found is not None
    assert found["id"] == damage["id"]
    assert [p["offset"] for name, p in billing.asked if name == "invoices"] == [0, 200, 400]
    assert all(p["job_id"] == "J-1" for name, p in billing.asked if name == "invoices")

    retention = await _retention(cast(StaffCalls, billing), deposit, "DEPRR-0250")
    assert retention == {"return_receipt_number": "DEPRR-0250"}
    assert [p["offset"] for name, p in billing.asked if name == "retentions"] == [0, 200]  # then stops
    assert await _retention(cast(StaffCalls, billing), deposit, "DEPRR-9999") is None


def test_billing_not_having_heard_of_the_forfeit_is_told_apart_from_a_real_refusal() -> None:
    assert billing_not_yet_heard("damage_basis_invalid", "related_deposit_id")
    assert billing_not_yet_heard("unknown_retention", "deposit_return_numbers")
    assert not billing_not_yet_heard("damage_basis_invalid", "job_id")
    assert not billing_not_yet_heard("validation_error", "lines.0.description")
    assert not billing_not_yet_heard("unknown_invoice", "invoice_ids")
