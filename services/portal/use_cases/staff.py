"""The staff console's sessions: signing in with a sign-in link, finding the session of a request
(and keeping it alive), signing out. Like every portal use case they run in the caller's unit of
work and never commit."""

import secrets
from dataclasses import dataclass
from datetime import datetime

from services.portal.adapters.uow import PortalUnitOfWork
from services.portal.domain.staff import (
    SessionLifetime,
    StaffSession,
    StaffSessionEnded,
    StaffSignInRefused,
    session_expired,
    session_id_hash,
)
from shared.auth import InvalidToken, verify_sign_in_token
from shared.settings import AuthSettings


@dataclass(frozen=True)
class SignedIn:
    session_id: str  # for the cookie only; the database keeps its hash
    session: StaffSession


async def sign_in(
    *, uow: PortalUnitOfWork, auth: AuthSettings, token: str, lifetime: SessionLifetime, now: datetime
) -> SignedIn:
    """A new session for the staff member a good sign-in link names; StaffSignInRefused otherwise."""
    try:
        principal = verify_sign_in_token(
            auth.jwt_secret.get_secret_value(), token, now=now, issuer=auth.jwt_issuer
        )
    except InvalidToken as error:
        raise StaffSignInRefused(str(error)) from error
    session_id = secrets.token_urlsafe(32)
    session = StaffSession(session_id_hash(session_id), principal, created_at=now, last_seen_at=now)
    await uow.staff_sessions.remove_ended(
        idle_since=now - lifetime.idle, created_before=now - lifetime.absolute
    )
    await uow.staff_sessions.add(session)
    return SignedIn(session_id, session)


async def current_staff_session(
    *, uow: PortalUnitOfWork, session_id: str, lifetime: SessionLifetime, now: datetime
) -> StaffSession:
    """The live session with this id, seen now; StaffSessionEnded when there is none or it expired
    (expired rows go at the next sign-in)."""
    session_hash = session_id_hash(session_id)
    session = await uow.staff_sessions.get(session_hash)
    if session is None:
        raise StaffSessionEnded
    if session_expired(
        created_at=session.created_at, last_seen_at=session.last_seen_at, now=now, lifetime=lifetime
    ):
        raise StaffSessionEnded
    await uow.staff_sessions.touch(session_hash, now)
    return session


async def sign_out(*, uow: PortalUnitOfWork, session: StaffSession) -> None:
    await uow.staff_sessions.remove(session.session_hash)
