"""The transaction reference on a Thai bank transfer slip.

Thai banks print a "mini QR" on each slip for verification: EMVCo-style tags whose tag 00 holds the
API id (sub-tag 00), the sending bank (01) and the bank's transaction reference (02), then the
country (51) and a CRC (91). Written by hand: a few lines of TLV, pinned by tests.
"""

from shared.promptpay import crc16_ccitt_false


def _tlv(text: str) -> dict[str, str] | None:
    fields: dict[str, str] = {}
    position = 0
    while position < len(text):
        tag, length_text = text[position : position + 2], text[position + 2 : position + 4]
        if len(tag) < 2 or not length_text.isdigit():
            return None
        length = int(length_text)
        value = text[position + 4 : position + 4 + length]
        if len(value) != length:
            return None
        fields[tag] = value
        position += 4 + length
    return fields


def slip_reference(qr_text: str) -> str | None:
    """The bank's transaction reference read from a slip QR, or None if it is not a slip QR."""
    fields = _tlv(qr_text.strip())
    if not fields or "00" not in fields or "91" not in fields:
        return None
    body = qr_text.strip()[: -len(fields["91"])]
    if f"{crc16_ccitt_false(body.encode('ascii', 'replace')):04X}" != fields["91"].upper():
        return None
    inner = _tlv(fields["00"])
    if not inner or not inner.get("02"):
        return None
    bank = inner.get("01", "")
    return f"{bank}-{inner['02']}" if bank else inner["02"]
