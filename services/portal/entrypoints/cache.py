"""Customer pages cached per version of what the customer sees.

A page depends on the session's link (what it opens, the form token), the customer's data (its
version: a counter the database bumps at every change to a row the customer sees, plus the
business's last change), the business date, the language and the address. Those name the page: its
strong ETag is their hash (with this release's templates and labels, so a new release changes it),
the same in every worker process. A browser that has the page gets a 304 without a query beyond
the session's own or a render; any process that rendered the page for that name keeps the bytes in
a small LRU and serves them again. Another customer's (or another link's) request has another name,
so it never matches a cached page or an ETag of someone else's.
"""

import hashlib
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from fastapi import Request
from fastapi.responses import Response

_PAGE_MEDIA_TYPE = "text/html; charset=utf-8"


def release_id(*roots: Path) -> str:
    """A digest of every file under the roots (templates, labels): what a page looks like."""
    digest = hashlib.blake2b(digest_size=8)
    for root in roots:
        files = sorted(root.rglob("*")) if root.is_dir() else [root]
        for path in files:
            if path.is_file():
                digest.update(str(path.relative_to(root.parent)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


@dataclass(frozen=True)
class CachedPage:
    body: bytes
    headers: dict[str, str]


class PageCache:
    """At most `entries` rendered pages of this process, the least recently used dropped first."""

    def __init__(self, entries: int, release: str) -> None:
        self._entries = entries
        self._release = release
        self._pages: OrderedDict[str, CachedPage] = OrderedDict()

    def etag(self, *name: object) -> str:
        digest = hashlib.blake2b("\x1f".join(map(str, (self._release, *name))).encode(), digest_size=16)
        return f'"{digest.hexdigest()}"'

    def get(self, etag: str) -> CachedPage | None:
        page = self._pages.get(etag)
        if page is not None:
            self._pages.move_to_end(etag)
        return page

    def put(self, etag: str, page: CachedPage) -> None:
        if self._entries <= 0:
            return
        self._pages[etag] = page
        self._pages.move_to_end(etag)
        while len(self._pages) > self._entries:
            self._pages.popitem(last=False)

    def __len__(self) -> int:
        return len(self._pages)


def matches(request: Request, etag: str) -> bool:
    """The browser's `If-None-Match` names this version (a weak-compared list, or *)."""
    offered = request.headers.get("if-none-match")
    if not offered:
        return False
    tags = {tag.strip().removeprefix("W/") for tag in offered.split(",")}
    return etag in tags or "*" in tags


async def conditional(
    request: Request,
    cache: PageCache,
    etag: str,
    headers: dict[str, str],
    render: Callable[[], Awaitable[Response]],
) -> Response:
    """304 when the browser has this version; else the cached page; else the page rendered (and,
    when it is a 200, kept)."""
    page_headers = {**headers, "ETag": etag}
    if matches(request, etag):
        return Response(status_code=304, headers=page_headers)
    cached = cache.get(etag)
    if cached is not None:
        return Response(cached.body, media_type=_PAGE_MEDIA_TYPE, headers=cached.headers)
    response = await render()
    if response.status_code == 200 and not response.headers.getlist("set-cookie"):
        for name, value in page_headers.items():
            response.headers[name] = value
        cache.put(etag, CachedPage(bytes(response.body), page_headers))
    return response
