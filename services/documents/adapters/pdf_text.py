"""A text layer that reads back what the template wrote: WeasyPrint's glyph → text map, per cluster.

What was wrong. HarfBuzz shapes Thai SARA AM (ำ, U+0E33) into two glyphs, NIKHAHIT and SARA AA, in
one cluster (and moves NIKHAHIT before a tone mark: น้ำ is drawn น ํ ้ า). WeasyPrint 70 gives every
glyph id one string in the font's ToUnicode CMap, for the whole document, taken from the first
place the glyph is drawn: the glyphs of a cluster get the text from their cluster offset to the next
glyph's, so NIKHAHIT got "" and SARA AA got "า" or "ำ", whichever came first. pdftotext and pdfminer
then read จำกัด as "จากัด"; PDFium reads a glyph without text as its code ("จ˸ากัด"); a tone mark
inside such a cluster was lost ("น˺ามัน").

How it is fixed (`install()` replaces two WeasyPrint functions, pinned to WEASYPRINT_VERSION):

- `draw_first_line` (weasyprint.draw.text) walks each run cluster by cluster. The cluster's text is
  shared out over its glyphs in drawing order (one character each; extra glyphs first get "",
  the last glyph takes any characters left), so the glyphs' strings always add up to the cluster's
  text. A glyph whose string differs from the one its id already has in the document is drawn with
  an **alias code**: a new character code of the same font, with its own ToUnicode string, that the
  font's encoding CMap sends to the same glyph. A base letter with its marks is wrapped in a
  marked-content span `/Span <</ActualText <FEFF…>>> BDC … EMC` holding its text, as Skia
  (Chromium) does, when one of its glyphs stands for no text (NIKHAHIT) or a mark is drawn off
  the pen (placed back over its base: poppler sorted such marks by position, "ผูเ้", or read a gap
  after them, "ปั่ นไฟ"). PDFium and poppler read a span's ActualText; a span whose last glyph
  is such a mark ends with the font's space glyph drawn back to the pen (it paints nothing), as
  poppler measures a span from its first glyph to its last glyph's end.
- `_build_vector_font_dictionary` (weasyprint.pdf.fonts) writes the encoding CMap (code → glyph)
  when a font has alias codes, instead of Identity-H.

Nothing moves on the page: the same glyphs at the same positions. A span splits a `TJ` where it
starts and ends, and the pen moves that ended the first part start the next (PDFium drops moves
that end a `TJ`); PDFium's page images then differ from the unsplit run's by at most 1/255 on a
few anti-aliased pixels (float rounding of the new text object's origin).
"""

import ast
import codecs
import contextlib
import hashlib
import importlib.util
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

WEASYPRINT_VERSION = "70.0"

# sha256 of the source of each WeasyPrint function this module replaces or wraps, as shipped in
# WEASYPRINT_VERSION: a unit test fails when an upgrade changes one, so the copy here is re-checked.
UPSTREAM_SOURCES = {
    "weasyprint.draw.text.draw_first_line": (
        "df38b8753e86c3bafab8030a68c4895dffedeec46102e0a882c6062c1484ab51"
    ),
    "weasyprint.pdf.fonts._build_vector_font_dictionary": (
        "a21fcc622297b7915d9bbb7915ff1c922b53e96ab6a4dafbf970d662775d664c"
    ),
    # Reusing the line layout shaped (`_reactivate`) relies on these as they are.
    "weasyprint.text.line_break.Layout.reactivate": (
        "3d5afe839d754d1385ac9b9293f541eda37ff6d9c250a35564893c5dab8b790b"
    ),
    "weasyprint.text.line_break.Layout.deactivate": (
        "7cf0cda9446068d6df616321ff49963efb14e3f688a7dce60d80bfb4c8e24f09"
    ),
    "weasyprint.text.line_break.Layout.set_text": (
        "43fa801476cb38cdbe3386d07d125338a035c1fb01747c0369cc545826793028"
    ),
    "weasyprint.text.line_break.first_line_metrics": (
        "d3ba485663a7b6c5b901d013740922ff03ed244e847d8c17c3d3b8256352447a"
    ),
    "weasyprint.draw.text.draw_text": ("d1cfa769e258eb9ac89a2389e16416adadb044cd238836a44719ff04f6b4bb9e"),
}

