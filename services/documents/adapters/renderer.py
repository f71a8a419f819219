"""HTML from the Jinja2 templates, PDF from WeasyPrint in a pool of render processes.

WeasyPrint is CPU-bound and can take seconds on a large document, so it never runs on the event
loop: each render goes to a process of its own (`spawn`, not `fork`, so no threads or sockets are
inherited) and is cut off at the job's timeout, killing the stuck process.
"""

import asyncio
import contextlib
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

from services.documents.adapters import pdf_text
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


class RenderTimeout(Exception):
    pass


class RendererCrashed(Exception):
    pass


def font_faces() -> list[dict[str, Any]]:
    return [{"weight": weight, "url": (FONT_DIR / name).as_uri()} for weight, name in FONT_FACES]


def render_html(sheet: Sheet) -> str:
    return _templates.get_template(sheet.template).render(
        sheet=sheet, labels=sheet.labels, fonts=font_faces()
    )


# In the render process ---------------------------------------------------------------------------

_font_config: Any = None


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


def html_to_pdf(html: str) -> bytes:
    """Runs in a render process (or directly, in tests). The text layer reads as the HTML's text,
    Thai included (`pdf_text`)."""
    global _font_config
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    if _font_config is None:
        pdf_text.install()
        _font_config = FontConfiguration()
    document = HTML(string=html, url_fetcher=_fetcher(), base_url=str(FONT_DIR))
    pdf: bytes = document.write_pdf(font_config=_font_config, pdf_variant=PDF_VARIANT)
    return pdf


def render_pages_to_pdf(pages: list[str]) -> list[bytes]:
    return [html_to_pdf(html) for html in pages]


def _exit_with_parent(parent_pid: int) -> None:
    """Runs first in every render process. A pool cannot tell its processes that the service was
    killed (-9), so each watches its parent and exits when it is gone, instead of lingering."""

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(1)
        os._exit(0)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def _warm_up() -> None:
    html_to_pdf('<html><body style="font-family: Sarabun">พร้อม</body></html>')


# In the service process ----------------------------------------------------------------------


@dataclass(frozen=True)
class RenderedPdf:
    content: bytes
    sha256: str

    @property
    def size_bytes(self) -> int:
        return len(self.content)


class PdfRenderer:
    """A bounded pool of render processes shared by the service's render workers."""

    def __init__(
        self,
        *,
        processes: int,
        max_tasks_per_child: int,
        render_pages: Callable[[list[str]], list[bytes]] = render_pages_to_pdf,
    ) -> None:
        self._processes, self._max_tasks = processes, max_tasks_per_child
        self._render_pages = render_pages  # a module-level function: it is pickled to the processes
        self._pool: ProcessPoolExecutor | None = None

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=self._processes,
                mp_context=multiprocessing.get_context("spawn"),
                max_tasks_per_child=self._max_tasks,
                initializer=_exit_with_parent,
                initargs=(os.getpid(),),
            )
        return self._pool

    async def warm_up(self) -> None:
        """Starts the processes and loads WeasyPrint and the fonts before the first real document."""
        loop = asyncio.get_running_loop()
        pool = self._executor()
        await asyncio.gather(*(loop.run_in_executor(pool, _warm_up) for _ in range(self._processes)))

    async def render(self, pages: list[str], *, timeout_s: float) -> list[RenderedPdf]:
        """One PDF per HTML page, in order; RenderTimeout past the deadline."""
        pool = self._executor()
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
        if self._pool is pool:
            self._pool = None
        _kill(pool)
        log.warning("render processes replaced")

    def close(self) -> None:
        """No render is worth waiting for at shutdown: its job is given back and rendered again."""
        if self._pool is not None:
            _kill(self._pool)
            self._pool = None


def _kill(pool: ProcessPoolExecutor) -> None:
    # The pool has no public way to kill its processes before Python 3.14 (`kill_workers`).
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        with contextlib.suppress(Exception):
            process.kill()
