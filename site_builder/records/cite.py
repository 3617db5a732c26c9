"""Pandoc-style citation spans: `[@key]`, `[@a; @b]`, `[see @key, p. 4]`, parsed by pure functions."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

KEY = r"[A-Za-z0-9_](?:[A-Za-z0-9_:.#$%&+?<>~/-]*[A-Za-z0-9_])?"
KEY_RE = re.compile(KEY)
# A bracketed span that contains an @ right after '[' or after whitespace/';' (Pandoc's rule),
# while not being a Markdown link target such as [text](url) or an e-mail in brackets.
SPAN_RE = re.compile(r"\[(?P<body>(?:[^\[\]@]*?[\s;])?-?@[^\[\]]*)\](?![(\[:])")
OPEN_RE = re.compile(r"\[(?:[^\[\]@]*?[\s;])?-?@")
ITEM_RE = re.compile(rf"^(?P<prefix>[^@]*?)\s*(?P<suppress>-?)@(?P<key>{KEY})(?P<rest>.*)$", re.S)


@dataclass(frozen=True)
class CitationItem:
    """One cited work inside a span."""

    key: str
    locator: str = ""
    prefix: str = ""
    suppress_author: bool = False


@dataclass(frozen=True)
class Citation:
    """One bracketed citation span and where it stands in the text (character offsets)."""

    items: tuple[CitationItem, ...]
    start: int
    end: int

    @property
    def keys(self) -> tuple[str, ...]:
        """The cited keys in order."""
        return tuple(item.key for item in self.items)


class CitationSyntaxError(ValueError):
    """A malformed citation span; offset is the character index where it starts."""

    def __init__(self, message: str, offset: int):
        super().__init__(message)
        self.offset = offset


def parse_span(body: str, start: int = 0, end: int = 0) -> Citation:
    """Parse the inside of one `[...]` span; raises CitationSyntaxError when malformed."""
    items = []
    for part in body.split(";"):
        match = ITEM_RE.match(part.strip())
        if not match:
            raise CitationSyntaxError(f"malformed citation '[{body}]': each item needs '@key'", start)
        rest = match["rest"].strip()
        if rest and not rest.startswith(","):
            raise CitationSyntaxError(
                f"malformed citation '[{body}]': '{rest}' after @{match['key']} (separate works with ';' and locators with ',')",
                start,
            )
        locator = rest[1:].strip()
        if rest and not locator:
            raise CitationSyntaxError(f"malformed citation '[{body}]': empty locator after ','", start)
        items.append(CitationItem(match["key"], locator, match["prefix"].strip(), match["suppress"] == "-"))
    return Citation(tuple(items), start, end)


def find_citations(text: str) -> list[Citation]:
    """All citation spans of a Markdown text, in order; raises CitationSyntaxError on a malformed span."""
    found = [parse_span(m["body"], m.start(), m.end()) for m in SPAN_RE.finditer(text)]
    for opened in OPEN_RE.finditer(text):
        if any(c.start <= opened.start() < c.end for c in found):
            continue
        close = text.find("]", opened.start())
        if close != -1 and text[close + 1 : close + 2] in ("(", "[", ":"):
            continue  # a Markdown link or reference whose text happens to contain '@'
        snippet = text[opened.start() : opened.start() + 40].splitlines()[0]
        raise CitationSyntaxError(f"malformed or unterminated citation '{snippet}'", opened.start())
    return found


def replace_citations(text: str, render: Callable[[Citation], str]) -> str:
    """Replace every citation span with render(span); other text is left as it is."""
    out, last = [], 0
    for citation in find_citations(text):
        out.append(text[last : citation.start])
        out.append(render(citation))
        last = citation.end
    out.append(text[last:])
    return "".join(out)


def offset_to_position(text: str, offset: int) -> tuple[int, int]:
    """Convert a character offset into a 1-based (line, column)."""
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column
