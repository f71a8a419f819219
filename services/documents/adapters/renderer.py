"""HTML from the Jinja2 templates, PDF from WeasyPrint in a pool of render processes.

WeasyPrint is CPU-bound and can take seconds on a large document, so it never runs on the event
loop: each render goes to a process of its own (`spawn`, not `fork`, so no threads or sockets are
inherited) and is cut off at the job's timeout, killing the stuck process.
"""

import asyncio
import contextlib
import gc
import hashlib
import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import fontpkg_sarabun
from jinja2 import Environment, PackageLoader, StrictUndefined

from services.documents.adapters import pdf_text, pdf_write
from services.documents.content import Sheet

log = logging.getLogger(__name__)

FONT_DIR = Path(fontpkg_sarabun.ROOT) / "files"
# Only these faces are declared, so every glyph comes from the embedded Sarabun, never a system font.
FONT_FACES = (
    (300, "Sarabun-Light.ttf"),
    (400, "Sarabun-Regular.ttf"),
    (600, "Sarabun-SemiBold.ttf"),
    (700, "Sarabun-Bold.ttf"),
)

_templates = Environment(
    loader=PackageLoader("services.documents", "templates"),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def _template_release() -> str:
    """Names what draws a document from its facts: the templates, the content that lays the sheets
    out and this renderer with its text layer. Recorded with every version drawn, so a re-render
    after a fix takes only the documents drawn before it (`mudjam documents re-render`)."""
    package = Path(__file__).parent.parent
    sources = sorted(
        [
            *(package / "templates").glob("*"),
            *(package / "content").glob("*.py"),
            package / "adapters" / "renderer.py",
            package / "adapters" / "pdf_text.py",
        ]
    )
    digest = hashlib.sha256()
    for source in sources:
        digest.update(source.name.encode() + b"\0" + source.read_bytes())
    return digest.hexdigest()[:16]


TEMPLATE_RELEASE = _template_release()


class RenderTimeout(Exception):
    pass


class RendererCrashed(Exception):
    pass


def font_faces() -> list[dict[str, Any]]:
    return [{"weight": weight, "url": (FONT_DIR / name).as_uri()} for weight, name in FONT_FACES]


def render_html(sheet: Sheet, *, inline_styles: bool = True) -> str:
    """The page as HTML. With `inline_styles` it carries its styles and fonts (for a browser, or
    WeasyPrint on its own); without, the render processes add `document_css()`, parsed once."""
    return _templates.get_template(sheet.template).render(
        sheet=sheet, labels=sheet.labels, fonts=font_faces(), inline_styles=inline_styles
    )


def document_css() -> str:
    """The styles every document shares: the Sarabun faces and `document.css`."""
    faces = "".join(
        f'@font-face {{ font-family: "Sarabun"; src: url("{face["url"]}") format("truetype"); '
        f"font-weight: {face['weight']}; font-style: normal; }}\n"
        for face in font_faces()
    )
    assert _templates.loader is not None
    css, _, _ = _templates.loader.get_source(_templates, "document.css")
    return faces + css


# In the render process ---------------------------------------------------------------------------

_font_config: Any = None
_url_fetcher: Any = None
_stylesheets: list[Any] | None = None
# Images by URL, across documents: a QR drawn for the same payload is decoded once per process.
_IMAGE_CACHE_LIMIT = 256
_image_cache: dict[str, Any] = {}


def _fonts() -> Any:
    global _font_config
    if _font_config is None:
        from weasyprint.text.fonts import FontConfiguration

        _font_config = FontConfiguration()
    return _font_config


def _shared_fetcher() -> Any:
    global _url_fetcher
    if _url_fetcher is None:
        _url_fetcher = _fetcher()
    return _url_fetcher


def document_stylesheets() -> list[Any]:
    """`document_css()` parsed once per process (its fonts loaded once, into the shared font
    configuration), instead of an inline `<style>` parsed again for every document."""
    global _stylesheets
    if _stylesheets is None:
        from weasyprint import CSS

        _stylesheets = [
            CSS(
                string=document_css(),
                base_url=str(FONT_DIR),
                url_fetcher=_shared_fetcher(),
                font_config=_fonts(),
            )
        ]
    return _stylesheets


def _images() -> dict[str, Any]:
    if len(_image_cache) > _IMAGE_CACHE_LIMIT:
        _image_cache.clear()
    return _image_cache


def may_load(url: str) -> bool:
    """Whether a document may load `url`: inline data (the QR) or a file inside the packaged fonts'
    folder once the path is resolved (so `…/files/../../etc/passwd` is not), nothing else."""
    if url.startswith("data:"):
        return True
    parts = urlsplit(url)
    if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
        return False
    return Path(unquote(parts.path)).resolve().is_relative_to(FONT_DIR.resolve())


def _fetcher() -> Any:
    from weasyprint.urls import URLFetcher

    class LocalOnly(URLFetcher):  # type: ignore[misc]
        """A document may load the packaged fonts and inline data (the QR), nothing from the network."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            if may_load(url):
                return super().fetch(url, headers)
            raise ValueError(f"documents do not load {url[:100]}")

    return LocalOnly(allowed_protocols=("file", "data"))


# PDF/A-3b (ISO 19005-3, level B): fonts embedded, sRGB output intent, XMP metadata naming the
# part and conformance; a file a business can archive for the Revenue Department's five years.
PDF_VARIANT = "pdf/a-3b"


def html_to_pdf(
    html: str, *, stylesheets: list[Any] | None = None, cache: dict[str, Any] | None = None
) -> bytes:
    """Runs in a render process (or directly, in tests). The text layer reads as the HTML's text,
    Thai included (`pdf_text`); each object is serialised once (`pdf_write`)."""
    from weasyprint import HTML

    pdf_text.install()
    pdf_write.install()
    document = HTML(string=html, url_fetcher=_shared_fetcher(), base_url=str(FONT_DIR))
    pdf: bytes = document.write_pdf(
        font_config=_fonts(), stylesheets=stylesheets, cache=cache, pdf_variant=PDF_VARIANT
    )
    return pdf


# Set in a render process: its collector thread collects the garbage of a render after it.
_collect_soon: threading.Event | None = None


def render_pages_to_pdf(pages: list[str]) -> list[bytes]:
    """Pages from `render_html(…, inline_styles=False)`: the shared styles are added here. The
    garbage collector stays out of the render (a render makes hundreds of thousands of objects, so
    it would otherwise run a couple of hundred times in one); in a render process its garbage is
    collected right after, while the PDF goes back and before the next document."""
    gc.disable()
    try:
        return [html_to_pdf(html, stylesheets=document_stylesheets(), cache=_images()) for html in pages]
    finally:
        if _collect_soon is not None:
            _collect_soon.set()
        else:
            gc.enable()


def _collect_between_renders(soon: threading.Event) -> None:
    while True:
        soon.wait()
        soon.clear()
        gc.collect()


def _start_render_process(parent_pid: int, nice: int = 0) -> None:
    """Runs first in every render process. A pool cannot tell its processes that the service was
    killed (-9), so each watches its parent and exits when it is gone, instead of lingering. The
    garbage collector only runs between renders, from a thread of its own. A background process
    lowers its own scheduling priority by `nice`."""
    global _collect_soon

    if nice:
        os.nice(nice)

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(1)
        os._exit(0)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()
    _collect_soon = threading.Event()
    threading.Thread(
        target=_collect_between_renders, args=(_collect_soon,), name="collect-between-renders", daemon=True
    ).start()


def _warm_up() -> None:
    """Loads WeasyPrint, the stylesheet and the fonts, then freezes all that in the collector's
    permanent generation, so collecting between renders never walks it again."""
    render_pages_to_pdf(['<html><body style="font-family: Sarabun">พร้อม <b>พร้อม</b></body></html>'])
    gc.collect()
    gc.freeze()


# In the service process ----------------------------------------------------------------------


@dataclass(frozen=True)
class RenderedPdf:
    content: bytes
    sha256: str

    @property
    def size_bytes(self) -> int:
        return len(self.content)


class PdfRenderer:
    """Pools of render processes shared by the service's render workers: one for what a customer
    waits for and, with `background_processes`, one whose processes run at a lower scheduling
    priority (`background_nice`) for the rest (a second language, an operator's re-render), so
    on a busy host those never take CPU from a PDF a customer is waiting to open."""

    def __init__(
        self,
        *,
        processes: int,
        max_tasks_per_child: int,
        background_processes: int = 0,
        background_nice: int = 10,
        render_pages: Callable[[list[str]], list[bytes]] = render_pages_to_pdf,
    ) -> None:
        self._sizes = {False: processes, True: background_processes}
        self._nice = {False: 0, True: background_nice}
        self._max_tasks = max_tasks_per_child
        self._render_pages = render_pages  # a module-level function: it is pickled to the processes
        self._pools: dict[bool, ProcessPoolExecutor | None] = {False: None, True: None}

    def _executor(self, background: bool) -> ProcessPoolExecutor:
        background = background and self._sizes[True] > 0
        pool = self._pools[background]
        if pool is None:
            pool = self._pools[background] = ProcessPoolExecutor(
                max_workers=self._sizes[background],
                mp_context=multiprocessing.get_context("spawn"),
                max_tasks_per_child=self._max_tasks,
                initializer=_start_render_process,
                initargs=(os.getpid(), self._nice[background]),
            )
        return pool

    async def warm_up(self) -> None:
        """Starts the processes and loads WeasyPrint and the fonts before the first real document."""
        loop = asyncio.get_running_loop()
        await asyncio.gather(
            *(
                loop.run_in_executor(self._executor(background), _warm_up)
                for background, size in self._sizes.items()
                for _ in range(size)
            )
        )

    async def render(
        self, pages: list[str], *, timeout_s: float, background: bool = False
    ) -> list[RenderedPdf]:
        """One PDF per HTML page, in order; RenderTimeout past the deadline. A `background` render
        runs in the lower-priority pool when there is one."""
        pool = self._executor(background)
        future = asyncio.get_running_loop().run_in_executor(pool, self._render_pages, pages)
        try:
            async with asyncio.timeout(timeout_s):
                pdfs = await future
        except TimeoutError:
            self._replace(pool)
            raise RenderTimeout(f"rendering took longer than {timeout_s:g} s") from None
        except BrokenProcessPool as error:
            self._replace(pool)
            raise RendererCrashed("a render process died") from error
        return [RenderedPdf(pdf, hashlib.sha256(pdf).hexdigest()) for pdf in pdfs]

    def _replace(self, pool: ProcessPoolExecutor) -> None:
        """A render that overran its deadline cannot be cancelled, only killed with its process.
        Other renders in the same pool fail too and are retried like any failure."""
        for background, current in self._pools.items():
            if current is pool:
                self._pools[background] = None
        _kill(pool)
        log.warning("render processes replaced")

    def close(self) -> None:
        """No render is worth waiting for at shutdown: its job is given back and rendered again."""
        for background, pool in self._pools.items():
            if pool is not None:
                _kill(pool)
                self._pools[background] = None


def _kill(pool: ProcessPoolExecutor) -> None:
    # The pool has no public way to kill its processes before Python 3.14 (`kill_workers`).
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        with contextlib.suppress(Exception):
            process.kill()
