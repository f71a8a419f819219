"""The staff console's own rules, pure: when a session has expired, the forms' anti-forgery check,
what a return form asks the deposits API for, the customer's receipt line it will produce, and the
deposit list's deadlines. The console writes nothing of its own but sessions; every fact it shows
or changes belongs to the services' APIs."""

import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from shared.auth import Principal, Role
from shared.contracts.deposits import CollectionMethod, DepositStatus, RefundMethod, ReturnKind
from shared.money import ZERO

RETURN_KINDS = tuple(kind.value for kind in ReturnKind)
REFUND_METHODS = tuple(method.value for method in RefundMethod)
COLLECTION_METHODS = tuple(method.value for method in CollectionMethod)
DEPOSIT_STATUSES = tuple(status.value for status in DepositStatus)
# A return's deadline matters only while the money is still with the business.
_AWAITING_RETURN = frozenset({DepositStatus.HELD.value, DepositStatus.PARTIALLY_HELD.value})
_FORM_TEXT_CHARS = 500
_AMOUNT_NOISE = re.compile(r"[\s,฿]")


class StaffSignInRefused(Exception):
    """A sign-in link that is not (or no longer) good: tampered, expired or not a sign-in link."""


class StaffSessionEnded(Exception):
    """No session, an unknown one, or one past its idle or absolute lifetime."""


def session_id_hash(session_id: str) -> str:
    """What the database keeps of a session id: it alone never signs anybody in."""
    return hashlib.sha256(session_id.encode()).hexdigest()


@dataclass(frozen=True)
class SessionLifetime:
    idle: timedelta
    absolute: timedelta


def session_expired(
    *, created_at: datetime, last_seen_at: datetime, now: datetime, lifetime: SessionLifetime
) -> bool:
    """Idle for longer than allowed, or older than any session may be, however busy."""
    return now - last_seen_at > lifetime.idle or now - created_at > lifetime.absolute


@dataclass(frozen=True)
class StaffSession:
    session_hash: str
    principal: Principal
    created_at: datetime
    last_seen_at: datetime

    @property
    def is_manager(self) -> bool:
        return Role.MANAGER in self.principal.roles


def csrf_token(secret: str, session_hash: str) -> str:
    """The session's anti-forgery token: derived from it, so it needs no storage and dies with it."""
    return hmac.new(secret.encode(), f"staff-csrf:{session_hash}".encode(), hashlib.sha256).hexdigest()


def csrf_matches(expected: str, given: object) -> bool:
    if not isinstance(given, str) or len(given) != len(expected):
        return False
    return hmac.compare_digest(expected, given)


def form_text(value: object) -> str:
    """A form field as text, trimmed and bounded (a missing or odd field is empty)."""
    return value.strip()[:_FORM_TEXT_CHARS] if isinstance(value, str) else ""


def parse_amount(text: str) -> Decimal | None:
    """The baht amount typed ("15,000", "฿15000.50"), or None when it is not a number."""
    cleaned = _AMOUNT_NOISE.sub("", text)
    if not cleaned:
        return None
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        return None
    return amount if amount.is_finite() else None


def amount_text(amount: Decimal) -> str:
    """An amount as the APIs take it: plain digits (never "1E+3"), satang when it has no more."""
    satang = amount.quantize(Decimal("0.01")) if amount.adjusted() < 20 else amount
    return f"{satang if satang == amount else amount:f}"


@dataclass(frozen=True)
class ReturnForm:
    """The return panel as the clerk filled it in (kept as typed, to show again after a refusal)."""

    kind: str = ReturnKind.FULL.value
    amount: str = ""
    method: str = ""
    reference: str = ""
    note: str = ""

    @classmethod
    def of(cls, fields: dict[str, Any]) -> "ReturnForm":
        return cls(
            **{
                name: form_text(fields.get(name))
                for name in ("kind", "amount", "method", "reference", "note")
            }
        )

    def refunded(self, held: Decimal) -> Decimal | None:
        """What goes back to the customer: Full is the held total, Forfeit nothing, Partial as typed."""
        if self.kind == ReturnKind.FULL.value:
            return held
        if self.kind == ReturnKind.FORFEIT.value:
            return ZERO
        return parse_amount(self.amount)

    def request_body(self, held: Decimal) -> dict[str, str]:
        """What the deposits API is asked for; it checks every rule and names the field at fault."""
        refunded = self.refunded(held)
        body = {"kind": self.kind, "reference": self.reference, "note": self.note}
        # A partial amount that is not a number is passed as typed, so the API's 422 names `amount`.
        body["amount"] = amount_text(refunded) if refunded is not None else self.amount
        if self.method or self.kind != ReturnKind.FORFEIT.value:
            body["method"] = self.method
        return body


