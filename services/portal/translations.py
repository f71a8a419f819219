"""Every portal label in Thai and English, in one place. Names of values shared with documents and
notices (payment methods, deposit and invoice statuses, document kinds, job stages) live in
`shared.labels`."""

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from shared import labels
from shared.money import format_thb
from shared.thai import BUDDHIST_ERA_OFFSET, format_date

MESSAGES: dict[str, dict[str, str]] = {
    "portal.title": {"en": "Customer portal", "th": "พอร์ทัลลูกค้า"},
    "nav.label": {"en": "Sections", "th": "เมนู"},
    "nav.home": {"en": "Home", "th": "หน้าแรก"},
    "nav.jobs": {"en": "Jobs", "th": "งานเช่า"},
    "nav.invoices": {"en": "Invoices", "th": "ใบแจ้งหนี้"},
    "nav.receipts": {"en": "Receipts", "th": "ใบเสร็จ"},
    "nav.documents": {"en": "Documents", "th": "เอกสาร"},
    "lang.label": {"en": "Language", "th": "ภาษา"},
    "home.greeting": {"en": "Hello, {name}", "th": "สวัสดี {name}"},
    "home.open_jobs": {"en": "Active jobs", "th": "งานเช่าที่กำลังดำเนินการ"},
    "home.caught_up": {"en": "You're all caught up", "th": "ไม่มีรายการค้าง"},
    "home.thank_you": {
        "en": "Nothing needs your attention right now. Thank you for renting with us.",
        "th": "ขณะนี้ไม่มีรายการที่ต้องดำเนินการ ขอบคุณที่เช่าอุปกรณ์กับเรา",
    },
    "home.quick_links": {"en": "Quick links", "th": "ลิงก์ด่วน"},
    "home.outstanding": {"en": "Invoices to pay", "th": "ใบแจ้งหนี้ที่ต้องชำระ"},
    "jobs.title": {"en": "Jobs", "th": "งานเช่า"},
    "jobs.active": {"en": "Active", "th": "กำลังดำเนินการ"},
    "jobs.upcoming": {"en": "Upcoming", "th": "กำลังจะเริ่ม"},
    "jobs.past": {"en": "Past", "th": "ที่ผ่านมา"},
    "jobs.none": {"en": "No jobs here yet.", "th": "ยังไม่มีงานเช่าในหมวดนี้"},
    "jobs.all": {"en": "All jobs", "th": "งานเช่าทั้งหมด"},
    "job.title": {"en": "Job {number}", "th": "งานเช่า {number}"},
    "job.starts": {"en": "Starts {date}", "th": "เริ่ม {date}"},
    "job.ends": {"en": "Ends {date}", "th": "สิ้นสุด {date}"},
    "job.dates": {"en": "Dates", "th": "วันที่เช่า"},
    "job.start": {"en": "Start", "th": "วันเริ่ม"},
    "job.end": {"en": "End", "th": "วันสิ้นสุด"},
    "job.to_be_confirmed": {"en": "To be confirmed", "th": "รอยืนยัน"},
    "job.equipment": {"en": "Equipment", "th": "อุปกรณ์"},
    "job.no_equipment": {"en": "No equipment listed yet.", "th": "ยังไม่มีรายการอุปกรณ์"},
    "job.receipts": {"en": "Receipts for this job", "th": "ใบเสร็จของงานนี้"},
    "job.documents": {"en": "Documents", "th": "เอกสาร"},
    "job.signed_quote": {"en": "Signed quote", "th": "ใบเสนอราคาที่ลงนามแล้ว"},
    "job.delivery_manifest": {"en": "Signed delivery manifest", "th": "ใบส่งมอบอุปกรณ์ที่ลงนามแล้ว"},
    "job.current_invoice": {"en": "Current invoice", "th": "ใบแจ้งหนี้ล่าสุด"},
    "job.not_yet": {"en": "Not available yet", "th": "ยังไม่มี"},
    "job.report": {"en": "AI Job Report", "th": "รายงานสรุปงาน (AI)"},
    "job.report_pending": {
        "en": "The report of this job is being prepared.",
        "th": "กำลังจัดทำรายงานสรุปของงานนี้",
    },
    "job.contact": {"en": "Contact us", "th": "ติดต่อเรา"},
    "deposits.title": {"en": "Deposits", "th": "เงินมัดจำ"},
    "deposits.none": {"en": "No deposits.", "th": "ไม่มีเงินมัดจำ"},
    "deposits.number": {"en": "Deposit {number}", "th": "เงินมัดจำ {number}"},
    "deposits.held": {"en": "Held {amount}", "th": "ถือไว้ {amount}"},
    "deposits.due": {"en": "To pay {amount}", "th": "ยอดที่ต้องชำระ {amount}"},
    "deposits.returned": {"en": "Returned {amount}", "th": "คืนแล้ว {amount}"},
    "deposits.retained": {"en": "Retained {amount}", "th": "หักไว้ {amount}"},
    "deposits.returned_on": {"en": "on {date}", "th": "เมื่อ {date}"},
    "deposits.scan": {
        "en": "Scan with your banking app to pay {amount} by PromptPay.",
        "th": "สแกนด้วยแอปธนาคารเพื่อชำระ {amount} ผ่านพร้อมเพย์",
    },
    "deposits.qr_alt": {"en": "PromptPay QR for {amount}", "th": "คิวอาร์พร้อมเพย์ {amount}"},
    "deposits.pay_by_contact": {
        "en": "Please contact {business} to pay.",
        "th": "กรุณาติดต่อ {business} เพื่อชำระเงิน",
    },
    "invoices.title": {"en": "Invoices", "th": "ใบแจ้งหนี้"},
    "invoices.none": {"en": "No invoices yet.", "th": "ยังไม่มีใบแจ้งหนี้"},
    "invoices.all": {"en": "All invoices", "th": "ใบแจ้งหนี้ทั้งหมด"},
    "invoices.number": {"en": "Invoice {number}", "th": "ใบแจ้งหนี้ {number}"},
    "invoices.damage_number": {"en": "Damage invoice {number}", "th": "ใบแจ้งหนี้ค่าความเสียหาย {number}"},
    "invoices.issued": {"en": "Issued", "th": "วันที่ออก"},
    "invoices.due_on": {"en": "Due", "th": "ครบกำหนดชำระ"},
    "invoices.due_date": {"en": "Due {date}", "th": "ครบกำหนด {date}"},
    "invoices.total": {"en": "Total", "th": "ยอดรวม"},
    "invoices.paid": {"en": "Paid", "th": "ชำระแล้ว"},
    "invoices.balance": {"en": "Balance due", "th": "ยอดค้างชำระ"},
    "invoices.balance_amount": {"en": "Balance due {amount}", "th": "ยอดค้างชำระ {amount}"},
    "invoices.view": {"en": "View invoice", "th": "ดูใบแจ้งหนี้"},
    "invoices.pay": {"en": "Pay {amount}", "th": "ชำระ {amount}"},
    "invoices.pdf": {"en": "Invoice PDF", "th": "ใบแจ้งหนี้ (PDF)"},
    "invoices.tax_invoice": {"en": "Tax invoice {number}", "th": "ใบกำกับภาษี {number}"},
    "invoices.payments": {"en": "Payments made", "th": "การชำระเงิน"},
    "invoices.no_payments": {"en": "No payments yet.", "th": "ยังไม่มีการชำระเงิน"},
    "invoices.prepayment": {"en": "Pre-payment {number}", "th": "ชำระล่วงหน้า {number}"},
    "invoices.scan": {
        "en": "Scan with your banking app to pay {amount} by PromptPay.",
        "th": "สแกนด้วยแอปธนาคารเพื่อชำระ {amount} ผ่านพร้อมเพย์",
    },
    "invoices.qr_alt": {"en": "PromptPay QR for {amount}", "th": "คิวอาร์พร้อมเพย์ {amount}"},
    "invoices.save_qr": {"en": "Save QR image", "th": "บันทึกรูปคิวอาร์"},
    "invoices.save_qr_hint": {
        "en": "On a phone, save the image and choose it in your banking app's scanner.",
        "th": "หากใช้โทรศัพท์ ให้บันทึกรูปแล้วเลือกรูปนี้ในหน้าสแกนของแอปธนาคาร",
    },
    "paid.button": {"en": "I've paid", "th": "ชำระเงินแล้ว"},
    "paid.slip_label": {
        "en": "Payment slip screenshot (optional)",
        "th": "ภาพหน้าจอสลิปการโอนเงิน (ไม่บังคับ)",
    },
    "paid.slip_hint": {"en": "PNG, JPEG or WebP, up to 5 MB", "th": "ไฟล์ PNG, JPEG หรือ WebP ไม่เกิน 5 MB"},
    "paid.checking": {"en": "Payment reported — being checked", "th": "แจ้งชำระเงินแล้ว — กำลังตรวจสอบ"},
    "paid.checking_body": {
        "en": "Thank you. {business} will check your payment of {amount} and confirm it here.",
        "th": "ขอบคุณ {business} จะตรวจสอบยอดชำระ {amount} ของคุณและยืนยันในหน้านี้",
    },
    "paid.dismissed": {
        "en": "We could not match your last payment report. Please check the amount and report it again, "
        "or contact {business}.",
        "th": "เราไม่พบยอดตามที่คุณแจ้งชำระครั้งล่าสุด กรุณาตรวจสอบยอดแล้วแจ้งอีกครั้ง หรือติดต่อ {business}",
    },
    "paid.slip_refused": {
        "en": "The slip must be a PNG, JPEG or WebP image. Please choose the screenshot of your transfer.",
        "th": "สลิปต้องเป็นรูปภาพ PNG, JPEG หรือ WebP กรุณาเลือกภาพหน้าจอการโอนเงิน",
    },
    "paid.slip_too_large": {
        "en": "The slip is larger than 5 MB. Please choose a smaller screenshot.",
        "th": "ไฟล์สลิปใหญ่เกิน 5 MB กรุณาเลือกภาพหน้าจอที่เล็กกว่านี้",
    },
    "paid.form_invalid": {
        "en": "The form could not be read. Please try again.",
        "th": "ไม่สามารถอ่านข้อมูลในแบบฟอร์มได้ กรุณาลองใหม่อีกครั้ง",
    },
    "form_expired.title": {"en": "Please try again", "th": "กรุณาลองใหม่อีกครั้ง"},
    "form_expired.body": {
        "en": "This form has expired. Please open the invoice again and tap I've paid.",
        "th": "แบบฟอร์มนี้หมดอายุแล้ว กรุณาเปิดใบแจ้งหนี้อีกครั้งแล้วกด ชำระเงินแล้ว",
    },
    "receipts.title": {"en": "Receipts", "th": "ใบเสร็จ"},
    "receipts.none": {"en": "No receipts yet.", "th": "ยังไม่มีใบเสร็จ"},
    "receipts.for_deposit": {"en": "Deposit {number}", "th": "เงินมัดจำ {number}"},
    "receipts.for_invoice": {"en": "Invoice {number}", "th": "ใบแจ้งหนี้ {number}"},
    "receipts.reference": {"en": "Ref. {reference}", "th": "อ้างอิง {reference}"},
    "receipts.years": {"en": "Year", "th": "ปี"},
    "receipts.totals": {"en": "Totals for {year}", "th": "ยอดรวมปี {year}"},
    "receipts.totals_note": {"en": "Void receipts are not counted.", "th": "ไม่รวมใบเสร็จที่ยกเลิกแล้ว"},
    "receipts.download_year": {"en": "All receipts of {year} (zip)", "th": "ใบเสร็จทั้งหมดของปี {year} (zip)"},
    "receipts.none_in_year": {"en": "No receipts in {year}.", "th": "ไม่มีใบเสร็จในปี {year}"},
    "doc.void": {"en": "VOID", "th": "ยกเลิก"},
    "doc.view": {"en": "View", "th": "ดู"},
    "doc.download": {"en": "Download", "th": "ดาวน์โหลด"},
    "doc.preparing": {"en": "PDF being prepared", "th": "กำลังจัดทำไฟล์ PDF"},
    "doc.page_alt": {"en": "{number}, page {page} of {pages}", "th": "{number} หน้า {page} จาก {pages}"},
    "doc.back": {"en": "Back", "th": "ย้อนกลับ"},
    "documents.all": {"en": "All documents", "th": "เอกสารทั้งหมด"},
    "pager.label": {"en": "Pages", "th": "หน้า"},
    "pager.previous": {"en": "Newer", "th": "ใหม่กว่า"},
    "pager.next": {"en": "Older", "th": "เก่ากว่า"},
    "pager.position": {"en": "Page {number} of {last}", "th": "หน้า {number} จาก {last}"},
    "documents.title": {"en": "Documents", "th": "เอกสาร"},
    "documents.none": {"en": "No documents yet.", "th": "ยังไม่มีเอกสาร"},
    "documents.download_all": {"en": "Download all (zip)", "th": "ดาวน์โหลดทั้งหมด (zip)"},
    "contact.title": {"en": "Contact {business}", "th": "ติดต่อ {business}"},
    "contact.call": {"en": "Call {phone}", "th": "โทร {phone}"},
    "contact.email": {"en": "Email {email}", "th": "อีเมล {email}"},
    "closed.title": {
        "en": "This link has expired — ask {business} for a new link",
        "th": "ลิงก์นี้หมดอายุแล้ว — กรุณาขอลิงก์ใหม่จาก {business}",
    },
    "closed.someone": {"en": "the business that sent it", "th": "ร้านที่ส่งลิงก์ให้คุณ"},
    "closed.body": {
        "en": "For your security, portal links stop working after a while. A new link opens your "
        "jobs, invoices, deposits and receipts again.",
        "th": "เพื่อความปลอดภัย ลิงก์เข้าพอร์ทัลมีอายุจำกัด ลิงก์ใหม่จะเปิดดูงานเช่า ใบแจ้งหนี้ เงินมัดจำ และใบเสร็จของคุณได้อีกครั้ง",
    },
    "not_found.title": {"en": "Not found", "th": "ไม่พบข้อมูล"},
    "not_found.body": {
        "en": "This page or document is not available.",
        "th": "ไม่พบหน้านี้หรือเอกสารนี้",
    },
    "not_found.back": {"en": "Back to home", "th": "กลับหน้าแรก"},
    "pdf.preparing_body": {
        "en": "This PDF is still being prepared. Please try again in a minute.",
        "th": "ไฟล์ PDF นี้กำลังจัดทำ กรุณาลองใหม่อีกครั้งในอีกสักครู่",
    },
    "unavailable.title": {"en": "Please try again shortly", "th": "กรุณาลองใหม่อีกครั้งในภายหลัง"},
    "unavailable.body": {
        "en": "Your documents cannot be fetched right now.",
        "th": "ขณะนี้ไม่สามารถเรียกดูเอกสารได้",
    },
}