_installed = False
_original_build_vector_font_dictionary: Any = None
_original_draw_first_line: Any = None
_original_reactivate: Any = None
_original_deactivate: Any = None
# weasyprint.text.ffi, set by install(): imported once, not in every line drawn (this module loads
# where WeasyPrint is not imported).
_text_ffi: Any = None


def install() -> None:
    """Replaces the functions in the WeasyPrint modules; idempotent."""
    global _installed, _original_build_vector_font_dictionary, _original_draw_first_line
    global _original_reactivate, _original_deactivate, _text_ffi
    if _installed:
        return
    import weasyprint.draw.text
    import weasyprint.pdf.fonts
    import weasyprint.text.ffi
    import weasyprint.text.line_break

    _text_ffi = weasyprint.text.ffi

    layout_class = weasyprint.text.line_break.Layout
    _original_draw_first_line = weasyprint.draw.text.draw_first_line
    _original_build_vector_font_dictionary = weasyprint.pdf.fonts._build_vector_font_dictionary
    _original_reactivate, _original_deactivate = layout_class.reactivate, layout_class.deactivate
    weasyprint.draw.text.draw_first_line = draw_first_line
    weasyprint.pdf.fonts._build_vector_font_dictionary = _build_vector_font_dictionary
    layout_class.reactivate, layout_class.deactivate = _reactivate, _deactivate
    _installed = True


@contextlib.contextmanager
def as_shipped() -> Iterator[None]:
    """WeasyPrint's own functions back for the block (for comparing with them); after `install()`."""
    import weasyprint.draw.text
    import weasyprint.pdf.fonts
    import weasyprint.text.line_break

    assert _installed
    layout_class = weasyprint.text.line_break.Layout
    weasyprint.draw.text.draw_first_line = _original_draw_first_line
    weasyprint.pdf.fonts._build_vector_font_dictionary = _original_build_vector_font_dictionary
    layout_class.reactivate, layout_class.deactivate = _original_reactivate, _original_deactivate
    try:
        yield
    finally:
        weasyprint.draw.text.draw_first_line = draw_first_line
        weasyprint.pdf.fonts._build_vector_font_dictionary = _build_vector_font_dictionary
        layout_class.reactivate, layout_class.deactivate = _reactivate, _deactivate


def upstream_source_digests() -> dict[str, str]:
    """sha256 of the source, in the installed WeasyPrint's files, of each function in
    UPSTREAM_SOURCES (read from the files: the module attributes are replaced once installed)."""
    digests = {}
    for name in UPSTREAM_SOURCES:
        module_name, function = name.rsplit(".", 1)
        class_name = None
        if module_name.rsplit(".", 1)[-1][:1].isupper():  # a method: module.Class.function
            module_name, class_name = module_name.rsplit(".", 1)
        spec = importlib.util.find_spec(module_name)
        assert spec is not None, module_name
        assert spec.origin is not None, module_name
        source = Path(spec.origin).read_text()
        body = ast.parse(source).body
        if class_name is not None:
            body = next(
                node.body for node in body if isinstance(node, ast.ClassDef) and node.name == class_name
            )
        node = next(node for node in body if isinstance(node, ast.FunctionDef) and node.name == function)
        digests[name] = hashlib.sha256((ast.get_source_segment(source, node) or "").encode()).hexdigest()
    return digests


# Reusing the line shaped at layout -----------------------------------------------------------------

# Pango's paragraph separators: where one is in the text, single-paragraph mode changes the lines.
_PARAGRAPH_SEPARATORS = re.compile("[\n\r\x85\u2028\u2029]")


def _deactivate(layout: Any) -> None:
    """Upstream drops a line's Pango layout after layout and makes it again to draw the line
    (`_reactivate`); it is kept until drawn, then dropped as upstream does."""
    if getattr(layout, "mudjam_drawn", False):
        _original_deactivate(layout)


