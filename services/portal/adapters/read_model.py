"""The projection store: idempotent upserts from events, and reads that are always scoped by the
tenant and the customer (long lists a page at a time)."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, Row, Select, Table, and_, func, or_, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from services.portal.adapters.tables import (
    PROJECTED_TABLES,
    customers,
    deposits,
    documents,
    jobs,
    quotes,
    receipts,
    tenants,
)
from services.portal.domain import (
    Business,
    Cursor,
    CustomerProfile,
    CustomerScope,
    Deposit,
    DepositReturnInfo,
    Document,
    Equipment,
    Job,
    Quote,
    Receipt,
    Window,
)
from shared.contracts.deposits import DepositStatus, ReturnKind
from shared.contracts.documents import DocumentKind, document_id
from shared.money import ZERO

_RETURN_COLUMNS = (
    "return_id",
    "return_receipt_number",
    "return_kind",
    "returned_amount",
    "retained_amount",
    "return_reason",
    "returned_on",
    "return_method",
    "return_reference",
)


def _primary_key(table: Table) -> list[Any]:
    return list(table.primary_key.columns)


def _job(row: Row[Any]) -> Job:
    return Job(
        job_id=row.job_id,
        number=row.number,
        stage=row.stage,
        start_date=row.start_date,
        end_date=row.end_date,
        equipment=tuple(Equipment(e["name_en"], e["name_th"], int(e["quantity"])) for e in row.equipment),
    )


def _deposit(row: Row[Any]) -> Deposit:
    returned = None
    if row.return_id is not None:
        returned = DepositReturnInfo(
            receipt_number=row.return_receipt_number,
            kind=ReturnKind(row.return_kind),
            returned_amount=row.returned_amount,
            retained_amount=row.retained_amount,
            reason=row.return_reason or "",
            returned_on=row.returned_on,
        )
    return Deposit(
        deposit_id=row.deposit_id,
        number=row.number,
        status=DepositStatus(row.status),
        amount_requested=row.amount_requested,
        collected=row.collected,
        job_id=row.job_id,
        requested_on=row.requested_on,
        returned=returned,
    )


def _document(row: Row[Any]) -> Document:
    return Document(
        document_id=row.document_id,
        kind=row.kind,
        number=row.number,
        version=row.version,
        status=row.status,
        issued_on=row.issued_on,
        amount=row.amount,
        reference=row.reference,
        languages=tuple(row.languages),
        job_id=row.job_id,
        pages={language: int(count) for language, count in row.pages.items()},
    )


def _receipt(row: Row[Any]) -> Receipt:
    return Receipt(
        kind=row.kind,
        number=row.number,
        issued_on=row.dated,
        amount=row.amount,
        method=row.method,
        reference=row.reference,
        deposit_number=row.deposit_number,
        void=row.void,
        document_id=row.document_id,
        retained_amount=row.retained_amount,
        reason=row.reason,
        pdf_ready=row.pdf_ready,
        invoice_number=row.invoice_number,
    )


# A receipt is dated as its document is, once rendered (the zip of a year is made by that date), and
# until then by the event that issued it.
_RENDERED_RECEIPTS = receipts.outerjoin(
    documents,
    and_(
        documents.c.tenant_id == receipts.c.tenant_id,
        documents.c.document_id == receipts.c.document_id,
        documents.c.customer_id == receipts.c.customer_id,
    ),
)
_RECEIPT_DATE = func.coalesce(documents.c.issued_on, receipts.c.issued_on)


def _in_year(column: Any, year: int) -> ColumnElement[bool]:
    return column.between(date(year, 1, 1), date(year, 12, 31))


def _limited(query: Select[Any], limit: int | None, offset: int) -> Select[Any]:
    return query if limit is None else query.limit(limit).offset(offset)


@dataclass(frozen=True)
class SortKey:
    """A list's order: column names of the query, each newest-first (descending) or not, with how
    a cursor's text becomes the column's value again."""

    columns: tuple[tuple[str, bool, Callable[[str], Any]], ...]

    def of(self, row: Row[Any]) -> tuple[str, ...]:
        return tuple(str(getattr(row, name)) for name, _, _ in self.columns)


DOCUMENT_ORDER = SortKey(
    (("issued_on", True, date.fromisoformat), ("number", True, str), ("document_id", False, UUID))
)
RECEIPT_ORDER = SortKey((("dated", True, date.fromisoformat), ("number", True, str), ("kind", False, str)))


async def window_rows(
    conn: AsyncConnection, query: Select[Any], order: SortKey, cursor: Cursor | None, size: int
) -> tuple[list[Row[Any]], int, int]:
    """One page of the query's rows in `order` after (or before) the cursor, in one statement, with
    the first row's position in the whole list and the list's length."""
    inner = query.add_columns(
        func.row_number()
        .over(order_by=_ordering(query.selected_columns, order, newest_first=True))
        .label("list_position"),
        func.count().over().label("list_total"),
    ).subquery()
    page = select(inner)
    newest_first = True
    if cursor is not None:
        try:
            values = [parse(part) for (_, _, parse), part in zip(order.columns, cursor.key, strict=True)]
        except ValueError:
            values = []
        if values:
            page = page.where(_beyond(inner.c, order, values, older=cursor.older))
            newest_first = cursor.older
    rows = list(
        await conn.execute(page.order_by(*_ordering(inner.c, order, newest_first=newest_first)).limit(size))
    )
    if not newest_first:
        rows.reverse()
    if not rows:
        if cursor is not None:  # past either end (or a cursor of nothing): the first page
            return await window_rows(conn, query, order, None, size)
        return [], 1, 0
    return rows, int(rows[0].list_position), int(rows[0].list_total)


def _ordering(columns: Any, order: SortKey, *, newest_first: bool) -> list[Any]:
    return [
        columns[name].desc() if descending == newest_first else columns[name].asc()
        for name, descending, _ in order.columns
    ]


def _beyond(columns: Any, order: SortKey, values: list[Any], *, older: bool) -> ColumnElement[bool]:
    """Rows after the key in the list's order (older), or before it (newer)."""
    alternatives = []
    for i, (name, descending, _) in enumerate(order.columns):
        column = columns[name]
        later = column < values[i] if descending == older else column > values[i]
        earlier_equal = [columns[n] == values[j] for j, (n, _, _) in enumerate(order.columns[:i])]
        alternatives.append(and_(*earlier_equal, later))
    return or_(*alternatives)


