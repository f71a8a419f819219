"""The small hierarchy every domain error belongs to; the HTTP layer maps each base to one status."""


class DomainError(Exception):
    """A request the rules refuse. `code` is stable for clients; the message is for people."""

    code = "domain_error"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(DomainError):
    code = "not_found"


class Conflict(DomainError):
    """The resource is not in a state that allows this; retrying the same request will not help."""

    code = "conflict"


class RuleViolation(DomainError):
    """The input breaks a business rule; `field` names the input at fault."""

    code = "invalid"


class PermissionDenied(DomainError):
    code = "forbidden"


class BusinessSettingsPending(Conflict):
    """A command needs the business's settings (numbering, VAT, time zone), which the operations
    system publishes and have not reached this service yet: acting on defaults would issue
    documents wrongly for good, so it is refused until they arrive."""

    code = "business_settings_pending"

    def __init__(self, service: str) -> None:
        super().__init__(f"This business's settings have not reached {service} yet; try again in a moment")


class TooLarge(DomainError):
    """The input is over a limit (an upload's size); `field` names it."""

    code = "too_large"


class UnprocessableEvent(Exception):
    """An event that can never be applied as it was sent (it names a file that is not what it claims
    to be): its consumer dead-letters it at once, with this message, instead of retrying."""
