"""Contributed text is untrusted: Markdown becomes sanitised HTML, plain strings are escaped for Markdown and HTML."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import markdown
import nh3
from markupsafe import Markup, escape

ALLOWED_TAGS = {"p", "br", "em", "strong", "i", "b", "code", "sup", "sub", "ul", "ol", "li", "a", "blockquote", "span"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title", "class", "id"}, "sup": {"class"}, "span": {"class"}}
# The only ids kept: a citation's own anchor, which its reference links back to (resolve.PageCitations.marker).
CITATION_USE_ID = re.compile(r"cite-[A-Za-z0-9_-]+-use-\d+")
URL_SCHEMES = {"http", "https", "mailto"}
# Characters that Markdown or HTML would interpret; written as numeric entities they render as themselves.
_SPECIAL = re.compile(r"[\\`*_{}\[\]()<>#+!|&\"'~=:]")
_CONTROL = re.compile("[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u202a-\u202e\u2066-\u2069\u200e\u200f]")
_NEWLINE = re.compile(r"\r\n?|\n")  # Markdown reads a lone CR as a line break too
_MD = markdown.Markdown(extensions=["sane_lists"], output_format="html")
# Contributed text never carries raw HTML: with Python-Markdown's HTML handling off, '<' is text shown as typed,
# 'a<b>c' stays 'a<b>c' and an unclosed '<details>' cannot swallow the rest of the field.
_MD.preprocessors.deregister("html_block")
_MD.inlinePatterns.deregister("html")
# What a browser would read as the start of an HTML tag, comment or declaration.
RAW_HTML_RE = re.compile(r"<(?:!--|[!?][A-Za-z]|/?[A-Za-z][\w:-]*(?=[\s/>]|$))", re.M)
# Front-matter keys that MkDocs themes print into the page as HTML, unescaped (Material: <title>, header, nav, tags).
DISPLAYED_META = ("title", "description", "subtitle")


# Anything Python-Markdown could turn into markup: inline syntax, entities, raw HTML, and block syntax at a line start.
_MARKDOWN_SYNTAX = re.compile(r"[\\`*_\[\]<>#!|&~=\r\n]|^\s*(?:[-+]|\d+[.)])(?:\s|$)|^\s{4}|:\s*$|https?:|www\.", re.M)


def raw_html(text: str) -> list[tuple[int, str]]:
    """Each raw HTML tag, comment or declaration in contributed text: (offset, what was written, such as '<details')."""
    return [(m.start(), m.group()) for m in RAW_HTML_RE.finditer(text)]


def needs_markdown(text: str) -> bool:
    """True unless the text is plain prose that Markdown would only wrap in a paragraph."""
    return bool(_MARKDOWN_SYNTAX.search(text)) or text != text.strip()


def strip_controls(text: str) -> str:
    """Remove control characters and Unicode bidi overrides, which can disguise text."""
    return _CONTROL.sub("", text)


# What needs no change (no special or control character, no line break): escape_text runs on every value a
# template prints, most of them plain words.
_PLAIN = re.compile("[^" + _SPECIAL.pattern[1:-1] + _CONTROL.pattern[1:-1] + "\r\n]*")


def _entities(text: str) -> str:
    """Text with every Markdown- or HTML-significant character as a character reference, on one line."""
    if _PLAIN.fullmatch(text):
        return text
    return _NEWLINE.sub(" ", _SPECIAL.sub(lambda m: f"&#{ord(m.group())};", text))


def escape_text(value: object) -> Markup:
    """Escape a plain string so that neither Markdown nor HTML interprets any of it."""
    if isinstance(value, Markup):
        return value
    text = str(value)
    return Markup(text if _PLAIN.fullmatch(text) else _entities(strip_controls(text)))


class _Inert(HTMLParser):
    """Re-serialises sanitised HTML with every Markdown-significant character of text and attributes
    written as a character reference, so that a second Markdown pass (the page itself) changes nothing."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []

    def _tag(self, tag: str, attrs: list[tuple[str, str | None]], close: str) -> str:
        values = "".join(f' {name}="{_entities(value or "")}"' for name, value in attrs)
        return f"<{tag}{values}{close}>"

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.out.append(self._tag(tag, attrs, ""))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.out.append(self._tag(tag, attrs, ""))

    def handle_endtag(self, tag: str) -> None:
        self.out.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        # Whitespace between blocks keeps its newlines; inside text a newline could start a Markdown line.
        self.out.append(data if not data.strip() else _entities(data))


def inert(html: str) -> str:
    """Sanitised HTML made safe to embed in Markdown: the same document, with nothing left for Markdown to parse."""
    parser = _Inert()
    parser.feed(html)
    parser.close()
    return "".join(parser.out)


def _keep_attribute(tag: str, name: str, value: str) -> str | None:
    if name == "id":
        return value if CITATION_USE_ID.fullmatch(value) else None
    return value


def sanitize(html: str) -> Markup:
    """Keep only harmless tags, attributes and URL schemes."""
    return Markup(
        nh3.clean(
            html,
            tags=ALLOWED_TAGS,
            attributes=ALLOWED_ATTRIBUTES,
            url_schemes=URL_SCHEMES,
            link_rel="noopener noreferrer nofollow",
            strip_comments=True,
            attribute_filter=_keep_attribute,
        )
    )


def render_markdown(text: str) -> Markup:
    """Render contributed Markdown to sanitised block HTML (one line per block, safe to embed in Markdown)."""
    _MD.reset()
    html = _MD.convert(strip_controls(text))
    return Markup(inert(sanitize(html)).replace("\n\n", "\n"))


def render_inline(text: str) -> Markup:
    """Render contributed Markdown to sanitised inline HTML (no surrounding paragraph, no newlines)."""
    html = str(render_markdown(text)).strip()
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return Markup(html.replace("\n", " ").replace("|", "&#124;"))


def escape_meta(meta: dict[str, object]) -> dict[str, object]:
    """Front matter for MkDocs: the values themes print as HTML (title, description, subtitle, tags) escaped, the rest as is."""
    out = dict(meta)
    for key in DISPLAYED_META:
        if isinstance(out.get(key), str):
            out[key] = str(escape(strip_controls(out[key])))
    if isinstance(out.get("tags"), list):
        out["tags"] = [str(escape(strip_controls(tag))) if isinstance(tag, str) else tag for tag in out["tags"]]
    return out
