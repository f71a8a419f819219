"""Sends composed emails over SMTP (aiosmtplib); a failure of the relay is a DeliveryFailed."""

import logging
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from typing import Protocol

import aiosmtplib

from services.notifications.domain import DeliveryFailed, OutgoingEmail

log = logging.getLogger(__name__)


class Mailer(Protocol):
    async def send(self, email: OutgoingEmail) -> None:
        """Returns once the relay accepted the message; raises DeliveryFailed otherwise."""


def build_message(email: OutgoingEmail, sender_address: str) -> EmailMessage:
    message = EmailMessage()
    _, address = parseaddr(sender_address)
    username, _, domain = address.partition("@")
    message["From"] = Address(display_name=email.sender_name, username=username, domain=domain)
    message["To"] = ", ".join(email.recipients)
    if email.reply_to:
        message["Reply-To"] = email.reply_to
    message["Subject"] = email.subject
    message["Message-ID"] = email.message_id
    message["Date"] = format_datetime(email.date)
    message.set_content(email.body)
    for attachment in email.attachments:
        maintype, _, subtype = attachment.content_type.partition("/")
        message.add_attachment(
            attachment.content, maintype=maintype, subtype=subtype, filename=attachment.filename
        )
    return message


class SmtpMailer:
    def __init__(
        self,
        *,
        host: str,
        port: int,
        sender: str,
        starttls: bool = False,
        user: str = "",
        password: str = "",
        timeout_s: float = 30.0,
    ) -> None:
        self._host, self._port, self._sender = host, port, sender
        self._starttls, self._user, self._password, self._timeout_s = starttls, user, password, timeout_s

    async def send(self, email: OutgoingEmail) -> None:
        try:
            # The default policy refuses header injection (a newline in a header) with ValueError.
            message = build_message(email, self._sender)
        except ValueError as error:
            raise DeliveryFailed(f"The message cannot be built: {error}") from error
        try:
            errors, response = await aiosmtplib.send(
                message,
                hostname=self._host,
                port=self._port,
                start_tls=self._starttls,
                username=self._user or None,
                password=self._password or None,
                timeout=self._timeout_s,
            )
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as error:
            raise DeliveryFailed(
                f"SMTP {self._host}:{self._port}: {type(error).__name__}: {error}"
            ) from error
        if errors:
            log.warning("relay refused some recipients of %s: %s", email.message_id, errors)
        log.info("sent %s: %s", email.message_id, response)