def _reactivate(layout: Any, style: Any) -> None:
    """Upstream's `reactivate` makes a new Pango layout of the line's text and shapes it again. The
    one kept from layout holds the same text in the same style, shaped the same: the last text
    `first_line_metrics` set is the line's, and the width it leaves is none, or one the text fits
    in (`_first_line` checks the line is the whole text). It is reused unless the style is another
    or the line is justified (upstream's adds the justification spacing when drawing)."""
    if hasattr(layout, "layout") and style is layout.style and not layout.justification_spacing:
        layout.mudjam_reused = True
        return
    layout.mudjam_reused = False
    _original_reactivate(layout, style)


def _shaped_again(textbox: Any) -> None:
    """What upstream draws from: a new Pango layout of the text (see `_reactivate`)."""
    textbox.pango_layout.mudjam_reused = False
    _original_reactivate(textbox.pango_layout, textbox.style)


# The text of glyphs --------------------------------------------------------------------------------


def glyph_texts(text: str, glyph_count: int) -> list[str]:
    """The cluster's text shared out over its glyphs in drawing order, adding up to the text: one
    character a glyph; a cluster with more glyphs than characters gives "" to its first extra
    glyphs (ำ drawn ํ + า: "", "ำ"), one with fewer gives its last glyph the rest (a ligature)."""
    if glyph_count <= 1:
        return [text] * glyph_count
    if glyph_count >= len(text):
        return [""] * (glyph_count - len(text)) + list(text)
    return [*text[: glyph_count - 1], text[glyph_count - 1 :]]


def _code(font: Any, glyph_id: int, text: str) -> int:
    """The character code drawing `glyph_id` read as `text`: the glyph id itself the first time,
    an alias code sent to the same glyph when the glyph id already reads as something else."""
    known = font.to_unicode.get(glyph_id)
    if known is None:
        font.to_unicode[glyph_id] = text
        return glyph_id
    if known == text:
        return glyph_id
    aliases = _aliases(font)
    code = aliases.get((glyph_id, text))
    if code is None:
        code = _unused_code(font)
        aliases[(glyph_id, text)] = code
        font.to_unicode[code] = text
    return code


def _aliases(font: Any) -> dict[tuple[int, str], int]:
    """(glyph id, text) → alias code, kept on WeasyPrint's Font."""
    aliases: dict[tuple[int, str], int] | None = getattr(font, "mudjam_aliases", None)
    if aliases is None:
        aliases = font.mudjam_aliases = {}
    return aliases


def _unused_code(font: Any) -> int:
    """Past the font's glyphs, shared with WeasyPrint's codes for missing glyphs (`font.missing`)."""
    code: int = font.glyph_count + len(font.missing) + len(_aliases(font))
    return min(code, 2**16 - 1)


def _missing_code(font: Any, codepoint: int) -> int:
    """`Font.get_unused_glyph_id`, numbered past the alias codes too."""
    if codepoint not in font.missing:
        font.missing[codepoint] = _unused_code(font)
    code: int = font.missing[codepoint]
    return code


def _build_vector_font_dictionary(
    font_dictionary: Any, pdf: Any, font: Any, widths: Any, compress: Any, reference: Any, pdf_version: Any
) -> None:
    """WeasyPrint's, then an encoding CMap (code → glyph id) if the font has alias codes."""
    aliases = {code: glyph_id for (glyph_id, _), code in _aliases(font).items()}
    if not aliases:
        _original_build_vector_font_dictionary(
            font_dictionary, pdf, font, widths, compress, reference, pdf_version
        )
        return
    missing, font.missing = font.missing, {}
    try:
        _original_build_vector_font_dictionary(
            font_dictionary, pdf, font, widths, compress, reference, pdf_version
        )
    finally:
        font.missing = missing
    font_dictionary["Encoding"] = _encoding(pdf, font, aliases, compress)


