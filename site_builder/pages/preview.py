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

from site_builder.pages.headings import Headings
from site_builder.pages.resolve import PageCitations
from site_builder.records.model import Reference

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
        elif isinstance(part, Reference) or isinstance(part, BaseModel) and part.model_config.get("frozen"):
            data, kind = _frozen_digest(part), b"m"
        else:
            data, kind = repr(part).encode("utf-8", "surrogatepass"), b"r"
        digest.update(kind + len(data).to_bytes(8, "little"))
        digest.update(data)
    return digest.hexdigest()


_FROZEN: OrderedDict[int, tuple[Any, bytes]] = OrderedDict()
FROZEN_KEPT = 50_000  # more than the records and references of the largest project a preview is used for


def _frozen_digest(model: Any) -> bytes:
    """The digest of a frozen model's or a reference's repr, made once per object: the loader hands a preview's every
    rebuild the same record and reference objects for unchanged files (the bibliography: BIBLIOGRAPHIES), and their
    repr was most of the time of keying the record pages (the references': 3 % of a rebuild at 1,000 records)."""
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


@dataclass(frozen=True)
class Fragment:
    """A block of a page as rendered, with what it did to the page's citations: its HTML holds the numbers and
    back-link ids of the citations it makes, which depend on what the page cited before it. It is taken again only
    where the page stands as it stood then for the keys it cites."""

    html: str
    numbered: int  # how many keys the page had numbered before it (matters when it numbers keys of its own)
    new: tuple[str, ...]  # the keys it numbered first, in order
    known: tuple[tuple[str, int, int], ...]  # the keys numbered before it that it cites: (key, number, uses before it)
    uses: tuple[tuple[str, int], ...]  # how many times it cites each key
    unresolved: tuple[str, ...]  # the keys it cites that the bibliography lacks

    def fits(self, citations: PageCitations) -> bool:
        """Whether the page's citations so far are, for this block, what they were when it was rendered."""
        if self.new and (len(citations.order) != self.numbered or any(key in citations.numbers for key in self.new)):
            return False
        return all(citations.numbers.get(key) == number and citations.uses.get(key, 0) == uses for key, number, uses in self.known)

    def replay(self, citations: PageCitations) -> str:
        """What rendering the block does to the page's citations, done again; its HTML."""
        for key in self.new:
            citations.number(key)
        for key, count in self.uses:
            citations.uses[key] = citations.uses.get(key, 0) + count
        citations.unresolved.extend(self.unresolved)
        return self.html


def rendered_fragment(citations: PageCitations, headings: Headings, render: Callable[[], str]) -> tuple[str, Fragment | None]:
    """A block rendered, with what it did to the page's citations; no Fragment when it added a heading (its id is
    unique on the page by what came before)."""
    numbered, uses, unresolved, heads = len(citations.order), dict(citations.uses), len(citations.unresolved), (len(headings.tokens), headings.split)
    html = str(render())
    if (len(headings.tokens), headings.split) != heads:
        return html, None
    new = tuple(citations.order[numbered:])
    cited = [(key, count - uses.get(key, 0)) for key, count in citations.uses.items() if count != uses.get(key, 0)]
    known = tuple((key, citations.numbers[key], uses.get(key, 0)) for key, _ in cited if key not in new)
    return html, Fragment(html, numbered, new, known, tuple(cited), tuple(citations.unresolved[unresolved:]))


class CiteThisPage:
    """The "Cite this page" citations of one render, by a PageCitationFormatter (made at the first citation not
    kept), or in a preview taken from earlier renders (cache). A page's citation follows from the page, the style and
    the site alone (the formatter decides how it cites on probe pages, not on the pages before), so a preview keeps
    each citation under the page and the site's options (shared)."""

    def __init__(self, make: Callable[[], Any], cache: RenderCache | None = None) -> None:
        self.make, self.cache = make, cache
        self.formatter: Any = None

    def cite(self, page: Any) -> tuple[str, str]:
        self.formatter = self.formatter or self.make()
        return self.formatter(page)

    def __call__(self, page: Any, shared: str = "") -> tuple[str, str]:
        if self.cache is None or not shared:
            return self.cite(page)
        key = fingerprint("page citation", shared, page)
        found = self.cache.piece(key)
        return found if found is not None else self.cache.keep(key, self.cite(page))


@dataclass
class RenderCache:
    """Record pages, and what is made from the whole bibliography, of the previous renders, within one preview
    process."""

    pages: dict[str, CachedPage] = field(default_factory=dict)
    made: dict[str, tuple[str, Any]] = field(default_factory=dict)  # name: (key of its inputs, value)
    pieces: dict[str, Any] = field(default_factory=dict)  # key of what it is made from: a piece of a page or file
    used: set[str] = field(default_factory=set)  # the pieces the current render asked for
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

    def piece(self, key: str) -> Any:
        """A piece of a page or file (a row of a list, a record's line of open data) kept under the key of what it
        is made from, or None."""
        self.used.add(key)
        return self.pieces.get(key)

    def keep(self, key: str, value: Any) -> Any:
        self.pieces[key] = value
        self.used.add(key)
        return value

    def swept(self) -> None:
        """A render is complete: forget the pieces it did not ask for (made from inputs that no longer exist)."""
        for key in self.pieces.keys() - self.used:
            del self.pieces[key]
        self.used = set()
