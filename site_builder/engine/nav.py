"""Keep the navigation bounded: indications are listed, cases are reached through them."""

from __future__ import annotations

from typing import Any

from markupsafe import escape

from site_builder.records.markup import strip_controls
from site_builder.project import Project

INDEX = "indications/index.md"


def expand_indications(nav: list[Any], project: Project) -> list[Any]:
    """Replace the nav entry for indications/index.md with a section of the overview and every indication."""
    indications = sorted(project.indications.values(), key=lambda i: (i.order, i.id))

    def walk(items: list[Any]) -> list[Any]:
        out: list[Any] = []
        for item in items:
            if item == INDEX:
                item = {"Indications": INDEX}
            if isinstance(item, dict) and len(item) == 1:
                (title, value), = item.items()
                if value == INDEX:
                    value = [INDEX, *({str(escape(strip_controls(i.title))): f"indications/{i.id}.md"} for i in indications)]
                elif isinstance(value, list):
                    value = walk(value)
                item = {title: value}
            out.append(item)
        return out

    return walk(nav)


def nav_titles(nav: list[Any] | None) -> dict[str, str]:
    """The titles the nav gives pages ('Home: index.md'), which MkDocs shows instead of the pages' own titles."""
    found: dict[str, str] = {}
    for item in nav or []:
        if isinstance(item, dict):
            for title, value in item.items():
                if isinstance(value, str):
                    found.setdefault(value, str(title))
                elif isinstance(value, list):
                    for path, inner in nav_titles(value).items():
                        found.setdefault(path, inner)
    return found