def _encoding(pdf: Any, font: Any, aliases: dict[int, int], compress: bool) -> Any:
    """WeasyPrint's encoding CMap for fonts with missing glyphs, with the alias codes too."""
    import pydyf

    identity = pydyf.Dictionary(
        {"Registry": pydyf.String("Adobe"), "Ordering": pydyf.String("Identity"), "Supplement": 0}
    )
    cmap = pydyf.Stream(
        [
            b"/CIDInit /ProcSet findresource begin",
            b"12 dict begin",
            b"begincmap",
            b"/CIDSystemInfo",
            b"3 dict dup begin",
            b"/Registry (Adobe) def",
            b"/Ordering (Identity) def",
            b"/Supplement 0 def",
            b"end def",
            b"/CMapName /Mudjam-Encod-0 def",
            b"/CMapType 1 def",
            b"1 begincodespacerange",
            b"<0000> <ffff>",
            b"endcodespacerange",
        ],
        pydyf.Dictionary({"Type": "/CMap", "CMapName": "/Mudjam-Encod-0", "CIDSystemInfo": identity}),
        compress=compress,
    )
    missing = set(font.missing.values())
    codes = sorted(font.to_unicode)
    for start in range(0, len(codes), 100):
        batch = codes[start : start + 100]
        cmap.stream.append(f"{len(batch)} begincidchar".encode())
        for code in batch:
            glyph_id = 0 if code in missing else aliases.get(code, code)
            cmap.stream.append(f"<{code:04x}> {glyph_id}".encode())
        cmap.stream.append(b"endcidchar")
    cmap.stream.extend([b"endcmap", b"CMapName currentdict /CMap defineresource pop", b"end", b"end"])
    pdf.add_object(cmap)
    return cmap.reference


_blank_glyphs: dict[str, int | None] = {}


def _blank_to_pen(stream: Any, font: Any, pango_font: Any, font_size: float) -> str:
    """A blank glyph (the font's space) drawn back from the pen to it, ending the span there.

    poppler takes a span's extent from its first glyph's origin to its last glyph's end; a mark
    placed back over its base (ปั่) would end it short of the pen, and poppler would read a gap,
    a space, before the next letter. The space glyph paints nothing and leaves the pen where it
    was; it is drawn with an alias code that reads as "" outside the span too."""
    if font.hash not in _blank_glyphs:
        _blank_glyphs[font.hash] = _space_glyph(font)
    glyph_id = _blank_glyphs[font.hash]
    if glyph_id is None:
        return ""
    width = _logical_width(stream, font, pango_font, font_size, glyph_id)
    font.to_unicode.setdefault(glyph_id, " ")  # the space glyph's own code keeps reading as a space
    code = _code(font, glyph_id, "")
    return f">{width}<{code:04x}"


def _space_glyph(font: Any) -> int | None:
    import io

    from fontTools.ttLib import TTFont

    try:
        ttfont = TTFont(io.BytesIO(font.file_content), fontNumber=font.index, lazy=True)
        name = ttfont["cmap"].getBestCmap().get(0x20)
        return None if name is None else int(ttfont.getGlyphID(name))
    except Exception:  # a font without a usable cmap: spans end where poppler puts them
        return None


def _is_mark(text: str) -> bool:
    return bool(text) and unicodedata.category(text[0])[0] == "M"


def _moved(glyph_info: Any) -> bool:
    """Drawn off the pen position (a mark placed over its base)."""
    return bool(glyph_info.geometry.x_offset or glyph_info.geometry.y_offset)


# Drawing a line ------------------------------------------------------------------------------------


