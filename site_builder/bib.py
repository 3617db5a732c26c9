"""Load references.bib with bibtexparser 2: LaTeX decoded to Unicode, names split, problems with lines."""

from __future__ import annotations

import re
from pathlib import Path

import bibtexparser
from bibtexparser import model as bibmodel
from bibtexparser.middlewares import LatexDecodingMiddleware, SeparateCoAuthors, SplitNameParts

from .markup import strip_controls
from .model import Name, Problem, Reference, Severity
from .yamlsource import YamlError, decode

# Required fields per entry type (BibTeX's standard styles, plus biblatex's @online); a tuple is "one of".
REQUIRED: dict[str, tuple[str | tuple[str, ...], ...]] = {
    "article": ("author", "title", "journal", "year"),
    "book": (("author", "editor"), "title", "publisher", "year"),
    "booklet": ("title",),
    "inbook": (("author", "editor"), "title", ("chapter", "pages"), "publisher", "year"),
    "incollection": ("author", "title", "booktitle", "publisher", "year"),
    "inproceedings": ("author", "title", "booktitle", "year"),
    "conference": ("author", "title", "booktitle", "year"),
    "manual": ("title",),
    "mastersthesis": ("author", "title", "school", "year"),
    "phdthesis": ("author", "title", "school", "year"),
    "techreport": ("author", "title", "institution", "year"),
    "report": ("author", "title", "institution", "year"),
    "misc": ("title",),
    "online": ("title", "url"),
    "unpublished": ("author", "title", "note"),
}
MAX_BIB_BYTES = 64 * 1024 * 1024  # a registry of 10,000 cases cites thousands of works
DOI_RE = re.compile(r"^10\.\d{4,9}/\S+$")
NAME_FIELDS = ("author", "editor")


LATEX_RE = re.compile(r"[\\{}$~%&^_#]|--|''|``")


class _LatexDecoding(LatexDecodingMiddleware):
    """LaTeX decoding only where a value holds LaTeX: pylatexenc is slow, and most values are plain text."""

    def _transform_python_value_string(self, python_string: str) -> tuple[str, str]:
        if not LATEX_RE.search(python_string):
            return python_string, ""
        return super()._transform_python_value_string(python_string)


def _names(value: object) -> tuple[Name, ...]:
    if not isinstance(value, list):
        return ()
    names = []
    for part in value:
        if hasattr(part, "last"):
            names.append(Name(*(strip_controls(" ".join(words)) for words in (part.last, part.first, part.von, part.jr))))
    return tuple(names)


def _problem(path: str, line: int, field: str, message: str, severity: Severity = Severity.error) -> Problem:
    return Problem(path, line, 1, severity, field, message)


def load_bibliography(path: Path, display: str | None = None) -> tuple[dict[str, Reference], list[Problem]]:
    """Parse a .bib file into references keyed by citation key, plus the problems found."""
    shown = display or str(path)
    try:
        text = decode(path.read_bytes(), MAX_BIB_BYTES)
    except OSError as exc:
        return {}, [_problem(shown, 1, "", f"cannot read bibliography: {exc.strerror}")]
    except YamlError as exc:
        return {}, [Problem(shown, exc.line, exc.column, Severity.error, "", exc.message)]
    return parse_bibliography(text, shown)


def parse_bibliography(text: str, shown: str) -> tuple[dict[str, Reference], list[Problem]]:
    """Parse BibTeX text; every failed block, duplicate key or missing field is a Problem."""
    problems: list[Problem] = []
    try:
        library = bibtexparser.parse_string(
            text, append_middleware=[_LatexDecoding(), SeparateCoAuthors(), SplitNameParts()]
        )
    except Exception as exc:  # bibtexparser raises bare exceptions on some inputs
        return {}, [_problem(shown, 1, "", f"bibliography could not be parsed: {exc}")]
    for block in library.failed_blocks:
        line = (block.start_line or 0) + 1
        if isinstance(block, bibmodel.DuplicateBlockKeyBlock):
            problems.append(_problem(shown, line, block.key, f"duplicate citation key '{block.key}'"))
        elif isinstance(block, bibmodel.DuplicateFieldKeyBlock):
            problems.append(_problem(shown, line, getattr(block, "key", ""), f"duplicate field: {block.error}"))
        else:
            first = (block.raw or "").strip().splitlines()[0][:60] if block.raw else ""
            problems.append(_problem(shown, line, "", f"BibTeX block could not be parsed: '{first}'"))
    references: dict[str, Reference] = {}
    for entry in library.entries:
        line = (entry.start_line or 0) + 1
        entry_type = entry.entry_type.lower()
        fields: dict[str, str] = {}
        people: dict[str, tuple[Name, ...]] = {}
        for fld in entry.fields:
            name = fld.key.lower()
            if name in NAME_FIELDS:
                people[name] = _names(fld.value)
            else:
                fields[name] = " ".join(strip_controls(str(fld.value)).split())
        for requirement in REQUIRED.get(entry_type, ()):
            options = requirement if isinstance(requirement, tuple) else (requirement,)
            if not any(fields.get(o) or people.get(o) for o in options):
                problems.append(
                    _problem(shown, line, f"{entry.key}.{options[0]}", f"@{entry_type} needs field '{' or '.join(options)}'")
                )
        if entry_type not in REQUIRED:
            problems.append(_problem(shown, line, entry.key, f"unknown entry type '@{entry_type}'", Severity.warning))
        doi = fields.get("doi", "")
        if doi and not DOI_RE.match(doi):
            problems.append(
                _problem(shown, line, f"{entry.key}.doi", f"'{doi}' is not a DOI (expected '10.NNNN/...' without a URL prefix)")
            )
        references[entry.key] = Reference(
            key=entry.key,
            entry_type=entry_type,
            fields=fields,
            authors=people.get("author", ()),
            editors=people.get("editor", ()),
            path=shown,
            line=line,
        )
    return references, problems
