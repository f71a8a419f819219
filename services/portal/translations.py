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
    "pager.showing": {"en": "{first}–{last} of {total}", "th": "รายการที่ {first}–{last} จาก {total}"},
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

# The staff console's labels (docs/staff-console.md).
CONSOLE_MESSAGES: dict[str, dict[str, str]] = {
    "staff.title": {"en": "Staff console", "th": "ระบบหลังร้าน"},
    "staff.nav.deposits": {"en": "Deposits", "th": "เงินมัดจำ"},
    "staff.signed_in_as": {"en": "Signed in as {name}", "th": "เข้าสู่ระบบในชื่อ {name}"},
    "staff.sign_out": {"en": "Sign out", "th": "ออกจากระบบ"},
    "staff.sign_in.title": {"en": "Sign in to the staff console", "th": "เข้าสู่ระบบหลังร้าน"},
    "staff.sign_in.body": {
        "en": "Open the sign-in link from your operations system. Links last 15 minutes.",
        "th": "เปิดลิงก์เข้าสู่ระบบจากระบบปฏิบัติการของท่าน ลิงก์มีอายุ 15 นาที",
    },
    "staff.sign_in.refused": {
        "en": "This sign-in link is not valid or has expired. Please ask for a new link.",
        "th": "ลิงก์เข้าสู่ระบบนี้ไม่ถูกต้องหรือหมดอายุแล้ว กรุณาขอลิงก์ใหม่",
    },
    "staff.sign_in.ended": {
        "en": "Your session has ended. Please ask for a new sign-in link.",
        "th": "เซสชันของท่านสิ้นสุดแล้ว กรุณาขอลิงก์เข้าสู่ระบบใหม่",
    },
    "staff.signed_out": {
        "en": "You have signed out. Ask for a new link to sign in again.",
        "th": "ท่านออกจากระบบแล้ว หากต้องการเข้าใหม่ กรุณาขอลิงก์ใหม่",
    },
    "staff.forbidden.title": {"en": "Form expired", "th": "แบบฟอร์มหมดอายุ"},
    "staff.forbidden.body": {
        "en": "This form could not be accepted. Nothing was saved. Please reload the page and try again.",
        "th": "ไม่สามารถรับแบบฟอร์มนี้ได้ ยังไม่มีการบันทึกใดๆ กรุณาโหลดหน้าใหม่แล้วลองอีกครั้ง",
    },
    "staff.not_found.title": {"en": "Not found", "th": "ไม่พบรายการ"},
    "staff.not_found.body": {
        "en": "There is no such item in your branches.",
        "th": "ไม่พบรายการนี้ในสาขาของท่าน",
    },
    "staff.unavailable.body": {
        "en": "A service is not answering right now. Nothing was saved. Please try again shortly.",
        "th": "ขณะนี้บริการบางส่วนไม่ตอบสนอง ยังไม่มีการบันทึกใดๆ กรุณาลองใหม่อีกครั้ง",
    },
    "staff.dashboard.held": {"en": "Held", "th": "ถือไว้"},
    "staff.dashboard.pending": {"en": "Pending", "th": "รอชำระ"},
    "staff.dashboard.collected": {"en": "Collected this month", "th": "รับเดือนนี้"},
    "staff.dashboard.returned": {"en": "Returned this month", "th": "คืนเดือนนี้"},
    "staff.dashboard.count": {"en": "{count} deposits", "th": "{count} รายการ"},
    "staff.filters": {"en": "Filter", "th": "ตัวกรอง"},
    "staff.filter.status": {"en": "Status", "th": "สถานะ"},
    "staff.filter.any": {"en": "Any", "th": "ทั้งหมด"},
    "staff.filter.branch": {"en": "Branch", "th": "สาขา"},
    "staff.filter.customer": {"en": "Customer id", "th": "รหัสลูกค้า"},
    "staff.filter.job": {"en": "Job", "th": "งานเช่า"},
    "staff.filter.overdue": {"en": "Return overdue", "th": "คืนเกินกำหนด"},
    "staff.filter.apply": {"en": "Apply", "th": "กรอง"},
    "staff.filter.refused": {"en": "This filter cannot be used: {message}", "th": "ใช้ตัวกรองนี้ไม่ได้: {message}"},
    "staff.list.none": {"en": "No deposits match.", "th": "ไม่พบเงินมัดจำที่ตรงกัน"},
    "staff.list.total": {"en": "{total} deposits", "th": "{total} รายการ"},
    "staff.list.page": {"en": "Page {page} of {pages}", "th": "หน้า {page} จาก {pages}"},
    "staff.list.previous": {"en": "Previous", "th": "ก่อนหน้า"},
    "staff.list.next": {"en": "Next", "th": "ถัดไป"},
    "staff.return_due": {"en": "Return by {date}", "th": "คืนภายใน {date}"},
    "staff.overdue": {"en": "Overdue", "th": "เกินกำหนด"},
    "staff.deposit.title": {"en": "Deposit {number}", "th": "เงินมัดจำ {number}"},
    "staff.deposit.customer": {"en": "Customer", "th": "ลูกค้า"},
    "staff.deposit.branch": {"en": "Branch", "th": "สาขา"},
    "staff.deposit.requested": {"en": "Requested", "th": "ขอเรียกเก็บ"},
    "staff.deposit.held": {"en": "Held", "th": "ถือไว้"},
    "staff.deposit.outstanding": {"en": "Outstanding", "th": "ค้างชำระ"},
    "staff.deposit.status": {"en": "Status", "th": "สถานะ"},
    "staff.deposit.job": {"en": "Job {number}: {stage}", "th": "งานเช่า {number}: {stage}"},
    "staff.deposit.job_closed": {"en": "Closed on {date}", "th": "ปิดงานเมื่อ {date}"},
    "staff.inspections": {"en": "Inspections", "th": "ผลการตรวจสภาพ"},
    "staff.inspection.at": {"en": "Inspected {date}", "th": "ตรวจเมื่อ {date}"},
    "staff.inspection.damage": {"en": "Damage estimates (internal)", "th": "ประเมินความเสียหาย (ภายใน)"},
    "staff.inspection.total": {"en": "Estimated damage {amount}", "th": "ความเสียหายโดยประมาณ {amount}"},
    "staff.collections": {"en": "Collections", "th": "การรับเงิน"},
    "staff.returns": {"en": "Returns", "th": "การคืนเงิน"},
    "staff.void": {"en": "VOID", "th": "ยกเลิก"},
    "staff.audit": {"en": "Audit trail", "th": "ประวัติการดำเนินการ"},
    "staff.audit.who": {"en": "Who", "th": "ผู้ดำเนินการ"},
    "staff.audit.when": {"en": "When", "th": "เวลา"},
    "staff.audit.what": {"en": "What", "th": "รายการ"},
    "staff.audit.method": {"en": "Method", "th": "วิธี"},
    "staff.audit.reference": {"en": "Reference", "th": "อ้างอิง"},
    "staff.audit.action.deposit.requested.v1": {"en": "Deposit requested", "th": "ขอรับเงินมัดจำ"},
    "staff.audit.action.deposit.collected.v1": {"en": "Deposit collected", "th": "รับเงินมัดจำแล้ว"},
    "staff.audit.action.deposit.collection_proof_attached": {
        "en": "Proof of payment attached",
        "th": "แนบหลักฐานการชำระเงิน",
    },
    "staff.audit.action.deposit.returned.v1": {"en": "Deposit returned", "th": "คืนเงินมัดจำแล้ว"},
    "staff.audit.action.deposit.returned.v1.full": {
        "en": "Returned in full",
        "th": "คืนเงินมัดจำเต็มจำนวน",
    },
    "staff.audit.action.deposit.returned.v1.partial": {
        "en": "Partly returned",
        "th": "คืนเงินมัดจำบางส่วน",
    },
    "staff.audit.action.deposit.returned.v1.forfeit": {"en": "Forfeited", "th": "ริบเงินมัดจำ"},
    "staff.audit.action.deposit.return_voided.v1": {"en": "Return voided", "th": "ยกเลิกการคืนเงินมัดจำ"},
    "staff.audit.action.deposit.return_overdue.v1": {
        "en": "Return overdue",
        "th": "เลยกำหนดคืนเงินมัดจำ",
    },
    "staff.documents": {"en": "Documents", "th": "เอกสาร"},
    "staff.document.view": {"en": "View", "th": "ดู"},
    "staff.document.download": {"en": "Download", "th": "ดาวน์โหลด"},
    "staff.document.preparing": {"en": "PDF being prepared", "th": "กำลังจัดทำ PDF"},
    "staff.document.page_alt": {
        "en": "{number}, page {page} of {pages}",
        "th": "{number} หน้า {page} จาก {pages}",
    },
    "staff.back": {"en": "Back to deposit", "th": "กลับไปที่เงินมัดจำ"},
    "staff.return.open": {"en": "Return deposit", "th": "คืนเงินมัดจำ"},
    "staff.return.kind": {"en": "Return type", "th": "ประเภทการคืน"},
    "staff.return.kind.full": {"en": "Full return", "th": "คืนเต็มจำนวน"},
    "staff.return.kind.partial": {"en": "Partial return", "th": "คืนบางส่วน"},
    "staff.return.kind.forfeit": {"en": "Forfeit", "th": "ริบเงินมัดจำ"},
    "staff.return.amount": {"en": "Amount returned (฿)", "th": "จำนวนเงินที่คืน (บาท)"},
    "staff.return.amount_hint": {
        "en": "Full: the held total {held}. Partial: what you are refunding. Forfeit: 0.",
        "th": "คืนเต็ม: ยอดที่ถือไว้ {held} คืนบางส่วน: จำนวนที่คืน ริบ: 0",
    },
    "staff.return.method": {"en": "Refund method", "th": "วิธีคืนเงิน"},
    "staff.return.reference": {"en": "Return reference", "th": "เลขอ้างอิงการคืนเงิน"},
    "staff.return.reference_hint": {
        "en": 'Bank slip number of the refund, or "Cash, in person"',
        "th": 'เลขที่สลิปโอนคืน หรือ "เงินสด รับด้วยตนเอง"',
    },
    "staff.return.note": {"en": "Note", "th": "หมายเหตุ"},
    "staff.return.note_hint": {
        "en": "Required for partial and forfeit: this appears on the customer's receipt.",
        "th": "จำเป็นสำหรับการคืนบางส่วนและการริบ: ข้อความนี้จะแสดงในใบเสร็จของลูกค้า",
    },
    "staff.return.preview": {"en": "Preview the receipt line", "th": "ดูตัวอย่างบรรทัดในใบเสร็จ"},
    "staff.return.preview_title": {"en": "The customer's receipt will show", "th": "ใบเสร็จของลูกค้าจะแสดง"},
    "staff.return.save": {"en": "Save return", "th": "บันทึกการคืน"},
    "staff.return.saved": {"en": "Return saved: {number}", "th": "บันทึกการคืนแล้ว: {number}"},
    "staff.return.not_now": {
        "en": "This deposit cannot be returned now (status: {status}).",
        "th": "ยังคืนเงินมัดจำนี้ไม่ได้ (สถานะ: {status})",
    },
    "staff.refused": {"en": "Not saved: {message}", "th": "ยังไม่ได้บันทึก: {message}"},
    "staff.void.open": {"en": "Void", "th": "ยกเลิกการคืน"},
    "staff.void.reason": {"en": "Reason for voiding", "th": "เหตุผลที่ยกเลิก"},
    "staff.void.save": {"en": "Void this return", "th": "ยืนยันยกเลิกการคืน"},
    "staff.void.saved": {
        "en": "Return {number} voided; the deposit is held again.",
        "th": "ยกเลิกการคืน {number} แล้ว เงินมัดจำกลับเป็นสถานะถือไว้",
    },
    "staff.collect.open": {"en": "Record collection", "th": "บันทึกการรับเงิน"},
    "staff.collect.amount": {"en": "Amount (฿)", "th": "จำนวนเงิน (บาท)"},
    "staff.collect.method": {"en": "Method", "th": "วิธีชำระ"},
    "staff.collect.reference": {"en": "Reference", "th": "เลขอ้างอิง"},
    "staff.collect.date": {"en": "Collection date", "th": "วันที่รับเงิน"},
    "staff.collect.proof": {"en": "Proof image (optional)", "th": "รูปหลักฐาน (ไม่บังคับ)"},
    "staff.collect.save": {"en": "Save collection", "th": "บันทึกการรับเงิน"},
    "staff.collect.saved": {"en": "Collection saved: {number}", "th": "บันทึกการรับเงินแล้ว: {number}"},
    "staff.collect.proof_refused": {
        "en": "The collection was saved, but the proof image was refused: {message}",
        "th": "บันทึกการรับเงินแล้ว แต่ไม่รับรูปหลักฐาน: {message}",
    },
    "staff.collect.proof_too_large": {
        "en": "The image is larger than 5 MB",
        "th": "รูปมีขนาดใหญ่เกิน 5 MB",
    },
    "staff.collect.proof_problem.too_large": {
        "en": "it is larger than 5 MB.",
        "th": "รูปมีขนาดใหญ่เกิน 5 MB",
    },
    "staff.collect.proof_problem.not_image": {
        "en": "it is not a PNG, JPEG or WebP image.",
        "th": "ไฟล์ไม่ใช่รูป PNG, JPEG หรือ WebP",
    },
    "staff.collect.proof_problem.too_many_pixels": {
        "en": "the image has too many pixels.",
        "th": "รูปมีจำนวนพิกเซลมากเกินไป",
    },
    "staff.collect.proof_problem.empty": {"en": "the file is empty.", "th": "ไฟล์ว่างเปล่า"},
    "staff.collect.proof_problem.other": {
        "en": "the deposits service did not accept it.",
        "th": "ระบบเงินมัดจำไม่รับไฟล์นี้",
    },
    "staff.proof": {"en": "Proof", "th": "หลักฐาน"},
    "staff.proof.attach": {"en": "Attach proof", "th": "แนบหลักฐาน"},
    "staff.proof.replace": {"en": "Replace proof", "th": "เปลี่ยนรูปหลักฐาน"},
    "staff.proof.image": {"en": "Proof image", "th": "รูปหลักฐาน"},
    "staff.proof.save": {"en": "Attach", "th": "แนบรูป"},
    "staff.proof.saved": {"en": "Proof attached to {number}", "th": "แนบหลักฐานกับ {number} แล้ว"},
    "staff.proof.refused": {
        "en": "The proof image was refused: {message}",
        "th": "ไม่รับรูปหลักฐาน: {message}",
    },
    "staff.nav.payments": {"en": "Payments", "th": "แจ้งชำระเงิน"},
    "staff.nav.inbox": {"en": "Inbox", "th": "กล่องข้อความ"},
    "staff.payments.title": {"en": "Reported payments", "th": "ลูกค้าแจ้งชำระเงิน"},
    "staff.payments.count": {"en": "{total} open reports", "th": "รอตรวจสอบ {total} รายการ"},
    "staff.payments.none": {
        "en": "No open reports. Customers' \"I've paid\" reports appear here.",
        "th": 'ไม่มีรายการรอตรวจสอบ เมื่อลูกค้ากด "ชำระแล้ว" รายการจะแสดงที่นี่',
    },
    "staff.payments.all": {"en": "All reported payments", "th": "รายการแจ้งชำระทั้งหมด"},
    "staff.payments.report": {"en": "Payment reported for {number}", "th": "แจ้งชำระ {number}"},
    "staff.payments.reported_amount": {"en": "Reported {amount}", "th": "แจ้งยอด {amount}"},
    "staff.payments.balance_of": {"en": "balance {amount}", "th": "ยอดค้าง {amount}"},
    "staff.payments.total": {"en": "Total", "th": "ยอดรวม"},
    "staff.payments.balance": {"en": "Balance", "th": "ยอดค้างชำระ"},
    "staff.payments.duplicate": {
        "en": "Possible duplicate slip: the same slip was sent for {invoices}.",
        "th": "สลิปอาจซ้ำ: สลิปเดียวกันเคยส่งสำหรับ {invoices}",
    },
    "staff.payments.slip_alt": {"en": "Payment slip for {number}", "th": "สลิปการชำระ {number}"},
    "staff.payments.slip_reference": {"en": "Slip reference {reference}", "th": "เลขอ้างอิงสลิป {reference}"},
    "staff.payments.slip_unread": {
        "en": "No slip reference could be read: check the slip against the bank statement.",
        "th": "อ่านเลขอ้างอิงสลิปไม่ได้ กรุณาตรวจกับรายการเดินบัญชี",
    },
    "staff.payments.no_slip": {"en": "No slip attached.", "th": "ไม่ได้แนบสลิป"},
    "staff.payments.record": {"en": "Record payment", "th": "บันทึกการชำระเงิน"},
    "staff.payments.record_save": {"en": "Save payment", "th": "บันทึกการชำระ"},
    "staff.payments.recorded": {
        "en": "Payment recorded: {number}. The report is closed.",
        "th": "บันทึกการชำระแล้ว: {number} ปิดรายการแจ้งชำระแล้ว",
    },
    "staff.payments.dismiss": {"en": "Dismiss", "th": "ไม่รับรายการ"},
    "staff.payments.dismiss_reason": {"en": "Reason", "th": "เหตุผล"},
    "staff.payments.dismiss_hint": {
        "en": "Required; kept internal. The customer is asked to check their payment.",
        "th": "จำเป็นต้องระบุ ใช้ภายในเท่านั้น ลูกค้าจะได้รับแจ้งให้ตรวจสอบการชำระ",
    },
    "staff.payments.dismiss_save": {"en": "Dismiss this report", "th": "ยืนยันไม่รับรายการ"},
    "staff.payments.dismissed": {
        "en": "The report on {number} was dismissed.",
        "th": "ไม่รับรายการแจ้งชำระของ {number} แล้ว",
    },
    "staff.invoice_status.draft": {"en": "Draft", "th": "ฉบับร่าง"},
    "staff.invoice_status.sent": {"en": "Unpaid", "th": "ยังไม่ชำระ"},
    "staff.invoice_status.partial": {"en": "Partial", "th": "ชำระบางส่วน"},
    "staff.invoice_status.paid": {"en": "Paid", "th": "ชำระแล้ว"},
    "staff.payments.invoice_page": {"en": "This invoice", "th": "ดูใบแจ้งหนี้นี้"},
    "staff.inbox.title": {"en": "Inbox", "th": "กล่องข้อความ"},
    "staff.inbox.unread_count": {"en": "{count} unread", "th": "ยังไม่อ่าน {count}"},
    "staff.inbox.none": {"en": "No alerts.", "th": "ไม่มีการแจ้งเตือน"},
    "staff.inbox.unread": {"en": "Unread", "th": "ยังไม่อ่าน"},
    "staff.inbox.read_at": {"en": "Read {date}", "th": "อ่านแล้ว {date}"},
    "staff.inbox.mark_read": {"en": "Mark as read", "th": "ทำเครื่องหมายว่าอ่านแล้ว"},
    "staff.inbox.open": {"en": "Open", "th": "เปิด"},
    "staff.inbox.total": {"en": "{total} alerts, {unread} unread", "th": "{total} รายการ ยังไม่อ่าน {unread}"},
    "staff.link.open": {"en": "Customer portal link", "th": "ลิงก์พอร์ทัลลูกค้า"},
    "staff.link.invoice": {"en": "Portal link to this invoice", "th": "ลิงก์พอร์ทัลของใบแจ้งหนี้นี้"},
    "staff.link.title": {"en": "Customer portal link", "th": "ลิงก์พอร์ทัลลูกค้า"},
    "staff.link.scan": {
        "en": "Ask the customer to scan this with their phone's camera.",
        "th": "ให้ลูกค้าสแกนด้วยกล้องโทรศัพท์",
    },
    "staff.link.qr_alt": {"en": "QR code of the customer's portal link", "th": "คิวอาร์โค้ดลิงก์พอร์ทัลลูกค้า"},
    "staff.link.url": {"en": "Link", "th": "ลิงก์"},
    "staff.link.copy": {"en": "Copy", "th": "คัดลอก"},
    "staff.link.copied": {"en": "Copied", "th": "คัดลอกแล้ว"},
    "staff.link.expires": {"en": "Valid until {date}", "th": "ใช้ได้ถึง {date}"},
    "staff.link.scope_invoice": {"en": "Opens only this invoice.", "th": "เปิดได้เฉพาะใบแจ้งหนี้นี้"},
    "staff.link.back": {"en": "Back", "th": "กลับ"},
    "staff.damage.open": {"en": "Charge damage beyond the deposit", "th": "เรียกเก็บค่าเสียหายส่วนที่เกินเงินมัดจำ"},
    "staff.damage.title": {"en": "Damage beyond the deposit", "th": "ค่าเสียหายส่วนที่เกินเงินมัดจำ"},
    "staff.damage.steps": {"en": "Steps", "th": "ขั้นตอน"},
    "staff.damage.step1": {"en": "1. Damage invoice", "th": "1. ใบแจ้งหนี้ค่าเสียหาย"},
    "staff.damage.step2": {"en": "2. Tax invoice", "th": "2. ใบกำกับภาษี"},
    "staff.damage.step3": {"en": "3. Email to the customer", "th": "3. อีเมลถึงลูกค้า"},
    "staff.damage.so_far": {"en": "Issued so far", "th": "เอกสารที่ออกแล้ว"},
    "staff.damage.invoice": {"en": "Damage invoice", "th": "ใบแจ้งหนี้ค่าเสียหาย"},
    "staff.damage.draft": {"en": "Damage invoice (draft)", "th": "ใบแจ้งหนี้ค่าเสียหาย (ฉบับร่าง)"},
    "staff.damage.tax_invoice": {"en": "Tax invoice", "th": "ใบกำกับภาษี"},
    "staff.damage.total": {"en": "Total {amount}", "th": "รวม {amount}"},
    "staff.damage.retained_hint": {
        "en": "The deposit kept {amount}. Invoice the damage beyond it (before VAT).",
        "th": "ริบเงินมัดจำไว้ {amount} ออกใบแจ้งหนี้สำหรับความเสียหายส่วนที่เกิน (ก่อนภาษีมูลค่าเพิ่ม)",
    },
    "staff.damage.line": {"en": "Line {number}", "th": "รายการที่ {number}"},
    "staff.damage.description": {"en": "Description", "th": "รายละเอียด"},
    "staff.damage.quantity": {"en": "Quantity", "th": "จำนวน"},
    "staff.damage.unit": {"en": "Unit", "th": "หน่วย"},
    "staff.damage.rate": {"en": "Rate (฿, before VAT)", "th": "ราคาต่อหน่วย (บาท ก่อนภาษี)"},
    "staff.damage.add_line": {"en": "Add line", "th": "เพิ่มรายการ"},
    "staff.damage.save": {"en": "Save draft", "th": "บันทึกฉบับร่าง"},
    "staff.damage.send": {"en": "Send invoice", "th": "ส่งใบแจ้งหนี้"},
    "staff.damage.saved": {"en": "Draft saved", "th": "บันทึกฉบับร่างแล้ว"},
    "staff.damage.sent": {"en": "Damage invoice sent: {number}", "th": "ส่งใบแจ้งหนี้ค่าเสียหายแล้ว: {number}"},
    "staff.damage.covers": {
        "en": "One tax invoice for the {retained} retained ({number}) and damage invoice {invoice} ({total})",
        "th": "ใบกำกับภาษีฉบับเดียวสำหรับเงินมัดจำที่ริบ {retained} ({number}) และใบแจ้งหนี้ค่าเสียหาย {invoice} ({total})",
    },
    "staff.damage.issue": {"en": "Issue tax invoice", "th": "ออกใบกำกับภาษี"},
    "staff.damage.issued": {"en": "Tax invoice issued: {number}", "th": "ออกใบกำกับภาษีแล้ว: {number}"},
    "staff.damage.before_vat": {"en": "Before VAT", "th": "มูลค่าก่อนภาษี"},
    "staff.damage.vat": {"en": "VAT", "th": "ภาษีมูลค่าเพิ่ม"},
    "staff.damage.grand_total": {"en": "Total", "th": "รวมทั้งสิ้น"},
    "staff.damage.notice.queued": {"en": "Queued", "th": "รอส่ง"},
    "staff.damage.notice.sent": {"en": "Sent", "th": "ส่งแล้ว"},
    "staff.damage.notice.failed": {"en": "Failed", "th": "ส่งไม่สำเร็จ"},
    "staff.damage.notice.reload": {
        "en": "The email goes out once its documents are ready; reload to see it sent.",
        "th": "อีเมลจะส่งเมื่อเอกสารพร้อม โหลดหน้าใหม่เพื่อดูสถานะ",
    },
    "staff.damage.attached": {"en": "Attached: {numbers}", "th": "แนบ: {numbers}"},
    "staff.damage.waiting.title": {"en": "Waiting for billing", "th": "รอระบบบัญชี"},
    "staff.damage.waiting": {
        "en": "Billing has not yet recorded the amount kept on {number}; it follows in a moment. "
        "This page checks again every few seconds.",
        "th": "ระบบบัญชียังไม่ได้บันทึกยอดที่หักไว้ตาม {number} ซึ่งจะตามมาในอีกสักครู่ หน้านี้จะตรวจสอบใหม่ทุกสองสามวินาที",
    },
    "staff.damage.waiting.check": {"en": "Check now", "th": "ตรวจสอบตอนนี้"},
    "staff.damage.waiting.retry": {
        "en": "Billing has not yet recorded the amount kept on {number}, so nothing was saved. "
        "Your lines are kept: try Save or Send again in a moment.",
        "th": "ระบบบัญชียังไม่ได้บันทึกยอดที่หักไว้ตาม {number} จึงยังไม่ได้บันทึก "
        "รายการที่กรอกไว้ยังอยู่ ลองบันทึกหรือส่งอีกครั้งในอีกสักครู่",
    },
}
MESSAGES.update(CONSOLE_MESSAGES)


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


def billing_status_label(status: str, lang: str) -> str:
    """An invoice's status as billing stores it (a sent invoice is Unpaid to staff and customers)."""
    key = f"staff.invoice_status.{status}"
    return translate(key, lang) if key in MESSAGES else status


def receipt_lines(returned: Decimal, retained: Decimal, reason: str, lang: str) -> list[str]:
    """The return as the customer's portal and receipt state it: "Returned ฿15,000.00", then, when
    something is kept, "Retained ฿5,000.00 (cracked filter)"."""
    lines = [translate("deposits.returned", lang, amount=format_thb(returned))]
    if retained:
        kept = translate("deposits.retained", lang, amount=format_thb(retained))
        lines.append(f"{kept} ({reason})" if reason else kept)
    return lines