def draw_first_line(stream: Any, textbox: Any, text_overflow: Any, block_ellipsis: Any, matrix: Any) -> Any:
    """weasyprint.draw.text.draw_first_line of WeasyPrint 70.0, its glyph loop made cluster-aware.

    Changed from upstream: the "Create mapping between glyphs and Unicode codepoints" block is
    `_code` over the texts `_run_texts` shares out per cluster; missing glyphs are numbered by
    `_missing_code`; a span (`_begin_span`, `_end_span`) wraps what `_run_texts` picks. The rest is
    upstream's, in the same order (split in three functions for length), so the page looks the same."""
    ffi, pango, from_units = _text_ffi.ffi, _text_ffi.pango, _text_ffi.FROM_UNITS
    empty, unknown_flag = pango.PANGO_GLYPH_EMPTY, pango.PANGO_GLYPH_UNKNOWN_FLAG

    first_line = _first_line(textbox, text_overflow, block_ellipsis)
    if first_line is None:
        return []

    stream.set_text_matrix(*matrix.values)
    previous_pango_font = None
    string = ""
    x_advance: float = 0
    emojis: list[Any] = []
    utf8_text = textbox.pango_layout.text.encode()
    run = first_line.runs[0]
    while run != ffi.NULL:
        # Get Pango objects.
        glyph_item = run.data
        run = run.next
        glyph_string = glyph_item.glyphs
        glyphs_info = glyph_string.glyphs
        num_glyphs = glyph_string.num_glyphs

        pango_font = glyph_item.item.analysis.font
        if pango_font != previous_pango_font:
            previous_pango_font = pango_font
            font, font_size = _use_font(stream, textbox, pango_font, string)
            string = ""
        string += "<"
        infos = glyphs_info[0:num_glyphs]  # a Python list: far quicker to index than the C array
        texts, spans = _run_texts(glyph_item, utf8_text, infos)
        span_end = -1
        # The font's, looked up once a run (the dictionaries are the font's own, filled in place).
        to_unicode, widths = font.to_unicode, font.widths
        code_format = "02x" if font.bitmap else "04x"
        emoji_font = font.svg or font.png or font.colr

        for i, glyph_info in enumerate(infos):
            glyph_id = glyph_info.glyph
            geometry = glyph_info.geometry
            width = geometry.width

            # Display zero-width empty glyph.
            if glyph_id == empty:
                string += f">{-width / font_size}<"
                continue

            if i in spans:
                span_end, actual_text = spans[i]
                string = _begin_span(stream, string, actual_text)

            # Display .notdef and log warning for missing glyphs.
            if glyph_id & unknown_flag:
                glyph_id = _notdef(font, glyph_id, width, font_size)

            # The code drawing this glyph as its text: the glyph id, or an alias for it.
            text = texts[i]
            code = glyph_id if to_unicode.get(glyph_id) == text else _code(font, glyph_id, text)

            # Set horizontal and vertical offsets.
            offset = geometry.x_offset / font_size
            y_offset = geometry.y_offset
            string = (
                _show_glyph(stream, string, font, code, offset, rise=y_offset / 1000)
                if y_offset
                else string + (f">{-offset}<" if offset else "") + format(code, code_format)
            )

            # Get glyph logical widths.
            logical_width = (
                widths[glyph_id]
                if glyph_id in widths
                else _logical_width(stream, font, pango_font, font_size, glyph_id)
            )

            # Set kerning, word spacing, letter spacing.
            kerning = logical_width + offset - width * 1000 * from_units / font_size
            if kerning:
                string += f">{int(kerning)}<"

            # Create list of emojis.
            emoji = emoji_font and _emoji(
                textbox, font, pango_font, stream, font_size, glyph_id, logical_width, kerning, x_advance
            )
            if emoji:
                emojis.append(emoji)

            x_advance += (logical_width + offset - kerning) / 1000

            if i == span_end:
                string = _end_span(stream, string, _moved(glyph_info) and (font, pango_font, font_size))
                span_end = -1

        # Close the last glyphs list, remove if empty.
        if string[-1] == "<":
            string = string[:-1]
        else:
            string += ">"

    # Draw text.
    stream.show_text(string)

    return emojis


