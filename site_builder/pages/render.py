"""Jinja environment over templates/: every page kind is one HTML template; a project's own templates/ overrides them.

Generated pages are rendered straight to finished HTML (nothing parses them again); hand-written content pages are
Markdown templates, whose links stay Markdown links for the engine to resolve."""

from __future__ import annotations

import functools
import re
from enum import Enum
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, Template, pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from site_builder.records.cite import find_citations, replace_citations
from site_builder.records.model import CONSULTED_TEXT, PROVENANCE_TEXT, REPORT_ROLE_TEXT, UNPUBLISHED_LABEL, absence_text, is_reported
from site_builder.pages.facts import designs_in_words
from site_builder.pages.wording import indication_name, plural, procedure_name, upper_first, words
from site_builder.pages.records import by_design, evidence_of
from site_builder.records.study import STATISTIC_TEXT
from site_builder.records.markup import escape_text, needs_markdown, render_inline, render_markdown
from site_builder.pages.compiled import TEMPLATES
from site_builder.pages.headings import Headings
from site_builder.pages.resolve import BIBLIOGRAPHY_PAGE, PageCitations, relative_link
from site_builder.pages.urls import relative_url

DEFAULT_TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def _citer(context: Context) -> PageCitations:
    return context["citations"]


_TOKEN_RE = re.compile(r"sbcite(\d+)x")


def markdown_path(citations: PageCitations, text: str, inline: bool) -> Markup:
    """Contributed text through the Markdown parser; citations stand in it as inert tokens (raw HTML is text
    there) and become their markers afterwards (our own HTML, its text escaped by PageCitations.marker)."""
    markers: list[str] = []
    tokenised = replace_citations(text, lambda span: markers.append(citations.marker(span)) or f"sbcite{len(markers) - 1}x")
    html = str(render_inline(tokenised) if inline else render_markdown(tokenised))
    return Markup(_TOKEN_RE.sub(lambda m: markers[int(m.group(1))], html))


def _contributed(citations: PageCitations, text: str | None, inline: bool) -> Markup:
    """Contributed Markdown as sanitised HTML with this page's citation numbers.

    Prose without Markdown syntax skips the Markdown parser: escaping it gives the same HTML, faster."""
    if not text:
        return Markup("")
    spans = find_citations(text)
    prose, last = [], 0
    for span in spans:
        prose.append(text[last : span.start])
        last = span.end
    prose.append(text[last:])
    if needs_markdown("".join(prose)):
        return markdown_path(citations, text, inline)
    html = [str(escape_text(prose[0]))]
    for span, after in zip(spans, prose[1:]):
        html.append(citations.marker(span))
        html.append(str(escape_text(after)))
    body = "".join(html)
    return Markup(body if inline else f"<p>{body}</p>")


@pass_context
def _md(context: Context, text: str | None) -> Markup:
    """Contributed Markdown as a sanitised HTML block, citations numbered for this page."""
    return _contributed(_citer(context), text, inline=False)


@pass_context
def _md_inline(context: Context, text: str | None) -> Markup:
    """Contributed Markdown as sanitised inline HTML, for table cells and card lines."""
    return _contributed(_citer(context), text, inline=True)


@pass_context
def _link(context: Context, target: str) -> Markup:
    """A link from the page being rendered to another docs path (ids are slugs): the finished URL in an HTML page,
    the .md path in a hand-written Markdown page (the engine resolves it)."""
    if context.get("markdown_links"):
        return Markup(relative_link(context["page_path"], target))
    return Markup(relative_url(context["page_path"], target, context.get("directory_urls", True), context.get("link_root", "")))


@pass_context
def _heading(context: Context, level: int, text: str, anchor: str = "", exclude: bool = False) -> Markup:
    """A heading with its id and permalink, added to the page's table of contents."""
    headings: Headings = context.get("headings") or Headings()
    return headings.heading(level, text, anchor, exclude)


HAND_WRITTEN = "\x00hand-written\x00"  # where a generated page holds hand-written Markdown (an indication's own text)


@pass_context
def _hand_written(context: Context) -> Markup:
    """Mark where the page's hand-written Markdown goes; the headings so far come before it."""
    headings: Headings | None = context.get("headings")
    if headings is not None:
        headings.split = len(headings.tokens)
    return Markup(HAND_WRITTEN)


def _number(value: float | None) -> str:
    """Print 15.0 as 15 and 1.5 as 1.5."""
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else str(value)


def _fact(value: Any, suffix: str = "") -> str:
    """A fact for readers: its value (numbers printed plainly, then suffix), or why there is none."""
    if not is_reported(value):
        return absence_text(value)
    if isinstance(value, Enum):
        return value.value.replace("-", " ") + suffix
    if isinstance(value, float | int) and not isinstance(value, bool):
        return _number(value) + suffix
    return f"{value}{suffix}"


WORDING = {
    "provenance": {k.value: v for k, v in PROVENANCE_TEXT.items()},
    "report_role": {k.value: v for k, v in REPORT_ROLE_TEXT.items()},
    "consulted": {k.value: v for k, v in CONSULTED_TEXT.items()},
    "statistic": {k.value: v for k, v in STATISTIC_TEXT.items()},
    "unpublished": UNPUBLISHED_LABEL,
}


def make_environment(project_templates: Path | None = None) -> Environment:
    """A Jinja environment: project templates first, then the built-in ones; every plain value is escaped.

    Environments are kept, so that each template is loaded once per process, and compiled once for as long as its
    source stays the same (pages/compiled.py keeps the compiled code on disk for the next build); Jinja reloads a
    template whose file changed (auto_reload), and a project templates folder that appears gets a new environment."""
    folder = project_templates.resolve() if project_templates and project_templates.is_dir() else None
    return _environment(folder)


@functools.lru_cache(maxsize=8)
def _environment(project_templates: Path | None) -> Environment:
    loaders = [FileSystemLoader(str(project_templates))] if project_templates else []
    loaders.append(FileSystemLoader(str(DEFAULT_TEMPLATES)))
    env = Environment(
        loader=ChoiceLoader(loaders),
        autoescape=True,
        finalize=escape_text,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        bytecode_cache=TEMPLATES,
    )
    env.filters.update(text=escape_text, md=_md, md_inline=_md_inline, link=_link, number=_number, words=words, plural=plural, upper_first=upper_first, designs_in_words=designs_in_words, indication_name=indication_name, procedure_name=procedure_name, evidence=evidence_of, by_design=by_design, fact=_fact)
    env.tests["reported"] = is_reported
    env.tests["markup"] = lambda value: isinstance(value, Markup)
    env.globals.update(wording=WORDING, h=_heading, hand_written=_hand_written, bibliography=BIBLIOGRAPHY_PAGE)
    return env


@functools.lru_cache(maxsize=8)
def _content_environment(env: Environment) -> Environment:
    return env.overlay(comment_start_string="{##", comment_end_string="##}")


@functools.lru_cache(maxsize=512)
def content_template(env: Environment, body: str) -> Template:
    """A hand-written page's body as a template of env ({## ##} for comments, so that Markdown's {#id} stays text),
    compiled once per text: a preview's rebuild does not compile unchanged pages again."""
    return _content_environment(env).from_string(body)


def render(env: Environment, template: str, **context: Any) -> tuple[str, dict[str, Any]]:
    """Render one page template: its HTML and the page's metadata (the template's top-level `meta`)."""
    module = env.get_template(template).make_module(context)
    return str(module), dict(getattr(module, "meta", None) or {})
