"""Contributed text is untrusted: Markdown becomes sanitised HTML, plain strings are escaped for Markdown and HTML."""

from __future__ import annotations

import re

import markdown
import nh3
from markupsafe import Markup

ALLOWED_TAGS = {"p", "br", "em", "strong", "i", "b", "code", "sup", "sub", "ul", "ol", "li", "a", "blockquote", "span"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title", "class"}, "sup": {"class"}, "span": {"class"}}
URL_SCHEMES = {"http", "https", "mailto"}
# Characters that Markdown or HTML would interpret; written as numeric entities they render as themselves.
_SPECIAL = re.compile(r"[\\`*_{}\[\]()<>#+!|&\"'~=:]")
_CONTROL = re.compile("[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u202a-\u202e\u2066-\u2069\u200e\u200f]")
_MD = markdown.Markdown(extensions=["sane_lists"], output_format="html")


def strip_controls(text: str) -> str:
    """Remove control characters and Unicode bidi overrides, which can disguise text."""
    return _CONTROL.sub("", text)


def escape_text(value: object) -> Markup:
    """Escape a plain string so that neither Markdown nor HTML interprets any of it."""
    if isinstance(value, Markup):
        return value
    text = strip_controls(str(value))
    return Markup(_SPECIAL.sub(lambda m: f"&#{ord(m.group())};", text).replace("\n", " "))


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
        )
    )


def render_markdown(text: str) -> Markup:
    """Render contributed Markdown to sanitised block HTML (one line per block, safe to embed in Markdown)."""
    _MD.reset()
    html = _MD.convert(strip_controls(text))
    return Markup(sanitize(html).replace("\n\n", "\n"))


def render_inline(text: str) -> Markup:
    """Render contributed Markdown to sanitised inline HTML (no surrounding paragraph, no newlines)."""
    html = str(render_markdown(text)).strip()
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return Markup(html.replace("\n", " ").replace("|", "&#124;"))
