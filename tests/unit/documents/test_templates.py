"""The HTML the PDFs are made from: packaged fonts only, nothing fetched, user text escaped."""

from decimal import Decimal
from pathlib import Path

import pytest

from services.documents.adapters.renderer import FONT_DIR, _fetcher, font_faces, may_load, render_html
from services.documents.content import build_sheet
from tests.unit.documents import factories


def _html(**overrides: object) -> str:
    sheet = build_sheet(
        facts=factories.deposit_return(**overrides),
        version=1,
        branch_id="bkk",
        tenant=factories.tenant(),
        customer=factories.customer(),
        language="th",
    )
    return render_html(sheet)


def test_the_thai_font_is_loaded_from_the_packaged_sarabun_files() -> None:
    html = _html()

    for face in font_faces():
        assert face["url"] in html
    assert all((FONT_DIR / name).is_file() for name in ("Sarabun-Regular.ttf", "Sarabun-Bold.ttf"))
    assert "http://" not in html
    assert "https://" not in html


def test_text_from_staff_is_escaped() -> None:
    html = _html(reason='<img src="http://attacker.example/x.png"> dented')

    assert '<img src="http://attacker.example' not in html
    assert "&lt;img src=" in html


def test_documents_load_only_the_packaged_fonts_and_inline_data() -> None:
    fetcher = _fetcher()

    with pytest.raises(ValueError, match="do not load"):
        fetcher.fetch("http://attacker.example/x.png")
    with pytest.raises(ValueError, match="do not load"):
        fetcher.fetch("file:///etc/passwd")


@pytest.mark.parametrize(
    "escape",
    [
        "/../../../../etc/passwd",
        "/..%2F..%2F..%2F..%2Fetc%2Fpasswd",
        "/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "-elsewhere/x.ttf",  # a sibling folder whose name merely starts like the fonts'
    ],
)
def test_a_path_that_leaves_the_fonts_folder_once_resolved_is_refused(escape: str) -> None:
    url = FONT_DIR.as_uri() + escape

    assert not may_load(url)
    with pytest.raises(ValueError, match="do not load"):
        _fetcher().fetch(url)


def test_the_fonts_and_inline_data_may_be_loaded() -> None:
    assert may_load((FONT_DIR / "Sarabun-Regular.ttf").as_uri())
    assert may_load("data:image/png;base64,iVBORw0KGgo=")
    assert not may_load("file://attacker.example" + str(FONT_DIR / "Sarabun-Regular.ttf"))


def test_the_void_version_prints_the_void_mark_and_the_reason() -> None:
    html = _html(void=factories.void())

    assert "VOID / ยกเลิก" in html
    assert "Wrong amount entered" in html


def _billing_html(facts: object, language: str = "th") -> str:
    sheet = build_sheet(
        facts=facts,  # type: ignore[arg-type]
        version=1,
        branch_id="bkk",
        tenant=factories.tenant(),
        customer=factories.customer(),
        language=language,  # type: ignore[arg-type]
    )
    return render_html(sheet)


def test_an_invoice_prints_its_items_and_a_qr_only_while_a_balance_is_due() -> None:
    due = _billing_html(factories.prepaid_invoice())
    paid = _billing_html(factories.prepaid_invoice(paid_total=Decimal("107000.00"), balance=Decimal("0.00")))

    assert "Excavator 20 t" in due
    assert 'class="qr"' in due
    assert "฿57,000.00" in due
    assert 'class="qr"' not in paid
    assert "PAID / ชำระแล้ว" in paid


def test_invoice_item_descriptions_from_staff_are_escaped() -> None:
    line = factories.invoice().lines[0].model_copy(update={"description": "<script>x()</script> pump"})

    html = _billing_html(factories.invoice(lines=[line]))

    assert "<script>x()" not in html
    assert "&lt;script&gt;" in html


def test_a_tax_invoice_prints_its_legal_heading_and_both_parties() -> None:
    html = _billing_html(factories.tax_invoice(), "en")

    assert "ใบกำกับภาษี / Tax Invoice" in html
    assert "Seller / ผู้ขาย" in html
    assert "Buyer / ผู้ซื้อ" in html
    assert "Tax ID 0105560000001 (Branch 00001)" in html
    assert "Customer / ลูกค้า" not in html


def test_layouts_use_floats_and_tables_never_flex_or_grid() -> None:
    css = (Path(__file__).parents[3] / "services/documents/templates/document.css").read_text()

    assert "display: flex" not in css
    assert "display: grid" not in css