@dataclass(frozen=True)
class ReceiptPreview:
    """The customer's receipt line a return will produce, as the portal and the DEPRR show it."""

    returned: Decimal
    retained: Decimal
    reason: str


def receipt_preview(form: ReturnForm, held: Decimal) -> ReceiptPreview | None:
    """None while the amount cannot make a receipt (not a number, negative, above what is held)."""
    refunded = form.refunded(held)
    if refunded is None or refunded < 0 or refunded > held:
        return None
    retained = held - refunded
    return ReceiptPreview(returned=refunded, retained=retained, reason=form.note if retained else "")


@dataclass(frozen=True)
class CollectForm:
    amount: str = ""
    method: str = CollectionMethod.BANK_TRANSFER.value
    reference: str = ""
    collected_on: str = ""

    @classmethod
    def of(cls, fields: dict[str, Any]) -> "CollectForm":
        return cls(
            **{
                name: form_text(fields.get(name))
                for name in ("amount", "method", "reference", "collected_on")
            }
        )

    def request_body(self) -> dict[str, str]:
        body = {"method": self.method, "reference": self.reference}
        if self.amount:
            amount = parse_amount(self.amount)
            body["amount"] = amount_text(amount) if amount is not None else self.amount
        if self.collected_on:
            body["collected_on"] = self.collected_on
        return body


@dataclass(frozen=True)
class ListFilters:
    """The deposit list's filters from the query; values the API could never take are dropped."""

    status: str = ""
    branch_id: str = ""
    customer_id: str = ""
    job_id: str = ""
    overdue: bool = False
    page: int = 1

    @classmethod
    def of(cls, query: dict[str, str]) -> "ListFilters":
        page = query.get("page")
        return cls(
            status=query.get("status", "") if query.get("status") in DEPOSIT_STATUSES else "",
            branch_id=form_text(query.get("branch_id"))[:64],
            customer_id=form_text(query.get("customer_id"))[:64],
            job_id=form_text(query.get("job_id"))[:64],
            overdue=query.get("overdue") in {"1", "on", "true"},
            page=page_number(page),
        )

    def api_params(self, page_size: int) -> dict[str, str | int]:
        params = Paging(page=self.page, size=page_size).api_params()
        for name in ("status", "branch_id", "customer_id", "job_id"):
            if value := getattr(self, name):
                params[name] = value
        if self.overdue:
            params["overdue"] = "true"
        return params

    def query(self, **changes: Any) -> str:
        """The list's query string with some values changed (pagination keeps the filters)."""
        values = {**self.__dict__, **changes}
        pairs = [(k, str(v)) for k, v in values.items() if v and k != "overdue"]
        if values["overdue"]:
            pairs.append(("overdue", "1"))
        return "&".join(f"{k}={v}" for k, v in pairs)


@dataclass(frozen=True)
class ReturnDeadline:
    due_on: date
    overdue: bool


def return_deadline(deposit: dict[str, Any], today: date) -> ReturnDeadline | None:
    """The five-business-day deadline of a closed job's deposit still awaiting its return."""
    due = deposit.get("return_due_on")
    if not due or deposit.get("status") not in _AWAITING_RETURN:
        return None
    due_on = date.fromisoformat(due)
    return ReturnDeadline(due_on=due_on, overdue=today > due_on)


def live_return(deposit: dict[str, Any]) -> dict[str, Any] | None:
    """The deposit's return that stands (not void), which a manager may void."""
    standing = [r for r in deposit.get("returns", []) if not r.get("void")]
    return standing[-1] if standing else None


def can_return(deposit: dict[str, Any]) -> bool:
    return deposit.get("status") == DepositStatus.HELD.value


def can_collect(deposit: dict[str, Any]) -> bool:
    return deposit.get("status") in {DepositStatus.PENDING.value, DepositStatus.PARTIALLY_HELD.value}


# Why deposits refused a proof image, as the console says it (shared/images.py's refusals).
PROOF_PROBLEMS = ("too_large", "not_image", "too_many_pixels", "empty", "other")


def proof_problem(message: str) -> str:
    """The reason of deposits' refusal of a proof image, one of PROOF_PROBLEMS."""
    text = message.lower()
    if "larger than" in text:
        return "too_large"
    if "pixels" in text:
        return "too_many_pixels"
    if "empty" in text:
        return "empty"
    if "png, jpeg or webp" in text:
        return "not_image"
    return "other"


