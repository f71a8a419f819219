"""Each PDF object serialised once per write, not twice, and deflated at zlib's default level.

pydyf's `PDF.write`, asked for a file identifier (PDF/A needs one), takes the md5 of every object's
`data` after writing them all, computing each again: every stream deflated a second time at level
9, every dictionary turned to bytes again. While a write runs, the `data` of an indirect object
(one with a number: those `write` lists) is kept from its first computation; nothing changes an
object during `write`, so the file is byte for byte the same, for about half the deflate time.

pydyf deflates streams at level 9; at zlib's default, 6, a document's streams (mostly the font
subsets) deflate in about 60 % of the time for about 0.3 % more bytes.
"""

import ast
import contextlib
import hashlib
import importlib.util
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

PYDYF_VERSION = "0.13.0"
DEFLATE_LEVEL = 6

# sha256 of the source of the pydyf functions whose repeated calls this module saves, as shipped in
# PYDYF_VERSION: a unit test fails when an upgrade changes one, so the reasoning above is re-checked.
UPSTREAM_SOURCES = {
    "pydyf.PDF.write": "ea22a18cbf2f0d5ef92c1902d524a34306b1f946042aac1b50d12342a32e0938",
    "pydyf.Stream.data": "9fe1328394839c8307ca2e982108957e790b92dcb550c06e12550715568605fe",
    "pydyf.Dictionary.data": "ca3db247fc0d2ebe242b526a6ff23d12f987554373e022aa788b85bc18418c35",
    "pydyf.Array.data": "a4826fb229714542465343363714feddce2aae19f0d421ec526328b73335e624",
}

_installed = False
_original_write: Any = None
_original_data: dict[Any, property] = {}
# id(object) → (object, its data) while a write runs (the object is held, so its id is not reused).
_written: dict[int, tuple[Any, bytes]] | None = None


def install() -> None:
    """Wraps `PDF.write` and the `data` of streams, dictionaries and arrays; idempotent."""
    global _installed, _original_write
    if _installed:
        return
    import pydyf

    for cls in (pydyf.Stream, pydyf.Dictionary, pydyf.Array):
        _original_data[cls] = cls.data
        cls.data = _once_per_write(cls.data)
    _original_write = pydyf.PDF.write
    pydyf.PDF.write = _write
    pydyf.zlib = _Deflate
    _installed = True


class _Deflate:
    """zlib as pydyf's streams see it: `compressobj` at DEFLATE_LEVEL whatever level is asked."""

    compress = staticmethod(zlib.compress)

    @staticmethod
    def compressobj(level: int = -1, *args: Any, **kwargs: Any) -> Any:
        del level  # pydyf's 9
        return zlib.compressobj(DEFLATE_LEVEL, *args, **kwargs)


@contextlib.contextmanager
def as_shipped() -> Iterator[None]:
    """pydyf's own `write` and `data` back for the block (for comparing with them); after `install()`."""
    import pydyf

    assert _installed
    wrapped = {cls: cls.data for cls in _original_data}
    for cls, data in _original_data.items():
        cls.data = data
    pydyf.PDF.write = _original_write
    pydyf.zlib = zlib
    try:
        yield
    finally:
        for cls, data in wrapped.items():
            cls.data = data
        pydyf.PDF.write = _write
        pydyf.zlib = _Deflate


def _once_per_write(data: property) -> property:
    compute = data.fget
    assert compute is not None

    def once(self: Any) -> bytes:
        written = _written
        if written is None or self.number is None:
            return compute(self)  # type: ignore[no-any-return]
        known = written.get(id(self))
        if known is None or known[0] is not self:
            known = written[id(self)] = (self, compute(self))
        return known[1]

    return property(once, doc=data.__doc__)


def _write(self: Any, *args: Any, **kwargs: Any) -> Any:
    global _written
    _written = {}
    try:
        return _original_write(self, *args, **kwargs)
    finally:
        _written = None


def upstream_source_digests() -> dict[str, str]:
    """sha256 of the source, in the installed pydyf's file, of each method in UPSTREAM_SOURCES."""
    spec = importlib.util.find_spec("pydyf")
    assert spec is not None
    assert spec.origin is not None
    source = Path(spec.origin).read_text()
    classes = {node.name: node for node in ast.parse(source).body if isinstance(node, ast.ClassDef)}
    digests = {}
    for name in UPSTREAM_SOURCES:
        _, class_name, method = name.split(".")
        node = next(
            node
            for node in classes[class_name].body
            if isinstance(node, ast.FunctionDef) and node.name == method
        )
        digests[name] = hashlib.sha256((ast.get_source_segment(source, node) or "").encode()).hexdigest()
    return digests
