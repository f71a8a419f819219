"""Deposit use cases. Each runs inside the caller's unit of work and never commits: the state
change, its audit row and its event commit together or not at all."""

from services.deposits.use_cases.deposits import (
    UnknownCustomer,
    attach_collection_proof,
    collect_deposit,
    collection_proof,
    flag_overdue_return,
    request_deposit,
    request_deposit_by_staff,
    return_deposit,
    void_return,
)
from services.deposits.use_cases.queries import (
    DepositCriteria,
    DepositDetail,
    customer_names,
    dashboard,
    get_deposit,
    list_deposits,
)
from services.deposits.use_cases.upstream import (
    apply_customer,
    apply_inspection,
    apply_job,
    apply_quote_accepted,
    apply_tenant_settings,
)

__all__ = [
    "DepositCriteria",
    "DepositDetail",
    "UnknownCustomer",
    "apply_customer",
    "apply_inspection",
    "apply_job",
    "apply_quote_accepted",
    "apply_tenant_settings",
    "attach_collection_proof",
    "collect_deposit",
    "collection_proof",
    "customer_names",
    "dashboard",
    "flag_overdue_return",
    "get_deposit",
    "list_deposits",
    "request_deposit",
    "request_deposit_by_staff",
    "return_deposit",
    "void_return",
]
