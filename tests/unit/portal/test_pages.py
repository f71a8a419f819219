"""Translations, formats, the PromptPay QR and the redirect guard of the customer pages."""

import base64
import io
import logging
import re
import string
from datetime import date
from decimal import Decimal

import pytest
import zxingcpp
from PIL import Image

from services.portal.entrypoints.pages import (
    PAGE_HEADERS,
    TEMPLATES_DIR,
    RedactLinkTokens,
    promptpay_qr,
    safe_next,
    whole_number,
)
from services.portal.entrypoints.web import _private
from services.portal.translations import MESSAGES, money, short_date, translate, year_label
from shared.labels import (
    DEPOSIT_STATUSES,
    DOCUMENT_KINDS,
    INVOICE_STATUSES,
    JOB_STAGES,
    PAYMENT_METHODS,
    RETURN_KINDS,
)
from shared.promptpay import promptpay_payload


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_every_label_exists_in_thai_and_english_with_the_same_placeholders(key: str) -> None:
    texts = MESSAGES[key]

    assert set(texts) == {"en", "th"}
    assert texts["en"].strip()
    assert texts["th"].strip()
    assert _placeholders(texts["en"]) == _placeholders(texts["th"])


def test_thai_labels_are_in_thai() -> None:
    thai = re.compile(r"[\u0E00-\u0E7F]")
    untranslated = [k for k, v in MESSAGES.items() if not thai.search(v["th"])]

    assert untranslated == []


def test_every_label_the_templates_use_exists() -> None:
    used = set()
    for template in TEMPLATES_DIR.glob("*.html"):
        used |= set(re.findall(r"""t\(\s*['"]([a-z_.]+)['"]""", template.read_text()))
        used |= set(re.findall(r"""\(\s*'(jobs\.[a-z_]+)'\s*,""", template.read_text()))

    web = (TEMPLATES_DIR.parent / "entrypoints" / "web.py").read_text()
    used |= {key for pair in re.findall(r'session, "([a-z_.]+)", "([a-z_.]+)"', web) for key in pair}
    used |= set(re.findall(r'_key="([a-z_.]+)"', web))
    forms = (TEMPLATES_DIR.parent / "entrypoints" / "paid_form.py").read_text()
    quoted_keys = {k for k in re.findall(r'"([a-z_]+\.[a-z_.]+)"', web + forms) if not k.endswith(".html")}
    assert {"paid.slip_refused", "paid.slip_too_large", "form_expired.title"} <= quoted_keys
    used |= quoted_keys

    assert len(used) > 40
    assert used - set(MESSAGES) == set()


@pytest.mark.parametrize(
    "table", [PAYMENT_METHODS, RETURN_KINDS, DEPOSIT_STATUSES, INVOICE_STATUSES, DOCUMENT_KINDS, JOB_STAGES]
)
def test_shared_value_names_exist_in_both_languages(table: dict) -> None:
    assert all(names.get("en") and names.get("th") for names in table.values())


def test_dates_are_buddhist_era_in_thai_and_common_era_in_english() -> None:
    assert short_date(date(2026, 3, 12), "th") == "12 มี.ค. 2569"
    assert short_date(date(2026, 3, 12), "en") == "12 Mar 2026"
    assert short_date(None, "th") == ""


def test_amounts_are_baht_with_satang() -> None:
    assert money(Decimal("15000")) == "฿15,000.00"
    assert translate("deposits.returned", "en", amount=money(Decimal("15000"))) == "Returned ฿15,000.00"
    assert translate("deposits.retained", "th", amount=money(Decimal("5000"))) == "หักไว้ ฿5,000.00"


def test_the_promptpay_qr_decodes_to_the_payload_for_the_amount_due() -> None:
    uri = promptpay_qr("0105556012345", Decimal("15000.00"))

    assert uri is not None
    assert uri.startswith("data:image/png;base64,")
    image = Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1])))
    decoded = zxingcpp.read_barcodes(image)
    assert [code.text for code in decoded] == [promptpay_payload("0105556012345", Decimal("15000.00"))]


def test_no_qr_without_a_valid_promptpay_id() -> None:
    assert promptpay_qr("", Decimal("100")) is None
    assert promptpay_qr("12-34", Decimal("100")) is None


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/receipts", "/receipts"),
        ("/jobs/J-1", "/jobs/J-1"),
        (None, "/"),
        ("", "/"),
        ("//evil.example/x", "/"),
        ("https://evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("receipts", "/"),
        ("/" + "a" * 400, "/"),
        ("/x\r\nSet-Cookie: a=b", "/"),
    ],
)
def test_the_language_toggle_only_returns_to_a_page_of_this_site(target: str | None, expected: str) -> None:
    assert safe_next(target) == expected


def test_request_logs_never_carry_a_link_token() -> None:
    record = logging.LogRecord(
        "shared.web", logging.INFO, "", 0, "%s %s %s", ("GET", "/l/s3cr3t-t0ken", 303), None
    )
    other = logging.LogRecord("shared.web", logging.INFO, "", 0, "%s %s %s", ("GET", "/receipts", 200), None)

    assert RedactLinkTokens().filter(record)
    assert RedactLinkTokens().filter(other)
    assert record.getMessage() == "GET /l/… 303"
    assert other.getMessage() == "GET /receipts 200"
    sign_in = logging.LogRecord(
        "shared.web", logging.INFO, "", 0, "%s %s %s", ("GET", "/staff/sign-in/eyJ.s3cr3t", 303), None
    )
    assert RedactLinkTokens().filter(sign_in)
    assert sign_in.getMessage() == "GET /staff/sign-in/… 303"


def test_years_are_buddhist_era_in_thai_and_common_era_in_english() -> None:
    assert year_label(2026, "th") == "2569"
    assert year_label(2026, "en") == "2026"


def test_no_page_embeds_a_pdf_phones_would_not_show() -> None:
    embedding = re.compile(r"<\s*(iframe|embed|object)\b", re.IGNORECASE)

    offenders = [t.name for t in TEMPLATES_DIR.glob("*.html") if embedding.search(t.read_text())]

    assert offenders == []
    assert "frame-src" not in PAGE_HEADERS["Content-Security-Policy"]  # default-src 'none' forbids frames


def test_the_only_script_is_the_portals_own() -> None:
    policy = PAGE_HEADERS["Content-Security-Policy"]

    assert "script-src 'self'" in policy
    assert "'unsafe-inline'" not in policy
    base = (TEMPLATES_DIR / "base.html").read_text()
    assert re.findall(r"<script[^>]*>", base) == ['<script src="/static/live.js" defer>']


@pytest.mark.parametrize(
    ("value", "expected"),
    [("3", 3), (None, 1), ("", 1), ("-1", 1), ("abc", 1), ("1.5", 1), ("٣", 1), ("²", 1), ("99999999", 1)],
)
def test_a_page_number_from_the_query_is_a_plain_whole_number_or_the_default(
    value: str | None, expected: int
) -> None:
    assert whole_number(value, default=1) == expected


@pytest.mark.parametrize(
    ("documents_says", "passed_on"),
    [
        ("private, no-cache", "private, no-cache"),
        ("public, max-age=31536000, immutable", "private, max-age=31536000, immutable"),
        (None, "private, no-cache"),
    ],
)
def test_a_page_image_keeps_the_documents_caching_but_only_in_the_customers_browser(
    documents_says: str | None, passed_on: str
) -> None:
    assert _private(documents_says) == passed_on