def _window(items: list[Any], rows: list[Row[Any]], first: int, total: int, order: SortKey) -> Window[Any]:
    newer = Cursor(False, order.of(rows[0])) if rows and first > 1 else None
    older = Cursor(True, order.of(rows[-1])) if rows and first + len(rows) - 1 < total else None
    return Window(items, first, total, newer, older)


class ReadModel:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def clear(self) -> None:
        """Empties the projected tables, for a rebuild from the topics."""
        await self._conn.execute(text(f"TRUNCATE {', '.join(t.name for t in PROJECTED_TABLES)}"))

    async def _upsert_newer(self, table: Table, values: dict[str, Any]) -> None:
        """Inserts the row, or overwrites it unless it already holds a newer event's state."""
        keys = {c.name for c in table.primary_key.columns}
        statement = insert(table).values(**values)
        await self._conn.execute(
            statement.on_conflict_do_update(
                index_elements=_primary_key(table),
                set_={k: v for k, v in values.items() if k not in keys},
                where=table.c.as_of <= statement.excluded.as_of,
            )
        )

    # Upstream slices -------------------------------------------------------------------------

    async def save_business(self, business: Business, *, as_of: datetime) -> None:
        await self._upsert_newer(
            tenants,
            {
                "tenant_id": business.tenant_id,
                "business_name_en": business.name_en,
                "business_name_th": business.name_th,
                "phone": business.phone,
                "email": business.email,
                "promptpay_id": business.promptpay_id,
                "default_language": business.default_language,
                "timezone": business.timezone,
                "as_of": as_of,
            },
        )

    async def save_customer(self, customer: CustomerProfile, *, as_of: datetime) -> None:
        await self._upsert_newer(
            customers,
            {
                "tenant_id": customer.tenant_id,
                "customer_id": customer.customer_id,
                "name": customer.name,
                "preferred_language": customer.preferred_language,
                "branch_id": customer.branch_id,
                "as_of": as_of,
            },
        )

    async def save_job(self, tenant_id: str, customer_id: str, job: Job, as_of: datetime) -> None:
        await self._upsert_newer(
            jobs,
            {
                "tenant_id": tenant_id,
                "job_id": job.job_id,
                "customer_id": customer_id,
                "number": job.number,
                "stage": job.stage,
                "start_date": job.start_date,
                "end_date": job.end_date,
                "equipment": [
                    {"name_en": e.name_en, "name_th": e.name_th, "quantity": e.quantity}
                    for e in job.equipment
                ],
                "as_of": as_of,
            },
        )

    async def save_quote(self, tenant_id: str, quote: Quote, *, as_of: datetime) -> None:
        await self._upsert_newer(
            quotes,
            {
                "tenant_id": tenant_id,
                "quote_id": quote.quote_id,
                "customer_id": quote.customer_id,
                "number": quote.number,
                "job_id": quote.job_id,
                "signed_at": quote.signed_at,
                "as_of": as_of,
            },
        )

    # Deposits ---------------------------------------------------------------------------------

    async def ensure_deposit(
        self,
        tenant_id: str,
        deposit_id: UUID,
        *,
        customer_id: str,
        job_id: str | None,
        number: str,
        status: DepositStatus,
        amount_requested: Decimal,
        as_of: datetime,
    ) -> None:
        """The deposit's row, whichever of its events arrives first."""
        await self._conn.execute(
            insert(deposits)
            .values(
                tenant_id=tenant_id,
                deposit_id=deposit_id,
                customer_id=customer_id,
                job_id=job_id,
                number=number,
                status=status.value,
                amount_requested=amount_requested,
                collected=ZERO,
                as_of=as_of,
            )
            .on_conflict_do_nothing()
        )

    def _deposit_row(self, tenant_id: str, deposit_id: UUID) -> Any:
        return and_(deposits.c.tenant_id == tenant_id, deposits.c.deposit_id == deposit_id)

    async def update_deposit(self, tenant_id: str, deposit_id: UUID, **values: Any) -> None:
        await self._conn.execute(
            deposits.update().where(self._deposit_row(tenant_id, deposit_id)).values(**values)
        )

    async def record_collected(self, tenant_id: str, deposit_id: UUID, total_collected: Decimal) -> None:
        # Collections only ever add up, so the largest total seen is the current one.
        await self.update_deposit(
            tenant_id, deposit_id, collected=func.greatest(deposits.c.collected, total_collected)
        )

    async def move_deposit(
        self, tenant_id: str, deposit_id: UUID, status: DepositStatus, as_of: datetime
    ) -> None:
        await self._conn.execute(
            deposits.update()
            .where(self._deposit_row(tenant_id, deposit_id), deposits.c.as_of <= as_of)
            .values(status=status.value, as_of=as_of)
        )

    async def clear_return(self, tenant_id: str, deposit_id: UUID, return_id: UUID) -> None:
        await self._conn.execute(
            deposits.update()
            .where(self._deposit_row(tenant_id, deposit_id), deposits.c.return_id == return_id)
            .values(dict.fromkeys(_RETURN_COLUMNS))
        )

    # Receipts and documents -------------------------------------------------------------------

    async def save_receipt(self, tenant_id: str, kind: DocumentKind, number: str, **values: Any) -> bool:
        """Records the receipt (a void mark that arrived first is kept); True when it is void."""
        statement = insert(receipts).values(
            tenant_id=tenant_id,
            kind=kind.value,
            number=number,
            document_id=document_id(tenant_id, kind, number),
            **values,
        )
        row = await self._conn.execute(
            statement.on_conflict_do_update(index_elements=_primary_key(receipts), set_=values).returning(
                receipts.c.void
            )
        )
        return bool(row.scalar_one())

    async def void_receipt(
        self,
        tenant_id: str,
        kind: DocumentKind,
        number: str,
        *,
        customer_id: str,
        deposit_id: UUID,
        deposit_number: str,
    ) -> None:
        await self._conn.execute(
            insert(receipts)
            .values(
                tenant_id=tenant_id,
                kind=kind.value,
                number=number,
                document_id=document_id(tenant_id, kind, number),
                customer_id=customer_id,
                deposit_id=deposit_id,
                deposit_number=deposit_number,
                void=True,
            )
            .on_conflict_do_update(index_elements=_primary_key(receipts), set_={"void": True})
        )

    async def save_document(self, tenant_id: str, values: dict[str, Any]) -> None:
        statement = insert(documents).values(tenant_id=tenant_id, **values)
        await self._conn.execute(
            statement.on_conflict_do_update(
                index_elements=_primary_key(documents),
                set_=values,
                where=documents.c.version <= statement.excluded.version,
            )
        )

    # Reads, scoped by tenant and customer -----------------------------------------------------

    async def business(self, tenant_id: str) -> Business | None:
        row = (await self._conn.execute(select(tenants).where(tenants.c.tenant_id == tenant_id))).first()
        if row is None:
            return None
        return Business(
            tenant_id=row.tenant_id,
            name_en=row.business_name_en,
            name_th=row.business_name_th,
            phone=row.phone,
            email=row.email,
            promptpay_id=row.promptpay_id,
            default_language=row.default_language,
            timezone=row.timezone,
        )

    async def customer(self, tenant_id: str, customer_id: str) -> CustomerProfile | None:
        row = (
            await self._conn.execute(
                select(customers.c.name, customers.c.preferred_language, customers.c.branch_id).where(
                    customers.c.tenant_id == tenant_id, customers.c.customer_id == customer_id
                )
            )
        ).first()
        if row is None:
            return None
        return CustomerProfile(tenant_id, customer_id, row.name, row.preferred_language, row.branch_id)

    async def jobs(self, scope: CustomerScope, job_id: str | None = None) -> list[Job]:
        query = select(jobs).where(
            jobs.c.tenant_id == scope.tenant_id, jobs.c.customer_id == scope.customer_id
        )
        if job_id is not None:
            query = query.where(jobs.c.job_id == job_id)
        return [_job(row) for row in await self._conn.execute(query)]

    async def deposits(self, scope: CustomerScope, job_id: str | None = None) -> list[Deposit]:
        query = select(deposits).where(
            deposits.c.tenant_id == scope.tenant_id, deposits.c.customer_id == scope.customer_id
        )
        if job_id is not None:
            query = query.where(deposits.c.job_id == job_id)
        query = query.order_by(deposits.c.requested_on.desc().nulls_last(), deposits.c.number.desc())
        return [_deposit(row) for row in await self._conn.execute(query)]

    async def quote(self, tenant_id: str, quote_id: str) -> Quote | None:
        row = (
            await self._conn.execute(
                select(quotes).where(quotes.c.tenant_id == tenant_id, quotes.c.quote_id == quote_id)
            )
        ).first()
        return Quote(row.quote_id, row.number, row.customer_id, row.job_id, row.signed_at) if row else None

    def _receipts_of(self, scope: CustomerScope, invoice_id: UUID | None, year: int | None) -> list[Any]:
        conditions = [
            receipts.c.tenant_id == scope.tenant_id,
            receipts.c.customer_id == scope.customer_id,
            receipts.c.issued_on.is_not(None),
        ]
        if invoice_id is not None:
            conditions.append(receipts.c.invoice_id == invoice_id)
        if year is not None:
            conditions.append(_in_year(_RECEIPT_DATE, year))
        return conditions

    async def receipts(
        self,
        scope: CustomerScope,
        invoice_id: UUID | None = None,
        *,
        year: int | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[Receipt]:
        """The customer's receipts, newest first (only an invoice's payment receipts if one is named,
        only a year's if one is)."""
        query = (
            select(
                receipts,
                documents.c.document_id.is_not(None).label("pdf_ready"),
                _RECEIPT_DATE.label("dated"),
            )
            .select_from(_RENDERED_RECEIPTS)
            .where(*self._receipts_of(scope, invoice_id, year))
            .order_by(_RECEIPT_DATE.desc(), receipts.c.number.desc(), receipts.c.kind)
        )
        return [_receipt(row) for row in await self._conn.execute(_limited(query, limit, offset))]

    async def receipt_window(
        self, scope: CustomerScope, *, year: int, cursor: Cursor | None, size: int
    ) -> Window[Receipt]:
        """A page of the year's receipts, newest first, by key (one statement)."""
        query = (
            select(
                receipts,
                documents.c.document_id.is_not(None).label("pdf_ready"),
                _RECEIPT_DATE.label("dated"),
            )
            .select_from(_RENDERED_RECEIPTS)
            .where(*self._receipts_of(scope, None, year))
        )
        rows, first, total = await window_rows(self._conn, query, RECEIPT_ORDER, cursor, size)
        return _window([_receipt(row) for row in rows], rows, first, total, RECEIPT_ORDER)

    async def count_receipts(self, scope: CustomerScope, *, year: int | None = None) -> int:
        query = (
            select(func.count()).select_from(_RENDERED_RECEIPTS).where(*self._receipts_of(scope, None, year))
        )
        return int(await self._conn.scalar(query) or 0)

    async def receipt_years(self, scope: CustomerScope) -> list[int]:
        """The years the customer has receipts in, newest first."""
        year = func.extract("year", _RECEIPT_DATE)
        query = (
            select(year)
            .select_from(_RENDERED_RECEIPTS)
            .where(*self._receipts_of(scope, None, None))
            .group_by(year)
            .order_by(year.desc())
        )
        return [int(value) for value in await self._conn.scalars(query)]

    async def receipt_totals(self, scope: CustomerScope, *, year: int) -> dict[str, Decimal]:
        """Each receipt type's total in the year; void receipts count for nothing."""
        query = (
            select(receipts.c.kind, func.sum(receipts.c.amount))
            .select_from(_RENDERED_RECEIPTS)
            .where(*self._receipts_of(scope, None, year), receipts.c.void.is_(False))
            .group_by(receipts.c.kind)
        )
        return {kind: total for kind, total in await self._conn.execute(query)}

    def _documents_of(self, scope: CustomerScope) -> list[Any]:
        return [documents.c.tenant_id == scope.tenant_id, documents.c.customer_id == scope.customer_id]

    async def documents(
        self,
        scope: CustomerScope,
        document_id: UUID | None = None,
        *,
        job_id: str | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[Document]:
        query = select(documents).where(*self._documents_of(scope))
        if document_id is not None:
            query = query.where(documents.c.document_id == document_id)
        if job_id is not None:
            query = query.where(documents.c.job_id == job_id)
        query = query.order_by(
            documents.c.issued_on.desc(), documents.c.number.desc(), documents.c.document_id
        )
        return [_document(row) for row in await self._conn.execute(_limited(query, limit, offset))]

    async def document_window(
        self, scope: CustomerScope, *, cursor: Cursor | None, size: int
    ) -> Window[Document]:
        """A page of the customer's documents, newest first, by key (one statement)."""
        query = select(documents).where(*self._documents_of(scope))
        rows, first, total = await window_rows(self._conn, query, DOCUMENT_ORDER, cursor, size)
        return _window([_document(row) for row in rows], rows, first, total, DOCUMENT_ORDER)

    async def count_documents(self, scope: CustomerScope) -> int:
        query = select(func.count()).select_from(documents).where(*self._documents_of(scope))
        return int(await self._conn.scalar(query) or 0)