def _run_texts(
    glyph_item: Any, utf8_text: bytes, infos: list[Any]
) -> tuple[list[str], dict[int, tuple[int, str]]]:
    """The string each glyph of the run stands for (its cluster's text shared out by `glyph_texts`)
    and the spans to wrap in ActualText: first glyph index → (last glyph index, text).

    A span wraps a base and its marks (clusters whose text starts with a combining mark join the
    one before) when one of its glyphs stands for no text (ำ), or when a mark is drawn off the pen
    (placed over its base): pdftotext reorders such marks by position, or reads a gap after them.
    `infos` are the run's glyphs (`PangoGlyphInfo`), as a list."""
    glyph_string = glyph_item.glyphs
    num_glyphs, clusters = glyph_string.num_glyphs, glyph_string.log_clusters
    item_offset, item_length = glyph_item.item.offset, glyph_item.item.length
    rtl = glyph_item.item.analysis.level % 2
    clusters = clusters[0:num_glyphs]  # Python lists: far quicker to index than the C arrays
    glyphs = [info.glyph for info in infos]
    # A cluster's text runs from its offset to the next cluster's, in logical order whatever the
    # direction.
    starts = sorted(set(clusters))
    ends = dict(zip(starts, [*starts[1:], item_length], strict=True))
    texts = [""] * num_glyphs
    elements: list[tuple[list[int], str]] = []  # a base and its marks: drawn glyphs, text
    empty = _text_ffi.pango.PANGO_GLYPH_EMPTY
    i = 0
    while i < num_glyphs:
        j = i
        while j + 1 < num_glyphs and clusters[j + 1] == clusters[i]:
            j += 1
        text = utf8_text[item_offset + clusters[i] : item_offset + ends[clusters[i]]].decode()
        if i == j:  # one glyph, the common case
            if glyphs[i] == empty:
                i += 1
                continue
            drawn = [i]
            texts[i] = text
        else:
            drawn = [k for k in range(i, j + 1) if glyphs[k] != empty]
            for k, glyph_text in zip(drawn, glyph_texts(text, len(drawn)), strict=True):
                texts[k] = glyph_text
        if drawn and elements and not rtl and _is_mark(text):
            elements[-1] = (elements[-1][0] + drawn, elements[-1][1] + text)
        elif drawn:
            elements.append((drawn, text))
        i = j + 1
    # One glyph alone stands for all its text and is drawn on the pen: never a span.
    spans = {
        drawn[0]: (drawn[-1], text)
        for drawn, text in elements
        if len(drawn) > 1
        and text
        and (not all(texts[k] for k in drawn) or any(_moved(infos[k]) for k in drawn))
    }
    return texts, spans


def _use_font(stream: Any, textbox: Any, pango_font: Any, string: str) -> tuple[Any, float]:
    """Upstream's change of font in a line: the glyphs so far shown, the font and its size set."""
    pango = _text_ffi.pango

    # Add font file content and get font size.
    font, font_size = stream.add_font(pango_font)

    # Workaround for https://gitlab.gnome.org/GNOME/pango/-/issues/530.
    # This is also needed by raster emoji fonts, see #2800.
    if pango.pango_version() < 14802 or font.png:
        font_size = textbox.style["font_size"]

    # Go through the run glyphs.
    if string:
        stream.show_text(string)
    stream.set_font_size(font.hash, 1 if font.bitmap else font_size)
    return font, font_size


def _show_glyph(stream: Any, string: str, font: Any, code: int, offset: float, *, rise: float) -> str:
    """Upstream's glyph in the open glyphs list, or shown alone with its rise."""
    if rise:
        if string[-1] == "<":
            string = string[:-1]
        else:
            string += ">"
        if string:
            stream.show_text(string)
        stream.set_text_rise(-rise)
        string = ""
        if offset:
            string = f"{-offset}"
        string += f"<{code:02x}>" if font.bitmap else f"<{code:04x}>"
        stream.show_text(string)
        stream.set_text_rise(0)
        return "<"
    if offset:
        string += f">{-offset}<"
    return string + (f"{code:02x}" if font.bitmap else f"{code:04x}")


def _logical_width(stream: Any, font: Any, pango_font: Any, font_size: float, glyph_id: int) -> Any:
    """Upstream's glyph logical width, in thousandths of the font size, kept per glyph id."""
    if glyph_id not in font.widths:
        _text_ffi.pango.pango_font_get_glyph_extents(
            pango_font, glyph_id, stream.ink_rect, stream.logical_rect
        )
        font.widths[glyph_id] = round(stream.logical_rect.width * 1000 * _text_ffi.FROM_UNITS / font_size)
    return font.widths[glyph_id]