def page_count(total: int, page_size: int) -> int:
    return max(1, -(-total // page_size))


_MAX_PAGE = 100_000


def page_number(text: str | None) -> int:
    """A list's page from the query: a positive whole number, else the first page."""
    text = text or ""
    return min(int(text), _MAX_PAGE) if text.isascii() and text.isdigit() and int(text) > 0 else 1


@dataclass(frozen=True)
class Paging:
    """One page of a list the API pages by limit and offset (deposits, reports, the inbox)."""

    page: int = 1
    size: int = 25

    @classmethod
    def of(cls, text: str | None, size: int) -> "Paging":
        return cls(page=page_number(text), size=size)

    def api_params(self) -> dict[str, str | int]:
        return {"limit": self.size, "offset": (self.page - 1) * self.size}

    def pages(self, total: int) -> int:
        return page_count(total, self.size)

    def within(self, total: int) -> "Paging":
        """This page, or the last one when the list has shrunk below it (a report just closed)."""
        return Paging(page=min(self.page, self.pages(total)), size=self.size)


# Reported payments, the inbox and portal links (part 2) -----------------------------------------

PAYMENT_METHODS = COLLECTION_METHODS  # what billing's payments accept


@dataclass(frozen=True)
class PaymentForm:
    """Record payment on a customer's report, as the clerk filled it in."""

    amount: str = ""
    method: str = CollectionMethod.PROMPTPAY.value
    reference: str = ""

    @classmethod
    def of(cls, fields: dict[str, Any]) -> "PaymentForm":
        return cls(**{name: form_text(fields.get(name)) for name in ("amount", "method", "reference")})

    @classmethod
    def for_report(cls, report: dict[str, Any]) -> "PaymentForm":
        """The report's amount and its decoded slip reference, ready to check and save."""
        return cls(amount=str(report.get("amount") or ""), reference=report.get("slip_reference") or "")

    def request_body(self, report_id: str) -> dict[str, str]:
        """Billing's payment, closing the report; a malformed amount goes as typed so its 422 names it."""
        body = {"method": self.method, "reference": self.reference, "report_id": report_id}
        if self.amount:
            amount = parse_amount(self.amount)
            body["amount"] = amount_text(amount) if amount is not None else self.amount
        return body


_API_PATH = re.compile(r"^/v1/(deposits|documents|invoices)/([0-9a-fA-F-]{36})(?:[/?].*)?$")


def alert_target(alert: dict[str, Any]) -> str | None:
    """Where in the console an inbox alert leads: its deposit, document or invoice's reports, the
    payments page for a customer's report; None when the console has no page for it."""
    if alert.get("kind") in {"payment_reported", "duplicate_slip"}:
        found = _API_PATH.match(alert.get("link") or "")
        if found and found.group(1) == "invoices":
            return f"/staff/payments?invoice_id={found.group(2).lower()}"
        return "/staff/payments"
    found = _API_PATH.match(alert.get("link") or "")
    if not found:
        return None
    kind, the_id = found.group(1), found.group(2).lower()
    if kind == "invoices":
        return f"/staff/payments?invoice_id={the_id}"
    return f"/staff/{kind}/{the_id}"


def safe_back(path: str) -> str:
    """A page of the console to return to (never another site)."""
    return path if path.startswith("/staff") and not path.startswith("//") and "\\" not in path else "/staff"


# Damage beyond the deposit (part 3) --------------------------------------------------------------

DAMAGE_ROWS = 3  # blank rows a fresh damage invoice form offers
MAX_DAMAGE_ROWS = 10
_LINE_FIELDS = ("description", "quantity", "unit", "rate")
_LINE_ERROR = re.compile(r"^lines\.(\d+)\.(\w+)$")


def retaining_return(deposit: dict[str, Any]) -> dict[str, Any] | None:
    """The standing return that kept money (a forfeit or a partial return) on a deposit of a job:
    where damage beyond the deposit starts; None when nothing was retained or there is no job."""
    standing = live_return(deposit)
    if not standing or not deposit.get("job_id"):
        return None
    retained = parse_amount(str(standing.get("retained_amount") or "0")) or ZERO
    return standing if retained > 0 else None


@dataclass(frozen=True)
class DamageLine:
    description: str = ""
    quantity: str = "1"
    unit: str = ""
    rate: str = ""

    @property
    def blank(self) -> bool:
        return not (self.description or self.rate or self.unit)


@dataclass(frozen=True)
class DamageForm:
    """The damage invoice's lines as typed; blank rows are offered, never sent."""

    lines: tuple[DamageLine, ...]

    @classmethod
    def blank_rows(cls, count: int = DAMAGE_ROWS) -> "DamageForm":
        return cls(tuple(DamageLine() for _ in range(count)))

    @classmethod
    def of_invoice(cls, invoice: dict[str, Any]) -> "DamageForm":
        """A draft's lines to edit, with one blank row to add another."""
        lines = tuple(
            DamageLine(
                description=line["description"],
                quantity=_plain(line["quantity"]),
                unit=line.get("unit") or "",
                rate=str(line["rate"]),
            )
            for line in invoice.get("lines", [])
        )
        return cls((*lines, DamageLine()))

    @classmethod
    def of(cls, fields: dict[str, Any]) -> "DamageForm":
        rows = parse_amount(form_text(fields.get("rows"))) or Decimal(DAMAGE_ROWS)
        count = max(1, min(int(rows), MAX_DAMAGE_ROWS))
        return cls(
            tuple(
                DamageLine(**{name: form_text(fields.get(f"line-{i}-{name}")) for name in _LINE_FIELDS})
                for i in range(count)
            )
        )

    def with_row(self) -> "DamageForm":
        if len(self.lines) >= MAX_DAMAGE_ROWS:
            return self
        return DamageForm((*self.lines, DamageLine()))

    def sent_rows(self) -> list[int]:
        """The rows sent to billing, in order: every row with anything typed in it; when every row
        is blank the first is sent, so billing's refusal names its description."""
        rows = [i for i, line in enumerate(self.lines) if not line.blank]
        return rows or [0]

    def request_lines(self) -> list[dict[str, str]]:
        """Billing's lines; a quantity or rate that is not a number goes as typed, so billing's 422
        names the field."""
        body = []
        for i in self.sent_rows():
            line = self.lines[i]
            quantity = parse_amount(line.quantity or "1")
            rate = parse_amount(line.rate)
            body.append(
                {
                    "description": line.description,
                    "quantity": str(quantity) if quantity is not None else line.quantity,
                    "unit": line.unit,
                    "rate": str(rate) if rate is not None else line.rate,
                }
            )
        return body

    def error_key(self, field: str | None) -> str | None:
        """The form field a billing refusal names: `lines.1.description` of the lines sent is the
        description of the row it came from (`line-2-description` when row 1 was blank)."""
        found = _LINE_ERROR.match(field or "")
        rows = self.sent_rows()
        if not found or int(found.group(1)) >= len(rows) or found.group(2) not in _LINE_FIELDS:
            return None
        return f"line-{rows[int(found.group(1))]}-{found.group(2)}"


def _plain(value: object) -> str:
    text = str(value)
    return text.rstrip("0").rstrip(".") if "." in text else text


def damage_invoice_of(invoices: list[dict[str, Any]], deposit_id: str) -> dict[str, Any] | None:
    """The deposit's damage invoice (the latest that names it, void ones aside)."""
    found = [
        i
        for i in invoices
        if i.get("kind") == "damage"
        and str(i.get("related_deposit_id")) == deposit_id
        and i.get("status") != "void"
    ]
    return max(found, key=lambda i: str(i.get("created_at", ""))) if found else None


def damage_step(invoice: dict[str, Any] | None, tax_invoice: dict[str, Any] | None) -> int:
    """Where the flow stands, from what the APIs hold: 1 the damage invoice (none, or a draft),
    2 its tax invoice, 3 the email to the customer."""
    if tax_invoice is not None:
        return 3
    if invoice is None or not invoice.get("number"):
        return 1
    return 2


# What billing answers while it has not yet heard of the return that kept the money (deposits'
# event follows in a moment): the damage invoice has no forfeit to rest on, the tax invoice no
# retention to cover.
_BILLING_NOT_YET_HEARD = frozenset(
    {("damage_basis_invalid", "related_deposit_id"), ("unknown_retention", "deposit_return_numbers")}
)


def billing_not_yet_heard(code: str, field: str | None) -> bool:
    """A refusal that means "billing has not heard of the retention yet", not "this is wrong"."""
    return (code, field) in _BILLING_NOT_YET_HEARD


NOTICE_STATES = {
    "waiting_for_document": "queued",
    "pending": "queued",
    "sent": "sent",
    "failed": "failed",
    "skipped": "failed",
    "cancelled": "failed",
}


def damage_notice(notices: list[dict[str, Any]], tax_invoice_number: str) -> dict[str, Any] | None:
    """The customer's one email of the damage charges: the notice that attaches this tax invoice."""
    for notice in notices:
        if notice.get("kind") != "damage_charges":
            continue
        numbers = {d.get("number") for d in notice.get("documents", [])} | {notice.get("receipt_number")}
        if tax_invoice_number in numbers:
            return notice
    return None


def notice_state(notice: dict[str, Any] | None) -> str:
    """queued (not out yet, or no notice yet), sent or failed (given up, or nobody to send it to)."""
    if notice is None:
        return "queued"
    return NOTICE_STATES.get(str(notice.get("status")), "queued")
