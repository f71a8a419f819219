"""A local SMTP sink for dev and tests: keeps every message (and writes .eml files if asked)."""

import threading
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller


class _Collect:
    def __init__(self, sink: "MailSink") -> None:
        self._sink = sink

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:  # aiosmtpd's hook name
        message = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        self._sink.store(message, envelope.content)
        return "250 Message accepted"


class MailSink:
    def __init__(self, host: str = "127.0.0.1", port: int = 1025, directory: Path | None = None) -> None:
        self.host, self.port, self.directory = host, port, directory
        self._messages: list[EmailMessage] = []
        self._lock = threading.Lock()
        self._controller = Controller(_Collect(self), hostname=host, port=port)

    def start(self) -> "MailSink":
        if self.directory:
            self.directory.mkdir(parents=True, exist_ok=True)
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    def store(self, message: EmailMessage, raw: bytes) -> None:
        with self._lock:
            self._messages.append(message)
            count = len(self._messages)
        if self.directory:
            (self.directory / f"{count:05d}.eml").write_bytes(raw)

    @property
    def messages(self) -> list[EmailMessage]:
        with self._lock:
            return list(self._messages)
