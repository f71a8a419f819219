"""The customer's pages, always scoped by the session's tenant and customer. Each use case runs inside
the caller's unit of work and never commits."""

from dataclasses import dataclass
from uuid import UUID

from services.portal.adapters.uow import PortalUnitOfWork
from services.portal.domain import (
    Deposit,
    DepositSection,
    Document,
    DocumentNotFound,
    Invoice,
    InvoiceNotFound,
    Job,
    JobGroups,
    JobNotFound,
    Receipt,
    all_caught_up,
    deposit_section,
    group_jobs,
    outstanding,
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
    invoices: list[Invoice]


@dataclass(frozen=True)
class InvoicePage:
    invoice: Invoice
    payments: list[Receipt]  # its RC receipts; pre-payments are on the invoice


async def home(*, uow: PortalUnitOfWork, session: Session) -> HomePage:
    groups = group_jobs(await uow.read_model.jobs(session.scope), session.today)
    section = deposit_section(await uow.read_model.deposits(session.scope))
    due = outstanding(await uow.invoices.invoices(session.scope))
    return HomePage(groups.open, section, due, all_caught_up(groups, section, due))


async def jobs(*, uow: PortalUnitOfWork, session: Session) -> JobGroups:
    return group_jobs(await uow.read_model.jobs(session.scope), session.today)


async def job(*, uow: PortalUnitOfWork, session: Session, job_id: str) -> JobPage:
    found = await uow.read_model.jobs(session.scope, job_id)
    if not found:
        raise JobNotFound("Job not found")
    job_deposits: list[Deposit] = await uow.read_model.deposits(session.scope, job_id)
    numbers = {d.number for d in job_deposits}
    job_receipts = [r for r in await uow.read_model.receipts(session.scope) if r.deposit_number in numbers]
    job_invoices = [i for i in await uow.invoices.invoices(session.scope) if i.job_id == job_id]
    return JobPage(found[0], deposit_section(job_deposits), job_receipts, job_invoices)


async def invoices(*, uow: PortalUnitOfWork, session: Session) -> list[Invoice]:
    return await uow.invoices.invoices(session.scope)


async def invoice(*, uow: PortalUnitOfWork, session: Session, invoice_id: UUID) -> InvoicePage:
    """One of the session's customer's invoices with its payments; any other customer's looks absent."""
    found = await uow.invoices.invoices(session.scope, invoice_id)
    if not found:
        raise InvoiceNotFound("Invoice not found")
    return InvoicePage(found[0], await uow.read_model.receipts(session.scope, invoice_id=invoice_id))


async def receipts(*, uow: PortalUnitOfWork, session: Session) -> list[Receipt]:
    return await uow.read_model.receipts(session.scope)


async def documents(*, uow: PortalUnitOfWork, session: Session) -> list[Document]:
    return await uow.read_model.documents(session.scope)


async def customer_document(*, uow: PortalUnitOfWork, session: Session, document_id: UUID) -> Document:
    """One of the session's customer's documents; any other customer's looks absent."""
    found = await uow.read_model.documents(session.scope, document_id)
    if not found:
        raise DocumentNotFound("Document not found")
    return found[0]
