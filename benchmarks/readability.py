"""Readability report: the Flesch-Kincaid grade of every plain-language summary (cases and indications).

Run: python -m benchmarks.readability  (writes benchmarks/READABILITY.md and prints the table)
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import textstat
from importlib.metadata import version
import yaml

REPO = Path(__file__).resolve().parent.parent
LIMIT = 9.0
CITATION = re.compile(r"\[@[^\]]+\]")


def summaries(repo: Path = REPO) -> list[tuple[str, str]]:
    """(name, text) for each case's summary.plain_language and each indication's 'About this condition'."""
    found = []
    for path in sorted((repo / "cases").glob("*.yaml")):
        found.append((f"case {path.stem}", yaml.safe_load(path.read_text(encoding="utf-8"))["summary"]["plain_language"]))
    for path in sorted((repo / "content" / "indications").glob("*.md")):
        section = re.search(r"## About this condition\s+(.+?)(?=\n## |\Z)", path.read_text(encoding="utf-8"), re.S)
        if section:
            found.append((f"indication {path.stem}", section.group(1)))
    return found


def report(repo: Path = REPO) -> str:
    """The Markdown table of grades."""
    lines = [
        "# Readability of the plain-language summaries",
        "",
        f"Flesch-Kincaid grade level (textstat {version('textstat')}); "
        f"the test suite fails above grade {LIMIT:g}. Written by `python -m benchmarks.readability`.",
        "",
        "| summary | words | Flesch-Kincaid grade | Flesch reading ease | within limit |",
        "|---|---:|---:|---:|---|",
    ]
    for name, text in summaries(repo):
        plain = CITATION.sub("", text)
        grade = textstat.flesch_kincaid_grade(plain)
        ease = textstat.flesch_reading_ease(plain)
        lines.append(f"| {name} | {textstat.lexicon_count(plain)} | {grade:.1f} | {ease:.0f} | {'yes' if grade <= LIMIT else '**no**'} |")
    return "\n".join(lines) + "\n"


def main() -> int:
    text = report()
    (REPO / "benchmarks" / "READABILITY.md").write_text(text, encoding="utf-8")
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
