"""The customer's pages, always scoped by the session's tenant and customer, and by what the session's
link opens: the whole account, or one invoice (its page, documents and receipts), or one signed
quote. Each use case runs inside the caller's unit of work and never commits."""

from dataclasses import dataclass
from uuid import UUID

from services.portal.adapters.uow import PortalUnitOfWork
from services.portal.domain import (
    PAGE_SIZE,
    Cursor,
    Deposit,
    DepositSection,
    Document,
    DocumentNotFound,
    DocumentNotReady,
    Invoice,
    InvoiceNotFound,
    Job,
    JobDocuments,
    JobGroups,
    JobNotFound,
    LinkScopeKind,
    ListPage,
    Receipt,
    ReceiptYear,
    Window,
    all_caught_up,
    deposit_section,
    group_jobs,
    job_documents,
    outstanding,
    page_number,
)
from services.portal.use_cases.links import Session


@dataclass(frozen=True)
class HomePage:
    open_jobs: list[Job]
    deposits: DepositSection
    outstanding: list[Invoice]
    caught_up: bool


@dataclass(frozen=True)
class JobPage:
    job: Job
    deposits: DepositSection
    receipts: list[Receipt]
    documents: JobDocuments


@dataclass(frozen=True)
class InvoicePage:
    invoice: Invoice
    payments: list[Receipt]  # its RC receipts; pre-payments are on the invoice
    document: Document | None  # the invoice's PDF, once rendered
    tax_invoice: Document | None


@dataclass(frozen=True)
class ReceiptsPage:
    year: ReceiptYear
    receipts: Window[Receipt]


async def home(*, uow: PortalUnitOfWork, session: Session) -> HomePage:
    session.access.require_whole_account()
    groups = group_jobs(await uow.read_model.jobs(session.scope), session.today)
    section = deposit_section(await uow.read_model.deposits(session.scope))
    due = outstanding(await uow.invoices.invoices(session.scope))
    return HomePage(groups.open, section, due, all_caught_up(groups, section, due))


async def jobs(*, uow: PortalUnitOfWork, session: Session) -> JobGroups:
    session.access.require_whole_account()
    return group_jobs(await uow.read_model.jobs(session.scope), session.today)


async def job(*, uow: PortalUnitOfWork, session: Session, job_id: str) -> JobPage:
    """The job with its deposits, the receipts of those, its documents and its current invoice."""
    session.access.require_whole_account()
    found = await uow.read_model.jobs(session.scope, job_id)
    if not found:
        raise JobNotFound("Job not found")
    job_deposits: list[Deposit] = await uow.read_model.deposits(session.scope, job_id)
    numbers = {d.number for d in job_deposits}
    job_receipts = [r for r in await uow.read_model.receipts(session.scope) if r.deposit_number in numbers]
    documents = job_documents(
        found[0],
        await uow.read_model.documents(session.scope, job_id=job_id),
        await uow.invoices.invoices(session.scope),
    )
    return JobPage(found[0], deposit_section(job_deposits), job_receipts, documents)


async def invoices(*, uow: PortalUnitOfWork, session: Session, page: int = 1) -> ListPage[Invoice]:
    session.access.require_whole_account()
    total = await uow.invoices.count(session.scope)
    number = page_number(page, total)
    found = await uow.invoices.invoices(session.scope, limit=PAGE_SIZE, offset=(number - 1) * PAGE_SIZE)
    return ListPage(found, number, total)


async def _document(uow: PortalUnitOfWork, session: Session, document_id: UUID | None) -> Document | None:
    if document_id is None:
        return None
    found = await uow.read_model.documents(session.scope, document_id)
    return found[0] if found else None


async def invoice(*, uow: PortalUnitOfWork, session: Session, invoice_id: UUID) -> InvoicePage:
    """One of the session's customer's invoices with its payments and documents; any other
    customer's, or any other invoice for a link to one invoice, looks absent."""
    if not session.access.allows_invoice(invoice_id):
        raise InvoiceNotFound("Invoice not found")
    found = await uow.invoices.invoices(session.scope, invoice_id)
    if not found:
        raise InvoiceNotFound("Invoice not found")
    return InvoicePage(
        found[0],
        await uow.read_model.receipts(session.scope, invoice_id=invoice_id),
        await _document(uow, session, found[0].document_id),
        await _document(uow, session, found[0].tax_invoice_document_id),
    )


async def receipts(
    *, uow: PortalUnitOfWork, session: Session, year: int | None = None, at: Cursor | None = None
) -> ReceiptsPage:
    """A year's receipts (this year in the business's time zone unless one is asked for), a page at
    a time from the cursor, with each type's total for the year."""
    the_year = await receipt_year(uow=uow, session=session, year=year)
    found = await uow.read_model.receipt_window(session.scope, year=the_year.year, cursor=at, size=PAGE_SIZE)
    return ReceiptsPage(the_year, found)


async def receipt_year(*, uow: PortalUnitOfWork, session: Session, year: int | None = None) -> ReceiptYear:
    """The years the customer has receipts in and the totals of one of them."""
    session.access.require_whole_account()
    the_year = year if year is not None else session.today.year
    return ReceiptYear.of(
        the_year,
        await uow.read_model.receipt_years(session.scope),
        await uow.read_model.receipt_totals(session.scope, year=the_year),
    )


async def documents(*, uow: PortalUnitOfWork, session: Session, at: Cursor | None = None) -> Window[Document]:
    """The customer's documents, newest first, a page at a time from the cursor."""
    session.access.require_whole_account()
    return await uow.read_model.document_window(session.scope, cursor=at, size=PAGE_SIZE)


async def _opened_by_link(uow: PortalUnitOfWork, session: Session) -> set[UUID]:
    """The documents a link to one invoice or one quote opens: the invoice's PDF, its tax invoice
    and its receipts; or the signed quote."""
    access = session.access
    if access.kind is LinkScopeKind.QUOTE:
        return {session.quote_document_id} if session.quote_document_id else set()
    if access.invoice_id is None:
        return set()
    found = await uow.invoices.invoices(session.scope, access.invoice_id)
    opened = {
        r.document_id for r in await uow.read_model.receipts(session.scope, invoice_id=access.invoice_id)
    }
    for invoice in found:
        opened.add(invoice.document_id)
        if invoice.tax_invoice_document_id is not None:
            opened.add(invoice.tax_invoice_document_id)
    return opened


async def customer_document(*, uow: PortalUnitOfWork, session: Session, document_id: UUID) -> Document:
    """One of the session's customer's documents (one the link opens, for a link to one invoice or
    quote); any other looks absent."""
    if not session.access.whole_account and document_id not in await _opened_by_link(uow, session):
        raise DocumentNotFound("Document not found")
    found = await _document(uow, session, document_id)
    if found is not None:
        return found
    if not session.access.whole_account:
        raise DocumentNotReady("The document is being prepared")
    raise DocumentNotFound("Document not found")
