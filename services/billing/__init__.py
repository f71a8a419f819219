"""Billing: invoices (draft, sent, partial, paid; overdue derived), payments with RC receipts,
pre-payments with PREREC receipts, tax invoices for invoices and retained deposit amounts, and
customers' payment reports awaiting reconciliation. Decisions: docs/billing.md."""
