"""What a preview (`mkdocs serve`) keeps between rebuilds: each record page as last rendered, keyed by everything it
is rendered from, and the formatted bibliography; so that saving one record re-renders its own pages and the pages
that list it, and takes everything else from here."""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel

T = TypeVar("T")


def fingerprint(*parts: Any) -> str:
    """A short digest of values (records and options as their repr, which includes every field; text and bytes as
    they are, each marked with its kind and length)."""
    digest = hashlib.blake2b(digest_size=16)
    for part in parts:
        if isinstance(part, bytes):
            data, kind = part, b"b"
        elif isinstance(part, str):
            data, kind = part.encode("utf-8", "surrogatepass"), b"s"
        elif isinstance(part, BaseModel) and part.model_config.get("frozen"):
            data, kind = _frozen_digest(part), b"m"
        else:
            data, kind = repr(part).encode("utf-8", "surrogatepass"), b"r"
        digest.update(kind + len(data).to_bytes(8, "little"))
        digest.update(data)
    return digest.hexdigest()


_FROZEN: OrderedDict[int, tuple[BaseModel, bytes]] = OrderedDict()
FROZEN_KEPT = 50_000  # more than the records of the largest project a preview is used for


def _frozen_digest(model: BaseModel) -> bytes:
    """The digest of a frozen model's repr, made once per object: the loader hands a preview's every rebuild the same
    record objects for unchanged files, and their repr was most of the time of keying the record pages."""
    found = _FROZEN.get(id(model))
    if found is not None and found[0] is model:  # the object itself is held: its id is not reused while kept here
        _FROZEN.move_to_end(id(model))
        return found[1]
    data = hashlib.blake2b(repr(model).encode("utf-8", "surrogatepass"), digest_size=16).digest()
    _FROZEN[id(model)] = (model, data)
    if len(_FROZEN) > FROZEN_KEPT:
        _FROZEN.popitem(last=False)
    return data


def templates_stamp(folders: Iterable[Path | None]) -> tuple[tuple[str, int], ...]:
    """The templates' paths and modification times: a saved template re-renders every page."""
    return tuple(sorted((str(p), p.stat().st_mtime_ns) for folder in folders if folder and folder.is_dir() for p in folder.glob("*.j2")))


@dataclass(frozen=True)
class CachedPage:
    """One rendered record page with what rendering it added to the site."""

    key: str
    page: Any  # site.RenderedPage
    title: str
    cited: tuple[str, ...]  # the keys it cites, in order
    assets: tuple[tuple[str, bytes], ...]  # its downloads


@dataclass
class RenderCache:
    """Record pages, and what is made from the whole bibliography, of the previous renders, within one preview
    process."""

    pages: dict[str, CachedPage] = field(default_factory=dict)
    made: dict[str, tuple[str, Any]] = field(default_factory=dict)  # name: (key of its inputs, value)
    hits: int = 0

    def kept(self, name: str, key: str, make: Callable[[], T]) -> T:
        """The value made last time under this name if its inputs' key is the same, else a new one, kept."""
        found = self.made.get(name)
        if found is not None and found[0] == key:
            return found[1]
        value = make()
        self.made[name] = (key, value)
        return value

    def page(self, path: str, key: str) -> CachedPage | None:
        found = self.pages.get(path)
        if found is not None and found.key == key:
            self.hits += 1
            return found
        return None