def translate(key: str, lang: str, **values: object) -> str:
    text = MESSAGES[key]
    return (text.get(lang) or text["en"]).format(**values)


def translator(lang: str) -> Callable[..., str]:
    def t(key: str, **values: object) -> str:
        return translate(key, lang, **values)

    return t


def short_date(day: date | None, lang: str) -> str:
    """12 มี.ค. 2569 (Buddhist Era) in Thai, 12 Mar 2026 in English."""
    return format_date(day, lang, short=True) if day else ""


def year_label(year: int, lang: str) -> str:
    """2569 (Buddhist Era) in Thai, 2026 in English."""
    return str(year + BUDDHIST_ERA_OFFSET if lang == "th" else year)


def money(amount: Decimal | None) -> str:
    return format_thb(amount) if amount is not None else ""


def stage_label(stage: str, lang: str) -> str:
    return labels.label(labels.JOB_STAGES, stage, lang)


def document_kind_label(kind: str, lang: str) -> str:
    return labels.label(labels.DOCUMENT_KINDS, kind, lang)


def method_label(method: str | None, lang: str) -> str:
    return labels.label(labels.PAYMENT_METHODS, method, lang) if method else ""


def return_kind_label(kind: str, lang: str) -> str:
    return labels.label(labels.RETURN_KINDS, kind, lang)


def invoice_status_label(status: str, lang: str) -> str:
    return labels.label(labels.INVOICE_STATUSES, status, lang)
