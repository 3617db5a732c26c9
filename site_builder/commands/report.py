"""Print problems for people (path:line:column: severity: field: message), GitHub Actions, or tools (JSON)."""

from __future__ import annotations

import json
from collections.abc import Iterable

from site_builder.records.model import Problem

FORMATS = ("text", "github", "json")


def _escape_github(value: str, *, prop: bool = False) -> str:
    # Workflow-command escaping, as in @actions/core's toCommandValue/escapeProperty.
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return value.replace(":", "%3A").replace(",", "%2C") if prop else value


def format_problems(problems: Iterable[Problem], fmt: str = "text") -> str:
    """Render problems in one of FORMATS; text and github give one line per problem."""
    problems = list(problems)
    if fmt == "json":
        return json.dumps(
            [
                {"path": p.path, "line": p.line, "column": p.column, "severity": p.severity.value, "field": p.field, "message": p.message}
                for p in problems
            ],
            indent=2,
            ensure_ascii=False,
        )
    if fmt == "github":
        return "\n".join(
            f"::{p.severity.value} file={_escape_github(p.path, prop=True)},line={p.line},col={p.column},"
            f"title={_escape_github(p.field or 'site-builder', prop=True)}::{_escape_github(p.message)}"
            for p in problems
        )
    return "\n".join(str(p) for p in problems)
