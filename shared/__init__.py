"""Mudjam's shared kernel: contracts, money, numbering, outbox, idempotent consumers, Thai formats.

It holds no service's business rules. Import from the submodules named here.
"""

from shared.errors import Conflict, DomainError, NotFound, PermissionDenied, RuleViolation
from shared.money import Money, format_thb

__all__ = ["Conflict", "DomainError", "Money", "NotFound", "PermissionDenied", "RuleViolation", "format_thb"]
