"""Whether the text inside every document's PDF reads back exactly what its page says.

For each document type (the side-by-side's sample sheets) in both languages, the PDF is made the
service's way (`render_pages_to_pdf`) and its text layer extracted by PDFium (pypdfium2) and by
poppler (`pdftotext -raw`); each text node of the page (labels and values, spaces collapsed) is
looked for exactly, no character normalised on either side (`tests.helpers.found_in`). Counted:
the Thai strings (any Thai letter) and, among them, those with ำ (sara am, the letter every PDF
used to lose).

Usage: python -m bench.text_layer
"""

import json
from typing import Any

THAI = range(0x0E00, 0x0E80)
SARA_AM = "\u0e33"


def _is_thai(text: str) -> bool:
    return any(ord(c) in THAI for c in text)


def check() -> dict[str, Any]:
    from bench.render_compare import sample_sheets
    from services.documents.adapters.renderer import render_html, render_pages_to_pdf
    from tests.helpers import found_in, page_texts, pdf_text, pdfium_text

    counts = {"documents": 0, "thai": 0, "sara_am": 0}
    exact = {extractor: {"thai": 0, "sara_am": 0} for extractor in ("pdfium", "poppler")}
    missed: list[dict[str, str]] = []
    for language in ("th", "en"):
        for kind, sheet in sample_sheets(language).items():
            texts = [t for t in page_texts(render_html(sheet)) if _is_thai(t)]
            [pdf] = render_pages_to_pdf([render_html(sheet, inline_styles=False)])
            counts["documents"] += 1
            counts["thai"] += len(texts)
            counts["sara_am"] += sum(SARA_AM in t for t in texts)
            for extractor, extracted in (("pdfium", pdfium_text(pdf)), ("poppler", pdf_text(pdf))):
                for text in texts:
                    if found_in(text, extracted):
                        exact[extractor]["thai"] += 1
                        exact[extractor]["sara_am"] += SARA_AM in text
                    elif len(missed) < 20:
                        document = f"{kind} ({language})"
                        missed.append({"document": document, "extractor": extractor, "text": text})
    percent = {
        extractor: {
            key: round(100 * found / counts[key], 1) if counts[key] else None for key, found in got.items()
        }
        for extractor, got in exact.items()
    }
    return {**counts, "exact": exact, "percent": percent, "missed": missed}


def main() -> None:
    print(json.dumps(check(), indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
