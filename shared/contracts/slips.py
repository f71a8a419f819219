"""The link to a customer's payment slip in a staff alert: notifications signs it, the portal
serves the slip to whoever holds it (within the tenant it was signed for)."""

from uuid import UUID

from shared.auth import resource_token, verify_resource_token

SLIPS_PATH = "/v1/slips"


def _resource(slip_id: UUID) -> str:
    return f"slip:{slip_id}"


def signed_slip_link(portal_url: str, slip_id: UUID, *, tenant_id: str, secret: str, issuer: str) -> str:
    """The portal URL of the slip, carrying a token signed for this slip and tenant."""
    token = resource_token(secret, resource=_resource(slip_id), tenant_id=tenant_id, issuer=issuer)
    return f"{portal_url.rstrip('/')}{SLIPS_PATH}/{slip_id}?token={token}"


def slip_link_tenant(token: str, slip_id: UUID, *, secret: str, issuer: str) -> str:
    """The tenant a slip link's token was signed for; InvalidToken if it is not this slip's."""
    return verify_resource_token(secret, token, resource=_resource(slip_id), issuer=issuer)