def _begin_span(stream: Any, string: str, actual_text: str) -> str:
    """`/Span <</ActualText <FEFF…>>> BDC`, the text as a UTF-16BE text string, written as bytes
    (what pydyf's `begin_marked_content` writes, without a Dictionary to serialise per cluster)."""
    carried = _end_string(stream, string)
    text = (codecs.BOM_UTF16_BE + actual_text.encode("utf-16-be")).hex()
    stream.stream.append(f"/Span <</ActualText <{text}>>> BDC".encode())
    return "<" + carried


def _end_span(stream: Any, string: str, moved_font: Any) -> str:
    """Ends the span; after a glyph drawn off the pen, `moved_font` is (font, Pango font, size)
    for `_blank_to_pen`."""
    if moved_font:
        string += _blank_to_pen(stream, *moved_font)
    carried = _end_string(stream, string)
    stream.end_marked_content()
    return "<" + carried


# The pen moves after the last glyph of an open glyphs list: ">-8<", ">-41<>233<"…
_TRAILING_MOVES = re.compile(r"(?:>-?[0-9.]+(?:e[-+]?[0-9]+)?<)+$")


def _end_string(stream: Any, string: str) -> str:
    """Shows the glyphs list so far (`string` is open, ending in "<" or a glyph) and returns the pen
    moves after its last glyph, for the next list to start with: PDFium drops the moves that end a
    `TJ` (and a `TJ` of moves only), so a split must not leave them there."""
    moves = _TRAILING_MOVES.search(string)
    carried = ""
    if moves:
        carried, string = moves.group(0), string[: moves.start()]
    if not string:
        return carried
    string = string[:-1] if string.endswith("<") else string + ">"
    if string:
        stream.show_text(string)
    return carried


def _first_line(textbox: Any, text_overflow: Any, block_ellipsis: Any) -> Any:
    """Upstream's first half of draw_first_line: the line to draw, None if there is nothing to draw."""
    pango, to_units = _text_ffi.pango, _text_ffi.TO_UNITS

    textbox.pango_layout.mudjam_drawn = True  # dropped once drawn (`_deactivate`)

    # Don’t draw lines with only invisible characters.
    if not textbox.text.strip():
        return None

    if textbox.style["font_size"] < 1e-6:  # default float precision used by pydyf
        return None

    ellipsis_drawn = text_overflow == "ellipsis" or block_ellipsis != "none"
    kept = _kept_line(textbox, ellipsis_drawn)
    if kept is not None:
        return kept

    pango.pango_layout_set_single_paragraph_mode(textbox.pango_layout.layout, True)

    if ellipsis_drawn:
        from weasyprint.draw.text import get_last_word_end

        assert textbox.pango_layout.max_width is not None
        max_width = textbox.pango_layout.max_width
        pango.pango_layout_set_width(textbox.pango_layout.layout, int(max_width * to_units))
        if text_overflow == "ellipsis":
            pango.pango_layout_set_ellipsize(textbox.pango_layout.layout, pango.PANGO_ELLIPSIZE_END)
        else:
            if block_ellipsis == "auto":
                ellipsis = "…"
            else:
                assert block_ellipsis[0] == "string"
                ellipsis = block_ellipsis[1]

            # Remove last word if hyphenated.
            new_text = textbox.pango_layout.text
            if new_text.endswith(textbox.style["hyphenate_character"]):
                last_word_end = get_last_word_end(
                    new_text[: -len(textbox.style["hyphenate_character"])], textbox.style["lang"]
                )
                if last_word_end:
                    new_text = new_text[:last_word_end]

            textbox.pango_layout.set_text(new_text + ellipsis)

    first_line, index = textbox.pango_layout.get_first_line()

    if block_ellipsis != "none":
        from weasyprint.draw.text import get_last_word_end

        while index:
            last_word_end = get_last_word_end(
                textbox.pango_layout.text[: -len(ellipsis)], textbox.style["lang"]
            )
            if last_word_end is None:
                break
            new_text = textbox.pango_layout.text[:last_word_end]
            textbox.pango_layout.set_text(new_text + ellipsis)
            first_line, index = textbox.pango_layout.get_first_line()
    return first_line


