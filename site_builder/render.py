"""Jinja environment over templates/: every page kind is one template; a project's own templates/ overrides them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from .markup import escape_text, render_inline, render_markdown
from .resolve import PageCitations, relative_link

DEFAULT_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def _citer(context: Context) -> PageCitations:
    return context["citations"]


@pass_context
def _md(context: Context, text: str | None) -> Markup:
    """Contributed Markdown as a sanitised HTML block, citations numbered for this page."""
    if not text:
        return Markup("")
    return render_markdown(_citer(context).resolve(text))


@pass_context
def _md_inline(context: Context, text: str | None) -> Markup:
    """Contributed Markdown as sanitised inline HTML, for table cells and card lines."""
    if not text:
        return Markup("")
    return render_inline(_citer(context).resolve(text))


@pass_context
def _link(context: Context, target: str) -> Markup:
    """A Markdown link target from the page being rendered to another docs path (ids are slugs)."""
    return Markup(relative_link(context["page_path"], target))


def _yaml(value: Any) -> Markup:
    """A value as YAML front matter (JSON is valid YAML), with HTML-significant characters escaped."""
    text = json.dumps(value, ensure_ascii=True).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)


def _number(value: float | None) -> str:
    """Print 15.0 as 15 and 1.5 as 1.5."""
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else str(value)


def make_environment(project_templates: Path | None = None) -> Environment:
    """A Jinja environment: project templates first, then the built-in ones; every plain value is escaped."""
    loaders = [FileSystemLoader(str(project_templates))] if project_templates and project_templates.is_dir() else []
    loaders.append(FileSystemLoader(str(DEFAULT_TEMPLATES)))
    env = Environment(
        loader=ChoiceLoader(loaders),
        autoescape=True,
        finalize=escape_text,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(md=_md, md_inline=_md_inline, link=_link, yaml=_yaml, number=_number)
    return env


def render(env: Environment, template: str, **context: Any) -> str:
    """Render one page template."""
    return env.get_template(template).render(**context)
