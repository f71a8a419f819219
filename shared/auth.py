"""Staff bearer tokens (JWT). The claims carry the tenant, branches, roles and the staff user, who
is recorded as the actor of every command ("returned by")."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import jwt

from shared.actors import Actor
from shared.errors import NotFound, PermissionDenied

ALL_BRANCHES = "*"


class Role:
    STAFF = "staff"  # read, collect and return deposits, issue portal links
    MANAGER = "manager"  # also void returns and revoke portal links
    SERVICE = "service"  # another Mudjam service calling an internal endpoint
    OPERATIONS = "operations"  # the rental business's operations system (uploads signed documents)


class InvalidToken(Exception):
    pass


@dataclass(frozen=True)
class Principal:
    user_id: str
    name: str
    tenant_id: str
    branches: frozenset[str]
    roles: frozenset[str]

    @property
    def actor(self) -> Actor:
        return Actor(self.user_id, self.name)

    @property
    def all_branches(self) -> bool:
        return ALL_BRANCHES in self.branches

    @property
    def branch_scope(self) -> frozenset[str] | None:
        """The branches a query is limited to; None for every branch."""
        return None if self.all_branches else self.branches

    def can_see_branch(self, branch_id: str | None) -> bool:
        return self.all_branches or branch_id in self.branches

    def require_branch(self, branch_id: str | None, *, what: str = "Branch") -> None:
        # Out-of-scope resources look absent, so staff cannot probe other branches' data.
        if not self.can_see_branch(branch_id):
            raise NotFound(f"{what} not found")

    def require_role(self, *roles: str) -> None:
        if not self.roles.intersection(roles):
            raise PermissionDenied(f"This needs the role {' or '.join(roles)}")


def issue_token(
    secret: str,
    *,
    user_id: str,
    name: str,
    tenant_id: str,
    branches: list[str],
    roles: list[str],
    now: datetime,
    ttl: timedelta,
    issuer: str = "mudjam",
) -> str:
    claims = {
        "sub": user_id,
        "name": name,
        "tenant": tenant_id,
        "branches": branches,
        "roles": roles,
        "iss": issuer,
        "iat": int(now.timestamp()),
        "exp": int((now + ttl).timestamp()),
    }
    return jwt.encode(claims, secret, algorithm="HS256")


def service_token(secret: str, *, service: str, tenant_id: str, now: datetime, issuer: str = "mudjam") -> str:
    """A short-lived token one Mudjam service uses to call another on behalf of a tenant."""
    return issue_token(
        secret,
        user_id=f"service:{service}",
        name=service,
        tenant_id=tenant_id,
        branches=[ALL_BRANCHES],
        roles=[Role.SERVICE],
        now=now,
        ttl=timedelta(minutes=5),
        issuer=issuer,
    )


# What a bearer token may be issued for at most, unless the verifier says otherwise.
MAX_TOKEN_LIFETIME = timedelta(hours=24)


def verify_token(
    secret: str, token: str, *, issuer: str = "mudjam", max_lifetime: timedelta = MAX_TOKEN_LIFETIME
) -> Principal:
    """The staff principal of a bearer token whose signature, issuer and expiry hold and which was
    issued for no longer than `max_lifetime`."""
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=["HS256"],
            issuer=issuer,
            options={"require": ["sub", "exp", "iat", "iss"]},
        )
        if claims.get("typ") is not None:  # a link's or a sign-in link's token is no bearer token
            raise InvalidToken(f"a {claims['typ']} token is not a staff token")
        if int(claims["exp"]) - int(claims["iat"]) > max_lifetime.total_seconds():
            raise InvalidToken(f"the token was issued for longer than {max_lifetime}")
        return Principal(
            user_id=str(claims["sub"]),
            name=str(claims.get("name") or claims["sub"]),
            tenant_id=str(claims["tenant"]),
            branches=frozenset(map(str, claims.get("branches") or [])),
            roles=frozenset(map(str, claims.get("roles") or [])),
        )
    except (jwt.PyJWTError, KeyError, TypeError) as error:
        raise InvalidToken(str(error)) from error


SIGN_IN_TTL = timedelta(minutes=15)
_SIGN_IN = "staff_sign_in"


def issue_sign_in_token(
    secret: str,
    *,
    user_id: str,
    name: str,
    tenant_id: str,
    branches: list[str],
    roles: list[str],
    now: datetime,
    ttl: timedelta = SIGN_IN_TTL,
    issuer: str = "mudjam",
) -> str:
    """The credential of a staff console sign-in link: the bearer token's claims, short-lived, and
    marked so that it signs in to the console but is never accepted as a bearer token itself."""
    claims = {
        "sub": user_id,
        "name": name,
        "tenant": tenant_id,
        "branches": branches,
        "roles": roles,
        "typ": _SIGN_IN,
        "iss": issuer,
        "iat": int(now.timestamp()),
        "exp": int((now + ttl).timestamp()),
    }
    return jwt.encode(claims, secret, algorithm="HS256")


def verify_sign_in_token(secret: str, token: str, *, now: datetime, issuer: str = "mudjam") -> Principal:
    """The staff member a sign-in link is for, if its signature, purpose and lifetime hold."""
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=["HS256"],
            issuer=issuer,
            options={"require": ["sub", "exp", "iss", "typ"], "verify_exp": False},
        )
        if claims["typ"] != _SIGN_IN:
            raise InvalidToken("not a sign-in link")
        if int(claims["exp"]) <= now.timestamp():
            raise InvalidToken("the sign-in link has expired")
        return Principal(
            user_id=str(claims["sub"]),
            name=str(claims.get("name") or claims["sub"]),
            tenant_id=str(claims["tenant"]),
            branches=frozenset(map(str, claims.get("branches") or [])),
            roles=frozenset(map(str, claims.get("roles") or [])),
        )
    except (jwt.PyJWTError, KeyError, TypeError, ValueError) as error:
        raise InvalidToken(str(error)) from error


LINK_TTL = timedelta(days=30)


def resource_token(
    secret: str, *, resource: str, tenant_id: str, ttl: timedelta = LINK_TTL, issuer: str = "mudjam"
) -> str:
    """A link's credential for one resource of one tenant (a staff alert's link to a customer's slip),
    so it opens from an email in a browser without a bearer token. Dated by the wall clock."""
    now = datetime.now(UTC)
    claims = {
        "sub": resource,
        "tenant": tenant_id,
        "typ": "link",
        "iss": issuer,
        "exp": int((now + ttl).timestamp()),
    }
    return jwt.encode(claims, secret, algorithm="HS256")


def verify_resource_token(secret: str, token: str, *, resource: str, issuer: str = "mudjam") -> str:
    """The tenant a link token was made for, if it is for this resource and still valid."""
    try:
        claims = jwt.decode(
            token, secret, algorithms=["HS256"], issuer=issuer, options={"require": ["exp", "sub"]}
        )
    except jwt.PyJWTError as error:
        raise InvalidToken(str(error)) from error
    if (
        claims.get("typ") != "link"
        or claims.get("sub") != resource
        or not isinstance(claims.get("tenant"), str)
    ):
        raise InvalidToken("the link is not for this resource")
    return str(claims["tenant"])