def _kept_line(textbox: Any, ellipsis_drawn: bool) -> Any:
    """The line of the Pango layout kept from layout (`_reactivate`) when it is the whole text and
    drawn as is; otherwise None, with a new layout made as upstream draws from."""
    layout = textbox.pango_layout
    if not getattr(layout, "mudjam_reused", False):
        return None
    if not ellipsis_drawn and not _PARAGRAPH_SEPARATORS.search(layout.text):
        # Single-paragraph mode changes nothing here; setting it would lay the text out again.
        first_line, index = layout.get_first_line()
        if index is None:
            return first_line
    _shaped_again(textbox)
    return None


def _notdef(font: Any, glyph_id: int, width: int, font_size: float) -> int:
    """Upstream's missing glyph: a warning, and a code past the font's glyphs drawn as .notdef."""
    from weasyprint.logger import LOGGER
    from weasyprint.text.ffi import FROM_UNITS, pango

    codepoint = glyph_id - pango.PANGO_GLYPH_UNKNOWN_FLAG
    LOGGER.warning(
        '.notdef glyph rendered for Unicode string unsupported by fonts: "%s" (U+%04X)',
        chr(codepoint),
        codepoint,
    )
    glyph_id = _missing_code(font, codepoint)
    font.widths[glyph_id] = round(width * 1000 * FROM_UNITS / font_size)
    if 0 not in font.widths:
        # "width" is actually Pango’s get_approximate_char_width. Force
        # .notdef’s to use this width, even if it’s not the right, as we
        # want to keep Pango’s layout for next glyphs.
        font.widths[0] = font.widths[glyph_id]
    return glyph_id


def _emoji(
    textbox: Any,
    font: Any,
    pango_font: Any,
    stream: Any,
    font_size: float,
    glyph_id: int,
    logical_width: float,
    kerning: float,
    x_advance: float,
) -> list[Any] | None:
    """Upstream's "Create list of emojis" for one glyph."""
    from io import BytesIO
    from xml.etree import ElementTree

    from PIL import Image
    from weasyprint.images import RasterImage, SVGImage
    from weasyprint.text.ffi import FROM_UNITS, pango
    from weasyprint.text.fonts import get_hb_object_data

    if font.svg:
        svg_data = get_hb_object_data(font.hb_face, "svg", glyph_id)
        if svg_data:
            # Do as explained in specification
            # https://learn.microsoft.com/typography/opentype/spec/svg
            tree = ElementTree.fromstring(svg_data)
            if tree.get("id") != f"glyph{glyph_id}":
                defs = ElementTree.Element("defs")
                for child in list(tree):
                    defs.append(child)
                    tree.remove(child)
                tree.append(defs)
                ElementTree.SubElement(tree, "use", attrib={"href": f"#glyph{glyph_id}"})
            if "viewBox" not in tree.attrib:
                tree.attrib["viewBox"] = f"0 0 {font.upem} {font.upem}"
            image = SVGImage(tree, None, None, None)
            a = d = 1
            return [image, font, a, d, x_advance, 0]
    elif font.png:
        png_data = get_hb_object_data(font.hb_font, "png", glyph_id)
        if png_data:
            pillow_image = Image.open(BytesIO(png_data))
            image_id = f"{font.hash}{glyph_id}"
            raster = RasterImage(pillow_image, image_id, png_data)
            height = logical_width / 1000
            width = pillow_image.width / pillow_image.height * height
            pango.pango_font_get_glyph_extents(pango_font, glyph_id, stream.ink_rect, stream.logical_rect)
            f = -stream.logical_rect.y
            f = f * FROM_UNITS / font_size - font_size
            return [raster, font, width, height, x_advance, f]
    elif font.colr:
        svg_data = get_hb_object_data(font.hb_font, "colr", glyph_id)
        if svg_data:
            tree = ElementTree.fromstring(svg_data)
            image = SVGImage(tree, None, None, None)
            a = d = 1
            e = x_advance - kerning
            return [image, font, a, d, e, -textbox.baseline]
    return None
