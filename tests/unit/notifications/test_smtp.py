"""The SMTP sender against an in-process aiosmtpd sink, and the receipt PDF fetch."""

from datetime import UTC, datetime
from email.header import decode_header, make_header
from email.message import EmailMessage
from uuid import uuid4

import httpx
import pytest

from mudjam.mailsink import MailSink
from mudjam.stack import free_port
from services.notifications.adapters.documents import ReceiptPdfs
from services.notifications.adapters.mail import SmtpMailer
from services.notifications.domain import Attachment, DeliveryFailed, OutgoingEmail, message_id_of
from shared.clients import DocumentsClient
from shared.settings import AuthSettings
from tests.helpers import eventually

NOW = datetime(2026, 3, 12, 2, 0, tzinfo=UTC)
PDF = b"%PDF-1.7\n% receipt\n"


def _email(**overrides: object) -> OutgoingEmail:
    fields: dict[str, object] = {
        "message_id": message_id_of(uuid4(), "mudjam.local"),
        "sender_name": "บริษัท สยามทูลเรนทัล จำกัด",
        "recipients": ("somchai@example.com",),
        "reply_to": "billing@siamtools.example",
        "subject": "คืนเงินมัดจำ DEP-2026-0001 แล้ว",
        "body": "เรียน สมชาย ใจดี\n\nยอดเงินที่คืน: ฿15,000.00\n",
        "date": NOW,
        "attachments": (Attachment("DEPRR-2026-0001.pdf", "application/pdf", PDF),),
    }
    return OutgoingEmail(**{**fields, **overrides})  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def sink():
    mail = MailSink(port=free_port()).start()
    yield mail
    mail.stop()


async def test_the_relay_receives_a_thai_email_with_its_message_id_and_pdf(sink: MailSink) -> None:
    mailer = SmtpMailer(host="127.0.0.1", port=sink.port, sender="no-reply@mudjam.test")
    email = _email()

    await mailer.send(email)

    async def arrived() -> list[EmailMessage]:
        return [m for m in sink.messages if m["Message-ID"] == email.message_id]

    [received] = await eventually(arrived)
    assert received["Subject"] == "คืนเงินมัดจำ DEP-2026-0001 แล้ว"
    # Decoded as RFC 2047 readers do (the stdlib address parser keeps a space between encoded words).
    raw_from = dict(received.raw_items())["From"]
    assert str(make_header(decode_header(raw_from))) == "บริษัท สยามทูลเรนทัล จำกัด <no-reply@mudjam.test>"
    assert received["Reply-To"] == "billing@siamtools.example"
    assert "฿15,000.00" in received.get_body(("plain",)).get_content()
    [attachment] = list(received.iter_attachments())
    assert attachment.get_filename() == "DEPRR-2026-0001.pdf"
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_content() == PDF


async def test_an_unreachable_relay_is_a_delivery_failure() -> None:
    mailer = SmtpMailer(host="127.0.0.1", port=free_port(), sender="no-reply@mudjam.test", timeout_s=2)

    with pytest.raises(DeliveryFailed, match="SMTP"):
        await mailer.send(_email())


async def test_a_header_injection_is_refused_not_sent(sink: MailSink) -> None:
    mailer = SmtpMailer(host="127.0.0.1", port=sink.port, sender="no-reply@mudjam.test")

    with pytest.raises(DeliveryFailed, match="cannot be built"):
        await mailer.send(_email(subject="Hello\nBcc: everyone@example.com"))


def _pdfs(handler) -> ReceiptPdfs:
    client = DocumentsClient(
        "http://documents.test",
        AuthSettings(),
        service="notifications",
        transport=httpx.MockTransport(handler),
    )
    return ReceiptPdfs(client)


async def test_the_receipt_is_fetched_in_the_customers_language_and_first_version() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, content=PDF, headers={"content-type": "application/pdf"})

    document_id = uuid4()
    content = await _pdfs(handler).pdf(
        tenant_id="t-1", customer_id="c-1", document_id=document_id, language="th", version=1
    )

    assert content == PDF
    [request] = seen
    assert request.url.path == f"/v1/documents/{document_id}/file"
    assert dict(request.url.params) == {"language": "th", "customer_id": "c-1", "version": "1"}
    assert request.headers["authorization"].startswith("Bearer ")


@pytest.mark.parametrize(
    "response",
    [
        httpx.Response(404, json={"error": {"code": "not_found"}}),
        httpx.Response(503, text="busy"),
        httpx.Response(200, content=b"<html>not a pdf</html>"),
    ],
)
async def test_a_missing_or_broken_receipt_is_a_delivery_failure(response: httpx.Response) -> None:
    with pytest.raises(DeliveryFailed):
        await _pdfs(lambda _: response).pdf(
            tenant_id="t-1", customer_id="c-1", document_id=uuid4(), language="en", version=1
        )


async def test_an_unreachable_documents_service_is_a_delivery_failure() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    with pytest.raises(DeliveryFailed, match="documents service"):
        await _pdfs(handler).pdf(
            tenant_id="t-1", customer_id="c-1", document_id=uuid4(), language="en", version=1
        )
