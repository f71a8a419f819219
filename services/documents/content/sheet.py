"""One page of one document version, in one language first and the other beneath. Pure."""

from services.documents.content.billing import billing_layout, billing_part
from services.documents.content.common import (
    VOID_MARK,
    Layout,
    Part,
    Sheet,
    format_day,
    print_order,
    tax_line,
    text,
)
from services.documents.content.deposits import deposit_layout, deposit_part
from services.documents.content.report import report_layout, report_part
from services.documents.domain import (
    LANGUAGES,
    CustomerProfile,
    DepositReceiptFacts,
    DepositRequestFacts,
    DepositReturnFacts,
    DocumentFacts,
    JobReportFacts,
    TenantProfile,
    version_status,
)
from shared.contracts.types import Language


def _part(facts: DocumentFacts, language: Language, timezone: str) -> Part:
    if isinstance(facts, DepositRequestFacts | DepositReceiptFacts | DepositReturnFacts):
        return deposit_part(facts, language, timezone)
    if isinstance(facts, JobReportFacts):
        return report_part(facts, language, timezone)
    return billing_part(facts, language)


def _layout(facts: DocumentFacts, tenant: TenantProfile, language: Language) -> Layout:
    if isinstance(facts, DepositRequestFacts | DepositReceiptFacts | DepositReturnFacts):
        return deposit_layout(facts, tenant)
    if isinstance(facts, JobReportFacts):
        return report_layout(facts)
    return billing_layout(facts, tenant, language)


def _contact(tenant: TenantProfile, phone: str, language: Language) -> str:
    return " · ".join(
        part
        for part in (
            f"{text('phone', language)} {phone}" if phone else "",
            f"{text('email', language)} {tenant.email}" if tenant.email else "",
        )
        if part
    )


def build_sheet(
    *,
    facts: DocumentFacts,
    version: int,
    branch_id: str | None,
    tenant: TenantProfile,
    customer: CustomerProfile,
    language: Language,
) -> Sheet:
    """The whole page of one version, `language` first and the other beneath."""
    order = print_order(language)
    branch = tenant.branch(branch_id)
    address = {
        "en": (branch and branch.address_en) or tenant.address_en,
        "th": (branch and branch.address_th) or tenant.address_th,
    }
    tax_branch_no = branch.tax_branch_no if branch else tenant.tax_branch_no
    issued_on = facts.issued_on(tenant.timezone)
    status = version_status(facts)
    layout = _layout(facts, tenant, language)
    return Sheet(
        template=f"{facts.kind.value}.html",
        language=language,
        order=order,
        kind=facts.kind.value,
        number=facts.number,
        version=version,
        status=status,
        title=layout.title,
        date={lang: format_day(issued_on, lang) for lang in LANGUAGES},
        business_name={"en": tenant.business_name_en, "th": tenant.business_name_th},
        business_address=address,
        business_tax={lang: tax_line(tenant.tax_id, tax_branch_no, lang) for lang in LANGUAGES},
        business_contact=_contact(tenant, (branch and branch.phone) or tenant.phone, language),
        customer_name=customer.name,
        customer_address=customer.address,
        customer_tax=(
            {lang: tax_line(customer.tax_id, customer.tax_branch_no, lang) for lang in LANGUAGES}
            if customer.tax_id
            else None
        ),
        parts=tuple(_part(facts, lang, tenant.timezone) for lang in order),
        signatures=layout.signatures,
        qr=layout.qr,
        void_mark=VOID_MARK if status == "void" else None,
        heading=layout.heading,
        items=layout.items,
        parties=layout.parties,
        stamp=layout.stamp,
    )
